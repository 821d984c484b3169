"""Transitions, guards, refusals and `Workflow.run`: the one door through which a record's status changes.

Refusals, in the order they are checked: out of scope → Http404 (the record's existence is not revealed); a
role that may not act → PermissionDenied (403); a status that does not allow the action, or a guard that
says no → TransitionNotAllowed (409); a stale version → StaleEdit (409). Bad input in the action's own
`change` raises ValidationError (400). Nothing is written when any of them is raised."""

from dataclasses import dataclass
from functools import cached_property, partial

from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.audit.models import AuditAction
from enforcement.audit.services import changed, record_event, snapshot
from enforcement.org.models import in_scope
from enforcement.versioning import StaleEdit, is_stale

from .exceptions import TransitionNotAllowed
from .signals import transitioned


@dataclass(frozen=True)
class Refusal:
    """Why an action is refused: `status` 404 (out of scope), 403 (role) or 409 (state)."""

    status: int
    message: str

    def raise_(self):
        if self.status == 404:
            raise Http404(self.message)
        if self.status == 403:
            raise PermissionDenied(self.message)
        raise TransitionNotAllowed(self.message)


# Steps that are not transitions but appear on timelines of any record (platform services write them).
PLATFORM_STEPS = {
    "add_attachment": gettext_lazy("Add attachment"),  # enforcement/files
    "link": gettext_lazy("Link a record"),
    "request_approval": gettext_lazy("Request approval"),  # enforcement/approvals
    "decide_approval": gettext_lazy("Decide approval"),
    "issue_document": gettext_lazy("Issue document"),  # enforcement/documents
    "correct_document": gettext_lazy("Correct document"),
    "void_document": gettext_lazy("Void document"),
    "serve_document": gettext_lazy("Record service"),
    "submit_month": gettext_lazy("Submit the month's statistics"),  # enforcement/stats
    "resubmit_month": gettext_lazy("Submit the month's statistics again"),
    "unlock_month": gettext_lazy("Unlock the month's statistics"),
    "issue_api_token": gettext_lazy("Sign in to the API on a device"),  # enforcement/org/tokens.py
    "revoke_api_token": gettext_lazy("Revoke an API token"),
    "sign_out_api_token": gettext_lazy("Sign out of the API on a device"),
    "end_api_token_password": gettext_lazy("API token ended by a new password"),
}

# Inputs an action may take without a service of its own: they go on the record's timeline as its note.
PLAIN_INPUTS = frozenset({"note", "reason"})

_workflows = {}


