"""Open311 GeoReport v2: a client platform files a complaint and tracks it to closed; keys, scope, bad input."""

import io
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.urls import reverse

from complaints import services as complaint_services
from complaints.choices import Channel, ComplaintStatus
from complaints.models import Complaint
from enforcement.audit.models import AuditEvent
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.org.tests.factories import GridFactory

from .. import services
from ..models import Open311Client, Open311Request

S = ComplaintStatus
REQUESTS = "/open311/v2/requests.json"


@pytest.fixture
def vending(db):
    major = ViolationCategoryFactory(
        code="07", name="占道经营", name_en="Street vending and occupying the street"
    )
    return ViolationCategoryFactory(
        code="0701", name="流动摊贩占道经营", name_en="Street vending", parent=major
    )


@pytest.fixture
def hotline(district_a):
    client, key = services.create_client(name="12345 hotline", unit=district_a, channel=Channel.HOTLINE_12345)
    client.key = key
    return client


@pytest.fixture
def other_platform(district_a):
    client, key = services.create_client(
        name="Mayor's mailbox", unit=district_a, channel=Channel.MAYOR_HOTLINE
    )
    client.key = key
    return client


def file(client, platform, **fields):
    data = {
        "api_key": platform.key,
        "service_code": "0701",
        "lat": "23.021234",
        "long": "113.105678",
        "address_string": "中山路18号",
        "description": "门口有流动摊贩占道经营，影响通行",
        "first_name": "三",
        "last_name": "张",
        "phone": "13812345678",
        "email": "zhang@example.org",
        "media_url": "https://12345.example.org/photos/1.jpg",
    }
    data.update(fields)
    return client.post(REQUESTS, {k: v for k, v in data.items() if v is not None})


def read(client, platform, number):
    response = client.get(f"/open311/v2/requests/{number}.json", {"api_key": platform.key})
    assert response.status_code == 200, response.content
    (item,) = response.json()
    return item


def error_of(response):
    (error,) = response.json()
    assert error["code"] == response.status_code
    return error["description"]


# --- services -------------------------------------------------------------------------------------------
def test_services_are_the_active_sub_categories_grouped_by_major_one(client, vending):
    retired = ViolationCategoryFactory(code="0799", parent=vending.parent, is_active=False)
    response = client.get("/open311/v2/services.json")
    assert response.status_code == 200
    services_by_code = {s["service_code"]: s for s in response.json()}
    assert "0701" in services_by_code
    assert "07" not in services_by_code  # a major category with sub-categories is a group, not a service
    assert retired.code not in services_by_code
    assert services_by_code["0701"]["group"] == "Street vending and occupying the street"
    assert services_by_code["0701"]["service_name"] == "Street vending"
    assert services_by_code["0701"]["metadata"] is False


def test_service_definition_and_unknown_service(client, vending):
    response = client.get("/open311/v2/services/0701.json")
    assert response.status_code == 200
    assert response.json() == {"service_code": "0701", "attributes": []}
    missing = client.get("/open311/v2/services/9999.json")
    assert missing.status_code == 404
    assert error_of(missing)


def test_only_json_is_served(client, vending):
    response = client.get("/open311/v2/services.xml")
    assert response.status_code == 400
    assert ".json" in error_of(response)
    assert error_of(client.get("/open311/v2/nothing-here"))  # a GeoReport error, not an HTML page


