"""Who pays at the point of use: social care a council arranges is means-tested."""

from openics.regimes.rules.finance import CHARGING_CITATION, means_test


def test_home_care_a_council_arranges_is_means_tested():
    found = means_test(sector="social_care", arranged_by_kind="local_authority", title="Home care")
    assert found.means_tested and "financial assessment" in found.explanation
    assert "Care Act 2014" in found.citation == CHARGING_CITATION


def test_reablement_is_free_for_six_weeks_then_means_tested():
    found = means_test(
        sector="social_care", arranged_by_kind="local_authority", title="Reablement and home care"
    )
    assert found.means_tested and "six weeks" in found.explanation


def test_nhs_and_public_health_services_are_not_means_tested():
    assert not means_test(sector="acute", arranged_by_kind="icb").means_tested
    assert not means_test(sector="public_health", arranged_by_kind="local_authority").means_tested
    assert not means_test(sector="social_care", arranged_by_kind="icb").means_tested
