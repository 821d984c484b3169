"""Issuing, correcting and voiding documents, and recording their service: the only writers of documents.

Refusals, in the order they are checked (as the workflow engine's): the record or document out of scope →
Http404; a role that may not act → PermissionDenied (403); a step that does not hold, a second document
where one is allowed, a required field empty, a document no longer in force → TransitionNotAllowed (409);
a missing reason or a bad proof of service → ValidationError (400). Nothing is written when one is raised.

The number is taken last, just before the document is saved, inside the issuing transaction
(numbering.next_number): a rollback gives it back, so the numbers of a unit, type and year run 1..N.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import Http404
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event
from enforcement.org.choices import UnitLevel
from enforcement.org.models import in_scope
from enforcement.versioning import StaleEdit, is_stale
from enforcement.workflow.core import Refusal
from enforcement.workflow.exceptions import TransitionNotAllowed

from .choices import DocumentStatus
from .models import Document, ServiceRecord
from .numbering import document_scope, format_number, next_number, pattern_for
from .permissions import act_roles
from .registry import spec_for, specs_for
from .rendering import PAPER_LANGUAGE, paper_date, render_html, render_pdf, sha256_hex

ISSUING_LEVELS = frozenset({UnitLevel.CITY, UnitLevel.DISTRICT})


def numbering_unit(unit):
    """The unit whose register numbers a document: the nearest bureau (city or district) at or above
    `unit` — a brigade or squadron issues in its bureau's name."""
    if unit is None:
        return None
    if unit.level in ISSUING_LEVELS:
        return unit
    for ancestor in reversed(list(unit.ancestors())):
        if ancestor.level in ISSUING_LEVELS:
            return ancestor
    return unit


def issuing_unit(spec, record, user):
    if spec.issuing_unit is not None:
        return spec.issuing_unit(record, user)
    own = getattr(user, "unit", None)
    if own is None or own.is_external:
        field = type(record)._default_manager.get_queryset().scope_field
        own = getattr(record, field)
    return numbering_unit(own)


# --- questions -----------------------------------------------------------------------------------------
def issue_refusal(spec, record, user):
    """None if `user` may issue `spec`'s type on `record` now, else the Refusal (why, in words)."""
    refusal = _state_refusal(spec, record, user)
    if refusal is None:
        missing = missing_fields(
            spec, paper_values(spec, record)
        )  # so that `issuable` offers only what issues
        if missing:
            return Refusal(409, missing_message(spec, missing))
    return refusal


def _state_refusal(spec, record, user, live_types=None):
    """The refusal that scope, role, step or a document already issued gives, before the paper's content.
    `live_types`: the types of the record's live documents, when the caller has read them already."""
    if not in_scope(user, record):
        return Refusal(404, _("Not found."))
    if not (user.roles & spec.roles):
        return Refusal(403, _("Your role does not allow issuing “%(document)s”.") % {"document": spec.name})
    if not spec.step.holds(record):
        return Refusal(409, str(spec.step.message))
    if spec.once and (
        spec.type in live_types
        if live_types is not None
        else Document.objects.of(record).live().filter(doc_type=spec.type).exists()
    ):
        return Refusal(
            409,
            _(
                "A “%(document)s” has already been issued for this record: correct it, or void it "
                "first, instead of issuing a second one."
            )
            % {"document": spec.name},
        )
    return None


def issue_options(record, user):
    """What the record's documents card offers `user`, in one pass over the types: (the specs that may be
    issued now, [(spec, words)] for those whose step has come that `user` may issue but the record lacks what
    the paper must say — an anonymous complainant has no name to address a notice to)."""
    issuable, held_back = [], []
    # One query for the "once" rule of every type, not one per type (a case has eleven).
    live_types = set(Document.objects.of(record).live().values_list("doc_type", flat=True))
    for spec in specs_for(type(record)):
        if _state_refusal(spec, record, user, live_types) is not None:
            continue
        missing = missing_fields(spec, paper_values(spec, record))
        if missing:
            held_back.append((spec, missing_message(spec, missing)))
        else:
            issuable.append(spec)
    return issuable, held_back


def issuable(record, user):
    """The document types `user` may issue on `record` now, in their declared order."""
    return issue_options(record, user)[0]


def documents_of(record):
    """The record's documents, newest first, with what a list shows (not the stored paper itself)."""
    return (
        Document.objects.of(record)
        .select_related("unit", "issued_by", "replaces", "service")
        .defer("html")
        .order_by("-issued_at", "-id")
    )


# --- acts ------------------------------------------------------------------------------------------------
def issue_document(record, doc_type, *, by):
    """Issues a document of `doc_type` on `record` for `by`: checks, numbers, renders and freezes it, and
    writes the event on the record's timeline. The PDF follows once the transaction has committed."""
    spec = spec_for(type(record), doc_type)
    if spec is None:
        raise Http404(_("This kind of document is not issued for this record."))
    with transaction.atomic():
        locked = _lock_record(record)
        refusal = issue_refusal(spec, locked, by)
        if refusal is not None:
            refusal.raise_()
        return _issue(spec, locked, by)