# --- the whole loop -------------------------------------------------------------------------------------
def test_a_platform_files_a_complaint_and_tracks_it_to_closed(
    client, hotline, vending, district_a, squad_a, make_user
):
    grid = GridFactory(
        unit=squad_a,
        min_lat=Decimal("23.02"),
        max_lat=Decimal("23.03"),
        min_lng=Decimal("113.10"),
        max_lng=Decimal("113.11"),
    )
    intake = make_user("intake", unit=district_a)
    officer = make_user("officer", unit=squad_a)

    response = file(client, hotline)
    assert response.status_code == 201, response.content
    (created,) = response.json()
    number = created["service_request_id"]
    assert response["Location"].endswith(f"/open311/v2/requests/{number}.json")

    complaint = Complaint.objects.get(number=number)
    assert complaint.channel == Channel.HOTLINE_12345
    assert complaint.unit == complaint.intake_unit == district_a
    assert complaint.received_by == hotline.account
    assert complaint.grid == grid  # derived from the point, as at the intake desk
    assert (complaint.complainant_name, complaint.complainant_phone) == ("张三", "13812345678")
    assert complaint.lat == Decimal("23.021234") and complaint.accept_due_at is not None
    assert Open311Request.objects.get(complaint=complaint).media_url.endswith("/photos/1.jpg")
    event = AuditEvent.objects.for_object(complaint).get()
    assert (event.action, event.source, event.actor) == ("create", "api", hotline.account)
    assert str(hotline.account) == "12345 hotline (Open311)"

    item = read(client, hotline, number)
    assert item["status"] == "open"
    assert item["service_code"] == "0701"
    assert item["agency_responsible"] == district_a.display_name  # in the language the platform asks for
    assert item["expected_datetime"] is not None  # the acceptance deadline
    assert (item["lat"], item["long"]) == (23.021234, 113.105678)
    assert item["media_url"] == "https://12345.example.org/photos/1.jpg"
    assert "13812345678" not in response.content.decode() + str(item) and "张三" not in str(item)

    complaint = complaint_services.accept(complaint, by=intake)
    complaint = complaint_services.dispatch(complaint, by=intake, unit=squad_a)
    item = read(client, hotline, number)
    assert (item["status"], item["agency_responsible"]) == ("open", squad_a.display_name)
    complaint = complaint_services.start(complaint, by=officer)
    complaint = complaint_services.reply(complaint, by=officer, reply_text="已责令摊主离开并恢复通行。")
    item = read(client, hotline, number)
    assert (item["status"], item["status_notes"]) == ("open", "已责令摊主离开并恢复通行。")
    complaint = complaint_services.record_visit(complaint, by=intake, satisfaction="satisfied", note="很满意")
    complaint = complaint_services.close(complaint, by=intake)

    item = read(client, hotline, number)
    assert item["status"] == "closed"
    assert item["status_notes"] == "已责令摊主离开并恢复通行。"
    assert item["expected_datetime"] is None and item["service_notice"] == ""
    closed = client.get(REQUESTS, {"api_key": hotline.key, "status": "closed"}).json()
    assert [r["service_request_id"] for r in closed] == [number]
    assert client.get(REQUESTS, {"api_key": hotline.key, "status": "open"}).json() == []


def test_a_rejected_complaint_reads_closed_with_the_reason(client, hotline, vending, district_a, make_user):
    number = file(client, hotline).json()[0]["service_request_id"]
    complaint_services.reject(
        Complaint.objects.get(number=number),
        by=make_user("intake", unit=district_a),
        reason="不属于城管职责，请向住建部门反映。",
    )
    item = read(client, hotline, number)
    assert (item["status"], item["status_notes"]) == ("closed", "不属于城管职责，请向住建部门反映。")


def test_without_name_or_phone_the_complaint_is_anonymous(client, hotline, vending):
    response = file(client, hotline, first_name=None, last_name=None, phone=None, lat=None, long=None)
    assert response.status_code == 201, response.content
    complaint = Complaint.objects.get(number=response.json()[0]["service_request_id"])
    assert complaint.is_anonymous and complaint.lat is None and complaint.address == "中山路18号"


def test_html_in_the_description_is_kept_as_text(client, hotline, vending):
    text = "<script>alert(1)</script> 占道"
    number = file(client, hotline, description=text).json()[0]["service_request_id"]
    assert Complaint.objects.get(number=number).description == text
    assert read(client, hotline, number)["description"] == text  # JSON, never HTML: nothing to execute


# --- keys and scope -------------------------------------------------------------------------------------
@pytest.mark.parametrize("key", ["", "not-a-key"])
def test_a_bad_key_is_refused_and_nothing_is_filed(client, hotline, vending, key):
    response = file(client, hotline, api_key=key)
    assert response.status_code == 403
    assert "api_key" in error_of(response)
    # an empty key is no key: a public read; a wrong one is refused rather than quietly read as public
    assert client.get(REQUESTS, {"api_key": key}).status_code == (200 if key == "" else 403)
    assert not Complaint.objects.exists()


def test_a_deactivated_client_is_refused(client, hotline, vending):
    services.update_client(hotline, is_active=False)
    assert file(client, hotline).status_code == 403
    assert not Complaint.objects.exists()


