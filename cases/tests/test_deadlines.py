"""The case deadline kinds (cases/deadlines.py) on the platform's reminder sweep: each warned before its
deadline (the working day before; the 90-day decision limit 10 working days before), overdue after it,
escalated once two more working days have passed — each exactly once however often the sweep runs, across
the National Day holiday of 2026 (1–7 October; Saturday 10 October a working day). The two investigating
officers are warned, the squad leader told when it is overdue, the unit above when escalated; a deadline
met without leaving its status (cash handed over, a hearing requested or held) is no longer watched."""

from datetime import datetime, time, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone

from enforcement.notifications.models import Delivery, Reminder
from enforcement.notifications.registry import get
from enforcement.notifications.sweep import send_due_reminders

from ..choices import DECISION_LIVE, CaseStatus, Procedure
from ..deadlines import (
    CASE_BUREAU_FILING,
    CASE_CASH,
    CASE_DECISION,
    CASE_FILING,
    CASE_HEARING,
    CASE_HEARING_REQUEST,
    CASE_SERVICE,
)
from ..models import Case
from .factories import CaseFactory

pytestmark = pytest.mark.django_db

S = CaseStatus
TZ = timezone.get_default_timezone()
ALL_KINDS = (
    CASE_FILING,
    CASE_DECISION,
    CASE_HEARING_REQUEST,
    CASE_HEARING,
    CASE_SERVICE,
    CASE_CASH,
    CASE_BUREAU_FILING,
)


def local(y, m, d, hh=0, mm=0):
    return datetime(y, m, d, hh, mm, tzinfo=TZ)


def end_of(y, m, d):
    return datetime.combine(datetime(y, m, d).date(), time.max, tzinfo=TZ)


@pytest.fixture
def people(make_user, district_a, squad_a):
    return {
        "officer": make_user("officer", unit=squad_a, username="officer1"),
        "officer2": make_user("officer", unit=squad_a, username="officer2"),
        "leader": make_user("squad_leader", unit=squad_a, username="leader-a1"),
        "head": make_user("bureau_head", unit=district_a, username="head-a"),
    }


@pytest.fixture
def make_case(people, squad_a):
    def make(status, **fields):
        fields.setdefault("procedure", Procedure.GENERAL)
        return CaseFactory(
            unit=squad_a, status=status, handler=people["officer"], co_handler=people["officer2"], **fields
        )

    return make


D = end_of(2026, 10, 9)  # Friday after National Day
LONG_D = end_of(2026, 10, 20)  # the 90-day limit's day, a Tuesday

# slug → (status, the case's fields); every other deadline of the case empty.
CASES = {
    "case_filing": (S.LEAD, {"filing_due_at": D, "registered_at": D - timedelta(days=15)}),
    "case_decision": (S.INVESTIGATING, {"decision_due_at": LONG_D, "filed_at": LONG_D - timedelta(days=90)}),
    "case_hearing_request": (
        S.NOTIFIED,
        {"hearing_request_due_at": D, "notified_at": local(2026, 9, 28, 10)},
    ),
    "case_hearing": (
        S.NOTIFIED,
        {"hearing_at": local(2026, 10, 9, 10), "hearing_requested_at": local(2026, 9, 20, 10)},
    ),
    "case_service": (S.DECIDED, {"service_due_at": D, "decided_at": local(2026, 9, 28, 10)}),
    "case_cash_handover": (
        S.DECIDED,
        {
            "procedure": Procedure.SIMPLE,
            "cash_due_at": D,
            "paid_on_spot": True,
            "receipt_no": "NO.1",
            "fine_decided": Decimal("100"),
            "decided_at": local(2026, 9, 30, 16),
        },
    ),
    "case_bureau_filing": (
        S.DECIDED,
        {"procedure": Procedure.SIMPLE, "bureau_filing_due_at": D, "decided_at": local(2026, 9, 29, 16)},
    ),
}
# slug → (no warning yet, warned, overdue, not escalated yet, escalated)
MOMENTS = {
    slug: (
        local(2026, 9, 30, 9),  # the working day before the deadline's day is 8 October
        local(2026, 10, 8, 9),
        local(2026, 10, 10, 9),  # the make-up Saturday
        local(2026, 10, 12, 15),  # 10 and 12 October are the two working days after it
        local(2026, 10, 13, 9),
    )
    for slug in CASES
}
MOMENTS["case_decision"] = (
    local(2026, 9, 29, 9),  # 11 working days before 20 October
    local(2026, 9, 30, 9),  # the 10th: 30 Sep, 8, 9, 10, 12–16, 19 Oct
    local(2026, 10, 21, 9),
    local(2026, 10, 22, 15),
    local(2026, 10, 23, 9),
)


def levels(case, slug):
    return sorted(Reminder.objects.filter(object_id=case.pk, kind=slug).values_list("level", flat=True))


def told(case, slug, level):
    return set(
        Delivery.objects.filter(
            reminder__object_id=case.pk, reminder__kind=slug, reminder__level=level, channel="inbox"
        ).values_list("user__username", flat=True)
    )


def test_every_case_deadline_kind_is_registered():
    assert {kind.slug for kind in ALL_KINDS} == set(CASES)
    assert all(get(kind.slug) is kind for kind in ALL_KINDS)
    assert CASE_DECISION.live_statuses == DECISION_LIVE
    assert (CASE_DECISION.warning_lead_days, CASE_DECISION.long_warning_lead_days) == (10, 10)


