"""Documents in a real browser, on the demo city: the district's intake desk opens a rejected complaint,
issues the notice of refusal from its Documents card, reads the document page and its frozen paper, and
prints the complaint page without the navigation and forms.

Selectors use ids, classes and data attributes, not visible words, so they hold in either language."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from complaints.tests.factories import ComplaintFactory
from enforcement.catalog import demo as catalog_demo
from enforcement.catalog.models import ViolationCategory
from enforcement.documents.models import Document
from enforcement.org import demo as org_demo
from enforcement.org.models import User

from .conftest import PASSWORD, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_city(db):
    cache.clear()
    org_demo.seed(PASSWORD)
    catalog_demo.seed()
    intake = User.objects.get(username="chancheng.intake")
    return {"intake": intake, "category": ViolationCategory.objects.get(code="0701")}


def test_intake_issues_the_refusal_notice_and_prints_the_complaint_page(page, demo_city):
    intake = demo_city["intake"]
    complaint = ComplaintFactory(
        unit=intake.unit,
        intake_unit=intake.unit,
        category=demo_city["category"],
        status="rejected",
        reject_reason="不属于城管执法职责范围",
        complainant_name="陈小明",
        received_by=intake,
    )
    page.on("dialog", lambda dialog: dialog.accept())  # the confirm before issuing
    log_in(page, intake)

    page.goto(complaint.get_absolute_url())
    card = page.locator("section.record-documents")
    expect(card).to_be_visible()
    button = card.locator('button.issue-document[data-type="refusal_notice"]')
    expect(button).to_be_visible()
    expect(card.locator('button.issue-document[data-type="acceptance_notice"]')).to_have_count(0)

    # On paper the complaint page is the record: no navigation, no forms or buttons.
    expect(page.locator("nav.app-navbar")).to_be_visible()
    issue_form = card.locator("form").first
    expect(issue_form).to_be_visible()
    page.emulate_media(media="print")
    expect(page.locator("nav.app-navbar")).to_be_hidden()
    expect(page.locator(".breadcrumb")).to_be_hidden()
    expect(issue_form).to_be_hidden()
    expect(button).to_be_hidden()
    expect(page.locator(".complaint-description")).to_be_visible()  # the record itself still prints
    expect(card.locator(".card-header")).to_be_visible()
    screenshot(page, "complaint-print")
    page.emulate_media(media="screen")
    expect(button).to_be_visible()

    with page.expect_navigation():
        button.click()

    document = Document.objects.get()
    expect(page).to_have_url(re.compile(rf"/documents/{document.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(document.number)
    expect(page.locator("h1 .document-number")).to_have_text(document.number)
    frame = page.frame_locator("iframe.document-paper")
    expect(frame.locator("h1.paper-title")).to_have_text("不予受理告知书")
    screenshot(page, "document-page")
    # The platform's own print rule (static/css/app.css), on a page that loads no print sheet of its own.
    assert page.locator('link[href$="print.css"]').count() == 0
    page.emulate_media(media="print")
    expect(page.locator("nav.app-navbar")).to_be_hidden()
    expect(page.locator("a.document-print")).to_be_hidden()
    expect(page.locator(".document-meta")).to_be_visible()
    page.emulate_media(media="screen")

    # The print view is the frozen paper, in a tab of its own.
    with page.context.expect_page() as opened:
        page.locator("a.document-print").click()
    paper = opened.value
    paper.wait_for_load_state()
    expect(paper.locator("h1.paper-title")).to_have_text("不予受理告知书")
    expect(paper.locator(".paper-number")).to_have_text(document.number)
    paper.close()

    # Back on the complaint: the document is listed, and printed with the record.
    page.goto(complaint.get_absolute_url())
    row = page.locator(f'section.record-documents .document-row[data-document="{document.pk}"]')
    expect(row.locator(".document-number")).to_have_text(document.number)
    expect(page.locator("section.record-documents .document-issue")).to_have_count(0)  # only once
    screenshot(page, "complaint-documents")
    page.emulate_media(media="print")
    expect(page.locator("nav.app-navbar")).to_be_hidden()
    expect(row).to_be_visible()
