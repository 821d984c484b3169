"""The page's action forms, one per action of a workflow's table, from the inputs it declares. Forms
collect input; the action's service decides and writes (a form never sets `status`)."""

from functools import cache

from django import forms
from django.utils.translation import gettext as _

from enforcement.org.forms import BootstrapFormMixin


@cache
def action_form_class(workflow, slug):
    transition = workflow.transitions[slug]

    class ActionForm(BootstrapFormMixin, forms.Form):
        version = forms.IntegerField(widget=forms.HiddenInput, required=False)

        def __init__(self, *args, user, obj, **kwargs):
            kwargs.setdefault("prefix", slug)
            kwargs.setdefault("initial", {"version": obj.version})
            super().__init__(*args, **kwargs)
            self.slug, self.transition = slug, transition
            added = []
            for name in transition.fields:
                self.fields[name] = workflow.inputs[name].form(name in transition.required, user, obj)
                added.append(self.fields[name])
            self.style_fields(added)

        def inputs(self):
            return {
                name: self.cleaned_data.get(name)
                for name in transition.fields
                if self.cleaned_data.get(name) not in (None, "")
            }

    ActionForm.__name__ = "".join(part.title() for part in slug.split("_")) + "Form"
    return ActionForm


# When an action leads, the others' filled (main) styles step back to an outlined one.
STEPPED_BACK = {"primary": "secondary", "success": "secondary"}


def action_forms(workflow, obj, user, *, bound=None):
    """The forms of the actions `user` may take on `obj` now, the leading one first (`Transition.leads`);
    `bound` (a submitted form) replaces its own. Each form says its `label`, `button_style` and
    `confirm_question` for `obj`."""
    found = [
        bound
        if bound is not None and bound.slug == slug
        else action_form_class(workflow, slug)(user=user, obj=obj)
        for slug in workflow.allowed_actions(obj, user)
    ]
    leading = next((form for form in found if form.transition.leads and form.transition.leads(obj)), None)
    for form in found:
        transition = form.transition
        form.label = transition.label_for(obj)
        form.button_style = transition.style
        if leading is not None:
            form.button_style = (
                "primary" if form is leading else STEPPED_BACK.get(transition.style, transition.style)
            )
        form.confirm_question = ""
        if transition.confirm is True:
            form.confirm_question = _("%(action)s: are you sure?") % {"action": form.label}
        elif transition.confirm:
            form.confirm_question = str(transition.confirm)
    if leading is not None:
        found.remove(leading)
        found.insert(0, leading)
    return found
