"""Files of history built by hand for the import's tests, and the people who import them."""

import csv
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.imports.models import ImportJob
from enforcement.imports.tasks import run_import_task

HEADER = [
    "外部编号",
    "登记时间",
    "来源渠道",
    "类别",
    "责任单位",
    "地址",
    "描述",
    "状态",
    "受理时间",
    "答复时间",
    "办结时间",
    "满意度",
]


def csv_bytes(rows, header=HEADER, encoding="utf-8-sig"):
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(data, name="history.csv"):
    return SimpleUploadedFile(name, data, content_type="text/csv")


def line(
    ref,
    *,
    received="2024-03-05 09:00",
    channel="12345热线",
    category="ZDJY",
    unit="squad-a1",
    status="办结",
    accepted="2024-03-05 10:00",
    replied="2024-03-07 16:00",
    closed="2024-03-08 09:00",
    satisfaction="满意",
):
    return [
        ref,
        received,
        channel,
        category,
        unit,
        "中山路12号",
        "门前占道经营",
        status,
        accepted,
        replied,
        closed,
        satisfaction,
    ]


def run(job):
    """The worker's task, run here and now; the job as it ended."""
    run_import_task(job.pk)
    return ImportJob.objects.get(pk=job.pk)


@pytest.fixture
def category(db):
    return ViolationCategoryFactory(code="ZDJY", name="占道经营", name_en="Street vending")


@pytest.fixture
def statistician_a(make_user, district_a):
    return make_user("statistician", unit=district_a, username="stat-a")
