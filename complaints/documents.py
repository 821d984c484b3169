"""The documents issued on complaints (PRODUCT §2, §6), declared for the platform's documents service
(enforcement/documents/registry.py): each with the step at which it may be issued, the fields it carries in
the order of the paper form, and its template.

- 受理告知书: a petition (letter, visit, petition) accepted is told so in writing (信访工作条例 Art. 23).
- 不予受理告知书: a complaint rejected is told why in writing, with the reason.
- 答复意见书: the reply, once it is recorded; one per reply (a reopened complaint's new reply has its own).
- 交办单: the work order to the unit a complaint is dispatched to; one per dispatch. It does not name the
  complainant (举报人保密): the unit reads the matter, not who reported it.
"""

from django.utils.translation import gettext_lazy as _

from enforcement.documents.models import Document
from enforcement.documents.registry import DocumentSpec, Field, Step, register
from enforcement.documents.rendering import paper_date, paper_moment

from .choices import INTAKE, PETITION_CHANNELS, SUPERVISORS, ComplaintStatus
from .permissions import can_see_complainant

S = ComplaintStatus
ISSUERS = INTAKE | SUPERVISORS
NAMES_COMPLAINANT = _(
    "This document names the complainant: only the intake desk and supervisors read it "
    "(the complainant's identity is kept confidential)."
)


def _common(complaint):
    return {
        "complaint_number": complaint.number,
        "addressee": "" if complaint.is_anonymous else complaint.complainant_name,
        "received_at": paper_date(complaint.received_at),
        "channel": complaint.get_channel_display(),
        "matter": complaint.description,
        "address": complaint.address,
    }


def acceptance_context(complaint):
    return {
        **_common(complaint),
        "accepted_at": paper_date(complaint.accepted_at),
        "category": complaint.category.name if complaint.category_id else "",
        "reply_due": paper_date(complaint.reply_due_at),
    }


def refusal_context(complaint):
    return {**_common(complaint), "reason": complaint.reject_reason}


def reply_context(complaint):
    return {
        **_common(complaint),
        "reply": complaint.reply_text,
        "replied_at": paper_date(complaint.replied_at),
        "is_petition": complaint.channel in PETITION_CHANNELS,
    }


def work_order_context(complaint):
    handler = complaint.handler
    return {
        "complaint_number": complaint.number,
        "addressee": complaint.unit.name,
        "received_at": paper_moment(complaint.received_at),
        "channel": complaint.get_channel_display(),
        "category": complaint.category.name if complaint.category_id else "",
        "address": complaint.address,
        "grid": complaint.grid.code if complaint.grid_id else "",
        "matter": complaint.description,
        "unit": complaint.unit.name,
        "handler": (handler.full_name or handler.username) if handler else "",
        "dispatched_at": paper_moment(complaint.dispatched_at),
        "reply_due": paper_moment(complaint.reply_due_at),
    }


def _issued_since(complaint, doc_type, moment):
    return Document.objects.of(complaint).live().filter(doc_type=doc_type, issued_at__gte=moment).exists()


def _reply_pending_letter(complaint):
    return (
        complaint.status in {S.REPLIED, S.VISITED, S.CLOSED}
        and complaint.replied_at is not None
        and not complaint.on_the_spot
        and not _issued_since(complaint, "reply_letter", complaint.replied_at)
    )


def _dispatch_pending_order(complaint):
    return (
        complaint.status in {S.DISPATCHED, S.IN_PROGRESS}
        and complaint.dispatched_at is not None
        and not _issued_since(complaint, "work_order", complaint.dispatched_at)
    )


ADDRESSED_TO = (  # what every paper to the complainant opens with, in the paper's order
    Field("addressee", _("complainant's name")),
    Field("complaint_number", _("number")),
    Field("received_at", _("received on")),
)


def to_complainant(doc_type, step, fields, context, **options):
    """A paper addressed to the complainant: issued by the intake desk or a supervisor, and read only by
    those who may see the complainant (举报人保密)."""
    return register(
        DocumentSpec(
            type=doc_type,
            model="complaints.Complaint",
            step=step,
            fields=ADDRESSED_TO + fields,
            context=context,
            template=f"complaints/documents/{doc_type}.html",
            roles=ISSUERS,
            may_read=can_see_complainant,
            read_message=NAMES_COMPLAINANT,
            **options,
        )
    )


ACCEPTANCE_NOTICE = to_complainant(
    "acceptance_notice",
    Step(
        lambda c: (
            c.channel in PETITION_CHANNELS
            and c.accepted_at is not None
            and c.status not in {S.RECEIVED, S.REJECTED, S.MERGED}
        ),
        _(
            "An acceptance notice is issued for a petition (a letter, a visit or a petition) once it has been "
            "accepted (Regulations on Petitions, Art. 23)."
        ),
    ),
    (
        Field("channel", _("channel")),
        Field("matter", _("the matter")),
        Field("accepted_at", _("accepted on")),
        Field("reply_due", _("reply by"), required=False),
    ),
    acceptance_context,
    once=True,
)

REFUSAL_NOTICE = to_complainant(
    "refusal_notice",
    Step(
        lambda c: c.status == S.REJECTED,
        _("A notice of refusal is issued once the complaint has been rejected (不予受理), with its reason."),
    ),
    (
        Field("channel", _("channel")),
        Field("matter", _("the matter")),
        Field("reason", _("reason for rejection")),
    ),
    refusal_context,
    once=True,
)

REPLY_LETTER = to_complainant(
    "reply_letter",
    Step(
        _reply_pending_letter,
        _("A reply letter is issued once the reply has been recorded, one for each reply."),
    ),
    (
        Field("matter", _("the matter")),
        Field("reply", _("reply")),
        Field("replied_at", _("replied on")),
    ),
    reply_context,
)

WORK_ORDER = register(
    DocumentSpec(
        type="work_order",
        model="complaints.Complaint",
        step=Step(
            _dispatch_pending_order,
            _("A work order is issued once the complaint has been dispatched, one for each dispatch."),
        ),
        fields=(
            Field("complaint_number", _("number")),
            Field("received_at", _("received at")),
            Field("channel", _("channel")),
            Field("category", _("category")),
            Field("address", _("address")),
            Field("grid", _("grid"), required=False),
            Field("matter", _("the matter")),
            Field("unit", _("to unit")),
            Field("handler", _("handler"), required=False),
            Field("dispatched_at", _("dispatched at")),
            Field("reply_due", _("reply by"), required=False),
        ),
        context=work_order_context,
        template="complaints/documents/work_order.html",
        roles=ISSUERS,
    )
)
