"""Every change to a complaint, one function per workflow action (Saleor style): lock the row, check the
transition table, the role and the scope, stamp who and when, save with its version, write the audit event,
and defer side effects to `transaction.on_commit`. Forms and serializers never write `status`.

Refusals: out of scope → Http404; a role that may not act → PermissionDenied (403); a state that does not
allow the action → TransitionNotAllowed (409); a stale version → StaleEdit (409); bad input → ValidationError
(400). Nothing is written when any of them is raised.
"""

import hashlib
from datetime import UTC, timedelta
from functools import partial

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import DateTimeField
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event, record_transition, snapshot
from enforcement.org.models import Grid, OrgUnit, User
from enforcement.versioning import StaleEdit

from . import policies
from .choices import (
    TRANSITIONS,
    AttachmentStage,
    ComplaintStatus,
    ExtensionDecision,
    Satisfaction,
)
from .files import HEAD_BYTES, max_attachment_bytes, sniff
from .models import Complaint, ComplaintAttachment, ComplaintExtension, ComplaintLink, ComplaintNumberSequence
from .permissions import action_refusal, can_register, in_scope, mask_name, mask_phone, unit_in_scope
from .signals import complaint_changed

S = ComplaintStatus
ATTACH_ROLES = ("officer", "squad_leader", "bureau_head", "intake")


class TransitionNotAllowed(Exception):
    """The complaint's state does not allow the action (the API answers 409)."""

    def __init__(self, message):
        super().__init__(message)
        self.message = message


def audit_snapshot(complaint):
    """The complaint as the audit trail keeps it: the complainant's contact details masked, since every
    reader of the record's timeline (and any audit export) would see them (举报人保密, PRODUCT §1)."""
    data = snapshot(complaint)
    for field in complaint._meta.concrete_fields:  # one spelling per instant, whatever zone it was computed in
        value = getattr(complaint, field.attname)
        if isinstance(field, DateTimeField) and value is not None:
            data[field.name] = DjangoJSONEncoder().default(value.astimezone(UTC))
    data.pop("updated_at", None)  # changes with every save; the event's own time says when
    data["complainant_name"] = mask_name(complaint.complainant_name)
    data["complainant_phone"] = mask_phone(complaint.complainant_phone)
    return data


def _required(**values):
    missing = {name: _("This field is required.") for name, value in values.items() if value in (None, "")}
    if missing:
        raise ValidationError(missing)


def _announce(complaint, action, by):
    transaction.on_commit(
        partial(complaint_changed.send, sender=Complaint, complaint_id=complaint.pk, action=action,
                actor_id=getattr(by, "pk", None))
    )


def _act(complaint, slug, by, change, *, version=None, note="", extra=None):
    """Runs action `slug`: `change(locked)` applies its edits to the locked row and may return audit extras."""
    transition = TRANSITIONS[slug]
    with transaction.atomic():
        locked = Complaint.objects.select_for_update(of=("self",)).select_related("category").get(pk=complaint.pk)
        refusal = action_refusal(locked, slug, by)
        if refusal is not None:
            if refusal.status == 404:
                raise Http404(refusal.message)
            if refusal.status == 403:
                raise PermissionDenied(refusal.message)
            raise TransitionNotAllowed(refusal.message)
        if version not in (None, "") and int(version) != locked.version:
            raise StaleEdit()
        from_status = locked.status
        details = change(locked) or {}
        if transition.target:
            locked.status = transition.target
        locked.refresh_due_at()
        locked.save_versioned()
        record_transition(locked, slug, from_status, locked.status, actor=by, note=note, extra={**details, **(extra or {})})
        _announce(locked, slug, by)
    return locked


# --- intake ------------------------------------------------------------------------------------------
def grid_for_point(lat, lng):
    """The grid whose bounding box holds the point (the smallest-coded one if boxes overlap)."""
    if lat is None or lng is None:
        return None
    return (
        Grid.objects.filter(
            is_active=True, min_lat__lte=lat, max_lat__gte=lat, min_lng__lte=lng, max_lng__gte=lng
        ).order_by("code").first()
    )


