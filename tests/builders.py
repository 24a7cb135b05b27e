"""Builders of small, realistic input files for tests (2025/26 practice-file layout)."""

from __future__ import annotations

import contextlib
import csv
import io

PRACTICE_HEADER = [
    "Practice_Code",
    "GP_Practice_Name",
    "Practice_Postcode",
    "Latitude",
    "Longitude",
    "CCG",
    "Former CCG",
    "PCN_Code",
    "PCN_Name",
    "LOC",
    "LOCname",
    "ICB",
    "ICBname",
    "Rcode",
    "Region",
    "LAD",
    "LTLA",
    "LA",
    "UTLA",
    "Patients",
    "Population",
    "G&A WP",
    "CS WP",
    "MH WP",
    "Mat WP",
    "Health Ineq WP",
    "Prescr WP",
    "Final WP",
    "Primary Medical Care WP",
    "Final PMC WP",
]

ICBS = {
    "QUA": ("NHS Black Country ICB", "Y60", "NHS Midlands"),
    "QHL": ("NHS Birmingham and Solihull ICB", "Y60", "NHS Midlands"),
    "QHM": ("NHS North East and North Cumbria ICB", "Y63", "NHS North East & Yorkshire"),
}
LAS = {
    "E08000027": "Dudley",
    "E08000028": "Sandwell",
    "E08000025": "Birmingham",
    "E06000004": "Stockton-on-Tees",
}


def practice_row(
    code: str,
    icb: str = "QUA",
    lad: str = "E08000027",
    patients: str = "1000",
    name: str | None = None,
    **overrides,
) -> dict:
    icb_name, region, region_name = ICBS[icb]
    row = {
        "Practice_Code": code,
        "GP_Practice_Name": name or f"Practice {code}",
        "Practice_Postcode": "DY1 1AA",
        "Latitude": "52.5",
        "Longitude": "-2.08",
        "CCG": "",
        "Former CCG": "",
        "PCN_Code": "",
        "PCN_Name": "",
        "LOC": "",
        "LOCname": "",
        "ICB": icb,
        "ICBname": icb_name,
        "Rcode": region,
        "Region": region_name,
        "LAD": lad,
        "LTLA": LAS[lad],
        "LA": "",
        "UTLA": "",
        "Patients": patients,
        "Population": patients,
    }
    for column in PRACTICE_HEADER[21:]:
        row[column] = patients
    row.update(overrides)
    return row


def practice_file(rows: list[dict]) -> bytes:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=PRACTICE_HEADER, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def many_practices(n: int, icb: str = "QUA", lad: str = "E08000027", start: int = 1) -> list[dict]:
    return [practice_row(f"M{start + i:05d}", icb=icb, lad=lad) for i in range(n)]


LSOA_HEADER = (
    "lsoa11_name,lsoa11_code,sicbl22_name,sicbl22_code,sicbl22_code_h,icb22_name,icb22_code,"
    "icb22_code_h,ltla22_name,ltla22_code"
)


def lsoa_lookup(areas: list[tuple[str, str, str]]) -> bytes:
    """(LSOA code, ICB Qxx code, LAD code) triples as the ONS lookup file."""
    lines = [LSOA_HEADER]
    ons = {"QUA": "E54000062", "QHL": "E54000055", "QHM": "E54000050"}
    for lsoa, icb, lad in areas:
        lines.append(
            f"{LAS[lad]} 001A,{lsoa},{ICBS[icb][0]} - 15E,E38000258,15E,{ICBS[icb][0]},"
            f"{ons[icb]},{icb},{LAS[lad]},{lad}"
        )
    return ("\n".join(lines) + "\n").encode()


def practice_workbook(sheets: dict[str, list[dict]], notes: tuple[str, ...] = ()) -> bytes:
    """NHS England's weighted-population workbook: one sheet per year (name → rows), each
    with notes rows above the table, headings with stray and doubled spaces, and numbers as
    numbers; a first "Notes" sheet, as published."""
    import openpyxl

    workbook = openpyxl.Workbook()
    workbook.active.title = "Notes"
    workbook.active.append(["About these figures"])
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        sheet.append([f"Practice-level weighted populations, {name}"])
        for note in notes or ("Source: NHS England", "Figures are weighted populations"):
            sheet.append([note])
        sheet.append([])
        spaced = {
            heading: f" {heading.replace(' ', '  ')} " if " " in heading else f"{heading} "
            for heading in PRACTICE_HEADER
        }
        sheet.append([spaced[heading] for heading in PRACTICE_HEADER])
        for row in rows:
            cells = []
            for heading in PRACTICE_HEADER:
                value = row[heading]
                with contextlib.suppress(ValueError):
                    value = float(value) if heading in PRACTICE_HEADER[19:] else value
                cells.append(value)
            sheet.append(cells)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
