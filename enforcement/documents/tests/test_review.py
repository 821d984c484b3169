"""Review of issue 10 (documents): regression tests of the fixes.

- The document page showed whom a paper was served on, where, the witness and the note to those who may not
  read the paper (a notice naming the complainant, 举报人保密); the API already gave them null.
- A voided document's reason, voider and moment, and a stored PDF's file, could be changed by a save.
- The services named the roles of each act again instead of asking permissions.act_roles, as the pages do.
- A number longer than the register's column was a database error (500 on PostgreSQL); now refused in words.
- A moment of service in year 1 was a 500 in the API (PlausibleDateTimeField); now 400 in words.
"""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.utils import timezone

from complaints.tests.factories import ComplaintFactory
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents import services
from enforcement.documents.models import (
    Document,
    DocumentFrozen,
    NumberCounter,
    NumberingPattern,
    ServiceRecord,
)
from enforcement.documents.permissions import ACTS, allowed_acts
from enforcement.documents.services import ensure_pdf, issue_document, record_service, void_document
from enforcement.workflow.exceptions import TransitionNotAllowed

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


@pytest.fixture
def petition(squad_a):
    return ComplaintFactory(
        unit=squad_a,
        category=ViolationCategoryFactory(),
        channel="visit",
        status="accepted",
        accepted_at=timezone.now(),
        complainant_name="陈小明",
    )


@pytest.fixture
def rejected(district_a):
    return ComplaintFactory(unit=district_a, status="rejected", reject_reason="不属于城管执法职责范围")


def test_whom_and_where_a_paper_was_served_only_for_those_who_read_it(intake_a, officer_a, petition):
    document = issue_document(petition, "acceptance_notice", by=intake_a)
    record_service(
        document,
        by=intake_a,
        method="in_person",
        recipient="陈小明",
        relation="本人",
        address="中山路1号",
        note="当面交付",
    )

    officer_page = browser(officer_a).get(document.get_absolute_url())
    assert officer_page.status_code == 200
    content = officer_page.content.decode()
    assert "In person" in content and document.number in content  # that it was served, and how
    for private in ("陈小明", "本人", "中山路1号", "当面交付"):
        assert private not in content, private

    intake_page = browser(intake_a).get(document.get_absolute_url()).content.decode()
    assert "陈小明" in intake_page and "中山路1号" in intake_page and "当面交付" in intake_page


def test_a_voided_documents_reason_and_a_stored_pdf_stay_as_they_were(intake_a, leader_a, rejected):
    document = issue_document(rejected, "refusal_notice", by=intake_a)
    ensure_pdf(document.pk)
    document = void_document(document, by=leader_a, reason="送达对象错误")

    for name, value in (
        ("void_reason", "另一个理由"),
        ("voided_by", intake_a),
        ("voided_at", timezone.now()),
    ):
        stored = Document.objects.get(pk=document.pk)
        setattr(stored, name, value)
        with pytest.raises(DocumentFrozen):
            stored.save()
    stored = Document.objects.get(pk=document.pk)
    stored.pdf.name = "documents/elsewhere.pdf"
    with pytest.raises(DocumentFrozen):
        stored.save()
    stored = Document.objects.get(pk=document.pk)
    assert (stored.void_reason, stored.voided_by, stored.pdf.name) == (
        "送达对象错误",
        leader_a,
        document.pdf.name,
    )


def _try(act, document, user):
    try:
        if act == "correct":
            services.correct_document(document, by=user, reason="更正")
        elif act == "void":
            services.void_document(document, by=user, reason="作废")
        else:
            services.record_service(document, by=user, method="in_person", recipient="李四")
    except PermissionDenied:
        return False
    return True


@pytest.mark.parametrize("act", ACTS)
def test_what_a_page_offers_is_what_the_service_allows(
    act, intake_a, officer_a, leader_a, head_a, admin_a, make_user, district_a, squad_a
):
    rejected = ComplaintFactory(
        unit=squad_a, status="rejected", reject_reason="不属于城管执法职责范围"
    )  # all see it
    for user in (
        intake_a,
        officer_a,
        leader_a,
        head_a,
        admin_a,
        make_user("legal_reviewer", unit=district_a),
    ):
        document = issue_document(rejected, "refusal_notice", by=intake_a)
        offered = act in allowed_acts(document, user)
        assert _try(act, document, user) is offered, (act, user.username)
        for live in Document.objects.of(rejected).live():  # a "once" type: so that the next one may be issued
            void_document(live, by=leader_a, reason="重开")