def test_only_the_hash_of_the_key_is_stored_and_rotation_retires_the_old_key(client, hotline, vending):
    stored = Open311Client.objects.get(pk=hotline.pk)
    assert hotline.key not in (stored.key_hash, stored.key_prefix)
    assert stored.key_hash == services.hash_key(hotline.key)
    old = hotline.key
    hotline.key = services.rotate_key(stored)
    assert file(client, hotline).status_code == 201
    assert client.get(REQUESTS, {"api_key": old}).status_code == 403


def test_another_client_cannot_see_the_request(client, hotline, other_platform, vending):
    number = file(client, hotline).json()[0]["service_request_id"]
    response = client.get(f"/open311/v2/requests/{number}.json", {"api_key": other_platform.key})
    assert response.status_code == 404
    assert error_of(response)
    assert client.get(REQUESTS, {"api_key": other_platform.key}).json() == []
    assert [r["service_request_id"] for r in client.get(REQUESTS, {"api_key": hotline.key}).json()] == [
        number
    ]


def test_complaints_registered_in_the_bureau_are_not_visible(client, hotline, vending, district_a, make_user):
    intake = make_user("intake", unit=district_a)
    own = complaint_services.register_complaint(
        by=intake, channel=Channel.HOTLINE_12345, category=vending, description="占道", address="人民路1号"
    )
    assert client.get(f"/open311/v2/requests/{own.number}.json", {"api_key": hotline.key}).status_code == 404


def test_the_service_account_cannot_sign_in(client, hotline):
    account = hotline.account
    assert not account.is_active and not account.has_usable_password()
    account.set_password("pass-word-123")  # even given a password, an inactive account is refused
    account.save()
    assert client.login(username=account.username, password="pass-word-123") is False


# --- bad input ------------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"service_code": "9999"}, "service_code"),
        ({"lat": "95", "long": "113.1"}, "lat"),
        ({"lat": "23.1", "long": "-181"}, "long"),
        ({"lat": "abc"}, "lat"),
        ({"lat": "NaN"}, "lat"),
        ({"long": None}, "long"),
        ({"lat": None, "long": None, "address_string": ""}, "address_string"),
        ({"description": "   "}, "description"),
        ({"phone": "call me"}, "phone"),
        ({"media_url": "javascript:alert(1)"}, "media_url"),
    ],
)
def test_bad_input_is_a_400_and_nothing_is_filed(client, hotline, vending, fields, field):
    response = file(client, hotline, **fields)
    assert response.status_code == 400, response.content
    assert error_of(response).startswith(f"{field}:")
    assert not Complaint.objects.exists() and not Open311Request.objects.exists()


def test_list_filters(client, hotline, vending):
    first = file(client, hotline).json()[0]["service_request_id"]
    second = file(client, hotline).json()[0]["service_request_id"]

    def ids(**params):
        response = client.get(REQUESTS, {"api_key": hotline.key, **params})
        assert response.status_code == 200, response.content
        return [r["service_request_id"] for r in response.json()]

    assert ids() == [second, first]  # newest first
    assert ids(service_request_id=f"{first}, TS00000000") == [first]
    assert ids(service_code="0102") == []
    assert ids(service_code="0102,0701") == [second, first]
    assert ids(start_date="2000-01-01T00:00:00Z", end_date="2000-02-01") == []
    assert ids(status="open,closed") == [second, first]
    bad = client.get(REQUESTS, {"api_key": hotline.key, "start_date": "yesterday"})
    assert bad.status_code == 400 and error_of(bad).startswith("start_date:")
    bad = client.get(REQUESTS, {"api_key": hotline.key, "status": "pending"})
    assert bad.status_code == 400 and error_of(bad).startswith("status:")


def test_wrong_method(client, hotline, vending):
    response = client.delete(REQUESTS)
    assert response.status_code == 405
    assert response["Allow"] == "GET, POST"
    assert client.post("/open311/v2/services.json").status_code == 405


