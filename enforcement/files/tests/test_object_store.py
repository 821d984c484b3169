"""Evidence and issued documents in an S3-compatible object store (STORAGE_BACKEND=s3), tried against a real
one: moto's S3 server on a free port of this machine, spoken to over HTTP by django-storages (the app) and by
boto3 and requests (the test, as an operator and as a browser would). The storage is the one the settings
build from the environment (settings.base.s3_storage); nothing is mocked."""

import hashlib
import json
import uuid
from datetime import UTC, datetime, timedelta
from urllib.parse import parse_qs, urlsplit

import boto3
import pytest
import requests
from django.test import Client
from django.urls import reverse
from moto.server import ThreadedMotoServer

from complaints.choices import ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents import services as documents
from enforcement.files.testing import jpeg_bytes
from enforcement.settings.base import s3_storage

from .conftest import upload

pytestmark = pytest.mark.django_db

CREDENTIALS = {
    "S3_ACCESS_KEY_ID": "chengguan-test",
    "S3_SECRET_ACCESS_KEY": "chengguan-test-secret",
    "S3_REGION": "us-east-1",
}
SIGNED_URL_SECONDS = 45


class S3Server:
    """moto's S3 server in a thread of this process, on a port the system picks."""

    def __init__(self):
        self.server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
        self.server.start()
        host, port = self.server.get_host_and_port()
        self.endpoint = f"http://{host}:{port}"

    def client(self):
        return boto3.client(
            "s3",
            endpoint_url=self.endpoint,
            region_name=CREDENTIALS["S3_REGION"],
            aws_access_key_id=CREDENTIALS["S3_ACCESS_KEY_ID"],
            aws_secret_access_key=CREDENTIALS["S3_SECRET_ACCESS_KEY"],
        )

    def new_bucket(self):
        name = f"evidence-{uuid.uuid4().hex[:12]}"
        self.client().create_bucket(Bucket=name)
        return name

    def keys(self, bucket):
        return [item["Key"] for item in self.client().list_objects_v2(Bucket=bucket).get("Contents", [])]

    def stop(self):
        self.server.stop()
        # stop() leaves the listening socket open, where a client would wait for an answer that never
        # comes; closed, the port refuses connections as a stopped server's does.
        self.server._server.server_close()


