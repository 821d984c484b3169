"""The permit's page and API: the platform's pieces, wired for one more model."""

from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST
from rest_framework import serializers
from rest_framework.response import Response

from enforcement.audit.api import TimelineMixin
from enforcement.viewsets import ScopedModelViewSet
from enforcement.workflow.api import WorkflowActionsMixin, allowed_actions_field
from enforcement.workflow.forms import action_forms
from enforcement.workflow.views import submit_action

from .models import Permit
from .workflow import WORKFLOW


def _page(request, permit, bound=None, status=200):
    forms = action_forms(WORKFLOW, permit, request.user, bound=bound)
    return render(
        request, "testapp/permit_detail.html", {"permit": permit, "action_forms": forms}, status=status
    )


@login_required
def permit_detail(request, pk):
    return _page(request, get_object_or_404(Permit.objects.visible_to(request.user), pk=pk))


@login_required
@require_POST
def permit_action(request, pk, slug):
    permit = get_object_or_404(Permit.objects.visible_to(request.user), pk=pk)
    done, form, status = submit_action(request, WORKFLOW, permit, slug)
    if done is not None:
        return redirect(done)
    return _page(request, Permit.objects.get(pk=pk) if status == 409 else permit, bound=form, status=status)


class PermitSerializer(serializers.ModelSerializer):
    allowed_actions = serializers.SerializerMethodField()

    class Meta:
        model = Permit
        fields = ["id", "title", "unit", "handler", "status", "version", "allowed_actions"]

    @allowed_actions_field(WORKFLOW)
    def get_allowed_actions(self, obj):
        return WORKFLOW.allowed_actions(obj, self.context["request"].user)


class PermitViewSet(TimelineMixin, WorkflowActionsMixin, ScopedModelViewSet):
    queryset = Permit.objects.all()
    serializer_class = detail_serializer_class = PermitSerializer
    workflow = WORKFLOW
    write_roles = tuple({role for t in WORKFLOW.transitions.values() for role in t.roles})
    http_method_names = ["get", "post", "head", "options"]

    def action_response(self, obj):
        return Response(PermitSerializer(obj, context=self.get_serializer_context()).data)
