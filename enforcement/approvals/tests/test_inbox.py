"""The approver's inbox, as the service, the API and the page give it: only kinds the user decides, only
subjects in their scope, never their own requests nor the ones the kind keeps them from; oldest deadline
first; filters; a fixed number of queries however many rows and models."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.approvals import services
from enforcement.approvals.choices import ApprovalDecision
from tests.testapp.approvals import GRANT, RENEWAL, WAIVER

pytestmark = pytest.mark.django_db

URL = "/api/v1/approvals/"


def _request(kind, permit, by, *, due_in=None, reason="r"):
    due = timezone.now() + timedelta(days=due_in) if due_in is not None else None
    return services.request_approval(kind, permit, by=by, reason=reason, due_at=due)


def _listed(user, **filters):
    inbox = services.inbox_for(user, **filters)
    return [(entry.kind.slug, entry.approval.pk) for entry in inbox[: inbox.count()]]


def test_only_subjects_in_scope_and_never_ones_own_requests(
    make_permit, district_a, district_b, officer_a, officer_b, leader_a, head_a
):
    mine = _request(GRANT, make_permit(district_a), officer_a)
    own = _request(GRANT, make_permit(district_a), leader_a)
    theirs = _request(GRANT, make_permit(district_b), officer_b)
    assert _listed(leader_a) == [("permit_grant", mine.pk)]
    assert _listed(head_a) == [("permit_grant", mine.pk), ("permit_grant", own.pk)]
    assert ("permit_grant", theirs.pk) not in _listed(head_a)


def test_the_kinds_excluded_people_do_not_see_it(make_permit, district_a, officer_a, make_user):
    handling_leader = make_user("squad_leader", unit=district_a)
    permit = make_permit(district_a, handler=handling_leader)
    _request(GRANT, permit, officer_a)
    renewal = _request(RENEWAL, permit, officer_a)
    assert _listed(handling_leader) == [("permit_renewal", renewal.pk)]


def test_a_decider_outside_the_kinds_roles_gets_nothing(
    make_permit, district_a, officer_a, make_user, reviewer_a, leader_a
):
    permit = make_permit(district_a)
    grant, waiver = _request(GRANT, permit, officer_a), _request(WAIVER, permit, officer_a)
    assert _listed(make_user("officer", unit=district_a)) == []
    assert _listed(make_user("intake", unit=district_a)) == []
    assert services.inbox_for(make_user("statistician", unit=district_a)).count() == 0
    assert _listed(reviewer_a) == [("permit_waiver", waiver.pk)]
    assert _listed(leader_a) == [("permit_grant", grant.pk)]


def test_oldest_deadline_first_then_oldest_request_across_models(
    make_permit, district_a, officer_a, reviewer_a
):
    p1, p2, p3, p4 = (make_permit(district_a, title=f"P{i}") for i in range(4))
    no_due = _request(RENEWAL, p1, officer_a)
    later = _request(WAIVER, p2, officer_a, due_in=5)
    overdue = _request(RENEWAL, p3, officer_a, due_in=-1)
    soon = _request(WAIVER, p4, officer_a, due_in=1)
    no_due_older = _request(WAIVER, p1, officer_a)
    no_due_older.requested_at = no_due.requested_at - timedelta(hours=1)
    no_due_older.save()
    assert _listed(reviewer_a) == [
        ("permit_renewal", overdue.pk),
        ("permit_waiver", soon.pk),
        ("permit_waiver", later.pk),
        ("permit_waiver", no_due_older.pk),
        ("permit_renewal", no_due.pk),
    ]


def test_filters_by_kind_and_decision(make_permit, district_a, officer_a, leader_a, head_a):
    permit = make_permit(district_a)
    grant, renewal = _request(GRANT, permit, officer_a), _request(RENEWAL, permit, officer_a)
    assert _listed(head_a, kind="permit_renewal") == [("permit_renewal", renewal.pk)]
    services.decide_approval(GRANT, permit, by=leader_a, decision=ApprovalDecision.APPROVED)
    assert _listed(head_a) == [("permit_renewal", renewal.pk)]  # pending by default
    assert _listed(head_a, decision=ApprovalDecision.APPROVED) == [("permit_grant", grant.pk)]
    assert _listed(head_a, decision=ApprovalDecision.REJECTED) == []
    assert sorted(_listed(head_a, decision=None)) == [
        ("permit_grant", grant.pk),
        ("permit_renewal", renewal.pk),
    ]
    assert _listed(head_a, kind="permit_waiver") == []  # a kind they do not decide


# --- the API ------------------------------------------------------------------------------------------------
def test_api_rows_say_what_waits_and_where(make_permit, district_a, officer_a, leader_a, api_as):
    permit = make_permit(district_a, title="Night market stall")
    approval = _request(GRANT, permit, officer_a, due_in=2, reason="夜市摊位")
    response = api_as(leader_a).get(URL)
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    row = body["results"][0]
    assert row == {
        "id": approval.pk,
        "kind": "permit_grant",
        "kind_label": "Grant of a permit",
        "subject": "Night market stall",
        "subject_url": f"/permits/{permit.pk}/",
        "requested_by": {"id": officer_a.pk, "name": officer_a.full_name or officer_a.username},
        "requested_at": row["requested_at"],
        "reason": "夜市摊位",
        "due_at": row["due_at"],
        "decision": "pending",
        "decision_label": "Pending",
        "decided_by": None,
        "decided_at": None,
        "opinion": "",
    }
    assert row["due_at"] is not None and row["requested_at"] is not None


def test_api_filters_and_refuses_unknown_values(make_permit, district_a, officer_a, leader_a, api_as):
    permit = make_permit(district_a)
    _request(GRANT, permit, officer_a)
    client = api_as(leader_a)
    assert client.get(URL, {"status": "approved"}).json()["count"] == 0
    assert client.get(URL, {"status": "all", "kind": "permit_grant"}).json()["count"] == 1
    assert client.get(URL, {"status": "maybe"}).status_code == 400
    assert client.get(URL, {"kind": "permit_waiver"}).status_code == 400  # not a kind they decide


def test_api_is_for_signed_in_users_and_read_only(api_client, api_as, leader_a):
    assert api_client.get(URL).status_code in (401, 403)
    assert api_as(leader_a).post(URL, {}).status_code == 405


def test_api_pages_and_its_queries_do_not_grow_with_rows_or_models(
    make_permit, district_a, officer_a, leader_a, reviewer_a, make_user, api_as, django_assert_max_num_queries
):
    head = make_user("bureau_head", "legal_reviewer", unit=district_a)

    def add(n):
        for i in range(n):
            permit = make_permit(district_a, title=f"P{i}")
            _request(GRANT, permit, officer_a, due_in=i)
            _request(RENEWAL, permit, officer_a, due_in=i + 1)
            _request(WAIVER, permit, officer_a, due_in=-i)

    add(2)
    client = api_as(head)
    with CaptureQueriesContext(connection) as few:
        assert client.get(URL).json()["count"] == 6
    add(8)
    with django_assert_max_num_queries(len(few)), CaptureQueriesContext(connection) as many:
        body = client.get(URL, {"page_size": 20}).json()
    assert body["count"] == 30 and len(body["results"]) == 20 and body["next"]
    # The user's roles and scope, the count, one page of ids over both models, one read per model.
    assert len(many) <= 6, [q["sql"] for q in many.captured_queries]
    assert {row["kind"] for row in body["results"]} == {"permit_grant", "permit_renewal", "permit_waiver"}


# --- the page ------------------------------------------------------------------------------------------------
def test_the_inbox_page_lists_what_waits_with_a_link_to_the_record(
    make_permit, district_a, officer_a, leader_a, client
):
    permit = make_permit(district_a, title="Night market stall")
    _request(GRANT, permit, officer_a, due_in=2, reason="夜市摊位")
    client.force_login(leader_a)
    response = client.get(reverse("approvals:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Grant of a permit" in html and "夜市摊位" in html
    assert f'href="/permits/{permit.pk}/"' in html
    # The navigation offers the inbox to those who decide a kind.
    assert f'href="{reverse("approvals:inbox")}"' in html
    assert client.get(reverse("approvals:inbox"), {"status": "approved"}).context["entries"] == []


def test_the_inbox_page_for_someone_who_decides_nothing(officer_a, make_permit, district_a, client):
    _request(GRANT, make_permit(district_a), officer_a)
    client.force_login(officer_a)
    response = client.get(reverse("approvals:inbox"))
    assert response.status_code == 200
    assert "Your role does not decide requests." in response.content.decode()
    assert f'href="{reverse("approvals:inbox")}"' not in response.content.decode()  # nor in the navigation
    client.logout()
    assert client.get(reverse("approvals:inbox")).status_code == 302