def register_complaint(
    *, by, channel, category, description, address, received_at=None, lat=None, lng=None,
    complainant_name="", complainant_phone="", is_anonymous=False, unit=None, external_ref="",
):
    """Registers a complaint received by `by` (for `unit`, default theirs) and sets its due moments."""
    if not can_register(by, channel):
        raise PermissionDenied(_("Your role does not allow registering complaints from this channel."))
    unit = unit or by.unit
    if unit is None or not unit_in_scope(by, unit):
        raise ValidationError({"unit": _("Choose a unit within your own.")})
    complaint = Complaint(
        channel=channel, category=category, description=description, address=address,
        received_at=received_at or timezone.now(), lat=lat, lng=lng,
        complainant_name="" if is_anonymous else complainant_name.strip(),
        complainant_phone="" if is_anonymous else complainant_phone.strip(),
        is_anonymous=is_anonymous, unit=unit, intake_unit=unit, received_by=by, status=S.RECEIVED,
        external_ref=external_ref,
    )
    if complaint.received_at > timezone.now() + timedelta(minutes=5):
        raise ValidationError({"received_at": _("The time of receipt cannot be in the future.")})
    complaint.grid = grid_for_point(lat, lng)
    complaint.full_clean(exclude=["number", "grid"])
    with transaction.atomic():
        complaint.number = ComplaintNumberSequence.next_number(complaint.received_at)
        policy = policies.policy_for(channel, category.pk)
        complaint.accept_due_at = policies.accept_due(complaint, policy)
        if policy.reply_counts_from == "received":
            complaint.reply_due_at = policies.reply_due(complaint, policy=policy)
        complaint.save()
        record_event(complaint, AuditAction.CREATE, actor=by, after=audit_snapshot(complaint))
        _announce(complaint, "register", by)
    return complaint


# --- the workflow ---------------------------------------------------------------------------------------
def accept(complaint, *, by, note="", version=None):
    def change(c):
        c.accepted_at = timezone.now()
        policy = policies.policy_for(c.channel, c.category_id)
        if policy.reply_counts_from == "accepted" or c.reply_due_at is None:
            c.reply_due_at = policies.reply_due(c, policy=policy)

    return _act(complaint, "accept", by, change, version=version, note=note)


def reject(complaint, *, by, reason, version=None):
    """不予受理: the reason is required; it is the written answer to the complainant."""
    _required(reason=(reason or "").strip())

    def change(c):
        c.reject_reason = reason.strip()
        c.closed_at = timezone.now()

    return _act(complaint, "reject", by, change, version=version, note=reason)


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
        if handler is None or not handler.is_active or handler.unit_id is None or not handler.unit.path.startswith(unit.path):
            raise ValidationError({"handler": _("The handler must be an active member of the unit.")})

    def change(c):
        if c.unit_id == unit.pk:
            raise ValidationError({"unit": _("The complaint is already with this unit.")})
        extra = {"unit": unit.pk, "handler": getattr(handler, "pk", None)}
        c.previous_unit_id = c.unit_id
        c.unit = unit
        c.handler = handler
        c.dispatched_at = timezone.now()
        return extra

    return _act(complaint, "dispatch", by, change, version=version, note=note)


def send_back(complaint, *, by, reason, version=None):
    """The receiving unit returns a complaint that is not theirs, once, with a reason."""
    _required(reason=(reason or "").strip())

    def change(c):
        extra = {"unit": c.previous_unit_id}
        c.unit_id, c.previous_unit_id = c.previous_unit_id, c.unit_id
        c.handler = None
        c.sent_back_count += 1
        return extra

    return _act(complaint, "send_back", by, change, version=version, note=reason)


def start(complaint, *, by, note="", version=None):
    def change(c):
        if c.handler_id is None:
            c.handler = by
        return {"handler": c.handler_id}

    return _act(complaint, "start", by, change, version=version, note=note)


def reply(complaint, *, by, reply_text, version=None):
    """答复: the reply text is required; the follow-up visit is due from now."""
    _required(reply_text=(reply_text or "").strip())

    def change(c):
        c.reply_text = reply_text.strip()
        c.replied_at = timezone.now()
        c.replied_by = by
        c.visit_due_at = policies.visit_due(c)

    return _act(complaint, "reply", by, change, version=version)


