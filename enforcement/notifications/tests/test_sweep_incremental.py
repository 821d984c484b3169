"""Between full sweeps a sweep reads only what became due or changed since the last one (sweep.py). It
must make exactly what a full sweep at the same moment makes; what it cannot see (a change written
around the ORM) the next full sweep makes."""

from datetime import timedelta

import pytest

from enforcement.notifications import registry
from enforcement.notifications.models import Reminder, ReminderSetting, SweepMark
from enforcement.notifications.sweep import send_due_reminders
from enforcement.workdays.models import CalendarDay, DayKind
from tests.testapp.models import Inspection

from .conftest import end_of, local, reminders_of

pytestmark = pytest.mark.django_db


def all_kinds():
    """Every registered kind: a sweep reads each (the domain apps' too, whose tables are empty here)."""
    return [kind.slug for kind in registry.all_kinds()]


@pytest.fixture(autouse=True)
def rare_full_sweeps(settings):
    settings.REMINDER_FULL_SWEEP_SECONDS = 30 * 24 * 3600
    settings.REMINDER_CHANGE_MARGIN_SECONDS = 600


def saved_at(record, moment, **changes):
    """Saves `changes` as the app would at `moment` (its every save sets updated_at)."""
    for name, value in changes.items():
        setattr(record, name, value)
    record.save()
    Inspection.objects.filter(pk=record.pk).update(updated_at=moment)


def keys():
    return set(Reminder.objects.values_list("kind", "level", "object_id", "due_at"))


def test_sweeps_between_full_ones_make_what_full_sweeps_make_moment_by_moment(make_inspection):
    """Three-hourly sweeps from 28 September to 12 October 2026 (National Day and its make-up Saturdays),
    with records changing on the way, once reading incrementally and once in full: the same reminders
    exist after every sweep."""
    start = local(2026, 9, 28, 0, 30)
    population = []
    for i in range(24):
        opened = start - timedelta(days=i % 9, hours=i)
        population.append(
            make_inspection(
                end_of(2026, 9, 29)
                + timedelta(days=i % 13, hours=3 * i),  # short and (i ≥ 21) long deadlines
                opened_at=opened if i < 20 else opened - timedelta(days=30),
            )
        )
    for i in range(6):
        population.append(
            make_inspection(
                None,
                status="open",
                handler=None,
                opened_at=start - timedelta(hours=i),
                book_due_at=end_of(2026, 9, 29) + timedelta(days=2 * i),
            )
        )
    Inspection.objects.update(updated_at=start - timedelta(days=1))
    moments = [start + timedelta(hours=3 * n) for n in range(14 * 8)]
    changes = {
        # An extension moves a deadline into the warning period between two sweeps.
        10: lambda t: saved_at(population[3], t, visit_due_at=t + timedelta(hours=20)),
        # A visit in time, and its review due soon after.
        17: lambda t: saved_at(
            population[5], t, status="visited", visited_at=t, review_due_at=t + timedelta(days=1)
        ),
        # Booked: the visit deadline becomes live, already overdue.
        25: lambda t: saved_at(population[24], t, status="booked", visit_due_at=t - timedelta(hours=1)),
        # Reopened long after its deadline: overdue and escalated at once.
        40: lambda t: saved_at(population[7], t, status="in_progress", visit_due_at=t - timedelta(days=9)),
    }
    originals = {c.pk: (c.status, c.visit_due_at, c.visited_at, c.review_due_at) for c in population}

    def run(full):
        seen, read_in_full = [], 0
        for n, moment in enumerate(moments):
            if n in changes:
                changes[n](moment)
            result = send_due_reminders(moment, full=full)
            read_in_full += bool(result.full)
            seen.append(keys())
        return seen, read_in_full

    incremental, full_reads = run(full=False)
    assert full_reads == 1  # the first sweep; every other one read what became due or changed
    assert len(incremental[-1]) > 40
    # Start again from the same records, every sweep in full.
    Reminder.objects.all().delete()
    SweepMark.objects.all().delete()
    for record in population:
        record.refresh_from_db()
        record.status, record.visit_due_at, record.visited_at, record.review_due_at = originals[record.pk]
        record.save()
    Inspection.objects.update(updated_at=start - timedelta(days=1))
    full, _reads = run(full=True)
    for moment, made_incrementally, made_in_full in zip(moments, incremental, full, strict=True):
        assert made_incrementally == made_in_full, moment


def test_a_deadline_moved_into_the_warning_period_is_warned_by_the_next_sweep(make_inspection):
    inspection = make_inspection(end_of(2026, 12, 18), opened_at=local(2026, 11, 20, 9))
    Inspection.objects.update(updated_at=local(2026, 11, 20, 9))
    send_due_reminders(local(2026, 11, 24, 9))
    assert not reminders_of(inspection).exists()
    saved_at(inspection, local(2026, 11, 24, 9, 2), visit_due_at=end_of(2026, 11, 25))
    result = send_due_reminders(local(2026, 11, 24, 9, 5))
    assert result.full == []
    assert list(reminders_of(inspection).values_list("level", "due_at")) == [
        ("warning", end_of(2026, 11, 25))
    ]


