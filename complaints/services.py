"""Every change to a complaint, one function per workflow action (Saleor style). Each action hands its
edits (`change`) to the platform's engine, `WORKFLOW.run` (enforcement/workflow): lock the row, check the
transition table, the role and the scope, stamp, save with its version, audit what changed and announce the
step after commit. Forms and serializers never write `status`.

Refusals: out of scope → Http404; a role that may not act → PermissionDenied (403); a state that does not
allow the action → TransitionNotAllowed (409); a stale version → StaleEdit (409); bad input → ValidationError
(400). Nothing is written when any of them is raised.
"""

from datetime import timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.approvals.choices import ApprovalDecision
from enforcement.approvals.services import decide_approval, pending_for, request_approval
from enforcement.audit.models import AuditAction
from enforcement.audit.services import changed, record_event, snapshot
from enforcement.catalog.params import DEFAULTS, get_int
from enforcement.files.services import store_attachment
from enforcement.org.models import Grid, OrgUnit, User
from enforcement.workdays.periods import PeriodUnit
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import policies
from .approvals import EXTENSION
from .choices import (
    OPEN_STATUSES,
    AttachmentStage,
    ComplaintStatus,
    Satisfaction,
)
from .models import Complaint, ComplaintAttachment, ComplaintLink, next_complaint_number
from .permissions import can_register, in_scope, unit_in_scope
from .workflow import WORKFLOW

S = ComplaintStatus
ATTACH_ROLES = ("officer", "squad_leader", "bureau_head", "intake")


def _required(**values):
    missing = {name: _("This field is required.") for name, value in values.items() if value in (None, "")}
    if missing:
        raise ValidationError(missing)


# --- intake ------------------------------------------------------------------------------------------
def grid_for_point(lat, lng):
    """The grid whose bounding box holds the point (the platform's `Grid.objects.containing`)."""
    return Grid.objects.containing(lat, lng)


def register_complaint(
    *,
    by,
    channel,
    category,
    description,
    address,
    received_at=None,
    lat=None,
    lng=None,
    complainant_name="",
    complainant_phone="",
    is_anonymous=False,
    unit=None,
    external_ref="",
):
    """Registers a complaint received by `by` (for `unit`, default theirs) and sets its due moments."""
    if not can_register(by, channel):
        raise PermissionDenied(_("Your role does not allow registering complaints from this channel."))
    unit = unit or by.unit
    if unit is None or not unit_in_scope(by, unit):
        raise ValidationError({"unit": _("Choose a unit within your own.")})
    complaint = Complaint(
        channel=channel,
        category=category,
        description=description,
        address=address,
        received_at=received_at or timezone.now(),
        lat=lat,
        lng=lng,
        complainant_name="" if is_anonymous else complainant_name.strip(),
        complainant_phone="" if is_anonymous else complainant_phone.strip(),
        is_anonymous=is_anonymous,
        unit=unit,
        intake_unit=unit,
        received_by=by,
        status=S.RECEIVED,
        external_ref=external_ref,
    )
    if complaint.received_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"received_at": _("The time of receipt cannot be in the future.")})
    complaint.grid = grid_for_point(lat, lng)
    complaint.full_clean(exclude=["number", "grid"])
    with transaction.atomic():
        complaint.number = next_complaint_number(complaint.received_at)
        policy = policies.policy_for(channel, category.pk)
        complaint.accept_due_at = policies.accept_due(complaint, policy)
        if policy.reply_counts_from == "received":
            complaint.reply_due_at = policies.reply_due(complaint, policy=policy)
        complaint.save()
        record_event(complaint, AuditAction.CREATE, actor=by, after=snapshot(complaint))
    return complaint


# --- the workflow ---------------------------------------------------------------------------------------
def accept(complaint, *, by, note="", version=None):
    def change(c):
        c.accepted_at = timezone.now()
        policy = policies.policy_for(c.channel, c.category_id)
        if policy.reply_counts_from == "accepted" or c.reply_due_at is None:
            c.reply_due_at = policies.reply_due(c, policy=policy)

    return WORKFLOW.run(complaint, "accept", by=by, change=change, version=version, note=note)


