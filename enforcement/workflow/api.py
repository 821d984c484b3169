"""The API's side of a workflow: `POST /api/v1/<resource>/<id>/<action>/` for every action of the table,
with a serializer built from the inputs it declares, and `allowed_actions` for detail responses."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.decorators import action

ACTION_PREFIX = "act_"  # methods are act_<slug> (a `dispatch` method would replace the view's own)


def action_serializer(workflow, slug):
    transition = workflow.transitions[slug]
    attrs = {name: workflow.inputs[name].api(name in transition.required) for name in transition.fields}
    attrs["version"] = serializers.IntegerField(
        required=False, help_text=_("The version you read; a newer one on the server answers 409.")
    )
    prefix = workflow.model_label.split(".")[-1]
    name = prefix + "".join(part.title() for part in slug.split("_")) + "ActionSerializer"
    return type(name, (serializers.Serializer,), attrs)


def allowed_actions_field(workflow):
    """A serializer method field's schema: the list of this workflow's action slugs."""
    return extend_schema_field(
        serializers.ListField(child=serializers.ChoiceField(choices=list(workflow.transitions)))
    )


class WorkflowActionsMixin:
    """Gives a viewset one POST route per action of `workflow`. The viewset's `get_object()` applies the
    scoping rule (out of scope → 404) and `action_response(obj)` answers with the record after the step.
    Refusals are mapped by the central exception handler (403, 404, 409 and 400)."""

    workflow = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if cls.workflow is None:
            return
        cls.action_serializers = {
            slug: action_serializer(cls.workflow, slug) for slug in cls.workflow.transitions
        }
        for slug in cls.workflow.transitions:
            setattr(cls, ACTION_PREFIX + slug, _make_action(cls, slug))

    def action_response(self, obj):
        raise NotImplementedError

    def get_serializer_class(self):
        if self.action and self.action.startswith(ACTION_PREFIX):
            return self.action_serializers[self.action[len(ACTION_PREFIX) :]]
        return super().get_serializer_class()


def _make_action(viewset, slug):
    workflow = viewset.workflow
    transition = workflow.transitions[slug]
    serializer_class = viewset.action_serializers[slug]

    def handler(self, request, pk=None):
        obj = self.get_object()
        serializer = serializer_class(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        inputs = dict(serializer.validated_data)
        body_version = inputs.pop("version", None)
        version = request.headers.get("If-Match", "").strip('"') or body_version
        done = workflow.perform(slug, obj, by=request.user, version=version, **inputs)
        return self.action_response(done)

    handler.__name__ = ACTION_PREFIX + slug
    handler.__doc__ = f"{transition.label}: from {', '.join(sorted(transition.sources))}" + (
        f" to {transition.target}." if transition.target else " (the status stays)."
    )
    handler = action(
        detail=True, methods=["post"], url_path=slug, url_name=slug, serializer_class=serializer_class
    )(handler)
    # After @action (which replaces the function's kwargs, where the schema is kept): the step answers
    # with the record's detail, not with its input.
    detail = getattr(viewset, "detail_serializer_class", None)
    return extend_schema(request=serializer_class, responses=detail or serializer_class)(handler)
