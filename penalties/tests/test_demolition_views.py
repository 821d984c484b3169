"""The orders to demolish's browser pages: the list (scope, filters, search), an order's page with the public
notice and the demolition recorded through its forms, a refusal said in the clerk's words (400) with what
was typed kept, a stale version (409), and the card on the case page."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from cases import services as case_services
from cases.choices import CaseStatus
from cases.models import Case
from cases.tests.conftest import give_notice as give_advance_notice
from cases.tests.factories import CaseFactory, PartyFactory
from cases.tests.test_services import walk
from enforcement.audit.models import AuditEvent
from enforcement.catalog.params import get_int
from enforcement.documents.services import issue_document, record_service
from enforcement.workdays import calendar
from penalties import rules
from penalties.choices import DemolitionStatus
from penalties.models import Demolition

from .conftest import ORDER

pytestmark = pytest.mark.django_db
D = Decimal
S = DemolitionStatus
LIST = reverse("penalties:demolitions")


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")  # the tests read English
    client.force_login(user)
    return client


def today():
    return timezone.localdate()


def served_demolition(p, category, *, area="35.50", days=15):
    """A general case whose decision orders the party to demolish `area` m² within `days` of service, walked
    through the cases' services, its decision issued and served now: the order to demolish is open."""
    case = walk(p, category, "investigating")
    case = case_services.submit_report(
        case,
        by=p["officer"],
        report="事实清楚，证据确凿",
        penalty_kinds=["demolish"],
        correction_order=ORDER,
        demolish_area=D(area),
        demolish_days=days,
    )
    legal = case.approvals.get(decision="pending").kind == "case_legal_review"
    case = case_services.decide_review(case, by=p["reviewer" if legal else "leader"], decision="approved")
    if case.status == CaseStatus.DISCUSSION:
        case = case_services.decide_discussion(case, by=p["head"], decision="approved", opinion="同意")
    case = give_advance_notice(case, p["officer"])
    # The party let the 5 working days to ask for a hearing (Art. 64) pass.
    Case.objects.filter(pk=case.pk).update(hearing_request_due_at=timezone.now() - timedelta(minutes=1))
    case = case_services.request_decision(
        Case.objects.get(pk=case.pk),
        by=p["officer"],
        penalty_kinds=["demolish"],
        demolish_area=D(area),
        demolish_days=days,
        correction_order=ORDER,
        reason="拟责令限期拆除",
    )
    case = case_services.decide(case, by=p["head"], decision="approved", opinion="同意")
    decision = issue_document(case, "penalty_decision", by=p["officer"])
    record_service(
        decision, by=p["officer"], method="in_person", served_at=timezone.now(), recipient="当事人"
    )
    case = case_services.serve(Case.objects.get(pk=case.pk), by=p["officer"])
    return Demolition.objects.get(case=case)


def past_its_deadline(demolition, days=20):
    """Moves the party's deadline to `days` ago: a public notice may now be given (Art. 44)."""
    deadline = today() - timedelta(days=days)
    Demolition.objects.filter(pk=demolition.pk).update(
        deadline_on=deadline, deadline_at=calendar.end_of_day(deadline)
    )
    return Demolition.objects.get(pk=demolition.pk)


def order(unit, *, status=S.ORDERED, deadline_days=10, notice_deadline_days=None, party=None, **values):
    """An order to demolish made directly (for the list): its deadline `deadline_days` from today (negative:
    passed); a notice deadline likewise when given."""
    case = CaseFactory(
        unit=unit, status=CaseStatus.EXECUTING, served_at=timezone.now(), party=party or PartyFactory()
    )
    deadline = today() + timedelta(days=deadline_days)
    fields = {
        "case": case,
        "unit": unit,
        "status": status,
        "decision_number": f"禅城综执罚决字〔2026〕{case.pk}号",
        "area_ordered": D("20.00"),
        "deadline_on": deadline,
        "deadline_at": calendar.end_of_day(deadline),
    }
    if notice_deadline_days is not None:
        notice_deadline = today() + timedelta(days=notice_deadline_days)
        fields.update(
            notice_on=deadline + timedelta(days=1),
            notice_deadline_on=notice_deadline,
            notice_deadline_at=calendar.end_of_day(notice_deadline),
        )
    fields.update(values)
    return Demolition.objects.create(**fields)


def ids(response):
    return [row.pk for row in response.context["rows"]]


