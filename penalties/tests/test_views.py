"""The penalties' browser pages: the unpaid list with the live surcharge (one query for any page size), the
scope (another district's execution is 404), a payment recorded through the page and an overpayment
refused with its reason, the case page's money card, a bank statement imported once, reviews and
seizures through their forms."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.choices import CaseStatus
from cases.tests.factories import CaseFactory
from penalties import services
from penalties.models import Execution, Payment, Review, Seizure, StatementImport

from .conftest import age_execution, served_case

pytestmark = pytest.mark.django_db
D = Decimal
LIST = reverse("penalties:list")
IMPORTS = reverse("penalties:imports")


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the tests read English
    client.force_login(user)
    return client


def today():
    return timezone.localdate()


def late_execution(p, category, *, fine="1000", days_late=5):
    """A served case's execution whose due date passed `days_late` days ago (nothing paid)."""
    execution = Execution.objects.get(case=served_case(p, category, fine=fine))
    days = (execution.due_on - today()).days + days_late
    return age_execution(execution, days)


def action(slug, **values):
    return {f"{slug}-{name}": value for name, value in values.items()}


# --- the list ---------------------------------------------------------------------------------------------
def test_the_list_shows_a_late_executions_live_surcharge(people, category):
    execution = late_execution(people, category, fine="1000", days_late=5)
    surcharge = execution.money()["surcharge"]
    assert surcharge == D("150.00")  # 5 days × 3 % × 1,000 (Art. 72)
    response = browser(people["officer"]).get(LIST)
    assert response.status_code == 200
    (row,) = response.context["rows"]
    assert row.pk == execution.pk and row.surcharge == surcharge and row.owed == D("1150.00")
    html = response.content.decode()
    assert '<td class="text-end d-none d-md-table-cell execution-surcharge">150.00</td>' in html
    assert '<td class="text-end fw-semibold execution-owed">1,150.00</td>' in html
    # Filters: overdue finds it, a payment code finds it, another code does not.
    client = browser(people["officer"])
    assert [r.pk for r in client.get(LIST, {"overdue": "on"}).context["rows"]] == [execution.pk]
    assert [r.pk for r in client.get(LIST, {"q": execution.payment_code}).context["rows"]] == [execution.pk]
    assert list(client.get(LIST, {"q": "00000000000000000000"}).context["rows"]) == []
    assert list(client.get(LIST, {"status": "paid"}).context["rows"]) == []
    live = client.get(LIST, {"status": "live", "overdue": "true"})  # the API's spelling works here too
    assert [r.pk for r in live.context["rows"]] == [execution.pk]
    assert '<option value="live" selected>' in live.content.decode()  # the choice shown again


def _open(unit, by, *, served_days_ago, fine="300"):
    case = CaseFactory(
        unit=unit,
        status=CaseStatus.EXECUTING,
        served_at=timezone.now() - timedelta(days=served_days_ago),
        fine_decided=D(fine),
    )
    return services.open_execution(case, by=by)


def test_the_list_costs_the_same_queries_for_2_and_12_rows(people, district_a):
    client = browser(people["officer"])
    client.get(LIST)  # the session and the caches warm up

    def count():
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(LIST)
        assert response.status_code == 200
        return len(response.context["rows"]), len(ctx)

    for days in (1, 30):
        _open(district_a, people["officer"], served_days_ago=days)
    rows_2, queries_2 = count()
    for days in range(10):
        _open(district_a, people["officer"], served_days_ago=days * 5)
    rows_12, queries_12 = count()
    assert (rows_2, rows_12) == (2, 12)
    assert queries_12 == queries_2
    # Live ones first, the oldest due first: the one served 45 days ago leads.
    first = client.get(LIST).context["rows"][0]
    assert first.due_on == min(Execution.objects.values_list("due_on", flat=True))


def test_another_districts_execution_is_not_found(people, category, make_user, district_b):
    execution = Execution.objects.get(case=served_case(people, category))
    other = browser(make_user("officer", unit=district_b, username="officer-b"))
    assert other.get(execution.get_absolute_url()).status_code == 404
    url = reverse("penalties:action", args=[execution.pk, "record_payment"])
    response = other.post(
        url, action("record_payment", amount="10", paid_on=today().isoformat(), channel="bank")
    )
    assert response.status_code == 404
    assert list(other.get(LIST).context["rows"]) == []
    assert not Payment.objects.exists()


# --- the execution's page -------------------------------------------------------------------------------
def test_a_payment_recorded_through_the_page(people, category):
    execution = Execution.objects.get(case=served_case(people, category, fine="400"))
    client = browser(people["officer"])
    page = client.get(execution.get_absolute_url())
    assert page.status_code == 200
    assert "record_payment" in [form.slug for form in page.context["action_forms"]]
    url = reverse("penalties:action", args=[execution.pk, "record_payment"])
    data = action(
        "record_payment",
        amount="150.50",
        paid_on=today().isoformat(),
        channel="bank",
        reference="B-0001",
        note="",
        version=execution.version,
    )
    response = client.post(url, data, follow=True)
    assert response.status_code == 200
    payment = Payment.objects.get()
    assert (payment.amount, payment.reference, payment.recorded_by) == (
        D("150.50"),
        "B-0001",
        people["officer"],
    )
    html = response.content.decode()
    assert "Payment recorded." in html and "B-0001" in html
    assert response.context["money"]["owed"] == D("249.50")
    execution.refresh_from_db()
    assert execution.status == "awaiting"


