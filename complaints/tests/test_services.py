import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.http import Http404
from django.utils import timezone

from enforcement.approvals.choices import ApprovalDecision
from enforcement.audit.models import AuditEvent
from enforcement.audit.services import timeline
from enforcement.org.tests.factories import GridFactory
from enforcement.versioning import StaleEdit

from .. import services
from ..choices import Channel, ComplaintStatus
from ..models import Complaint, ComplaintExtension, DeadlinePolicy
from .conftest import EXE, JPEG, upload
from .factories import ComplaintFactory

S = ComplaintStatus
TZ = timezone.get_default_timezone()


def at(*args):
    return dt.datetime(*args, tzinfo=TZ)


def end_of(day):
    return dt.datetime.combine(day, dt.time.max, tzinfo=TZ)


def register(by, category, **kw):
    values = {
        "channel": Channel.HOTLINE_12345,
        "category": category,
        "description": "夜间施工噪音扰民",
        "address": "中山路1号",
        "complainant_name": "李四",
        "complainant_phone": "13900001111",
    }
    values.update(kw)
    return services.register_complaint(by=by, **values)


# --- intake --------------------------------------------------------------------------------------------
def test_register_numbers_by_day_and_sets_the_acceptance_deadline(intake_city, category):
    first = register(intake_city, category, received_at=at(2026, 11, 23, 9, 0))
    second = register(intake_city, category, received_at=at(2026, 11, 23, 9, 5))
    next_day = register(intake_city, category, received_at=at(2026, 11, 24, 9, 0))
    assert (first.number, second.number, next_day.number) == (
        "TS202611230001",
        "TS202611230002",
        "TS202611240001",
    )
    assert str(first).startswith("TS202611230001 ")
    assert first.status == S.RECEIVED
    assert first.unit == first.intake_unit == intake_city.unit
    assert first.accept_due_at == end_of(dt.date(2026, 11, 24))  # 1 working day
    assert first.due_at == first.accept_due_at
    event = AuditEvent.objects.for_object(first).get()
    assert (event.action, event.actor) == ("create", intake_city)


def test_hotline_reply_due_counts_working_days_across_national_day(intake_city, category):
    """Received on 30 Sep 2026: 1–7 Oct is the holiday, Sat 10 Oct a make-up working day, so the fifth
    working day is Tue 13 Oct."""
    complaint = register(intake_city, category, received_at=at(2026, 9, 30, 16, 0))
    assert complaint.reply_due_at == end_of(dt.date(2026, 10, 13))
    assert complaint.accept_due_at == end_of(dt.date(2026, 10, 8))


def test_petition_periods_are_days_from_acceptance_and_end_on_a_working_day(intake_city, category):
    """信访工作条例 Art. 23: 15 days to accept; received 20 Sep 2026 → 5 Oct is in the holiday → 8 Oct."""
    complaint = register(intake_city, category, channel=Channel.PETITION, received_at=at(2026, 9, 20, 10, 0))
    assert complaint.accept_due_at == end_of(dt.date(2026, 10, 8))
    assert complaint.reply_due_at is None  # counted from acceptance
    Complaint.objects.filter(pk=complaint.pk).update(received_at=at(2026, 9, 20, 10, 0))
    accepted = services.accept(complaint, by=intake_city)
    # Art. 34: 60 days from acceptance.
    accepted_day = timezone.localdate(accepted.accepted_at)
    expected = accepted_day + dt.timedelta(days=60)
    assert accepted.reply_due_at.date() >= expected
    assert accepted.due_at == accepted.reply_due_at


def test_urgent_category_is_due_the_same_day(intake_city, urgent_category):
    complaint = register(intake_city, urgent_category, received_at=at(2026, 11, 20, 15, 0))
    assert complaint.accept_due_at == complaint.reply_due_at == end_of(dt.date(2026, 11, 20))