# --- administration -------------------------------------------------------------------------------------
def test_management_command_creates_a_client_whose_key_works(client, district_a, vending):
    out = io.StringIO()
    call_command(
        "open311_client",
        "create",
        "12345 热线",
        "--channel",
        "hotline_12345",
        "--unit",
        district_a.code,
        stdout=out,
    )
    key = out.getvalue().strip().splitlines()[-1]
    platform = Open311Client.objects.get(name="12345 热线")
    assert platform.key_hash == services.hash_key(key) and platform.unit == district_a
    assert AuditEvent.objects.for_object(platform).get().source == "system"
    platform.key = key
    assert file(client, platform).status_code == 201

    out = io.StringIO()
    call_command("open311_client", "list", stdout=out)
    assert "12345 热线\thotline_12345" in out.getvalue() and key not in out.getvalue()
    call_command("open311_client", "deactivate", "12345 热线", stdout=io.StringIO())
    assert file(client, platform).status_code == 403


def test_admin_shows_the_key_once_on_creation(client, make_user, district_a, vending):
    superuser = make_user(unit=district_a, is_superuser=True, is_staff=True)
    client.force_login(superuser)
    response = client.post(
        reverse("admin:open311_open311client_add"),
        {"name": "12345 hotline", "channel": "hotline_12345", "unit": district_a.pk, "is_active": "on"},
        follow=True,
    )
    assert response.status_code == 200
    platform = Open311Client.objects.get(name="12345 hotline")
    (key,) = [k for m in response.context["messages"] for k in re.findall(r"[A-Za-z0-9_-]{43}", str(m))]
    platform.key = key
    assert services.hash_key(platform.key) == platform.key_hash
    client.logout()
    assert file(client, platform).status_code == 201


def test_an_admin_edit_is_audited_with_what_changed(make_user, district_a, vending, client):
    superuser = make_user(unit=district_a, is_superuser=True, is_staff=True)
    platform, _key = services.create_client(name="12345 hotline", unit=district_a, channel="hotline_12345")
    client.force_login(superuser)
    response = client.post(
        reverse("admin:open311_open311client_change", args=[platform.pk]),
        {
            "name": "12345 city hotline",
            "channel": "hotline_12345",
            "unit": district_a.pk,
        },  # unticked: inactive
    )
    assert response.status_code == 302
    platform.refresh_from_db()
    assert (platform.name, platform.is_active) == ("12345 city hotline", False)
    event = AuditEvent.objects.for_object(platform).get(action="update")
    assert event.actor == superuser
    assert event.before == {"name": "12345 hotline", "is_active": True}
    assert event.after == {"name": "12345 city hotline", "is_active": False}


# --- reads without a key (GeoReport v2: only POST needs one) --------------------------------------------
PERSONAL = ("张三", "13812345678", "zhang@example.org", "门口有流动摊贩")


def test_anyone_reads_a_request_without_a_key_but_no_personal_data(
    client, hotline, vending, district_a, squad_a, make_user
):
    number = file(client, hotline, device_id="phone-42").json()[0]["service_request_id"]
    intake, officer = make_user("intake", unit=district_a), make_user("officer", unit=squad_a)
    complaint = complaint_services.accept(Complaint.objects.get(number=number), by=intake)
    complaint = complaint_services.dispatch(complaint, by=intake, unit=squad_a)
    complaint = complaint_services.start(complaint, by=officer)
    complaint = complaint_services.reply(complaint, by=officer, reply_text="张先生您好，已责令摊主离开。")
    complaint_services.record_visit(complaint, by=intake, satisfaction="satisfied", note="回访：举报人很满意")

    response = client.get(f"/open311/v2/requests/{number}.json")
    assert response.status_code == 200, response.content
    (item,) = response.json()
    assert (item["service_request_id"], item["service_code"], item["address"]) == (
        number,
        "0701",
        "中山路18号",
    )
    # The status in words; the reply names the complainant, so only the filing client reads it.
    assert item["status_notes"] == "Visited" and "张先生" not in response.content.decode()
    assert item["requested_datetime"] and item["updated_datetime"]
    assert "description" not in item and "media_url" not in item
    text = response.content.decode()
    assert not [value for value in (*PERSONAL, "回访", "phone-42", "photos/1.jpg") if value in text]

    listed = client.get(REQUESTS).json()
    assert [r["service_request_id"] for r in listed] == [number]
    assert not [value for value in PERSONAL if value in str(listed)]


def test_without_a_key_the_bureaus_own_complaints_stay_unseen(
    client, hotline, vending, district_a, make_user
):
    own = complaint_services.register_complaint(
        by=make_user("intake", unit=district_a),
        channel=Channel.HOTLINE_12345,
        category=vending,
        description="占道",
        address="人民路1号",
    )
    response = client.get(f"/open311/v2/requests/{own.number}.json")
    assert response.status_code == 404 and error_of(response)
    assert client.get(REQUESTS).json() == []


