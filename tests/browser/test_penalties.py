"""The penalties in a real browser: on a phone, an officer finds a served case's fine in the fines list, records a
partial payment through its form and sees what is owed drop and the payment listed; a payment above what is owed
is refused with words on the page, what was typed kept and nothing recorded. A bank statement (CSV) uploaded on
the import page matches its lines by payment code and by decision number and pays the fines; the same file again
records nothing twice. An order to demolish whose deadline passed gets its public notice through the form; a
demolition by force before the notice's deadline is refused naming Art. 44, with the form kept; the party's own
demolition is recorded with its area, and the case page's card shows it.

The data is built through the cases' and penalties' services (a case decided and served); only the party's
deadline is moved back (as the service tests do). Selectors use ids, names, classes and data attributes; the
words a test reads on a page are worked out through the translation catalogue (a Chinese browser), so the tests
hold whether a string has its Chinese yet or not."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.utils import formats, timezone, translation
from playwright.sync_api import expect

from cases.tests.conftest import category  # noqa: F401 - a fixture
from cases.tests.test_services import make_people
from enforcement.catalog.params import reset_cache
from penalties import rules
from penalties.choices import DemolitionStatus, ExecutionStatus
from penalties.models import Demolition, Execution, Payment, StatementImport
from penalties.tests.conftest import served_case
from penalties.tests.test_demolition_views import past_its_deadline, served_demolition

from .conftest import log_in, screenshot
from .test_cases import UI_LANGUAGE, in_ui_language, no_horizontal_scroll
from .test_csp import watched

pytestmark = pytest.mark.browser
D = Decimal
ARTICLE_44 = re.compile(r"Art\. 44|第四十四条|第44条")


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Cached choices and parameters: the ids differ per (transactional) test."""
    cache.clear()
    reset_cache()
    yield
    cache.clear()
    reset_cache()


@pytest.fixture
def people(make_user, district_a):
    return make_people(make_user, district_a)


def today():
    return timezone.localdate()


def words(msgid):
    """`msgid` as the Chinese browser is shown it (the catalogue's translation, else the msgid itself)."""
    with translation.override(UI_LANGUAGE):
        return translation.gettext(msgid)


def yuan(amount):
    """An amount as penalties/_yuan.html writes it."""
    return words("%(amount)s yuan") % {"amount": amount}


def short_date(day):
    with translation.override(UI_LANGUAGE):
        return formats.date_format(day, "SHORT_DATE_FORMAT")


def accepting(page):
    """Accepts every confirm() the page asks; returns the list of the questions asked."""
    questions = []

    def accept(dialog):
        questions.append(dialog.message)
        dialog.accept()

    page.on("dialog", accept)
    return questions