def test_an_administrators_policy_overrides_the_default(intake_city, category):
    DeadlinePolicy.objects.create(
        channel=Channel.HOTLINE_12345,
        category=category,
        unit="working_hours",
        accept_within=2,
        reply_within=8,
        visit_within=1,
    )
    complaint = register(intake_city, category, received_at=at(2026, 11, 18, 9, 0))  # a Wednesday
    assert complaint.accept_due_at == at(2026, 11, 18, 11, 0)
    assert complaint.reply_due_at == at(2026, 11, 18, 17, 0)  # 8 working hours from 09:00 (until 17:30)


def test_grid_is_derived_from_the_point(intake_city, category, district_a):
    grid = GridFactory(
        unit=district_a,
        min_lat=Decimal("23.0"),
        max_lat=Decimal("23.1"),
        min_lng=Decimal("113.0"),
        max_lng=Decimal("113.1"),
    )
    GridFactory(unit=district_a)  # no geometry: never matched
    inside = register(intake_city, category, lat=Decimal("23.05"), lng=Decimal("113.05"))
    outside = register(intake_city, category, lat=Decimal("24.05"), lng=Decimal("113.05"))
    assert inside.grid == grid
    assert outside.grid is None


@pytest.mark.parametrize("lat,lng", [("91", "113"), ("-90.5", "0"), ("23", "180.1"), ("23", None)])
def test_a_point_outside_the_world_is_refused_and_nothing_is_saved(intake_city, category, lat, lng):
    with pytest.raises(ValidationError):
        register(intake_city, category, lat=Decimal(lat), lng=None if lng is None else Decimal(lng))
    assert not Complaint.objects.exists()


def test_anonymous_complaints_keep_no_identity(intake_city, category):
    complaint = register(intake_city, category, is_anonymous=True)
    assert (complaint.complainant_name, complaint.complainant_phone) == ("", "")


def test_officers_register_only_from_patrol(officer_a, category):
    with pytest.raises(PermissionDenied):
        register(officer_a, category, channel=Channel.HOTLINE_12345)
    assert register(officer_a, category, channel=Channel.PATROL).unit == officer_a.unit


def test_html_in_the_description_is_stored_as_text(intake_city, category):
    complaint = register(intake_city, category, description="<script>alert(1)</script>噪音")
    complaint.refresh_from_db()
    assert complaint.description == "<script>alert(1)</script>噪音"


# --- the closed loop --------------------------------------------------------------------------------------
def test_the_whole_loop_is_recorded_step_by_step(intake_city, district_a, district_officer_a, category):
    c = register(intake_city, category)
    c = services.accept(c, by=intake_city)
    assert c.due_at == c.reply_due_at
    c = services.dispatch(c, by=intake_city, unit=district_a)
    assert (c.status, c.unit, c.previous_unit) == (S.DISPATCHED, district_a, intake_city.unit)
    c = services.start(c, by=district_officer_a)
    assert c.handler == district_officer_a
    c = services.reply(c, by=district_officer_a, reply_text="已责令整改，现场恢复通行。")
    assert c.visit_due_at is not None and c.due_at == c.visit_due_at
    c = services.record_visit(c, by=intake_city, satisfaction="satisfied")
    assert c.due_at is None
    c = services.close(c, by=intake_city)
    assert c.status == S.CLOSED and c.closed_at is not None
    steps = [(e.verb or e.action, e.actor.username) for e in reversed(timeline(c))]
    assert steps == [
        ("create", "intake-city"),
        ("accept", "intake-city"),
        ("dispatch", "intake-city"),
        ("start", "officer-district-a"),
        ("reply", "officer-district-a"),
        ("record_visit", "intake-city"),
        ("close", "intake-city"),
    ]
    assert c.version == 7


def test_reply_on_a_rejected_complaint_is_409_and_changes_nothing(intake_city, category):
    c = services.reject(register(intake_city, category), by=intake_city, reason="不属于城管职责")
    version = c.version
    with pytest.raises(services.TransitionNotAllowed):
        services.reply(c, by=intake_city, reply_text="答复")
    c.refresh_from_db()
    assert (c.status, c.version, c.reply_text, c.reject_reason) == (S.REJECTED, version, "", "不属于城管职责")


