"""The attachments route a viewset gets from AttachmentsMixin, on the test-only permit."""

import pytest
from django.test import Client

from enforcement.files.testing import jpeg_bytes, mp4_bytes
from tests.testapp.models import Permit, PermitAttachment

from .conftest import upload

pytestmark = pytest.mark.urls("enforcement.files.tests.urls")


def url(permit):
    return f"/api/permits/{permit.pk}/attachments/"


def test_post_then_list_then_download(api_as, officer_a, permit):
    client = api_as(officer_a)
    response = client.post(
        url(permit),
        {
            "file": upload("现场.jpg"),
            "captured_at": "2026-11-30T09:15:00+08:00",
            "lat": "23.025000",
            "lng": "113.105000",
        },
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["kind"], body["original_name"], body["lat"], body["uploaded_by"]["id"]) == (
        "photo",
        "现场.jpg",
        "23.025000",
        officer_a.pk,
    )
    assert body["url"] == f"/api/permits/{permit.pk}/attachments/{body['id']}/"
    assert [row["url"] for row in client.get(url(permit)).json()] == [body["url"]]
    browser = Client()
    browser.force_login(officer_a)
    assert (
        b"".join(browser.get(f"/permits/{permit.pk}/files/{body['id']}/").streaming_content) == jpeg_bytes()
    )


def test_the_apis_file_route_serves_a_token_and_keeps_to_the_scope(
    api_as, officer_a, officer_b, permit, squad_a
):
    """A client that signs in with an API token alone downloads the file at its `url`, whatever type it
    accepts; another record's file id, or a record out of scope, is 404 in JSON."""
    from rest_framework.test import APIClient

    from enforcement.org.tokens import ApiToken

    body = api_as(officer_a).post(url(permit), {"file": upload("现场.jpg")}, format="multipart").json()
    _token, key = ApiToken.issue(officer_a, "phone")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    for accept in ("image/jpeg", "*/*", "application/json"):
        response = client.get(body["url"], HTTP_ACCEPT=accept)
        assert response.status_code == 200, (accept, response.content[:200])
        assert b"".join(response.streaming_content) == jpeg_bytes()
        assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"

    other = Permit.objects.create(title="户外广告许可", unit=squad_a)  # in scope, but not this file's record
    wrong_record = client.get(f"/api/permits/{other.pk}/attachments/{body['id']}/", HTTP_ACCEPT="image/jpeg")
    assert wrong_record.status_code == 404 and wrong_record["Content-Type"] == "application/json"
    _theirs, their_key = ApiToken.issue(officer_b, "phone")
    outsider = APIClient(HTTP_AUTHORIZATION=f"Token {their_key}").get(body["url"])
    assert outsider.status_code == 404
    assert APIClient().get(body["url"]).status_code in (401, 403)


def test_video_is_accepted(api_as, officer_a, permit):
    response = api_as(officer_a).post(
        url(permit), {"file": upload("clip.mov", mp4_bytes(b"qt  "))}, format="multipart"
    )
    assert response.status_code == 201 and response.json()["content_type"] == "video/quicktime"


@pytest.mark.parametrize("content", [b"MZ\x90\x00" + b"\x00" * 100, b"\xff\xd8\xff\xe0" + b"\x00" * 100])
def test_a_wrong_or_fake_file_is_400(api_as, officer_a, permit, content):
    response = api_as(officer_a).post(url(permit), {"file": upload("photo.jpg", content)}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()
    assert not PermitAttachment.objects.exists()


def test_no_file_is_400(api_as, officer_a, permit):
    response = api_as(officer_a).post(url(permit), {"lat": "1"}, format="multipart")
    assert response.status_code == 400 and "file" in response.json()


def test_an_oversized_body_is_413_before_authentication(api_client, officer_a, permit):
    # Not even signed in: the guard runs before authentication reads the body.
    response = api_client.generic(
        "POST",
        url(permit),
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    assert response.status_code == 413 and "MB" in response.json()["detail"]


def test_a_file_growing_past_the_limit_is_refused(api_as, officer_a, permit, settings):
    settings.ATTACHMENT_MAX_BYTES = 50_000
    settings.FILE_UPLOAD_MAX_MEMORY_SIZE = 10_000
    big = jpeg_bytes() + b"\x00" * 100_000
    response = api_as(officer_a).post(url(permit), {"file": upload("big.jpg", big)}, format="multipart")
    assert response.status_code == 413  # refused while streaming, not after the whole file was read
    assert not PermitAttachment.objects.exists()


def test_out_of_scope_is_404_for_list_upload_and_download(api_as, officer_a, officer_b, permit, other_permit):
    from enforcement.files.services import store_attachment

    theirs = store_attachment(PermitAttachment, other_permit, upload(), by=officer_b)
    client = api_as(officer_a)
    assert client.get(url(other_permit)).status_code == 404
    assert client.post(url(other_permit), {"file": upload()}, format="multipart").status_code == 404
    browser = Client()
    browser.force_login(officer_a)
    assert browser.get(theirs.get_download_url()).status_code == 404
    assert PermitAttachment.objects.count() == 1


def test_a_role_without_write_access_gets_403(api_as, make_user, squad_a, permit):
    response = api_as(make_user("intake", unit=squad_a)).post(
        url(permit), {"file": upload()}, format="multipart"
    )
    assert response.status_code == 403
