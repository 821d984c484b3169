"""Event notices (PRODUCT §8): besides deadline reminders, the people concerned hear of what happens to a
record — assigned to them or to their unit, sent back, reopened — and of approvals: one waiting for their
decision, the decision on their request. Exactly once per event and person.

A workflow declares who hears of which of its steps (`Workflow(..., notices={...})`):

    "dispatch": Notice(
        to=("handler",), fallback_roles=(Role.SQUAD_LEADER, Role.BUREAU_HEAD),
        text=_("%(actor)s dispatched %(record)s to you."),
        fallback_text=_("%(actor)s dispatched %(record)s to %(unit)s: name its handler."),
    ),

`to` names the record's user fields as the step left them: its holders hear, with `text`. When none of
them is an active user, the people with the first of `fallback_roles` that the record's unit has (else the
nearest unit above that has one, as reminders find supervisors) hear, with `fallback_text`. The actor never
hears of their own step. The words may use %(record)s, %(actor)s, %(unit)s (the record's unit after the
step), %(note)s (the step's note or reason) and %(status)s (its new status).

Approvals need no declaration: their kind (enforcement/approvals/registry.py) says who decides. A request
goes to the people with the first of the kind's decider roles nearest the subject's unit — less the
requester and whoever the kind excludes (the record's handler), so it reaches someone who may decide it;
their unit is the subject's or above it, so the subject is in their scope (`in_scope`). A decision goes
to the requester.

How: each signal (workflow.signals.transitioned; approvals.signals.approval_requested, approval_decided)
arrives once the step has committed, and its receiver only enqueues `send_event_notices_task(event_id,
topic)` — or, with the broker down, keeps the pair (`UnsentEventNotice`) for the retry sweep to queue once
the broker answers. The task reads the step's audit event, finds the people, inserts one `EventNotice` per
(event, user) with ON CONFLICT DO NOTHING and, for the rows it inserted, one `Delivery` per channel the user
has not switched off (level "events") — then the reminders' pipeline sends them (delivery.py: retries, the
failed-deliveries page). The same event handled twice inserts nothing and sends nothing."""

import logging
from dataclasses import dataclass
from functools import partial

from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditEvent
from enforcement.org.choices import Role
from enforcement.workflow.core import workflow_for

from .delivery import enqueue_deliveries, requeue_at
from .models import Delivery, EventNotice, NoticeReason, NotificationLevel
from .recipients import RecipientResolver

logger = logging.getLogger(__name__)

# What a `send_event_notices_task` is about: a workflow step, or an approval requested or decided.
STEP, APPROVAL_REQUESTED, APPROVAL_DECIDED = "step", "approval_requested", "approval_decided"


def in_role_order(roles):
    """Roles in the order of `Role` (the squad leader before the bureau head); a sequence keeps its own."""
    if isinstance(roles, set | frozenset):
        return tuple(sorted(roles, key=list(Role).index))
    return tuple(roles)


@dataclass(frozen=True, kw_only=True)
class Notice:
    """Who hears of one workflow step, and in which words (see the module's docstring)."""

    text: Promise | str
    to: tuple = ()
    fallback_roles: tuple = ()
    fallback_text: Promise | str | None = None
    unit_field: str = "unit"

    def __post_init__(self):
        object.__setattr__(self, "to", tuple(self.to))
        object.__setattr__(self, "fallback_roles", in_role_order(self.fallback_roles))
        if not self.to and not self.fallback_roles:
            raise ValueError("A notice names nobody: give the record's user fields (`to`) or roles.")

    def template(self, reason):
        if reason == NoticeReason.UNIT and self.fallback_text:
            return self.fallback_text
        return self.text


# --- receivers: they only enqueue ------------------------------------------------------------------------
def on_transitioned(sender, *, action, event_id, **kwargs):
    workflow = workflow_for(sender)
    if workflow is not None and action in workflow.notices:
        _enqueue(event_id, STEP)


def on_approval_requested(sender, *, event_id, **kwargs):
    _enqueue(event_id, APPROVAL_REQUESTED)


def on_approval_decided(sender, *, event_id, **kwargs):
    _enqueue(event_id, APPROVAL_DECIDED)


def _enqueue(event_id, topic):
    # The step has committed (the signals are sent on commit), so this runs now. Robust: nothing here may
    # cost the user's step.
    transaction.on_commit(partial(_send_or_keep, event_id, topic), robust=True)


def _send_or_keep(event_id, topic):
    """Queues the step's notices; with the broker down, keeps them for the retry sweep."""
    from enforcement.celery import send

    from .models import UnsentEventNotice
    from .tasks import send_event_notices_task

    if not send(send_event_notices_task, event_id, topic):
        UnsentEventNotice.objects.get_or_create(event_id=event_id, topic=topic)