def record_visit(complaint, *, by, satisfaction, note="", version=None):
    """回访 with the complainant's satisfaction (or that they could not be reached)."""
    _required(satisfaction=satisfaction)
    if satisfaction not in Satisfaction.values:
        raise ValidationError({"satisfaction": _("Choose one of the listed answers.")})

    def change(c):
        c.satisfaction = satisfaction
        c.visit_note = (note or "").strip()
        c.visited_at = timezone.now()
        return {"satisfaction": satisfaction}

    return _act(complaint, "record_visit", by, change, version=version, note=note)


def close(complaint, *, by, note="", version=None):
    def change(c):
        c.closed_at = timezone.now()
        if note:
            c.closure_note = note.strip()

    return _act(complaint, "close", by, change, version=version, note=note)


def reopen(complaint, *, by, reason, version=None):
    """An unsatisfied complainant: the complaint goes back to the unit that handled it with a new reply
    deadline from now, and counts as reopened."""
    _required(reason=(reason or "").strip())

    def change(c):
        extra = {"satisfaction": c.satisfaction}
        c.reopen_count += 1
        c.satisfaction = ""
        c.visited_at = c.closed_at = c.replied_at = None
        c.visit_due_at = None
        c.dispatched_at = timezone.now()
        c.reply_due_at = policies.reply_due(c, start=c.dispatched_at)
        return extra

    return _act(complaint, "reopen", by, change, version=version, note=reason)


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
            {"days": _("An extension is 1 to %(max)d %(unit)s.") % {"max": policy.max_extension, "unit": policy.unit}}
        )

    def change(c):
        ComplaintExtension.objects.create(complaint=c, requested_by=by, reason=reason.strip(), days=days)
        return {"extended_days": days}

    return _act(complaint, "request_extension", by, change, version=version, note=reason)


def decide_extension(complaint, *, by, decision, opinion="", version=None):
    """A supervisor approves or rejects the pending request; an approval moves the reply deadline."""
    _required(decision=decision)
    if decision not in (ExtensionDecision.APPROVED, ExtensionDecision.REJECTED):
        raise ValidationError({"decision": _("Approve or reject.")})

    def change(c):
        ext = ComplaintExtension.objects.select_for_update().get(complaint=c, decision=ExtensionDecision.PENDING)
        ext.decision, ext.decided_by, ext.decided_at, ext.opinion = decision, by, timezone.now(), (opinion or "").strip()
        if decision == ExtensionDecision.APPROVED:
            ext.reply_due_before = c.reply_due_at
            c.reply_due_at = ext.reply_due_after = policies.extended_reply_due(c, ext.days)
            c.extension_count += 1
            c.extended_days += ext.days
        ext.save()
        return {"reply_due_at": c.reply_due_at} if decision == ExtensionDecision.APPROVED else {}

    return _act(complaint, "decide_extension", by, change, version=version, note=opinion)


def merge(complaint, *, by, into, note="", version=None):
    """A duplicate: it points to the surviving record, takes status `merged` and is not counted again."""
    _required(into=into)
    if not isinstance(into, Complaint):
        into = Complaint.objects.filter(pk=into).first()
    if into is None or not in_scope(by, into):
        raise ValidationError({"into": _("Choose a complaint you can see.")})
    if into.pk == complaint.pk or into.status in (S.MERGED, S.REJECTED):
        raise ValidationError({"into": _("Choose another complaint that is neither merged nor rejected.")})

    def change(c):
        c.merged_into = into
        c.closed_at = timezone.now()
        return {"merged_into": into.pk}

    merged = _act(complaint, "merge", by, change, version=version, note=note)
    record_event(into, AuditAction.UPDATE, actor=by, verb="absorb_duplicate",
                 after={"duplicate": merged.pk, "duplicate_number": merged.number}, note=note)
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

    return _act(complaint, "close_on_the_spot", by, change, version=version, note=note)


SERVICES = {
    "accept": accept, "reject": reject, "dispatch": dispatch, "send_back": send_back, "start": start,
    "reply": reply, "record_visit": record_visit, "close": close, "reopen": reopen,
    "request_extension": request_extension, "decide_extension": decide_extension, "merge": merge,
    "close_on_the_spot": close_on_the_spot,
}
assert set(SERVICES) == set(TRANSITIONS), "every action in the table has its service"  # noqa: S101


