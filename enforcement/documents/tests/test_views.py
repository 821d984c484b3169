"""The documents' browser pages, proven on complaints: issuing from the complaint page, the document page,
the frozen print view and the PDF, corrections and voiding, the list, the numbering patterns."""

import io
import re

import pypdf
import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.models import Complaint
from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents import services
from enforcement.documents.models import Document, NumberingPattern, ServiceRecord

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def issue_url(record, doc_type):
    content_type = ContentType.objects.get_for_model(record)
    return reverse("documents:issue", args=[content_type.pk, record.pk, doc_type])


@pytest.fixture
def category(db):
    return ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")


@pytest.fixture
def accepted_petition(district_a, category):
    return ComplaintFactory(
        unit=district_a,
        category=category,
        channel="letter",
        status="accepted",
        accepted_at=timezone.now(),
        complainant_name="陈小明",
    )


@pytest.fixture
def rejected(district_a, category):
    return ComplaintFactory(
        unit=district_a,
        category=category,
        status="rejected",
        reject_reason="不属于城管执法职责范围",
        complainant_name="李四",
    )


def issue(client, record, doc_type, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(issue_url(record, doc_type))


def messages_of(response):
    return [str(m) for m in response.context["messages"]] if response.context else []


# --- issuing from the complaint page ---------------------------------------------------------------------------
def test_the_complaint_page_offers_the_acceptance_notice_and_issues_it(
    intake_a, accepted_petition, django_capture_on_commit_callbacks
):
    client = browser(intake_a)
    page = client.get(accepted_petition.get_absolute_url()).content.decode()
    assert 'class="card mb-3 record-documents"' in page
    assert issue_url(accepted_petition, "acceptance_notice") in page
    assert issue_url(accepted_petition, "refusal_notice") not in page  # not at this step
    assert "data-confirm=" in page.split("record-documents", 1)[1]

    response = issue(client, accepted_petition, "acceptance_notice", django_capture_on_commit_callbacks)
    document = Document.objects.get()
    assert response.status_code == 302 and response["Location"] == document.get_absolute_url()
    assert (document.doc_type, document.unit, document.issued_by) == (
        "acceptance_notice",
        accepted_petition.unit,
        intake_a,
    )
    followed = client.get(response["Location"])
    assert f"Issued Acceptance notice No. {document.number}." in messages_of(followed)
    assert document.pdf_sha256 and document.pdf_sha256 in followed.content.decode()  # shown small

    page = client.get(accepted_petition.get_absolute_url()).content.decode()
    card = page.split("record-documents", 1)[1].split("</section>", 1)[0]
    assert document.number in card and document.get_absolute_url() in card and "In force" in card
    assert "not served" in card
    assert issue_url(accepted_petition, "acceptance_notice") not in page  # once per complaint


def test_refusal_notice_on_a_rejected_complaint_and_consecutive_numbers(
    intake_a, district_a, category, django_capture_on_commit_callbacks
):
    client = browser(intake_a)
    first, second = (
        ComplaintFactory(unit=district_a, category=category, status="rejected", reject_reason="重复投诉")
        for _ in range(2)
    )
    for complaint in (first, second):
        response = issue(client, complaint, "refusal_notice", django_capture_on_commit_callbacks)
        assert response.status_code == 302
    a, b = Document.objects.order_by("serial")
    assert (a.doc_type, a.object_id, b.object_id) == ("refusal_notice", first.pk, second.pk)
    assert (a.serial, b.serial) == (1, 2)
    year = timezone.localdate().year
    assert a.number == f"甲区分局不受〔{year}〕00001号" and b.number == f"甲区分局不受〔{year}〕00002号"


def test_the_wrong_step_names_the_step_and_creates_nothing(intake_a, district_a, category):
    complaint = ComplaintFactory(unit=district_a, category=category, status="received")
    client = browser(intake_a)
    response = client.post(issue_url(complaint, "refusal_notice"), follow=True)
    assert response.redirect_chain[-1][0] == complaint.get_absolute_url()
    assert (
        "A notice of refusal is issued once the complaint has been rejected (不予受理), with its reason."
        in messages_of(response)
    )
    assert not Document.objects.exists()


def test_out_of_scope_is_404_and_a_role_without_the_right_is_403(
    district_officer_a, intake_a, district_b, rejected, category
):
    elsewhere = ComplaintFactory(unit=district_b, category=category, status="rejected", reject_reason="x")
    assert browser(intake_a).post(issue_url(elsewhere, "refusal_notice")).status_code == 404
    assert browser(district_officer_a).post(issue_url(rejected, "refusal_notice")).status_code == 403
    assert browser(intake_a).post(issue_url(rejected, "no_such_type")).status_code == 404
    assert not Document.objects.exists()


# --- the frozen paper: print view and PDF ---------------------------------------------------------------------
def test_print_view_is_the_frozen_html_byte_for_byte_after_the_complaint_is_edited(intake_a, rejected):
    document = services.issue_document(rejected, "refusal_notice", by=intake_a)
    frozen = Document.objects.get(pk=document.pk).html
    Complaint.objects.filter(pk=rejected.pk).update(reject_reason="改过的理由", complainant_name="王五")
    response = browser(intake_a).get(reverse("documents:print", args=[document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content == frozen.encode("utf-8")
    assert (
        "不属于城管执法职责范围" in response.content.decode()
        and "改过的理由" not in response.content.decode()
    )
    assert response["X-Frame-Options"] == "SAMEORIGIN"  # the document page frames it


def test_pdf_download_has_the_chinese_title_and_the_number_as_file_name(intake_a, rejected):
    document = services.issue_document(rejected, "refusal_notice", by=intake_a)  # no PDF yet: rendered now
    response = browser(intake_a).get(reverse("documents:pdf", args=[document.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert data.startswith(b"%PDF")
    text = re.sub(r"\s+", "", pypdf.PdfReader(io.BytesIO(data)).pages[0].extract_text())
    assert "不予受理告知书" in text
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment; ")
    assert "filename*=UTF-8''" + "%E7%94%B2%E5%8C%BA" in disposition  # 甲区…, RFC 5987
    document.refresh_from_db()
    assert document.pdf_sha256 and document.pdf_size == len(data)


def test_out_of_scope_pdf_and_print_are_404(intake_a, make_user, district_b, rejected):
    document = services.issue_document(rejected, "refusal_notice", by=intake_a)
    outsider = make_user("intake", unit=district_b)
    for name in ("pdf", "print", "detail"):
        assert browser(outsider).get(reverse(f"documents:{name}", args=[document.pk])).status_code == 404


def test_officer_without_reader_right_gets_403_on_print_and_pdf_and_metadata_only(
    intake_a, officer_a, district_a, category
):
    petition = ComplaintFactory(
        unit=officer_a.unit, category=category, channel="visit", status="accepted", accepted_at=timezone.now()
    )
    document = services.issue_document(petition, "acceptance_notice", by=intake_a)
    client = browser(officer_a)
    assert client.get(reverse("documents:print", args=[document.pk])).status_code == 403
    assert client.get(reverse("documents:pdf", args=[document.pk])).status_code == 403
    page = client.get(document.get_absolute_url())
    assert page.status_code == 200
    content = page.content.decode()
    assert document.number in content and "<iframe" not in content
    assert "This document names the complainant" in content
    assert reverse("documents:pdf", args=[document.pk]) not in content


# --- correcting and voiding ------------------------------------------------------------------------------------
def test_void_without_reason_is_refused_and_nothing_changes(intake_a, leader_a, rejected):
    document = services.issue_document(rejected, "refusal_notice", by=intake_a)
    client = browser(leader_a)
    page = client.get(document.get_absolute_url()).content.decode()
    assert 'data-confirm="Void this document? Its number is not given again."' in page
    response = client.post(reverse("documents:void", args=[document.pk]), {"void-reason": "  "}, follow=True)
    assert (
        "Give the reason for voiding: it is kept with the document, whose number is not given again."
        in messages_of(response)
    )
    document.refresh_from_db()
    assert (document.status, document.void_reason, document.version) == ("issued", "", 1)

    response = client.post(
        reverse("documents:void", args=[document.pk]),
        {"void-reason": "送达对象错误", "void-version": document.version},
        follow=True,
    )
    document.refresh_from_db()
    assert (document.status, document.void_reason, document.voided_by) == ("voided", "送达对象错误", leader_a)
    assert "Void" in response.content.decode()


def test_a_correction_shows_beside_the_original(intake_a, rejected):
    original = services.issue_document(rejected, "refusal_notice", by=intake_a)
    client = browser(intake_a)
    response = client.post(reverse("documents:correct", args=[original.pk]), {"correct-reason": "理由写错"})
    correction = Document.objects.get(replaces=original)
    assert response["Location"] == correction.get_absolute_url()
    original.refresh_from_db()
    assert original.status == "corrected" and correction.status == "issued"

    card = client.get(rejected.get_absolute_url()).content.decode().split("record-documents", 1)[1]
    card = card.split("</section>", 1)[0]
    row = card.split(f'data-document="{correction.pk}"', 1)[1].split("</li>", 1)[0]
    assert correction.number in row and original.number in row  # the original sits under its correction
    assert "document-earlier" in row and "Corrected" in row
    detail = client.get(correction.get_absolute_url()).content.decode()
    assert "Corrects" in detail and original.get_absolute_url() in detail
    assert "Corrected by" in client.get(original.get_absolute_url()).content.decode()


def test_a_second_correction_keeps_the_whole_chain_under_the_document_in_force(intake_a, rejected):
    first = services.issue_document(rejected, "refusal_notice", by=intake_a)
    second = services.correct_document(first, by=intake_a, reason="地址写错")
    third = services.correct_document(second, by=intake_a, reason="理由写错")
    card = browser(intake_a).get(rejected.get_absolute_url()).content.decode().split("record-documents", 1)[1]
    card = card.split("</section>", 1)[0]
    assert card.count('class="list-group-item document-row"') == 1  # one chain
    order = [card.index(f'href="{doc.get_absolute_url()}"') for doc in (third, second, first)]
    assert order == sorted(order)  # newest first, each above the one it corrects
    assert card.count("document-earlier") == 2


def test_correction_without_reason_is_refused(intake_a, rejected):
    original = services.issue_document(rejected, "refusal_notice", by=intake_a)
    response = browser(intake_a).post(
        reverse("documents:correct", args=[original.pk]), {"correct-reason": ""}, follow=True
    )
    assert "Say what the correction changes and why." in messages_of(response)
    assert Document.objects.count() == 1


def test_record_service_from_the_document_page(intake_a, rejected):
    document = services.issue_document(rejected, "refusal_notice", by=intake_a)
    client = browser(intake_a)
    served_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")  # the minute it was issued in
    refused = client.post(
        reverse("documents:serve", args=[document.pk]),
        {"method": "electronic", "served_at": served_at, "recipient": "李四"},
    )
    assert refused.status_code == 400 and "written consent" in refused.content.decode()
    assert not ServiceRecord.objects.exists()
    response = client.post(
        reverse("documents:serve", args=[document.pk]),
        {"method": "in_person", "served_at": served_at, "recipient": "李四", "address": "中山路1号"},
    )
    assert response.status_code == 302, response.context["service_form"].errors
    service = ServiceRecord.objects.get(document=document)
    assert (service.method, service.recipient, service.recorded_by) == ("in_person", "李四", intake_a)
    card = client.get(rejected.get_absolute_url()).content.decode().split("record-documents", 1)[1]
    assert "document-served" in card.split("</section>", 1)[0]


# --- the list ---------------------------------------------------------------------------------------------------
def test_list_filters(
    intake_a, intake_city, head_a, city, district_a, district_b, category, accepted_petition, rejected
):
    refusal = services.issue_document(rejected, "refusal_notice", by=intake_a)
    acceptance = services.issue_document(accepted_petition, "acceptance_notice", by=intake_a)
    elsewhere = ComplaintFactory(unit=district_b, category=category, status="rejected", reject_reason="x")
    other = services.issue_document(elsewhere, "refusal_notice", by=intake_city)
    services.void_document(refusal, by=head_a, reason="错发")
    url = reverse("documents:list")

    def numbers(user, **params):
        response = browser(user).get(url, params)
        assert response.status_code == 200
        return {doc.number for doc in response.context["documents"]}

    assert numbers(intake_a) == {refusal.number, acceptance.number}  # district B's is out of scope
    assert numbers(intake_city) == {refusal.number, acceptance.number, other.number}
    assert numbers(intake_city, doc_type="refusal_notice") == {refusal.number, other.number}
    assert other.unit == city  # the city's intake desk issues in the city bureau's name
    assert numbers(intake_city, unit=city.pk) == {other.number}
    assert numbers(intake_city, unit=district_a.pk) == {refusal.number, acceptance.number}
    assert numbers(intake_city, status="voided") == {refusal.number}
    assert numbers(intake_city, year=timezone.localdate().year - 1) == set()
    assert numbers(intake_city, q="不受") == {refusal.number, other.number}
    assert numbers(intake_city, q=acceptance.number) == {acceptance.number}
    assert "Documents" in [item["label"] for item in browser(intake_a).get(url).context["nav_items"]]


def test_list_costs_the_same_for_more_documents(
    intake_a, district_a, category, django_assert_max_num_queries
):
    def issue_some(count):
        for _ in range(count):
            complaint = ComplaintFactory(
                unit=district_a, category=category, status="rejected", reject_reason="x"
            )
            services.issue_document(complaint, "refusal_notice", by=intake_a)

    client = browser(intake_a)
    issue_some(2)
    with CaptureQueriesContext(connection) as few:
        assert client.get(reverse("documents:list")).status_code == 200
    issue_some(8)
    with django_assert_max_num_queries(len(few)):
        page = client.get(reverse("documents:list"))
    assert len(page.context["documents"]) == 10
    assert Complaint.objects.first().get_absolute_url() in page.content.decode()


# --- numbering patterns ------------------------------------------------------------------------------------------
def test_numbering_pattern_form_refuses_a_pattern_without_serial(city_admin):
    client = browser(city_admin)
    response = client.post(
        reverse("documents:numbering-create"), {"pattern": "禅城城管{word}〔{year}〕号", "serial_digits": 5}
    )
    assert response.status_code == 400
    assert "A numbering pattern needs the serial number, written {serial}" in response.content.decode()
    assert not NumberingPattern.objects.exists()


def test_numbering_patterns_list_shows_examples_and_scopes_district_admins(
    city_admin, admin_a, district_a, district_b
):
    client = browser(city_admin)
    response = client.post(
        reverse("documents:numbering-create"),
        {"unit": "", "doc_type": "", "pattern": "佛山城管{word}〔{year}〕{serial}号", "serial_digits": 4},
    )
    assert response.status_code == 302
    default = NumberingPattern.objects.get(unit=None)
    year = timezone.localdate().year
    page = client.get(reverse("documents:numbering")).content.decode()
    assert f"佛山城管罚〔{year}〕0123号" in page

    district = browser(admin_a)
    response = district.post(
        reverse("documents:numbering-create"),
        {
            "unit": district_a.pk,
            "doc_type": "refusal_notice",
            "pattern": "{unit}不受字〔{year}〕第{serial}号",
            "serial_digits": 3,
        },
    )
    assert response.status_code == 302
    own = NumberingPattern.objects.get(unit=district_a)
    page = district.get(reverse("documents:numbering")).content.decode()
    assert f"甲区分局不受字〔{year}〕第123号" in page
    assert reverse("documents:numbering-edit", args=[own.pk]) in page
    assert reverse("documents:numbering-edit", args=[default.pk]) not in page  # the city's, read only
    assert (
        district.post(
            reverse("documents:numbering-edit", args=[default.pk]),
            {"pattern": "{serial}", "serial_digits": 5},
        ).status_code
        == 403
    )
    refused = district.post(
        reverse("documents:numbering-create"),
        {"unit": district_b.pk, "pattern": "{serial}", "serial_digits": 5},
    )
    assert refused.status_code == 400 and not NumberingPattern.objects.filter(unit=district_b).exists()
    assert (
        district.post(
            reverse("documents:numbering-create"), {"unit": "", "pattern": "{serial}", "serial_digits": 5}
        ).status_code
        == 400
    )
    default.refresh_from_db()
    assert default.pattern == "佛山城管{word}〔{year}〕{serial}号"
    second = client.post(
        reverse("documents:numbering-create"),
        {"unit": "", "doc_type": "", "pattern": "{serial}", "serial_digits": 4},
    )
    assert second.status_code == 400
    assert (
        "This unit already has a numbering pattern for this type of document: change that one."
        in second.content.decode()
    )
    assert "Constraint" not in second.content.decode()
    assert NumberingPattern.objects.filter(unit=None).count() == 1


def test_numbering_is_for_administrators(intake_a):
    assert browser(intake_a).get(reverse("documents:numbering")).status_code == 403


def test_issued_number_follows_the_pattern_set_in_the_form(city_admin, intake_a, rejected, district_a):
    browser(city_admin).post(
        reverse("documents:numbering-create"),
        {
            "unit": district_a.pk,
            "doc_type": "refusal_notice",
            "pattern": "甲城管不受〔{year}〕{serial}号",
            "serial_digits": 3,
        },
    )
    document = services.issue_document(rejected, "refusal_notice", by=intake_a)
    assert document.number == f"甲城管不受〔{timezone.localdate().year}〕001号"


def test_the_card_says_why_a_paper_cannot_be_issued_yet(client, intake_a, district_a):
    """An anonymous complaint rejected: the refusal notice has nobody to be addressed to, so instead of no
    button the card says what the record lacks."""
    complaint = ComplaintFactory(
        unit=district_a,
        status="rejected",
        reject_reason="不属于本机关职责范围",
        is_anonymous=True,
        complainant_name="",
    )
    client.force_login(intake_a)
    page = client.get(reverse("complaints:detail", args=[complaint.pk])).content.decode()
    assert "issue-document" not in page
    assert "cannot be issued yet: the record has no complainant&#x27;s name" in page
