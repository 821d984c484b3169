from datetime import date
from decimal import Decimal

import pytest

from enforcement.catalog import law
from enforcement.catalog.models import LegalParameter
from enforcement.catalog.tests.factories import ViolationCategoryFactory

pytestmark = pytest.mark.django_db
D = Decimal


def set_param(key, value):
    param = LegalParameter.objects.get(key=key)
    param.value = D(value)
    param.save_versioned()


class TestSimpleProcedure:
    """Art. 51: a warning, or a fine ≤ 200 yuan (individual) / ≤ 3,000 yuan (organisation)."""

    @pytest.mark.parametrize(
        "fine, party, permitted",
        [
            ("200.00", "individual", True),
            ("200.01", "individual", False),
            ("0.01", "individual", True),
            ("3000.00", "organisation", True),
            ("3000.01", "organisation", False),
            ("201", "individual", False),
            ("2999.99", "organisation", True),
        ],
    )
    def test_fine_ceilings(self, fine, party, permitted):
        assert law.simple_procedure_permits(D(fine), party) is permitted

    def test_a_warning_alone_is_permitted(self):
        assert law.simple_procedure_permits(None, "individual", warning_only=True) is True
        assert law.simple_procedure_permits(D("0"), "organisation", warning_only=True) is True

    def test_no_fine_and_no_warning_is_not_a_simple_case(self):
        assert law.simple_procedure_permits(None, "individual") is False

    def test_a_warning_with_a_fine_over_the_ceiling_is_not_permitted(self):
        assert law.simple_procedure_permits(D("500"), "individual", warning_only=True) is False

    def test_a_changed_parameter_changes_the_outcome(self):
        assert law.simple_procedure_permits(D("250"), "individual") is False
        set_param("simple_fine_max_individual", "300")
        assert law.simple_procedure_permits(D("250"), "individual") is True

    def test_bad_input_is_refused(self):
        with pytest.raises(TypeError):
            law.simple_procedure_permits(199.99, "individual")
        with pytest.raises(ValueError):
            law.simple_procedure_permits(D("-1"), "individual")
        with pytest.raises(ValueError):
            law.simple_procedure_permits(D("10"), "company")


class TestCashOnTheSpot:
    """Art. 68(1): cash on the spot only for fines ≤ 100 yuan."""

    @pytest.mark.parametrize(
        "fine, permitted", [("100.00", True), ("100.01", False), ("50", True), ("0", False)]
    )
    def test_ceiling(self, fine, permitted):
        assert law.cash_on_the_spot_permitted(D(fine)) is permitted

    def test_no_fine_no_cash(self):
        assert law.cash_on_the_spot_permitted(None) is False

    def test_a_changed_parameter_changes_the_outcome(self):
        set_param("cash_on_spot_max", "50")
        assert law.cash_on_the_spot_permitted(D("50.01")) is False
        assert law.cash_on_the_spot_permitted(D("50.00")) is True


class TestLargeFine:
    """Art. 63: above the provincial threshold the party may request a hearing."""

    @pytest.mark.parametrize(
        "fine, party, large",
        [
            ("3000.00", "individual", False),
            ("3000.01", "individual", True),
            ("50000.00", "organisation", False),
            ("50000.01", "organisation", True),
            ("3000.01", "organisation", False),
        ],
    )
    def test_thresholds(self, fine, party, large):
        assert law.is_large_fine(D(fine), party) is large

    def test_province_raises_its_threshold(self):
        assert law.is_large_fine(D("4000"), "individual") is True
        set_param("large_fine_individual", "5000")
        assert law.is_large_fine(D("4000"), "individual") is False
        assert law.is_large_fine(D("5000.01"), "individual") is True

    def test_confiscation_threshold(self):
        assert law.is_large_confiscation(D("50000.01"), "organisation") is True
        assert law.is_large_confiscation(D("50000"), "organisation") is False


class TestLimitation:
    """Art. 36: two years; five where life, health or financial safety was harmed."""

    def test_two_years_to_the_day(self):
        assert law.within_limitation(date(2024, 3, 10), date(2026, 3, 10)) is True
        assert law.within_limitation(date(2024, 3, 10), date(2026, 3, 11)) is False

    def test_five_years_for_serious_harm(self):
        assert law.within_limitation(date(2021, 3, 10), date(2026, 3, 10), harms_life_health_or_finance=True)
        assert not law.within_limitation(
            date(2021, 3, 10), date(2026, 3, 11), harms_life_health_or_finance=True
        )

    def test_leap_day(self):
        assert law.limitation_expires(date(2024, 2, 29)) == date(2026, 2, 28)


class TestFineWithinCategory:
    def test_bounds_are_inclusive_and_open_bounds_unlimited(self):
        category = ViolationCategoryFactory(fine_min_individual=D("50"), fine_max_individual=D("200"))
        assert law.fine_within_category(category, D("50"), "individual")
        assert law.fine_within_category(category, D("200"), "individual")
        assert not law.fine_within_category(category, D("200.01"), "individual")
        assert not law.fine_within_category(category, D("49.99"), "individual")
        assert law.fine_within_category(category, D("1000000"), "organisation")


def test_articles_are_cited_in_the_readers_language_when_shown():
    from django.utils import translation
    from django.utils.translation import gettext_lazy

    with translation.override("zh-hans"):  # declared in one language, shown in the reader's
        reference = law.article_reference(gettext_lazy("Regulations on Petitions"), 23, 34)
    with translation.override("en"):
        assert str(reference) == "Regulations on Petitions Art. 23, Art. 34"