def reject(complaint, *, by, reason, version=None):
    """不予受理: the reason is required; it is the written answer to the complainant."""
    _required(reason=(reason or "").strip())

    def change(c):
        c.reject_reason = reason.strip()
        c.closed_at = timezone.now()

    return WORKFLOW.run(complaint, "reject", by=by, change=change, version=version, note=reason)


def dispatch(complaint, *, by, unit, handler=None, note="", version=None):
    """Hands the complaint to `unit` (within the actor's scope), optionally to one of its officers."""
    _required(unit=unit)
    if not isinstance(unit, OrgUnit):
        unit = OrgUnit.objects.filter(pk=unit).first()
    if unit is None or not unit.is_active or not unit_in_scope(by, unit):
        raise ValidationError({"unit": _("Choose an active unit within your own.")})
    if handler is not None:
        if not isinstance(handler, User):
            handler = User.objects.filter(pk=handler).first()
        if (
            handler is None
            or not handler.is_active
            or handler.unit_id is None
            or not handler.unit.path.startswith(unit.path)
        ):
            raise ValidationError({"handler": _("The handler must be an active member of the unit.")})

    def change(c):
        if c.unit_id == unit.pk:
            raise ValidationError({"unit": _("The complaint is already with this unit.")})
        c.previous_unit_id = c.unit_id
        c.unit = unit
        c.handler = handler
        c.dispatched_at = timezone.now()

    return WORKFLOW.run(complaint, "dispatch", by=by, change=change, version=version, note=note)


def send_back(complaint, *, by, reason, version=None):
    """The receiving unit returns a complaint that is not theirs, once, with a reason."""
    _required(reason=(reason or "").strip())

    def change(c):
        c.unit_id, c.previous_unit_id = c.previous_unit_id, c.unit_id
        c.handler = None
        c.sent_back_count += 1

    return WORKFLOW.run(complaint, "send_back", by=by, change=change, version=version, note=reason)


def start(complaint, *, by, note="", version=None):
    def change(c):
        if c.handler_id is None:
            c.handler = by

    return WORKFLOW.run(complaint, "start", by=by, change=change, version=version, note=note)


def reply(complaint, *, by, reply_text, version=None):
    """答复: the reply text is required; the follow-up visit is due from now."""
    _required(reply_text=(reply_text or "").strip())

    def change(c):
        c.reply_text = reply_text.strip()
        c.replied_at = timezone.now()
        c.replied_by = by
        c.visit_due_at = policies.visit_due(c)

    return WORKFLOW.run(complaint, "reply", by=by, change=change, version=version)


def record_visit(complaint, *, by, satisfaction, note="", version=None):
    """回访 with the complainant's satisfaction (or that they could not be reached)."""
    _required(satisfaction=satisfaction)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose one of the listed answers.")})

    def change(c):
        c.satisfaction = satisfaction
        c.visit_note = (note or "").strip()
        c.visited_at = timezone.now()

    return WORKFLOW.run(complaint, "record_visit", by=by, change=change, version=version, note=note)


def close(complaint, *, by, note="", version=None):
    def change(c):
        c.closed_at = timezone.now()
        if note:
            c.closure_note = note.strip()

    return WORKFLOW.run(complaint, "close", by=by, change=change, version=version, note=note)


def reopen(complaint, *, by, reason, version=None):
    """An unsatisfied complainant: the complaint goes back to the unit that handled it with a new reply
    deadline from now, and counts as reopened."""
    _required(reason=(reason or "").strip())

    def change(c):
        c.reopen_count += 1
        c.satisfaction = ""
        c.visited_at = c.closed_at = c.replied_at = None
        c.visit_due_at = None
        c.dispatched_at = timezone.now()
        c.reply_due_at = policies.reply_due(c, start=c.dispatched_at)

    return WORKFLOW.run(complaint, "reopen", by=by, change=change, version=version, note=reason)


