"""The documents' API, proven on complaints: the list and its filters (scoped, a constant number of queries),
the metadata, the frozen renditions (the HTML as stored, the PDF's Chinese text layer), the acts (void,
correct, serve) and their refusals, issuing from the record (`/complaints/<id>/documents/`) and the
numbering patterns. Nothing is changed when something is refused."""

import hashlib
import io
import re
from urllib.parse import quote

import pypdf
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from complaints.choices import Channel, ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.audit.models import AuditEvent
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents import services
from enforcement.documents.models import Document, NumberCounter, NumberingPattern, ServiceRecord

pytestmark = pytest.mark.django_db

S = ComplaintStatus
LIST = reverse("api:document-list")
PATTERNS = reverse("api:numberingpattern-list")


def url(name, document):
    return reverse(f"api:document-{name}", args=[document.pk])


def record_documents(complaint):
    return reverse("api:complaint-documents", args=[complaint.pk])


def squashed(text):
    return re.sub(r"\s+", "", text)


@pytest.fixture
def category(db):
    return ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")


@pytest.fixture
def petition(district_a, category):
    """A petition accepted in district A: its acceptance notice may be issued."""
    now = timezone.now()
    return ComplaintFactory(
        unit=district_a,
        category=category,
        channel=Channel.PETITION,
        status=S.ACCEPTED,
        accepted_at=now,
        complainant_name="李四",
    )


@pytest.fixture
def notice(petition, intake_a):
    return services.issue_document(petition, "acceptance_notice", by=intake_a)


@pytest.fixture
def intake_b(make_user, district_b):
    return make_user("intake", unit=district_b, username="intake-b")


def dispatched(unit, category):
    now = timezone.now()
    return ComplaintFactory(
        unit=unit, category=category, status=S.DISPATCHED, accepted_at=now, dispatched_at=now
    )


# --- the list -------------------------------------------------------------------------------------------------
def test_the_list_shows_only_documents_whose_record_the_user_sees(
    api_as, notice, intake_b, district_b, category, intake_a
):
    theirs = services.issue_document(dispatched(district_b, category), "work_order", by=intake_b)
    rows = api_as(intake_a).get(LIST).json()["results"]
    assert [row["id"] for row in rows] == [notice.pk]
    row = rows[0]
    assert row["number"] == notice.number and row["doc_type"] == "acceptance_notice"
    assert row["doc_type_name"] == "Acceptance notice" and row["status_display"] == "In force"
    assert row["record"] == {
        "type": "complaints.complaint",
        "id": notice.object_id,
        "url": reverse("complaints:detail", args=[notice.object_id]),
    }
    assert row["unit"]["id"] == notice.unit_id and row["issued_by"]["id"] == intake_a.pk
    assert row["pdf_url"] == url("pdf", notice) and row["html_url"] == url("html", notice)
    assert "values" not in row  # content is read on the detail, by those who may
    assert {row["id"] for row in api_as(intake_b).get(LIST).json()["results"]} == {theirs.pk}


def test_the_list_filters(
    api_as, intake_a, intake_b, leader_a, district_a, district_b, category, notice, city_admin
):
    order = services.issue_document(dispatched(district_a, category), "work_order", by=intake_a)
    other_district = services.issue_document(dispatched(district_b, category), "work_order", by=intake_b)
    services.void_document(order, by=leader_a, reason="错发")
    client = api_as(city_admin)

    def ids(**params):
        response = client.get(LIST, params)
        assert response.status_code == 200, response.json()
        return {row["id"] for row in response.json()["results"]}

    assert ids() == {notice.pk, order.pk, other_district.pk}
    assert ids(record_type="complaints.complaint", record_id=notice.object_id) == {notice.pk}
    assert ids(record_id=order.object_id) == {order.pk}
    assert ids(doc_type="work_order") == {order.pk, other_district.pk}
    assert ids(unit=district_a.pk) == {notice.pk, order.pk}
    assert ids(unit=district_a.parent_id) == {notice.pk, order.pk, other_district.pk}  # with sub-units
    assert ids(year=notice.year) == {notice.pk, order.pk, other_district.pk}
    assert ids(year=notice.year - 1) == set()
    assert ids(number=notice.number) == {notice.pk}
    assert ids(number=notice.number[:-2]) == set()  # exact
    assert ids(number_contains="交〔") == {order.pk, other_district.pk}
    assert ids(status="voided") == {order.pk}
    assert ids(status=["issued"]) == {notice.pk, other_district.pk}


