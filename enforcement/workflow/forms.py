"""The page's action forms, one per action of a workflow's table, from the inputs it declares. Forms
collect input; the action's service decides and writes (a form never sets `status`)."""

from functools import cache

from django import forms

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
            return {name: self.cleaned_data.get(name) for name in transition.fields
                    if self.cleaned_data.get(name) not in (None, "")}

    ActionForm.__name__ = "".join(part.title() for part in slug.split("_")) + "Form"
    return ActionForm


def action_forms(workflow, obj, user, *, bound=None):
    """The forms of the actions `user` may take on `obj` now; `bound` (a submitted form) replaces its own."""
    return [
        bound if bound is not None and bound.slug == slug else action_form_class(workflow, slug)(user=user, obj=obj)
        for slug in workflow.allowed_actions(obj, user)
    ]
