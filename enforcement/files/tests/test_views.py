"""The download and the upload guard of multipart pages."""

import pytest
from django.http import HttpResponse
from django.test import Client

from enforcement.files.services import store_attachment
from enforcement.files.testing import jpeg_bytes
from enforcement.files.views import download_name, upload_view
from tests.testapp.models import PermitAttachment

from .conftest import upload


@pytest.mark.urls("enforcement.files.tests.urls")
def test_the_download_has_the_sniffed_type_a_safe_name_and_no_sniffing(officer_a, permit):
    photo = store_attachment(PermitAttachment, permit, upload('现场"; x=.html'), by=officer_a)
    browser = Client()
    browser.force_login(officer_a)
    response = browser.get(photo.get_download_url())
    assert response.status_code == 200 and b"".join(response.streaming_content) == jpeg_bytes()
    assert response["Content-Type"] == "image/jpeg"
    assert response["X-Content-Type-Options"] == "nosniff"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("inline;") and ".html" not in disposition and '"; x=' not in disposition
    assert "filename*=utf-8''%E7%8E%B0%E5%9C%BA_%20x%3D.jpg" in disposition


@pytest.mark.parametrize(
    "original,expected",
    [
        ("现场.jpg", "现场.jpg"),
        ("page.html", "page.jpg"),  # the extension of what the file is
        ("a\x00b\r\nc.jpg", "a_b_c.jpg"),
        ("...", "0123456789abcdef.jpg"),  # nothing left: the hash
        ("", "0123456789abcdef.jpg"),
    ],
)
def test_download_name(original, expected):
    attachment = PermitAttachment(
        original_name=original, content_type="image/jpeg", sha256="0123456789abcdef" * 4
    )
    assert download_name(attachment) == expected


def test_an_oversized_form_post_gets_the_413_page_unread(rf):
    calls = []

    @upload_view
    def page(request):
        calls.append(request)
        return HttpResponse("ok")

    request = rf.generic(
        "POST",
        "/",
        b"",
        content_type="multipart/form-data; boundary=x",
        CONTENT_LENGTH=str(200 * 1024 * 1024),
    )
    response = page(request)
    assert response.status_code == 413 and not calls
    assert "MB" in response.content.decode()