@pytest.mark.parametrize(
    "params",
    [
        {"year": "1800"},
        {"record_id": str(2**64)},
        {"unit": "0"},
        {"record_type": "auth.user"},
        {"status": "draft"},
        {"doc_type": "nonsense"},
    ],
)
def test_a_filter_out_of_range_is_400(api_as, city_admin, params):
    response = api_as(city_admin).get(LIST, params)
    assert response.status_code == 400
    assert set(response.json()) == set(params)


def test_the_list_costs_the_same_queries_for_20_rows_as_for_2(
    api_as, intake_a, leader_a, district_a, category, django_assert_max_num_queries
):
    documents = [
        services.issue_document(dispatched(district_a, category), "work_order", by=intake_a)
        for _ in range(20)
    ]
    services.record_service(documents[0], by=intake_a, method="in_person", recipient="王五")
    services.correct_document(documents[1], by=intake_a, reason="地址有误")
    services.void_document(documents[2], by=leader_a, reason="错发")
    client = api_as(type(intake_a).objects.get(pk=intake_a.pk))  # its unit, scope and roles not yet loaded

    def queries(page_size):
        with CaptureQueriesContext(connection) as captured:
            response = client.get(LIST, {"page_size": page_size})
        assert response.status_code == 200
        assert len(response.json()["results"]) == page_size
        return len(captured)

    small = queries(2)
    with django_assert_max_num_queries(small):
        rows = client.get(LIST, {"page_size": 20}).json()["results"]
    assert len(rows) == 20
    assert small <= 6  # the user's unit and scope, count, page, the records (for their urls)
    by_id = {row["id"]: row for row in rows}
    assert (
        by_id[documents[1].pk]["correction"]["number"] == Document.objects.get(replaces=documents[1]).number
    )


# --- the metadata -----------------------------------------------------------------------------------------------
def test_the_detail_gives_the_metadata(api_as, notice, intake_a):
    services.ensure_pdf(notice.pk)
    notice.refresh_from_db()
    response = api_as(intake_a).get(url("detail", notice))
    assert response.status_code == 200
    data = response.json()
    assert data["number"] == notice.number and data["serial"] == 1 and data["year"] == notice.year
    assert data["values"]["addressee"] == "李四"
    assert data["pdf_sha256"] == notice.pdf_sha256 and data["pdf_size"] == notice.pdf_size
    assert data["service"] is None and data["replaces"] is None and data["correction"] is None
    assert data["version"] == 1 and response["ETag"] == 'W/"1"'
    assert data["allowed_actions"] == ["correct", "serve"]  # intake corrects; voiding is a supervisor's


def test_the_content_is_only_for_those_its_type_lets_read_it(api_as, notice, district_officer_a, leader_a):
    services.record_service(notice, by=leader_a, method="in_person", recipient="李四", address="人民路1号")
    data = api_as(district_officer_a).get(url("detail", notice)).json()
    assert data["number"] == notice.number
    assert data["values"] is None  # it names the complainant (举报人保密)
    assert data["service"]["method"] == "in_person" and data["service"]["recipient"] is None
    assert data["service"]["address"] is None
    supervisor = api_as(leader_a).get(url("detail", notice)).json()
    assert supervisor["values"]["addressee"] == "李四" and supervisor["service"]["recipient"] == "李四"
    assert supervisor["allowed_actions"] == ["correct", "void"]  # served already


def test_the_detail_out_of_scope_is_404(api_as, notice, intake_b):
    assert api_as(intake_b).get(url("detail", notice)).status_code == 404


