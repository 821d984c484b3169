"""The browser's side of an action: bind its form, run the service, say what happened."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.translation import gettext as _

from enforcement.versioning import StaleEdit

from .core import TransitionNotAllowed
from .forms import action_form_class


def add_errors(form, exc):
    """A service's ValidationError onto the form: field messages on their fields, the rest on top."""
    if hasattr(exc, "error_dict"):
        for name, errors in exc.message_dict.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


def submit_action(request, workflow, obj, slug):
    """Runs action `slug` from the posted form. Returns (saved record or None, bound form or None, status):
    the record when it succeeded (a success message is queued); else the form with its errors (400), or
    None when the record's state moved on (409) or a rule of duties refused the user (403), with the reason as a
    message — show the record afresh."""
    if slug not in workflow.transitions:
        raise Http404
    form = action_form_class(workflow, slug)(request.POST, user=request.user, obj=obj)
    if not form.is_valid():
        return None, form, 400
    try:
        done = workflow.perform(
            slug, obj, by=request.user, version=form.cleaned_data.get("version"), **form.inputs()
        )
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return None, None, 409
    except PermissionDenied as exc:  # a role or a separation of duties the service checks: said on the page
        messages.error(request, str(exc) or _("Your role does not allow this step."))
        return None, None, 403
    except StaleEdit:
        messages.error(request, StaleEdit.message)
        return None, None, 409
    except ValidationError as exc:
        add_errors(form, exc)
        return None, form, 400
    transition = workflow.transitions[slug]
    messages.success(
        request,
        str(transition.done) if transition.done else _("%(action)s: done.") % {"action": transition.label},
    )
    return done, None, 200