def correct_document(document, *, by, reason):
    """Issues a correction of `document` (更正): a new document, with a new number, rendered from the record
    as it is now, that names the one it replaces; the original stays, marked corrected."""
    reason = (reason or "").strip()
    with transaction.atomic():
        original = _lock_document(document)
        spec, record = _check_document(original, by, "correct")
        if original.status != DocumentStatus.ISSUED:
            raise TransitionNotAllowed(
                _("Only a document in force can be corrected: this one is “%(status)s”.")
                % {"status": original.get_status_display()}
            )
        if not reason:
            raise ValidationError({"reason": _("Say what the correction changes and why.")})
        record = _lock_record(record)
        original.status = DocumentStatus.CORRECTED
        original.version += 1
        original.save(update_fields=["status", "version"])
        correction = _issue(spec, record, by, replaces=original, reason=reason)
        record_event(
            original,
            AuditAction.UPDATE,
            actor=by,
            verb="correct_document",
            root=record,
            before={"status": DocumentStatus.ISSUED},
            after={"status": DocumentStatus.CORRECTED, "corrected_by": correction.number},
            note=reason,
        )
    return correction


def void_document(document, *, by, reason, version=None):
    """Voids (作废) `document`, with the reason; its number is never given again."""
    from .policies import VOID_NEEDS_REASON

    reason = (reason or "").strip()
    with transaction.atomic():
        locked = _lock_document(document)
        spec, record = _check_document(locked, by, "void")
        if locked.status != DocumentStatus.ISSUED:
            raise TransitionNotAllowed(
                _("This document is already “%(status)s”: it cannot be voided.")
                % {"status": locked.get_status_display()}
            )
        if is_stale(version, locked.version):
            raise StaleEdit()
        if not reason:
            raise ValidationError({"reason": VOID_NEEDS_REASON})
        locked.status = DocumentStatus.VOIDED
        locked.void_reason = reason
        locked.voided_by = by
        locked.voided_at = timezone.now()
        locked.version += 1
        locked.save(update_fields=["status", "void_reason", "voided_by", "voided_at", "version"])
        record_event(
            locked,
            AuditAction.UPDATE,
            actor=by,
            verb="void_document",
            root=record,
            before={"status": DocumentStatus.ISSUED},
            after={"status": DocumentStatus.VOIDED},
            note=reason,
        )
    return locked


SERVICE_FIELDS = (
    "method",
    "served_at",
    "recipient",
    "relation",
    "address",
    "refused",
    "witness",
    "consent_ref",
    "note",
)


def record_service(document, *, by, **fields):
    """Records the proof of service (送达回证) of `document`: one per document."""
    with transaction.atomic():
        locked = _lock_document(document)
        spec, record = _check_document(locked, by, "serve")
        if locked.status == DocumentStatus.VOIDED:
            raise TransitionNotAllowed(_("A void document is not served."))
        if ServiceRecord.objects.filter(document=locked).exists():
            raise TransitionNotAllowed(_("This document's service has already been recorded."))
        service = ServiceRecord(
            document=locked,
            recorded_by=by,
            **{k: v for k, v in fields.items() if k in SERVICE_FIELDS and v is not None},
        )
        for name in ("recipient", "relation", "address", "witness", "consent_ref", "note"):
            setattr(service, name, (getattr(service, name) or "").strip())
        if service.served_at is None:
            service.served_at = timezone.now()
        service.full_clean(exclude=["document", "recorded_by", "effective_at"])
        from .policies import served_effective_at

        service.effective_at = served_effective_at(service.method, service.served_at)
        service.save()
        if spec.served is not None:
            spec.served(record, service)
        after = {
            "document": locked.pk,
            "method": service.method,
            "recipient": service.recipient,
            "served_at": service.served_at,
            "refused": service.refused,
        }
        if spec.may_read is not None:  # every reader of the record reads its timeline: not whom a paper
            del after["recipient"]  # only some may read was served on (a complainant, 举报人保密)
        record_event(service, AuditAction.CREATE, actor=by, verb="serve_document", root=record, after=after)
    return service


# --- the PDF ------------------------------------------------------------------------------------------------
def schedule_pdf(document_id):
    """After the issuing transaction: the PDF is rendered by a worker (DOCUMENTS_RENDER_ASYNC), or here. If
    the broker cannot be reached, the first download renders it (ensure_pdf)."""
    if getattr(settings, "DOCUMENTS_RENDER_ASYNC", True):
        from enforcement.celery import send

        from .tasks import render_document_pdf_task

        send(render_document_pdf_task, document_id)
    else:
        ensure_pdf(document_id)


