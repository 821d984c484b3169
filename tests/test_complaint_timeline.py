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
    services.request_extension(complaint, by=complaint.handler, reason="需协调", days=2)
    complaint = services.decide_extension(complaint, by=leader, decision=ApprovalDecision.APPROVED)
    duplicate = ComplaintFactory(unit=district_a, status=ComplaintStatus.ACCEPTED)
    services.merge(duplicate, by=leader, into=complaint)
    html, text = text_of(complaint)
    assert "Extension request" in text and "Reply by" in text
    assert f"Merged duplicate {duplicate.number}" in text
    for internal in ("Extensions approved", "Extended by", "Due ", "extension_count", "Version"):
        assert internal not in text
    assert not ComplaintAttachment.objects.exists()
