from django.urls import reverse

from enforcement.imports.models import ImportJob

from .conftest import csv_bytes, line, run, upload

UPLOAD = reverse("imports:upload")


def test_the_upload_page_shows_each_layout_and_its_template(client, admin_a):
    client.force_login(admin_a)
    page = client.get(UPLOAD).content.decode()

    assert 'data-kind="complaints"' in page and 'data-kind="cases"' in page
    assert "登记时间" in page and "Received at" in page
    template = client.get(reverse("imports:template", args=["complaints"]))
    text = template.content.decode("utf-8")
    assert template["Content-Disposition"] == 'attachment; filename="complaints-template.csv"'
    assert text.startswith("\ufeff外部编号*,投诉编号,登记时间*")


def test_uploading_goes_to_the_job_page_which_reloads_until_done(client, admin_a, squad_a, category):
    client.force_login(admin_a)
    response = client.post(
        UPLOAD, {"kind": "complaints", "file": upload(csv_bytes([line("OLD-1"), line("B", unit="x")]))}
    )

    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == job.get_absolute_url()
    assert 'http-equiv="refresh" content="2"' in client.get(job.get_absolute_url()).content.decode()

    run(job)
    page = client.get(job.get_absolute_url()).content.decode()
    assert 'http-equiv="refresh"' not in page
    assert "Line 3, “Responsible unit”: no such unit" in page


def test_a_wrong_header_shows_on_the_form(client, admin_a):
    client.force_login(admin_a)
    response = client.post(UPLOAD, {"kind": "complaints", "file": upload(csv_bytes([], header=["编号"]))})

    assert response.status_code == 200
    assert "The file has no column “External reference”, which is required." in response.content.decode()
    assert not ImportJob.objects.exists()


def test_others_get_403(client, officer_a):
    client.force_login(officer_a)
    assert client.get(UPLOAD).status_code == 403