@pytest.mark.parametrize("slug", list(CASES))
def test_warned_before_overdue_after_escalated_later_exactly_once(slug, make_case):
    status, fields = CASES[slug]
    case = make_case(status, **fields)
    quiet, warned, overdue, not_yet, escalated = MOMENTS[slug]
    for _ in range(2):
        send_due_reminders(quiet)
    assert levels(case, slug) == []
    for _ in range(3):
        send_due_reminders(warned)
    assert levels(case, slug) == ["warning"]
    assert told(case, slug, "warning") == {"officer1", "officer2"}  # both investigating officers
    for _ in range(2):
        send_due_reminders(overdue)
    assert levels(case, slug) == ["overdue", "warning"]
    assert told(case, slug, "overdue") == {"officer1", "officer2", "leader-a1"}
    send_due_reminders(not_yet)
    send_due_reminders(not_yet, full=True)
    assert levels(case, slug) == ["overdue", "warning"]
    for _ in range(3):
        send_due_reminders(escalated)
    send_due_reminders(escalated + timedelta(days=3), full=True)
    assert levels(case, slug) == ["escalated", "overdue", "warning"]
    assert told(case, slug, "escalated") == {"head-a"}  # the unit above the squadron
    deliveries = Delivery.objects.count()
    send_due_reminders(escalated + timedelta(days=10), full=True)
    assert Delivery.objects.count() == deliveries
    # No other kind spoke of this case: only its own deadline was set.
    assert set(Reminder.objects.filter(object_id=case.pk).values_list("kind", flat=True)) == {slug}


def test_the_90_day_limit_is_warned_10_working_days_before(make_case):
    case = make_case(S.REVIEW, decision_due_at=LONG_D, filed_at=LONG_D - timedelta(days=90))
    send_due_reminders(local(2026, 9, 29, 23, 59))
    assert levels(case, "case_decision") == []
    send_due_reminders(local(2026, 9, 30, 0, 1))
    assert levels(case, "case_decision") == ["warning"]
    assert Reminder.objects.get(object_id=case.pk).due_at == LONG_D


def test_cash_handed_over_is_not_reminded_although_the_case_is_still_decided(make_case):
    handed = make_case(
        S.DECIDED,
        procedure=Procedure.SIMPLE,
        paid_on_spot=True,
        receipt_no="NO.2",
        fine_decided=Decimal("100"),
        cash_due_at=D,
        cash_handed_over_at=local(2026, 9, 30, 17),
        bureau_filing_due_at=D,
        decided_at=local(2026, 9, 29, 16),
    )
    kept = make_case(
        S.DECIDED,
        procedure=Procedure.SIMPLE,
        paid_on_spot=True,
        receipt_no="NO.3",
        fine_decided=Decimal("100"),
        cash_due_at=D,
        bureau_filing_due_at=D,
        decided_at=local(2026, 9, 29, 16),
    )
    send_due_reminders(local(2026, 10, 8, 9))
    send_due_reminders(local(2026, 10, 13, 9))
    assert levels(handed, "case_cash_handover") == []
    assert levels(handed, "case_bureau_filing") == ["escalated", "overdue", "warning"]  # still to be filed
    assert levels(kept, "case_cash_handover") == ["escalated", "overdue", "warning"]
    assert set(CASE_CASH.live_queryset()) == {kept}


def test_a_filed_on_the_spot_decision_is_not_reminded(make_case):
    filed = make_case(
        S.DECIDED,
        procedure=Procedure.SIMPLE,
        bureau_filing_due_at=D,
        bureau_filed_at=local(2026, 10, 8, 10),
        decided_at=local(2026, 9, 29, 16),
    )
    send_due_reminders(local(2026, 10, 13, 9))
    assert not Reminder.objects.filter(object_id=filed.pk).exists()


def test_a_hearing_requested_or_held_ends_its_reminder(make_case):
    requested = make_case(
        S.NOTIFIED,
        hearing_request_due_at=D,
        notified_at=local(2026, 9, 28, 10),
        hearing_requested_at=local(2026, 9, 29, 10),
    )
    held = make_case(
        S.NOTIFIED,
        hearing_at=local(2026, 10, 9, 10),
        hearing_requested_at=local(2026, 9, 20, 10),
        hearing_held_at=local(2026, 10, 9, 12),
    )
    send_due_reminders(local(2026, 10, 13, 9))
    assert not Reminder.objects.filter(object_id__in=[requested.pk, held.pk]).exists()


def test_a_lead_decided_in_time_gets_no_overdue_notice(make_case):
    case = make_case(S.LEAD, filing_due_at=D, registered_at=D - timedelta(days=15))
    send_due_reminders(local(2026, 10, 8, 9))
    assert levels(case, "case_filing") == ["warning"]
    Case.objects.filter(pk=case.pk).update(
        status=S.FILED, lead_decided_at=local(2026, 10, 8, 15), filed_at=local(2026, 10, 8, 15)
    )
    for day in (10, 13, 20):
        send_due_reminders(local(2026, 10, day, 9))
    assert levels(case, "case_filing") == ["warning"]