# --- the list ---------------------------------------------------------------------------------------------
def test_the_list_shows_the_orders_of_the_users_units_only(people, district_a, district_b, make_user):
    mine = order(district_a, party=PartyFactory(name="陈某某"))
    theirs = order(district_b)
    client = browser(people["officer"])
    response = client.get(LIST)
    assert response.status_code == 200
    assert ids(response) == [mine.pk]
    html = response.content.decode()
    assert mine.decision_number in html and "陈某某" in html and mine.case.number in html
    assert theirs.decision_number not in html
    assert mine.get_absolute_url() in html
    # Another district's order is not found, its page nor its steps.
    assert client.get(theirs.get_absolute_url()).status_code == 404
    step = reverse("penalties:demolition-step", args=[theirs.pk, "notice"])
    assert client.post(step, {"notice-notice_on": today().isoformat()}).status_code == 404
    other = browser(make_user("officer", unit=district_b, username="officer-b"))
    assert ids(other.get(LIST)) == [theirs.pk]


def test_the_list_filters_by_status_overdue_and_search(people, district_a):
    live = order(district_a, deadline_days=5)
    late = order(district_a, deadline_days=-3)
    noticed_late = order(district_a, status=S.NOTICED, deadline_days=-30, notice_deadline_days=-1)
    noticed = order(district_a, status=S.NOTICED, deadline_days=-30, notice_deadline_days=4)
    done = order(
        district_a,
        status=S.DEMOLISHED,
        deadline_days=-3,
        demolished_on=today(),
        area_demolished=D("20.00"),
        ended_at=timezone.now(),
        party=PartyFactory(name="黄某某"),
    )
    client = browser(people["officer"])
    # Live first, the nearest deadline first (the notice's once it is given); the ended last.
    assert ids(client.get(LIST)) == [late.pk, noticed_late.pk, noticed.pk, live.pk, done.pk]
    assert ids(client.get(LIST, {"overdue": "on"})) == [late.pk, noticed_late.pk]
    assert ids(client.get(LIST, {"status": "noticed"})) == [noticed_late.pk, noticed.pk]
    assert ids(client.get(LIST, {"status": "live"})) == [late.pk, noticed_late.pk, noticed.pk, live.pk]
    assert ids(client.get(LIST, {"status": "demolished"})) == [done.pk]
    assert ids(client.get(LIST, {"q": live.decision_number})) == [live.pk]
    assert ids(client.get(LIST, {"q": late.case.number.lower()})) == [late.pk]
    assert ids(client.get(LIST, {"q": "黄某"})) == [done.pk]
    assert ids(client.get(LIST, {"q": "无此人"})) == []
    response = client.get(LIST, {"status": "nonsense"})  # a bad filter finds nothing and says why
    assert response.status_code == 200 and ids(response) == []
    html = client.get(LIST).content.decode()
    assert html.count("demolition-row table-warning") == 2  # the two overdue rows are marked


def test_the_list_is_paginated(people, district_a):
    for _ in range(27):
        order(district_a)
    client = browser(people["officer"])
    first = client.get(LIST)
    assert len(first.context["rows"]) == 25 and first.context["page"].paginator.num_pages == 2
    assert len(client.get(LIST, {"page": "2"}).context["rows"]) == 2


def test_the_fines_list_links_to_the_orders(people):
    html = browser(people["officer"]).get(reverse("penalties:list")).content.decode()
    assert f'href="{LIST}"' in html


