"""The audit timeline fragment shown on every record page."""

import pytest
from django.template import Context, Template
from django.utils import translation

from enforcement.audit.context import audit_source
from enforcement.audit.services import record_create, record_event, record_transition, record_update, snapshot
from enforcement.org.tests.factories import OrgUnitFactory
from enforcement.workdays.models import CalendarYear
from tests.testapp.models import Dossier, DossierFile

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


# --- child records, files, hidden keys ------------------------------------------------------------------
JPEG_SHA = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"


@pytest.fixture
def dossier():
    return Dossier.objects.create(title="占道经营 东门")


def _file(dossier, user, name="现场.jpg"):
    return DossierFile.objects.create(
        dossier=dossier,
        file=f"testapp/2026/12/{JPEG_SHA}.jpg",
        kind="photo",
        original_name=name,
        content_type="image/jpeg",
        size=120_000,
        sha256=JPEG_SHA,
        uploaded_by=user,
    )


def test_a_child_records_event_says_what_the_child_is_and_reads_without_hashes_or_ids(
    dossier, city, make_user, django_assert_max_num_queries
):
    officer = make_user("officer", unit=city, full_name="队员丙")
    record_create(dossier, actor=officer)
    attachment = _file(dossier, officer)
    record_create(attachment, actor=officer, root=dossier)
    with django_assert_max_num_queries(1):  # the events; no value refers to another record
        html = render(dossier)

    assert html.count('class="audit-event') == 2
    assert "Evidence file: 现场.jpg (Photo, 117.2\xa0KB)" in html
    # Nothing a person has no use for: hash, stored path, ids, the file's link to this very record.
    for internal in (JPEG_SHA, "testapp/2026", "image/jpeg", "Dossier</dt>", "ID</dt>", "Version", "version"):
        assert internal not in html
    assert f">{attachment.pk}<" not in html and f">{dossier.pk}<" not in html
    # The record's own create event: only the values it was given (no defaults, no hidden counter).
    assert "Title" in html and "占道经营 东门" in html
    assert "Stage" not in html and "Reminders sent" not in html


@pytest.mark.parametrize(
    "keys",
    [
        {"file_name": "现场.jpg", "file_kind": "photo", "file_size": 120_000},  # as store_attachment writes
        {"name": "现场.jpg", "kind": "photo", "size": 120_000},  # as it wrote before (history is kept)
    ],
    ids=["written-now", "written-before"],
)
def test_an_event_naming_a_file_by_id_shows_the_file(
    dossier, city, make_user, django_assert_max_num_queries, keys
):
    """As files.services.store_attachment writes it on the parent: the file's id, its details beside it.
    The file model is found from the parent (files.models.attachment_model_for): no declaration needed."""
    officer = make_user("officer", unit=city)
    attachment = _file(dossier, officer)
    record_event(
        dossier,
        "update",
        actor=officer,
        verb="add_attachment",
        after={"attachment": attachment.pk, "sha256": JPEG_SHA, **keys},
    )
    with django_assert_max_num_queries(2):  # the events, and the files they name
        html = render(dossier)
    assert "<dt>Evidence file</dt>" in html and "现场.jpg (Photo, 117.2\xa0KB)" in html
    assert JPEG_SHA not in html and "120000" not in html
    for said_by_the_file in ("File name", "File type", "File size", "<dt>Kind</dt>", "<dt>Size</dt>"):
        assert said_by_the_file not in html
    # Nothing was recorded before the file existed: no "— →" in front of it.
    assert "audit-before" not in html


def test_a_file_event_on_a_record_without_a_file_model_reads_its_own_details(city, make_user):
    """A record with no file model of its own (here an org unit) still reads the event's copies of the
    file's details in words: its name, its type by label, its size in KB."""
    officer = make_user("officer", unit=city)
    record_event(
        city,
        "update",
        actor=officer,
        verb="add_attachment",
        after={"attachment": 7, "file_name": "现场.jpg", "file_kind": "photo", "file_size": 120_000},
    )
    html = render(city)
    assert "<dt>File name</dt>" in html and "现场.jpg" in html
    assert "<dt>File type</dt>" in html and "Photo" in html and ">photo<" not in html
    assert "<dt>File size</dt>" in html and "117.2\xa0KB" in html and "120000" not in html


