from decimal import Decimal

import pytest
from django.db import transaction

from enforcement.catalog.choices import PERIOD_UNITS
from enforcement.catalog.models import LegalParameter
from enforcement.catalog.params import (
    DEFAULTS,
    UnknownParameter,
    ensure_rows,
    get_int,
    get_param,
    reset_cache,
)

pytestmark = pytest.mark.django_db


def test_the_migration_created_a_row_per_default_with_its_article():
    rows = {p.key: p for p in LegalParameter.objects.all()}
    assert set(DEFAULTS) <= set(rows)
    assert rows["simple_fine_max_individual"].value == Decimal("200.00")
    assert rows["simple_fine_max_individual"].article == "Administrative Penalty Law, Art. 51"
    assert rows["large_fine_organisation"].value == Decimal("50000.00")
    assert rows["hearing_request_working_days"].unit == "working_days"


def test_every_default_names_its_source_and_periods_are_whole_numbers():
    for key, default in DEFAULTS.items():
        assert str(default.article), key
        assert isinstance(default.value, Decimal), key
        if default.unit in PERIOD_UNITS:
            assert default.value == default.value.to_integral_value(), key


def test_a_period_parameter_is_counted_by_the_calendar_as_it_is():
    """One set of period units for the catalogue and the workflows: a parameter's value and unit go
    straight into `due_after`."""
    from enforcement.workdays.calendar import due_after
    from enforcement.workdays.periods import PeriodUnit
    from enforcement.workdays.tests.moments import at

    assert PERIOD_UNITS == {"days", "working_days", "months", "years"} and PERIOD_UNITS <= set(
        PeriodUnit.values
    )
    served = at("2026-09-16 10:00")
    for key, default in DEFAULTS.items():
        if default.unit in PERIOD_UNITS:
            assert due_after(served, get_param(key), default.unit) > served, key
    # 15 days (Art. 67): the last day, Oct 1, is National Day, so payment is due by the end of Oct 8.
    assert due_after(served, get_param("payment_days"), DEFAULTS["payment_days"].unit) == at(
        "2026-10-08 23:59:59.999999"
    )
    # 6 months (Administrative Litigation Law Art. 46): Mar 16, 2027.
    assert due_after(served, get_param("litigation_months"), "months") == at("2027-03-16 23:59:59.999999")


@pytest.mark.parametrize(
    "key, value",
    [
        ("simple_fine_max_individual", "200"),
        ("simple_fine_max_organisation", "3000"),
        ("cash_on_spot_max", "100"),
        ("cash_handover_working_days", "2"),
        ("simple_filing_working_days", "3"),
        ("large_fine_individual", "3000"),
        ("large_fine_organisation", "50000"),
        ("hearing_request_working_days", "5"),
        ("hearing_notice_working_days", "7"),
        ("decision_days", "90"),
        ("service_working_days", "7"),
        ("payment_days", "15"),
        ("late_surcharge_percent_per_day", "3"),
        ("court_enforcement_wait_working_days", "10"),
        ("seizure_max_days", "30"),
        ("seizure_extension_days", "30"),
        ("limitation_years", "2"),
        ("limitation_years_serious", "5"),
        ("reconsideration_days", "60"),
        ("litigation_months", "6"),
        ("petition_accept_days", "15"),
        ("petition_handle_days", "60"),
        ("petition_extension_max_days", "30"),
        ("hotline_reply_working_days", "5"),
        ("visit_after_reply_working_days", "3"),
    ],
)
def test_statutory_defaults(key, value):
    assert get_param(key) == Decimal(value)


def test_an_administrators_setting_overrides_the_default_at_once():
    param = LegalParameter.objects.get(key="large_fine_individual")
    assert get_param("large_fine_individual") == Decimal("3000")  # now cached
    param.value = Decimal("5000")
    param.save_versioned()
    assert get_param("large_fine_individual") == Decimal("5000")
    param.value = Decimal("2000")
    param.save()
    assert get_param("large_fine_individual") == Decimal("2000")


def test_a_missing_row_falls_back_to_the_default():
    LegalParameter.objects.filter(key="payment_days").first().delete()
    assert get_param("payment_days") == Decimal("15")
    assert get_int("payment_days") == 15


def test_unknown_key_is_an_error():
    with pytest.raises(UnknownParameter):
        get_param("no_such_parameter")


def test_ensure_rows_keeps_existing_settings_and_adds_missing_ones():
    LegalParameter.objects.filter(key="decision_days").update(value=Decimal("120"))
    LegalParameter.objects.get(key="payment_days").delete()
    assert ensure_rows() == 1
    assert ensure_rows() == 0
    assert LegalParameter.objects.get(key="decision_days").value == Decimal("120")
    assert LegalParameter.objects.get(key="payment_days").value == Decimal("15")


def test_a_rolled_back_edit_is_not_served_from_the_cache():
    assert get_param("seizure_max_days") == Decimal("30")
    with pytest.raises(RuntimeError), transaction.atomic():
        param = LegalParameter.objects.get(key="seizure_max_days")
        param.value = Decimal("45")
        param.save()
        assert get_param("seizure_max_days") == Decimal("45")
        raise RuntimeError("roll back")
    assert get_param("seizure_max_days") == Decimal("30")


@pytest.mark.django_db(transaction=True)
def test_cache_serves_repeated_reads_without_queries(django_assert_num_queries):
    ensure_rows()  # a transactional test starts from an emptied database
    reset_cache()  # forget the other tests' rolled-back edits
    get_param("payment_days")
    with django_assert_num_queries(0):
        assert get_param("payment_days") == Decimal("15")
        assert get_param("decision_days") == Decimal("90")
    param = LegalParameter.objects.get(key="payment_days")
    param.value = Decimal("20")
    param.save_versioned()  # committed at once (autocommit): the cache is cleared
    assert get_param("payment_days") == Decimal("20")
