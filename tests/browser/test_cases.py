"""Cases in a real browser (issue 11): an officer decides a simple case on a phone, in one screen, and prints
the numbered on-the-spot decision; a fine over Art. 51's ceiling is refused on the form with everything typed
kept. A squad leader finds an officer's filing request in the approval inbox, opens the case from it and
approves the filing with an opinion; the case shows its new status and approval chain, and the inbox empties.
Nobody finds their own request in their inbox.

Selectors use ids, names, classes and data attributes. The browser asks for Chinese (like the bureaus' own);
the words a test reads on a page are worked out through the same translation catalogue, so the tests hold
whether a string has its Chinese yet or not."""

import re
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import timezone, translation
from playwright.sync_api import expect

from cases import services
from cases.approvals import FILING
from cases.choices import CaseStatus, Procedure
from cases.identity import id_number_check_char
from cases.models import Case, Party
from enforcement.approvals.choices import ApprovalDecision
from enforcement.catalog.params import reset_cache
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.documents.models import Document

from .conftest import log_in, screenshot
from .test_csp import watched

pytestmark = pytest.mark.browser

UI_LANGUAGE = "zh-hans"  # what a zh-CN browser is answered in
ARTICLE_51 = re.compile(r"Art\. 51|第五十一条|第51条")


def id_number(first17):
    """A resident ID number with its check character (GB 11643-1999)."""
    return first17 + id_number_check_char(first17)


def in_ui_language(text):
    with translation.override(UI_LANGUAGE):
        return str(text)


def no_horizontal_scroll(page):
    widths = page.evaluate(
        "() => ({scroll: document.scrollingElement.scrollWidth, inner: window.innerWidth})"
    )
    assert widths["scroll"] <= widths["inner"], widths


def expect_status(page, status):
    badge = page.locator(".case-status-badge").first
    expect(badge).to_have_attribute("data-status", status)
    expect(badge).to_have_text(in_ui_language(CaseStatus(status).label))


@pytest.fixture
def category(db):
    """Eligible for the simple procedure (Art. 51), with its provisions and fine range (as cases/tests)."""
    cache.clear()  # cached choices and parameters: ids differ per test
    reset_cache()
    yield ViolationCategoryFactory(
        code="C01",
        name="占道经营",
        name_en="Street vending",
        simple_procedure_allowed=True,
        legal_basis="《城市市容和环境卫生管理条例》第十四条",
        penalty_basis="《城市市容和环境卫生管理条例》第三十六条",
        fine_min_individual=Decimal("50"),
        fine_max_individual=Decimal("10000"),
        fine_min_organisation=Decimal("100"),
        fine_max_organisation=Decimal("100000"),
    )
    cache.clear()
    reset_cache()


@pytest.fixture
def people(make_user, district_a):
    expires = timezone.localdate() + timedelta(days=365)  # a valid enforcement certificate
    return {
        "officer": make_user(
            "officer", unit=district_a, username="officer-spot", full_name="张三", certificate_expires=expires
        ),
        "leader": make_user(
            "squad_leader",
            unit=district_a,
            username="leader-a1",
            full_name="王队长",
            certificate_expires=expires,
        ),
        "leader2": make_user(
            "squad_leader",
            unit=district_a,
            username="leader-a2",
            full_name="李队长",
            certificate_expires=expires,
        ),
    }


def fill_on_the_spot(page, category, *, name, id_no, fine, cash, receipt=""):
    page.select_option("#id_party_type", "individual")
    page.fill("#id_party_name", name)
    page.fill("#id_party_id_number", id_no)
    page.fill("#id_party_phone", "13812345678")
    page.select_option("#id_category", str(category.pk))
    # cases.js fills the provisions in from the chosen category
    expect(page.locator("#id_legal_basis")).to_have_value(category.legal_basis)
    expect(page.locator("#id_penalty_basis")).to_have_value(category.penalty_basis)
    page.fill("#id_address", "禅城区祖庙路与人民路交界")
    page.fill("#id_facts", "占用城市道路摆卖水果")
    expect(page.locator('input[name="penalty_kinds"][value="fine"]')).to_be_checked()
    page.fill("#id_fine", fine)
    page.fill("#id_correction_order", "立即停止占道经营，清理占用的道路")
    cash_fields = page.locator(".cash-fields")
    if cash:
        page.locator("#id_paid_on_spot").check()
        expect(cash_fields).to_be_visible()
        expect(page.locator("#id_receipt_no")).to_have_attribute("required", "")
        page.fill("#id_receipt_no", receipt)
    else:
        page.locator("#id_paid_on_spot").uncheck()
        expect(cash_fields).to_be_hidden()