# --- a payment recorded by hand, on a phone ------------------------------------------------------------------
def test_an_officer_records_a_partial_payment_on_a_phone_and_an_overpayment_is_refused(
    phone_page,
    people,
    category,  # noqa: F811
):
    other = Execution.objects.get(case=served_case(people, category, fine="1000"))
    execution = Execution.objects.get(case=served_case(people, category, fine="400"))
    assert execution.status == ExecutionStatus.AWAITING and execution.money()["owed"] == D("400.00")
    page, problems = watched(phone_page)
    accepting(page)
    log_in(page, people["officer"])

    # The fines list: both fines, found by the decision number.
    page.goto("/penalties/")
    expect(page.locator(".execution-row")).to_have_count(2)
    no_horizontal_scroll(page)
    page.locator("#id_q").fill(execution.decision_number)
    with page.expect_navigation():
        page.locator('#execution-filters button[type="submit"]').click()
    rows = page.locator(".execution-row")
    expect(rows).to_have_count(1)
    row = rows.first
    expect(row).to_have_attribute("data-id", str(execution.pk))
    expect(row).to_contain_text(execution.payment_code)
    expect(row.locator(".execution-owed")).to_have_text("400.00")
    expect(page.locator(f'.execution-row[data-id="{other.pk}"]')).to_have_count(0)
    screenshot(page, "penalties-list-phone")
    with page.expect_navigation():
        row.locator("a.execution-link").click()
    expect(page).to_have_url(re.compile(rf"/penalties/{execution.pk}/$"))
    expect(page.locator("h1.execution-number")).to_have_text(execution.decision_number)
    expect(page.locator(".execution-status")).to_have_attribute("data-status", ExecutionStatus.AWAITING)
    expect(page.locator(".money-owed")).to_have_text(yuan("400.00"))
    no_horizontal_scroll(page)

    # A partial payment through the "record payment" form.
    panel = page.locator('details.action-panel[data-action="record_payment"]')
    expect(panel.locator("summary")).to_have_text(words("Record a payment"))
    panel.locator("summary").click()
    form = panel.locator("form.action-form")
    form.get_by_role("radio", name=words("Bank counter or transfer")).check()
    form.locator('[name="record_payment-reference"]').fill("BK20261202001")
    form.locator('input[name="record_payment-amount"]').fill("150.00")
    form.locator('input[name="record_payment-paid_on"]').fill(today().isoformat())
    no_horizontal_scroll(page)
    screenshot(page, "penalties-record-payment-phone")
    with page.expect_navigation():
        form.locator("button.action-submit").click()
    expect(page).to_have_url(re.compile(rf"/penalties/{execution.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(words("Payment recorded."))
    expect(page.locator(".money-paid")).to_have_text("150.00")
    expect(page.locator(".money-owed")).to_have_text(yuan("250.00"))
    expect(page.locator(".execution-status")).to_have_attribute("data-status", ExecutionStatus.AWAITING)
    payment = page.locator('.execution-payments .payment[data-reference="BK20261202001"]')
    expect(payment).to_have_count(1)
    expect(payment.locator(".payment-amount")).to_contain_text("150.00")
    expect(payment).to_contain_text(words("Bank counter or transfer"))
    expect(payment).to_contain_text(short_date(today()))
    recorded = Payment.objects.get(execution=execution)
    assert (recorded.amount, recorded.reference, recorded.channel, recorded.paid_on) == (
        D("150.00"),
        "BK20261202001",
        "bank",
        today(),
    )
    assert recorded.recorded_by == people["officer"]
    execution.refresh_from_db()
    assert execution.money()["owed"] == D("250.00")
    no_horizontal_scroll(page)
    screenshot(page, "penalties-partial-payment-phone")

    # More than is still owed: refused with words on the page, what was typed kept, nothing recorded.
    panel.locator("summary").click()
    form.get_by_role("radio", name=words("Bank counter or transfer")).check()
    form.locator('[name="record_payment-reference"]').fill("BK20261202002")
    form.locator('input[name="record_payment-amount"]').fill("300.00")
    form.locator('input[name="record_payment-paid_on"]').fill(today().isoformat())
    with page.expect_navigation():
        form.locator("button.action-submit").click()
    # Bad input of this payment: said under the amount, on the form kept open (400).
    refusal = form.locator("#id_record_payment-amount_error")
    expect(refusal).to_be_visible()
    expect(form.locator('input[name="record_payment-amount"]')).to_have_attribute("aria-invalid", "true")
    expect(refusal).to_contain_text("300")
    expect(refusal).to_contain_text("250.00")
    expect(refusal).not_to_contain_text("Overpayment")  # words, not an exception's name
    expect(panel).to_have_attribute("open", "")
    expect(form.locator('input[name="record_payment-amount"]')).to_have_value("300.00")
    expect(form.locator('[name="record_payment-reference"]')).to_have_value("BK20261202002")
    expect(page.locator(".money-owed")).to_have_text(yuan("250.00"))
    expect(page.locator(".execution-payments .payment")).to_have_count(1)
    assert list(Payment.objects.filter(execution=execution).values_list("reference", flat=True)) == [
        "BK20261202001"
    ]
    assert not Payment.objects.filter(reference="BK20261202002").exists()
    assert Execution.objects.get(pk=execution.pk).money()["owed"] == D("250.00")
    no_horizontal_scroll(page)
    screenshot(page, "penalties-overpayment-refused-phone")
    assert problems == []


# --- a bank statement imported -------------------------------------------------------------------------------
def statement_csv(*rows):
    """A bank's CSV export, with the columns statements.ALIASES reads (the header is line 1)."""
    header = "交易流水号,金额,交易日期,付款人,缴款码,决定书文号\n"
    return (header + "".join(",".join(row) + "\n" for row in rows)).encode("utf-8")


def upload(page, data, name="工商银行对账单.csv"):
    form = page.locator("#statement-form")
    form.locator('input[name="file"]').set_input_files({"name": name, "mimeType": "text/csv", "buffer": data})
    form.locator('select[name="channel"]').select_option("bank")
    with page.expect_navigation():
        form.locator('button[type="submit"]').click()


def expect_counts(page, *, lines, recorded, already, unmatched, refused):
    counts = page.locator(".statement-counts")
    expect(counts.locator(".count-lines")).to_have_text(str(lines))
    expect(counts.locator(".count-recorded")).to_have_text(str(recorded))
    expect(counts.locator(".count-already")).to_have_text(str(already))
    expect(counts.locator(".count-unmatched")).to_have_text(str(unmatched))
    expect(counts.locator(".count-refused")).to_have_text(str(refused))


def test_a_bank_statement_pays_the_fines_it_matches_and_importing_it_again_records_nothing_twice(
    page,
    people,
    category,  # noqa: F811
):
    by_code = Execution.objects.get(case=served_case(people, category, fine="400"))
    by_number = Execution.objects.get(case=served_case(people, category, fine="600"))
    day = today().isoformat()
    data = statement_csv(
        ("BK900001", "400.00", day, "陈某", by_code.payment_code, ""),
        ("BK900002", "600.00", day, "某公司", "", by_number.decision_number),
    )
    page, problems = watched(page)
    log_in(page, people["officer"])
    page.goto("/penalties/")
    with page.expect_navigation():
        page.locator("a#import-statement").click()
    expect(page).to_have_url(re.compile(r"/penalties/imports/$"))

    upload(page, data)
    first = StatementImport.objects.get()
    expect(page).to_have_url(re.compile(rf"/penalties/imports/{first.pk}/$"))
    expect(page.locator(".messages")).to_contain_text(
        words("Statement imported: %(recorded)s payments recorded, %(problems)s lines to look at.")
        % {"recorded": 2, "problems": 0}
    )
    expect_counts(page, lines=2, recorded=2, already=0, unmatched=0, refused=0)
    expect(page.locator(".problem-line")).to_have_count(0)
    screenshot(page, "statement-imported")
    assert Payment.objects.count() == 2
    for execution, reference, amount in ((by_code, "BK900001", "400.00"), (by_number, "BK900002", "600.00")):
        execution.refresh_from_db()
        assert execution.status == ExecutionStatus.PAID
        payment = Payment.objects.get(execution=execution)
        assert (payment.reference, payment.amount, payment.statement_id) == (reference, D(amount), first.pk)

    # The fine's page shows it paid, the payment from the statement linked to its import.
    page.goto(by_number.get_absolute_url())
    expect(page.locator(".execution-status")).to_have_attribute("data-status", ExecutionStatus.PAID)
    expect(page.locator(".execution-status")).to_have_text(in_ui_language(ExecutionStatus.PAID.label))
    expect(page.locator(".money-owed")).to_have_text(yuan("0.00"))
    payment = page.locator('.execution-payments .payment[data-reference="BK900002"]')
    expect(payment.locator(".payment-amount")).to_contain_text("600.00")
    expect(payment.locator(f'a[href="/penalties/imports/{first.pk}/"]')).to_have_text("工商银行对账单.csv")
    expect(page.locator('details.action-panel[data-action="record_payment"]')).to_have_count(0)
    # And the list, with nothing owed on either.
    page.goto("/penalties/")
    for execution in (by_code, by_number):
        row = page.locator(f'.execution-row[data-id="{execution.pk}"]')
        expect(row.locator(".execution-status")).to_have_attribute("data-status", ExecutionStatus.PAID)
        expect(row.locator(".execution-owed")).to_have_text("0.00")

    # The same file again: every line already recorded, nothing recorded twice.
    page.goto("/penalties/imports/")
    upload(page, data)
    second = StatementImport.objects.exclude(pk=first.pk).get()
    expect(page).to_have_url(re.compile(rf"/penalties/imports/{second.pk}/$"))
    expect_counts(page, lines=2, recorded=0, already=2, unmatched=0, refused=0)
    assert Payment.objects.count() == 2
    assert Payment.objects.filter(statement=second).count() == 0
    page.goto("/penalties/imports/")
    expect(page.locator(".statement-imports .list-group-item")).to_have_count(2)
    screenshot(page, "statement-imported-again")
    assert problems == []


# --- an order to demolish -----------------------------------------------------------------------------------
def test_an_order_to_demolish_noticed_refused_by_force_too_early_then_demolished_by_the_party(
    page,
    people,
    category,  # noqa: F811
):
    demolition = past_its_deadline(served_demolition(people, category, area="35.50", days=15))
    assert demolition.status == DemolitionStatus.ORDERED and demolition.deadline_on < today()
    page, problems = watched(page)
    questions = accepting(page)
    log_in(page, people["officer"])

    page.goto("/penalties/")
    with page.expect_navigation():
        page.locator("a#demolitions-link").click()
    expect(page).to_have_url(re.compile(r"/penalties/demolitions/$"))
    row = page.locator(f'.demolition-row[data-id="{demolition.pk}"]')
    expect(row).to_have_class(re.compile(r"\btable-warning\b"))  # its deadline has passed
    with page.expect_navigation():
        row.locator("a.demolition-link").click()
    expect(page).to_have_url(re.compile(rf"/penalties/demolitions/{demolition.pk}/$"))
    status = page.locator("h1 ~ .demolition-status")
    expect(status).to_have_attribute("data-status", DemolitionStatus.ORDERED)
    expect(page.locator(".demolition-area")).to_have_text("35.50")
    expect(page.locator(".demolition-deadline")).to_contain_text(short_date(demolition.deadline_on))
    screenshot(page, "demolition-ordered")

    # The public notice, with its defaults: today, and the parameter's period.
    notice_panel = page.locator("details#notice-panel")
    notice_panel.locator("summary").click()
    notice = notice_panel.locator("form.notice-form")
    expect(notice.locator('input[name="notice-notice_on"]')).to_have_value(today().isoformat())
    notice_deadline = rules.notice_deadline(today())  # the parameter's period, a holiday moved on
    expect(notice.locator('input[name="notice-deadline_on"]')).to_have_value(notice_deadline.isoformat())
    notice.locator('textarea[name="notice-note"]').fill("公告张贴于现场及村委会公告栏")
    with page.expect_navigation():
        notice.locator('button[type="submit"]').click()
    assert len(questions) == 1  # the confirm before the notice is recorded
    expect(page.locator(".messages")).to_contain_text(words("Public notice recorded."))
    expect(status).to_have_attribute("data-status", DemolitionStatus.NOTICED)
    expect(status).to_have_text(in_ui_language(DemolitionStatus.NOTICED.label))
    expect(page.locator(".demolition-notice")).to_have_text(short_date(today()))
    expect(page.locator(".demolition-notice-deadline")).to_contain_text(short_date(notice_deadline))
    expect(page.locator("details#notice-panel")).to_have_count(0)  # given once
    demolition.refresh_from_db()
    assert (demolition.status, demolition.notice_on, demolition.notice_deadline_on) == (
        DemolitionStatus.NOTICED,
        today(),
        notice_deadline,
    )
    screenshot(page, "demolition-noticed")

    # By force before the notice's deadline: refused naming Art. 44, the form kept open as typed.
    demolish_panel = page.locator("details#demolish-panel")
    demolish_panel.locator("summary").click()
    expect(demolish_panel.locator(".force-problem")).to_have_text(ARTICLE_44)  # said before trying
    demolish = demolish_panel.locator("form.demolish-form")
    expect(demolish.locator('input[name="demolish-area"]')).to_have_value("35.50")
    demolish.locator('input[name="demolish-by_force"]').check()
    demolish.locator('textarea[name="demolish-note"]').fill("组织强制拆除")
    with page.expect_navigation():
        demolish.locator('button[type="submit"]').click()
    refusal = demolish_panel.locator(".alert-danger")
    expect(refusal).to_be_visible()
    expect(refusal).to_have_text(ARTICLE_44)
    expect(refusal).to_contain_text(short_date(notice_deadline))
    expect(demolish_panel).to_have_attribute("open", "")
    expect(demolish.locator('input[name="demolish-by_force"]')).to_be_checked()
    expect(demolish.locator('textarea[name="demolish-note"]')).to_have_value("组织强制拆除")
    expect(status).to_have_attribute("data-status", DemolitionStatus.NOTICED)
    demolition.refresh_from_db()
    assert demolition.status == DemolitionStatus.NOTICED and demolition.area_demolished is None
    screenshot(page, "demolition-force-refused")

    # The party demolished it himself: recorded with the area.
    demolish.locator('input[name="demolish-by_force"]').uncheck()
    demolish.locator('input[name="demolish-demolished_on"]').fill(today().isoformat())
    demolish.locator('input[name="demolish-area"]').fill("30.25")
    demolish.locator('textarea[name="demolish-note"]').fill("当事人自行拆除完毕，现场核查属实")
    with page.expect_navigation():
        demolish.locator('button[type="submit"]').click()
    expect(page.locator(".messages")).to_contain_text(words("Demolition recorded."))
    expect(status).to_have_attribute("data-status", DemolitionStatus.DEMOLISHED)
    expect(status).to_have_text(in_ui_language(DemolitionStatus.DEMOLISHED.label))
    expect(page.locator(".demolition-area-demolished")).to_have_text("30.25")
    expect(page.locator(".demolition-demolished-on")).to_contain_text(words("by the party"))
    expect(page.locator("details#demolish-panel")).to_have_count(0)  # the order has ended
    demolition.refresh_from_db()
    assert (demolition.status, demolition.demolished_on, demolition.area_demolished) == (
        DemolitionStatus.DEMOLISHED,
        today(),
        D("30.25"),
    )
    assert demolition.ended_at is not None
    screenshot(page, "demolition-demolished")

    # The case page's card shows it.
    with page.expect_navigation():
        page.locator("a.demolition-case").click()
    expect(page).to_have_url(re.compile(rf"/cases/{demolition.case_id}/$"))
    card = page.locator("section#demolition.demolition-card")
    expect(card).to_be_visible()
    expect(card.locator(".demolition-status")).to_have_attribute("data-status", DemolitionStatus.DEMOLISHED)
    expect(card.locator(".demolition-status")).to_have_text(in_ui_language(DemolitionStatus.DEMOLISHED.label))
    expect(card.locator(".demolition-area")).to_have_text("35.50")
    expect(card.locator(".demolition-area-demolished")).to_have_text("30.25")
    expect(card.locator(".demolition-deadline")).to_have_text(short_date(notice_deadline))
    expect(card.locator("a.demolition-link")).to_have_attribute("href", demolition.get_absolute_url())
    screenshot(page, "case-demolition-card")
    assert Demolition.objects.get(pk=demolition.pk).status == DemolitionStatus.DEMOLISHED
    assert problems == []
