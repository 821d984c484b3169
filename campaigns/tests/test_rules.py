"""The planning rules of a campaign (PRODUCT §7, issue 13 "Bad input"), each at its edges: the period, the
units taking part, the partners, the target grids, the goals, who plans, and the number. Each refusal is
in words, and nothing is written when one is raised."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from campaigns import measures, rules
from campaigns.models import Campaign, CampaignGoal, CampaignUnit
from enforcement.audit.models import AuditEvent
from enforcement.org.choices import UnitLevel
from enforcement.org.tests.factories import GridFactory, OrgUnitFactory

from .conftest import plan, today, words

pytestmark = pytest.mark.django_db


def counts():
    return (
        Campaign.objects.count(),
        CampaignUnit.objects.count(),
        CampaignGoal.objects.count(),
        AuditEvent.objects.count(),
    )


def refused(step, *expected, field=None):
    """`step()` raises ValidationError saying each of `expected` (on `field` if given); nothing written."""
    before = counts()
    with pytest.raises(ValidationError) as info:
        step()
    text = words(info.value)
    for part in expected:
        assert part in text, text
    if field is not None:
        assert field in info.value.message_dict, info.value.message_dict
    assert counts() == before
    return text


# --- the period -----------------------------------------------------------------------------------------
def test_a_period_ending_before_it_starts_is_refused(crew, squadrons):
    refused(
        lambda: plan(crew, squadrons, starts_on=today(), ends_on=today() - timedelta(days=1)),
        "cannot end before it starts",
        field="ends_on",
    )


def test_a_one_day_campaign_is_fine(crew, squadrons):
    campaign = plan(crew, squadrons, starts_on=today(), ends_on=today())
    assert campaign.starts_on == campaign.ends_on == today()
    assert campaign.in_period(today()) and not campaign.in_period(today() + timedelta(days=1))


def test_a_period_without_its_days_is_refused_in_words():
    errors = rules.period_problems(None, None)
    assert errors == {
        "starts_on": "Give the first day of the campaign.",
        "ends_on": "Give the last day of the campaign.",
    }
    assert rules.period_problems(today(), today()) == {}


# --- units, partners, grids -----------------------------------------------------------------------------
def test_a_unit_outside_the_lead_unit_is_refused(crew, squadrons, squad_b):
    first, _second = squadrons
    refused(
        lambda: plan(crew, squadrons, units=[first, squad_b]),
        "units taking part are units of the lead unit",
        field="units",
    )


def test_the_lead_unit_always_takes_part(crew, squadrons, district_a):
    first, second = squadrons
    campaign = plan(crew, squadrons, units=[first, second, district_a])
    assert set(campaign.units.values_list("pk", flat=True)) == {district_a.pk, first.pk, second.pk}


def test_a_lead_unit_outside_the_planners_own_is_refused(crew, squadrons, district_b):
    refused(
        lambda: plan(crew, squadrons, lead_unit=district_b, units=[], goals=[]),
        "lead unit within your own",
        field="lead_unit",
    )


def test_partners_come_from_the_list(crew, squadrons):
    refused(
        lambda: plan(crew, squadrons, partners=["public_security", "the_mayor"]),
        "partner departments from the list",
        field="partners",
    )
    campaign = plan(crew, squadrons, partners=["housing", "housing", "fire"])
    assert campaign.partners == ["housing", "fire"]
    assert campaign.partner_labels == ["Housing and construction", "Fire and rescue"]


def test_target_grids_are_the_lead_units_own(crew, squadrons, squad_b):
    first, _second = squadrons
    ours = GridFactory(unit=first)
    theirs = GridFactory(unit=squad_b)
    refused(lambda: plan(crew, squadrons, grids=[ours, theirs]), "lead unit's grids", field="grids")
    campaign = plan(crew, squadrons, grids=[ours])
    assert list(campaign.grids.all()) == [ours]


# --- goals ----------------------------------------------------------------------------------------------
def test_a_goal_for_a_measure_the_kind_does_not_use_is_refused_with_words(crew, squadrons):
    assert not measures.get("demolished_area").uses("street_vending")
    text = refused(
        lambda: plan(crew, squadrons, goals=[("demolished_area", None, "100")]),
        "Illegal structures demolished is not counted in a campaign against street vending",
        field="goals",
    )
    assert "demolished_area" not in text


def test_a_goal_for_an_unknown_measure_is_refused(crew, squadrons):
    refused(lambda: plan(crew, squadrons, goals=[("smiles", None, "1")]), "not one of the listed measures")


def test_a_goal_for_a_unit_not_taking_part_is_refused(crew, squadrons):
    first, _second = squadrons
    third = OrgUnitFactory(code="squad-a3", name="甲区三中队", level=UnitLevel.SQUADRON, parent=first.parent)
    refused(
        lambda: plan(crew, squadrons, units=[first], goals=[("persuasion", third, "10")]),
        "unit that takes part",
    )


@pytest.mark.parametrize("target", ["0", "-5", "", "many"])
def test_a_target_of_0_or_not_a_number_is_refused(crew, squadrons, target):
    refused(
        lambda: plan(crew, squadrons, goals=[("persuasion", None, target)]),
        "Persuasion and education: the target is a number above 0.",
    )


def test_a_count_target_is_whole(crew, squadrons):
    refused(
        lambda: plan(crew, squadrons, goals=[("seized_vehicles", None, "2.5")]),
        "Vehicles seized is counted in whole vehicles.",
    )


def test_an_area_target_has_two_decimals(crew, squadrons):
    construction = {"kind": "illegal_construction", "name": "两违整治"}
    campaign = plan(crew, squadrons, goals=[("demolished_area", None, "2.55")], **construction)
    assert campaign.goals.get().target == Decimal("2.55")
    refused(
        lambda: plan(crew, squadrons, goals=[("demolished_area", None, "2.555")], **construction),
        "at most two decimals",
    )


def test_a_duplicate_goal_is_refused(crew, squadrons):
    first, _second = squadrons
    refused(
        lambda: plan(crew, squadrons, goals=[("persuasion", first, "10"), ("persuasion", first, "20")]),
        "Persuasion and education has two goals for the same unit.",
    )
    refused(
        lambda: plan(crew, squadrons, goals=[("persuasion", None, "10"), ("persuasion", None, "20")]),
        "two goals for the same unit",
    )
    # One in total and one for a unit of the same measure are two different goals.
    campaign = plan(crew, squadrons, goals=[("persuasion", None, "10"), ("persuasion", first, "5")])
    assert campaign.goals.count() == 2


def test_goal_problems_lists_each_bad_goal():
    problems = rules.goal_problems(
        "street_vending",
        {1, 2},
        [("persuasion", 3, "1"), ("seized_vehicles", None, "0"), ("persuasion", 1, "4")],
    )
    assert len(problems) == 2


# --- who plans, and the number --------------------------------------------------------------------------
def test_only_planners_plan(crew, squadrons):
    before = counts()
    with pytest.raises(PermissionDenied) as info:
        plan({**crew, "leader": crew["officer1"]}, squadrons)
    assert "squad leaders and bureau heads" in str(info.value)
    assert counts() == before
    assert plan({**crew, "leader": crew["head"]}, squadrons).created_by == crew["head"]


def test_numbers_run_per_year_without_gaps(crew, squadrons):
    year = today().year
    first = plan(crew, squadrons)
    with pytest.raises(ValidationError):
        plan(crew, squadrons, goals=[("persuasion", None, "0")])  # refused: gives no number away
    second = plan(crew, squadrons)
    assert (first.number, second.number) == (f"ZX{year}0001", f"ZX{year}0002")
    next_year = plan(
        crew,
        squadrons,
        starts_on=today().replace(year=year + 1, month=1, day=1),
        ends_on=today().replace(year=year + 1, month=1, day=31),
    )
    assert next_year.number == f"ZX{year + 1}0001"


def test_planning_writes_one_event_with_the_units_and_goals(crew, squadrons):
    campaign = plan(crew, squadrons)
    event = AuditEvent.objects.get(object_id=str(campaign.pk), verb="plan_campaign")
    assert event.actor == crew["leader"]
    first, second = squadrons
    assert set(event.after["units"]) == {first.pk, second.pk, first.parent_id}
    assert ["correction_notices", first.pk, "60.00"] in event.after["goals"]
