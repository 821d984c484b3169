"""The browser pages of cases: the on-the-spot decision in one screen (and its refusals with the article), a
lead (also from a complaint), the case page with its approval chain, actions and evidence, the scope (404),
the party register's masking, and the list's filters and query count."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from complaints.tests.factories import ComplaintFactory
from enforcement.documents.models import Document

from .. import services
from ..choices import CaseStatus, Procedure
from ..models import Case, CaseEvidence, Party
from .conftest import JPEG
from .factories import CaseFactory, PartyFactory

S = CaseStatus
LIST = reverse("cases:list")
ON_THE_SPOT = reverse("cases:on-the-spot")
NEW_LEAD = reverse("cases:create")
ID_NUMBER = "11010519491231002X"  # a valid resident ID number (GB 11643-1999 check digit)
CREDIT_CODE = "91350100M000100Y43"  # a valid unified social credit code (GB 32100-2015)


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the tests read English
    client.force_login(user)
    return client


@pytest.fixture
def people(make_user, district_a, district_b):
    return {
        "officer": make_user("officer", unit=district_a, username="officer1", full_name="张三"),
        "officer2": make_user("officer", unit=district_a, username="officer2", full_name="李四"),
        "leader": make_user("squad_leader", unit=district_a, username="leader", full_name="王队"),
        "head": make_user("bureau_head", unit=district_a, username="head", full_name="局长"),
        "intake": make_user("intake", unit=district_a, username="intake", full_name="受理员"),
        "other": make_user("officer", unit=district_b, username="officer-b", full_name="乙区队员"),
    }


def spot_data(category, **kw):
    data = {
        "party_type": "individual",
        "party_name": "陈小明",
        "party_id_number": ID_NUMBER,
        "party_phone": "13812345678",
        "party_address": "禅城区人民路1号",
        "category": category.pk,
        "address": "祖庙路与人民路交界",
        "lat": "23.020000",
        "lng": "113.120000",
        "act_date": timezone.localdate().isoformat(),
        "facts": "占用城市道路摆卖水果",
        "legal_basis": "",
        "penalty_basis": "",
        "penalty_kinds": ["fine"],
        "fine": "100",
        "correction_order": "立即停止占道经营",
        "paid_on_spot": "on",
        "receipt_no": "NO.0001234",
    }
    data.update(kw)
    return data


def lead(people, category, **kw):
    fields = {
        "by": people["officer"],
        "party": PartyFactory(created_by=people["officer"]),
        "category": category,
        "facts": "占道摆卖",
        "address": "祖庙路",
        "act_date": timezone.localdate() - timedelta(days=2),
    }
    fields.update(kw)
    return services.open_lead(**fields)


def action_url(case, slug):
    return reverse("cases:action", args=[case.pk, slug])


def photo(name="现场.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


# --- on the spot (简易程序) ------------------------------------------------------------------------------
def test_on_the_spot_form_decides_issues_the_numbered_decision_and_links_its_print_view(people, category):
    client = browser(people["officer"])
    page = client.get(ON_THE_SPOT)
    assert page.status_code == 200
    assert f'value="{category.pk}"' in page.content.decode()
    assert category.legal_basis in page.content.decode()  # carried for the form to prefill
    response = client.post(ON_THE_SPOT, spot_data(category))
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.procedure, case.status, case.fine_decided) == (Procedure.SIMPLE, S.DECIDED, Decimal("100"))
    assert case.paid_on_spot and case.receipt_no == "NO.0001234"
    assert case.legal_basis == category.legal_basis  # empty on the form: the category's
    assert case.party.id_number == ID_NUMBER and case.party.name == "陈小明"
    decision = Document.objects.of(case).get(doc_type="on_the_spot_decision")
    assert decision.number
    page = client.get(case.get_absolute_url()).content.decode()
    print_url = reverse("documents:print", args=[decision.pk])
    assert f'href="{print_url}"' in page and 'id="print-decision"' in page
    assert decision.number in page


def test_on_the_spot_finds_the_registered_party_by_its_id_number(people, category):
    known = PartyFactory(id_number=ID_NUMBER, name="陈小明", created_by=people["officer"])
    client = browser(people["officer"])
    client.post(ON_THE_SPOT, spot_data(category, party_name="陈小明"))
    assert Case.objects.get().party == known and Party.objects.count() == 1


def test_on_the_spot_over_the_art_51_ceiling_is_refused_on_the_form_with_the_inputs_kept(people, category):
    client = browser(people["officer"])
    response = client.post(ON_THE_SPOT, spot_data(category, fine="200.01", paid_on_spot="", receipt_no=""))
    assert response.status_code == 400
    page = response.content.decode()
    fine_error = re.search(r'id="id_fine_error">(.*?)</div>\s*</div>', page, re.S).group(1)
    assert "Art. 51" in fine_error and "200.01" in fine_error and "general procedure" in fine_error
    # Nothing saved (not even the new party), everything typed still there.
    assert not Case.objects.exists() and not Party.objects.exists()
    assert 'value="200.01"' in page and "占用城市道路摆卖水果" in page and 'value="陈小明"' in page
    assert f'value="{ID_NUMBER}"' in page and 'value="祖庙路与人民路交界"' in page


def test_on_the_spot_refuses_a_category_not_eligible_and_keeps_the_chosen_party(
    people, category, general_category
):
    party = PartyFactory(created_by=people["officer"], name="林某")
    client = browser(people["officer"])
    data = spot_data(
        general_category, party=party.pk, penalty_kinds=["warning"], fine="", paid_on_spot="", receipt_no=""
    )
    response = client.post(ON_THE_SPOT, data)
    assert response.status_code == 400
    page = response.content.decode()
    assert "may not be decided on the spot" in page and "Art. 51" in page
    assert "林某" in page and f'name="party" value="{party.pk}"' in page
    assert not Case.objects.exists()
    # The page offers only the categories the simple procedure may be used in.
    assert f'<option value="{general_category.pk}"' not in client.get(ON_THE_SPOT).content.decode()


def test_on_the_spot_refuses_an_invalid_id_number_on_its_field(people, category):
    response = browser(people["officer"]).post(
        ON_THE_SPOT, spot_data(category, party_id_number="110105194912310021")
    )
    assert response.status_code == 400
    error = re.search(r'id="id_party_id_number_error">(.*?)</div>\s*</div>', response.content.decode(), re.S)
    assert error and "GB 11643-1999" in error.group(1)
    assert not Case.objects.exists() and not Party.objects.exists()


def test_on_the_spot_by_an_officer_without_a_valid_certificate_is_refused_with_the_article(
    make_user, district_a, category
):
    expired = make_user(
        "officer", unit=district_a, certificate_expires=timezone.localdate() - timedelta(days=1)
    )
    response = browser(expired).post(ON_THE_SPOT, spot_data(category))
    assert response.status_code == 400
    assert (
        "no valid enforcement certificate" in response.content.decode()
        and "Art. 42" in response.content.decode()
    )
    assert not Case.objects.exists() and not Party.objects.exists()


def test_on_the_spot_is_not_offered_to_the_intake_desk(people):
    assert browser(people["intake"]).get(ON_THE_SPOT).status_code == 403


# --- a lead (一般程序) -----------------------------------------------------------------------------------
def test_lead_form_opens_a_lead_for_a_new_organisation(people, general_category):
    client = browser(people["officer"])
    assert client.get(NEW_LEAD).status_code == 200
    response = client.post(
        NEW_LEAD,
        {
            "party_type": "organisation",
            "party_name": "某某建设有限公司",
            "party_credit_code": CREDIT_CODE,
            "party_legal_representative": "王五",
            "category": general_category.pk,
            "address": "季华路88号",
            "act_date": (timezone.localdate() - timedelta(days=10)).isoformat(),
            "act_continuing": "on",
            "facts": "未经批准搭建钢结构棚",
            "is_complex": "on",
        },
    )
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert (case.procedure, case.status) == (Procedure.GENERAL, S.LEAD)
    assert case.is_complex and case.act_continuing and not case.major_public_interest
    assert case.party.credit_code == CREDIT_CODE and case.party.legal_representative == "王五"
    assert case.filing_due_at is not None and case.handler == people["officer"]


def test_lead_from_a_complaint_is_prefilled_and_linked(people, category, district_a):
    complaint = ComplaintFactory(
        unit=district_a, category=category, description="店外长期占道经营", address="人民路3号"
    )
    client = browser(people["officer"])
    page = client.get(NEW_LEAD, {"complaint": complaint.pk}).content.decode()
    assert "店外长期占道经营" in page and 'value="人民路3号"' in page and complaint.number in page
    party = PartyFactory(created_by=people["officer"])
    response = client.post(
        f"{NEW_LEAD}?complaint={complaint.pk}",
        {
            "complaint": complaint.pk,
            "party": party.pk,
            "category": category.pk,
            "address": "人民路3号",
            "act_date": timezone.localdate().isoformat(),
            "facts": "店外长期占道经营",
        },
    )
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.complaint == complaint and case.party == party
    detail = client.get(case.get_absolute_url()).content.decode()
    assert complaint.get_absolute_url() in detail


def test_a_complaint_out_of_scope_cannot_seed_a_case(people, category, district_b):
    complaint = ComplaintFactory(unit=district_b, category=category)
    assert browser(people["officer"]).get(NEW_LEAD, {"complaint": complaint.pk}).status_code == 404


# --- the case page ---------------------------------------------------------------------------------------
def test_detail_shows_the_approval_chain_with_a_rejection_and_the_actions(people, category):
    case = lead(people, category)
    case = services.request_filing(case, by=people["officer"], reason="证据初步确凿")
    client = browser(people["leader"])
    page = client.get(case.get_absolute_url()).content.decode()
    assert "Case filing" in page and "证据初步确凿" in page
    assert 'data-action="decide_filing"' in page and 'data-action="not_file"' in page
    response = client.post(
        action_url(case, "decide_filing"),
        {"decide_filing-decision": "rejected", "decide_filing-opinion": "请补充现场照片"},
    )
    assert response.status_code == 302
    page = client.get(case.get_absolute_url()).content.decode()
    opinion = re.search(r'<div class="alert alert-danger[^"]*approval-opinion"[^>]*>(.*?)</div>', page, re.S)
    assert opinion and "请补充现场照片" in opinion.group(1)
    assert "Rejected" in page
    # The officer, not a supervisor, sees their own next step and no decision form.
    officer_page = browser(people["officer"]).get(case.get_absolute_url()).content.decode()
    assert (
        'data-action="request_filing"' in officer_page and 'data-action="decide_filing"' not in officer_page
    )


def test_an_action_posted_moves_the_status(people, category):
    case = services.request_filing(lead(people, category), by=people["officer"], reason="立案")
    response = browser(people["leader"]).post(
        action_url(case, "decide_filing"),
        {
            "decide_filing-decision": "approved",
            "decide_filing-opinion": "同意立案",
            "decide_filing-version": case.version,
        },
    )
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    case.refresh_from_db()
    assert case.status == S.FILED and case.decision_due_at is not None


def test_an_action_the_role_may_not_take_is_refused_on_the_case_page(people, category):
    case = services.request_filing(lead(people, category), by=people["officer"], reason="立案")
    response = browser(people["officer"]).post(
        action_url(case, "decide_filing"), {"decide_filing-decision": "approved"}
    )
    assert response.status_code == 403
    page = response.content.decode()
    assert case.number in page and 'class="alert alert-danger' in page
    case.refresh_from_db()
    assert case.status == S.LEAD


def test_an_action_missing_its_input_comes_back_with_the_error(people, category):
    case = lead(people, category)
    response = browser(people["officer"]).post(
        action_url(case, "request_filing"), {"request_filing-reason": ""}
    )
    assert response.status_code == 400
    assert 'data-action="request_filing" open' in response.content.decode()
    case.refresh_from_db()
    assert case.status == S.LEAD and not case.approvals.exists()


def test_evidence_is_added_listed_and_downloaded(people, category):
    case = lead(people, category)
    client = browser(people["officer"])
    response = client.post(
        reverse("cases:evidence-add", args=[case.pk]),
        {
            "evidence_type": "photo",
            "description": "现场摆卖照片",
            "captured_at": (timezone.localtime() - timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M"),
            "file": photo(),
        },
    )
    assert response.status_code == 302
    item = CaseEvidence.objects.get(case=case)
    assert (item.evidence_type, item.description, item.kind) == ("photo", "现场摆卖照片", "photo")
    assert item.captured_at is not None and not item.after_decision
    page = client.get(case.get_absolute_url()).content.decode()
    assert item.get_download_url() in page and "现场摆卖照片" in page
    download = client.get(item.get_download_url())
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == JPEG


def test_evidence_form_needs_a_file(people, category):
    case = lead(people, category)
    response = browser(people["officer"]).post(
        reverse("cases:evidence-add", args=[case.pk]), {"evidence_type": "photo"}
    )
    assert response.status_code == 400 and not CaseEvidence.objects.exists()


def test_out_of_scope_reads_as_missing_on_detail_action_and_evidence(people, category):
    case = lead(people, category)
    item = services.add_evidence(case, photo(), by=people["officer"], evidence_type="photo")
    other = browser(people["other"])
    assert other.get(case.get_absolute_url()).status_code == 404
    assert other.post(action_url(case, "request_filing"), {"request_filing-reason": "x"}).status_code == 404
    assert other.get(item.get_download_url()).status_code == 404
    assert (
        other.post(
            reverse("cases:evidence-add", args=[case.pk]), {"evidence_type": "photo", "file": photo()}
        ).status_code
        == 404
    )
    case.refresh_from_db()
    assert case.status == S.LEAD and CaseEvidence.objects.count() == 1


# --- parties ---------------------------------------------------------------------------------------------
def test_party_page_masks_the_id_number_for_intake_and_shows_it_to_case_roles(people, category, district_a):
    party = PartyFactory(id_number=ID_NUMBER, name="陈小明", created_by=people["officer"])
    CaseFactory(party=party, unit=district_a, category=category, registered_by=people["officer"])
    url = party.get_absolute_url()
    intake_page = browser(people["intake"]).get(url).content.decode()
    assert party.masked_id_number in intake_page and ID_NUMBER not in intake_page
    officer_page = browser(people["officer"]).get(url).content.decode()
    assert ID_NUMBER in officer_page
    search = browser(people["intake"]).get(reverse("cases:parties"), {"q": ID_NUMBER}).content.decode()
    assert f'data-id="{party.pk}"' in search and ID_NUMBER not in search.split("<table", 1)[1]


def test_party_page_counts_earlier_decided_cases_city_wide_without_showing_them(
    people, category, district_a, district_b
):
    party = PartyFactory(created_by=people["officer"])
    client = browser(people["officer"])
    assert "first violation" in client.get(party.get_absolute_url()).content.decode()
    decided = timezone.now() - timedelta(days=30)
    theirs = [
        CaseFactory(
            party=party,
            unit=district_b,
            category=category,
            registered_by=people["other"],
            status=S.CLOSED,
            decided_at=decided,
        )
        for _ in range(2)
    ]
    CaseFactory(party=party, unit=district_b, category=category, status=S.LEAD)  # not decided: not counted
    page = client.get(party.get_absolute_url()).content.decode()
    # District B's decisions make the party a repeat offender here too, but its cases stay in district B.
    assert "first violation" not in page
    assert "Repeat offender: 2 earlier decided cases (0 in your units)" in page
    assert not any(case.number in page for case in theirs)
    mine = [
        CaseFactory(party=party, unit=district_a, category=category, status=S.DECIDED, decided_at=decided),
        CaseFactory(party=party, unit=district_a, category=category, status=S.INVESTIGATING),
    ]
    page = client.get(party.get_absolute_url()).content.decode()
    assert "Repeat offender: 3 earlier decided cases (1 in your units)" in page
    assert all(case.number in page for case in mine)


def test_party_search_lists_id_numbers_masked_even_for_case_roles(people, category, district_a):
    party = PartyFactory(id_number=ID_NUMBER, name="陈小明", created_by=people["officer"])
    CaseFactory(party=party, unit=district_a, category=category)
    for user in (people["officer"], people["leader"], people["head"]):
        page = browser(user).get(reverse("cases:parties"), {"q": "陈小"}).content.decode()
        table = page.split("<table", 1)[1]
        assert f'data-id="{party.pk}"' in table and party.masked_id_number in table
        assert ID_NUMBER not in table


def test_party_page_shows_the_full_id_number_only_to_who_sees_one_of_their_cases(
    people, category, district_a, district_b
):
    party = PartyFactory(id_number=ID_NUMBER, created_by=people["other"])
    CaseFactory(party=party, unit=district_b, category=category)
    url = party.get_absolute_url()
    for user in (people["officer"], people["leader"]):  # case roles of district A: none of the party's cases
        page = browser(user).get(url).content.decode()
        assert ID_NUMBER not in page and party.masked_id_number in page and "masked" in page
    assert ID_NUMBER in browser(people["other"]).get(url).content.decode()  # district B's officer
    registered = PartyFactory(id_number="110105194912310037", created_by=people["officer"])
    assert (
        "110105194912310037" in browser(people["officer"]).get(registered.get_absolute_url()).content.decode()
    )
    CaseFactory(party=party, unit=district_a, category=category)
    assert ID_NUMBER in browser(people["leader"]).get(url).content.decode()


def test_party_lookup_answers_json_with_masked_identifiers(people):
    party = PartyFactory(id_number=ID_NUMBER, name="陈小明", created_by=people["officer"])
    PartyFactory(name="王大锤", created_by=people["officer"])
    client = browser(people["officer"])
    url = reverse("cases:party-lookup")
    results = client.get(url, {"q": ID_NUMBER.lower()}).json()["results"]
    assert [r["id"] for r in results] == [party.pk] and results[0]["identifier"] == party.masked_id_number
    assert [r["name"] for r in client.get(url, {"q": "陈小"}).json()["results"]] == ["陈小明"]
    assert client.get(url, {"q": "陈"}).json() == {"results": []}  # one character is not searched


# --- the list --------------------------------------------------------------------------------------------
def test_list_filters_by_procedure_and_status(people, category, district_a, district_b):
    simple = CaseFactory(unit=district_a, category=category, procedure=Procedure.SIMPLE, status=S.DECIDED)
    general = CaseFactory(unit=district_a, category=category, procedure=Procedure.GENERAL, status=S.LEAD)
    CaseFactory(unit=district_a, category=category, procedure=Procedure.GENERAL, status=S.FILED)
    CaseFactory(unit=district_b, category=category, procedure=Procedure.SIMPLE, status=S.DECIDED)
    client = browser(people["officer"])

    def ids(params):
        return set(
            re.findall(
                r'<tr class="case-row[^"]*" data-id="(\d+)"', client.get(LIST, params).content.decode()
            )
        )

    assert ids({"procedure": "simple"}) == {str(simple.pk)}
    assert ids({"procedure": "general", "status": "lead"}) == {str(general.pk)}
    assert len(ids({})) == 3  # district B's case is out of scope


def test_list_masks_the_party_and_shows_the_columns(people, category, district_a):
    party = PartyFactory(id_number=ID_NUMBER, name="陈小明", created_by=people["officer"])
    case = CaseFactory(
        unit=district_a,
        category=category,
        party=party,
        handler=people["officer"],
        fine_decided=Decimal("150"),
    )
    Case.objects.filter(pk=case.pk).update(due_at=timezone.now() - timedelta(hours=1))
    page = browser(people["leader"]).get(LIST).content.decode()
    assert party.masked_id_number in page and ID_NUMBER not in page
    assert case.number in page and "150.00" in page and "张三" in page and "text-bg-danger" in page
    assert 'href="/cases/export.csv?' in page


def test_list_query_count_is_constant(people, category, district_a, squad_a, django_assert_max_num_queries):
    client = browser(people["leader"])
    client.get(LIST)  # fills the cached filter choices
    counts = []
    for extra in (3, 40):
        for _ in range(extra):
            CaseFactory(unit=squad_a, category=category, handler=people["officer"])
        with django_assert_max_num_queries(10) as ctx:
            assert client.get(LIST, {"procedure": "general", "status": "lead"}).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts[0] == counts[1], counts


def test_list_search_by_a_common_name_finds_every_party_s_cases(people, category, district_a):
    # More parties share the beginning of the name than any fixed cut of the register would keep.
    Party.objects.bulk_create(
        Party(party_type="individual", name=f"王某{n:03d}", created_by=people["officer"]) for n in range(250)
    )
    last = Party.objects.get(name="王某249")
    case = CaseFactory(unit=district_a, category=category, party=last)
    page = browser(people["officer"]).get(LIST, {"q": "王某"}).content.decode()
    assert f'data-id="{case.pk}"' in page
    phone = PartyFactory(phone="13712345678", created_by=people["officer"])  # the register's own search
    by_phone = CaseFactory(unit=district_a, category=category, party=phone)
    page = browser(people["officer"]).get(LIST, {"q": "13712345678"}).content.decode()
    assert f'data-id="{by_phone.pk}"' in page and f'data-id="{case.pk}"' not in page


def test_the_lists_share_the_platform_query_string_filter(people, rf):
    from complaints.filtersets import ComplaintFilterSet
    from complaints.models import Complaint
    from enforcement.filters import filter_list, query_without

    from ..filtersets import CaseFilterSet

    request = rf.get(LIST, {"procedure": "", "status": ["", "lead"], "cursor": "abc"})
    request.user = people["officer"]
    filterset, rows = filter_list(CaseFilterSet, request, Case.objects.all())
    assert filterset.is_valid() and dict(filterset.data.lists()) == {"status": ["lead"], "cursor": ["abc"]}
    assert query_without(request.GET, "cursor") == "procedure=&status=&status=lead"
    request = rf.get("/complaints/", {"unit": "not-a-number"})
    request.user = people["officer"]
    filterset, rows = filter_list(ComplaintFilterSet, request, Complaint.objects.all())
    assert not filterset.is_valid() and "unit" in filterset.errors and rows.query.is_empty()


def test_export_downloads_the_filtered_cases(people, category, district_a):
    simple = CaseFactory(unit=district_a, category=category, procedure=Procedure.SIMPLE, status=S.DECIDED)
    CaseFactory(unit=district_a, category=category, procedure=Procedure.GENERAL)
    response = browser(people["officer"]).get(reverse("cases:export"), {"procedure": "simple"})
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert simple.number in body and len(body.strip().splitlines()) == 2


def test_an_export_of_more_cases_than_a_file_holds_is_refused_with_the_list_kept(
    monkeypatch, people, category, district_a
):
    from .. import exports

    monkeypatch.setattr(exports, "EXPORT_MAX_ROWS", 2)
    CaseFactory.create_batch(2, unit=district_a, category=category, procedure=Procedure.SIMPLE)
    client = browser(people["officer"])
    kept = client.get(reverse("cases:export"), {"procedure": "simple"})
    assert len(b"".join(kept.streaming_content).decode("utf-8-sig").strip().splitlines()) == 1 + 2  # the cap

    CaseFactory(unit=district_a, category=category, procedure=Procedure.SIMPLE)
    refused = client.get(reverse("cases:export"), {"procedure": "simple"})
    assert refused.status_code == 302 and refused["Location"] == f"{LIST}?procedure=simple"
    page = client.get(refused["Location"]).content.decode()
    assert (
        "More than 2 cases match: narrow the list (for example by the dates registered) and export again."
        in page
    )


# --- from a complaint ------------------------------------------------------------------------------------
def test_complaint_page_offers_open_a_case_and_lists_the_cases_it_spawned(people, category, district_a):
    complaint = ComplaintFactory(unit=district_a, category=category)
    client = browser(people["officer"])
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert "Open a case" in page and f"{NEW_LEAD}?complaint={complaint.pk}" in page
    assert f"{ON_THE_SPOT}?complaint={complaint.pk}" in page
    case = lead(people, category, complaint=complaint)
    page = client.get(complaint.get_absolute_url()).content.decode()
    assert case.get_absolute_url() in page and case.number in page
    assert "Open a case" not in browser(people["intake"]).get(complaint.get_absolute_url()).content.decode()


def test_cases_navigation_is_for_case_roles(people):
    assert LIST in [item["url"] for item in browser(people["officer"]).get(LIST).context["nav_items"]]
    intake_nav = browser(people["intake"]).get(reverse("home")).context["nav_items"]
    assert LIST not in [item["url"] for item in intake_nav]


# --- the work queue --------------------------------------------------------------------------------------
def test_work_queue_filters_by_step_before_it_is_cut_to_length(people, category, district_a):
    from enforcement.org.workqueue import MAX_ITEMS_PER_PROVIDER

    from ..workqueue import cases_waiting

    officer, party = people["officer"], PartyFactory(created_by=people["officer"])
    soon = timezone.now() + timedelta(days=1)
    for _ in range(MAX_ITEMS_PER_PROVIDER * 2 + 5):  # more than the queue reads, all due earlier
        CaseFactory(
            unit=district_a,
            category=category,
            party=party,
            handler=officer,
            status=S.INVESTIGATING,
            due_at=soon,
        )
    later = soon + timedelta(days=5)
    notified = CaseFactory(
        unit=district_a, category=category, party=party, handler=officer, status=S.NOTIFIED, due_at=later
    )
    simple = CaseFactory(
        unit=district_a,
        category=category,
        party=party,
        handler=officer,
        status=S.DECIDED,
        procedure=Procedure.SIMPLE,
        due_at=later,
    )
    general = CaseFactory(
        unit=district_a, category=category, party=party, handler=officer, status=S.DECIDED, due_at=later
    )

    def urls(step):
        items = cases_waiting(officer, step=step)
        assert {item.step for item in items} <= {step}
        return [item.url for item in items]

    assert urls("case_notified") == [notified.get_absolute_url()]
    assert urls("case_file_with_bureau") == [simple.get_absolute_url()]
    assert urls("case_serve") == [general.get_absolute_url()]
    assert len(urls("case_investigate")) == MAX_ITEMS_PER_PROVIDER
    assert urls("no_such_step") == []
