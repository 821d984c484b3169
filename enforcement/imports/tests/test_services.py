import datetime
import io
from decimal import Decimal

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from openpyxl import Workbook

from cases.models import Case, Party
from complaints.choices import Channel, ComplaintStatus, Satisfaction
from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from enforcement.audit.models import AuditEvent
from enforcement.imports import layouts
from enforcement.imports.models import ImportJob, ImportStatus
from enforcement.imports.services import start_import
from enforcement.stats import read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period

from .conftest import HEADER, csv_bytes, line, run, upload

MARCH = Period.of(2024, 3)


def local(*args):
    return timezone.make_aware(datetime.datetime(*args))


def start(user, data, name="history.csv", kind="complaints"):
    return start_import(kind=kind, upload=upload(data, name), by=user)


def test_csv_import_creates_closed_complaints_the_month_counts(admin_a, squad_a, district_a, category):
    data = csv_bytes(
        [
            line("OLD-1"),
            line("OLD-2", channel="web", satisfaction="basically_satisfied"),
            line("OLD-3", status="不予受理", accepted="", replied="", satisfaction=""),
        ]
    )
    job = run(start(admin_a, data))

    assert (job.status, job.total, job.processed, job.created, job.skipped, job.failed) == (
        ImportStatus.DONE,
        3,
        3,
        3,
        0,
        0,
    )
    first = Complaint.objects.get(external_ref="OLD-1")
    assert first.number == "HXOLD-1"
    assert first.received_at == local(2024, 3, 5, 9, 0)  # the bureau's local time
    assert first.closed_at == local(2024, 3, 8, 9, 0)
    assert (first.channel, first.status, first.satisfaction) == (
        Channel.HOTLINE_12345,
        ComplaintStatus.CLOSED,
        Satisfaction.SATISFIED,
    )
    assert (first.unit, first.intake_unit, first.category, first.received_by) == (
        squad_a,
        squad_a,
        category,
        admin_a,
    )
    assert Complaint.objects.get(external_ref="OLD-2").channel == Channel.WEB
    assert Complaint.objects.get(external_ref="OLD-3").status == ComplaintStatus.REJECTED

    recompute(MARCH)
    figures = read.totals(district_a, MARCH, slugs=["complaints_received", "complaints_closed"])
    assert figures["complaints_received"] == 3
    assert figures["complaints_closed"] == 2


def test_one_audit_event_for_the_job_and_a_note_on_each_record(admin_a, squad_a, category):
    job = run(start(admin_a, csv_bytes([line("OLD-1"), line("OLD-2")])))

    job_events = AuditEvent.objects.for_object(job)
    assert job_events.count() == 1
    assert job_events.get().after["created"] == 2
    complaint = Complaint.objects.get(external_ref="OLD-1")
    event = AuditEvent.objects.for_object(complaint).get()
    assert f"import #{job.pk}" in event.note
    assert event.actor == admin_a


def test_xlsx_with_date_cells_and_english_headers(statistician_a, squad_a, category):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "External reference",
            "Received at",
            "Channel",
            "Category",
            "Responsible unit",
            "Address",
            "Description",
            "Status",
            "Closed at",
            "Fixed on the spot",
            "Times reopened",
        ]
    )
    sheet.append(
        [
            "X-1",
            datetime.datetime(2024, 3, 1, 8, 30),
            "Patrol",
            "占道经营",
            "甲区一中队",
            "北街1号",
            "占道",
            "Closed",
            datetime.datetime(2024, 3, 1, 9, 0),
            "是",
            1,
        ]
    )
    sheet.append(
        [
            "X-2",
            datetime.date(2024, 3, 2),
            "letter",
            "zdjy",
            "SQUAD-A1",
            "北街2号",
            "占道",
            "closed",
            "2024/3/4 10:00",
            "N",
            0,
        ]
    )
    buffer = io.BytesIO()
    workbook.save(buffer)

    job = run(start(statistician_a, buffer.getvalue(), name="history.xlsx"))

    assert (job.status, job.created, job.failed) == (ImportStatus.DONE, 2, 0), job.errors
    patrol = Complaint.objects.get(external_ref="X-1")
    assert (patrol.channel, patrol.on_the_spot, patrol.reopen_count) == (Channel.PATROL, True, 1)
    assert patrol.received_at == local(2024, 3, 1, 8, 30)
    letter = Complaint.objects.get(external_ref="X-2")
    assert letter.received_at == local(2024, 3, 2, 0, 0)
    assert letter.closed_at == local(2024, 3, 4, 10, 0)


