"""Document numbers: which pattern a unit numbers a type with, how a number is written, which patterns an
administrator may save, and the registers the numbers run in (per issuing unit, type and local year; a
rollback gives a number back)."""

from datetime import datetime
from types import SimpleNamespace
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from complaints.tests.factories import ComplaintFactory
from enforcement.documents import services
from enforcement.documents.models import DEFAULT_PATTERN, Document, NumberingPattern
from enforcement.documents.numbering import format_number, pattern_for
from enforcement.documents.services import issue_document

pytestmark = pytest.mark.django_db

UTC = ZoneInfo("UTC")


class Boom(Exception):
    pass


def accepted_letter(unit, **fields):
    """A letter (a petition channel) accepted: an acceptance notice may be issued for it."""
    return ComplaintFactory(
        unit=unit, channel="letter", status="accepted", accepted_at=timezone.now(), **fields
    )


def freeze_issue_time(monkeypatch, moment):
    """`now` as the documents service reads it (only there: the rest of the platform keeps the real clock)."""
    fake = SimpleNamespace(now=lambda: moment, localdate=timezone.localdate, localtime=timezone.localtime)
    monkeypatch.setattr(services, "timezone", fake)


# --- which pattern --------------------------------------------------------------------------------------
def test_the_most_specific_pattern_wins_then_each_fallback_in_turn(district_a, district_b):
    own_type = NumberingPattern.objects.create(
        unit=district_a, doc_type="acceptance_notice", pattern="甲受{serial}", serial_digits=3
    )
    own_any = NumberingPattern.objects.create(
        unit=district_a, doc_type="", pattern="甲通{serial}", serial_digits=4
    )
    city_type = NumberingPattern.objects.create(
        unit=None, doc_type="acceptance_notice", pattern="市受{serial}", serial_digits=2
    )
    city_any = NumberingPattern.objects.create(
        unit=None, doc_type="", pattern="市通{serial}", serial_digits=6
    )
    # Another unit's pattern for the type is never used by district A.
    NumberingPattern.objects.create(unit=district_b, doc_type="acceptance_notice", pattern="乙受{serial}")

    assert pattern_for(district_a, "acceptance_notice") == ("甲受{serial}", 3)
    assert pattern_for(district_a, "refusal_notice") == ("甲通{serial}", 4)  # its own for every type
    own_type.delete()
    assert pattern_for(district_a, "acceptance_notice") == ("甲通{serial}", 4)
    own_any.delete()
    assert pattern_for(district_a, "acceptance_notice") == ("市受{serial}", 2)
    assert pattern_for(district_a, "refusal_notice") == ("市通{serial}", 6)
    city_type.delete()
    assert pattern_for(district_a, "acceptance_notice") == ("市通{serial}", 6)
    city_any.delete()
    assert pattern_for(district_a, "acceptance_notice") == (DEFAULT_PATTERN, 5)
    assert pattern_for(district_b, "acceptance_notice") == ("乙受{serial}", 5)


def test_an_issued_document_is_numbered_with_its_units_pattern(intake_a, district_a):
    NumberingPattern.objects.create(
        unit=district_a,
        doc_type="acceptance_notice",
        pattern="甲城管{word}字〔{year}〕第{serial}号",
        serial_digits=3,
    )
    document = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    year = timezone.localdate().year
    assert document.number == f"甲城管受字〔{year}〕第001号"
    assert (document.year, document.serial, document.unit) == (year, 1, district_a)
    assert document.number in document.html


def test_without_any_pattern_the_built_in_default(intake_a, district_a):
    document = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    assert document.number == f"甲区分局受〔{timezone.localdate().year}〕00001号"


# --- how a number is written ----------------------------------------------------------------------------
def test_format_number_fills_every_placeholder_and_pads_the_serial():
    assert (
        format_number(DEFAULT_PATTERN, digits=5, unit_name="禅城城管", word="罚", year=2026, serial=123)
        == "禅城城管罚〔2026〕00123号"
    )
    assert (
        format_number("{word}{year}-{serial}", digits=1, unit_name="x", word="受", year=2027, serial=7)
        == "受2027-7"
    )
    # A serial longer than the digits is written in full, never cut.
    assert (
        format_number("No.{serial}", digits=2, unit_name="", word="", year=2026, serial=12345) == "No.12345"
    )
    # A placeholder written twice is filled twice.
    assert (
        format_number("{unit}/{unit}/{serial}", digits=3, unit_name="甲", word="", year=2026, serial=4)
        == "甲/甲/004"
    )


# --- which patterns an administrator may save ----------------------------------------------------------------
def test_a_pattern_without_the_serial_is_refused_in_words(district_a):
    pattern = NumberingPattern(unit=district_a, doc_type="", pattern="{unit}{word}〔{year}〕号")
    with pytest.raises(ValidationError) as refused:
        pattern.full_clean()
    message = " ".join(refused.value.message_dict["pattern"])
    assert "serial number" in message and "{serial}" in message
    assert "same number" in message  # why: two documents would share a number