# --- an order's page ----------------------------------------------------------------------------------------
def test_the_notice_then_the_demolition_through_the_forms(people, category):
    demolition = served_demolition(people, category, area="35.50", days=15)
    assert demolition.status == S.ORDERED and demolition.area_ordered == D("35.50")
    client = browser(people["officer"])
    page = client.get(demolition.get_absolute_url())
    assert page.status_code == 200
    html = page.content.decode()
    assert demolition.case.get_absolute_url() in html and "35.50" in html
    # Before the party's own deadline has passed no public notice is offered (Art. 44); the whole area, today.
    assert page.context["notice_form"] is None and 'id="notice-panel"' not in html
    assert page.context["demolish_form"]["area"].value() == D("35.50")
    assert "Demolished by force (Art. 44)" in html

    demolition = past_its_deadline(demolition)
    # Then the notice today with the parameter's period, a last day on a holiday moved on (rules.notice_deadline).
    notice = client.get(demolition.get_absolute_url()).context["notice_form"]
    assert notice["notice_on"].value() == today()
    assert notice["deadline_on"].value() == rules.notice_deadline(today())
    assert rules.notice_deadline(today()) >= today() + timedelta(days=get_int("demolition_notice_days"))
    notice_deadline = today() + timedelta(days=10)
    step = reverse("penalties:demolition-step", args=[demolition.pk, "notice"])
    data = {
        "notice-notice_on": today().isoformat(),
        "notice-deadline_on": notice_deadline.isoformat(),
        "notice-note": "张贴于现场",
        "notice-version": demolition.version,
    }
    response = client.post(step, data, follow=True)
    assert response.status_code == 200
    assert "Public notice recorded." in response.content.decode()
    demolition.refresh_from_db()
    assert (demolition.status, demolition.notice_on, demolition.notice_deadline_on) == (
        S.NOTICED,
        today(),
        notice_deadline,
    )
    assert response.context["notice_form"] is None  # given once
    assert response.context["demolish_form"] is not None

    # The party demolished part of it himself: less than ordered is recorded with the reason.
    step = reverse("penalties:demolition-step", args=[demolition.pk, "demolish"])
    data = {
        "demolish-demolished_on": today().isoformat(),
        "demolish-area": "30.25",
        "demolish-version": demolition.version,
    }
    refused = client.post(step, data)
    assert refused.status_code == 400 and "say why" in refused.context["demolish_form"].errors["note"][0]
    response = client.post(step, {**data, "demolish-note": "其余5.25平方米经核实为合法建筑"}, follow=True)
    assert response.status_code == 200
    assert "Demolition recorded." in response.content.decode()
    demolition.refresh_from_db()
    assert (demolition.status, demolition.demolished_on, demolition.area_demolished) == (
        S.DEMOLISHED,
        today(),
        D("30.25"),
    )
    assert response.context["notice_form"] is None and response.context["demolish_form"] is None
    html = response.content.decode()
    how = html.split('demolition-demolished-on">')[1].split("</dd>")[0]
    assert how.endswith("by the party") and "30.25" in html
    # The timeline shows both steps.
    verbs = set(AuditEvent.objects.for_timeline(demolition).values_list("verb", flat=True))
    assert {"open_demolition", "give_notice", "record_demolished"} <= verbs
    assert 'id="timeline-title"' in html


def test_a_forced_demolition_too_early_is_refused_with_its_words_and_keeps_the_form(people, category):
    demolition = past_its_deadline(served_demolition(people, category))
    client = browser(people["officer"])
    client.post(
        reverse("penalties:demolition-step", args=[demolition.pk, "notice"]),
        {
            "notice-notice_on": today().isoformat(),
            "notice-deadline_on": (today() + timedelta(days=10)).isoformat(),
            "notice-version": demolition.version,
        },
    )
    demolition.refresh_from_db()
    assert demolition.status == S.NOTICED
    step = reverse("penalties:demolition-step", args=[demolition.pk, "demolish"])
    data = {
        "demolish-demolished_on": today().isoformat(),
        "demolish-area": "35.50",
        "demolish-by_force": "on",
        "demolish-note": "组织强制拆除",
        "demolish-version": demolition.version,
    }
    response = client.post(step, data)
    assert response.status_code == 400
    html = response.content.decode()
    assert "a forced demolition comes after that day (Administrative Coercion Law, Art. 44)" in html
    form = response.context["demolish_form"]
    assert form.is_bound and form["note"].value() == "组织强制拆除" and form["by_force"].value() is True
    assert "<details" in html and 'id="demolish-panel" open' in html
    demolition.refresh_from_db()
    assert demolition.status == S.NOTICED and demolition.area_demolished is None


def test_a_forced_demolition_once_art_44_allows_it(people, category):
    demolition = served_demolition(people, category, area="35.50")
    # Served 250 days ago: the periods to apply for reconsideration (60 days) and to sue (6 months) are over.
    Case.objects.filter(pk=demolition.case_id).update(served_at=timezone.now() - timedelta(days=250))
    demolition = past_its_deadline(demolition, days=60)
    client = browser(people["officer"])
    response = client.post(
        reverse("penalties:demolition-step", args=[demolition.pk, "notice"]),
        {
            "notice-notice_on": (today() - timedelta(days=40)).isoformat(),
            "notice-deadline_on": (today() - timedelta(days=30)).isoformat(),
            "notice-version": demolition.version,
        },
    )
    assert response.status_code == 302
    demolition.refresh_from_db()
    page = client.get(demolition.get_absolute_url())
    assert page.context["force_problem"] is None  # nothing holds it back any more
    response = client.post(
        reverse("penalties:demolition-step", args=[demolition.pk, "demolish"]),
        {
            "demolish-demolished_on": today().isoformat(),
            "demolish-area": "35.50",
            "demolish-by_force": "on",
            "demolish-version": demolition.version,
        },
        follow=True,
    )
    assert response.status_code == 200
    demolition.refresh_from_db()
    assert (demolition.status, demolition.area_demolished) == (S.FORCED, D("35.50"))
    how = response.content.decode().split('demolition-demolished-on">')[1].split("</dd>")[0]
    assert how.endswith("by force")


