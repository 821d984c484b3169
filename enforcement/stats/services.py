"""Submitting (locking) a month, unlocking it, its corrections since, and annual targets.

Refusals: `PermissionDenied` (403) when the user is not statistics staff of the unit or above;
`SubmissionRefused` (409) for a month that cannot be submitted (not over yet) or has nothing to unlock.
Every lock, replacement and unlock is an audit event on the unit's month.
"""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event
from enforcement.org.choices import Role
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import measures, read
from .measures import Period
from .models import AnnualTarget, TallySubmission
from .signals import forget_locked_months


class SubmissionRefused(TransitionNotAllowed):
    """A 409 in words: the month's state does not allow the step."""


def is_statistician_of(user, unit):
    """Statistics staff of `unit` or a unit above it (PRODUCT §9); administrators are not, by design:
    a month's figures are submitted by those who answer for them."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if not user.has_role(Role.STATISTICIAN):
        return False
    return user.sees_all_units or unit.pk in user.scope_unit_ids


def can_set_targets(user, unit):
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_admin and (user.sees_all_units or unit.pk in user.scope_unit_ids)


def current_submission(unit, period):
    return TallySubmission.objects.filter(unit=unit, month=period.first_day, ended_at__isnull=True).first()


def _figures(unit, period):
    """The unit's totals as text with two decimals, the same from either database ("3.00")."""
    cent = Decimal("0.01")
    return {
        slug: f"{Decimal(value).quantize(cent):f}"
        for slug, value in sorted(read.totals(unit, period).items())
    }


def submit(unit, period, *, by, note=""):
    """Locks `period` for `unit` with its figures as they are now (recomputed first, so they are the
    records' and not last night's). A month already submitted is submitted again: the earlier submission
    is kept as history."""
    from .compute import recompute

    if not is_statistician_of(by, unit):
        raise PermissionDenied(
            _("Only statistics staff of this unit or a unit above it can submit its month.")
        )
    if period.first_day > timezone.localdate():
        raise SubmissionRefused(_("A month that has not begun cannot be submitted."))
    recompute(period)
    now = timezone.now()
    try:
        with transaction.atomic():
            previous = (
                TallySubmission.objects.select_for_update()
                .filter(unit=unit, month=period.first_day, ended_at__isnull=True)
                .first()
            )
            if previous is not None:
                previous.ended_at, previous.ended_by = now, by
                previous.save(update_fields=["ended_at", "ended_by"])
            submission = TallySubmission.objects.create(
                unit=unit,
                month=period.first_day,
                figures=_figures(unit, period),
                submitted_by=by,
                submitted_at=now,
                note=note,
            )
            record_event(
                submission,
                AuditAction.TRANSITION,
                actor=by,
                verb="resubmit_month" if previous else "submit_month",
                after={"month": str(period), "unit": unit.pk, "note": note},
            )
            transaction.on_commit(forget_locked_months)
    except IntegrityError:  # another statistician submitted the same month at the same moment
        raise SubmissionRefused(
            _("Someone else submitted this month just now; open it again to see theirs.")
        ) from None
    return submission


def unlock(submission, *, by, reason):
    """Ends the current submission without a new one: the month's figures follow the records again."""
    if not is_statistician_of(by, submission.unit):
        raise PermissionDenied(
            _("Only statistics staff of this unit or a unit above it can unlock its month.")
        )
    reason = (reason or "").strip()
    if not reason:
        raise SubmissionRefused(_("Say why the month is unlocked: the reason stays with its history."))
    with transaction.atomic():
        locked = TallySubmission.objects.select_for_update().get(pk=submission.pk)
        if locked.ended_at is not None:
            raise SubmissionRefused(_("This submission was already replaced or unlocked."))
        locked.ended_at, locked.ended_by, locked.unlock_reason = timezone.now(), by, reason
        locked.save(update_fields=["ended_at", "ended_by", "unlock_reason"])
        record_event(
            locked,
            AuditAction.TRANSITION,
            actor=by,
            verb="unlock_month",
            after={"month": f"{locked.month:%Y-%m}", "unit": locked.unit_id},
            note=reason,
        )
        transaction.on_commit(forget_locked_months)
    return locked


@dataclass
class Correction:
    column: object
    locked: Decimal
    current: Decimal

    @property
    def difference(self):
        return self.current - self.locked


def corrections(submission):
    """What changed since `submission`: each measure whose stored figure now differs from the one
    submitted, and the records of the month changed since then (as the sources name them)."""
    period = Period(submission.month)
    now = read.totals(submission.unit, period)
    locked = {slug: Decimal(value) for slug, value in submission.figures.items()}
    rows = []
    for column in measures.ordered(measures.all_measures()):
        before, after = locked.get(column.slug, Decimal(0)), now.get(column.slug, Decimal(0))
        if before != after:
            rows.append(Correction(column, before, after))
    return rows


def changed_records(submission, limit=50):
    """The records of the submission's month and unit changed since it was submitted, from each source
    that can say (`Source.changed`), at most `limit` of each."""
    from enforcement.org.models import OrgUnit

    period = Period(submission.month)
    unit_ids = list(OrgUnit.objects.subtree(submission.unit).values_list("id", flat=True))
    found = []
    for source in measures.sources():
        if source.changed is not None:
            found.extend(list(source.changed(period, unit_ids, submission.submitted_at)[:limit]))
    return found


def locked_months(since=None):
    """The first days of the months with a current submission (the nightly recompute keeps their
    corrections up to date)."""
    queryset = TallySubmission.objects.filter(ended_at__isnull=True)
    if since is not None:
        queryset = queryset.filter(month__gte=since)
    return sorted(set(queryset.values_list("month", flat=True)))


def set_target(unit, year, measure, target, *, by, note=""):
    """Sets (or replaces) `unit`'s target for `measure` in `year`; a target of 0 or none removes it."""
    if not can_set_targets(by, unit):
        raise PermissionDenied(_("Only an administrator of this unit or a unit above it sets its targets."))
    measures.get(measure)  # KeyError for a measure that does not exist: the caller's validation says so
    with transaction.atomic():
        existing = (
            AnnualTarget.objects.select_for_update().filter(unit=unit, year=year, measure=measure).first()
        )
        before = {"target": str(existing.target)} if existing else None
        if not target:
            if existing:
                existing.delete()
                record_event(existing, AuditAction.DELETE, actor=by, before=before)
            return None
        if existing is None:
            existing = AnnualTarget(unit=unit, year=year, measure=measure)
        existing.target, existing.note, existing.set_by = target, note, by
        existing.save()
        record_event(
            existing,
            AuditAction.UPDATE if before else AuditAction.CREATE,
            actor=by,
            before=before,
            after={"target": str(existing.target), "measure": measure, "year": year, "unit": unit.pk},
        )
    return existing


def achievements(unit, year, through=None):
    """Each of `unit`'s targets for `year` beside what its subtree has done, January to `through` (a
    Period; the year's end by default): [(target, actual, % achieved)]."""
    through = through or Period.of(year, 12)
    targets = list(AnnualTarget.objects.filter(unit=unit, year=year))
    if not targets:
        return []
    done = read.totals(unit, Period.of(year, 1), through, [t.measure for t in targets])
    result = []
    for target in targets:
        actual = done.get(target.measure, Decimal(0))
        percent = (actual * 100 / target.target).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)
        result.append((target, actual, percent))
    return result
