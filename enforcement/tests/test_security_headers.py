"""The Content-Security-Policy and the Permissions-Policy (enforcement/security.py) on the pages and the API;
the responses that carry a policy of their own keep it; no template runs inline script or carries a style
attribute (the browser check is tests/browser/test_csp.py)."""

import re
from pathlib import Path

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from complaints.tests.factories import ComplaintFactory
from enforcement.documents import services
from enforcement.security import content_security_policy, tile_source

SITE_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; object-src 'none'; "
    "base-uri 'self'; frame-ancestors 'none'; form-action 'self'"
)
PERMISSIONS = "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"


def directives(header):
    return {part.split()[0]: part.split()[1:] for part in header.split("; ")}


def signed_in(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.mark.django_db
def test_pages_have_the_policy_and_the_permissions_policy(client, officer_a):
    for response in (client.get(reverse("login")), signed_in(officer_a).get(reverse("complaints:patrol"))):
        assert response.status_code == 200
        assert response["Content-Security-Policy"] == SITE_POLICY
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["Permissions-Policy"] == PERMISSIONS
        assert response["X-Frame-Options"] == "DENY"  # as the policy's frame-ancestors 'none' says


@pytest.mark.django_db
def test_the_api_has_them_too_on_answers_and_refusals(api_as, api_client, officer_a):
    ok = api_as(officer_a).get("/api/v1/complaints/", HTTP_ACCEPT="application/json")
    refused = api_client.get("/api/v1/complaints/", HTTP_ACCEPT="application/json")
    assert ok.status_code == 200 and refused.status_code in (401, 403)  # no credentials: refused
    for response in (ok, refused):
        assert response["Content-Security-Policy"] == SITE_POLICY
        assert response["Permissions-Policy"] == PERMISSIONS


@pytest.mark.django_db
def test_developer_pages_allow_inline_style_and_never_inline_script(officer_a):
    browser = signed_in(officer_a)
    docs = browser.get(reverse("api-docs"))
    browsable = browser.get("/api/v1/complaints/", HTTP_ACCEPT="text/html")
    assert "<script>" not in docs.content.decode()  # the split view loads its start-up script from ?script
    startup = browser.get(reverse("api-docs") + "?script")
    assert startup.status_code == 200 and "SwaggerUIBundle" in startup.content.decode()
    for response in (docs, browsable):
        policy = directives(response["Content-Security-Policy"])
        assert policy["style-src"] == ["'self'", "'unsafe-inline'"]
        assert policy["script-src"] == ["'self'"]


@pytest.mark.django_db
def test_the_frozen_document_keeps_its_own_policy_on_the_page_and_the_api(intake_a, district_a, api_as):
    complaint = ComplaintFactory(unit=district_a, status="rejected", reject_reason="不属于城管执法职责范围")
    document = services.issue_document(complaint, "refusal_notice", by=intake_a)
    printed = signed_in(intake_a).get(reverse("documents:print", args=[document.pk]))
    assert printed.status_code == 200 and "<style" in printed.content.decode()  # its style is inlined
    assert directives(printed["Content-Security-Policy"]) == {
        "default-src": ["'none'"],
        "style-src": ["'unsafe-inline'"],
        "img-src": ["data:"],
        "font-src": ["data:"],
        "frame-ancestors": ["'self'"],  # the document page shows it in an <iframe>
    }
    assert printed["X-Frame-Options"] == "SAMEORIGIN"  # the two headers agree here too
    html = api_as(intake_a).get(f"/api/v1/documents/{document.pk}/html/")
    assert html.status_code == 200
    assert html["Content-Security-Policy"].startswith("default-src 'none'")
    assert "script-src" not in printed["Content-Security-Policy"] + html["Content-Security-Policy"]


def test_the_map_tiles_origin_is_allowed_for_images(settings):
    settings.MAP_TILE_URL = "https://{s}.tile.example.org/{z}/{x}/{y}.png"
    assert directives(content_security_policy())["img-src"] == [
        "'self'",
        "data:",
        "blob:",
        "https://*.tile.example.org",
    ]
    settings.MAP_TILE_URL = "http://tiles.bureau.local:8080/{z}/{x}/{y}.png"
    assert directives(content_security_policy())["img-src"][-1] == "http://tiles.bureau.local:8080"
    assert directives(content_security_policy())["script-src"] == ["'self'"]
    assert tile_source("/tiles/{z}/{x}/{y}.png") == ""  # the app's own origin: 'self' covers it
    assert tile_source("") == ""


def test_photos_redirected_to_the_object_store_are_allowed_for_images(settings):
    settings.MAP_TILE_URL = ""
    settings.STORAGE_BACKEND = "s3"
    settings.S3_REDIRECT_DOWNLOADS = True
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {"endpoint_url": "https://minio.bureau.local:9000"},
        },
    }
    assert directives(content_security_policy())["img-src"] == [
        "'self'",
        "data:",
        "blob:",
        "https://minio.bureau.local:9000",
        "https://*.minio.bureau.local:9000",
    ]
    settings.S3_REDIRECT_DOWNLOADS = False  # streamed through the app: its own origin
    assert directives(content_security_policy())["img-src"] == ["'self'", "data:", "blob:"]


TEMPLATE_DIRS = [
    Path(settings.BASE_DIR) / "templates",
    *Path(settings.BASE_DIR).glob("*/templates"),
    *Path(settings.BASE_DIR).glob("*/*/templates"),
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.I)
HANDLER_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.I)
STYLE_ATTRIBUTE = re.compile(r"<[a-z][^>]*\sstyle\s*=", re.I)


def frozen_paper(path, text):
    """An issued document's page (documents/paper.html and what extends it): served under its own policy,
    which allows its inlined style (and nothing else), and printed to PDF."""
    return (
        path.as_posix().endswith("documents/templates/documents/paper.html") or "documents/paper.html" in text
    )


def test_no_template_has_inline_script_handler_or_style_attributes():
    templates = [
        path for folder in TEMPLATE_DIRS if ".venv" not in folder.parts for path in folder.rglob("*.html")
    ]
    assert len(templates) > 50
    found = [
        f"{path.relative_to(settings.BASE_DIR)}: {match.group(0)[:80]}"
        for path in templates
        for text in [path.read_text()]
        for pattern in (
            INLINE_SCRIPT,
            HANDLER_ATTRIBUTE,
            *([] if frozen_paper(path, text) else [STYLE_ATTRIBUTE]),
        )
        for match in pattern.finditer(text)
    ]
    assert found == []