def test_a_closed_deployment_needs_a_key_to_read(client, hotline, vending, settings):
    number = file(client, hotline).json()[0]["service_request_id"]
    settings.OPEN311_READS_NEED_KEY = True
    for response in (client.get(f"/open311/v2/requests/{number}.json"), client.get(REQUESTS)):
        assert response.status_code == 403
        assert "api_key" in error_of(response)  # the GeoReport error format
    assert read(client, hotline, number)["description"] == "门口有流动摊贩占道经营，影响通行"
    assert client.get("/open311/v2/services.json").status_code == 200  # the catalogue stays public


def test_filing_without_any_api_key_is_refused(client, vending):
    response = client.post(
        REQUESTS,
        {
            "service_code": "0701",
            "address_string": "中山路18号",
            "description": "占道",
        },
    )
    assert response.status_code == 403
    assert "api_key" in error_of(response)
    assert not Complaint.objects.exists()


def test_the_optional_fields_are_kept_and_the_email_never_read_back(client, hotline, vending):
    response = file(client, hotline, device_id=" phone-42 ", first_name="San", last_name="Zhang")
    assert response.status_code == 201, response.content
    number = response.json()[0]["service_request_id"]
    complaint = Complaint.objects.get(number=number)
    assert complaint.complainant_name == "San Zhang" and not complaint.is_anonymous
    filed = Open311Request.objects.get(complaint=complaint)
    assert (filed.device_id, filed.complainant_email) == ("phone-42", "zhang@example.org")
    assert filed.media_url == "https://12345.example.org/photos/1.jpg"  # kept as a reference, not fetched
    item = read(client, hotline, number)  # even the client that sent it does not get it back
    assert "zhang@example.org" not in str(item) and "San Zhang" not in str(item)
    bad = file(client, hotline, email="not-an-address")
    assert bad.status_code == 400 and error_of(bad).startswith("email:")


# --- a real Open311 client library ----------------------------------------------------------------------
def test_the_georeport_library_lists_services_and_tracks_a_request_without_a_key(
    live_server, district_a, vending
):
    """`georeport` (PyPI) reads GeoReport v2 but has no call to file a request, so the POST is a plain
    `requests` call as the spec gives it; the library then reads the request back without a key."""
    import requests
    from georeport import GeoReport

    root = f"{live_server.url}/open311/v2"
    library = GeoReport(root)
    assert "0701" in [service["service_code"] for service in library.get_service_list()]
    assert library.get_service_definition("0701") == {"service_code": "0701", "attributes": []}

    hotline, key = services.create_client(
        name="12345 hotline", unit=district_a, channel=Channel.HOTLINE_12345
    )
    response = requests.post(
        f"{root}/requests.json",
        data={
            "api_key": key,
            "service_code": "0701",
            "lat": "23.021234",
            "long": "113.105678",
            "address_string": "中山路18号",
            "description": "门口有流动摊贩占道经营",
            "first_name": "三",
            "last_name": "张",
            "email": "zhang@example.org",
            "device_id": "phone-42",
        },
        timeout=10,
    )
    assert response.status_code == 201, response.text
    number = response.json()[0]["service_request_id"]

    item = library.get_service_request(number)
    assert (item["service_request_id"], item["status"], item["service_code"]) == (number, "open", "0701")
    assert [r["service_request_id"] for r in library.get_service_requests(service_request_id=number)] == [
        number
    ]
    assert [r["service_request_id"] for r in library.get_service_requests(status="open")] == [number]
    assert not [value for value in ("张", "zhang@example.org", "门口") if value in str(item)]


def test_the_request_admin_shows_the_device_but_not_the_email(
    client, make_user, district_a, hotline, vending
):
    number = file(client, hotline, device_id="phone-42").json()[0]["service_request_id"]
    filed = Open311Request.objects.get(complaint__number=number)
    client.force_login(make_user(unit=district_a, is_superuser=True, is_staff=True))
    page = client.get(reverse("admin:open311_open311request_change", args=[filed.pk])).content.decode()
    assert "phone-42" in page and "zhang@example.org" not in page