def test_an_overpayment_is_refused_with_its_reason_and_nothing_saved(people, category):
    execution = Execution.objects.get(case=served_case(people, category, fine="400"))
    url = reverse("penalties:action", args=[execution.pk, "record_payment"])
    data = action(
        "record_payment",
        amount="500",
        paid_on=today().isoformat(),
        channel="bank",
        reference="B-0002",
        version=execution.version,
    )
    response = browser(people["officer"]).post(url, data)
    assert response.status_code == 400  # under the amount input, on the form kept open
    html = response.content.decode()
    assert "500 yuan is more than was owed" in html and "400.00 yuan" in html
    assert not Payment.objects.exists()
    execution.refresh_from_db()
    assert execution.outstanding_fen == 40000
    # What was typed stays in the form, opened.
    (form,) = [f for f in response.context["action_forms"] if f.slug == "record_payment"]
    assert form.is_bound and form["reference"].value() == "B-0002"


def test_a_deferral_asked_and_approved_through_the_page(people, category):
    execution = Execution.objects.get(case=served_case(people, category, fine="400"))
    first, second = today() + timedelta(days=30), today() + timedelta(days=60)
    url = reverse("penalties:action", args=[execution.pk, "request_deferral"])
    data = action(
        "request_deferral",
        due_dates=f"{first.isoformat()}, {second.isoformat()}",
        reason="当事人经济困难，申请分期",
        version=execution.version,
    )
    page = browser(people["officer"]).post(url, data, follow=True)
    assert page.status_code == 200 and page.context["deferral"] is not None
    assert "当事人经济困难" in page.content.decode()
    head = browser(people["head"])
    page = head.get(execution.get_absolute_url())
    (decide,) = [form for form in page.context["action_forms"] if form.slug == "decide_deferral"]
    assert decide.confirm_question  # asked before it is recorded
    assert f'data-confirm="{decide.confirm_question}"' in page.content.decode()
    execution.refresh_from_db()
    url = reverse("penalties:action", args=[execution.pk, "decide_deferral"])
    data = action("decide_deferral", decision="approved", opinion="同意", version=execution.version)
    page = head.post(url, data, follow=True)
    assert page.status_code == 200 and page.context["deferral"] is None
    assert [row.due_on for row in page.context["instalments"]] == [first, second]
    assert len(page.context["earlier_schedules"]) == 1
    assert "1 earlier schedule" in page.content.decode()


