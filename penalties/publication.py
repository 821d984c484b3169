"""行政处罚决定公开 (Art. 48): an administrator or the bureau head publishes a decision with a social impact;
the public page and feed (no login) list it with the party's personal data redacted — an individual's ID
number and address never, their name as surname and 某; an organisation's name and credit code shown. A
publication whose decision is varied, revoked or declared unlawful is withdrawn within 3 working days with
the reason stated (Art. 48(2)); the reminder sweep watches that deadline."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from cases.models import Case
from enforcement.audit.models import AuditAction
from enforcement.audit.services import record_event
from enforcement.org.choices import Role
from enforcement.org.models import in_scope
from enforcement.workdays import calendar
from enforcement.workdays.periods import PeriodUnit
from enforcement.workflow.exceptions import TransitionNotAllowed

from .models import Publication, PublicationStatus

PUBLISHERS = frozenset({Role.ADMIN, Role.BUREAU_HEAD})
WITHDRAW_WORKING_DAYS = 3  # Art. 48(2)


def redacted_party(party):
    """What the public sees of the party: an organisation's name and credit code; an individual's surname
    and 某 (never the ID number, the address or the phone)."""
    if party is None:
        return {"name": "", "identity": ""}
    if party.party_type == "organisation":
        return {"name": party.name, "identity": party.credit_code or ""}
    name = (party.name or "").strip()
    return {"name": (name[:1] + "某" * max(1, len(name) - 1)) if name else "", "identity": ""}


def redacted_text(text, party):
    """Free text with the individual party's full name, ID number, phone and address replaced by their
    redacted forms (clerks write "当事人张三（身份证号…）" in the facts)."""
    text = text or ""
    if party is None or party.party_type == "organisation":
        return text
    hidden = redacted_party(party)["name"]
    for secret, shown in (
        (party.id_number, "（身份证号码略）"),
        (party.phone, "（电话略）"),
        (party.address, "（住址略）"),
        (party.name, hidden),
    ):
        if secret and secret.strip():
            text = text.replace(secret.strip(), shown)
    return text


def _values(case):
    from enforcement.documents.models import Document

    decision = (
        Document.objects.of(case)
        .live()
        .filter(doc_type__in=("penalty_decision", "on_the_spot_decision"))
        .order_by("-issued_at")
        .first()
    )
    penalties = [
        {
            "kind": p.kind,
            "label": str(p.get_kind_display()),
            "amount": str(p.amount) if p.amount is not None else "",
        }
        for p in case.penalties.all()
        if p.stage == "decided"
    ]
    return {
        "decision_number": decision.number if decision else case.number,
        "decided_on": timezone.localtime(case.decided_at).date().isoformat(),
        "unit": case.unit.name,
        "party": redacted_party(case.party),
        "category": case.category.name if case.category_id else "",
        "facts": redacted_text(case.facts, case.party),
        "legal_basis": case.legal_basis,
        "penalty_basis": case.penalty_basis,
        "penalties": penalties,
    }


def publish(case, *, by):
    if not in_scope(by, case):
        raise Http404(_("Not found."))
    if not (by.roles & PUBLISHERS):
        raise PermissionDenied(_("Only an administrator or the bureau head publishes a decision."))
    if case.decided_at is None or case.status in ("revoked", "transferred", "no_penalty", "not_filed"):
        raise TransitionNotAllowed(_("Only a penalty decision is published (Art. 48)."))
    with transaction.atomic():
        locked = Case.objects.select_for_update().select_related("party", "unit", "category").get(pk=case.pk)
        try:
            with transaction.atomic():
                publication = Publication.objects.create(
                    case=locked, unit_id=locked.unit_id, values=_values(locked), published_by=by, handler=by
                )
        except IntegrityError:
            raise TransitionNotAllowed(_("This decision is already published.")) from None
        record_event(
            publication,
            AuditAction.CREATE,
            actor=by,
            verb="publish",
            after={"status": "published"},
            root=locked,
        )
    return publication


def withdraw(publication, *, by, reason):
    if not in_scope(by, publication):
        raise Http404(_("Not found."))
    if not (by.roles & PUBLISHERS):
        raise PermissionDenied(_("Only an administrator or the bureau head withdraws a publication."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("State why the publication is withdrawn (Art. 48).")})
    with transaction.atomic():
        locked = Publication.objects.select_for_update().get(pk=publication.pk)
        if locked.status != PublicationStatus.PUBLISHED:
            raise TransitionNotAllowed(_("This publication has already been withdrawn."))
        locked.status, locked.withdrawn_at, locked.withdrawn_by = (
            PublicationStatus.WITHDRAWN,
            timezone.now(),
            by,
        )
        locked.withdraw_reason = reason
        locked.save()
        record_event(
            locked,
            AuditAction.UPDATE,
            actor=by,
            verb="withdraw_publication",
            after={"status": locked.status},
            note=reason,
            root=locked.case,
        )
    return locked


def decision_changed(case, when=None):
    """The decision was varied, revoked or declared unlawful: its live publication is due to be withdrawn
    within 3 working days (inside the caller's transaction)."""
    when = when or timezone.now()
    due = calendar.get_calendar().due_after(when, WITHDRAW_WORKING_DAYS, PeriodUnit.WORKING_DAYS)
    Publication.objects.filter(
        case=case, status=PublicationStatus.PUBLISHED, withdraw_due_at__isnull=True
    ).update(withdraw_due_at=due)


def public_decisions():
    """What the public page lists: live publications, newest first (no scoping: it is public)."""
    return Publication.objects.filter(status=PublicationStatus.PUBLISHED).order_by("-published_at", "-id")