def test_an_officer_decides_a_simple_case_on_a_phone_and_prints_the_decision(phone_page, people, category):
    page, problems = watched(phone_page)
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    log_in(page, people["officer"])
    page.goto("/cases/on-the-spot/")
    form = page.locator("#on-the-spot-form")
    expect(form).to_be_visible()
    no_horizontal_scroll(page)

    # Everything on one screen: party, place, facts, penalty, cash, one submit.
    number = id_number("44060419850312001")
    fill_on_the_spot(page, category, name="陈小明", id_no=number, fine="50", cash=True, receipt="粤财0012345")
    no_horizontal_scroll(page)  # with the cash fields shown
    screenshot(page, "case-on-the-spot-form")
    with page.expect_navigation():
        page.locator("#submit-on-the-spot").click()
    assert len(questions) == 1  # the confirm before the number is taken

    case = Case.objects.get()
    assert (case.procedure, case.status) == (Procedure.SIMPLE, CaseStatus.DECIDED)
    assert (case.fine_decided, case.paid_on_spot, case.receipt_no) == (Decimal("50"), True, "粤财0012345")
    assert (case.party.name, case.party.id_number, case.unit) == ("陈小明", number, people["officer"].unit)
    decision = Document.objects.of(case).get(doc_type="on_the_spot_decision")
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("h1.case-number")).to_have_text(case.number)
    expect_status(page, CaseStatus.DECIDED)
    expect(page.locator(".messages")).to_contain_text(decision.number)
    expect(page.locator(".case-facts")).to_have_text("占用城市道路摆卖水果")
    expect(page.locator(".case-deadlines")).to_contain_text("粤财0012345")
    link = page.locator("a#print-decision")
    expect(link).to_be_visible()
    expect(link).to_have_text(re.compile(re.escape(in_ui_language("Print the decision")) + "|打印"))
    no_horizontal_scroll(page)
    screenshot(page, "case-on-the-spot-decided")

    with page.context.expect_page() as opened:
        link.click()
    paper = opened.value
    paper.wait_for_load_state()
    expect(paper).to_have_url(re.compile(rf"/documents/{decision.pk}/print/$"))
    expect(paper.locator("h1.paper-title")).to_have_text("当场行政处罚决定书")
    expect(paper.locator(".paper-number")).to_have_text(decision.number)
    expect(paper.locator("body")).to_contain_text("陈小明")
    expect(paper.locator("body")).to_contain_text("粤财0012345")
    paper.close()
    page.wait_for_timeout(200)  # a late violation report still arrives
    assert problems == []

    # Over Art. 51's ceiling for an individual: refused on the form, nothing saved, everything typed kept.
    page.goto("/cases/on-the-spot/")
    other = id_number("44060419900101002")
    fill_on_the_spot(page, category, name="李四", id_no=other, fine="200.01", cash=False)
    with page.expect_navigation():
        page.locator("#submit-on-the-spot").click()
    error = page.locator("#id_fine_error")
    expect(error).to_be_visible()
    expect(error).to_contain_text("200.01")
    expect(error).to_have_text(ARTICLE_51)
    assert Case.objects.count() == 1 and not Party.objects.filter(id_number=other).exists()
    expect(page.locator("#id_party_name")).to_have_value("李四")
    expect(page.locator("#id_party_id_number")).to_have_value(other)
    expect(page.locator("#id_category")).to_have_value(str(category.pk))
    expect(page.locator("#id_address")).to_have_value("禅城区祖庙路与人民路交界")
    expect(page.locator("#id_facts")).to_have_value("占用城市道路摆卖水果")
    expect(page.locator("#id_fine")).to_have_value("200.01")
    expect(page.locator("#id_correction_order")).to_have_value("立即停止占道经营，清理占用的道路")
    no_horizontal_scroll(page)
    screenshot(page, "case-on-the-spot-refused")
    assert problems == []


