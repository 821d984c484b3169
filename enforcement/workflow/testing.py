"""The generated permission matrix of a workflow: every action × every role × every status.

    from enforcement.workflow.testing import permission_matrix

    def prepare(slug, status, *, request, actor, outsider=False):
        '''A record in `status` that meets action `slug`'s guard, and the action's inputs.'''
        ...
        return record, inputs

    test_matrix, test_out_of_scope, test_stale_version = permission_matrix(WORKFLOW, prepare=prepare)

The tests it gives: an action succeeds exactly where `allowed_actions` offers it, and that is exactly where the
table allows the role and the status (the guard being met by `prepare`); a refused action answers 403 for a
role and 409 for a status, and changes nothing (status, version, audit trail); a user out of the record's
scope gets 404 for every action and is offered none; a stale version gets 409 even where the action is allowed.
`prepare` builds records in the unit of the fixture `unit_fixture` (default the root conftest's
`district_a`); the outsider belongs to `outsider_fixture` (`district_b`), and `outsider=True` asks for inputs
valid in the outsider's own scope, so that only the record's scope refuses.
"""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from enforcement.audit.models import AuditEvent
from enforcement.org.choices import Role
from enforcement.versioning import StaleEdit

from .exceptions import TransitionNotAllowed


def permission_matrix(
    workflow, *, prepare, roles=None, statuses=None, unit_fixture="district_a", outsider_fixture="district_b"
):
    slugs = list(workflow.transitions)
    roles = list(roles or Role.values)

    def all_statuses():
        if statuses is not None:
            return list(statuses)
        return [value for value, _label in workflow.model._meta.get_field(workflow.status_field).flatchoices]

    def state(obj):
        fresh = type(obj)._default_manager.get(pk=obj.pk)
        return (
            getattr(fresh, workflow.status_field),
            fresh.version,
            AuditEvent.objects.for_object(obj).count(),
        )

    @pytest.mark.parametrize("role", roles)
    @pytest.mark.parametrize("slug", slugs)
    def test_action_per_role_and_status(slug, role, request, make_user):
        transition = workflow.transitions[slug]
        user = make_user(role, unit=request.getfixturevalue(unit_fixture))
        for status in all_statuses():
            obj, inputs = prepare(slug, status, request=request, actor=user)
            allowed = role in transition.roles and status in transition.sources
            assert (slug in workflow.allowed_actions(obj, user)) == allowed, (slug, role, status)
            if allowed:
                done = workflow.perform(slug, obj, by=user, version=obj.version, **inputs)
                assert getattr(done, workflow.status_field) == (transition.target or status), (
                    slug,
                    role,
                    status,
                )
                assert done.version == obj.version + 1
                continue
            before = state(obj)
            expected = PermissionDenied if role not in transition.roles else TransitionNotAllowed
            with pytest.raises(expected):
                workflow.perform(slug, obj, by=user, **inputs)
            assert state(obj) == before, (slug, role, status)

    @pytest.mark.parametrize("slug", slugs)
    def test_out_of_scope_actor_gets_404_for_every_action(slug, request, make_user):
        transition = workflow.transitions[slug]
        outsider = make_user(*transition.roles, unit=request.getfixturevalue(outsider_fixture))
        obj, inputs = prepare(
            slug, sorted(transition.sources)[0], request=request, actor=outsider, outsider=True
        )
        assert workflow.allowed_actions(obj, outsider) == []
        before = state(obj)
        with pytest.raises(Http404):
            workflow.perform(slug, obj, by=outsider, **inputs)
        assert state(obj) == before

    @pytest.mark.parametrize("slug", slugs)
    def test_stale_version_loses_even_where_the_action_is_allowed(slug, request, make_user):
        transition = workflow.transitions[slug]
        user = make_user(*transition.roles, unit=request.getfixturevalue(unit_fixture))
        obj, inputs = prepare(slug, sorted(transition.sources)[0], request=request, actor=user)
        assert slug in workflow.allowed_actions(obj, user)
        before = state(obj)
        with pytest.raises(StaleEdit):
            workflow.perform(slug, obj, by=user, version=obj.version + 1, **inputs)
        assert state(obj) == before

    return (
        test_action_per_role_and_status,
        test_out_of_scope_actor_gets_404_for_every_action,
        test_stale_version_loses_even_where_the_action_is_allowed,
    )
