"""A complaint's timeline as its readers see it (enforcement/audit/templatetags/audit_tags.py with the
declarations on Complaint and ComplaintAttachment): files by their name, kind and size, its extension
request as a record of its own, no hashes, ids or internal counters."""

import re

import pytest
from django.template import Context, Template

from complaints import services
from complaints.choices import ComplaintStatus
from complaints.models import ComplaintAttachment
from complaints.tests.conftest import JPEG, upload
from complaints.tests.factories import ComplaintFactory
from enforcement.approvals.choices import ApprovalDecision

TIMELINE = Template("{% load audit_tags %}{% audit_timeline obj %}")


def text_of(complaint):
    html = TIMELINE.render(Context({"obj": complaint}))
    return html, " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.fixture
def complaint(district_a, make_user):
    officer = make_user("officer", unit=district_a, full_name="队员丁")
    return ComplaintFactory(unit=district_a, status=ComplaintStatus.IN_PROGRESS, handler=officer)


def test_an_attached_file_reads_by_its_name_kind_and_size(complaint, django_assert_max_num_queries):
    attachment = services.add_attachment(complaint, upload("现场.jpg"), by=complaint.handler)
    with django_assert_max_num_queries(2):  # the events, and the attachments they name
        html, text = text_of(complaint)
    size = f"{len(JPEG)} bytes"
    assert f"Attachment 现场.jpg (Photo, Evidence at intake, {size})" in text
    assert attachment.sha256 not in html and attachment.file.name not in html
    assert f"#{attachment.pk}" not in html and "Sha256" not in html and "Kind" not in html


def test_the_extension_and_the_merge_read_without_ids_or_counters(complaint, make_user, district_a):
    leader = make_user("squad_leader", unit=district_a)
    complaint = services.request_extension(complaint, by=complaint.handler, reason="需协调", days=2)
    complaint = services.decide_extension(complaint, by=leader, decision=ApprovalDecision.APPROVED)
    duplicate = ComplaintFactory(unit=district_a, status=ComplaintStatus.ACCEPTED)
    services.merge(duplicate, by=leader, into=complaint)
    html, text = text_of(complaint)
    assert "Extension request" in text and "Reply by" in text
    assert f"Merged duplicate {duplicate.number}" in text
    for internal in ("Extensions approved", "Extended by", "Due ", "extension_count", "Version"):
        assert internal not in text
    assert not ComplaintAttachment.objects.exists()


def test_the_chinese_timeline_names_every_step_in_chinese(district_a, squad_a, make_user):
    """Issue 8: steps read "Start", "Record visit", "Merge", "Close on the spot", "Add attachment" in English
    on the Chinese timeline. Every step a complaint can take, then the page in the default language."""
    from django.test import Client
    from django.urls import reverse

    from complaints.workflow import WORKFLOW
    from enforcement.catalog.tests.factories import ViolationCategoryFactory

    category = ViolationCategoryFactory(code="A01", name="占道经营")
    intake, leader = make_user("intake", unit=district_a), make_user("squad_leader", unit=district_a)
    officer = make_user("officer", unit=squad_a)
    complaint = ComplaintFactory(unit=district_a, category=category, channel="hotline_12345")
    complaint = services.accept(complaint, by=intake)
    complaint = services.dispatch(complaint, by=intake, unit=squad_a, handler=officer)
    complaint = services.start(complaint, by=officer)
    services.add_attachment(complaint, upload("现场.jpg", JPEG), by=officer)
    complaint = services.request_extension(complaint, by=officer, reason="需协调", days=2)
    complaint = services.decide_extension(complaint, by=leader, decision=ApprovalDecision.APPROVED)
    complaint = services.reply(complaint, by=officer, reply_text="已整改")
    complaint = services.record_visit(complaint, by=intake, satisfaction="unsatisfied")
    complaint = services.reopen(complaint, by=intake, reason="不满意")
    services.merge(ComplaintFactory(unit=district_a, category=category), by=intake, into=complaint)
    client = Client()  # no language choice: the Chinese default
    client.force_login(intake)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    timeline = page[page.index('class="audit-timeline') :]
    steps = {str(label) for slug, label in WORKFLOW.choices()} | {
        "Add attachment",
        "Duplicate merged in",
        "Request approval",
        "Decide approval",
    }
    english = [label for label in steps if re.search(rf">\s*{re.escape(label)}\s*<", timeline)]
    assert not english, english
    for chinese in (
        "受理",
        "派遣",
        "开始办理",
        "添加附件",
        "申请延期",
        "审批延期",
        "答复",
        "登记回访",
        "重新办理",
    ):
        assert chinese in timeline, chinese
