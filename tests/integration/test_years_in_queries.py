"""A year in a query is read as people write it, either way; anything else is a 400 with why."""

import pytest

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/money/?year={}",
        "/money/fair-shares/?year={}",
        "/money/follow/?year={}",
        "/api/organisations/icbs?year={}",
    ],
)
def test_a_bad_year_is_a_400_naming_the_text_and_both_spellings_are_the_same(client, path):
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    bad = client.get(path.format("2025-27"))
    assert bad.status_code == 400
    assert "2025-27" in bad.content.decode() and "not a financial year" in bad.content.decode()
    slash = client.get(path.format("2025/26"))
    dash = client.get(path.format("2025-26"))
    assert slash.status_code == dash.status_code == 200
    assert slash.content == dash.content
