import datetime as dt
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.testing import ScopedCreateChecks

from ..choices import ComplaintStatus
from ..models import Complaint, DeadlinePolicy
from .conftest import EXE, JPEG, upload
from .factories import ComplaintFactory

S = ComplaintStatus
LIST = reverse("api:complaint-list")


def detail(c):
    return reverse("api:complaint-detail", args=[c.pk if hasattr(c, "pk") else c])


def act(c, slug):
    return reverse(f"api:complaint-{slug}", args=[c.pk if hasattr(c, "pk") else c])


class TestComplaintEndpoint(ScopedCreateChecks):
    basename = "complaint"
    writer_roles = ("intake",)
    reader_roles = ("statistician",)

    def make_object(self, unit):
        return ComplaintFactory(unit=unit)

    def create_payload(self, unit):
        from enforcement.catalog.tests.factories import ViolationCategoryFactory

        return {
            "channel": "hotline_12345",
            "category": ViolationCategoryFactory().pk,
            "description": "噪音扰民",
            "address": "人民路8号",
            "complainant_name": "王五",
            "complainant_phone": "13700001234",
        }


@pytest.fixture
def payload(category):
    return {
        "channel": "hotline_12345",
        "category": category.pk,
        "description": "夜间烧烤油烟扰民",
        "address": "解放路12号",
        "lat": "23.020000",
        "lng": "113.120000",
        "complainant_name": "陈小明",
        "complainant_phone": "13812345678",
    }