def test_visit_before_reply_is_409(intake_city, category):
    c = services.accept(register(intake_city, category), by=intake_city)
    with pytest.raises(services.TransitionNotAllowed):
        services.record_visit(c, by=intake_city, satisfaction="satisfied")


def test_reject_needs_a_reason(intake_city, category):
    c = register(intake_city, category)
    with pytest.raises(ValidationError) as err:
        services.reject(c, by=intake_city, reason="  ")
    assert "reason" in err.value.message_dict
    c.refresh_from_db()
    assert c.status == S.RECEIVED


def test_dispatch_outside_ones_scope_is_refused(intake_a, district_b, category):
    c = services.accept(register(intake_a, category), by=intake_a)
    with pytest.raises(ValidationError) as err:
        services.dispatch(c, by=intake_a, unit=district_b)
    assert "unit" in err.value.message_dict
    c.refresh_from_db()
    assert c.status == S.ACCEPTED and c.unit == intake_a.unit


def test_acting_on_an_out_of_scope_complaint_is_404(intake_a, officer_b, district_b, category, make_user):
    theirs = ComplaintFactory(unit=district_b, status=S.RECEIVED)
    with pytest.raises(Http404):
        services.accept(theirs, by=intake_a)


def test_send_back_once_returns_it_to_the_dispatcher(intake_city, district_a, district_officer_a, category):
    c = services.dispatch(
        services.accept(register(intake_city, category), by=intake_city), by=intake_city, unit=district_a
    )
    c = services.send_back(c, by=district_officer_a, reason="不在本区辖区")
    assert (c.status, c.unit, c.sent_back_count) == (S.ACCEPTED, intake_city.unit, 1)
    c = services.dispatch(c, by=intake_city, unit=district_a)
    with pytest.raises(services.TransitionNotAllowed):
        services.send_back(c, by=district_officer_a, reason="再次退回")


def test_unsatisfied_reopens_with_a_new_deadline(intake_city, district_a, district_officer_a, category):
    c = ComplaintFactory(unit=district_a, status=S.REPLIED, category=category)
    c = services.record_visit(c, by=intake_city, satisfaction="unsatisfied", note="仍有摊贩")
    c = services.reopen(c, by=intake_city, reason="群众不满意")
    assert (c.status, c.reopen_count, c.satisfaction) == (S.DISPATCHED, 1, "")
    assert c.due_at == c.reply_due_at and c.reply_due_at > timezone.now()


def test_satisfied_cannot_reopen(intake_city, district_a, category):
    c = ComplaintFactory(unit=district_a, status=S.VISITED, satisfaction="satisfied")
    with pytest.raises(services.TransitionNotAllowed):
        services.reopen(c, by=intake_city, reason="x")


def test_extension_approved_by_another_supervisor_moves_the_reply_deadline(
    intake_city,
    district_officer_a,
    leader_a,
    district_a,
    category,
):
    c = register(intake_city, category, received_at=at(2026, 9, 28, 10, 0))
    c = services.dispatch(services.accept(c, by=intake_city), by=intake_city, unit=district_a)
    before = c.reply_due_at
    assert before == end_of(dt.date(2026, 10, 10))  # 29, 30 Sep, 8, 9, 10 (a make-up Saturday) Oct
    with pytest.raises(ValidationError):
        services.request_extension(c, by=district_officer_a, reason="需协调", days=6)  # over the 5 allowed
    c = services.request_extension(c, by=district_officer_a, reason="需协调多部门", days=2)
    assert c.reply_due_at == before
    with pytest.raises(services.TransitionNotAllowed):
        services.request_extension(c, by=district_officer_a, reason="again", days=1)  # one pending at a time
    c = services.decide_extension(c, by=leader_a, decision=ApprovalDecision.APPROVED, opinion="同意")
    assert c.reply_due_at == end_of(dt.date(2026, 10, 13))  # two working days later, over the Sunday
    assert (c.extension_count, c.extended_days) == (1, 2)
    ext = ComplaintExtension.objects.get()
    assert (ext.decided_by, ext.reply_due_before, ext.reply_due_after) == (leader_a, before, c.reply_due_at)
    with pytest.raises(services.TransitionNotAllowed):  # the default policy allows one
        services.request_extension(c, by=district_officer_a, reason="再延期", days=1)