def use_store(settings, server, bucket):
    """The settings of STORAGE_BACKEND=s3 for `bucket` of `server`, as production builds them."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": s3_storage(
            {
                **CREDENTIALS,
                "S3_BUCKET": bucket,
                "S3_ENDPOINT_URL": server.endpoint,
                "S3_SIGNED_URL_SECONDS": str(SIGNED_URL_SECONDS),
                "S3_ADDRESSING_STYLE": "path",
            }
        ),
    }


@pytest.fixture(scope="module")
def s3_server():
    server = S3Server()
    yield server
    server.stop()


@pytest.fixture
def bucket(settings, s3_server):
    name = s3_server.new_bucket()  # each test its own: stored names are content hashes
    use_store(settings, s3_server, name)
    return name


@pytest.fixture
def category(db):
    return ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def assert_signed_url(location, server, bucket, key):
    """`location` is a signed URL of that one object, valid SIGNED_URL_SECONDS from now."""
    parts = urlsplit(location)
    assert f"{parts.scheme}://{parts.netloc}" == server.endpoint and parts.path == f"/{bucket}/{key}"
    query = parse_qs(parts.query)
    assert query["X-Amz-Expires"] == [str(SIGNED_URL_SECONDS)] and query["X-Amz-Signature"]
    signed_at = datetime.strptime(query["X-Amz-Date"][0], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
    assert abs(datetime.now(UTC) - signed_at) < timedelta(minutes=1)
    # The bucket is private: the same object without the signature is refused.
    assert requests.get(f"{server.endpoint}/{bucket}/{key}", timeout=10).status_code == 403


def test_evidence_lands_in_the_bucket_and_downloads_through_the_scope_check(
    api_as, officer_a, officer_b, category, bucket, s3_server, settings
):
    complaint = ComplaintFactory(unit=officer_a.unit, category=category, status=ComplaintStatus.IN_PROGRESS)
    response = api_as(officer_a).post(
        reverse("api:complaint-attachments", args=[complaint.pk]),
        {"file": upload("现场.jpg"), "stage": "evidence"},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    attachment = complaint.attachments.get()

    # Stored in the bucket, under its content hash; nothing on this machine's disk.
    assert s3_server.keys(bucket) == [attachment.file.name]
    assert attachment.file.name.startswith("complaints/") and attachment.sha256 in attachment.file.name
    stored = s3_server.client().get_object(Bucket=bucket, Key=attachment.file.name)["Body"].read()
    assert stored == jpeg_bytes()
    assert not (settings.MEDIA_ROOT / "complaints").exists()

    # The API names its own route to the file (a token signs it in), never the store's address.
    url = response.json()["url"]
    assert url == reverse("api:complaint-attachments-file", args=[complaint.pk, attachment.pk])
    assert s3_server.endpoint not in json.dumps(response.json())

    # Through the API and through the browser's page alike: the scope check, then the signed URL.
    for download in (api_as(officer_a).get(url), browser(officer_a).get(attachment.get_download_url())):
        assert download.status_code == 302 and download["Cache-Control"] == "private, no-store"
        assert_signed_url(download["Location"], s3_server, bucket, attachment.file.name)
        fetched = requests.get(download["Location"], timeout=10)  # as the browser follows it
        assert fetched.status_code == 200 and fetched.content == jpeg_bytes()
        assert fetched.headers["Content-Type"] == "image/jpeg"  # the sniffed type, whatever the name said
        assert fetched.headers["Content-Disposition"] == "inline; filename*=utf-8''%E7%8E%B0%E5%9C%BA.jpg"

    # Another squad's officer
    for outsider in (api_as(officer_b).get(url), browser(officer_b).get(attachment.get_download_url())):
        assert outsider.status_code == 404 and not outsider.has_header("Location")
        assert s3_server.endpoint not in outsider.content.decode() and bucket not in outsider.content.decode()


def test_an_issued_documents_pdf_is_stored_in_the_bucket_and_downloaded_the_same_way(
    api_as, intake_a, make_user, district_a, district_b, category, bucket, s3_server
):
    rejected = ComplaintFactory(
        unit=district_a,
        category=category,
        status="rejected",
        reject_reason="不属于城管执法职责范围",
        complainant_name="李四",
    )
    document = documents.issue_document(rejected, "refusal_notice", by=intake_a)  # PDF rendered on download

    response = api_as(intake_a).get(
        reverse("api:document-pdf", args=[document.pk]), HTTP_ACCEPT="application/pdf"
    )
    assert response.status_code == 302
    document.refresh_from_db()
    assert s3_server.keys(bucket) == [document.pdf.name] and document.pdf.name.startswith("documents/")
    assert response["ETag"] == f'"{document.pdf_sha256}"'
    assert_signed_url(response["Location"], s3_server, bucket, document.pdf.name)
    fetched = requests.get(response["Location"], timeout=10)
    assert fetched.status_code == 200 and fetched.content.startswith(b"%PDF")
    assert hashlib.sha256(fetched.content).hexdigest() == document.pdf_sha256
    assert fetched.headers["Content-Type"] == "application/pdf"
    assert fetched.headers["Content-Disposition"].startswith("attachment; filename*=utf-8''")

    # The page's download: the same object, named for old clients too; not rendered or stored again.
    page = browser(intake_a).get(reverse("documents:pdf", args=[document.pk]))
    assert page.status_code == 302
    assert_signed_url(page["Location"], s3_server, bucket, document.pdf.name)
    fetched = requests.get(page["Location"], timeout=10)
    assert hashlib.sha256(fetched.content).hexdigest() == document.pdf_sha256
    assert fetched.headers["Content-Disposition"].startswith(
        f'attachment; filename="document-{document.pk}.pdf"'
    )
    assert s3_server.keys(bucket) == [document.pdf.name]

    outsider = make_user("intake", unit=district_b)
    for denied in (
        api_as(outsider).get(reverse("api:document-pdf", args=[document.pk])),
        browser(outsider).get(reverse("documents:pdf", args=[document.pk])),
    ):
        assert denied.status_code == 404 and not denied.has_header("Location")


def test_streamed_through_the_app_when_browsers_cannot_reach_the_store(
    api_as, officer_a, category, bucket, s3_server, settings
):
    settings.S3_REDIRECT_DOWNLOADS = False
    complaint = ComplaintFactory(unit=officer_a.unit, category=category, status=ComplaintStatus.IN_PROGRESS)
    response = api_as(officer_a).post(
        reverse("api:complaint-attachments", args=[complaint.pk]),
        {"file": upload("现场.jpg")},
        format="multipart",
    )
    assert response.status_code == 201, response.json()
    download = browser(officer_a).get(response.json()["url"])
    assert download.status_code == 200 and b"".join(download.streaming_content) == jpeg_bytes()
    assert download["Content-Type"] == "image/jpeg" and download["X-Content-Type-Options"] == "nosniff"
    assert s3_server.keys(bucket) == [complaint.attachments.get().file.name]  # read from the store


def test_readiness_reports_the_store_ok_and_failing_once_it_stops(settings):
    settings.HEALTH_CHECK_TIMEOUT = 15  # the first S3 client of a probe's thread takes a moment to build
    server = S3Server()
    try:
        bucket = server.new_bucket()
        use_store(settings, server, bucket)
        ready = Client().get("/health/ready/")
        assert ready.status_code == 200, ready.content
        assert json.loads(ready.content)["storage"] == "ok"
        assert server.keys(bucket) == []  # the probe's file written, read back and deleted
    finally:
        server.stop()
    failing = Client().get("/health/ready/")
    assert failing.status_code == 503
    results = json.loads(failing.content)
    assert results["storage"] != "ok" and results["database"] == "ok"


# --- the settings, as a deployment loads them ------------------------------------------------------------
def test_production_with_storage_backend_s3_stores_in_the_bucket(tmp_path):
    from enforcement.tests.test_production_settings import REQUIRED, run

    result = run(
        """
        import django
        django.setup()
        from django.core.files.storage import storages
        default_storage = storages["default"]
        print(type(default_storage).__module__, default_storage.bucket_name, default_storage.endpoint_url)
        print(default_storage.querystring_expire, default_storage.file_overwrite, default_storage.default_acl)
        print(default_storage.client_config.s3, type(storages["staticfiles"]).__name__)
        from django.conf import settings
        print(settings.CONTENT_SECURITY_POLICY["img-src"])
    """,
        tmp_path,
        **REQUIRED,
        STORAGE_BACKEND="s3",
        S3_BUCKET="zhifa-evidence",
        S3_REGION="cn-north-1",
        S3_ENDPOINT_URL="http://minio.internal:9000",
        S3_ACCESS_KEY_ID="k",
        S3_SECRET_ACCESS_KEY="s",
        S3_SIGNED_URL_SECONDS="60",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [
        "storages.backends.s3 zhifa-evidence http://minio.internal:9000",
        "60 False None",
        "{'addressing_style': 'path'} CompressedManifestStaticFilesStorage",
        # The pages' photos are redirected there: the store's origin may serve images.
        "[\"'self'\", 'data:', 'blob:', 'http://minio.internal:9000']",
    ]


@pytest.mark.parametrize(
    "variables, named",
    [
        ({"STORAGE_BACKEND": "s3"}, "S3_BUCKET must be set with STORAGE_BACKEND=s3"),
        ({"STORAGE_BACKEND": "minio"}, "STORAGE_BACKEND must be filesystem or s3, not 'minio'"),
    ],
)
def test_a_storage_setting_missing_or_misspelt_stops_the_start(tmp_path, variables, named):
    from enforcement.tests.test_production_settings import REQUIRED, run

    result = run("import django; django.setup()", tmp_path, **REQUIRED, **variables)
    assert result.returncode != 0 and named in result.stderr