def test_importing_the_same_file_again_creates_nothing(admin_a, squad_a, category):
    data = csv_bytes([line("OLD-1"), line("OLD-2")])
    run(start(admin_a, data))

    again = run(start(admin_a, data))

    assert (again.created, again.skipped, again.failed) == (0, 2, 0)
    assert Complaint.objects.count() == 2


def test_a_reference_repeated_in_the_file_is_imported_once(admin_a, squad_a, category):
    job = run(start(admin_a, csv_bytes([line("OLD-1"), line("OLD-1")])))

    assert (job.created, job.skipped) == (1, 1)


def test_bad_lines_are_listed_with_line_and_column_and_good_lines_import(admin_a, squad_a, squad_b, category):
    data = csv_bytes(
        [
            line("GOOD-1"),  # line 2
            line("BAD-UNIT", unit="no-such-unit"),  # 3
            line("BAD-DATE", received="2024-13-40"),  # 4
            line("OTHER-DISTRICT", unit="乙区一中队"),  # 5: admin_a's scope is district A
            line("", category=""),  # 6: two required cells empty
            line("CLOSED-EARLY", closed="2024-03-01 09:00"),  # 7: closed before it was received
            line("BAD-CHANNEL", channel="carrier pigeon"),  # 8
            line("GOOD-2"),  # 9
        ]
    )
    job = run(start(admin_a, data))

    assert (job.status, job.created, job.failed) == (ImportStatus.DONE, 2, 6)
    assert set(Complaint.objects.values_list("external_ref", flat=True)) == {"GOOD-1", "GOOD-2"}
    found = {(e["line"], e["column"], e["code"]) for e in job.errors}
    assert found == {
        (3, "unit", "unknown_unit"),
        (4, "received_at", "not_datetime"),
        (5, "unit", "out_of_scope"),
        (6, "external_ref", "required"),
        (6, "category", "required"),
        (7, "closed_at", "before_received"),
        (8, "channel", "unknown_choice"),
    }
    worded = {layouts.error_message("complaints", e) for e in job.errors}
    assert "Line 4, “Received at”: not a date and time (2024-03-05 14:30)" in worded
    assert "Line 5, “Responsible unit”: a unit outside your scope" in worded


def test_the_message_names_the_column_by_its_chinese_header_in_chinese():
    error = {"line": 12, "column": "accepted_at", "code": "not_datetime"}
    from django.utils import translation

    with translation.override("zh-hans"):
        assert "受理时间" in str(
            layouts.error_message("complaints", error)
        )  # 第12行「受理时间」… once translated


def test_a_wrong_header_refuses_the_whole_file(admin_a, squad_a, category):
    header = [h for h in HEADER if h != "登记时间"] + ["备注"]
    rows = [[cell for cell, h in zip(line("OLD-1"), HEADER, strict=True) if h != "登记时间"] + ["x"]]

    with pytest.raises(ValidationError) as refused:
        start(admin_a, csv_bytes(rows, header=header))

    messages = refused.value.message_dict["file"]
    assert "The file has no column “Received at”, which is required." in messages
    assert "The file's column “备注” is not one of the layout's." in messages
    assert not ImportJob.objects.exists()


def test_a_stored_file_with_a_wrong_header_fails_its_job(admin_a, squad_a, category):
    from django.core.files.base import ContentFile

    job = ImportJob(kind="complaints", file_name="bad.csv", created_by=admin_a)
    job.file.save("bad.csv", ContentFile(csv_bytes([["1"]], header=["编号"])), save=False)
    job.save()

    job = run(job)

    assert job.status == ImportStatus.FAILED
    assert "“External reference”" in job.message
    assert job.finished_at is not None
    assert not Complaint.objects.exists()


