"""Seizure and sealing (查封、扣押, 行政强制法 Art. 22-28): decided with its list of items, held at a named
place for at most `seizure_max_days` (30), extended once by at most `seizure_extension_days` (30) with the
bureau head's approval (Art. 25), then returned or confiscated. Items are counted by kind for the
statistics (vehicles, goods, equipment)."""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from enforcement.approvals.services import decide_approval, pending_for, request_approval
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event
from enforcement.catalog.params import get_int
from enforcement.org.models import in_scope
from enforcement.workdays import calendar
from enforcement.workflow.exceptions import TransitionNotAllowed

from .approvals import SEIZURE_EXTENSION
from .choices import HANDLERS, ItemKind, SeizureKind, SeizureStatus
from .models import SeizedItem, Seizure

HELD = SeizureStatus.HELD
ENDINGS = {SeizureStatus.RETURNED, SeizureStatus.CONFISCATED}


def _check(user, record, roles=HANDLERS):
    if not in_scope(user, record):
        raise Http404(_("Not found."))
    if not (user.roles & roles):
        raise PermissionDenied(_("Your role does not allow this step on a seizure."))


def _end_of(day):
    return calendar.end_of_day(day)


def seize(case, *, by, kind, custody_place, seized_on, items, note=""):
    """Records a seizure or sealing with its items. `items`: [{kind, description, quantity}]."""
    _check(by, case)
    errors = {}
    if kind not in SeizureKind.values:
        errors["kind"] = _("Choose seizure or sealing.")
    custody_place = (custody_place or "").strip()
    if not custody_place:
        errors["custody_place"] = _("Say where the items are kept.")
    if seized_on is None or seized_on > timezone.localdate():
        errors["seized_on"] = _("Give the day of the seizure (not in the future).")
    rows = []
    for number, item in enumerate(items or [], start=1):
        description = (item.get("description") or "").strip()
        quantity = item.get("quantity") or 0
        if item.get("kind") not in ItemKind.values or not description or int(quantity) < 1:
            errors["items"] = _(
                "Item %(number)s: give its kind (vehicle, goods or equipment), what it is and how many."
            ) % {"number": number}
            break
        rows.append((item["kind"], description, int(quantity)))
    if not rows and "items" not in errors:
        errors["items"] = _("List the items seized or sealed.")
    if errors:
        raise ValidationError(errors)
    limit_on = seized_on + timedelta(days=get_int("seizure_max_days"))
    with transaction.atomic():
        Case.objects.select_for_update().filter(pk=case.pk).first()
        seizure = Seizure.objects.create(
            case=case,
            unit_id=case.unit_id,
            kind=kind,
            custody_place=custody_place,
            seized_on=seized_on,
            limit_on=limit_on,
            limit_at=_end_of(limit_on),
            created_by=by,
            end_note=note,
        )
        SeizedItem.objects.bulk_create(
            [SeizedItem(seizure=seizure, kind=k, description=d, quantity=q) for k, d, q in rows]
        )
        record_event(seizure, AuditAction.CREATE, actor=by, verb="seize", after=_audit(seizure), root=case)
    return seizure


def _lock(seizure):
    return Seizure.objects.select_for_update().select_related("case").get(pk=seizure.pk)


def request_extension(seizure, *, by, days, reason):
    """Art. 25: one extension, of at most 30 days, asked before the period ends."""
    _check(by, seizure)
    longest = get_int("seizure_extension_days")
    with transaction.atomic():
        locked = _lock(seizure)
        if locked.status != HELD:
            raise TransitionNotAllowed(_("Only a seizure still held can be extended."))
        if locked.extended_days:
            raise TransitionNotAllowed(
                _("A seizure is extended once only (Administrative Coercion Law, Art. 25).")
            )
        if not days or int(days) < 1 or int(days) > longest:
            raise ValidationError(
                {
                    "days": _("An extension is of 1 to %(days)s days (Administrative Coercion Law, Art. 25).")
                    % {"days": longest}
                }
            )
        if timezone.now() > locked.limit_at:
            raise TransitionNotAllowed(
                _("The seizure's period has ended: it is extended only before it ends (Art. 25).")
            )
        request_approval(SEIZURE_EXTENSION, locked, by=by, reason=reason, days=int(days))
        record_event(
            locked,
            AuditAction.UPDATE,
            actor=by,
            verb="request_approval",
            after={"days": int(days)},
            note=reason,
            root=locked.case,
        )
    return locked


def decide_extension(seizure, *, by, decision, opinion=""):
    if not in_scope(by, seizure):
        raise Http404(_("Not found."))
    with transaction.atomic():
        locked = _lock(seizure)
        approval = decide_approval(
            pending_for(locked, SEIZURE_EXTENSION) or SEIZURE_EXTENSION,
            locked,
            by=by,
            decision=decision,
            opinion=opinion,
        )
        if approval.decision == "approved":
            locked.extended_days = approval.days
            locked.limit_on = locked.limit_on + timedelta(days=approval.days)
            locked.limit_at = _end_of(locked.limit_on)
            locked.save_versioned()
        record_event(
            locked,
            AuditAction.UPDATE,
            actor=by,
            verb="decide_approval",
            after={"decision": approval.decision, "limit_on": locked.limit_on.isoformat()},
            note=opinion,
            root=locked.case,
        )
    return locked


def end_seizure(seizure, *, by, outcome, note=""):
    """Returned (解除并退还, Art. 27-28) or confiscated (by the penalty decision)."""
    _check(by, seizure)
    if outcome not in ENDINGS:
        raise ValidationError({"outcome": _("Choose returned or confiscated.")})
    with transaction.atomic():
        locked = _lock(seizure)
        if locked.status != HELD:
            raise TransitionNotAllowed(_("This seizure has already ended."))
        if outcome == SeizureStatus.CONFISCATED and locked.case.decided_at is None:
            raise TransitionNotAllowed(
                _("Items are confiscated only by a penalty decision: decide the case first.")
            )
        locked.status, locked.ended_at = outcome, timezone.now()
        locked.end_note = "\n".join(part for part in (locked.end_note, note) if part)
        locked.save_versioned()
        record_event(
            locked, AuditAction.UPDATE, actor=by, verb="end_seizure", after=_audit(locked), root=locked.case
        )
    return locked


def seized_counts(queryset):
    """{item kind: quantity} of the seizures in `queryset` (one query)."""
    rows = (
        SeizedItem.objects.filter(seizure__in=queryset.values("pk"))
        .values("kind")
        .annotate(total=Sum("quantity"))
        .order_by("kind")
    )
    counts = dict.fromkeys(ItemKind.values, 0)
    counts.update({row["kind"]: row["total"] for row in rows})
    return counts


def _audit(seizure):
    return {
        "kind": seizure.kind,
        "status": seizure.status,
        "custody_place": seizure.custody_place,
        "limit_on": seizure.limit_on.isoformat(),
    }
