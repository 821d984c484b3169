"""Requesting and deciding approvals, and the approver's inbox (PRODUCT §5).

`request_approval` and `decide_approval` run inside the caller's transaction: a domain workflow action
has locked the subject row, checked its own table and applies what the approval changes on the subject
(an approved extension moves the reply deadline). They write the approval record's audit event on the
subject's timeline (`root=subject`) and announce it after commit (signals.py).

Refusals: a role that does not decide this kind, one's own request, or a person the kind excludes (the
record's handler) → PermissionDenied (403); a second pending request of a kind, or a decision on nothing
pending → TransitionNotAllowed (409); no reason or no valid decision → ValidationError (400). Nothing is
written when any of them is raised.
"""

from functools import partial, reduce
from itertools import groupby
from operator import or_

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import CharField, F, Q, Value
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditAction
from enforcement.audit.services import changed, record_event, snapshot
from enforcement.org.models import in_scope
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import registry
from .choices import DECIDED, ApprovalDecision
from .models import ApprovalRecord
from .signals import approval_decided, approval_requested

PENDING = ApprovalDecision.PENDING


# The steps these services write on the subject's timeline (it reads a verb without a workflow through
# gettext, so these msgids translate them).
def pending_for(subject, kind):
    """The pending approval of `kind` for `subject`, or None (one query; there is at most one)."""
    kind = registry.resolve(kind)
    approvals = kind.model_class._default_manager.filter(
        **{kind.subject_field: subject}, kind=kind.slug, decision=PENDING
    )
    return approvals.first()


# --- requesting -------------------------------------------------------------------------------------------
def request_approval(kind, subject, *, by, reason, due_at=None, **fields):
    """Records `by`'s request for a decision of `kind` on `subject` (the caller's transaction, the subject
    locked). `fields` are the concrete model's own (e.g. an extension's `days`)."""
    kind = registry.resolve(kind)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": _("Give the reason for the request.")})
    if pending_for(subject, kind) is not None:
        raise TransitionNotAllowed(
            _("A request for “%(kind)s” is already waiting for a decision.") % {"kind": kind.label}
        )
    approval = kind.model_class(
        kind=kind.slug,
        requested_by=by,
        requested_at=timezone.now(),
        reason=reason,
        due_at=due_at,
        **{kind.subject_field: subject},
        **fields,
    )
    approval.save()
    event = record_event(
        approval,
        AuditAction.CREATE,
        actor=by,
        after=snapshot(approval),
        verb="request_approval",
        note=reason,
        root=subject,
    )
    transaction.on_commit(
        partial(
            approval_requested.send,
            sender=kind.model_class,
            kind=kind.slug,
            approval_id=approval.pk,
            subject_id=subject.pk,
            actor_id=by.pk,
            event_id=event.pk,
        )
    )
    return approval


# --- deciding ---------------------------------------------------------------------------------------------
def decision_refusal(kind, approval, subject, user):
    """None if `user` may decide `approval` (of `kind`, about `subject`) now, else the exception that says
    why. Costs no query: the domain model's guard asks it on every detail page."""
    kind = registry.resolve(kind)
    if not in_scope(user, subject):
        return Http404(_("Not found."))
    if not kind.role_allows(user):
        return PermissionDenied(_("Your role does not decide “%(kind)s”.") % {"kind": kind.label})
    if approval is None or not approval.is_pending:
        return TransitionNotAllowed(_("There is no request waiting for a decision."))
    if approval.requested_by_id == user.pk:
        return PermissionDenied(_("Nobody decides their own request: another supervisor decides it."))
    if user.pk in kind.excluded_deciders(subject):
        return PermissionDenied(
            _("You handle this %(record)s, so another supervisor decides the request.")
            % {"record": subject._meta.verbose_name}
        )
    return None


def may_decide(kind, approval, subject, user):
    return decision_refusal(kind, approval, subject, user) is None