def test_a_change_written_around_the_orm_waits_for_the_next_full_sweep(make_inspection, settings):
    inspection = make_inspection(end_of(2026, 12, 18), opened_at=local(2026, 11, 20, 9))
    Inspection.objects.update(updated_at=local(2026, 11, 20, 9))
    send_due_reminders(local(2026, 11, 24, 9))
    # A bulk UPDATE that leaves updated_at alone: the sweeps in between do not see it …
    Inspection.objects.filter(pk=inspection.pk).update(visit_due_at=end_of(2026, 11, 25))
    assert send_due_reminders(local(2026, 11, 24, 9, 5)).reminders == 0
    # … the full one does, at most REMINDER_FULL_SWEEP_SECONDS after the last.
    settings.REMINDER_FULL_SWEEP_SECONDS = 3600
    assert send_due_reminders(local(2026, 11, 24, 9, 55)).full == []
    result = send_due_reminders(local(2026, 11, 24, 10, 0))
    assert result.full == all_kinds()
    assert result.reminders == 1


def test_a_sweep_reads_in_full_after_the_settings_or_the_calendar_changed_or_the_clock_went_back():
    assert send_due_reminders(local(2026, 11, 24, 9)).full == all_kinds()  # the first
    assert send_due_reminders(local(2026, 11, 24, 9, 5)).full == []
    ReminderSetting.objects.create(
        kind="inspection_visit",
        warning_lead_days=2,
        long_deadline_days=30,
        long_warning_lead_days=5,
        escalation_delay_days=2,
    )
    assert send_due_reminders(local(2026, 11, 24, 9, 10)).full == ["inspection_visit"]
    assert send_due_reminders(local(2026, 11, 24, 9, 15)).full == []
    CalendarDay.objects.update_or_create(date=local(2026, 11, 27).date(), defaults={"kind": DayKind.HOLIDAY})
    assert send_due_reminders(local(2026, 11, 24, 9, 20)).full == all_kinds()
    assert send_due_reminders(local(2026, 11, 24, 8)).full == all_kinds()
    # Marks only move forward: the later sweep's moment stays.
    assert set(SweepMark.objects.values_list("swept_at", flat=True)) == {local(2026, 11, 24, 9, 20)}


def test_a_failed_sweep_moves_no_mark(make_inspection, monkeypatch):
    make_inspection(end_of(2026, 11, 25), opened_at=local(2026, 11, 20, 9))
    send_due_reminders(local(2026, 11, 20, 9))
    visit_mark = SweepMark.objects.get(kind="inspection_visit").swept_at

    def broken(*args, **kwargs):
        raise RuntimeError("database went away")

    monkeypatch.setattr("enforcement.notifications.sweep._sweep_batch", broken)
    with pytest.raises(RuntimeError):
        send_due_reminders(local(2026, 11, 24, 9))
    # The visit kind had a batch to make and did not: its mark stays, so the next sweep reads from there.
    assert SweepMark.objects.get(kind="inspection_visit").swept_at == visit_mark
    monkeypatch.undo()
    assert send_due_reminders(local(2026, 11, 24, 9, 5)).reminders == 1


def test_the_cached_statement_selects_what_the_queryset_selects_and_is_compiled_once_per_shape(
    make_inspection, monkeypatch
):
    """The sweep fills each kind's compiled statement with its own moments (`candidate_ids`): at every
    three-hourly moment across National Day, full and between sweeps, it returns the ids the queryset built
    afresh returns, and nothing is compiled again for a shape already seen."""
    from django.contrib.contenttypes.models import ContentType

    from enforcement.notifications import sweep
    from enforcement.workdays.calendar import get_calendar

    start = local(2026, 9, 28, 0, 30)
    for i in range(18):
        make_inspection(
            end_of(2026, 9, 29) + timedelta(days=i % 11, hours=5 * i),
            opened_at=start - timedelta(days=40 if i % 3 == 0 else 2),
        )
    Inspection.objects.update(updated_at=start + timedelta(days=3))
    monkeypatch.setattr(sweep, "_statements", {})
    compiled = []
    real_compile = sweep._compile
    monkeypatch.setattr(sweep, "_compile", lambda *a: compiled.append(a[3]) or real_compile(*a))
    confs = sweep.effective_settings()
    calendar = get_calendar()
    kinds = [kind for kind in registry.all_kinds() if kind.model_class is Inspection]
    assert kinds
    found = 0
    for n in range(1, 8 * 14):
        now, before = start + timedelta(hours=3 * n), start + timedelta(hours=3 * n - 3)
        for kind in kinds:
            conf = confs[kind.slug]
            content_type = ContentType.objects.get_for_model(Inspection)
            after = sweep.level_conditions(kind, conf, now, calendar)
            since = sweep.level_conditions(kind, conf, before, calendar)
            for previous in (None, since):
                expected = sorted(sweep.candidates(kind, after, content_type, previous))
                got = sorted(sweep.candidate_ids(kind, conf, after, content_type, previous))
                assert got == expected, (kind.slug, now, previous is None)
                found += len(got)
    assert found > 50  # the moments crossed warnings, overdue notices and escalations
    assert all(statement is not False for statement in sweep._statements.values())
    # One compilation per (kind, shape), however many sweeps.
    assert len(compiled) == len(sweep._statements) < len(kinds) * 8