def perform(slug, complaint, *, by, version=None, **inputs):
    """Runs action `slug` with the inputs the table declares for it (the API's and the UI's one door)."""
    names = TRANSITIONS[slug].fields
    return SERVICES[slug](complaint, by=by, version=version, **{k: v for k, v in inputs.items() if k in names})


# --- attachments and links -----------------------------------------------------------------------------
def add_attachment(complaint, upload, *, by, stage=AttachmentStage.EVIDENCE):
    """Stores an uploaded file after checking its real type (first bytes) and size; records the SHA-256."""
    if not in_scope(by, complaint):
        raise Http404
    if not by.has_role(*ATTACH_ROLES):
        raise PermissionDenied(_("Your role does not allow adding files."))
    if complaint.status in (S.MERGED, S.REJECTED):
        raise TransitionNotAllowed(_("Files cannot be added to a merged or rejected complaint."))
    if stage not in AttachmentStage.values:
        raise ValidationError({"stage": _("Choose one of the listed stages.")})
    limit = max_attachment_bytes()
    if upload.size is None or upload.size > limit:
        raise ValidationError({"file": _("The file is larger than %(mb)d MB.") % {"mb": limit // (1024 * 1024)}})
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    sniffed = sniff(head)
    if sniffed is None:
        raise ValidationError({"file": _("Only photos (JPEG, PNG, GIF, WebP, HEIC), audio (MP3, WAV, AMR, M4A, "
                                         "Ogg) and PDF documents are accepted.")})
    kind, content_type = sniffed
    upload.seek(0)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    attachment = ComplaintAttachment(
        complaint=complaint, kind=kind, stage=stage, content_type=content_type, size=upload.size,
        sha256=digest.hexdigest(), original_name=(upload.name or "")[:255], uploaded_by=by,
    )
    with transaction.atomic():
        attachment.file.save(f"{attachment.sha256}{attachment.extension}", upload, save=False)
        attachment.save()
        record_event(complaint, AuditAction.UPDATE, actor=by, verb="add_attachment",
                     after={"attachment": attachment.pk, "name": attachment.original_name, "sha256": attachment.sha256,
                            "kind": kind, "size": attachment.size})
    return attachment


def link_record(complaint, target, *, by=None):
    """Keeps the link from a complaint to the case or rectification item it spawned."""
    from django.contrib.contenttypes.models import ContentType

    with transaction.atomic():
        link, created = ComplaintLink.objects.get_or_create(
            complaint=complaint, content_type=ContentType.objects.get_for_model(target), object_id=str(target.pk),
            defaults={"created_by": by},
        )
        if created:
            record_event(complaint, AuditAction.UPDATE, actor=by, verb="link",
                         after={"model": link.content_type.model, "object_id": link.object_id})
    return link


EDITABLE_FIELDS = ("channel", "category", "description", "address", "lat", "lng", "complainant_name",
                   "complainant_phone", "is_anonymous", "received_at")
EDITABLE_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED})


def edit_complaint(complaint, *, by, changes, version=None):
    """Corrects the intake record (before dispatch): intake and supervisors, in scope, versioned, audited."""
    with transaction.atomic():
        locked = Complaint.objects.select_for_update(of=("self",)).select_related("category").get(pk=complaint.pk)
        if not in_scope(by, locked):
            raise Http404
        if not can_register(by, changes.get("channel", locked.channel)) or not by.has_role("intake", "squad_leader", "bureau_head"):
            raise PermissionDenied(_("Your role does not allow editing complaints."))
        if locked.status not in EDITABLE_STATUSES:
            raise TransitionNotAllowed(_("A complaint can be corrected only before it is dispatched."))
        before, raw_before = audit_snapshot(locked), (locked.complainant_name, locked.complainant_phone)
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
        after = audit_snapshot(locked)
        changed = [key for key in after if before.get(key) != after[key]]
        # A correction hidden by the mask is still recorded as a change of that field.
        for key, old in zip(("complainant_name", "complainant_phone"), raw_before, strict=True):
            if old != getattr(locked, key) and key not in changed:
                changed.append(key)
        if changed:
            record_event(locked, AuditAction.UPDATE, actor=by, before={k: before.get(k) for k in changed},
                         after={k: after[k] for k in changed})
    return locked
