"""`GET /api/v1/complaints/<id>/timeline/` (enforcement/audit/api.py): the page's timeline over the API."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from enforcement.audit.services import record_update, snapshot
from enforcement.org.tests.factories import GridFactory

from ..models import Complaint
from .factories import ComplaintFactory
from .test_api import LIST, act

pytestmark = pytest.mark.django_db


def timeline(c):
    return reverse("api:complaint-timeline", args=[c.pk if hasattr(c, "pk") else c])


@pytest.fixture
def dispatched(api_as, intake_city, district_a, category):
    intake = api_as(intake_city)
    body = intake.post(
        LIST,
        {
            "channel": "hotline_12345",
            "category": category.pk,
            "description": "夜间施工噪音",
            "address": "解放路12号",
            "complainant_name": "陈小明",
            "complainant_phone": "13812345678",
        },
        format="json",
    ).json()
    intake.post(act(body["id"], "accept"), {"version": body["version"]}, format="json")
    intake.post(act(body["id"], "dispatch"), {"unit": district_a.pk, "note": "请尽快处理"}, format="json")
    return body["id"]


def test_a_partner_reads_who_did_what_in_english_and_masked(
    api_as, make_user, district_a, intake_city, dispatched
):
    officer = make_user("officer", unit=district_a)
    response = api_as(officer).get(timeline(dispatched))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 3 and [e["step_slug"] for e in body["results"]] == ["dispatch", "accept", ""]
    dispatch, _accept, created = body["results"]
    assert (
        dispatch["step"] == "Dispatch"
        and dispatch["action"] == "Status change"
        and dispatch["source"] == "API"
    )
    assert dispatch["actor"] == intake_city.full_name and dispatch["note"] == "请尽快处理"
    assert {"field": "Status", "before": "Accepted", "after": "Dispatched"} in dispatch["changes"]
    assert any(c["after"] == str(district_a) for c in dispatch["changes"])  # a unit by its name, not its id
    text = response.content.decode()
    assert "138****5678" in text and "13812345678" not in text and "陈小明" not in text
    assert all(set(c) == {"field", "before", "after"} for e in body["results"] for c in e["changes"])
    assert created["action"] == "Created" and "id" not in created and "version" not in text


def test_the_timeline_reads_in_the_readers_language(api_as, make_user, district_a, dispatched):
    client = api_as(make_user("officer", unit=district_a))
    first = client.get(timeline(dispatched), HTTP_ACCEPT_LANGUAGE="zh-hans").json()["results"][0]
    assert first["step"] == "派遣" and first["action"] != "Status change"


def test_the_timeline_is_paginated(api_as, intake_city, dispatched):
    client = api_as(intake_city)
    page = client.get(timeline(dispatched), {"page_size": 2}).json()
    assert page["count"] == 3 and len(page["results"]) == 2 and page["next"] and page["previous"] is None
    rest = client.get(page["next"]).json()
    assert [e["step_slug"] for e in rest["results"]] == [""] and rest["next"] is None


def test_list_filters_do_not_hide_the_record(api_as, intake_city, dispatched):
    response = api_as(intake_city).get(timeline(dispatched), {"status": "closed"})
    assert response.status_code == 200 and response.json()["count"] == 3


def test_out_of_scope_is_404(api_as, officer_b, district_a, category):
    c = ComplaintFactory(unit=district_a, category=category)
    assert api_as(officer_b).get(timeline(c)).status_code == 404
    assert api_as(officer_b).get(timeline(10**6)).status_code == 404


def test_queries_do_not_grow_with_the_events(api_as, intake_city, dispatched, district_a):
    client, complaint = api_as(intake_city), Complaint.objects.get(pk=dispatched)

    def edit(n):
        before = snapshot(complaint)
        complaint.address, complaint.grid = f"解放路{n}号", GridFactory(unit=district_a)
        complaint.save()
        record_update(complaint, before, actor=intake_city)

    edit(0)
    with CaptureQueriesContext(connection) as short:
        assert client.get(timeline(dispatched)).json()["count"] == 4
    for n in range(1, 6):
        edit(n)
    with CaptureQueriesContext(connection) as long:
        assert client.get(timeline(dispatched)).json()["count"] == 9
    assert len(long) == len(short) <= 12  # the grids each event names: one query for all