def ensure_pdf(document_id):
    """The document with its PDF, rendering and storing it from the frozen HTML if it has none yet (once:
    the row lock keeps two renderers from both storing)."""
    document = Document.objects.filter(pk=document_id).first()
    if document is None or document.pdf_sha256:
        return document
    with transaction.atomic():
        document = Document.objects.select_for_update().get(pk=document_id)
        if document.pdf_sha256:
            return document
        data = render_pdf(document.html)
        document.pdf_sha256 = sha256_hex(data)
        document.pdf_size = len(data)
        document.pdf.save(f"{document.pdf_sha256}.pdf", ContentFile(data), save=False)
        document.save(update_fields=["pdf", "pdf_sha256", "pdf_size"])
    return document


# --- inside the acts ------------------------------------------------------------------------------------------
def _lock_record(record):
    return type(record)._default_manager.select_for_update(of=("self",)).get(pk=record.pk)


def _lock_document(document):
    return Document.objects.select_for_update(of=("self",)).select_related("content_type").get(pk=document.pk)


def _check_document(document, user, act):
    """(spec, record) of a locked document `user` may take `act` on (permissions.act_roles), else the
    refusal."""
    record = document.record
    if record is None or not in_scope(user, record):
        raise Http404(_("Not found."))
    spec = document.spec
    if spec is None or not (user.roles & act_roles(spec, act)):
        raise PermissionDenied(
            _("Your role does not allow this on “%(document)s”.")
            % {"document": document.get_doc_type_display()}
        )
    return spec, record


def missing_fields(spec, values):
    return [str(f.label) for f in spec.fields if f.required and not str(values.get(f.key) or "").strip()]


def missing_message(spec, missing):
    separator = pgettext("list separator", ", ")
    return _("“%(document)s” cannot be issued yet: the record has no %(fields)s.") % {
        "document": spec.name,
        "fields": separator.join(missing),
    }


def paper_values(spec, record):
    with translation.override(PAPER_LANGUAGE):  # the paper's words (a channel, a category) are Chinese
        return {key: ("" if value is None else str(value)) for key, value in spec.context(record).items()}


def _issue(spec, record, by, *, replaces=None, reason=""):
    values = paper_values(spec, record)
    missing = missing_fields(spec, values)
    if missing:
        raise TransitionNotAllowed(missing_message(spec, missing))
    # A correction goes in the register of the document it corrects, whoever corrects it.
    unit = replaces.unit if replaces is not None else issuing_unit(spec, record, by)
    now = timezone.now()
    year = timezone.localdate(now).year
    pattern, digits = pattern_for(unit, spec.type)
    serial = next_number(document_scope(spec.type), unit=unit, period=str(year))  # last: the lock is short
    number = format_number(
        pattern, digits=digits, unit_name=unit.name, word=spec.document_type.word, year=year, serial=serial
    )
    limit = Document._meta.get_field("number").max_length
    if len(number) > limit:  # the database would refuse it (a 500); the rollback gives the serial back
        raise TransitionNotAllowed(
            _(
                "The numbering pattern of %(unit)s gives numbers longer than %(limit)s "
                "characters: an administrator must shorten it."
            )
            % {"unit": unit.name, "limit": limit}
        )
    if Document.objects.filter(number=number).exists():  # a pattern without {year}, {unit} or {word}
        raise TransitionNotAllowed(
            _(
                "The number %(number)s has already been given to another document: an "
                "administrator must set a numbering pattern for %(unit)s that tells them apart "
                "(with the year, the unit and the type word)."
            )
            % {"number": number, "unit": unit.name}
        )
    document = Document(
        doc_type=spec.type,
        year=year,
        serial=serial,
        unit=unit,
        issued_by=by,
        issued_at=now,
        record=record,
        number=number,
        values=values,
        replaces=replaces,
        correction_reason=reason,
    )
    document.html = render_html(spec.template, paper_context(spec, document, record, values))
    document.html_sha256 = sha256_hex(document.html)
    document.save(force_insert=True)
    record_event(
        document,
        AuditAction.CREATE,
        actor=by,
        verb="issue_document",
        root=record,
        after={
            "doc_type": spec.type,
            "number": document.number,
            "unit": unit.pk,
            **({"replaces": replaces.pk} if replaces else {}),
        },
        note=reason,
    )
    transaction.on_commit(lambda: schedule_pdf(document.pk))
    return document


def paper_context(spec, document, record, values):
    """What a document's template reads: the document, its record, its values by key, and `rows` — the
    fields as (label, value) in the paper's order."""
    return {
        "doc": document,
        "record": record,
        "values": values,
        "spec": spec,
        "paper_name": spec.document_type.paper_name,
        "authority": document.unit.name,
        "issued_date": paper_date(document.issued_at),
        "rows": [{"key": f.key, "label": f.label, "value": values.get(f.key, "")} for f in spec.fields],
        "addressee": values.get("addressee", ""),
    }