def test_an_internal_counter_and_the_version_are_left_out_and_a_changed_value_reads_before_and_after(
    dossier, city, make_user
):
    officer = make_user("officer", unit=city)
    before = snapshot(dossier)
    dossier.stage, dossier.reminders_sent = "closed", 3
    dossier.save_versioned()
    record_update(dossier, before, actor=officer)
    html = render(dossier)
    assert '<del class="audit-before">Open</del>' in html and '<ins class="audit-after">Closed</ins>' in html
    assert "Reminders sent" not in html and ">3<" not in html and "Version" not in html


def test_a_referenced_record_that_is_gone_is_not_shown_by_its_id(dossier, city, make_user):
    record_event(dossier, "update", actor=None, after={"attachment": 987654})
    html = render(dossier)
    assert "987654" not in html and "a deleted record" in html


def test_many_referenced_records_cost_one_query_per_model(
    dossier, city, make_user, django_assert_max_num_queries
):
    officer = make_user("officer", unit=city)
    for n in range(5):
        named = _file(dossier, officer, f"{n}.jpg")
        record_event(dossier, "update", actor=officer, after={"attachment": named.pk})
        record_create(_file(dossier, officer, f"child-{n}.jpg"), actor=officer, root=dossier)
    # The events (with actors and models), the files the updates name, and the units of the five units'
    # events below.
    units = [OrgUnitFactory(parent=city) for _ in range(5)]
    for unit in units:
        record_event(
            unit, "update", actor=officer, before={"parent": None}, after={"parent": city.pk}, root=dossier
        )
    with django_assert_max_num_queries(3):
        html = render(dossier)
    assert html.count('class="audit-event') == 15
    assert all(f"{n}.jpg (Photo, 117.2\xa0KB)" in html for n in range(5))
    # A child without a declared summary is named by what it is; its values follow.
    assert html.count('audit-subject">Org unit<') == 5 and html.count(">City Bureau</ins>") == 5


def test_keys_that_are_not_fields_use_the_registered_labels(city):
    year = CalendarYear.objects.create(year=2031, source="manual")
    counts = {"created": 2, "updated": 1, "deleted": 0, "replace": False}
    record_event(year, "update", actor=None, after=counts)
    html = render(year)
    assert "Days added" in html and "Days changed" in html and "Days removed" in html
    assert "Replaced the year&#x27;s days" in html and ">No<" in html
    assert "<dt>Created</dt>" not in html


def test_the_timeline_reads_in_chinese(city, make_user):
    """Labels and values in the reader's language: no English key or field name is left on the page.
    (The Chinese of the new labels comes with the .po entries of var/i18n/audit.tsv.)"""
    admin = make_user("admin", unit=city, full_name="管理员甲")
    unit = OrgUnitFactory(parent=city, name="一中队", level="squadron")
    before = snapshot(unit)
    unit.name, unit.is_active = "二中队", False
    unit.save()
    record_update(unit, before, actor=admin)
    user = make_user("officer", unit=city)
    record_event(user, "update", actor=admin, before={"roles": ["officer"]}, after={"roles": ["intake"]})
    year = CalendarYear.objects.create(year=2031, source="manual")
    record_event(year, "update", actor=None, after={"created": 2, "replace": True})
    with translation.override("zh-hans"):
        html = "".join(TIMELINE.render(Context({"obj": obj})) for obj in (unit, user, year))
    for english in (
        "name",
        "is_active",
        "Name",
        "Active",
        "roles",
        "Roles",
        "Edited",
        "System",
        "officer",
        "created",
        "Created",
        "replace",
        "Replace",
        "True",
        "Yes",
    ):
        assert f">{english}<" not in html
    assert "名称" in html and "启用" in html and "角色" in html and "编辑" in html