def test_the_loop_through_the_api(api_as, intake_city, district_officer_a, district_a, payload):
    intake, officer = api_as(intake_city), api_as(district_officer_a)
    created = intake.post(LIST, payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == "received" and body["number"].startswith("TS")
    assert body["allowed_actions"] == ["accept", "reject", "merge"]
    cid = body["id"]
    assert intake.post(act(cid, "accept"), {"version": body["version"]}, format="json").status_code == 200
    dispatched = intake.post(act(cid, "dispatch"), {"unit": district_a.pk}, format="json")
    assert dispatched.json()["status"] == "dispatched"
    seen = officer.get(detail(cid)).json()
    assert "start" in seen["allowed_actions"] and "send_back" in seen["allowed_actions"]
    assert (
        officer.post(act(cid, "start"), {}, format="json").json()["handler"]["name"]
        == district_officer_a.full_name
    )
    replied = officer.post(act(cid, "reply"), {"reply_text": "已责令商户整改。"}, format="json").json()
    assert replied["status"] == "replied" and replied["visit_due_at"]
    visited = intake.post(
        act(cid, "record_visit"), {"satisfaction": "basically_satisfied"}, format="json"
    ).json()
    assert visited["allowed_actions"] == ["close"]
    closed = intake.post(act(cid, "close"), {}, format="json").json()
    assert closed["status"] == "closed" and closed["allowed_actions"] == []
    verbs = list(
        AuditEvent.objects.filter(object_id=str(cid), action="transition")
        .order_by("at", "id")
        .values_list("verb", "source")
    )
    assert verbs == [(v, "api") for v in ("accept", "dispatch", "start", "reply", "record_visit", "close")]


# --- bad input -------------------------------------------------------------------------------------------
def test_reply_on_a_rejected_complaint_is_409(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, status=S.REJECTED, category=category)
    response = api_as(intake_city).post(act(c, "reply"), {"reply_text": "x"}, format="json")
    assert response.status_code == 409
    assert (
        "Rejected" in response.json()["detail"]
        or "不予受理" in response.json()["detail"]
        or response.json()["detail"]
    )
    c.refresh_from_db()
    assert (c.status, c.reply_text) == (S.REJECTED, "")


def test_visit_before_reply_is_409(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, status=S.IN_PROGRESS, category=category)
    assert (
        api_as(intake_city)
        .post(act(c, "record_visit"), {"satisfaction": "satisfied"}, format="json")
        .status_code
        == 409
    )


def test_missing_required_input_is_400_with_the_field(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, status=S.RECEIVED, category=category)
    response = api_as(intake_city).post(act(c, "reject"), {}, format="json")
    assert response.status_code == 400 and "reason" in response.json()


def test_dispatch_out_of_scope_is_400(api_as, intake_a, district_a, district_b, category):
    c = ComplaintFactory(unit=district_a, status=S.ACCEPTED, category=category)
    response = api_as(intake_a).post(act(c, "dispatch"), {"unit": district_b.pk}, format="json")
    assert response.status_code == 400 and "unit" in response.json()
    c.refresh_from_db()
    assert (c.status, c.unit) == (S.ACCEPTED, district_a)


def test_an_out_of_scope_complaint_is_404_for_every_action(api_as, officer_a, district_b, category):
    from ..choices import TRANSITIONS

    c = ComplaintFactory(unit=district_b, status=S.DISPATCHED, category=category)
    client = api_as(officer_a)
    assert client.get(detail(c)).status_code == 404
    for slug in TRANSITIONS:
        assert client.post(act(c, slug), {}, format="json").status_code == 404, slug


def test_a_role_without_the_action_gets_403(api_as, make_user, district_a, category):
    c = ComplaintFactory(unit=district_a, status=S.RECEIVED, category=category)
    officer = make_user("officer", unit=district_a)
    assert api_as(officer).post(act(c, "accept"), {}, format="json").status_code == 403


def test_unknown_category_is_400(api_as, intake_city, payload):
    payload["category"] = 999999
    response = api_as(intake_city).post(LIST, payload, format="json")
    assert response.status_code == 400 and "category" in response.json()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize("lat,lng", [("90.5", "113"), ("23", "-181"), ("23", None)])
def test_a_point_outside_the_world_is_400(api_as, intake_city, payload, lat, lng):
    payload["lat"], payload["lng"] = lat, lng
    response = api_as(intake_city).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert not Complaint.objects.exists()


def test_html_in_the_description_is_kept_as_text(api_as, intake_city, payload):
    payload["description"] = '<img src=x onerror="alert(1)">占道'
    body = api_as(intake_city).post(LIST, payload, format="json").json()
    assert body["description"] == '<img src=x onerror="alert(1)">占道'


def test_stale_version_is_409_and_the_winner_stays(api_as, intake_city, city, district_a, category):
    c = ComplaintFactory(unit=city, status=S.ACCEPTED, category=category)
    client = api_as(intake_city)
    assert (
        client.post(
            act(c, "dispatch"), {"unit": district_a.pk, "version": c.version}, format="json"
        ).status_code
        == 200
    )
    late = client.post(act(c, "reject"), {"reason": "x"}, format="json", HTTP_IF_MATCH=str(c.version))
    assert late.status_code == 409
    c.refresh_from_db()
    assert c.status == S.DISPATCHED


def test_intake_corrects_the_record_before_dispatch(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, status=S.RECEIVED, category=category)
    client = api_as(intake_city)
    response = client.patch(detail(c), {"address": "新地址1号", "version": c.version}, format="json")
    assert response.status_code == 200 and response.json()["address"] == "新地址1号"
    assert client.patch(detail(c), {"address": "旧", "version": c.version}, format="json").status_code == 409
    assert (
        client.patch(detail(c), {"status": "closed", "version": c.version + 1}, format="json").json()[
            "status"
        ]
        == "received"
    )


# --- masking --------------------------------------------------------------------------------------------
def test_complainant_is_masked_except_for_intake_and_supervisors(api_as, make_user, district_a, category):
    c = ComplaintFactory(
        unit=district_a, category=category, complainant_name="张三丰", complainant_phone="13812345678"
    )
    officer = make_user("officer", unit=district_a)
    statistician = make_user("statistician", unit=district_a)
    for user in (officer, statistician):
        row = api_as(user).get(LIST).json()["results"][0]["complainant"]
        assert row == {"name": "张**", "phone": "138****5678", "masked": True, "anonymous": False}
        assert api_as(user).get(detail(c)).json()["complainant"]["phone"] == "138****5678"
    for role in ("intake", "squad_leader", "bureau_head", "legal_reviewer"):
        user = make_user(role, unit=district_a)
        assert api_as(user).get(detail(c)).json()["complainant"]["phone"] == "13812345678"


def test_phone_search_only_for_those_who_see_it(api_as, make_user, district_a, category):
    ComplaintFactory(unit=district_a, category=category, complainant_phone="13812345678")
    officer = make_user("officer", unit=district_a)
    intake = make_user("intake", unit=district_a)
    assert api_as(intake).get(LIST, {"q": "13812345678"}).json()["count"] == 1
    assert api_as(officer).get(LIST, {"q": "13812345678"}).json()["count"] == 0


# --- filters and pagination -----------------------------------------------------------------------------
def test_filters(api_as, intake_city, district_a, squad_a, district_b, category):
    from enforcement.catalog.tests.factories import ViolationCategoryFactory

    sub = ViolationCategoryFactory(parent=category)
    other = ViolationCategoryFactory()
    now = timezone.now()
    in_squad = ComplaintFactory(
        unit=squad_a,
        category=sub,
        status=S.DISPATCHED,
        due_at=None,
        address="解放北路5号",
        received_at=now - dt.timedelta(days=3),
    )
    Complaint.objects.filter(pk=in_squad.pk).update(due_at=now - dt.timedelta(hours=1))
    in_b = ComplaintFactory(
        unit=district_b,
        category=other,
        status=S.CLOSED,
        satisfaction="satisfied",
        received_at=now - dt.timedelta(days=40),
        description="广告牌破损",
    )
    client = api_as(intake_city)

    def ids(**params):
        return {row["id"] for row in client.get(LIST, params).json()["results"]}

    assert ids(unit=district_a.pk) == {in_squad.pk}
    assert ids(category=category.pk) == {in_squad.pk}
    assert ids(status="closed") == {in_b.pk}
    assert ids(status=["closed", "dispatched"]) == {in_squad.pk, in_b.pk}
    assert ids(due="overdue") == {in_squad.pk}
    assert ids(satisfaction="satisfied") == {in_b.pk}
    assert ids(q="广告") == {in_b.pk}
    assert ids(q="解放北路") == {in_squad.pk}
    assert ids(q=in_b.number.lower()) == {in_b.pk}
    week_ago = timezone.localdate() - dt.timedelta(days=7)
    assert ids(received_from=week_ago.isoformat()) == {in_squad.pk}
    assert ids(received_to=week_ago.isoformat()) == {in_b.pk}


@pytest.mark.parametrize("ordering", ["-received_at", "received_at", "due_at", "-due_at"])
def test_keyset_pages_walk_the_whole_list_both_ways(api_as, intake_city, city, category, ordering):
    now = timezone.now()
    rows = []
    for i in range(23):
        c = ComplaintFactory(unit=city, category=category, received_at=now - dt.timedelta(hours=i % 7))
        due = None if i % 4 == 0 else now + dt.timedelta(hours=i % 5)
        Complaint.objects.filter(pk=c.pk).update(due_at=due)
        rows.append(c.pk)
    client = api_as(intake_city)
    seen, url, pages = [], LIST + f"?ordering={ordering}&page_size=5", []
    while url:
        body = client.get(url).json()
        assert body["count"] == 23 and body["count_capped"] is False
        pages.append([r["id"] for r in body["results"]])
        seen.extend(pages[-1])
        url = body["next"]
    assert sorted(seen) == sorted(rows) and len(seen) == 23
    expected = list(Complaint.objects.order_by(*_django_order(ordering)).values_list("pk", flat=True))
    assert seen == expected
    # and back again with `previous`
    back, url = [], client.get(LIST + f"?ordering={ordering}&page_size=5").json()
    while url.get("next"):
        url = client.get(url["next"]).json()
    back.append([r["id"] for r in url["results"]])
    while url.get("previous"):
        url = client.get(url["previous"]).json()
        back.append([r["id"] for r in url["results"]])
    assert [i for page in reversed(back) for i in page] == expected


def _django_order(ordering):
    from django.db.models import F

    field = ordering.lstrip("-")
    desc = ordering.startswith("-")
    expr = F(field).desc(nulls_last=True) if desc else F(field).asc(nulls_last=True)
    return [expr, "-id" if desc else "id"]


def test_bad_cursor_is_400(api_as, intake_city):
    assert api_as(intake_city).get(LIST, {"cursor": "garbage!!"}).status_code == 400


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "占道"},
        {"status": ["received", "dispatched"], "channel": "hotline_12345", "received_from": "2020-01-01"},
        {"q": "占道", "unit": "city", "category": "category", "status": "received"},
    ],
)
def test_list_query_count_does_not_grow_with_page_size(intake_city, city, category, params):
    for _ in range(60):
        ComplaintFactory(unit=city, category=category)
    ids = {"city": city.pk, "category": category.pk}
    params = {
        key: ids.get(value, value) if isinstance(value, str) else value for key, value in params.items()
    }
    from rest_framework.test import APIClient

    client = APIClient()
    client.force_login(intake_city)  # a real session: each request loads the user, roles and scope afresh
    client.get(LIST, params)  # fills the per-process caches (category tree, the search's bigram statistics)
    counts = []
    for size in (5, 50):
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST, {**params, "page_size": size})
        assert response.status_code == 200 and len(response.json()["results"]) == size
        counts.append(len(ctx))
    assert counts[0] == counts[1] <= 10, counts


