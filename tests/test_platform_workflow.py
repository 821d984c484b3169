"""A second workflow, declared in tests/testapp/workflow.py in a few lines, gets from the platform alone its
permission matrix, API action routes with allowed_actions, page buttons and audit labels."""

import pytest
from django.urls import reverse

from enforcement.audit.models import AuditEvent
from enforcement.workflow.testing import permission_matrix
from tests.testapp.models import Permit, PermitStatus
from tests.testapp.workflow import WORKFLOW

pytestmark = pytest.mark.urls("tests.testapp.urls")


def prepare(slug, status, *, request, actor, outsider=False):
    handler = request.getfixturevalue("make_user")("officer", unit=request.getfixturevalue("district_a"))
    permit = Permit.objects.create(
        title="占道经营许可", unit=request.getfixturevalue("district_a"), handler=handler, status=status
    )
    return permit, {"withdraw": {"reason": "申请人撤回"}}.get(slug, {})


test_matrix, test_out_of_scope, test_stale_version = permission_matrix(WORKFLOW, prepare=prepare)


@pytest.fixture
def permit(squad_a, officer_a):
    return Permit.objects.create(title="户外广告许可", unit=squad_a, handler=officer_a)


def test_api_routes_come_from_the_table(api_as, permit, officer_a, make_user, squad_a):
    url = reverse("testapp-api:permit-submit", args=[permit.pk])
    response = api_as(officer_a).post(url, {"note": "材料齐全", "version": permit.version}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "submitted"
    assert response.json()["allowed_actions"] == ["withdraw"]
    # The handler may not approve their own permit (the guard), a squad leader may.
    assert api_as(officer_a).post(reverse("testapp-api:permit-approve", args=[permit.pk])).status_code == 403
    leader = make_user("squad_leader", unit=squad_a)
    detail = api_as(leader).get(reverse("testapp-api:permit-detail", args=[permit.pk])).json()
    assert detail["allowed_actions"] == ["approve", "withdraw"]
    assert (
        api_as(leader).post(reverse("testapp-api:permit-approve", args=[permit.pk])).json()["status"]
        == "approved"
    )


def test_api_refusals_answer_400_404_409(api_as, permit, officer_a, officer_b):
    client = api_as(officer_a)
    response = client.post(reverse("testapp-api:permit-withdraw", args=[permit.pk]), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()
    assert client.post(reverse("testapp-api:permit-submit", args=[permit.pk])).status_code == 200
    response = client.post(reverse("testapp-api:permit-submit", args=[permit.pk]))
    assert response.status_code == 409
    assert "Submitted" in response.json()["detail"]
    stale = client.post(
        reverse("testapp-api:permit-withdraw", args=[permit.pk]), {"reason": "x", "version": 1}, format="json"
    )
    assert stale.status_code == 409
    assert (
        api_as(officer_b)
        .post(reverse("testapp-api:permit-withdraw", args=[permit.pk]), {"reason": "x"}, format="json")
        .status_code
        == 404
    )
    assert Permit.objects.get(pk=permit.pk).status == PermitStatus.SUBMITTED


def test_page_offers_the_allowed_actions_and_runs_them(client, permit, officer_a):
    client.force_login(officer_a)
    page = client.get(reverse("permit-detail", args=[permit.pk])).content.decode()
    assert 'data-action="submit"' in page and 'data-action="withdraw"' in page
    assert 'data-action="approve"' not in page
    response = client.post(
        reverse("permit-action", args=[permit.pk, "withdraw"]),
        {"withdraw-version": permit.version, "withdraw-reason": ""},
    )
    assert response.status_code == 400
    response = client.post(
        reverse("permit-action", args=[permit.pk, "withdraw"]),
        {"withdraw-version": permit.version, "withdraw-reason": "申请人撤回"},
    )
    assert response.status_code == 302
    permit.refresh_from_db()
    assert permit.status == PermitStatus.WITHDRAWN
    page = client.get(reverse("permit-detail", args=[permit.pk])).content.decode()
    assert 'data-action="' not in page  # nothing left to do
    assert "Withdraw" in page  # the step's label from the table on the timeline
    event = AuditEvent.objects.for_object(permit).get()
    assert (event.verb, event.before, event.after, event.note) == (
        "withdraw",
        {"status": "draft"},
        {"status": "withdrawn"},
        "申请人撤回",
    )


def test_a_table_input_without_a_declaration_is_refused_at_start_up():
    from enforcement.workflow.core import Workflow
    from enforcement.workflow.table import Transition

    with pytest.raises(ValueError, match="inputs"):
        Workflow(
            "testapp.Nothing",
            {"go": Transition("Go", frozenset({"a"}), "b", frozenset({"officer"}), fields=("amount",))},
        )


def test_the_permits_deadline_is_swept_and_met_by_its_approval(permit, officer_a, make_user, squad_a):
    """One declaration (tests/testapp/deadlines.py) and the sweep reminds the permit's handler; the approval
    stamps the moment it was met, which the on-time helper reads."""
    from datetime import timedelta

    from django.utils import timezone

    from enforcement.notifications.models import Reminder
    from enforcement.notifications.sweep import send_due_reminders
    from tests.testapp.deadlines import PERMIT_DECISION

    permit.status, permit.due_at = PermitStatus.SUBMITTED, timezone.now() - timedelta(hours=1)
    permit.save()
    send_due_reminders()
    reminder = Reminder.objects.get(kind="permit_decision", object_id=permit.pk)
    assert reminder.level == "overdue"
    assert officer_a.pk in set(reminder.deliveries.values_list("user_id", flat=True))
    leader = make_user("squad_leader", unit=squad_a)
    done = WORKFLOW.perform("approve", permit, by=leader)
    assert done.decided_at is not None and PERMIT_DECISION.met_on_time(done) is False  # met, an hour late
    assert not PERMIT_DECISION.live_queryset().filter(pk=permit.pk).exists()
