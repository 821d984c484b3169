"""The campaigns' API: scoping, each action, the bad input of the issue with its status codes and words,
and list query counts that do not grow with the rows."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from campaigns import services
from campaigns.choices import ItemStatus
from campaigns.models import Campaign, CampaignGoal, FieldLog, RectificationItem
from enforcement.audit.models import AuditEvent
from enforcement.documents.models import Document
from enforcement.org.choices import UnitLevel
from enforcement.org.tests.factories import OrgUnitFactory

from .conftest import photo, plan, today

pytestmark = pytest.mark.django_db

CAMPAIGNS = "/api/v1/campaigns/"
ITEMS = "/api/v1/rectifications/"


def campaign_url(campaign, step=""):
    return f"{CAMPAIGNS}{campaign.pk}/" + (f"{step}/" if step else "")


def logs_url(campaign, log=None):
    return f"{CAMPAIGNS}{campaign.pk}/logs/" + (f"{log.pk}/" if log else "")


def item_url(item, step=""):
    return f"{ITEMS}{item.pk}/" + (f"{step}/" if step else "")


@pytest.fixture
def api(api_as):
    return api_as


@pytest.fixture
def active(crew, squadrons):
    return services.start(plan(crew, squadrons), by=crew["leader"])


def record_item(campaign, crew, squadrons, **fields):
    values = {
        "unit": squadrons[0],
        "kind": "stall",
        "description": "占道摆卖水果",
        "address": "祖庙路1号",
    }
    values.update(fields)
    return services.register_item(campaign, by=crew["officer1"], **values)


def noticed(campaign, crew, squadrons, **fields):
    item = record_item(campaign, crew, squadrons, **fields)
    return services.issue_notice(
        item, by=crew["officer1"], deadline_on=today(), requirement="立即清理占道物品"
    )


def error_text(response):
    return str(response.json())


# --- scoping -----------------------------------------------------------------------------------------------
def test_another_districts_user_gets_404_and_a_squadron_sees_the_campaign_it_takes_part_in(
    api, crew, squadrons, make_user, district_a, district_b
):
    campaign = plan(crew, squadrons)
    outsider = make_user("squad_leader", unit=district_b, username="b_leader")
    assert api(outsider).get(campaign_url(campaign)).status_code == 404
    assert campaign.pk not in {row["id"] for row in api(outsider).get(CAMPAIGNS).json()["results"]}
    # The second squadron takes part in the district's campaign: it sees it, listed and in detail.
    response = api(crew["officer2"]).get(campaign_url(campaign))
    assert response.status_code == 200
    assert {u["name"] for u in response.json()["units"]} == {"甲区分局", "甲区一中队", "甲区二中队"}
    assert campaign.pk in {row["id"] for row in api(crew["officer2"]).get(CAMPAIGNS).json()["results"]}
    # A squadron of the district that does not take part does not.
    third = OrgUnitFactory(code="squad-a3", name="甲区三中队", level=UnitLevel.SQUADRON, parent=district_a)
    stranger = make_user("officer", unit=third, username="c_officer3")
    assert api(stranger).get(campaign_url(campaign)).status_code == 404


def test_logs_and_items_stay_scoped_by_their_unit(api, active, crew, squadrons):
    first, second = squadrons
    log = services.log_field_work(
        active, by=crew["officer1"], unit=first, day=today(), values={"persuasion": "5"}
    )
    item = record_item(active, crew, squadrons)
    # The other squadron sees the campaign, not the first squadron's log or item.
    other = api(crew["officer2"])
    assert other.get(logs_url(active, log)).status_code == 404
    assert other.get(logs_url(active)).json()["results"] == []
    assert other.get(item_url(item)).status_code == 404
    assert other.get(ITEMS).json()["results"] == []
    # The district's leader sees both.
    leader = api(crew["leader"])
    assert leader.get(logs_url(active, log)).status_code == 200
    assert [row["id"] for row in leader.get(ITEMS).json()["results"]] == [item.pk]


def test_a_campaign_out_of_scope_hides_its_logs(api, active, crew, make_user, district_b):
    outsider = make_user("officer", unit=district_b, username="b_officer")
    assert api(outsider).get(logs_url(active)).status_code == 404
    body = {"day": today().isoformat(), "values": {"persuasion": "3"}}
    assert api(outsider).post(logs_url(active), body, format="json").status_code == 404
    assert not FieldLog.objects.exists()


# --- campaigns: plan, change, actions ------------------------------------------------------------------------
def plan_body(squadrons, **fields):
    first, second = squadrons
    body = {
        "name": "夜市占道专项整治",
        "kind": "street_vending",
        "starts_on": (today() - timedelta(days=1)).isoformat(),
        "ends_on": (today() + timedelta(days=30)).isoformat(),
        "lead_unit": first.parent.pk,
        "units": [first.pk, second.pk],
        "partners": ["public_security"],
        "goals": [
            {"measure": "correction_notices", "target": "50"},
            {"measure": "seized_vehicles", "unit": first.pk, "target": "10"},
        ],
    }
    body.update(fields)
    return body


def test_a_supervisor_plans_a_campaign_with_goals(api, crew, squadrons):
    response = api(crew["leader"]).post(CAMPAIGNS, plan_body(squadrons), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["number"].startswith("ZX") and body["status"] == "planned"
    assert {(g["measure"], g["target"]) for g in body["goals"]} == {
        ("correction_notices", "50"),
        ("seized_vehicles", "10"),
    }
    assert body["partners"] == [{"value": "public_security", "label": "Public security"}]
    assert body["allowed_actions"] == ["start", "cancel"]
    assert {row["measure"] for row in body["progress"]["measures"]} == {
        "correction_notices",
        "seized_vehicles",
    }
    campaign = Campaign.objects.get(pk=body["id"])
    assert AuditEvent.objects.filter(verb="plan_campaign", object_id=str(campaign.pk)).exists()


def test_a_goal_for_a_measure_the_kind_does_not_use_is_refused_in_words(api, crew, squadrons):
    body = plan_body(squadrons, goals=[{"measure": "demolished_area", "target": "300"}])
    response = api(crew["leader"]).post(CAMPAIGNS, body, format="json")
    assert response.status_code == 400
    assert "Illegal structures demolished is not counted in a campaign against street vending" in error_text(
        response
    )
    assert not Campaign.objects.exists()


def test_an_officer_does_not_plan_campaigns(api, crew, squadrons):
    body = plan_body(squadrons, lead_unit=squadrons[0].pk, units=[], goals=[])  # the officer's own squadron
    response = api(crew["officer1"]).post(CAMPAIGNS, body, format="json")
    assert response.status_code == 403
    assert "squad leaders and bureau heads" in response.json()["detail"]


def test_a_change_says_its_version_and_a_stale_one_is_409(api, crew, squadrons):
    campaign = plan(crew, squadrons)
    client = api(crew["leader"])
    assert client.patch(campaign_url(campaign), {"name": "新名称"}, format="json").status_code == 428
    response = client.patch(
        campaign_url(campaign), {"name": "新名称", "version": campaign.version}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["name"] == "新名称" and response["ETag"] == f'W/"{campaign.version + 1}"'
    stale = client.patch(
        campaign_url(campaign), {"description": "再改", "version": campaign.version}, format="json"
    )
    assert stale.status_code == 409
    campaign.refresh_from_db()
    assert campaign.description == ""
    goals = client.patch(
        campaign_url(campaign),
        {"goals": [{"measure": "persuasion", "target": "500"}]},
        format="json",
        HTTP_IF_MATCH=response["ETag"],
    )
    assert goals.status_code == 200, goals.json()
    assert list(CampaignGoal.objects.filter(campaign=campaign).values_list("measure", flat=True)) == [
        "persuasion"
    ]


def test_start_conclude_and_cancel(api, crew, squadrons):
    client = api(crew["leader"])
    campaign = plan(crew, squadrons)
    response = client.post(campaign_url(campaign, "start"), {}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "active"
    assert response.json()["allowed_actions"] == ["conclude", "cancel"]
    missing = client.post(campaign_url(campaign, "conclude"), {}, format="json")
    assert missing.status_code == 400
    response = client.post(
        campaign_url(campaign, "conclude"), {"summary": "共发出整改通知书12份"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "concluded" and body["summary"] == "共发出整改通知书12份"
    assert body["ended_at"] is not None
    again = client.post(campaign_url(campaign, "cancel"), {"reason": "重复"}, format="json")
    assert again.status_code == 409
    assert "is not possible now" in again.json()["detail"]
    other = plan(crew, squadrons, name="第二个")
    response = client.post(campaign_url(other, "cancel"), {"reason": "上级通知取消"}, format="json")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"


def test_an_officer_may_not_start_a_campaign(api, crew, squadrons):
    campaign = plan(crew, squadrons)
    response = api(crew["officer1"]).post(campaign_url(campaign, "start"), {}, format="json")
    assert response.status_code == 403
    campaign.refresh_from_db()
    assert campaign.status == "planned"


def test_the_measures_are_listed_with_their_definitions(api, crew):
    response = api(crew["officer1"]).get(f"{CAMPAIGNS}measures/")
    assert response.status_code == 200
    rows = {row["slug"]: row for row in response.json()}
    assert rows["demolished_area"]["decimals"] == 2 and rows["demolished_area"]["unit"] == "m²"
    assert rows["persuasion"]["definition"].startswith("Parties persuaded")
    vending = {
        row["slug"] for row in api(crew["officer1"]).get(f"{CAMPAIGNS}measures/?kind=street_vending").json()
    }
    assert "seized_vehicles" in vending and "demolished_area" not in vending


# --- field logs --------------------------------------------------------------------------------------------------
def log_body(**fields):
    body = {
        "day": (today() - timedelta(days=1)).isoformat(),
        "place": "祖庙路",
        "values": {"correction_notices": "12", "seized_vehicles": "3"},
        "partners": ["public_security"],
    }
    body.update(fields)
    return body


def test_an_officer_logs_a_patrol_and_the_progress_counts_it(api, active, crew, squadrons):
    client = api(crew["officer1"])
    response = client.post(logs_url(active), log_body(), format="json")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["values"] == {"correction_notices": "12", "seized_vehicles": "3"}
    assert body["unit"]["name"] == "甲区一中队"
    assert client.get(logs_url(active, FieldLog.objects.get())).json()["id"] == body["id"]
    progress = api(crew["leader"]).get(campaign_url(active)).json()["progress"]
    notices = next(row for row in progress["measures"] if row["measure"] == "correction_notices")
    assert (notices["total"], notices["target"], notices["percent"]) == ("12", "100", 12.0)
    assert notices["units"][0]["unit"]["name"] == "甲区一中队" and notices["units"][0]["target"] == "60"
    assert AuditEvent.objects.filter(verb="log_field_work").count() == 1


def test_the_log_list_filters_by_unit_and_day(api, active, crew, squadrons):
    first, second = squadrons
    for days_ago in (1, 3, 5):
        services.log_field_work(
            active,
            by=crew["officer1"],
            unit=first,
            day=today() - timedelta(days=days_ago),
            values={"persuasion": "2"},
        )
    services.log_field_work(active, by=crew["officer2"], unit=second, day=today(), values={"persuasion": "4"})
    client = api(crew["leader"])
    rows = client.get(logs_url(active), {"unit": first.pk}).json()["results"]
    assert len(rows) == 3
    window = {
        "day_from": (today() - timedelta(days=4)).isoformat(),
        "day_to": (today() - timedelta(days=2)).isoformat(),
    }
    rows = client.get(logs_url(active), window).json()["results"]
    assert [row["day"] for row in rows] == [(today() - timedelta(days=3)).isoformat()]
    assert client.get(logs_url(active), {"day_from": "not a day"}).status_code == 400
    # Keyset pages over the days, newest first.
    page = client.get(logs_url(active), {"page_size": 2}).json()
    assert page["count"] == 4 and len(page["results"]) == 2
    rest = client.get(page["next"]).json()
    assert [row["day"] for row in page["results"] + rest["results"]] == sorted(
        (row["day"] for row in page["results"] + rest["results"]), reverse=True
    )
    assert len(rest["results"]) == 2


@pytest.mark.parametrize(
    "fields, words",
    [
        ({"day": (today() - timedelta(days=30)).isoformat()}, "log work done within those days"),
        ({"values": {"seized_vehicles": "-2"}}, "Vehicles seized cannot be negative"),
        ({"values": {"seized_vehicles": "1.5"}}, "Vehicles seized is counted in whole vehicles"),
        ({"values": {"demolished_area": "20"}}, "is not counted in a campaign against street vending"),
    ],
)
def test_bad_field_logs_are_refused_in_words_and_nothing_is_saved(api, active, crew, fields, words):
    response = api(crew["officer1"]).post(logs_url(active), log_body(**fields), format="json")
    assert response.status_code == 400
    assert words in error_text(response)
    assert not FieldLog.objects.exists()


def test_a_logs_photos_are_posted_after_it_and_listed_with_it(api, active, crew, squadrons, make_user):
    client = api(crew["officer1"])
    log = client.post(logs_url(active), log_body(), format="json").json()
    photos_url = f"{logs_url(active)}{log['id']}/photos/"
    response = client.post(photos_url, {"file": photo("巡查.jpg")}, format="multipart")
    assert response.status_code == 201, response.json()
    assert response.json()["original_name"] == "巡查.jpg" and response.json()["kind"] == "photo"
    assert [p["original_name"] for p in client.get(photos_url).json()] == ["巡查.jpg"]
    detail = client.get(f"{logs_url(active)}{log['id']}/").json()
    assert [p["original_name"] for p in detail["photos"]] == ["巡查.jpg"]
    stored = FieldLog.objects.get().photos.get()
    assert response.json()["url"] == f"{photos_url}{stored.pk}/"  # the API's own route to the file
    with stored.file.open("rb") as f:
        assert b"".join(client.get(response.json()["url"]).streaming_content) == f.read()
    # Not a photo: refused in words under `file`, nothing stored.
    exe = SimpleUploadedFile("invoice.exe", b"MZ\x90\x00" * 64, content_type="application/octet-stream")
    bad = client.post(photos_url, {"file": exe}, format="multipart")
    assert bad.status_code == 400 and "is not a photo" in " ".join(bad.json()["file"])
    # The other squadron's officer does not see the log (404), and a statistician adds no photo (403).
    assert api(crew["officer2"]).post(photos_url, {"file": photo()}, format="multipart").status_code == 404
    statistician = make_user("statistician", unit=active.lead_unit, username="c_stats")
    assert api(statistician).post(photos_url, {"file": photo()}, format="multipart").status_code == 403
    assert FieldLog.objects.get().photos.count() == 1


def test_a_logs_photo_list_takes_the_same_queries_for_one_photo_or_four(api, active, crew):
    """The files' list (files.api.get_attachments, reading what the detail queryset prefetched) reads the
    photos with who uploaded each: no query per photo or per uploader."""
    client = api(crew["officer1"])
    log = client.post(logs_url(active), log_body(), format="json").json()
    photos_url = f"{logs_url(active)}{log['id']}/photos/"
    client.post(photos_url, {"file": photo()}, format="multipart")
    with CaptureQueriesContext(connection) as one:
        assert len(client.get(photos_url).json()) == 1
    entry = FieldLog.objects.get()
    for uploader in ("officer1", "leader", "officer1"):
        services.add_log_photo(entry, photo(), by=crew[uploader])
    with CaptureQueriesContext(connection) as four:
        assert len(client.get(photos_url).json()) == 4
    assert len(four) == len(one)


def test_a_concluded_campaigns_logs_take_no_more_photos(api, active, crew):
    client = api(crew["officer1"])
    log = client.post(logs_url(active), log_body(), format="json").json()
    services.conclude(active, by=crew["leader"], summary="整治完成")
    response = client.post(f"{logs_url(active)}{log['id']}/photos/", {"file": photo()}, format="multipart")
    assert response.status_code == 409
    assert "field logs are final" in response.json()["detail"]
    assert not FieldLog.objects.get().photos.exists()


@pytest.fixture
def third(district_a):
    """A squadron of the district that takes no part (made before the users, whose scope is then read)."""
    return OrgUnitFactory(code="squad-a3", name="甲区三中队", level=UnitLevel.SQUADRON, parent=district_a)


def test_a_unit_that_does_not_take_part_does_not_log(third, api, active, crew):
    response = api(crew["leader"]).post(logs_url(active), log_body(unit=third.pk), format="json")
    assert response.status_code == 400
    assert "Only a unit taking part in the campaign logs work on it." in response.json()["unit"]
    assert not FieldLog.objects.exists()


def test_a_planned_campaign_takes_no_logs(api, crew, squadrons):
    campaign = plan(crew, squadrons)
    response = api(crew["officer1"]).post(logs_url(campaign), log_body(), format="json")
    assert response.status_code == 409
    assert "once the campaign is under way" in response.json()["detail"]


# --- rectification items ------------------------------------------------------------------------------------------
def test_an_item_is_recorded_noticed_rechecked_and_escalated(api, active, crew, squadrons, party, category):
    client = api(crew["officer1"])
    body = {
        "campaign": active.pk,
        "kind": "stall",
        "description": "占道摆卖水果",
        "address": "祖庙路1号",
        "party": party.pk,
        "category": category.pk,
    }
    response = client.post(ITEMS, body, format="json")
    assert response.status_code == 201, response.json()
    item = RectificationItem.objects.get(pk=response.json()["id"])
    assert response.json()["unit"]["name"] == "甲区一中队"
    assert response.json()["allowed_actions"] == ["issue_notice"]
    # A re-check before the notice: the state refuses it, in words.
    early = client.post(
        item_url(item, "recheck"), {"result": "rectified", "rechecked_on": today().isoformat()}, format="json"
    )
    assert early.status_code == 409
    assert "“Record the re-check” is not possible now" in early.json()["detail"]
    photo_response = client.post(
        item_url(item, "photos"), {"file": photo(), "stage": "before"}, format="multipart"
    )
    assert photo_response.status_code == 201, photo_response.json()
    assert photo_response.json()["stage"] == "before"
    response = client.post(
        item_url(item, "issue_notice"),
        {"deadline_on": today().isoformat(), "requirement": "立即清理占道物品"},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "noticed" and response.json()["deadline_on"] == today().isoformat()
    documents = client.get(item_url(item, "documents")).json()["documents"]
    assert [d["doc_type"] for d in documents] == ["rectification_notice"]
    # The re-check needs a photo after.
    no_photo = client.post(
        item_url(item, "recheck"),
        {"result": "not_rectified", "rechecked_on": today().isoformat()},
        format="json",
    )
    assert no_photo.status_code == 400
    assert "Add a photo taken at the re-check." in error_text(no_photo)
    client.post(item_url(item, "photos"), {"file": photo("复查.jpg"), "stage": "after"}, format="multipart")
    response = client.post(
        item_url(item, "recheck"),
        {"result": "not_rectified", "rechecked_on": today().isoformat()},
        format="json",
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "not_rectified" and response.json()["allowed_actions"] == ["escalate"]
    response = client.post(item_url(item, "escalate"), {"procedure": "general"}, format="json")
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["status"] == "escalated" and body["case"]["number"]
    item.refresh_from_db()
    assert item.case.rectification_item == item and item.case.evidence.count() == 2
    twice = client.post(item_url(item, "escalate"), {"procedure": "general"}, format="json")
    assert twice.status_code == 409
    assert "is not possible now" in twice.json()["detail"]
    assert RectificationItem.objects.filter(case__isnull=False).count() == 1


def test_an_item_escalates_to_a_case_decided_on_the_spot(api, active, crew, squadrons, party, category):
    item = noticed(active, crew, squadrons, party=party, category=category)
    services.add_item_photo(item, photo(), by=crew["officer1"], stage="after")
    item = services.recheck(item, by=crew["officer1"], result="not_rectified", rechecked_on=today())
    body = {"procedure": "simple", "penalty_kinds": ["warning"], "correction_order": "立即停止占道经营"}
    response = api(crew["officer1"]).post(item_url(item, "escalate"), body, format="json")
    assert response.status_code == 200, response.json()
    item.refresh_from_db()
    assert item.status == ItemStatus.ESCALATED
    assert item.case.procedure == "simple" and item.case.correction_order == "立即停止占道经营"


def test_an_item_without_a_party_is_not_escalated(api, active, crew, squadrons, category):
    item = noticed(active, crew, squadrons, party_name="无名摊贩", category=category)
    services.add_item_photo(item, photo(), by=crew["officer1"], stage="after")
    item = services.recheck(item, by=crew["officer1"], result="not_rectified", rechecked_on=today())
    response = api(crew["officer1"]).post(item_url(item, "escalate"), {"procedure": "general"}, format="json")
    assert response.status_code == 409
    assert "Record the party" in response.json()["detail"]
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_RECTIFIED and item.case_id is None


def test_bad_item_input_is_refused_in_words(api, active, crew, squadrons):
    client = api(crew["officer1"])
    response = client.post(
        ITEMS, {"campaign": active.pk, "kind": "stall", "description": " ", "address": "x"}, format="json"
    )
    assert response.status_code == 400
    response = client.post(
        ITEMS,
        {
            "campaign": active.pk,
            "kind": "stall",
            "description": "摆卖",
            "address": "x",
            "unit": squadrons[1].pk,
        },
        format="json",
    )
    assert response.status_code == 400  # the other squadron is not the officer's
    item = record_item(active, crew, squadrons)
    late = client.post(
        item_url(item, "issue_notice"),
        {"deadline_on": (today() + timedelta(days=200)).isoformat(), "requirement": "整改"},
        format="json",
    )
    assert late.status_code == 400
    assert "at most 90 days" in error_text(late)
    bad_stage = client.post(
        item_url(item, "photos"), {"file": photo(), "stage": "during"}, format="multipart"
    )
    assert bad_stage.status_code == 400
    assert not Document.objects.exists()


def test_a_stale_notice_is_409(api, active, crew, squadrons):
    item = record_item(active, crew, squadrons)
    body = {"deadline_on": today().isoformat(), "requirement": "整改", "version": item.version - 1}
    response = api(crew["officer1"]).post(item_url(item, "issue_notice"), body, format="json")
    assert response.status_code == 409
    item.refresh_from_db()
    assert item.status == ItemStatus.FOUND


def test_the_items_list_filters_by_status_and_overdue(api, active, crew, squadrons):
    record_item(active, crew, squadrons)
    item = noticed(active, crew, squadrons)
    RectificationItem.objects.filter(pk=item.pk).update(
        recheck_due_at=item.recheck_due_at - timedelta(days=2)
    )
    client = api(crew["leader"])
    assert [r["id"] for r in client.get(ITEMS, {"status": "noticed"}).json()["results"]] == [item.pk]
    rows = client.get(ITEMS, {"overdue": "on"}).json()["results"]
    assert [r["id"] for r in rows] == [item.pk] and rows[0]["overdue"] is True


# --- query counts -------------------------------------------------------------------------------------------------
def count_queries(user, url):
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, {"page_size": 50})
    assert response.status_code == 200
    return len(ctx), len(response.json()["results"])


def test_the_lists_cost_the_same_queries_for_few_and_many_rows(crew, squadrons, party):
    campaigns = [services.start(plan(crew, squadrons, name=f"整治{n}"), by=crew["leader"]) for n in range(3)]
    for campaign in campaigns:
        record_item(campaign, crew, squadrons, party=party)
    few = count_queries(crew["leader"], CAMPAIGNS), count_queries(crew["leader"], ITEMS)
    for n in range(9):
        campaign = services.start(plan(crew, squadrons, name=f"更多{n}"), by=crew["leader"])
        record_item(campaign, crew, squadrons, party=party)
        noticed(campaign, crew, squadrons)
    many = count_queries(crew["leader"], CAMPAIGNS), count_queries(crew["leader"], ITEMS)
    assert (few[0][1], many[0][1], few[1][1], many[1][1]) == (3, 12, 3, 21)
    assert (few[0][0], few[1][0]) == (many[0][0], many[1][0]), (few, many)


def test_the_campaign_detail_query_count_is_bounded(crew, squadrons, active):
    for days_ago in range(7):
        services.log_field_work(
            active,
            by=crew["officer1"],
            unit=squadrons[0],
            day=today() - timedelta(days=days_ago),
            values={"correction_notices": "3", "persuasion": "8"},
        )
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(crew["leader"])
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(campaign_url(active)).status_code == 200
    assert len(ctx) <= 20, [q["sql"] for q in ctx.captured_queries]


def test_the_reverse_names_are_the_routers(active):
    assert reverse("api:campaign-detail", args=[active.pk]) == campaign_url(active)
    assert reverse("api:campaignlog-list", kwargs={"campaign_pk": active.pk}) == logs_url(active)