def request_extension(complaint, *, by, reason, days, version=None):
    """Asks a supervisor for more time to reply (信访工作条例 Art. 34: once, at most 30 days, for
    petitions; other channels per their policy)."""
    _required(reason=(reason or "").strip(), days=days)
    try:
        days = int(days)
    except (TypeError, ValueError):
        raise ValidationError({"days": _("Enter a whole number.")}) from None
    policy = policies.policy_for(complaint.channel, complaint.category_id)
    if days < 1 or days > policy.max_extension:
        raise ValidationError(
            {
                "days": _("An extension is 1 to %(max)d %(unit)s.")
                % {"max": policy.max_extension, "unit": PeriodUnit(policy.unit).label}
            }
        )

    def change(c):
        # The request is a record of its own, on the complaint's timeline with the days it asks for; the
        # complaint itself is unchanged until a supervisor approves (so no "extended" extra here).
        request_approval(EXTENSION, c, by=by, reason=reason, due_at=c.reply_due_at, days=days)

    return WORKFLOW.run(complaint, "request_extension", by=by, change=change, version=version, note=reason)


def decide_extension(complaint, *, by, decision, opinion="", version=None):
    """A supervisor approves or rejects the pending request; an approval moves the reply deadline."""
    _required(decision=decision)  # its value is checked by decide_approval, after scope and role

    def change(c):
        # The engine records the complaint's own change (its reply deadline, before → after); the approval
        # record keeps the same two moments with the decision.
        pending, moved = pending_for(c, EXTENSION), {}
        if decision == ApprovalDecision.APPROVED and pending is not None:
            moved = {
                "reply_due_before": c.reply_due_at,
                "reply_due_after": policies.extended_reply_due(c, pending.days),
            }
        ext = decide_approval(pending or EXTENSION, c, by=by, decision=decision, opinion=opinion, **moved)
        if ext.decision == ApprovalDecision.APPROVED:
            c.reply_due_at = ext.reply_due_after
            c.extension_count += 1
            c.extended_days += ext.days

    return WORKFLOW.run(complaint, "decide_extension", by=by, change=change, version=version, note=opinion)


def merge(complaint, *, by, into, note="", version=None):
    """A duplicate: it points to the surviving record, takes status `merged` and is not counted again."""
    _required(into=into)
    into_pk = into.pk if isinstance(into, Complaint) else into

    def change(c):
        # The survivor is checked under its lock, after the duplicate's: a survivor merged or rejected
        # meanwhile is refused, and both records change in this one transaction.
        survivor = Complaint.objects.select_for_update(of=("self",)).filter(pk=into_pk).first()
        if survivor is None or not in_scope(by, survivor):
            raise ValidationError({"into": _("Choose a complaint you can see.")})
        if survivor.pk == c.pk or survivor.status in (S.MERGED, S.REJECTED):
            raise ValidationError(
                {"into": _("Choose another complaint that is neither merged nor rejected.")}
            )
        c.merged_into = survivor
        c.closed_at = timezone.now()

    with transaction.atomic():
        merged = WORKFLOW.run(complaint, "merge", by=by, change=change, version=version, note=note)
        record_event(
            merged.merged_into,
            AuditAction.UPDATE,
            actor=by,
            verb="absorb_duplicate",
            after={"duplicate_number": merged.number},
            note=note,
        )
    return merged


def close_on_the_spot(complaint, *, by, note, version=None):
    """当场整改: a patrol find the officer fixed at once closes with a note and an after photo, counted
    apart from dispatched complaints (`on_the_spot`)."""
    _required(note=(note or "").strip())

    def change(c):
        c.on_the_spot = True
        c.closure_note = note.strip()
        c.handler = by
        c.closed_at = timezone.now()

    return WORKFLOW.run(complaint, "close_on_the_spot", by=by, change=change, version=version, note=note)