def test_the_case_page_shows_the_money_card(people, category):
    execution = late_execution(people, category, fine="1000", days_late=2)
    services.record_payment(
        execution, by=people["officer"], amount=D("100"), paid_on=today(), channel="bank", reference="R-1"
    )
    response = browser(people["officer"]).get(execution.case.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="money"' in html
    card = html[html.index('id="money"') :]
    card = card[: card.index("</section>")]
    money = Execution.objects.get(pk=execution.pk).money()
    assert money["surcharge"] == D("60.00")  # 2 days × 3 % × 1,000; paid today, the day counts
    assert "1,000.00 yuan" in card and "100.00 yuan" in card and "60.00 yuan" in card
    assert f"{money['owed']:,.2f} yuan" in card
    assert execution.get_absolute_url() in card
    assert "Awaiting payment" in card


def test_the_case_page_without_a_fine_has_no_money_card(people, district_a):
    case = CaseFactory(unit=district_a)
    response = browser(people["officer"]).get(case.get_absolute_url())
    assert response.status_code == 200
    assert 'id="money"' not in response.content.decode()


# --- statement imports -----------------------------------------------------------------------------------
def statement_csv(rows):
    lines = ["交易流水号,金额,交易日期,付款人,决定书文号,缴款码"]
    lines += [",".join(row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8")


def upload(client, data, name="statement.csv"):
    return client.post(
        IMPORTS,
        {"file": SimpleUploadedFile(name, data, content_type="text/csv"), "channel": "bank"},
        follow=True,
    )


def test_the_import_page_records_a_csv_once(people, category):
    execution = Execution.objects.get(case=served_case(people, category, fine="400"))
    data = statement_csv(
        [
            ("T-1", "100.00", today().isoformat(), "陈小明", "", execution.payment_code),
            ("T-2", "50.00", today().isoformat(), "无名", "", "99999999999999999999"),
        ]
    )
    client = browser(people["officer"])
    response = upload(client, data)
    assert response.status_code == 200
    record = StatementImport.objects.get()
    assert (record.lines, record.recorded, record.unmatched) == (2, 1, 1)
    html = response.content.decode()
    assert "T-2" in html and "Record on a penalty" in html
    assert Payment.objects.get().reference == "T-1"
    # Again: nothing recorded twice.
    again = upload(client, data)
    assert again.status_code == 200
    assert StatementImport.objects.order_by("-pk").first().already == 1
    assert Payment.objects.count() == 1
    # The unmatched line recorded by hand on the penalty, by its decision number.
    line = record.problem_lines.get()
    url = reverse("penalties:line-resolve", args=[record.pk, line.pk, "record"])
    response = client.post(url, {f"record-{line.pk}-target": execution.payment_code}, follow=True)
    assert response.status_code == 200
    assert set(Payment.objects.values_list("reference", flat=True)) == {"T-1", "T-2"}
    line.refresh_from_db()
    assert line.status == "resolved"


def test_a_malformed_statement_is_refused_with_its_line_and_keeps_the_form(people, category):
    execution = Execution.objects.get(case=served_case(people, category, fine="400"))
    data = statement_csv(
        [
            ("T-1", "100.00", today().isoformat(), "陈小明", "", execution.payment_code),
            ("T-2", "abc", today().isoformat(), "陈小明", "", execution.payment_code),
        ]
    )
    response = upload(browser(people["officer"]), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert response.context["form"].non_field_errors()[0].startswith("Line 3: ")  # the header is line 1
    assert 'id="statement-form"' in response.content.decode()
    assert not StatementImport.objects.exists() and not Payment.objects.exists()


def test_a_problem_line_is_dismissed_only_with_a_note(people, category):
    Execution.objects.get(case=served_case(people, category, fine="400"))
    data = statement_csv([("T-9", "20.00", today().isoformat(), "某人", "", "99999999999999999999")])
    client = browser(people["officer"])
    upload(client, data)
    record = StatementImport.objects.get()
    line = record.problem_lines.get()
    url = reverse("penalties:line-resolve", args=[record.pk, line.pk, "dismiss"])
    assert client.post(url, {f"dismiss-{line.pk}-note": ""}).status_code == 400
    assert client.post(url, {f"dismiss-{line.pk}-note": "缴入其他单位"}).status_code == 302
    line.refresh_from_db()
    assert line.status == "resolved" and "缴入其他单位" in line.message


# --- reviews and seizures ---------------------------------------------------------------------------------
def test_a_reconsideration_filed_and_upheld_through_the_pages(people, category):
    case = served_case(people, category, fine="400")
    client = browser(people["officer"])
    response = client.post(
        reverse("penalties:reviews"),
        {
            "case": case.number,
            "kind": "reconsideration",
            "body": "区人民政府",
            "filed_on": today().isoformat(),
        },
    )
    review = Review.objects.get()
    assert response.status_code == 302 and response.url == reverse("penalties:review", args=[review.pk])
    assert Execution.objects.get(case=case).paused
    response = client.post(
        reverse("penalties:review", args=[review.pk]),
        {"outcome": "upheld", "outcome_on": today().isoformat()},
    )
    assert response.status_code == 302
    review.refresh_from_db()
    assert review.outcome == "upheld"
    assert not Execution.objects.get(case=case).paused


def test_a_seizure_recorded_and_returned_through_the_pages(people, category):
    case = served_case(people, category, fine="400")
    client = browser(people["officer"])
    data = {
        "case": case.number,
        "kind": "seize",
        "custody_place": "甲区暂扣场",
        "seized_on": today().isoformat(),
        "items-TOTAL_FORMS": "3",
        "items-INITIAL_FORMS": "0",
        "items-0-kind": "vehicle",
        "items-0-description": "三轮车",
        "items-0-quantity": "2",
    }
    response = client.post(reverse("penalties:seizures"), data)
    seizure = Seizure.objects.get()
    assert response.status_code == 302
    assert [(i.kind, i.quantity) for i in seizure.items.all()] == [("vehicle", 2)]
    page = client.get(seizure.get_absolute_url())
    assert page.context["extend_form"] is not None and page.context["end_form"] is not None
    # Extended once (Art. 25): asked by the officer, approved by the bureau head.
    limit = seizure.limit_on
    step = reverse("penalties:seizure-step", args=[seizure.pk, "extend"])
    assert client.post(step, {"days": "30", "reason": "需进一步鉴定"}).status_code == 302
    head = browser(people["head"])
    assert head.get(seizure.get_absolute_url()).context["decide_form"] is not None
    decide = reverse("penalties:seizure-step", args=[seizure.pk, "decide"])
    assert head.post(decide, {"decision": "approved", "opinion": "同意"}).status_code == 302
    seizure.refresh_from_db()
    assert (seizure.extended_days, seizure.limit_on) == (30, limit + timedelta(days=30))
    assert client.get(seizure.get_absolute_url()).context["extend_form"] is None  # once only
    response = client.post(
        reverse("penalties:seizure-step", args=[seizure.pk, "end"]), {"outcome": "returned"}
    )
    assert response.status_code == 302
    seizure.refresh_from_db()
    assert seizure.status == "returned"
    # Ended: ending it again is refused and said.
    response = client.post(
        reverse("penalties:seizure-step", args=[seizure.pk, "end"]), {"outcome": "returned"}
    )
    assert response.status_code == 409
    assert "This seizure has already ended." in response.content.decode()
