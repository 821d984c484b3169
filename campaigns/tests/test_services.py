"""The campaigns' services at the edges of their rules (PRODUCT §7, issue 13 "Bad input"): starting and
ending a campaign, changing it, the field logs, progress against the goals, and the rectification items
from registration to the case they escalate to. Each refusal in words; nothing written when refused."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, connection, transaction
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from campaigns import services
from campaigns.models import (
    Campaign,
    FieldLog,
    FieldLogPhoto,
    FieldLogValue,
    ItemPhoto,
    RectificationItem,
)
from cases.choices import CaseSource, Procedure
from cases.models import Case, CaseEvidence
from complaints.models import ComplaintLink
from complaints.tests.factories import ComplaintFactory
from enforcement.audit.models import AuditEvent
from enforcement.audit.timeline import events_for, timeline_rows
from enforcement.documents.models import Document
from enforcement.org.choices import UnitLevel
from enforcement.org.tests.factories import GridFactory, OrgUnitFactory
from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed

from .conftest import noticed, photo, plan, register, today, words

pytestmark = pytest.mark.django_db

DAY = timedelta(days=1)


def written():
    return (
        FieldLog.objects.count(),
        FieldLogValue.objects.count(),
        FieldLogPhoto.objects.count(),
        RectificationItem.objects.count(),
        ItemPhoto.objects.count(),
        Case.objects.count(),
        CaseEvidence.objects.count(),
        Document.objects.count(),
        AuditEvent.objects.count(),
    )


def refused(exception, step, *expected):
    """`step()` raises `exception` saying each of `expected`, and nothing is written."""
    before = written()
    with pytest.raises(exception) as info:
        step()
    text = words(info.value)
    for part in expected:
        assert part in text, text
    assert "_" not in text, text  # words, not a slug or a field name
    assert written() == before
    return info.value


def log(campaign, by, unit, day=None, **values):
    return services.log_field_work(
        campaign, by=by, unit=unit, day=day or today(), values=values or {"persuasion": "5"}
    )


@pytest.fixture
def third(district_a):
    """A squadron of the district that does not take part in the campaign."""
    return OrgUnitFactory(code="squad-a3", name="甲区三中队", level=UnitLevel.SQUADRON, parent=district_a)


# --- start, conclude, cancel ----------------------------------------------------------------------------
def test_a_campaign_does_not_start_before_its_first_day(crew, squadrons):
    campaign = plan(crew, squadrons, starts_on=today() + DAY, ends_on=today() + 10 * DAY)
    refused(
        TransitionNotAllowed,
        lambda: services.start(campaign, by=crew["leader"]),
        "starts once its period has begun",
    )
    assert Campaign.objects.get(pk=campaign.pk).status == "planned"


def test_a_campaign_starts_on_its_first_day(crew, squadrons):
    campaign = plan(crew, squadrons, starts_on=today(), ends_on=today())
    assert services.start(campaign, by=crew["head"]).status == "active"


def test_a_campaign_without_goals_does_not_start(crew, squadrons):
    campaign = plan(crew, squadrons, goals=[])
    refused(TransitionNotAllowed, lambda: services.start(campaign, by=crew["leader"]), "it has a goal")


def test_an_officer_does_not_start_a_campaign(crew, squadrons):
    campaign = plan(crew, squadrons)
    refused(PermissionDenied, lambda: services.start(campaign, by=crew["officer1"]), "Start the campaign")


def test_concluding_needs_a_summary_and_cancelling_a_reason(campaign, crew):
    refused(ValidationError, lambda: services.conclude(campaign, by=crew["leader"], summary="  "), "summary")
    refused(ValidationError, lambda: services.cancel(campaign, by=crew["leader"], reason=""), "cancelled")
    assert Campaign.objects.get(pk=campaign.pk).status == "active"
    cancelled = services.cancel(campaign, by=crew["leader"], reason="台风")
    assert cancelled.status == "cancelled" and cancelled.ended_at is not None


def test_a_concluded_campaign_takes_no_log_and_no_item(campaign, crew, squadrons):
    first, _second = squadrons
    campaign = services.conclude(campaign, by=crew["leader"], summary="共清理占道摊点30处")
    assert campaign.summary == "共清理占道摊点30处"
    refused(TransitionNotAllowed, lambda: log(campaign, crew["officer1"], first), "has ended")
    refused(TransitionNotAllowed, lambda: register(campaign, crew["officer1"], first), "under way")


def test_a_planned_campaign_takes_no_log(crew, squadrons):
    first, _second = squadrons
    campaign = plan(crew, squadrons)
    refused(
        TransitionNotAllowed, lambda: log(campaign, crew["officer1"], first), "once the campaign is under way"
    )


# --- update_campaign ------------------------------------------------------------------------------------
def test_a_stale_edit_is_refused(campaign, crew):
    loaded = campaign.version
    services.update_campaign(campaign, by=crew["leader"], version=loaded, name="占道经营整治（第一阶段）")
    with pytest.raises(StaleEdit):
        services.update_campaign(campaign, by=crew["head"], version=loaded, name="别的名字")
    assert Campaign.objects.get(pk=campaign.pk).name == "占道经营整治（第一阶段）"


def test_a_unit_that_logged_work_stays(campaign, crew, squadrons, district_a):
    first, second = squadrons
    log(campaign, crew["officer2"], second)
    refused(
        ValidationError,
        lambda: services.update_campaign(campaign, by=crew["leader"], units=[first]),
        "A unit that has logged work stays in the campaign.",
    )
    assert campaign.units.filter(pk=second.pk).exists()
    # A unit without logs may leave, with its goal; not leaving its goal behind.
    refused(
        ValidationError,
        lambda: services.update_campaign(campaign, by=crew["leader"], units=[second]),
        "A unit with a goal stays in the campaign",
    )
    assert campaign.goals.filter(unit=first).exists()
    changed = services.update_campaign(
        campaign, by=crew["leader"], units=[second], goals=[("correction_notices", None, "100")]
    )
    assert set(changed.units.values_list("pk", flat=True)) == {district_a.pk, second.pk}
    assert list(changed.goals.values_list("measure", "unit", "target")) == [
        ("correction_notices", None, Decimal("100"))
    ]


def test_the_period_does_not_end_before_a_logged_day(campaign, crew, squadrons):
    first, _second = squadrons
    log(campaign, crew["officer1"], first, day=today() - DAY)
    refused(
        ValidationError,
        lambda: services.update_campaign(campaign, by=crew["leader"], ends_on=today() - 2 * DAY),
        "Field work has been logged after that day.",
    )
    changed = services.update_campaign(campaign, by=crew["leader"], ends_on=today() - DAY)
    assert changed.ends_on == today() - DAY


def test_a_campaign_under_way_keeps_its_first_day(campaign, crew):
    refused(
        ValidationError,
        lambda: services.update_campaign(campaign, by=crew["leader"], starts_on=campaign.starts_on - DAY),
        "keeps its first day",
    )


def test_a_planned_campaign_may_move_its_first_day(crew, squadrons):
    campaign = plan(crew, squadrons)
    changed = services.update_campaign(campaign, by=crew["leader"], starts_on=today())
    assert changed.starts_on == today()
    event = AuditEvent.objects.get(object_id=str(campaign.pk), verb="update_campaign")
    assert event.after["starts_on"] == today().isoformat()


def test_an_officer_does_not_change_a_campaign(campaign, crew):
    refused(PermissionDenied, lambda: services.update_campaign(campaign, by=crew["officer1"], name="x"))


# --- field logs -----------------------------------------------------------------------------------------
@pytest.fixture
def ending_today(crew, squadrons):
    return services.start(
        plan(crew, squadrons, starts_on=today() - 5 * DAY, ends_on=today()), by=crew["leader"]
    )


def test_the_first_and_last_days_are_logged(ending_today, crew, squadrons):
    first, _second = squadrons
    assert (
        log(ending_today, crew["officer1"], first, day=ending_today.starts_on).day == ending_today.starts_on
    )
    assert log(ending_today, crew["officer1"], first, day=ending_today.ends_on).day == ending_today.ends_on


@pytest.mark.parametrize("offset", [-1, +1])
def test_the_day_outside_the_period_is_refused(ending_today, crew, squadrons, offset):
    first, _second = squadrons
    day = (ending_today.starts_on - DAY) if offset < 0 else (ending_today.ends_on + DAY)
    refused(
        ValidationError,
        lambda: log(ending_today, crew["officer1"], first, day=day),
        "log work done within those days",
    )


def test_a_day_in_the_future_is_refused(campaign, crew, squadrons):
    first, _second = squadrons
    assert campaign.in_period(today() + DAY)
    refused(
        ValidationError,
        lambda: log(campaign, crew["officer1"], first, day=today() + DAY),
        "not for a day in the future",
    )


@pytest.mark.parametrize(
    "values, expected",
    [
        ({"correction_notices": "-1"}, "Correction notices issued cannot be negative."),
        ({"seized_vehicles": "1.5"}, "Vehicles seized is counted in whole vehicles."),
        ({"persuasion": "a few"}, "Persuasion and education: enter a number."),
        ({"posters_cleaned": "30"}, "Posters cleaned is not counted in a campaign against street vending."),
        ({"persuasion": "0", "seized_vehicles": "0"}, "at least one figure above 0"),
        ({"smiles": "3"}, "not one of the listed measures"),
    ],
)
def test_bad_figures_are_refused(campaign, crew, squadrons, values, expected):
    first, _second = squadrons
    error = refused(
        ValidationError,
        lambda: services.log_field_work(
            campaign, by=crew["officer1"], unit=first, day=today(), values=values
        ),
        expected,
    )
    assert "values" in error.message_dict


def test_a_demolished_area_has_two_decimals(crew, squadrons):
    first, _second = squadrons
    campaign = services.start(
        plan(crew, squadrons, kind="illegal_construction", goals=[("demolished_area", None, "1000")]),
        by=crew["leader"],
    )
    entry = log(campaign, crew["officer1"], first, demolished_area="12.25", person_times="8")
    assert entry.values.get(measure="demolished_area").value == Decimal("12.25")
    refused(
        ValidationError,
        lambda: log(campaign, crew["officer1"], first, demolished_area="12.255"),
        "at most two decimals",
    )


def test_zero_values_are_left_out(campaign, crew, squadrons):
    first, _second = squadrons
    entry = log(campaign, crew["officer1"], first, persuasion="4", seized_vehicles="0", seized_goods="")
    assert list(entry.values.values_list("measure", flat=True)) == ["persuasion"]


def test_a_unit_not_taking_part_does_not_log(third, campaign, crew):
    refused(
        ValidationError,
        lambda: log(campaign, crew["leader"], third),  # the squad leader's scope holds the third squadron
        "Only a unit taking part in the campaign logs work on it.",
    )


def test_an_officer_logs_for_his_own_unit_only(campaign, crew, squadrons):
    first, _second = squadrons
    refused(ValidationError, lambda: log(campaign, crew["officer2"], first), "your own unit")


def test_another_districts_officer_does_not_find_the_campaign(campaign, officer_b, squad_b):
    assert not Campaign.objects.visible_to(officer_b).filter(pk=campaign.pk).exists()
    refused(Http404, lambda: log(campaign, officer_b, squad_b))


def test_a_squadron_officer_sees_and_logs_on_the_districts_campaign(campaign, crew, squadrons):
    first, second = squadrons
    assert campaign.lead_unit_id == first.parent_id
    assert list(Campaign.objects.visible_to(crew["officer1"])) == [campaign]
    entry = services.log_field_work(
        campaign,
        by=crew["officer1"],
        unit=first,
        day=today(),
        values={"correction_notices": "3"},
        place="祖庙路",
        partners=["public_security"],
        photos=[photo()],
    )
    assert entry.photos.count() == 1 and entry.partners == ["public_security"]
    # Its logs stay its own: the other squadron does not see them.
    assert not FieldLog.objects.visible_to(crew["officer2"]).filter(pk=entry.pk).exists()
    assert FieldLog.objects.visible_to(crew["leader"]).filter(pk=entry.pk).exists()


def test_a_log_is_audited_on_its_own_timeline_not_the_campaigns(campaign, crew, squadrons):
    """The campaign's timeline is seen by every unit taking part; a log is seen by its unit's people only."""
    first, _second = squadrons
    entry = log(campaign, crew["officer1"], first, correction_notices="2")
    event = AuditEvent.objects.get(verb="log_field_work")
    assert event.object_id == str(entry.pk) and event.root_object_id is None
    assert event.after["values"] == {"correction_notices": "2.00"}


# --- progress -------------------------------------------------------------------------------------------
def row_of(figures, slug):
    return next(row for row in figures["measures"] if row["measure"].slug == slug)


def test_progress_sums_per_unit_and_in_total(campaign, crew, squadrons):
    first, second = squadrons
    log(campaign, crew["officer1"], first, today() - DAY, correction_notices="20")
    log(campaign, crew["officer1"], first, today(), correction_notices="10")
    log(campaign, crew["officer2"], second, today(), correction_notices="10", persuasion="7")
    figures = services.progress(campaign)
    notices = row_of(figures, "correction_notices")
    assert (notices["total"], notices["target"], notices["percent"]) == (40, 100, 40.0)
    units = {row["unit"]: row for row in notices["units"]}
    assert (units[first]["actual"], units[first]["target"], units[first]["percent"]) == (30, 60, 50.0)
    assert (units[second]["actual"], units[second]["target"], units[second]["percent"]) == (10, None, None)
    persuasion = row_of(figures, "persuasion")
    assert (persuasion["total"], persuasion["target"], persuasion["percent"]) == (7, None, None)
    vehicles = row_of(figures, "seized_vehicles")  # a goal with nothing logged yet
    assert (vehicles["total"], vehicles["target"], vehicles["percent"]) == (0, 20, 0.0)
    assert not any(row["measure"].slug == "seized_goods" for row in figures["measures"])


def test_the_percent_comes_from_the_sums_and_a_total_target_from_the_units(crew, squadrons):
    first, second = squadrons
    campaign = services.start(
        plan(crew, squadrons, goals=[("seized_vehicles", first, "10"), ("seized_vehicles", second, "30")]),
        by=crew["leader"],
    )
    log(campaign, crew["officer1"], first, seized_vehicles="10")  # 100 %
    log(campaign, crew["officer2"], second, seized_vehicles="10")  # 33.3 %
    vehicles = row_of(services.progress(campaign), "seized_vehicles")
    assert vehicles["target"] == 40  # derived: 10 + 30
    assert vehicles["total"] == 20
    assert vehicles["percent"] == 50.0  # 20 of 40, not the mean of 100 % and 33.3 %
    assert [row["percent"] for row in vehicles["units"]] == [100.0, 33.3]


def test_progress_counts_the_items_by_status(campaign, crew, squadrons):
    first, _second = squadrons
    register(campaign, crew["officer1"], first)
    noticed(campaign, crew["officer1"], first)
    items = services.progress(campaign)["items"]
    assert (items["found"], items["noticed"], items["escalated"]) == (1, 1, 0)


def test_progress_takes_the_same_queries_however_many_logs(campaign, crew, squadrons):
    first, second = squadrons
    log(campaign, crew["officer1"], first, correction_notices="1")
    with CaptureQueriesContext(connection) as few:
        services.progress(Campaign.objects.get(pk=campaign.pk))
    for days_ago in range(6):
        log(
            campaign,
            crew["officer1"],
            first,
            today() - days_ago * DAY,
            correction_notices="2",
            persuasion="3",
        )
        log(campaign, crew["officer2"], second, today() - days_ago * DAY, seized_vehicles="1")
    with CaptureQueriesContext(connection) as many:
        figures = services.progress(Campaign.objects.get(pk=campaign.pk))
    assert row_of(figures, "correction_notices")["total"] == 13
    assert len(many) == len(few) <= 5


# --- rectification items: registering -------------------------------------------------------------------
def test_the_grid_comes_from_the_point(campaign, crew, squadrons):
    first, _second = squadrons
    grid = GridFactory(
        unit=first,
        min_lat=Decimal("23.00"),
        max_lat=Decimal("23.10"),
        min_lng=Decimal("113.00"),
        max_lng=Decimal("113.20"),
    )
    GridFactory(unit=first)  # without a bounding box: never derived
    item = register(campaign, crew["officer1"], first, lat=Decimal("23.05"), lng=Decimal("113.10"))
    assert item.grid == grid
    elsewhere = register(campaign, crew["officer1"], first, lat=Decimal("22.5"), lng=Decimal("113.10"))
    assert elsewhere.grid is None
    assert item.photos.get().stage == "before"
    event = AuditEvent.objects.get(verb="register_item", object_id=str(item.pk))
    assert event.root_object_id is None  # on the item's own timeline


def test_half_a_point_is_refused(campaign, crew, squadrons):
    first, _second = squadrons
    refused(
        ValidationError,
        lambda: register(campaign, crew["officer1"], first, lat=Decimal("23.05")),
        "both latitude and longitude",
    )


def test_an_item_from_a_complaint_is_linked_to_it(campaign, crew, squadrons):
    first, _second = squadrons
    complaint = ComplaintFactory(unit=first)
    item = register(campaign, crew["officer1"], first, complaint=complaint)
    link = ComplaintLink.objects.get(complaint=complaint)
    assert link.target == item and item.complaint == complaint


def test_an_item_of_a_unit_not_taking_part_is_refused(third, campaign, crew):
    refused(
        ValidationError,
        lambda: register(campaign, crew["leader"], third),
        "Only a unit taking part in the campaign records items on it.",
    )


# --- the notice -----------------------------------------------------------------------------------------
@pytest.fixture
def found(campaign, crew, squadrons, party, category):
    first, _second = squadrons
    return register(campaign, crew["officer1"], first, party=party, category=category)


def notice(item, by, days, requirement="拆除占道雨棚"):
    return services.issue_notice(item, by=by, deadline_on=today() + days * DAY, requirement=requirement)


def test_a_deadline_in_the_past_is_refused(found, crew):
    refused(ValidationError, lambda: notice(found, crew["officer1"], -1), "cannot be in the past")


def test_a_notice_gives_at_most_90_days(found, crew):
    refused(ValidationError, lambda: notice(found, crew["officer1"], 91), "at most 90 days")
    item = notice(found, crew["officer1"], 90)
    assert item.status == "noticed" and item.deadline_on == today() + 90 * DAY
    assert item.recheck_due_at.date() == item.deadline_on and item.is_overdue() is False


def test_a_notice_says_what_must_be_done(found, crew):
    refused(
        ValidationError, lambda: notice(found, crew["officer1"], 3, requirement=" "), "what the party must do"
    )


def test_a_notice_is_issued_once(found, crew):
    item = notice(found, crew["officer1"], 3)
    refused(TransitionNotAllowed, lambda: notice(item, crew["officer1"], 5), "Notice issued")
    assert Document.objects.of(item).count() == 1


# --- the re-check ---------------------------------------------------------------------------------------
def recheck(item, by, result, day, photos=None):
    return services.recheck(
        item, by=by, result=result, rechecked_on=day, photos=[photo("复查.jpg")] if photos is None else photos
    )


def test_a_recheck_before_the_notice_is_refused(found, crew):
    item = notice(found, crew["officer1"], 0)
    refused(
        ValidationError,
        lambda: recheck(item, crew["officer1"], "rectified", today() - DAY),
        "after the rectification notice was issued",
    )
    assert RectificationItem.objects.get(pk=item.pk).status == "noticed"


def test_a_recheck_in_the_future_is_refused(found, crew):
    item = notice(found, crew["officer1"], 3)
    refused(
        ValidationError,
        lambda: recheck(item, crew["officer1"], "rectified", today() + DAY),
        "not in the future",
    )


def test_a_recheck_before_notice_is_refused_on_a_found_item(found, crew):
    refused(
        TransitionNotAllowed,
        lambda: recheck(found, crew["officer1"], "rectified", today()),
        "Record the re-check",
    )


def test_not_rectified_waits_for_the_deadline(found, crew):
    item = notice(found, crew["officer1"], 1)
    refused(
        ValidationError,
        lambda: recheck(item, crew["officer1"], "not_rectified", today()),
        "“not rectified” is recorded on or after that day",
    )


def test_not_rectified_on_the_deadline_day(found, crew):
    item = notice(found, crew["officer1"], 0)
    item = recheck(item, crew["officer1"], "not_rectified", today())
    assert (item.status, item.recheck_result, item.rechecked_on) == (
        "not_rectified",
        "not_rectified",
        today(),
    )
    assert item.photos.filter(stage="after").count() == 1


def test_rectified_early_is_accepted(found, crew):
    item = notice(found, crew["officer1"], 10)
    item = recheck(item, crew["officer1"], "rectified", today())
    assert item.status == "rectified" and item.rechecked_at is not None


def test_a_recheck_needs_a_photo_after(found, crew):
    item = notice(found, crew["officer1"], 0)
    refused(
        ValidationError,
        lambda: recheck(item, crew["officer1"], "rectified", today(), photos=[]),
        "Add a photo taken at the re-check.",
    )


# --- escalation -----------------------------------------------------------------------------------------
@pytest.fixture
def not_rectified(found, crew):
    item = notice(found, crew["officer1"], 0)
    return recheck(item, crew["officer1"], "not_rectified", today())


def test_escalating_opens_a_lead_linked_both_ways_with_the_photos(not_rectified, crew, party, category):
    item = services.escalate(not_rectified, by=crew["officer1"], procedure="general")
    case = item.case
    assert item.status == "escalated" and item.escalated_at is not None
    assert Case.objects.get(pk=case.pk).rectification_item == item
    assert (case.procedure, case.status, case.source) == (Procedure.GENERAL, "lead", CaseSource.CAMPAIGN)
    assert (case.party, case.category, case.address, case.unit) == (party, category, item.address, item.unit)
    assert case.act_date == item.found_on
    assert item.description in case.facts and item.campaign.name in case.facts
    photos = sorted(item.photos.values_list("sha256", "size"))
    assert len(photos) == 2  # before and after
    assert sorted(CaseEvidence.objects.filter(case=case).values_list("sha256", "size")) == photos
    event = AuditEvent.objects.get(verb="escalate", object_id=str(item.pk))
    assert event.after["case"] == case.pk  # a reference, which the item's timeline names by its number
    row = next(row for row in timeline_rows(item, [event]))
    assert any(change["after"].startswith(case.number) for change in row["changes"]), row["changes"]


def test_an_item_is_escalated_once(not_rectified, crew):
    item = services.escalate(not_rectified, by=crew["officer1"], procedure="general")
    refused(
        TransitionNotAllowed,
        lambda: services.escalate(item, by=crew["officer1"], procedure="general"),
        "Escalate to a case",
    )
    assert Case.objects.count() == 1


def test_the_database_holds_an_escalation_to_its_one_case(not_rectified, crew, found):
    item = services.escalate(not_rectified, by=crew["officer1"], procedure="general")
    other = register(item.campaign, crew["officer1"], item.unit)
    with pytest.raises(IntegrityError), transaction.atomic():  # one item per case
        RectificationItem.objects.filter(pk=other.pk).update(case=item.case, status="escalated")
    with pytest.raises(IntegrityError), transaction.atomic():  # escalated without a case
        RectificationItem.objects.filter(pk=other.pk).update(status="escalated")
    with pytest.raises(IntegrityError), transaction.atomic():  # a case without being escalated
        RectificationItem.objects.filter(pk=item.pk).update(status="not_rectified")


@pytest.mark.parametrize(
    "missing, expected",
    [("party", "Record the party"), ("category", "Record the category of the violation")],
)
def test_escalation_needs_the_party_and_the_category(
    campaign, crew, squadrons, party, category, missing, expected
):
    first, _second = squadrons
    fields = {"party": party, "category": category}
    fields[missing] = None
    item = noticed(campaign, crew["officer1"], first, party_name="无名摊贩", **fields)
    item = recheck(item, crew["officer1"], "not_rectified", today())
    assert "escalate" not in item.allowed_actions(crew["officer1"])
    refused(
        TransitionNotAllowed,
        lambda: services.escalate(item, by=crew["officer1"], procedure="general"),
        expected,
    )


def test_a_rectified_item_is_not_escalated(found, crew):
    item = recheck(notice(found, crew["officer1"], 3), crew["officer1"], "rectified", today())
    refused(TransitionNotAllowed, lambda: services.escalate(item, by=crew["officer1"], procedure="general"))


def test_a_procedure_is_chosen(not_rectified, crew):
    refused(
        ValidationError,
        lambda: services.escalate(not_rectified, by=crew["officer1"], procedure="quick"),
        "general or the simple procedure",
    )


def test_the_simple_procedure_decides_on_the_spot(not_rectified, crew):
    item = services.escalate(
        not_rectified, by=crew["officer1"], procedure="simple", penalty_kinds=["fine"], fine=Decimal("150")
    )
    case = item.case
    assert (case.procedure, case.status, case.fine_decided) == (Procedure.SIMPLE, "decided", Decimal("150"))
    assert case.correction_order == item.requirement  # the notice's order, when none is given
    assert case.rectification_item == item and case.evidence.count() == 2


def test_a_refused_on_the_spot_fine_leaves_the_item_as_it_was(not_rectified, crew):
    version = not_rectified.version
    refused(
        ValidationError,
        lambda: services.escalate(
            not_rectified,
            by=crew["officer1"],
            procedure="simple",
            penalty_kinds=["fine"],
            fine=Decimal("201"),
        ),
        "Art. 51",
    )
    item = RectificationItem.objects.get(pk=not_rectified.pk)
    assert (item.status, item.case_id, item.escalated_at, item.version) == (
        "not_rectified",
        None,
        None,
        version,
    )
    # And the general procedure remains open to it.
    assert services.escalate(item, by=crew["officer1"], procedure="general").status == "escalated"


# --- audit ----------------------------------------------------------------------------------------------
def test_each_step_is_audited_and_the_timelines_speak_words(campaign, crew, squadrons, party, category):
    first, _second = squadrons
    log(campaign, crew["officer1"], first, correction_notices="2")
    item = noticed(campaign, crew["officer1"], first, party=party, category=category)
    item = recheck(item, crew["officer1"], "not_rectified", today())
    item = services.escalate(item, by=crew["officer1"], procedure="general")
    services.conclude(campaign, by=crew["leader"], summary="完成")
    verbs = set(AuditEvent.objects.values_list("verb", flat=True))
    assert {"plan_campaign", "start", "log_field_work", "register_item", "issue_notice", "recheck"} <= verbs
    assert {"escalate", "conclude", "issue_document"} <= verbs
    on_campaign = {row["step"] for row in timeline_rows(campaign, list(events_for(campaign)))}
    assert {"Campaign planned", "Start the campaign", "Conclude with a summary"} <= on_campaign
    assert "Rectification item recorded" not in on_campaign  # on the item's own timeline
    on_item = {row["step"] for row in timeline_rows(item, list(events_for(item)))}
    assert {"Issue the rectification notice", "Record the re-check", "Escalate to a case"} <= on_item
    for step in on_campaign | on_item:
        assert step and "_" not in step, step


def test_a_log_reads_as_its_declared_step_on_its_timeline(campaign, crew, squadrons):
    first, _second = squadrons
    entry = log(campaign, crew["officer1"], first, correction_notices="2")
    steps = {row["step"] for row in timeline_rows(entry, list(events_for(entry)))}
    assert "Field work logged" in steps, steps


def test_a_simple_case_keeps_where_it_came_from(not_rectified, crew):
    case = services.escalate(
        not_rectified, by=crew["officer1"], procedure="simple", penalty_kinds=["fine"], fine=Decimal("150")
    ).case
    assert case.source == CaseSource.CAMPAIGN


def test_an_item_stays_with_its_unit(found, crew, officer_b):
    assert not RectificationItem.objects.visible_to(crew["officer2"]).filter(pk=found.pk).exists()
    refused(Http404, lambda: notice(found, crew["officer2"], 3))  # the other squadron does not find it
    refused(Http404, lambda: notice(found, officer_b, 3))
    refused(PermissionDenied, lambda: notice(found, crew["head"], 3), "Issue the rectification notice")
    assert notice(found, crew["leader"], 3).status == "noticed"  # the district's squad leader handles it


def test_another_districts_officer_records_no_item(campaign, officer_b, squad_b):
    refused(Http404, lambda: register(campaign, officer_b, squad_b))