def decide_approval(kind_or_approval, subject, *, by, decision, opinion="", **fields):
    """Records `by`'s decision on the pending approval (given, or the pending one of the kind given) about
    `subject`, inside the caller's transaction. `fields` are the concrete model's own results of the
    decision (e.g. the extension's reply deadline before and after); they are saved with it and shown on
    the subject's timeline."""
    if isinstance(kind_or_approval, ApprovalRecord):
        kind = kind_or_approval.approval_kind
        # Only an approval about `subject`: the caller checked the subject's scope, not the approval's.
        approval = (
            kind.model_class._default_manager.select_for_update()
            .filter(pk=kind_or_approval.pk, **{kind.subject_field: subject})
            .first()
        )
    else:
        kind = registry.resolve(kind_or_approval)
        approval = (
            kind.model_class._default_manager.select_for_update()
            .filter(**{kind.subject_field: subject}, kind=kind.slug, decision=PENDING)
            .first()
        )
    refusal = decision_refusal(kind, approval, subject, by)
    if refusal is not None:
        raise refusal
    if decision not in DECIDED:
        raise ValidationError({"decision": _("Choose to approve or to reject.")})
    before = snapshot(approval)
    approval.decision, approval.decided_by, approval.decided_at = decision, by, timezone.now()
    approval.opinion = (opinion or "").strip()
    for name, value in fields.items():
        setattr(approval, name, value)
    approval.save()
    old, new = changed(before, snapshot(approval))
    event = record_event(
        approval,
        AuditAction.TRANSITION,
        actor=by,
        before=old,
        after=new,
        verb="decide_approval",
        note=approval.opinion,
        root=subject,
    )
    transaction.on_commit(
        partial(
            approval_decided.send,
            sender=kind.model_class,
            kind=kind.slug,
            approval_id=approval.pk,
            subject_id=subject.pk,
            decision=decision,
            actor_id=by.pk,
            event_id=event.pk,
        )
    )
    return approval


# --- the approver's inbox ---------------------------------------------------------------------------------
class ApprovalInbox:
    """The approvals `user` may decide, of every registered kind, oldest deadline first (then the oldest
    request): only kinds whose decider roles they hold, only subjects in their scope (the subject model's
    `visible_to`), never their own requests nor the ones the kind excludes them from.

    A sequence a Paginator pages through: `count()` is one query, a page is one query over the union of
    the approval models (ids and sort keys only) plus one per model on the page, loading its rows with
    subject and people joined."""

    ordered = True  # for the Paginator: the union is sorted

    def __init__(self, user, *, kind=None, decision=PENDING):
        kinds = registry.kinds_decided_by(user)
        if kind is not None:
            kinds = [k for k in kinds if k.slug == kind]
        self.user, self.decision = user, decision
        branches = [self._branch(model_kinds) for _model, model_kinds in _by_model(kinds)]
        if not branches:
            self._rows = None
        else:
            rows = branches[0].union(*branches[1:], all=True) if len(branches) > 1 else branches[0]
            self._rows = rows.order_by(F("due_at").asc(nulls_last=True), "requested_at", "id")

    def _branch(self, kinds):
        first = kinds[0]
        model, user = first.model_class, self.user
        visible = first.subject_model._default_manager.visible_to(user)
        if first.open_subjects is not None:
            visible = visible.filter(first.open_subjects)
        visible = visible.order_by().values("pk")
        allowed = []
        for kind in kinds:
            excluded = kind.excluded_filter(user)
            allowed.append(Q(kind=kind.slug) & ~excluded if excluded is not None else Q(kind=kind.slug))
        rows = model._default_manager.filter(reduce(or_, allowed), **{f"{first.subject_field}__in": visible})
        rows = rows.exclude(requested_by=user)
        if self.decision:
            rows = rows.filter(decision=self.decision)
        label = Value(model._meta.label_lower, output_field=CharField())
        return (
            rows.order_by().annotate(model_label=label).values("id", "model_label", "due_at", "requested_at")
        )

    def count(self):
        return 0 if self._rows is None else self._rows.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, index):
        if not isinstance(index, slice):
            raise TypeError("The inbox is read in pages (slices).")
        if self._rows is None:
            return []
        rows = list(self._rows[index])
        loaded = {}
        for label, group in groupby(
            sorted(rows, key=lambda row: row["model_label"]), key=lambda r: r["model_label"]
        ):
            kinds = [k for k in registry.all_kinds() if k.model_class._meta.label_lower == label]
            model = kinds[0].model_class
            ids = [row["id"] for row in group]
            related = (kinds[0].subject_field, "requested_by", "decided_by")
            for approval in model._default_manager.select_related(*related).filter(pk__in=ids):
                loaded[label, approval.pk] = approval
        return [InboxEntry(loaded[row["model_label"], row["id"]]) for row in rows]


class InboxEntry:
    """One row of the inbox: the approval, its kind, the record it is about and where that is."""

    def __init__(self, approval):
        self.approval = approval
        self.kind = approval.approval_kind
        self.subject = self.kind.subject_of(approval)
        self.subject_text = str(self.subject)
        self.subject_url = self.kind.url(self.subject)


def _by_model(kinds):
    groups = {}
    for kind in kinds:
        groups.setdefault(kind.model_class, []).append(kind)
    return list(groups.items())


def inbox_for(user, *, kind=None, decision=PENDING):
    """The approver's inbox (see ApprovalInbox); `decision` None lists every decision."""
    return ApprovalInbox(user, kind=kind, decision=decision)


def can_use_inbox(user):
    """Whether `user` decides any registered kind (the navigation shows the inbox to them)."""
    return bool(registry.kinds_decided_by(user))