def test_the_list_rows_fast_path_matches_the_declared_fields(rf, intake_city, officer_a, city, category):
    from decimal import Decimal

    from rest_framework import serializers

    from enforcement.org.tests.factories import GridFactory

    from ..api.serializers import ComplaintListSerializer

    rows = [
        ComplaintFactory(unit=city, category=category),
        ComplaintFactory(
            unit=city,
            category=category,
            is_anonymous=True,
            complainant_name="",
            complainant_phone="",
            status=S.CLOSED,
            satisfaction="satisfied",
            on_the_spot=True,
            reopen_count=1,
        ),
        ComplaintFactory(
            unit=city,
            category=category,
            status=S.IN_PROGRESS,
            handler=officer_a,
            grid=GridFactory(unit=city),
            lat=Decimal("23.02"),
            lng=Decimal("113.12"),
        ),
    ]
    Complaint.objects.filter(pk=rows[0].pk).update(due_at=None)
    for user in (intake_city, officer_a):  # unmasked and masked complainant
        request = rf.get("/")
        request.user = user
        serializer = ComplaintListSerializer(context={"request": request})
        for c in Complaint.objects.for_list().filter(pk__in=[r.pk for r in rows]):
            fast = serializer.to_representation(c)
            assert fast == serializers.ModelSerializer.to_representation(serializer, c)
            assert list(fast) == ComplaintListSerializer.Meta.fields


