"""Readers for NHS Digital's "Patients registered at a GP practice" mapping and count files."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date

from openics.sources.base import (
    ODS_ICB,
    ODS_PCN,
    ODS_PRACTICE,
    ODS_REGION,
    ONS_ICB,
    Parsed,
    checked,
)
from openics.sources.geography import (
    check_code,
    check_names,
    is_sub_icb_code,
    read_csv_table,
    whole_number,
)
from openics.sources.rows import PracticeMapRow

# The files print extract dates as 01Jan2026. Months are matched by hand rather than with
# strptime("%b"), which follows the machine's locale.
_EXTRACT_DATE = re.compile(r"^(\d{1,2})([A-Za-z]{3})(\d{4})$")
_MONTHS = {
    name: number
    for number, name in enumerate(
        ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"],
        start=1,
    )
}

# SEX and AGE across the published family: the totals file has ALL/ALL; the single-year
# files have 0 … 94 and 95+; the five-year files have bands such as 0_4.
SEXES = {"ALL", "MALE", "FEMALE"}
_AGE_BAND = re.compile(r"^(ALL|\d{1,3}\+?|\d{1,3}_\d{1,3})$")


def extract_date(text: str) -> date:
    """A date from the files' 01Jan2026 form, or ValueError with a plain reason."""
    match = _EXTRACT_DATE.match(text.strip())
    month = _MONTHS.get(match.group(2).upper()) if match else None
    if not match or month is None:
        raise ValueError(f"extract date {text.strip()!r} is not a date like 01Jan2026")
    try:
        return date(int(match.group(3)), month, int(match.group(1)))
    except ValueError:
        raise ValueError(f"extract date {text.strip()!r} is not a real date") from None


# --- gp-reg-pat-prac-map.csv: practice → PCN → sub-ICB → ICB → region ----------------------

MAP_LAYOUTS = {
    "nhsd-gp-reg-pat-prac-map": {
        "extract_date": "EXTRACT_DATE",
        "practice_code": "PRACTICE_CODE",
        "practice_name": "PRACTICE_NAME",
        "postcode": "PRACTICE_POSTCODE",
        "pcn_code": "PCN_CODE",
        "pcn_name": "PCN_NAME",
        "sub_icb_code": "SUB_ICB_LOCATION_CODE",
        "sub_icb_name": "SUB_ICB_LOCATION_NAME",
        "icb_ons_code": "ONS_ICB_CODE",
        "icb_code": "ICB_CODE",
        "icb_name": "ICB_NAME",
        "region_code": "COMM_REGION_CODE",
        "region_name": "COMM_REGION_NAME",
    },
}


def _map_row(
    line: int, get: dict[str, str], layout: str
) -> tuple[PracticeMapRow | None, list[str]]:
    codes = {
        k: get[k].upper()
        for k in (
            "practice_code",
            "pcn_code",
            "sub_icb_code",
            "icb_code",
            "icb_ons_code",
            "region_code",
        )
    }
    pcn_name = get["pcn_name"]
    if codes["pcn_code"] == "U":
        # A bare U (named "Unallocated") means the practice is in no PCN, not a PCN called U.
        codes["pcn_code"], pcn_name = "", ""
    problems: list[str] = []
    extracted = checked(problems, extract_date, get["extract_date"])
    check_code(
        problems, "practice code", codes["practice_code"], lambda c: bool(ODS_PRACTICE.match(c))
    )
    if codes["pcn_code"]:
        check_code(problems, "PCN code", codes["pcn_code"], lambda c: bool(ODS_PCN.match(c)))
    check_code(problems, "sub-ICB code", codes["sub_icb_code"], is_sub_icb_code)
    check_code(problems, "ICB code", codes["icb_code"], lambda c: bool(ODS_ICB.match(c)))
    check_code(problems, "ICB ONS code", codes["icb_ons_code"], lambda c: bool(ONS_ICB.match(c)))
    check_code(problems, "region code", codes["region_code"], lambda c: bool(ODS_REGION.match(c)))
    check_names(
        problems,
        get,
        {"practice_name": "practice name", "icb_name": "ICB name", "region_name": "region name"},
    )
    if problems or extracted is None:
        return None, problems
    return PracticeMapRow(
        line=line,
        extract_date=extracted,
        practice_code=codes["practice_code"],
        practice_name=get["practice_name"],
        postcode=get["postcode"].upper(),
        pcn_code=codes["pcn_code"],
        pcn_name=pcn_name,
        sub_icb_code=codes["sub_icb_code"],
        sub_icb_name=get["sub_icb_name"],
        icb_code=codes["icb_code"],
        icb_ons_code=codes["icb_ons_code"],
        icb_name=get["icb_name"],
        region_code=codes["region_code"],
        region_name=get["region_name"],
    ), []


def parse_practice_map(data: bytes, source: str = "practice map") -> Parsed[PracticeMapRow]:
    return read_csv_table(
        data,
        source,
        "GP practice mapping",
        MAP_LAYOUTS,
        _map_row,
        lambda row: (row.practice_code, f"practice {row.practice_code}"),
    )


# --- gp-reg-pat-prac-*.csv: registered patients by practice, sex and age -------------------


@dataclass(frozen=True)
class RegisteredCountRow:
    """Patients registered at one practice, for one sex and age band (ALL/ALL for totals)."""

    line: int
    extract_date: date
    practice_code: str
    sex: str  # ALL, MALE or FEMALE
    age_band: str  # ALL, a single year (0 … 94, 95+) or a band such as 0_4
    patients: int


COUNT_LAYOUTS = {
    # Only the columns read are required, so the older CCG_CODE headings also match.
    "nhsd-gp-reg-pat-prac": {
        "extract_date": "EXTRACT_DATE",
        "type": "TYPE",
        "practice_code": "CODE",
        "sex": "SEX",
        "age_band": "AGE",
        "patients": "NUMBER_OF_PATIENTS",
    },
}


def _count_row(
    line: int, get: dict[str, str], layout: str
) -> tuple[RegisteredCountRow | None, list[str]]:
    practice_code, sex, age = (get[k].upper() for k in ("practice_code", "sex", "age_band"))
    problems: list[str] = []
    extracted = checked(problems, extract_date, get["extract_date"])
    if get["type"].upper() != "GP":
        # Other TYPEs would be area totals, whose CODE is not a practice.
        problems.append(f"TYPE {get['type']!r} is not GP (a practice)")
    check_code(problems, "practice code", practice_code, lambda c: bool(ODS_PRACTICE.match(c)))
    if sex not in SEXES:
        problems.append(f"SEX {get['sex']!r} is not one of {', '.join(sorted(SEXES))}")
    if not _AGE_BAND.match(age):
        problems.append(f"AGE {get['age_band']!r} is not ALL, an age or an age band")
    patients = checked(problems, whole_number, get["patients"], "number of patients")
    if problems or extracted is None or patients is None:
        return None, problems
    return RegisteredCountRow(
        line=line,
        extract_date=extracted,
        practice_code=practice_code,
        sex=sex,
        age_band=age,
        patients=patients,
    ), []


def parse_registered_patients(
    data: bytes, source: str = "registered patients file"
) -> Parsed[RegisteredCountRow]:
    return read_csv_table(
        data,
        source,
        "registered patients",
        COUNT_LAYOUTS,
        _count_row,
        lambda row: (
            (row.practice_code, row.sex, row.age_band),
            f"practice {row.practice_code} SEX {row.sex} AGE {row.age_band}",
        ),
    )