def test_a_number_longer_than_the_register_holds_is_refused_in_words_and_leaves_no_gap(
    intake_a, district_a, rejected
):
    district_a.name = "某某市某某区城市管理和综合执法局某某街道综合执法中队"  # 26 characters
    district_a.save()
    pattern = NumberingPattern.objects.create(unit=district_a, pattern="{unit}" * 4 + "〔{year}〕{serial}号")
    with pytest.raises(TransitionNotAllowed) as refused:
        issue_document(rejected, "refusal_notice", by=intake_a)
    assert (
        "gives numbers longer than 100 characters: an administrator must shorten it" in refused.value.message
    )
    assert not Document.objects.exists()
    assert not NumberCounter.objects.filter(last__gt=0).exists()  # the rollback gave the serial back

    pattern.pattern = "{unit}〔{year}〕{serial}号"
    pattern.save()
    document = issue_document(rejected, "refusal_notice", by=intake_a)
    assert document.serial == 1 and document.number.startswith(district_a.name)


def test_a_moment_of_service_out_of_any_calendar_is_400_in_words(api_as, intake_a, rejected):
    document = issue_document(rejected, "refusal_notice", by=intake_a)
    response = api_as(intake_a).post(
        f"/api/v1/documents/{document.pk}/service/",
        {"method": "in_person", "recipient": "李四", "served_at": "0001-01-01 00:00"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json() == {"served_at": ["Give a date between 1950 and 2200."]}
    assert not ServiceRecord.objects.exists()


def test_service_rules_still_refuse_in_words(intake_a, rejected):
    document = issue_document(rejected, "refusal_notice", by=intake_a)
    with pytest.raises(ValidationError) as refused:
        record_service(document, by=intake_a, method="electronic", recipient="李四")
    assert "written consent" in " ".join(refused.value.messages)


def test_a_document_no_longer_in_force_is_refused_for_that_before_the_missing_reason(
    intake_a, leader_a, rejected
):
    """The order of the module's docstring, as voiding has it: the state (409) before the input (400)."""
    document = issue_document(rejected, "refusal_notice", by=intake_a)
    void_document(document, by=leader_a, reason="送错了人")
    with pytest.raises(TransitionNotAllowed) as refused:
        services.correct_document(document, by=intake_a, reason="")
    assert "Only a document in force can be corrected" in refused.value.message
    assert Document.objects.count() == 1


def test_a_number_already_given_is_never_given_again_even_by_a_pattern_that_cannot_tell_them_apart(
    intake_a, make_user, district_a, district_b
):
    """A city default without {unit} would number both districts' first notice alike: the second is refused in
    words, and its serial given back (a pattern without {year} would do the same every January)."""
    NumberingPattern.objects.create(pattern="城管{word}〔{year}〕{serial}号")
    intake_b = make_user("intake", unit=district_b, username="intake-b")
    first = issue_document(
        ComplaintFactory(unit=district_a, status="rejected", reject_reason="不属于职责范围"),
        "refusal_notice",
        by=intake_a,
    )
    other = ComplaintFactory(unit=district_b, status="rejected", reject_reason="不属于职责范围")
    with pytest.raises(TransitionNotAllowed) as refused:
        issue_document(other, "refusal_notice", by=intake_b)
    assert f"The number {first.number} has already been given to another document" in refused.value.message
    assert "乙区分局" in refused.value.message
    assert list(Document.objects.values_list("number", flat=True)) == [first.number]
    assert not NumberCounter.objects.filter(unit=district_b, last__gt=0).exists()  # given back

    NumberingPattern.objects.create(unit=district_b, pattern="{unit}{word}〔{year}〕{serial}号")
    assert issue_document(other, "refusal_notice", by=intake_b).serial == 1