def test_the_unit_filter_takes_the_subtree_and_ones_own_unit_costs_no_query(
    intake_a, district_a, squad_a, district_b, category
):
    from rest_framework.test import APIClient

    in_squad = ComplaintFactory(unit=squad_a, category=category)
    in_district = ComplaintFactory(unit=district_a, category=category)
    ComplaintFactory(unit=district_b, category=category)
    client = APIClient()
    client.force_login(intake_a)  # a real session: each request loads the user and its scope afresh

    def ids_and_subtree_queries(unit):
        with CaptureQueriesContext(connection) as ctx:
            rows = client.get(LIST, {"unit": unit.pk}).json()["results"]
        subtrees = [
            q for q in ctx.captured_queries if re.search(r'"org_orgunit"\."path"(::text)? LIKE', q["sql"])
        ]
        return {r["id"] for r in rows}, len(subtrees)

    # The scope's own subtree query, and for another unit than one's own a second one.
    assert ids_and_subtree_queries(district_a) == ({in_squad.pk, in_district.pk}, 1)
    assert ids_and_subtree_queries(squad_a) == ({in_squad.pk}, 2)
    assert ids_and_subtree_queries(district_b)[0] == set()


def test_status_and_channel_filters_do_not_select_distinct(api_as, intake_city, city, category):
    ComplaintFactory(unit=city, category=category)
    with CaptureQueriesContext(connection) as ctx:
        assert (
            api_as(intake_city).get(LIST, {"status": ["received", "accepted"], "channel": "web"}).status_code
            == 200
        )
    complaint_queries = [q["sql"] for q in ctx.captured_queries if "complaints_complaint" in q["sql"]]
    assert complaint_queries and not any("DISTINCT" in sql for sql in complaint_queries)


def test_a_search_is_not_counted_beyond_its_first_page(api_as, intake_city, city, category):
    for i in range(7):
        ComplaintFactory(
            unit=city,
            category=category,
            description=f"夜间露天烧烤油烟扰民{i}",
            received_at=timezone.now() - dt.timedelta(days=100 * i),
        )
    ComplaintFactory(unit=city, category=category, description="井盖破损")
    client = api_as(intake_city)
    first = client.get(LIST, {"q": "烧烤", "page_size": 3}).json()
    assert first["count"] is None and first["count_capped"] is False and len(first["results"]) == 3
    # Newest first across the search's time windows (30 days, a year, the rest) and on over the pages.
    seen, url = [], LIST + "?q=%E7%83%A7%E7%83%A4&page_size=3"
    while url:
        body = client.get(url).json()
        seen += [row["id"] for row in body["results"]]
        url = body["next"]
    expected = list(
        Complaint.objects.filter(description__contains="烧烤")
        .order_by("-received_at", "-id")
        .values_list("pk", flat=True)
    )
    assert seen == expected and len(seen) == 7
    whole = client.get(LIST, {"q": "烧烤", "page_size": 10}).json()
    assert whole["count"] == 7  # a first page holding every match is its own count
    assert client.get(LIST, {"page_size": 3}).json()["count"] == 8  # without a search: counted


