"""The capital plan against its limit, and the PFI reader's columns, without a database."""

import pytest

from openics.capital.positions import position
from openics.sources.base import SourceError
from openics.sources.pfi import parse_pfi


def test_national_programmes_sit_beside_the_limit_and_the_rest_count_against_it():
    p = position(1000, [("operational", 600), ("lease", 300), ("national_programme", 900)])
    assert (p.against_limit_pence, p.outside_limit_pence, p.headroom_pence) == (900, 900, 100)
    assert not p.over_limit
    assert position(1000, [("pfi", 700), ("disposal", 301)]).over_limit
    assert position(None, [("operational", 5)]).headroom_pence is None
    with pytest.raises(ValueError, match="'gift' is not a funding source"):
        position(1000, [("gift", 1)])


def test_the_reader_reads_columns_by_meaning_in_any_order_and_names_what_it_ignores():
    data = (
        "Unitary charge payment 2025-26 (£m),SPV NAME,Capital Value (£m),Contract years,"
        "Date of financial close,Status,Sector,Authority,Department,Project Name,Region\n"
        "1.25,Partner Ltd,10,25,2001-04-01,operational,Health,A Trust,Department of Health,"
        "A hospital,West Midlands\n"
    ).encode()
    parsed = parse_pfi(data, "f.csv")
    row = parsed.rows[0]
    assert (row.status, row.contract_years, row.spv, row.reference) == (
        "Operational",
        25,
        "Partner Ltd",
        "A hospital",
    )
    assert str(row.charges_m["2025/26"]) == "1.25"
    assert parsed.notes == ["column 'Region' is not one OpenICS reads; ignored"]
    with pytest.raises(SourceError, match="not a financial year"):
        parse_pfi(data.replace(b"2025-26", b"2025-27"), "f.csv")