def test_nobody_decides_their_own_extension(leader_a, district_a, category):
    c = ComplaintFactory(unit=district_a, status=S.IN_PROGRESS, category=category)
    c = services.request_extension(c, by=leader_a, reason="复杂", days=1)
    with pytest.raises(services.TransitionNotAllowed):
        services.decide_extension(c, by=leader_a, decision="approved")
    assert ComplaintExtension.objects.get().decision == ApprovalDecision.PENDING


def test_on_the_spot_closure_needs_an_after_photo(officer_a, category):
    c = register(officer_a, category, channel=Channel.PATROL)
    with pytest.raises(services.TransitionNotAllowed):
        services.close_on_the_spot(c, by=officer_a, note="已劝离")
    services.add_attachment(c, upload("after.jpg"), by=officer_a, stage="after")
    c = services.close_on_the_spot(c, by=officer_a, note="已劝离，现场清理完毕")
    assert (c.status, c.on_the_spot, c.handler, c.due_at) == (S.CLOSED, True, officer_a, None)


def test_merge_points_to_the_survivor_and_is_not_counted(intake_city, category):
    survivor, duplicate = register(intake_city, category), register(intake_city, category)
    merged = services.merge(duplicate, by=intake_city, into=survivor)
    assert (merged.status, merged.merged_into) == (S.MERGED, survivor)
    assert list(Complaint.objects.counted()) == [survivor]
    assert AuditEvent.objects.for_object(survivor).filter(verb="absorb_duplicate").exists()
    with pytest.raises(ValidationError):
        services.merge(register(intake_city, category), by=intake_city, into=merged)


# --- attachments ---------------------------------------------------------------------------------------
def test_attachment_type_comes_from_its_bytes(intake_city, category):
    c = register(intake_city, category)
    photo = services.add_attachment(c, upload("现场.jpg"), by=intake_city)
    assert (photo.kind, photo.content_type, photo.size) == ("photo", "image/jpeg", len(JPEG))
    import hashlib

    assert photo.sha256 == hashlib.sha256(JPEG).hexdigest()
    with pytest.raises(ValidationError) as err:
        services.add_attachment(c, upload("invoice.jpg", EXE), by=intake_city)
    assert "file" in err.value.message_dict
    assert c.attachments.count() == 1


def test_attachment_size_limit(intake_city, category, settings):
    settings.ATTACHMENT_MAX_BYTES = 100
    c = register(intake_city, category)
    with pytest.raises(ValidationError):
        services.add_attachment(c, upload(), by=intake_city)
    assert not c.attachments.exists()


# --- concurrency ---------------------------------------------------------------------------------------
def test_a_stale_version_is_refused(intake_city, category, district_a):
    c = register(intake_city, category)
    services.accept(c, by=intake_city, version=c.version)
    with pytest.raises(StaleEdit):  # dispatching is allowed now, but not from what the user saw
        services.dispatch(c, by=intake_city, unit=district_a, version=c.version)
    c.refresh_from_db()
    assert (c.status, c.version) == (S.ACCEPTED, 2)


