"""The OpenAPI schema says what the API answers: the error responses of every operation, operations
grouped by resource, and the shapes the responses really have (nullable fields, plain lists, a
workflow step answering with the record)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from drf_spectacular.generators import SchemaGenerator

from complaints import services
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.files.testing import jpeg_bytes
from enforcement.org.models import LoginFailure

ERROR = "#/components/schemas/Error"
JPEG = jpeg_bytes()


@pytest.fixture
def category(db):
    return ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def response_schema(schema, path, method, code):
    return schema["paths"][path][method]["responses"][code]["content"]["application/json"]["schema"]


def operations(schema):
    for path, item in schema["paths"].items():
        for method, operation in item.items():
            yield path, method, operation


def test_a_workflow_step_answers_with_the_record_not_its_input(schema):
    for step in ("accept", "reject", "dispatch", "close"):
        body = response_schema(schema, f"/api/v1/complaints/{{id}}/{step}/", "post", "200")
        assert body == {"$ref": "#/components/schemas/ComplaintDetail"}, step
    request = schema["paths"]["/api/v1/complaints/{id}/reject/"]["post"]["requestBody"]["content"]
    assert request["application/json"]["schema"] == {
        "$ref": "#/components/schemas/ComplaintRejectActionRequest"
    }


def test_one_records_lists_are_plain_arrays(schema):
    for path in (
        "/api/v1/complaints/{id}/attachments/",
        "/api/v1/complaints/{id}/duplicates/",
        "/api/v1/complaints/possible-duplicates/",
    ):
        body = response_schema(schema, path, "get", "200")
        assert body["type"] == "array", path
        parameters = {p["name"] for p in schema["paths"][path]["get"].get("parameters", [])}
        assert not parameters & {"page", "page_size", "cursor", "status"}, path  # no list filters or paging
    # The complaints list itself is paged.
    assert response_schema(schema, "/api/v1/complaints/", "get", "200")["$ref"].endswith(
        "PaginatedComplaintListList"
    )


def test_fields_that_come_back_null_are_nullable(schema):
    components = schema["components"]["schemas"]
    for name in ("ComplaintList", "ComplaintDetail"):
        properties = components[name]["properties"]
        assert properties["grid"].get("nullable") is True, name
        assert properties["seconds_left"].get("nullable") is True, name
        assert properties["seconds_left"]["type"] == "integer"


def test_every_operation_documents_its_errors(schema):
    for path, method, operation in operations(schema):
        codes = set(operation["responses"])
        assert "403" in codes, (method, path)
        if "{" in path:
            assert "404" in codes, (method, path)
        if method in ("post", "put", "patch"):
            assert "400" in codes, (method, path)
        if method in ("put", "patch"):
            assert {"409", "428"} <= codes, (method, path)
        for code in codes - {"200", "201", "204"}:
            assert operation["responses"][code]["description"], (method, path, code)


def test_error_bodies_are_the_shared_shapes(schema):
    components = schema["components"]["schemas"]
    assert components["Error"]["properties"] == {"detail": {"type": "string"}}
    assert components["Error"]["required"] == ["detail"]
    assert components["FieldErrors"]["type"] == "object"
    field_errors = response_schema(schema, "/api/v1/complaints/", "post", "400")
    assert field_errors == {"anyOf": [{"$ref": ERROR}, {"$ref": "#/components/schemas/FieldErrors"}]}
    assert response_schema(schema, "/api/v1/complaints/{id}/accept/", "post", "409") == {"$ref": ERROR}
    assert response_schema(schema, "/api/v1/complaints/{id}/", "patch", "428") == {"$ref": ERROR}


def test_uploads_document_413_and_json_routes_do_not(schema):
    assert "413" in schema["paths"]["/api/v1/complaints/{id}/attachments/"]["post"]["responses"]
    assert "413" not in schema["paths"]["/api/v1/complaints/{id}/accept/"]["post"]["responses"]
    assert "413" not in schema["paths"]["/api/v1/complaints/"]["post"]["responses"]


def test_paged_lists_document_the_404_of_a_page_past_the_end(schema):
    assert "404" in schema["paths"]["/api/v1/categories/"]["get"]["responses"]
    assert "404" in schema["paths"]["/api/v1/approvals/"]["get"]["responses"]


def test_a_delete_the_base_viewset_refuses_documents_405_not_204(schema, api_as, city_admin):
    responses = schema["paths"]["/api/v1/categories/{id}/"]["delete"]["responses"]
    assert "405" in responses and "204" not in responses
    assert api_as(city_admin).delete(f"/api/v1/org-units/{city_admin.unit_id}/").status_code == 405
    # A viewset that does delete (a calendar day) keeps its 204.
    assert "204" in schema["paths"]["/api/v1/calendar-days/{id}/"]["delete"]["responses"]


def test_the_login_documents_its_throttle(schema):
    assert "429" in schema["paths"]["/api/v1/auth/token/"]["post"]["responses"]


def test_operations_are_grouped_by_resource(schema):
    tags = {tuple(operation["tags"]) for _path, _method, operation in operations(schema)}
    assert ("v1",) not in tags
    assert {("complaints",), ("approvals",), ("notifications",), ("users",), ("auth",)} <= tags
    assert schema["paths"]["/api/v1/complaints/{id}/accept/"]["post"]["tags"] == ["complaints"]


def test_the_schema_validates_without_warnings(tmp_path):
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "openapi.yaml"))
    assert (tmp_path / "openapi.yaml").read_text().startswith("openapi: 3")


# --- regressions found by fuzzing (tests/test_schemathesis.py) ---------------------------------------


def test_an_unroutable_api_path_answers_json_404(api_as, officer_a):
    client = api_as(officer_a)
    for path in ("/api/v1/complaints/1.5/", "/api/v1/complaints/1.5/accept/", "/api/v1/no-such-thing/"):
        response = client.get(path)
        assert response.status_code == 404, path
        assert response["Content-Type"] == "application/json", path
        assert response.json() == {"detail": "Not found."}


def test_an_unroutable_api_path_answers_json_404_signed_out():
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post("/api/v1/complaints/x.y/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Not found."}


def test_the_site_still_answers_its_own_404_page_outside_the_api(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")


def test_the_schema_is_served(db):
    call_command("check")
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    assert "/api/v1/complaints/{id}/accept/" in response.json()["paths"]


@pytest.mark.parametrize(
    "body",
    [{"username": True, "password": "x"}, {"username": ["a"], "password": "x"}, [{"username": "intake"}]],
)
def test_a_login_that_is_not_a_name_is_refused_not_a_crash(db, body):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/", body, content_type="application/json"
    )
    assert response.status_code == 400
    assert isinstance(response.json(), dict)


@pytest.mark.parametrize("start", ["0361-02-23T05:47:22Z", "1899-12-31", "9999-12-31"])
def test_a_deadline_from_a_date_outside_the_calendar_is_refused(api_as, officer_a, start):
    # Found by fuzzing: year 361 answered 200 with a "+08:05:43" offset (local mean time), not a date-time.
    response = api_as(officer_a).get("/api/v1/calendar-days/deadline/", {"start": start, "working_days": 100})
    assert response.status_code == 400
    assert response.json() == {"start": ["Give a date between 1950 and 2200."]}


def test_a_photo_taken_in_an_implausible_year_is_refused(api_as, intake_a, category, settings, tmp_path):
    # Found by fuzzing: captured_at in year 789 was stored and answered with a "+08:05:43" offset.
    settings.MEDIA_ROOT = tmp_path
    complaint = services.register_complaint(
        by=intake_a, channel="hotline_12345", category=category, description="占道经营", address="祖庙路18号"
    )
    jpeg = SimpleUploadedFile("photo.jpg", JPEG, content_type="image/jpeg")
    response = api_as(intake_a).post(
        f"/api/v1/complaints/{complaint.pk}/attachments/",
        {"file": jpeg, "captured_at": "0789-05-03T16:57:44+11:19"},
        format="multipart",
    )
    assert response.status_code == 400
    assert response.json() == {"captured_at": ["Give a date between 1950 and 2200."]}
    assert not complaint.attachments.exists()


@pytest.mark.parametrize("body", ["null", "[]"])
def test_activating_a_category_with_a_body_that_is_not_an_object_is_not_a_crash(
    api_as, city_admin, category, body
):
    # Found by fuzzing: `null` as the body was a 500 (the version was read with .get).
    response = api_as(city_admin).post(
        f"/api/v1/categories/{category.pk}/activate/", body, content_type="application/json"
    )
    assert response.status_code == 200


def test_a_body_of_an_unread_format_is_a_documented_415(schema, api_as, intake_a, category):
    # Found by fuzzing: a multipart body without its parts answered an undocumented 415.
    assert "415" in schema["paths"]["/api/v1/complaints/{id}/accept/"]["post"]["responses"]
    complaint = services.register_complaint(
        by=intake_a, channel="hotline_12345", category=category, description="占道经营", address="祖庙路18号"
    )
    response = api_as(intake_a).post(
        f"/api/v1/complaints/{complaint.pk}/accept/", b"x", content_type="text/plain"
    )
    assert response.status_code == 415


def test_sending_back_answers_with_the_record_though_it_left_the_users_scope(
    api_as, intake_city, district_a, district_officer_a, category
):
    # Found by fuzzing: the step was saved, then reading the record back through the user's scope was a 500.
    complaint = services.register_complaint(
        by=intake_city,
        channel="hotline_12345",
        category=category,
        description="占道经营",
        address="祖庙路18号",
    )
    complaint = services.dispatch(services.accept(complaint, by=intake_city), by=intake_city, unit=district_a)
    officer = api_as(district_officer_a)
    response = officer.post(
        f"/api/v1/complaints/{complaint.pk}/send_back/", {"reason": "不在本区辖区"}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["status"], response.json()["unit"]["id"]) == ("accepted", intake_city.unit_id)
    assert response.json()["allowed_actions"] == []
    assert officer.get(f"/api/v1/complaints/{complaint.pk}/").status_code == 404  # and now out of scope


def test_a_login_with_a_name_longer_than_any_username_is_refused_not_a_crash(db):
    # Found by fuzzing on PostgreSQL: the failed attempt was recorded under a name longer than the column.
    response = Client(HTTP_ACCEPT_LANGUAGE="en").post(
        "/api/v1/auth/token/", {"username": "x" * 400, "password": "y"}, content_type="application/json"
    )
    assert response.status_code == 400
    assert LoginFailure.objects.get().username == "x" * 150
