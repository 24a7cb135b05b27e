"""The public portal's URLs: one namespace per section, named as in the address bar."""

from django.urls import include, path
from django.views.generic import RedirectView

from openics.portal import (
    arranging,
    boards,
    capital,
    comparison,
    home,
    money,
    money_reports,
    organisations,
    people,
    plans,
    record,
)

organisation_urls = (
    [
        path("", organisations.directory, name="directory"),
        path("search/", organisations.search, name="search"),
        path("coterminosity/", organisations.coterminosity, name="coterminosity"),
        path("id/<uuid:pk>/", organisations.organisation_by_id, name="organisation-by-id"),
        path("<slug:kind>/<str:code>/", organisations.organisation, name="organisation"),
    ],
    "organisations",
)

money_urls = (
    [
        path("", money.allocations, name="allocations"),
        path("follow/", money.follow_money, name="follow"),
        path("books/", money.books_index, name="books"),
        path("books/<str:code>/<str:year>/", money.balance, name="balance"),
        path(
            "books/<str:code>/<str:year>/spend-over-25k.csv",
            money.spend_over_25k,
            name="spend-over-25k",
        ),
        path("providers/", money_reports.providers, name="providers"),
        path("providers.csv", money_reports.providers, {"as_csv": True}, name="providers-csv"),
        path("subcontracts/", money_reports.subcontracts, name="subcontracts"),
        path(
            "subcontracts.csv",
            money_reports.subcontracts,
            {"as_csv": True},
            name="subcontracts-csv",
        ),
        path("funds/", money_reports.funds, name="funds"),
        path("funds.csv", money_reports.funds, {"as_csv": True}, name="funds-csv"),
        path("funds/<str:key>/", money_reports.fund, name="fund"),
        path("funds/<str:key>/fund.csv", money_reports.fund, {"as_csv": True}, name="fund-csv"),
        path("places/<str:code>/<str:year>/", money_reports.places, name="places"),
        path(
            "places/<str:code>/<str:year>/places.csv",
            money_reports.places,
            {"as_csv": True},
            name="places-csv",
        ),
        path("fair-shares/", money.fair_shares, name="fair-shares"),
        path("capital/", capital.capital, name="capital"),
        path("fair-shares/<str:icb_code>/", money.fair_share_explained, name="fair-share"),
        # Last: an ICB's code could otherwise hide the pages above.
        path("<str:icb_code>/", money.icb_places, name="icb-places"),
    ],
    "money",
)

arranging_urls = (
    [
        path("", RedirectView.as_view(pattern_name="arranging:decisions"), name="index"),
        path("decisions/", arranging.decision_register, name="decisions"),
        path("decisions/<str:reference>/", arranging.decision, name="decision"),
        path("standstill/", arranging.standstill, name="standstill"),
        path("notices/<str:reference>/", arranging.notice, name="notice"),
        path("published-notices/", arranging.published_notices, name="published-notices"),
        path("published-notices/<str:key>/", arranging.published_notice, name="published-notice"),
        path(
            "published-notices.csv",
            arranging.published_notices_csv,
            name="published-notices-csv",
        ),
        path("annual-summary/", arranging.annual_summary, name="annual-summary"),
        path("annual-summary.csv", arranging.annual_summary_csv, name="annual-summary-csv"),
    ],
    "arranging",
)

board_urls = (
    [
        path("", boards.boards, name="boards"),
        path("interests/", boards.interests, name="interests"),
        path("interests.csv", boards.interests_csv, name="interests-csv"),
        path("gifts.csv", boards.gifts_csv, name="gifts-csv"),
        path("record/", boards.record, name="record"),
        path("powers/", boards.powers, name="powers"),
        path("meetings/<str:reference>/", boards.meeting, name="meeting"),
        # Last: a board's key could otherwise hide the pages above.
        path("<str:slug>/", boards.board, name="board"),
    ],
    "boards",
)

record_urls = (
    [
        path("checkpoints/", record.checkpoint_list, name="checkpoints"),
        path("checkpoints.jsonl", record.checkpoint_log, name="checkpoint-log"),
    ],
    "record",
)

people_urls = (
    [
        path("", people.people, name="people"),
        path("<str:code>/", people.staff, name="staff"),
    ],
    "people",
)

portal_urls = (
    [
        path("", home.home, name="home"),
        path("regimes/", home.regime_list, name="regime-list"),
        path("regimes/compare/", comparison.compare_page, name="regimes-compare"),
        path("regimes/compare.json", comparison.compare_json, name="regimes-compare-json"),
        path("regimes/compare.csv", comparison.compare_csv, name="regimes-compare-csv"),
        path("regimes/<slug:regime_id>/", home.regime_detail, name="regime-detail"),
    ],
    "portal",
)

urlpatterns = [
    path("organisations/", include(organisation_urls)),
    path("money/", include(money_urls)),
    path("arranging/", include(arranging_urls)),
    path("boards/", include(board_urls)),
    path("record/", include(record_urls)),
    path("people/", include(people_urls)),
    path("plans/", plans.plans, name="plans"),
    path("", include(portal_urls)),
]
