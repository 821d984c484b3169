"""Orders to demolish (责令限期拆除) carried out (PRODUCT §4; 行政强制法 Art. 44). The decision names the
structure's area and gives the party days from service to demolish it himself; opened when the decision is
served. If the deadline passes with the structure standing, the bureau gives public notice (公告) with a
new deadline; once that has passed, and the party can no longer apply for reconsideration or sue (nor has a
case pending), the demolition by force is recorded — performed by the bureau's crews, not by the system. A
decision revoked on reconsideration or by a court ends the order. The area demolished is the statistics'."""

from datetime import timedelta
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.dispatch import receiver
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.choices import PenaltyKind, PenaltyStage
from cases.signals import decision_served
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event
from enforcement.org.models import in_scope
from enforcement.versioning import StaleEdit, is_stale
from enforcement.workdays import calendar
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import rules
from .choices import DEMOLITION_LIVE, HANDLERS, DemolitionStatus, ReviewOutcome
from .models import Demolition

D = DemolitionStatus


@receiver(decision_served, dispatch_uid="penalties.open_demolition")
def _decision_served(sender, case, by, **kwargs):
    open_demolition(case, by=by)


def open_demolition(case, *, by):
    """Opens the order's execution when a decision that orders a demolition is served (inside the caller's
    transaction); None when it orders none. Idempotent: a case has one."""
    order = next((p for p in case.penalties_at(PenaltyStage.DECIDED) if p.kind == PenaltyKind.DEMOLISH), None)
    if order is None or order.area is None or not order.deadline_days:
        return None
    existing = Demolition.objects.filter(case_id=case.pk).first()
    if existing is not None:
        return existing
    from .services import _decision_number

    deadline_at = rules.demolition_deadline(case.served_at, order.deadline_days)
    demolition = Demolition.objects.create(
        case_id=case.pk,
        unit_id=case.unit_id,
        handler_id=case.handler_id,
        decision_number=_decision_number(case),
        area_ordered=order.area,
        deadline_on=calendar.local_date(deadline_at),
        deadline_at=deadline_at,
        opened_at=case.served_at,
    )
    record_event(
        demolition, AuditAction.CREATE, actor=by, verb="open_demolition", after=_audit(demolition), root=case
    )
    return demolition


def _check(user, demolition):
    if not in_scope(user, demolition):
        raise Http404(_("Not found."))
    if not (user.roles & HANDLERS):
        raise PermissionDenied(_("Your role does not allow this step on an order to demolish."))


def _lock(demolition, version=None):
    locked = Demolition.objects.select_for_update().select_related("case").get(pk=demolition.pk)
    if is_stale(version, locked.version):
        raise StaleEdit()
    return locked


def _refuse(refusal):
    """A rule's (input, words): bad input of this step is a 400 on its input, the order's state or the law a
    409."""
    if refusal is None:
        return
    field, words = refusal
    if field is None:
        raise TransitionNotAllowed(words)
    raise ValidationError({field: words})


def give_notice(demolition, *, by, notice_on, deadline_on, note="", version=None):
    """公告 (Art. 44): after the decision's deadline passed with the structure standing, a public notice
    gives the party a last deadline to demolish it himself."""
    _check(by, demolition)
    with transaction.atomic():
        locked = _lock(demolition, version)
        _refuse(rules.notice_refusal(locked, notice_on, deadline_on))
        locked.status = D.NOTICED
        locked.notice_on, locked.notice_deadline_on = notice_on, deadline_on
        locked.notice_deadline_at = calendar.end_of_day(deadline_on)
        locked.end_note = _joined(locked.end_note, note)
        locked.save_versioned()
        _event(locked, by, "give_notice", note)
    return locked


def record_demolished(demolition, *, by, demolished_on, area, by_force=False, note="", version=None):
    """The structure is down: demolished by the party (at any time while the order runs), or by force
    (`by_force`) once Art. 44 allows it. The area is what was demolished, in m²."""
    _check(by, demolition)
    with transaction.atomic():
        locked = _lock(demolition, version)
        _refuse(rules.demolished_refusal(locked, demolished_on, area, note))
        if by_force:
            _refuse(rules.forced_demolition_refusal(locked, demolished_on))
        locked.status = D.FORCED if by_force else D.DEMOLISHED
        locked.demolished_on, locked.area_demolished = demolished_on, area.quantize(Decimal("0.01"))
        locked.ended_at = timezone.now()
        locked.end_note = _joined(locked.end_note, note)
        locked.save_versioned()
        _event(locked, by, "record_demolished", note)
    return locked


def allowed_actions(demolition, user, today=None):
    """The steps `user` may take now on an order to demolish, for the page and the API alike: the public notice
    once the decision's deadline has passed with the structure standing (Art. 44), the demolition recorded
    while the order runs."""
    if user is None or not (user.roles & HANDLERS) or demolition.status not in DEMOLITION_LIVE:
        return []
    today = today or timezone.localdate()
    actions = []
    if rules.notice_refusal(demolition, today, today + timedelta(days=1), today) is None:
        actions.append("notice")
    return [*actions, "demolished"]


def review_decided(case, outcome, *, by):
    """A decision revoked on reconsideration or by a court ends its order to demolish (called inside the
    outcome's transaction)."""
    if outcome != ReviewOutcome.REVOKED:
        return None
    demolition = Demolition.objects.select_for_update().filter(case_id=case.pk).first()
    if demolition is None or demolition.status not in DEMOLITION_LIVE:
        return demolition
    demolition.status, demolition.ended_at = D.REVOKED, timezone.now()
    demolition.save_versioned()
    _event(demolition, by, "revoke_demolition", "")
    return demolition


def demolished_area(queryset):
    """The m² demolished (by the parties and by force) of the orders in `queryset` (one query)."""
    return (
        queryset.filter(status__in=(D.DEMOLISHED, D.FORCED)).aggregate(total=Sum("area_demolished"))["total"]
        or 0
    )


def _joined(text, note):
    return "\n".join(part for part in (text, (note or "").strip()) if part)


def _event(demolition, by, verb, note):
    record_event(
        demolition,
        AuditAction.UPDATE,
        actor=by,
        verb=verb,
        after=_audit(demolition),
        note=note,
        root=demolition.case,
    )


def _audit(demolition):
    values = {
        "status": demolition.status,
        "area_ordered": str(demolition.area_ordered),
        "deadline_on": demolition.deadline_on.isoformat(),
    }
    if demolition.notice_on:
        values["notice_on"] = demolition.notice_on.isoformat()
        values["notice_deadline_on"] = demolition.notice_deadline_on.isoformat()
    if demolition.area_demolished is not None:
        values["demolished_on"] = demolition.demolished_on.isoformat()
        values["area_demolished"] = str(demolition.area_demolished)
    return values


def _demolition_holds(case):
    if Demolition.objects.filter(case_id=case.pk, status__in=DEMOLITION_LIVE).exists():
        return _(
            "The order to demolish is still being carried out: record the demolition before proposing to close "
            "the case."
        )
    return None


def _register():
    from cases import rules as case_rules

    if _demolition_holds not in case_rules.CLOSING_CHECKS:
        case_rules.CLOSING_CHECKS.append(_demolition_holds)


_register()
