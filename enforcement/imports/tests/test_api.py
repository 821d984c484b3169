import pytest
from django.urls import reverse

from complaints.models import Complaint
from enforcement.imports.models import ImportJob, ImportStatus

from .conftest import HEADER, csv_bytes, line, run, upload

LIST = reverse("api:import-list")
LAYOUTS = reverse("api:import-layouts")


def detail(job):
    return reverse("api:import-detail", args=[job.pk])


def post(client, data, kind="complaints", name="history.csv"):
    return client.post(LIST, {"kind": kind, "file": upload(data, name)}, format="multipart")


def test_post_answers_202_with_the_pending_job_and_the_detail_shows_progress_and_errors(
    api_as, admin_a, squad_a, category
):
    client = api_as(admin_a)
    response = post(client, csv_bytes([line("OLD-1"), line("OLD-2", received="yesterday")]))

    assert response.status_code == 202, response.data
    assert (response.data["status"], response.data["kind"], response.data["file_name"]) == (
        "pending",
        "complaints",
        "history.csv",
    )
    job = ImportJob.objects.get(pk=response.data["id"])
    assert not Complaint.objects.exists()  # the worker imports, after the commit

    run(job)
    data = client.get(detail(job)).data

    assert (data["status"], data["processed"], data["created"], data["failed"], data["percent"]) == (
        ImportStatus.DONE,
        2,
        1,
        1,
        100,
    )
    assert data["errors"] == [
        {
            "line": 3,
            "column": "received_at",
            "code": "not_datetime",
            "value": "yesterday",
            "message": "Line 3, “Received at”: not a date and time (2024-03-05 14:30)",
        }
    ]


def test_a_wrong_header_is_a_400_naming_the_column(api_as, admin_a, category):
    header = [h for h in HEADER if h != "类别"]
    response = post(api_as(admin_a), csv_bytes([], header=header))

    assert response.status_code == 400
    assert response.data["file"] == ["The file has no column “Category”, which is required."]
    assert not ImportJob.objects.exists()


def test_an_unreadable_workbook_is_a_400(api_as, admin_a):
    response = post(api_as(admin_a), b"not a workbook", name="history.xlsx")

    assert response.status_code == 400
    assert "XLSX" in str(response.data["file"])


@pytest.mark.parametrize("role", ["officer", "squad_leader", "bureau_head", "intake"])
def test_others_are_refused(api_as, make_user, district_a, category, role):
    client = api_as(make_user(role, unit=district_a))

    assert post(client, csv_bytes([line("OLD-1")])).status_code == 403
    assert client.get(LIST).status_code == 403


def test_the_list_and_detail_are_of_the_users_scope(api_as, admin_a, make_user, district_b, city, category):
    job = ImportJob.objects.create(kind="complaints", file="x.csv", created_by=admin_a, status="done")
    other = api_as(make_user("statistician", unit=district_b))
    city_statistician = api_as(make_user("statistician", unit=city))

    assert other.get(LIST).data["count"] == 0
    assert other.get(detail(job)).status_code == 404
    assert [row["id"] for row in city_statistician.get(LIST).data["results"]] == [job.pk]
    assert api_as(admin_a).get(detail(job)).status_code == 200


def test_layouts_document_every_column(api_as, officer_a):
    response = api_as(officer_a).get(LAYOUTS)

    assert response.status_code == 200
    by_kind = {layout["kind"]: layout for layout in response.data}
    assert set(by_kind) == {"complaints", "cases"}
    received = next(c for c in by_kind["complaints"]["columns"] if c["key"] == "received_at")
    assert (received["header_zh"], received["header_en"], received["required"], received["format"]) == (
        "登记时间",
        "Received at",
        True,
        "datetime",
    )
    channel = next(c for c in by_kind["complaints"]["columns"] if c["key"] == "channel")
    assert {"value": "hotline_12345", "label": "12345 hotline"} in channel["choices"]