def test_a_gb18030_csv_is_read(admin_a, squad_a, category):
    data = csv_bytes([line("旧-1", category="占道经营")], encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        data.decode("utf-8")

    job = run(start(admin_a, data))

    assert (job.created, job.failed) == (1, 0), job.errors
    assert Complaint.objects.get().external_ref == "旧-1"
    assert Complaint.objects.get().description == "门前占道经营"


def test_a_number_from_the_file_is_kept_and_one_in_use_refused(admin_a, squad_a, category):
    ComplaintFactory(number="TS202403050001", unit=squad_a, category=category)
    header = [*HEADER, "投诉编号"]
    data = csv_bytes([[*line("OLD-1"), "TS202403050009"], [*line("OLD-2"), "TS202403050001"]], header=header)

    job = run(start(admin_a, data))

    assert Complaint.objects.get(external_ref="OLD-1").number == "TS202403050009"
    assert [(e["line"], e["column"], e["code"]) for e in job.errors] == [(3, "number", "number_taken")]


def test_a_task_delivered_twice_imports_once(admin_a, squad_a, category):
    job = start(admin_a, csv_bytes([line("OLD-1")]))
    run(job)

    again = run(job)

    assert again.created == 1
    assert Complaint.objects.count() == 1


@pytest.mark.parametrize("role", ["officer", "squad_leader", "intake"])
def test_only_administrators_and_statisticians_import(make_user, district_a, category, role):
    user = make_user(role, unit=district_a)
    with pytest.raises(PermissionDenied):
        start(user, csv_bytes([line("OLD-1")]))


CASE_HEADER = [
    "外部编号",
    "程序",
    "当事人类型",
    "当事人",
    "证件号码",
    "类别",
    "承办单位",
    "违法地点",
    "违法日期",
    "违法事实",
    "登记时间",
    "立案时间",
    "处罚决定时间",
    "罚款金额",
    "结案时间",
]


def test_cases_import_with_their_fines_and_parties(admin_a, squad_a, category):
    from cases.choices import CaseStatus, Procedure

    existing = Party.objects.create(
        party_type="individual", name="李四", id_number="11010519491231002X", created_by=admin_a
    )
    data = csv_bytes(
        [
            [
                "AJ-1",
                "简易程序",
                "个人",
                "李四",
                "11010519491231002x",
                "ZDJY",
                "squad-a1",
                "中山路1号",
                "2024-03-04",
                "占道经营",
                "2024-03-04 10:00",
                "2024-03-04 10:05",
                "2024-03-04 10:10",
                "200",
                "2024-03-05 09:00",
            ],
            [
                "AJ-2",
                "general",
                "organisation",
                "某某有限公司",
                "91350100M000100Y43",
                "ZDJY",
                "squad-a1",
                "中山路2号",
                "2024-03-04",
                "占道经营",
                "2024-03-04",
                "",
                "",
                "1,500.50",
                "2024-03-20",
            ],
            [
                "AJ-3",
                "简易程序",
                "个人",
                "王五",
                "",
                "ZDJY",
                "squad-a1",
                "中山路3号",
                "2024-03-04",
                "占道经营",
                "2024-03-04",
                "",
                "",
                "-5",
                "2024-03-05",
            ],
            [
                "AJ-4",
                "简易程序",
                "个人",
                "赵六",
                "123",
                "ZDJY",
                "squad-a1",
                "中山路4号",
                "2024-03-04",
                "占道经营",
                "2024-03-04",
                "",
                "",
                "",
                "2024-03-05",
            ],
        ],
        header=CASE_HEADER,
    )
    job = run(start(admin_a, data, kind="cases"))

    assert (job.created, job.failed) == (2, 2), job.errors
    codes = {(e["line"], e["column"], e["code"]) for e in job.errors}
    assert codes == {(4, "fine_decided", "not_money"), (5, "party_id", "bad_party_id")}
    case = Case.objects.get(external_ref="AJ-1")
    assert (case.status, case.procedure, case.party, case.unit) == (
        CaseStatus.CLOSED,
        Procedure.SIMPLE,
        existing,
        squad_a,
    )
    assert case.fine_decided == Decimal("200.00")
    assert case.registered_at == local(2024, 3, 4, 10, 0)
    company = Case.objects.get(external_ref="AJ-2")
    assert (company.party.party_type, company.party.credit_code) == ("organisation", "91350100M000100Y43")
    assert company.fine_decided == Decimal("1500.50")
    assert AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Case)).count() == 2

    again = run(start(admin_a, data, kind="cases"))
    assert (again.created, again.skipped, again.failed) == (0, 2, 2)
    assert Party.objects.count() == 2