def test_a_notice_before_the_partys_deadline_is_refused(people, category):
    demolition = served_demolition(people, category, days=15)
    step = reverse("penalties:demolition-step", args=[demolition.pk, "notice"])
    response = browser(people["officer"]).post(
        step,
        {
            "notice-notice_on": today().isoformat(),
            "notice-deadline_on": (today() + timedelta(days=10)).isoformat(),
            "notice-version": demolition.version,
        },
    )
    assert response.status_code == 400
    assert "the public notice comes after that day (Administrative Coercion Law, Art. 44)" in (
        response.content.decode()
    )
    assert Demolition.objects.get(pk=demolition.pk).status == S.ORDERED


def test_a_bad_area_is_said_on_its_field(people, category):
    demolition = served_demolition(people, category)
    step = reverse("penalties:demolition-step", args=[demolition.pk, "demolish"])
    response = browser(people["officer"]).post(
        step,
        {
            "demolish-demolished_on": today().isoformat(),
            "demolish-area": "0",
            "demolish-version": demolition.version,
        },
    )
    assert response.status_code == 400
    assert response.context["demolish_form"].errors["area"] == [
        "Give the area demolished in square metres, e.g. 35.5 (at most two decimals)."
    ]
    assert Demolition.objects.get(pk=demolition.pk).status == S.ORDERED


def test_a_stale_version_is_409_and_keeps_what_was_typed(people, category):
    demolition = served_demolition(people, category)
    stale = demolition.version
    # Someone else changed the order after the page was opened.
    fresh = Demolition.objects.get(pk=demolition.pk)
    fresh.end_note = "现场核查"
    fresh.save_versioned()
    step = reverse("penalties:demolition-step", args=[demolition.pk, "demolish"])
    data = {
        "demolish-demolished_on": today().isoformat(),
        "demolish-area": "12.00",
        "demolish-version": stale,
    }
    response = browser(people["officer"]).post(step, data)
    assert response.status_code == 409
    assert "Someone else changed this record after you opened it." in response.content.decode()
    form = response.context["demolish_form"]
    assert form["area"].value() == "12.00"
    assert str(form["version"].value()) == str(stale + 1)  # sending it again applies it
    assert Demolition.objects.get(pk=demolition.pk).status == S.ORDERED


def test_a_viewer_without_a_handlers_role_gets_no_forms(people, category, make_user, district_a):
    demolition = served_demolition(people, category)
    reviewer = browser(people["reviewer"])
    page = reviewer.get(demolition.get_absolute_url())
    assert page.status_code == 200
    assert page.context["notice_form"] is None and page.context["demolish_form"] is None
    step = reverse("penalties:demolition-step", args=[demolition.pk, "demolish"])
    response = reviewer.post(
        step,
        {
            "demolish-demolished_on": today().isoformat(),
            "demolish-area": "35.50",
            "demolish-version": demolition.version,
        },
    )
    assert response.status_code == 403
    assert "Your role does not allow this step on an order to demolish." in response.content.decode()
    assert Demolition.objects.get(pk=demolition.pk).status == S.ORDERED


def test_the_noticed_order_offers_its_public_notice_document(people, category):
    from enforcement.documents.registry import specs_for

    demolition = served_demolition(people, category)
    client = browser(people["officer"])
    assert client.get(demolition.get_absolute_url()).status_code == 200  # with or without the paper's spec
    if not specs_for(Demolition):
        pytest.skip("the public notice's document is not registered")
    demolition = past_its_deadline(demolition)
    client.post(
        reverse("penalties:demolition-step", args=[demolition.pk, "notice"]),
        {
            "notice-notice_on": today().isoformat(),
            "notice-deadline_on": (today() + timedelta(days=10)).isoformat(),
            "notice-version": demolition.version,
        },
    )
    html = client.get(demolition.get_absolute_url()).content.decode()
    assert 'data-type="demolition_notice"' in html


# --- the case page's card ---------------------------------------------------------------------------------
def test_the_case_page_shows_the_order_to_demolish(people, category):
    demolition = served_demolition(people, category, area="35.50")
    response = browser(people["officer"]).get(demolition.case.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="demolition"' in html
    card = html[html.index('id="demolition"') :]
    card = card[: card.index("</section>")]
    assert "35.50" in card and demolition.get_absolute_url() in card
    assert "Ordered, for the party to demolish" in card and "The party's deadline" in card


def test_the_case_page_without_an_order_has_no_card(people, district_a):
    case = CaseFactory(unit=district_a)
    response = browser(people["officer"]).get(case.get_absolute_url())
    assert response.status_code == 200
    assert 'id="demolition"' not in response.content.decode()