def lead_with_filing_request(by, category, *, facts, reason):
    party = services.register_party(
        by=by, party_type="individual", name="赵六", id_number=id_number("44060419800808003")
    )
    case = services.open_lead(
        by=by,
        party=party,
        category=category,
        facts=facts,
        address="禅城区祖庙路30号",
        act_date=timezone.localdate() - timedelta(days=2),
    )
    return services.request_filing(case, by=by, reason=reason)


def test_a_squad_leader_approves_a_filing_from_the_inbox(new_page, people, category):
    officer, leader = people["officer"], people["leader"]
    case = lead_with_filing_request(
        officer, category, facts="占道经营，经劝阻不改", reason="事实基本清楚，建议立案"
    )
    # The leader's own lead and request: nobody decides their own request (their colleague does).
    own = lead_with_filing_request(leader, category, facts="店外堆放杂物", reason="建议立案")

    page, problems = watched(new_page())
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    log_in(page, leader)
    page.goto("/approvals/")
    entries = page.locator(".approval-list .approval-entry")
    expect(entries).to_have_count(1)
    entry = entries.first
    expect(entry).to_contain_text(in_ui_language(FILING.label))
    expect(entry.locator(".approval-subject")).to_contain_text(case.number)
    expect(entry).to_contain_text("事实基本清楚，建议立案")
    expect(page.locator(".approval-list")).not_to_contain_text(own.number)
    screenshot(page, "approvals-inbox")

    with page.expect_navigation():
        entry.locator(".approval-subject").click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect_status(page, CaseStatus.LEAD)
    chain = page.locator(".approval-chain")
    request = chain.locator(f'.approval[data-kind="{FILING.slug}"]')
    expect(request).to_have_class(re.compile(r"\bapproval-pending\b"))

    panel = page.locator('details.action-panel[data-action="decide_filing"]')
    panel.locator("summary").click()
    panel.locator(f'input[name="decide_filing-decision"][value="{ApprovalDecision.APPROVED}"]').check()
    panel.locator('textarea[name="decide_filing-opinion"]').fill("同意立案，由张三负责调查")
    confirm = panel.locator("form.action-form").get_attribute("data-confirm")
    with page.expect_navigation():
        panel.locator("button.action-submit").click()
    assert len(questions) == (1 if confirm else 0)

    case.refresh_from_db()
    assert case.status == CaseStatus.FILED and case.filed_at is not None
    expect_status(page, CaseStatus.FILED)
    expect(request).to_have_class(re.compile(r"\bapproval-approved\b"))
    expect(request.locator(".approval-decision")).to_have_text(
        in_ui_language(ApprovalDecision.APPROVED.label)
    )
    expect(request.locator(".approval-reason")).to_have_text("事实基本清楚，建议立案")
    expect(request.locator(".approval-opinion")).to_contain_text("同意立案，由张三负责调查")
    expect(request).to_contain_text(leader.full_name)
    expect(page.locator('details.action-panel[data-action="decide_filing"]')).to_have_count(0)
    screenshot(page, "case-filed")

    page.goto("/approvals/")
    expect(page.locator(".approval-entry")).to_have_count(0)
    expect(page.locator(".empty-state")).to_be_visible()
    assert problems == []

    # The requesting officer does not find their request in their own inbox.
    desk, officer_problems = watched(new_page())
    log_in(desk, officer)
    pending = lead_with_filing_request(officer, category, facts="夜间占道烧烤", reason="建议立案")
    desk.goto("/approvals/")
    expect(desk.locator("h1")).to_be_visible()
    expect(desk.locator(".approval-entry")).to_have_count(0)
    expect(desk.locator("body")).not_to_contain_text(pending.number)
    assert officer_problems == []

    # Both requests the requesters do not see wait in a colleague's inbox.
    colleague = new_page()
    log_in(colleague, people["leader2"])
    colleague.goto("/approvals/")
    subjects = colleague.locator(".approval-entry .approval-subject")
    expect(subjects).to_have_count(2)
    for waiting in (own, pending):
        expect(subjects.filter(has_text=waiting.number)).to_have_count(1)