# --- a petition's review (复查) and second review (复核), 信访工作条例 Art. 35-36 ---------------------------
def _request_moment(requested_at, complaint, stage):
    """When the complainant's request was received (default now): not in the future, not before the answer
    it disputes, and within the period the law gives for it (counted to the day it was received)."""
    now, since = timezone.now(), getattr(complaint, stage.disputes)
    requested_at = requested_at or now
    if requested_at > now + timedelta(minutes=5):
        raise ValidationError({"requested_at": _("The time of receipt cannot be in the future.")})
    if requested_at < since:
        raise ValidationError(
            {"requested_at": _("The request cannot have been received before the answer it disputes.")}
        )
    if requested_at > stage.request_ends(complaint):
        raise ValidationError(
            {
                "requested_at": _(
                    "The request came after the %(days)d days the law allows (%(article)s); it cannot be recorded."
                )
                % {"days": get_int(stage.request_key), "article": DEFAULTS[stage.request_key].article}
            }
        )
    return requested_at


def _move_up(c):
    """The unit one level up takes the complaint; the one it came from is kept."""
    c.previous_unit_id, c.unit_id = c.unit_id, c.unit.parent_id
    c.handler = None


def _request_stage(stage, complaint, *, by, reason, requested_at, version):
    _required(reason=(reason or "").strip())

    def change(c):
        moment = _request_moment(requested_at, c, stage)
        setattr(c, f"{stage.name}_requested_at", moment)
        setattr(c, f"{stage.name}_reason", reason.strip())
        setattr(c, f"{stage.name}_due_at", stage.answer_due(moment))
        _move_up(c)

    return WORKFLOW.run(
        complaint, f"request_{stage.name}", by=by, change=change, version=version, note=reason
    )


def _answer_stage(stage, complaint, *, by, answer, version):
    _required(answer=(answer or "").strip())

    def change(c):
        answered_at = timezone.now()
        setattr(c, f"{stage.name}_answer", answer.strip())
        setattr(c, f"{stage.name}_answered_at", answered_at)
        c.closed_at = c.closed_at or answered_at

    return WORKFLOW.run(complaint, f"answer_{stage.name}", by=by, change=change, version=version)


def request_review(complaint, *, by, reason, requested_at=None, version=None):
    """申请复查 (Art. 35): the complainant, not satisfied with the reply, asks within 30 days of it; the unit
    one level up from the one that replied reviews it and answers within 30 days of the request."""
    return _request_stage(
        policies.REVIEW, complaint, by=by, reason=reason, requested_at=requested_at, version=version
    )


def answer_review(complaint, *, by, answer, version=None):
    """复查答复: closes the complaint again; a second review may be requested within 30 days."""
    return _answer_stage(policies.REVIEW, complaint, by=by, answer=answer, version=version)


def request_recheck(complaint, *, by, reason, requested_at=None, version=None):
    """申请复核 (Art. 35): within 30 days of the review's answer, to the unit one level further up, answered
    within 30 days of the request."""
    return _request_stage(
        policies.RECHECK, complaint, by=by, reason=reason, requested_at=requested_at, version=version
    )


def answer_recheck(complaint, *, by, answer, version=None):
    """复核答复 (Art. 36): the final answer; no further review or second review is accepted."""
    return _answer_stage(policies.RECHECK, complaint, by=by, answer=answer, version=version)


WORKFLOW.services.update(
    {
        "accept": accept,
        "reject": reject,
        "dispatch": dispatch,
        "send_back": send_back,
        "start": start,
        "reply": reply,
        "record_visit": record_visit,
        "close": close,
        "reopen": reopen,
        "request_extension": request_extension,
        "decide_extension": decide_extension,
        "merge": merge,
        "close_on_the_spot": close_on_the_spot,
        "request_review": request_review,
        "answer_review": answer_review,
        "request_recheck": request_recheck,
        "answer_recheck": answer_recheck,
    }
)
WORKFLOW.check_services()
perform = WORKFLOW.perform


