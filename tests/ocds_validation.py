"""Checks OCDS 1.1 release packages with the standard's own validator, offline.

libcoveocds (the library behind the Open Contracting Partnership's Data Review Tool) reads
the OCDS 1.1.5 schema and codelists from the ZIP shipped beside this file, never from the
web. libcoveocds is in the dev dependency group: this module is for tests and checks, not
for serving pages.

Two things libcoveocds does not count as schema errors are errors here: a code outside a
closed codelist (it reports those apart), and an ``ocid`` whose prefix is not ``ocds-``
and six letters or digits (a conformance error). Extensions are never downloaded: a
package's ``extensions`` are set aside and each is named in a warning, so the fields they
add are checked only as additional fields.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import libcoveocds.api
from libcoveocds.config import LibCoveOCDSConfig

OCDS_VERSION = "1.1"
STANDARD_ZIP = Path(__file__).resolve().parent / "standards" / "ocds-1.1.5-schema.zip"


@dataclass(frozen=True)
class OCDSReport:
    """What the validator found: errors make the package invalid, warnings do not."""

    errors: list[str]
    warnings: list[str]

    @property
    def valid(self) -> bool:
        return not self.errors


def _config() -> LibCoveOCDSConfig:
    config = LibCoveOCDSConfig()
    config.config.update(
        # The standard's schema and codelists from the local ZIP, not codeload.github.com.
        standard_zip=STANDARD_ZIP.as_uri(),
        schema_version=OCDS_VERSION,
        # Plain results (no HTML), and errors are raised rather than shown.
        context="api",
        additional_checks="all",
        skip_aggregates=True,
    )
    return config


def _shown(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


def _sentence(text: str) -> str:
    text = " ".join(text.split())
    return text if text.endswith((".", "?", "!")) else text + "."


def check_release_package(package: dict) -> OCDSReport:
    """Validates one OCDS 1.1 release package; one plain-English line per problem."""
    if not isinstance(package, dict):
        raise TypeError(f"an OCDS release package is a JSON object (dict), not {type(package)}")
    if not package:
        return OCDSReport(
            errors=["The package is empty: it is not a release package."], warnings=[]
        )

    errors: list[str] = []
    warnings: list[str] = []

    declared = package.get("version")
    if declared is not None and declared != OCDS_VERSION:
        errors.append(
            f"version: the package says OCDS {_shown(declared)}, but only OCDS "
            f"{OCDS_VERSION} is checked here."
        )

    # Fetching an extension would need the network; set them aside and say so.
    extensions = package.get("extensions")
    if isinstance(extensions, list):
        warnings.extend(
            f"extensions: {_shown(url)} was not fetched (offline); the fields it adds were "
            "checked only as additional fields."
            for url in extensions
        )
    data = {key: value for key, value in package.items() if key != "extensions"}

    context = libcoveocds.api.ocds_json_output(
        json_data=data,
        schema_version=OCDS_VERSION,
        lib_cove_ocds_config=_config(),
        record_pkg=False,
    )

    if context.get("json_deref_error"):
        errors.append(f"The schema could not be read: {context['json_deref_error']}")

    for error in context["validation_errors"]:
        line = f"{error['path'] or error['field'] or 'package'}: {_sentence(error['description'])}"
        if error["value"] not in ("", None):
            line += f" The value is {_shown(error['value'])}."
        errors.append(line)

    for ocid, path in context.get("conformance_errors", {}).get("ocds_prefixes_bad_format", []):
        errors.append(
            f"{path}: {_shown(ocid)} does not start with an OCID prefix "
            "(“ocds-” and six lowercase letters or digits)."
        )

    for where, entry in context["additional_closed_codelist_values"].items():
        values = ", ".join(_shown(value) for value in entry["values"])
        errors.append(f"{where}: {values} not in the closed codelist {entry['codelist']}.")

    for where, entry in context["additional_open_codelist_values"].items():
        values = ", ".join(_shown(value) for value in entry["values"])
        warnings.append(f"{where}: {values} not in the open codelist {entry['codelist']}.")

    for check, found in context.get("additional_checks", {}).items():
        for item in found:
            if check == "empty_field":
                warnings.append(f"{item['json_location']}: empty; leave the field out instead.")
            else:
                warnings.append(f"{check}: {_shown(item)}")

    for field in context["additional_fields"]:
        warnings.append(
            f"{field['path']}/{field['field']}: not an OCDS {OCDS_VERSION} field "
            f"(found {field['usage_count']} times)."
        )

    for field in context["deprecated_fields"]:
        paths = ", ".join(field.get("paths", ()))
        warnings.append(f"{field['field']}: deprecated in OCDS {OCDS_VERSION} (at {paths}).")

    return OCDSReport(errors=errors, warnings=warnings)


def validate_release_package(package: dict) -> list[str]:
    """The errors that make a release package invalid OCDS 1.1; empty if it is valid."""
    return check_release_package(package).errors