def test_an_unknown_placeholder_is_refused(district_a):
    for text in ("{unit}{word}〔{year}〕{serial}号{district}", "{serial}{", "{Serial}{serial}"):
        pattern = NumberingPattern(unit=district_a, pattern=text)
        with pytest.raises(ValidationError) as refused:
            pattern.full_clean()
        assert (
            "Use only the placeholders {unit}, {word}, {year} and {serial}."
            in refused.value.message_dict["pattern"]
        ), text


def test_a_good_pattern_is_accepted(district_a):
    NumberingPattern(
        unit=district_a, doc_type="work_order", pattern="{unit}{word}〔{year}〕{serial}号", serial_digits=4
    ).full_clean()


def test_serial_digits_out_of_range_are_refused(district_a):
    for digits in (0, 9):
        with pytest.raises(ValidationError) as refused:
            NumberingPattern(unit=district_a, serial_digits=digits).full_clean()
        assert "serial_digits" in refused.value.message_dict


# --- the registers ----------------------------------------------------------------------------------------
def test_a_new_local_year_starts_again_at_one(monkeypatch, intake_a, district_a):
    """The year of a number is the bureau's local year (Asia/Shanghai, UTC+8): at 16:00 UTC on 31 December
    it is already 1 January there."""
    assert timezone.get_current_timezone_name() == "Asia/Shanghai"
    freeze_issue_time(monkeypatch, datetime(2026, 12, 31, 15, 59, 59, tzinfo=UTC))  # 23:59:59 local
    first = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    second = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    freeze_issue_time(monkeypatch, datetime(2026, 12, 31, 16, 0, 0, tzinfo=UTC))  # 00:00 on 1 January local
    new_year = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    freeze_issue_time(monkeypatch, datetime(2027, 1, 1, 3, 0, tzinfo=UTC))
    after = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)

    assert [(d.year, d.serial) for d in (first, second, new_year, after)] == [
        (2026, 1),
        (2026, 2),
        (2027, 1),
        (2027, 2),
    ]
    assert first.number == "甲区分局受〔2026〕00001号"
    assert new_year.number == "甲区分局受〔2027〕00001号"
    assert "2027年1月1日" in new_year.html and "2026年12月31日" in second.html  # the paper's date, local too


def test_each_district_numbers_on_its_own(make_user, intake_a, district_a, district_b):
    intake_b = make_user("intake", unit=district_b, username="intake-b")
    a1 = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    b1 = issue_document(accepted_letter(district_b), "acceptance_notice", by=intake_b)
    a2 = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    assert (a1.unit, a1.serial) == (district_a, 1)
    assert (b1.unit, b1.serial) == (district_b, 1)
    assert (a2.unit, a2.serial) == (district_a, 2)
    assert b1.number.startswith("乙区分局受") and a2.number.startswith("甲区分局受")


def test_each_type_numbers_on_its_own(intake_a, district_a):
    acceptance = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    rejected = ComplaintFactory(unit=district_a, status="rejected", reject_reason="不属于本机关职责范围")
    refusal = issue_document(rejected, "refusal_notice", by=intake_a)
    assert acceptance.serial == refusal.serial == 1
    assert "不受" in refusal.number


def test_a_squadron_issues_in_its_districts_register(make_user, intake_a, district_a, squad_a):
    leader = make_user("squad_leader", unit=squad_a, username="leader-squad-a")
    first = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    by_squadron = issue_document(accepted_letter(squad_a), "acceptance_notice", by=leader)
    assert by_squadron.unit == district_a  # not the squadron: it issues in its bureau's name
    assert by_squadron.serial == first.serial + 1
    assert by_squadron.number == f"甲区分局受〔{first.year}〕00002号"


def test_a_city_clerk_issues_in_the_city_register(intake_city, city, district_a):
    document = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_city)
    assert document.unit == city
    assert document.number.startswith("市城管执法局受")


def test_a_rollback_gives_the_number_back(intake_a, district_a, django_capture_on_commit_callbacks):
    complaint = accepted_letter(district_a)
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(Boom), transaction.atomic():
            lost = issue_document(complaint, "acceptance_notice", by=intake_a)
            assert lost.serial == 1
            raise Boom  # what the issuer does after the number fails
    assert callbacks == []  # no PDF is rendered for a document that was never saved
    assert not Document.objects.exists()
    again = issue_document(complaint, "acceptance_notice", by=intake_a)
    assert again.serial == 1 and again.number == lost.number
    following = issue_document(accepted_letter(district_a), "acceptance_notice", by=intake_a)
    assert following.serial == 2  # no gap


def test_a_pattern_without_the_year_is_refused(district_a):
    """The serials start again at 1 each year: without the year, January's numbers would repeat last year's."""
    pattern = NumberingPattern(unit=district_a, pattern="{unit}{word}{serial}号")
    with pytest.raises(ValidationError) as refused:
        pattern.full_clean()
    assert "needs the year" in refused.value.message_dict["pattern"][0]