# --- attachments and links -----------------------------------------------------------------------------
# Files belong to the handling: once a complaint is closed, rejected or merged, nobody adds to it (a reopen
# brings it back to the unit, and with it the right to add files).
CLOSED_TO_FILES = gettext_lazy(
    "Files can be added only while the complaint is open, not once it is closed, rejected or merged."
)


def can_add_files(complaint):
    return complaint.status in OPEN_STATUSES


def add_attachment(complaint, upload, *, by, stage=AttachmentStage.EVIDENCE, **capture):
    """Adds a file to a complaint: who may and when is decided here; the checks of the file itself (type
    from its bytes, a photo opens, size), its SHA-256 and the event are `store_attachment`'s. `capture`:
    when and where it was taken (captured_at, lat, lng), when known."""
    if not in_scope(by, complaint):
        raise Http404
    if not by.has_role(*ATTACH_ROLES):
        raise PermissionDenied(_("Your role does not allow adding files."))
    if not can_add_files(complaint):
        raise TransitionNotAllowed(CLOSED_TO_FILES)
    if stage not in AttachmentStage.values:
        raise ValidationError({"stage": _("Choose one of the listed stages.")})
    return store_attachment(ComplaintAttachment, complaint, upload, by=by, stage=stage, **capture)


def link_record(complaint, target, *, by=None):
    """Keeps the link from a complaint to the case or rectification item it spawned."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic():
        link, created = ComplaintLink.objects.get_or_create(
            complaint=complaint,
            content_type=ContentType.objects.get_for_model(target),
            object_id=str(target.pk),
            defaults={"created_by": by},
        )
        if created:
            record_event(
                complaint,
                AuditAction.UPDATE,
                actor=by,
                verb="link",
                after={"model": link.content_type.model, "object_id": link.object_id},
            )
    return link


EDITABLE_FIELDS = (
    "channel",
    "category",
    "description",
    "address",
    "lat",
    "lng",
    "complainant_name",
    "complainant_phone",
    "is_anonymous",
    "received_at",
)
EDITABLE_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED})


def edit_complaint(complaint, *, by, changes, version=None):
    """Corrects the intake record (before dispatch): intake and supervisors, in scope, versioned, audited."""
    with transaction.atomic():
        locked = (
            Complaint.objects.select_for_update(of=("self",)).select_related("category").get(pk=complaint.pk)
        )
        if not in_scope(by, locked):
            raise Http404
        if not can_register(by, changes.get("channel", locked.channel)) or not by.has_role(
            "intake", "squad_leader", "bureau_head"
        ):
            raise PermissionDenied(_("Your role does not allow editing complaints."))
        if locked.status not in EDITABLE_STATUSES:
            raise TransitionNotAllowed(_("A complaint can be corrected only before it is dispatched."))
        before, raw_before = snapshot(locked), (locked.complainant_name, locked.complainant_phone)
        for name, value in changes.items():
            if name in EDITABLE_FIELDS:
                setattr(locked, name, value)
        if locked.is_anonymous:
            locked.complainant_name = locked.complainant_phone = ""
        locked.grid = grid_for_point(locked.lat, locked.lng)
        locked.full_clean(exclude=["number", "grid"])
        policy = policies.policy_for(locked.channel, locked.category_id)
        locked.accept_due_at = policies.accept_due(locked, policy)
        if policy.reply_counts_from == "received" or locked.accepted_at:
            locked.reply_due_at = policies.reply_due(locked, policy=policy)
        locked.refresh_due_at()
        locked.save_versioned(expected_version=version if version not in (None, "") else None)
        after = snapshot(locked)
        old, new = changed(before, after)
        # A correction hidden by the mask is still recorded as a change of that field.
        for key, raw in zip(("complainant_name", "complainant_phone"), raw_before, strict=True):
            if raw != getattr(locked, key) and key not in new:
                old[key], new[key] = before.get(key), after[key]
        if new:
            record_event(locked, AuditAction.UPDATE, actor=by, before=old, after=new)
    return locked