@pytest.mark.django_db(transaction=True)
def test_two_people_acting_at_once_one_wins_the_other_gets_409(city, make_user, category):
    intake = make_user("intake", unit=city)
    leader = make_user("bureau_head", unit=city)
    c = register(intake, category)
    outcomes, barrier = [], threading.Barrier(2)

    def act(fn):
        try:
            barrier.wait()
            fn()
            outcomes.append("ok")
        except (services.TransitionNotAllowed, StaleEdit):
            outcomes.append("409")
        finally:
            connection.close()

    threads = [
        threading.Thread(target=act, args=(lambda: services.accept(c, by=intake),)),
        threading.Thread(target=act, args=(lambda: services.reject(c, by=leader, reason="重复"),)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(outcomes) == ["409", "ok"]
    c.refresh_from_db()
    assert c.status in (S.ACCEPTED, S.REJECTED)
    assert c.version == 2
    assert AuditEvent.objects.for_object(c).filter(action="transition").count() == 1


def test_the_audit_trail_keeps_the_complainant_masked(intake_city, category):
    c = register(intake_city, category, complainant_name="李四光", complainant_phone="13900001111")
    created = AuditEvent.objects.for_object(c).get()
    assert (created.after["complainant_name"], created.after["complainant_phone"]) == ("李**", "139****1111")
    services.edit_complaint(c, by=intake_city, changes={"complainant_phone": "13955551111"})
    edit = AuditEvent.objects.for_object(c).get(action="update")
    assert edit.before == {"complainant_phone": "139****1111"} and edit.after == {
        "complainant_phone": "139****1111"
    }
    assert "13955551111" not in str(list(AuditEvent.objects.for_object(c).values("before", "after")))


@pytest.mark.django_db(transaction=True)
def test_concurrent_intakes_never_share_a_number(city, make_user, category):
    desks = [make_user("intake", unit=city) for _ in range(4)]
    numbers, errors, barrier = [], [], threading.Barrier(len(desks))

    def take(desk):
        try:
            barrier.wait()
            numbers.append(register(desk, category, received_at=at(2026, 11, 20, 10, 0)).number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=take, args=(desk,)) for desk in desks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == [f"TS20261120{n:04d}" for n in range(1, 5)]


def test_a_spawned_record_is_linked_once_and_shows_on_the_detail(intake_city, category, api_as):
    from django.urls import reverse

    from ..models import ComplaintLink

    c = register(intake_city, category)
    target = GridFactory(unit=intake_city.unit)  # any model: a case or a rectification item later
    services.link_record(c, target, by=intake_city)
    services.link_record(c, target, by=intake_city)
    assert ComplaintLink.objects.get().target == target
    assert AuditEvent.objects.for_object(c).filter(verb="link").count() == 1
    links = api_as(intake_city).get(reverse("api:complaint-detail", args=[c.pk])).json()["links"]
    assert links == [{"model": "grid", "object_id": str(target.pk)}]


# --- periods --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("channel", "unit_row", "expected"),
    [
        (Channel.HOTLINE_12345, None, "An extension is 1 to 5 working days."),
        (Channel.PETITION, None, "An extension is 1 to 30 days."),
        (Channel.HOTLINE_BUREAU, "working_hours", "An extension is 1 to 4 working hours."),
    ],
)
def test_the_extension_limit_names_its_unit_in_words(
    district_a, district_officer_a, category, channel, unit_row, expected
):
    """It used to say "1 to 30 calendar_days": the unit's code, not its name."""
    if unit_row:
        DeadlinePolicy.objects.create(
            channel=channel, unit=unit_row, accept_within=1, reply_within=8, visit_within=3, max_extension=4
        )
    c = ComplaintFactory(unit=district_a, status=S.IN_PROGRESS, category=category, channel=channel)
    with pytest.raises(ValidationError) as refused:
        services.request_extension(c, by=district_officer_a, reason="需协调", days=99)
    assert refused.value.message_dict["days"] == [expected]


@pytest.mark.parametrize("status", [S.CLOSED, S.REJECTED, S.MERGED])
def test_nobody_adds_files_once_the_complaint_is_no_longer_open(officer_a, intake_city, category, status):
    c = ComplaintFactory(unit=officer_a.unit, category=category, status=status)
    for person in (officer_a, intake_city):
        with pytest.raises(services.TransitionNotAllowed, match="only while the complaint is open"):
            services.add_attachment(c, upload("补拍.jpg"), by=person)
    assert not c.attachments.exists()