def requeue_unsent_notices(limit=500):
    """The retry sweep: queues the kept notices, oldest first, deleting each row the broker took; stops at
    the first refusal (the broker still down). Returns how many were queued."""
    from enforcement.celery import send_all

    from .models import UnsentEventNotice
    from .tasks import send_event_notices_task

    kept = list(UnsentEventNotice.objects.order_by("pk").values_list("pk", "event_id", "topic")[:limit])
    queued = send_all(send_event_notices_task, [(event_id, topic) for _pk, event_id, topic in kept])
    UnsentEventNotice.objects.filter(pk__in=[pk for pk, _event_id, _topic in kept[:queued]]).delete()
    return queued


# --- the task's work -------------------------------------------------------------------------------------
@dataclass
class Plan:
    """An event's notices before they are stored: about `record` (in `unit_id`), `action` (the step's or the
    approval kind's slug), to `people` [(user id, reason)], with the values the words need."""

    record: object
    unit_id: int | None
    action: str
    people: list
    params: dict
    resolver: RecipientResolver


def send_event_notices(event_id, topic):
    """Makes the notices of one event and their deliveries, which are sent once this commits. Returns how
    many notices this call made: none when the event is unknown, concerns nobody, or was handled before."""
    event = AuditEvent.objects.select_related("actor").filter(pk=event_id).first()
    if event is None:
        logger.warning("Event notices for audit event %s (%s): no such event", event_id, topic)
        return 0
    plan = PLANNERS[topic](event)
    if plan is None or not plan.people:
        return 0
    return _store(event, plan)


def _value_at_step(event, record, name):
    """A field of `record` as the step left it: the event's `after` holds what the step changed, the row
    what it did not (the task may run after later steps)."""
    if event.after and name in event.after:
        return event.after[name]
    return getattr(record, record._meta.get_field(name).attname)


def _actor_name(event):
    return str(event.actor) if event.actor_id else ""


def plan_step(event):
    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    workflow = workflow_for(model) if model is not None else None
    notice = workflow.notices.get(event.verb) if workflow is not None else None
    if notice is None:
        return None
    record = model._default_manager.filter(pk=event.object_id).first()
    if record is None:
        return None
    resolver = RecipientResolver(roles=notice.fallback_roles)
    unit_id = _value_at_step(event, record, notice.unit_field)
    holders = resolver.active([_value_at_step(event, record, name) for name in notice.to])
    people = [(user_id, NoticeReason.HOLDER) for user_id in holders]
    if not people:
        unit_people = resolver.nearest(unit_id, notice.fallback_roles)
        people = [(user_id, NoticeReason.UNIT) for user_id in unit_people]
    return Plan(
        record=record,
        unit_id=unit_id,
        action=event.verb,
        resolver=resolver,
        people=[(user_id, reason) for user_id, reason in people if user_id != event.actor_id],
        params={
            "actor": _actor_name(event),
            "note": event.note,
            "status": _value_at_step(event, record, workflow.status_field),
        },
    )


def _approval_of(event):
    """(approval, kind, subject) of an approval's audit event, in one query; None if it is gone."""
    from enforcement.approvals import registry as approval_kinds

    model = ContentType.objects.get_for_id(event.content_type_id).model_class()
    kinds = [kind for kind in approval_kinds.all_kinds() if kind.model_class is model]
    if not kinds:
        return None
    subject_field = kinds[0].subject_field  # one per model (approvals.registry.register)
    approval = model._default_manager.select_related(subject_field).filter(pk=event.object_id).first()
    if approval is None:
        return None
    kind = approval_kinds.get(approval.kind)
    return approval, kind, kind.subject_of(approval)


def _scope_unit_id(obj):
    """The unit the scoping rule reads on `obj` (its queryset's `scope_field`, as `in_scope` does)."""
    field = type(obj)._default_manager.get_queryset().scope_field
    return obj.pk if field == "id" else getattr(obj, f"{field}_id")


def plan_approval_requested(event):
    found = _approval_of(event)
    if found is None:
        return None
    approval, kind, subject = found
    roles = in_role_order(kind.decider_roles)
    resolver = RecipientResolver(roles=roles)
    unit_id = _scope_unit_id(subject)
    # Nobody decides their own request, nor one the kind keeps them from (approvals.services).
    excluded = {approval.requested_by_id, event.actor_id} | kind.excluded_deciders(subject)
    deciders = resolver.nearest(unit_id, roles, exclude=excluded)
    return Plan(
        record=subject,
        unit_id=unit_id,
        action=kind.slug,
        resolver=resolver,
        people=[(user_id, NoticeReason.DECIDER) for user_id in deciders],
        params={"actor": _actor_name(event), "note": approval.reason},
    )


