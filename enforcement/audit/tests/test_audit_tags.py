"""The audit timeline fragment shown on every record page."""

import pytest
from django.template import Context, Template
from django.utils import translation

from enforcement.audit.context import audit_source
from enforcement.audit.services import record_create, record_event, record_transition, record_update, snapshot
from enforcement.org.tests.factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

TIMELINE = Template("{% load audit_tags %}{% audit_timeline obj %}")


def render(obj):
    with translation.override("en"):
        return TIMELINE.render(Context({"obj": obj}))


def test_timeline_shows_who_when_source_and_changes_newest_first(
    city, district_a, district_b, make_user, django_assert_num_queries
):
    admin = make_user("admin", unit=city, full_name="管理员甲")
    unit = OrgUnitFactory(parent=district_a, code="s-1", name="一中队", level="squadron")
    record_create(unit, actor=admin)
    before = snapshot(unit)
    unit.name, unit.level, unit.parent, unit.is_active = "二中队", "brigade", district_b, False
    unit.save()
    with audit_source("api"):
        record_update(unit, before, actor=admin)
    with audit_source("task"):
        record_event(
            unit,
            "update",
            actor=None,
            before={"name": "二中队"},
            after={"name": "三中队"},
            note="nightly sync",
        )

    with django_assert_num_queries(2):  # the events with their actors, and the two units named by `parent`
        html = render(unit)

    assert html.index("nightly sync") < html.index("管理员甲")  # newest first
    assert html.count('class="audit-event') == 3
    assert "<dt>ID</dt>" not in html  # the primary key is not news
    assert "Background task" in html and "API" in html
    assert "管理员甲" in html and "System" in html
    # Field names, choice labels and foreign keys read as people say them, not as stored.
    assert "Name" in html and '<del class="audit-before">一中队</del>' in html
    assert "Level" in html and "Squadron" in html and "Brigade" in html
    assert "Parent unit" in html and "District A" in html and "District B" in html
    assert "Active" in html and ">Yes</del>" in html and ">No</ins>" in html


def test_transition_step_and_status(city, make_user):
    actor = make_user("officer", unit=city, full_name="队员乙")
    unit = OrgUnitFactory(parent=city)
    record_transition(unit, "dispatch", "accepted", "dispatched", actor=actor, note="to squadron 1")
    html = render(unit)
    assert "Status change · Dispatch" in html
    assert "accepted" in html and "dispatched" in html
    assert "to squadron 1" in html


def test_user_roles_are_labelled(city, make_user):
    user = make_user("officer", unit=city)
    record_event(
        user, "update", actor=None, before={"roles": ["officer"]}, after={"roles": ["intake", "officer"]}
    )
    html = render(user)
    assert "Roles" in html and "Intake desk, Officer" in html


def test_empty_timeline(city):
    assert "No recorded changes." in render(city)
