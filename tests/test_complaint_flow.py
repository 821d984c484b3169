"""The complaint loop through the API as another system would drive it, on the demo city: token login,
register a hotline complaint, accept, dispatch to a squadron, the squadron's officer starts and replies,
intake records the visit and closes; a duplicate is merged and not counted twice; each step appears in the
work queue of the person who acts next and in the record's audit trail."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from complaints.models import Complaint
from enforcement.audit.models import AuditEvent
from enforcement.catalog import demo as catalog_demo
from enforcement.catalog.models import ViolationCategory
from enforcement.org import demo as org_demo
from enforcement.org import workqueue
from enforcement.org.models import OrgUnit, User

PASSWORD = "Demo-2026!"


@pytest.fixture
def demo(db):
    org_demo.seed(PASSWORD)
    catalog_demo.seed()


def token_client(username):
    client = APIClient()
    response = client.post(
        reverse("api:api-token"), {"username": username, "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200, response.content
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    return client


def queue_urls(username):
    return {item.url for item in workqueue.items_for(User.objects.get(username=username))}


def test_the_closed_loop_through_the_api(demo):
    intake, officer = token_client("chancheng.intake"), token_client("chancheng.officer")
    squadron = OrgUnit.objects.get(code="chancheng-zumiao")
    category = ViolationCategory.objects.get(code="0503")
    complaints = reverse("api:complaint-list")

    def step(client, complaint_id, action, **data):
        response = client.post(reverse(f"api:complaint-{action}", args=[complaint_id]), data, format="json")
        assert response.status_code == 200, (action, response.json())
        return response.json()

    body = {
        "channel": "hotline_12345",
        "category": category.pk,
        "description": "夜间23点后工地仍在打桩。",
        "address": "禅城区汾江中路120号",
        "lat": "23.027000",
        "lng": "113.112000",
        "complainant_name": "黄丽华",
        "complainant_phone": "13922223333",
    }
    created = intake.post(complaints, body, format="json")
    assert created.status_code == 201, created.json()
    first = created.json()
    url = Complaint.objects.get(pk=first["id"]).get_absolute_url()
    assert url in queue_urls("chancheng.intake")

    duplicate = intake.post(
        complaints,
        {**body, "complainant_name": "匿名", "complainant_phone": "", "lat": "23.027100"},
        format="json",
    ).json()
    suggestions = intake.get(reverse("api:complaint-duplicates", args=[duplicate["id"]])).json()
    assert [s["id"] for s in suggestions] == [first["id"]]
    assert step(intake, duplicate["id"], "merge", into=first["id"])["status"] == "merged"

    step(intake, first["id"], "accept")
    dispatched = step(intake, first["id"], "dispatch", unit=squadron.pk)
    assert dispatched["unit"]["id"] == squadron.pk
    assert url in queue_urls("chancheng.officer")

    seen = officer.get(reverse("api:complaint-detail", args=[first["id"]])).json()
    assert seen["complainant"] == {"name": "黄**", "phone": "139****3333", "masked": True, "anonymous": False}
    assert seen["allowed_actions"] == ["send_back", "start", "request_extension"]
    step(officer, first["id"], "start")
    replied = step(officer, first["id"], "reply", reply_text="已责令施工单位停止夜间施工。")
    assert replied["status"] == "replied" and replied["visit_due_at"]
    assert url not in queue_urls("chancheng.officer")
    assert url in queue_urls("chancheng.intake")

    step(intake, first["id"], "record_visit", satisfaction="satisfied")
    closed = step(intake, first["id"], "close")
    assert closed["status"] == "closed" and closed["allowed_actions"] == []
    assert url not in queue_urls("chancheng.intake")

    # Counted once: the merged duplicate points to the survivor and is left out of the counts.
    assert Complaint.objects.counted().count() == 1
    assert Complaint.objects.get(pk=duplicate["id"]).merged_into_id == first["id"]
    steps = list(
        AuditEvent.objects.filter(object_id=str(first["id"]), action="transition")
        .order_by("at", "id")
        .values_list("verb", "actor__username", "source")
    )
    assert steps == [
        ("accept", "chancheng.intake", "api"),
        ("dispatch", "chancheng.intake", "api"),
        ("start", "chancheng.officer", "api"),
        ("reply", "chancheng.officer", "api"),
        ("record_visit", "chancheng.intake", "api"),
        ("close", "chancheng.intake", "api"),
    ]


def test_the_other_district_cannot_see_or_touch_it(demo):
    chancheng, nanhai = token_client("chancheng.intake"), token_client("nanhai.officer")
    category = ViolationCategory.objects.get(code="0701")
    created = chancheng.post(
        reverse("api:complaint-list"),
        {
            "channel": "web",
            "category": category.pk,
            "description": "占道",
            "address": "禅城区某路1号",
        },
        format="json",
    ).json()
    assert nanhai.get(reverse("api:complaint-detail", args=[created["id"]])).status_code == 404
    assert (
        nanhai.post(reverse("api:complaint-start", args=[created["id"]]), {}, format="json").status_code
        == 404
    )
    assert created["id"] not in [
        row["id"] for row in nanhai.get(reverse("api:complaint-list")).json()["results"]
    ]
