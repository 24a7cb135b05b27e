"""Reader for English Indices of Deprivation 2025 summaries by local authority or by ICB."""

from __future__ import annotations

from decimal import Decimal

from openics.sources.base import ONS_ICB, ONS_LA, Parsed, checked, decimal_or_error
from openics.sources.geography import (
    check_code,
    check_names,
    read_csv_table,
    whole_number,
)
from openics.sources.rows import DeprivationRow

# Measures kept in DeprivationRow.extra: our short name → (column heading, kind). Headings
# are the snake_case forms of the MHCLG summary workbooks, as humaniverse prints them; the
# local authority file says imd25_extent where the ICB file says imd_2025_extent.
# Kinds: "share"/"score" are non-negative, "signed" may be negative, "rank" is a whole number
# printed as an R double (30.0) and kept as Decimal("30").
_TEN_PC = "proportion_of_lso_as_in_most_deprived_10_percent_nationally"


def _extra(extent_prefix: str) -> dict[str, tuple[str, str]]:
    return {
        "average_rank": ("imd_average_rank", "score"),
        "rank_of_average_rank": ("imd_rank_of_average_rank", "rank"),
        "most_deprived_10pc": (f"imd_{_TEN_PC}", "share"),
        "rank_of_most_deprived_10pc": (f"imd_rank_of_{_TEN_PC}", "rank"),
        "extent": (f"{extent_prefix}_extent", "share"),
        "rank_of_extent": (f"{extent_prefix}_rank_of_extent", "rank"),
        "local_concentration": (f"{extent_prefix}_local_concentration", "score"),
        "rank_of_local_concentration": (f"{extent_prefix}_rank_of_local_concentration", "rank"),
        "income_score": ("income_average_score", "share"),
        "employment_score": ("employment_average_score", "share"),
        # The health domain is a standardised score centred on zero.
        "health_score": ("health_deprivation_and_disability_average_score", "signed"),
    }


def _measure(text: str, heading: str, kind: str) -> Decimal:
    if kind == "rank":
        return Decimal(whole_number(text, heading, minimum=1))
    value = decimal_or_error(text, heading, allow_negative=kind == "signed")
    if kind == "share" and value > 1:
        raise ValueError(f"{heading} {text.strip()} is more than 1")
    return value


# Layout → (code heading, name heading, valid-code pattern, extra measures).
_AREAS = {
    "imd2025-ltla24": ("ltla24_code", "ltla24_name", ONS_LA, _extra("imd25")),
    "imd2025-icb24": ("icb24_code", "icb24_name", ONS_ICB, _extra("imd_2025")),
}
LAYOUTS = {
    layout: {
        "area_code": code,
        "area_name": name,
        "imd_score": "imd_average_score",
        "imd_rank": "imd_rank_of_average_score",
    }
    | {key: heading for key, (heading, _) in extra.items()}
    for layout, (code, name, _, extra) in _AREAS.items()
}

# R writes NA for a missing value; the row types allow a missing score or rank.
_MISSING = {"", "NA"}


def _row(line: int, get: dict[str, str], layout: str) -> tuple[DeprivationRow | None, list[str]]:
    _, _, pattern, extra_columns = _AREAS[layout]
    code = get["area_code"].upper()
    problems: list[str] = []
    check_code(problems, "area code", code, lambda c: bool(pattern.match(c)))
    check_names(problems, get, {"area_name": "area name"})
    score: Decimal | None = None
    rank: int | None = None
    if get["imd_score"] not in _MISSING:
        score = checked(problems, decimal_or_error, get["imd_score"], "IMD average score")
    if get["imd_rank"] not in _MISSING:
        rank = checked(
            problems, whole_number, get["imd_rank"], "IMD rank of average score", minimum=1
        )
    extra: dict[str, Decimal] = {}
    for key, (heading, kind) in extra_columns.items():
        if get[key] in _MISSING:
            continue
        value = checked(problems, _measure, get[key], heading, kind)
        if value is not None:
            extra[key] = value
    if problems:
        return None, problems
    return DeprivationRow(
        line=line,
        area_code=code,
        area_name=get["area_name"],
        imd_score=score,
        imd_rank=rank,
        extra=extra,
    ), []


def parse_imd_summary(data: bytes, source: str = "IMD summary") -> Parsed[DeprivationRow]:
    return read_csv_table(
        data,
        source,
        "IoD 2025 summary",
        LAYOUTS,
        _row,
        lambda row: (row.area_code, f"area {row.area_code}"),
    )