@pytest.mark.parametrize("method", ["put", "patch", "delete"])
def test_an_issued_document_cannot_be_changed_or_deleted(api_as, notice, city_admin, method):
    response = getattr(api_as(city_admin), method)(
        url("detail", notice), {"number": "X", "status": "voided"}, format="json"
    )
    assert response.status_code == 405
    assert response.json()["detail"] == (
        "An issued document cannot be changed or deleted: issue a correction, or void it with a reason."
    )
    stored = Document.objects.get(pk=notice.pk)
    assert (stored.number, stored.status, stored.version) == (notice.number, "issued", 1)


def test_changing_a_document_out_of_scope_is_404(api_as, notice, intake_b):
    assert api_as(intake_b).patch(url("detail", notice), {}, format="json").status_code == 404


# --- renditions -------------------------------------------------------------------------------------------------
def test_the_html_is_the_stored_html(api_as, notice, intake_a):
    response = api_as(intake_a).get(url("html", notice))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert response.content.decode() == Document.objects.get(pk=notice.pk).html
    assert "default-src 'none'" in response["Content-Security-Policy"]
    assert "受理告知书" in squashed(response.content.decode())


def test_the_pdf_is_rendered_once_named_by_its_number_with_the_chinese_text(api_as, notice, intake_a):
    assert notice.pdf_sha256 == ""  # the commit that would render it never came (a test transaction)
    response = api_as(intake_a).get(url("pdf", notice), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert f"filename*=utf-8''{quote(notice.number + '.pdf')}" in response["Content-Disposition"]
    data = b"".join(response.streaming_content)
    stored = Document.objects.get(pk=notice.pk)
    assert hashlib.sha256(data).hexdigest() == stored.pdf_sha256 and len(data) == stored.pdf_size
    text = squashed("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))
    assert "受理告知书" in text and notice.number in text and "李四" in text
    again = b"".join(api_as(intake_a).get(url("pdf", notice)).streaming_content)
    assert again == data  # frozen: the stored file, not a new rendering


def test_a_pdf_out_of_scope_is_404_and_not_rendered(api_as, notice, intake_b):
    response = api_as(intake_b).get(url("pdf", notice), HTTP_ACCEPT="application/pdf")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert Document.objects.get(pk=notice.pk).pdf_sha256 == ""
    assert api_as(intake_b).get(url("html", notice)).status_code == 404


def test_a_rendition_a_role_may_not_read_is_403_in_words(api_as, notice, district_officer_a):
    for name in ("html", "pdf"):
        response = api_as(district_officer_a).get(url(name, notice))
        assert response.status_code == 403
        assert "names the complainant" in response.json()["detail"]
    assert Document.objects.get(pk=notice.pk).pdf_sha256 == ""


# --- acts -------------------------------------------------------------------------------------------------------
def test_void_without_a_reason_is_400_and_the_document_stays_issued(api_as, notice, leader_a):
    response = api_as(leader_a).post(url("void", notice), {"reason": "  "}, format="json")
    assert response.status_code == 400
    assert "Give the reason for voiding" in response.json()["reason"][0]
    assert Document.objects.get(pk=notice.pk).status == "issued"


def test_void_with_a_reason(api_as, notice, leader_a):
    response = api_as(leader_a).post(
        url("void", notice), {"reason": "送达对象有误", "version": 1}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["status"] == "voided" and response.json()["void_reason"] == "送达对象有误"
    assert response.json()["allowed_actions"] == []
    assert AuditEvent.objects.filter(verb="void_document", object_id=str(notice.pk)).count() == 1
    again = api_as(leader_a).post(url("void", notice), {"reason": "再次"}, format="json")
    assert again.status_code == 409 and "already" in again.json()["detail"]


def test_void_with_a_stale_if_match_is_409(api_as, notice, leader_a):
    response = api_as(leader_a).post(
        url("void", notice), {"reason": "错发"}, format="json", HTTP_IF_MATCH='W/"7"'
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in response.json()["detail"]
    assert Document.objects.get(pk=notice.pk).status == "issued"
    ok = api_as(leader_a).post(url("void", notice), {"reason": "错发"}, format="json", HTTP_IF_MATCH='W/"1"')
    assert ok.status_code == 200


def test_void_by_a_role_that_may_not_is_403(api_as, notice, intake_a):
    response = api_as(intake_a).post(url("void", notice), {"reason": "错发"}, format="json")
    assert response.status_code == 403 and "Your role does not allow" in response.json()["detail"]
    assert Document.objects.get(pk=notice.pk).status == "issued"


def test_acts_out_of_scope_are_404(api_as, notice, make_user, district_b):
    outsider = make_user("squad_leader", unit=district_b)
    for name, body in [
        ("void", {"reason": "x"}),
        ("correct", {"reason": "x"}),
        ("service", {"method": "in_person", "recipient": "x"}),
    ]:
        assert api_as(outsider).post(url(name, notice), body, format="json").status_code == 404
    assert Document.objects.get(pk=notice.pk).status == "issued" and not ServiceRecord.objects.exists()


def test_correct_issues_a_new_document_that_replaces_the_original(api_as, notice, intake_a, petition):
    assert api_as(intake_a).post(url("correct", notice), {}, format="json").status_code == 400
    response = api_as(intake_a).post(url("correct", notice), {"reason": "姓名有误"}, format="json")
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["replaces"] == {"id": notice.pk, "number": notice.number}
    assert data["number"] != notice.number and data["serial"] == 2 and data["correction_reason"] == "姓名有误"
    original = api_as(intake_a).get(url("detail", notice)).json()
    assert original["status"] == "corrected" and original["correction"] == {
        "id": data["id"],
        "number": data["number"],
    }
    assert Document.objects.of(petition).count() == 2


def test_service_is_recorded_once(api_as, notice, intake_a):
    body = {
        "method": "in_person",
        "recipient": "李四",
        "served_at": timezone.now().isoformat(),
        "address": "人民路1号",
    }
    response = api_as(intake_a).post(url("service", notice), body, format="json")
    assert response.status_code == 201, response.json()
    service = response.json()["service"]
    assert service["method"] == "in_person" and service["recipient"] == "李四"
    assert service["recorded_by"]["id"] == intake_a.pk
    again = api_as(intake_a).post(url("service", notice), body, format="json")
    assert again.status_code == 409 and "already been recorded" in again.json()["detail"]


def test_service_refusals_name_the_rule(api_as, notice, intake_a):
    electronic = api_as(intake_a).post(
        url("service", notice), {"method": "electronic", "recipient": "李四"}, format="json"
    )
    assert electronic.status_code == 400
    assert "Art. 61" in electronic.json()["consent_ref"][0]
    left = api_as(intake_a).post(
        url("service", notice), {"method": "left_at_address", "recipient": "李四"}, format="json"
    )
    assert left.status_code == 400 and "witness" in left.json()["witness"][0]
    unknown = api_as(intake_a).post(
        url("service", notice), {"method": "pigeon", "recipient": "李四"}, format="json"
    )
    assert unknown.status_code == 400 and "method" in unknown.json()
    assert not ServiceRecord.objects.exists()


# --- on the record ----------------------------------------------------------------------------------------------
def test_the_record_lists_its_documents_and_what_may_be_issued(api_as, petition, intake_a, leader_a, notice):
    response = api_as(intake_a).get(record_documents(petition))
    assert response.status_code == 200
    data = response.json()
    assert [row["id"] for row in data["documents"]] == [notice.pk]
    assert data["issuable"] == []  # the acceptance notice is issued; nothing else at this step
    services.void_document(notice, by=leader_a, reason="错发")
    data = api_as(intake_a).get(record_documents(petition)).json()
    assert data["issuable"] == [{"type": "acceptance_notice", "name": "Acceptance notice"}]
    assert data["documents"][0]["status"] == "voided"


def test_issuing_from_the_record(api_as, petition, intake_a):
    response = api_as(intake_a).post(
        record_documents(petition), {"doc_type": "acceptance_notice"}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["doc_type"] == "acceptance_notice" and data["record"]["id"] == petition.pk
    assert data["number"].startswith("甲区分局受〔") and data["number"].endswith("00001号")
    assert data["values"]["addressee"] == "李四"
    assert AuditEvent.objects.filter(verb="issue_document", root_object_id=str(petition.pk)).count() == 1


def test_a_second_acceptance_notice_is_409(api_as, petition, intake_a, notice):
    response = api_as(intake_a).post(
        record_documents(petition), {"doc_type": "acceptance_notice"}, format="json"
    )
    assert response.status_code == 409
    assert "has already been issued" in response.json()["detail"]
    assert Document.objects.of(petition).count() == 1


def test_issuing_at_the_wrong_step_is_409_with_the_steps_words_and_nothing_created(
    api_as, district_a, category, intake_a
):
    received = ComplaintFactory(
        unit=district_a, category=category, channel=Channel.PETITION, status=S.RECEIVED
    )
    response = api_as(intake_a).post(
        record_documents(received), {"doc_type": "acceptance_notice"}, format="json"
    )
    assert response.status_code == 409
    assert response.json()["detail"].startswith("An acceptance notice is issued for a petition")
    refusal = api_as(intake_a).post(record_documents(received), {"doc_type": "refusal_notice"}, format="json")
    assert refusal.status_code == 409 and "once the complaint has been rejected" in refusal.json()["detail"]
    assert not Document.objects.exists() and not NumberCounter.objects.exists()
    assert not AuditEvent.objects.filter(verb="issue_document").exists()


@pytest.mark.parametrize("doc_type", ["nonsense", "penalty_decision", ""])
def test_issuing_an_unknown_type_is_400(api_as, petition, intake_a, doc_type):
    response = api_as(intake_a).post(record_documents(petition), {"doc_type": doc_type}, format="json")
    assert response.status_code == 400 and "doc_type" in response.json()
    assert not Document.objects.exists()


def test_issuing_out_of_scope_is_404(api_as, petition, intake_b):
    assert api_as(intake_b).get(record_documents(petition)).status_code == 404
    response = api_as(intake_b).post(
        record_documents(petition), {"doc_type": "acceptance_notice"}, format="json"
    )
    assert response.status_code == 404
    assert not Document.objects.exists()


def test_issuing_by_a_role_that_may_not_is_403(api_as, petition, district_officer_a):
    response = api_as(district_officer_a).post(
        record_documents(petition), {"doc_type": "acceptance_notice"}, format="json"
    )
    assert response.status_code == 403
    assert response.json()["detail"] == "Your role does not allow issuing “Acceptance notice”."
    assert not Document.objects.exists()


# --- numbering patterns -----------------------------------------------------------------------------------------
def test_a_city_administrator_sets_the_city_default(api_as, city_admin, city):
    response = api_as(city_admin).post(
        PATTERNS, {"pattern": "{unit}{word}字〔{year}〕第{serial}号", "serial_digits": 4}, format="json"
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["unit"] is None and "serial" not in data
    assert data["example"] == f"{city.name}罚字〔{timezone.localdate().year}〕第0123号"


def test_a_pattern_without_the_serial_is_400_naming_the_rule(api_as, city_admin, district_a):
    response = api_as(city_admin).post(
        PATTERNS, {"unit": district_a.pk, "pattern": "{unit}{word}〔{year}〕号"}, format="json"
    )
    assert response.status_code == 400
    assert "needs the serial number, written {serial}" in response.json()["pattern"][0]
    assert not NumberingPattern.objects.exists()


def test_a_district_administrator_sets_the_patterns_of_the_district_only(
    api_as, admin_a, district_a, district_b, intake_a, petition
):
    client = api_as(admin_a)
    mine = client.post(
        PATTERNS,
        {
            "unit": district_a.pk,
            "doc_type": "acceptance_notice",
            "pattern": "甲城管{word}〔{year}〕{serial}号",
            "serial_digits": 3,
        },
        format="json",
    )
    assert mine.status_code == 201, mine.json()
    assert mine.json()["example"] == f"甲城管受〔{timezone.localdate().year}〕123号"
    assert (
        client.post(PATTERNS, {"unit": district_b.pk, "pattern": "{serial}"}, format="json").status_code
        == 400
    )
    city_default = client.post(PATTERNS, {"pattern": "{unit}〔{year}〕{serial}"}, format="json")
    assert city_default.status_code == 403 and "city administrator" in city_default.json()["detail"]
    assert NumberingPattern.objects.count() == 1
    duplicate = client.post(
        PATTERNS,
        {"unit": district_a.pk, "doc_type": "acceptance_notice", "pattern": "〔{year}〕{serial}"},
        format="json",
    )
    assert (
        duplicate.status_code == 400 and "already has a numbering pattern" in duplicate.json()["doc_type"][0]
    )
    # The pattern numbers what is issued next.
    issued = api_as(intake_a).post(
        record_documents(petition), {"doc_type": "acceptance_notice"}, format="json"
    )
    assert issued.json()["number"] == f"甲城管受〔{timezone.localdate().year}〕001号"


def test_pattern_writes_for_others_are_refused(
    api_as, admin_a, city_admin, intake_a, district_a, make_user, district_b
):
    city_default = NumberingPattern.objects.create(pattern="{unit}{word}〔{year}〕{serial}号")
    theirs = NumberingPattern.objects.create(unit=district_b, pattern="乙{word}{serial}")
    mine = NumberingPattern.objects.create(unit=district_a, pattern="甲{word}{serial}")
    assert (
        api_as(intake_a)
        .post(PATTERNS, {"unit": district_a.pk, "pattern": "{serial}"}, format="json")
        .status_code
        == 403
    )
    assert (
        api_as(intake_a)
        .patch(reverse("api:numberingpattern-detail", args=[mine.pk]), {"pattern": "{serial}"}, format="json")
        .status_code
        == 403
    )
    patch = api_as(admin_a).patch(
        reverse("api:numberingpattern-detail", args=[city_default.pk]), {"pattern": "{serial}"}, format="json"
    )
    assert patch.status_code == 403
    assert (
        api_as(admin_a)
        .patch(
            reverse("api:numberingpattern-detail", args=[theirs.pk]), {"pattern": "{serial}"}, format="json"
        )
        .status_code
        == 404
    )
    moved = api_as(admin_a).patch(
        reverse("api:numberingpattern-detail", args=[mine.pk]), {"unit": None}, format="json"
    )
    assert moved.status_code == 403  # to the city's default: not a district's to set
    assert NumberingPattern.objects.get(pk=city_default.pk).pattern == "{unit}{word}〔{year}〕{serial}号"
    assert NumberingPattern.objects.get(pk=mine.pk).unit_id == district_a.pk
    # Reads: the city's defaults and the district's own, not another district's.
    seen = {row["id"] for row in api_as(intake_a).get(PATTERNS).json()["results"]}
    assert seen == {city_default.pk, mine.pk}
    assert {row["id"] for row in api_as(city_admin).get(PATTERNS).json()["results"]} == {
        city_default.pk,
        theirs.pk,
        mine.pk,
    }


def test_an_administrator_edits_and_removes_a_pattern(api_as, admin_a, district_a):
    pattern = NumberingPattern.objects.create(unit=district_a, pattern="甲{word}{serial}")
    detail = reverse("api:numberingpattern-detail", args=[pattern.pk])
    response = api_as(admin_a).patch(
        detail, {"pattern": "甲城管{word}〔{year}〕{serial}号", "serial": 9}, format="json"
    )
    assert response.status_code == 200, response.json()
    assert response.json()["pattern"] == "甲城管{word}〔{year}〕{serial}号"
    assert not NumberCounter.objects.exists()  # serials are never set here
    assert api_as(admin_a).patch(detail, {"pattern": "甲{word}"}, format="json").status_code == 400
    assert api_as(admin_a).delete(detail).status_code == 204
    assert not NumberingPattern.objects.exists()
    assert AuditEvent.objects.filter(object_id=str(pattern.pk), action="delete").count() == 1