def test_a_one_character_search_is_400(api_as, intake_city):
    response = api_as(intake_city).get(LIST, {"q": "烧"})
    assert response.status_code == 400 and "q" in response.json()


@pytest.mark.parametrize(
    "term, found",
    [
        ("井盖", True),
        ("盖破", True),
        ("井盖破损", True),
        ("破损井盖", False),
        ("人民路", True),
        ("路1", True),
        ("ab", True),
        ("AB", True),
        ("民路1号", True),
        ("b人", False),  # the description's end + the address
    ],
)
def test_search_terms_of_two_characters_and_more(api_as, intake_city, city, category, term, found):
    c = ComplaintFactory(unit=city, category=category, description="井盖破损ab", address="人民路1号")
    ComplaintFactory(unit=city, category=category, description="门前占道经营", address="解放路2号")
    ids = [row["id"] for row in api_as(intake_city).get(LIST, {"q": term}).json()["results"]]
    assert ids == ([c.pk] if found else [])


def test_detail_query_count_is_bounded(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, category=category)
    client = api_as(intake_city)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(detail(c)).status_code == 200
    assert len(ctx) <= 12


# --- attachments ----------------------------------------------------------------------------------------
def test_upload_a_photo_and_read_it_back(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, category=category)
    client = api_as(intake_city)
    url = reverse("api:complaint-attachments", args=[c.pk])
    response = client.post(url, {"file": upload("现场.jpg")}, format="multipart")
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["size"], len(body["sha256"])) == ("photo", len(JPEG), 64)
    assert client.get(url).json()[0]["id"] == body["id"]
    from django.test import Client

    browser = Client()
    browser.force_login(intake_city)
    download = browser.get(body["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == JPEG


def test_an_executable_renamed_jpg_is_400(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, category=category)
    response = api_as(intake_city).post(
        reverse("api:complaint-attachments", args=[c.pk]),
        {"file": upload("photo.jpg", EXE)},
        format="multipart",
    )
    assert response.status_code == 400 and "file" in response.json()
    assert not c.attachments.exists()


def test_evidence_video_with_when_and_where_it_was_taken(api_as, officer_a, category):
    from enforcement.files.testing import mp4_bytes

    c = ComplaintFactory(unit=officer_a.unit, category=category, status=S.IN_PROGRESS)
    response = api_as(officer_a).post(
        reverse("api:complaint-attachments", args=[c.pk]),
        {
            "file": upload("现场.mp4", mp4_bytes(b"mp42"), "video/mp4"),
            "stage": "evidence",
            "captured_at": "2026-11-30T09:15:00+08:00",
            "lat": "23.025000",
            "lng": "113.105000",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["content_type"], body["lat"], body["stage"]) == (
        "video",
        "video/mp4",
        "23.025000",
        "evidence",
    )
    assert c.attachments.get().captured_at.isoformat() == "2026-11-30T01:15:00+00:00"


def test_a_fake_jpeg_is_400(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, category=category)
    fake = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 200  # JPEG's magic bytes, then garbage
    response = api_as(intake_city).post(
        reverse("api:complaint-attachments", args=[c.pk]),
        {"file": upload("photo.jpg", fake)},
        format="multipart",
    )
    assert response.status_code == 400 and "photo.jpg" in response.json()["file"][0]
    assert not c.attachments.exists()


def test_a_200_mb_upload_is_refused_before_it_is_read(api_as, intake_city, city, category):
    c = ComplaintFactory(unit=city, category=category)
    client = api_as(intake_city)
    url = reverse("api:complaint-attachments", args=[c.pk])
    # The declared length is 200 MB; the body is never read, so it need not be there.
    response = client.generic(
        "POST",
        url,
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413
    assert "MB" in response.json()["detail"]


def test_a_body_growing_past_the_limit_stops_while_streaming(api_as, intake_city, city, category, settings):
    settings.ATTACHMENT_MAX_BYTES = 100_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    c = ComplaintFactory(unit=city, category=category)
    big = JPEG + b"\x00" * 150_000  # declared length is within limit + overhead; the file is not
    response = api_as(intake_city).post(
        reverse("api:complaint-attachments", args=[c.pk]),
        {"file": upload("big.jpg", big)},
        format="multipart",
    )
    assert response.status_code in (400, 413)
    assert not c.attachments.exists()


# --- duplicates -----------------------------------------------------------------------------------------
def test_possible_duplicates_at_intake_and_on_the_record(api_as, intake_city, city, category):
    from decimal import Decimal

    near = ComplaintFactory(unit=city, category=category, lat=Decimal("23.020500"), lng=Decimal("113.120000"))
    ComplaintFactory(
        unit=city, category=category, lat=Decimal("23.030000"), lng=Decimal("113.120000")
    )  # ~1.1 km
    old = ComplaintFactory(
        unit=city,
        category=category,
        lat=Decimal("23.020100"),
        lng=Decimal("113.120000"),
        received_at=timezone.now() - dt.timedelta(days=90),
    )
    client = api_as(intake_city)
    found = client.get(
        reverse("api:complaint-possible-duplicates"),
        {"category": category.pk, "lat": "23.020000", "lng": "113.120000"},
    ).json()
    assert [row["id"] for row in found] == [near.pk]
    assert 50 < found[0]["distance_m"] < 60
    mine = ComplaintFactory(unit=city, category=category, lat=Decimal("23.020000"), lng=Decimal("113.120000"))
    on_record = client.get(reverse("api:complaint-duplicates", args=[mine.pk])).json()
    assert [row["id"] for row in on_record] == [near.pk]
    assert old.pk not in [row["id"] for row in on_record]
    merged = client.post(act(mine, "merge"), {"into": near.pk}, format="json").json()
    assert merged["status"] == "merged" and merged["merged_into"] == {"id": near.pk, "number": near.number}


# --- deadline policy ------------------------------------------------------------------------------------
def test_admins_edit_deadline_policy_others_read(api_as, city_admin, officer_a):
    url = reverse("api:complaintdeadlinepolicy-list")
    data = {
        "channel": "web",
        "unit": "working_days",
        "accept_within": 1,
        "reply_within": 3,
        "visit_within": 2,
    }
    assert api_as(officer_a).post(url, data, format="json").status_code == 403
    response = api_as(city_admin).post(url, data, format="json")
    assert response.status_code == 201, response.json()
    assert api_as(officer_a).get(url).json()["results"][0]["reply_within"] == 3
    assert api_as(city_admin).post(url, data, format="json").status_code == 400  # one row per channel
    assert DeadlinePolicy.objects.count() == 1


def test_a_district_administrator_may_not_edit_deadline_policy(api_as, admin_a):
    """City-wide data (enforcement.org.permissions): the district's administrator reads, and a write
    answers 403 with the reason."""
    policy = DeadlinePolicy.objects.create(channel="web", accept_within=1, reply_within=4, visit_within=2)
    client = api_as(admin_a)
    url = reverse("api:complaintdeadlinepolicy-list")
    assert client.get(url).json()["results"][0]["reply_within"] == 4
    created = client.post(
        url, {"channel": "letter", "accept_within": 1, "reply_within": 3, "visit_within": 2}, format="json"
    )
    assert created.status_code == 403
    assert "Only a city administrator can change this" in created.json()["detail"]
    detail = reverse("api:complaintdeadlinepolicy-detail", args=[policy.pk])
    assert client.patch(detail, {"reply_within": 9, "version": 1}, format="json").status_code == 403
    policy.refresh_from_db()
    assert (policy.reply_within, DeadlinePolicy.objects.count()) == (4, 1)


def test_a_file_for_a_closed_complaint_is_409_with_the_reason(api_as, officer_a, category):
    c = ComplaintFactory(unit=officer_a.unit, category=category, status=ComplaintStatus.CLOSED)
    response = api_as(officer_a).post(
        reverse("api:complaint-attachments", args=[c.pk]), {"file": upload("补拍.jpg")}, format="multipart"
    )
    assert response.status_code == 409
    assert "only while the complaint is open" in response.json()["detail"]
    assert not c.attachments.exists()