class Workflow:
    """A model's transition table and what follows from it. `inputs` maps each input name the table uses
    to an `inputs.Input` (its form field and API field); `steps` labels the other verbs the app writes on
    the record's timeline (e.g. "absorb_duplicate"); `lock_related` are select_related names loaded with the
    locked row (what guards and changes read); `notices` maps an action to who hears of it once it is done
    (an `enforcement.notifications.events.Notice`)."""

    def __init__(
        self,
        model,
        transitions,
        *,
        inputs=None,
        steps=None,
        status_field="status",
        lock_related=(),
        notices=None,
    ):
        self.model_label = model
        self.transitions = dict(transitions)
        self.inputs = dict(inputs or {})
        self.steps = dict(steps or {})
        self.notices = dict(notices or {})
        unknown = set(self.notices) - set(self.transitions)
        if unknown:
            raise ValueError(
                f"Workflow {model}: notices for {sorted(unknown)}, which are not actions of its table."
            )
        self.status_field = status_field
        self.lock_related = tuple(lock_related)
        self.services = {}
        missing = {name for t in self.transitions.values() for name in t.fields} - set(self.inputs)
        if missing:
            raise ValueError(
                f"Workflow {model}: inputs {sorted(missing)} are used by the table but not declared."
            )
        _workflows[model.lower()] = self

    @cached_property
    def model(self):
        return apps.get_model(self.model_label)

    def choices(self):
        return [(slug, t.label) for slug, t in self.transitions.items()]

    # --- questions -------------------------------------------------------------------------------------
    def refusal(self, obj, slug, user):
        """None if `user` may take action `slug` on `obj` now, else the Refusal."""
        transition = self.transitions.get(slug)
        if transition is None:
            return Refusal(404, _("Unknown action."))
        if not in_scope(user, obj):
            return Refusal(404, _("Not found."))
        if not (user.roles & transition.roles):
            return Refusal(403, _("Your role does not allow “%(action)s”.") % {"action": transition.label})
        # A record may refuse an actor beyond the roles (a campaign is managed by its lead unit, not by the
        # units taking part, which see it): `obj.actor_refusal(user) -> words or None`, a 403.
        actor_refusal = getattr(obj, "actor_refusal", None)
        words = actor_refusal(user) if actor_refusal is not None else None
        if words:
            return Refusal(403, str(words))
        status = getattr(obj, self.status_field)
        if status not in transition.sources:
            return Refusal(
                409,
                _("This %(record)s is “%(status)s”: “%(action)s” is not possible now.")
                % {
                    "record": self.model._meta.verbose_name,
                    "status": self.status_label(status),
                    "action": transition.label,
                },
            )
        if transition.guard is not None and not transition.guard.allows(obj, user):
            return Refusal(409, transition.guard.words(obj, user))
        return None

    def allowed_actions(self, obj, user):
        return [slug for slug in self.transitions if self.refusal(obj, slug, user) is None]

    def status_label(self, status):
        choices = dict(self.model._meta.get_field(self.status_field).flatchoices)
        return str(choices.get(status, status))

    def step_label(self, verb):
        if verb in self.transitions:
            return self.transitions[verb].label
        return self.steps.get(verb) or PLATFORM_STEPS.get(verb)

    # --- the one door ----------------------------------------------------------------------------------
    def lock(self, obj):
        queryset = self.model._default_manager.select_for_update(of=("self",))
        if self.lock_related:
            queryset = queryset.select_related(*self.lock_related)
        return queryset.get(pk=obj.pk)

    def run(self, obj, slug, *, by, change=None, version=None, note="", extra=None):
        """Runs action `slug` on `obj` for `by`: `change(locked)` applies the action's edits to the locked
        row (and may return audit extras that are not fields of the record). Returns the saved row."""
        transition = self.transitions[slug]
        with transaction.atomic():
            locked = self.lock(obj)
            refusal = self.refusal(locked, slug, by)
            if refusal is not None:
                refusal.raise_()
            if is_stale(version, locked.version):
                raise StaleEdit()
            before = snapshot(locked)
            from_status = getattr(locked, self.status_field)
            details = (change(locked) if change is not None else None) or {}
            if transition.target:
                setattr(locked, self.status_field, transition.target)
            locked.save_versioned()
            old, new = changed(before, snapshot(locked))
            old[self.status_field], new[self.status_field] = from_status, getattr(locked, self.status_field)
            event = record_event(
                locked,
                AuditAction.TRANSITION,
                actor=by,
                verb=slug,
                before=old,
                after={**new, **details, **(extra or {})},
                note=note,
            )
            transaction.on_commit(
                partial(
                    transitioned.send,
                    sender=self.model,
                    instance_id=locked.pk,
                    action=slug,
                    event_id=event.pk,
                    from_status=from_status,
                    to_status=getattr(locked, self.status_field),
                    actor_id=getattr(by, "pk", None),
                )
            )
        return locked

    # --- services ---------------------------------------------------------------------------------------
    def action(self, slug):
        """Decorator: registers the service function of action `slug` (one per action of the table)."""
        if slug not in self.transitions:
            raise ValueError(f"{slug!r} is not an action of {self.model_label}.")

        def register(function):
            self.services[slug] = function
            return function

        return register

    def check_services(self):
        """Every action that takes more than a note or a reason has a service of its own."""
        missing = {
            slug
            for slug, t in self.transitions.items()
            if slug not in self.services and not set(t.fields) <= PLAIN_INPUTS
        }
        if missing:
            raise ValueError(f"Workflow {self.model_label}: actions without a service: {sorted(missing)}.")

    def _plain_service(self, slug):
        """The service of an action that only changes the status, with a note or a reason for the record."""
        transition = self.transitions[slug]

        def service(obj, *, by, version=None, **inputs):
            missing = {
                name: _("This field is required.")
                for name in transition.required
                if not str(inputs.get(name) or "").strip()
            }
            if missing:
                raise ValidationError(missing)
            note = " ".join(str(inputs[name]).strip() for name in transition.fields if inputs.get(name))
            return self.run(obj, slug, by=by, version=version, note=note)

        return service

    def perform(self, slug, obj, *, by, version=None, **inputs):
        """Runs action `slug` with the inputs the table declares for it (the API's and the UI's one door)."""
        if slug not in self.transitions:
            raise Http404(_("Unknown action."))
        names = self.transitions[slug].fields
        service = self.services.get(slug) or self._plain_service(slug)
        return service(obj, by=by, version=version, **{k: v for k, v in inputs.items() if k in names})


def workflow_for(model):
    """The workflow declared for a model class (or "app_label.model"), or None."""
    label = model if isinstance(model, str) else model._meta.label
    return _workflows.get(label.lower())


def all_workflows():
    return list(_workflows.values())


def step_label(model, verb):
    """A timeline step in the reader's language: the table's label, the app's or the platform's, else the
    verb's words."""
    if not verb:
        return ""
    workflow = workflow_for(model)
    label = workflow.step_label(verb) if workflow is not None else PLATFORM_STEPS.get(verb)
    return str(label) if label else _(capfirst(verb.replace("_", " ")))