def plan_approval_decided(event):
    found = _approval_of(event)
    if found is None:
        return None
    approval, kind, subject = found
    resolver = RecipientResolver()
    requester = [
        user_id for user_id in resolver.active([approval.requested_by_id]) if user_id != event.actor_id
    ]
    return Plan(
        record=subject,
        unit_id=_scope_unit_id(subject),
        action=kind.slug,
        resolver=resolver,
        people=[(user_id, NoticeReason.REQUESTER) for user_id in requester],
        params={"actor": _actor_name(event), "note": approval.opinion, "decision": approval.decision},
    )


PLANNERS = {
    STEP: plan_step,
    APPROVAL_REQUESTED: plan_approval_requested,
    APPROVAL_DECIDED: plan_approval_decided,
}


def _store(event, plan):
    from .sweep import db_datetime, insert_returning  # the sweep's INSERT … ON CONFLICT DO NOTHING RETURNING

    now = timezone.now()
    record = plan.record
    get_url = getattr(record, "get_absolute_url", None)
    params = EventNotice._meta.get_field("params").get_db_prep_save(plan.params, connection)
    columns = [
        "event_id",
        "user_id",
        "reason",
        "action",
        "content_type_id",
        "object_id",
        "unit_id",
        "title",
        "url",
        "params",
        "created_at",
    ]
    common = (
        plan.action,
        ContentType.objects.get_for_model(record).pk,
        record.pk,
        plan.unit_id,
        str(record)[:255],
        get_url() if get_url else "",
        params,
        db_datetime(now),
    )
    rows = [(event.pk, user_id, reason, *common) for user_id, reason in plan.people]
    with transaction.atomic():
        # Only the rows this statement inserted come back: a second run of the event gets none.
        inserted = insert_returning(
            EventNotice, columns, rows, returning=["id", "user_id"], ignore_conflicts=True
        )
        deliveries = Delivery.objects.bulk_create(
            [
                Delivery(
                    notice_id=notice_id, user_id=user_id, channel=channel, next_attempt_at=requeue_at(now)
                )
                for notice_id, user_id in inserted
                for channel in plan.resolver.channels_for(user_id, NotificationLevel.EVENTS)
            ]
        )
        ids = [delivery.pk for delivery in deliveries]
        if ids:
            transaction.on_commit(lambda: enqueue_deliveries(ids), robust=True)
    return len(inserted)


# --- the words, in the reader's language -----------------------------------------------------------------
class _Values(dict):
    def __missing__(self, key):  # words that name a value the notice lacks still read
        return ""


def notice_text(notice):
    """What `notice` says, in the active language: its declaration's words (or the approvals') filled in
    with the values kept on it."""
    params = notice.params or {}
    values = _Values(
        record=notice.title,
        actor=params.get("actor") or "—",
        note=params.get("note") or "",
        unit=str(notice.unit) if notice.unit_id else "",
    )
    if notice.reason in (NoticeReason.DECIDER, NoticeReason.REQUESTER):
        return _approval_text(notice, params, values)
    model = ContentType.objects.get_for_id(notice.content_type_id).model_class()
    workflow = workflow_for(model) if model is not None else None
    declaration = workflow.notices.get(notice.action) if workflow is not None else None
    if workflow is not None:
        values["action"] = workflow.step_label(notice.action) or notice.action
        values["status"] = workflow.status_label(params.get("status"))
    if declaration is None:  # declared once, not any more: say what happened
        values.setdefault("action", notice.action)
        return _("%(actor)s: “%(action)s” on %(record)s.") % values
    return str(declaration.template(notice.reason)) % values


def _approval_text(notice, params, values):
    from enforcement.approvals import registry as approval_kinds
    from enforcement.approvals.choices import ApprovalDecision

    try:
        values["kind"] = str(approval_kinds.get(notice.action).label)
    except KeyError:
        values["kind"] = notice.action
    if notice.reason == NoticeReason.DECIDER:
        text = _("%(actor)s asks for your decision on “%(kind)s” for %(record)s.") % values
    else:
        decision = params.get("decision")
        values["decision"] = (
            str(ApprovalDecision(decision).label) if decision in ApprovalDecision.values else ""
        )
        text = _("%(actor)s decided your request “%(kind)s” for %(record)s: %(decision)s.") % values
    if values["note"]:
        label = _("Reason: %(note)s") if notice.reason == NoticeReason.DECIDER else _("Opinion: %(note)s")
        text = f"{text} {label % values}"
    return text
