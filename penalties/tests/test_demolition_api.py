"""Orders to demolish over the API and on paper: the list (status, unit, overdue, the decision or case number)
with the m² demolished over all listed, the detail's figures and allowed actions, the public notice (公告,
行政强制法 Art. 44) refused before the decision's deadline and on a stale version, the demolition by the party
and by force, scope (404) and roles (403); the case's report and decision taking the area and the days through
the API; and the public notice's paper (限期拆除公告), issuable only once the notice is recorded."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.db.models import F
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from cases.documents import day_of
from cases.models import Case, CasePenalty, Party
from cases.tests.conftest import give_notice
from cases.tests.test_demolition_order import decided_and_served, notified
from cases.tests.test_services import walk
from enforcement.documents.models import Document
from enforcement.documents.services import ensure_pdf, issuable, issue_document
from enforcement.workflow.exceptions import TransitionNotAllowed
from penalties import demolitions, rules
from penalties.choices import DemolitionStatus
from penalties.models import Demolition

pytestmark = pytest.mark.django_db
D = Decimal
S = DemolitionStatus
LIST = "/api/v1/demolitions/"
ORDER = "限期拆除违法建筑"


def today():
    return timezone.localdate()


def url(demolition, step=""):
    return f"{LIST}{demolition.pk}/" + (f"{step}/" if step else "")


def ordered(p, category, *, area="35.5", days=30):
    """A general case decided with an order to demolish `area` m² within `days` and served now: its order open."""
    case, _paper = decided_and_served(p, notified(p, category, area=area, days=days), area=area, days=days)
    return Demolition.objects.get(case=case)


def aged(demolition, days):
    """Moves the order's history (and its case's service) `days` back, as if served `days` earlier."""
    delta = timedelta(days=days)
    Demolition.objects.filter(pk=demolition.pk).update(
        deadline_on=F("deadline_on") - delta,
        deadline_at=F("deadline_at") - delta,
        opened_at=F("opened_at") - delta,
    )
    Case.objects.filter(pk=demolition.case_id).update(served_at=F("served_at") - delta)
    return Demolition.objects.get(pk=demolition.pk)


def types(record, user):
    return [spec.type for spec in issuable(record, user)]


# --- the list and the detail -------------------------------------------------------------------------------
def test_the_list_filters_searches_and_totals_the_area_demolished(
    people, general_category, api_as, district_b
):
    p = people
    late = aged(ordered(p, general_category, area="35.5"), 40)  # its 30 days ended 10 days ago
    on_time = ordered(p, general_category, area="12.25")
    client = api_as(p["leader"])
    page = client.get(LIST).json()
    assert [row["id"] for row in page["results"]] == [late.pk, on_time.pk]  # the earliest deadline first
    assert page["area_demolished"] == "0.00"
    row = page["results"][0]
    assert (row["area_ordered"], row["status"], row["overdue"]) == ("35.50", S.ORDERED, True)
    assert row["case_number"] == late.case.number and row["decision_number"] == late.decision_number
    assert row["place"] == late.case.address and row["party_name"] == late.case.party.name
    assert page["results"][1]["overdue"] is False

    def ids(**query):
        return [row["id"] for row in client.get(LIST, query).json()["results"]]

    with CaptureQueriesContext(connection) as both:
        client.get(LIST)
    with CaptureQueriesContext(connection) as one:
        assert ids(q=late.case.number) == [late.pk]
    assert len(both) == len(one)  # no query per row
    assert ids(overdue="true") == [late.pk]
    assert ids(q=on_time.decision_number) == [on_time.pk]
    assert ids(q=late.case.number) == [late.pk]
    assert ids(status=S.NOTICED) == []
    assert ids(status="live") == [late.pk, on_time.pk]  # the list page's "still being carried out"
    assert ids(overdue="false") == ids(overdue="0") == [late.pk, on_time.pk]
    Party.objects.filter(pk=late.case.party_id).update(name="黄某某建材店")
    assert ids(q="某某建材") == [late.pk]  # part of the party's name, as the list page finds it
    assert ids(unit=district_b.pk) == []
    demolitions.record_demolished(on_time, by=p["officer"], demolished_on=today(), area=D("12.25"))
    assert ids(status=[S.DEMOLISHED, S.FORCED]) == [on_time.pk]
    assert ids(status=["live", S.DEMOLISHED]) == [late.pk, on_time.pk]
    assert client.get(LIST).json()["area_demolished"] == "12.25"
    assert client.get(LIST, {"status": S.ORDERED}).json()["area_demolished"] == "0.00"


def test_the_detail_has_the_figures_and_the_steps_allowed_now(people, general_category, api_as):
    p = people
    demolition = ordered(p, general_category, area="35.5", days=30)
    response = api_as(p["officer"]).get(url(demolition))
    assert response.status_code == 200
    body = response.json()
    assert response["ETag"] == f'W/"{body["version"]}"'
    assert body["case"] == demolition.case_id and body["case_number"] == demolition.case.number
    assert (body["area_ordered"], body["deadline_on"]) == ("35.50", demolition.deadline_on.isoformat())
    assert body["notice_on"] is None and body["area_demolished"] is None
    assert body["allowed_actions"] == ["demolished"]  # the notice only after the decision's deadline
    assert api_as(p["reviewer"]).get(url(demolition)).json()["allowed_actions"] == []  # not a handler
    # A day past the deadline, whatever it is: 30 days from today end on a holiday in some weeks (around New
    # Year 2027 the last day moves to 4 January, Art. 203), so a fixed 31 days back is not always past it.
    demolition = aged(demolition, (demolition.deadline_on - today()).days + 1)
    assert api_as(p["officer"]).get(url(demolition)).json()["allowed_actions"] == ["notice", "demolished"]


def test_another_district_sees_no_order_and_cannot_act_on_it(
    people, general_category, api_as, make_user, district_b
):
    demolition = aged(ordered(people, general_category), 40)
    stranger = api_as(make_user("officer", unit=district_b, username="officer-b"))
    assert stranger.get(LIST).json()["results"] == []
    assert stranger.get(url(demolition)).status_code == 404
    refused = stranger.post(url(demolition, "notice"), {"notice_on": today().isoformat()}, format="json")
    assert refused.status_code == 404
    assert Demolition.objects.get(pk=demolition.pk).status == S.ORDERED


def test_only_the_handlers_roles_act_and_nobody_opens_one_by_hand(people, general_category, api_as):
    demolition = aged(ordered(people, general_category), 40)
    head = api_as(people["reviewer"])
    assert (
        head.post(url(demolition, "notice"), {"notice_on": today().isoformat()}, format="json").status_code
        == 403
    )
    created = api_as(people["officer"]).post(LIST, {"case": demolition.case_id}, format="json")
    assert created.status_code == 405
    assert Demolition.objects.get(pk=demolition.pk).status == S.ORDERED


# --- the public notice (Art. 44) ---------------------------------------------------------------------------
def test_the_notice_before_the_decisions_deadline_is_refused_in_words(people, general_category, api_as):
    demolition = ordered(people, general_category, days=30)
    client = api_as(people["officer"])
    early = client.post(url(demolition, "notice"), {"notice_on": today().isoformat()}, format="json")
    assert early.status_code == 409
    assert "Art. 44" in early.json()["detail"] and "himself" in early.json()["detail"]
    missing = client.post(url(demolition, "notice"), {"deadline_on": today().isoformat()}, format="json")
    assert missing.status_code == 400 and "notice_on" in missing.json()
    last_day = client.post(url(demolition, "notice"), {"notice_on": "9999-12-31"}, format="json")
    assert last_day.status_code == 400 and "not in the future" in last_day.json()["notice_on"][0]
    fresh = Demolition.objects.get(pk=demolition.pk)
    assert (fresh.status, fresh.version, fresh.notice_on) == (S.ORDERED, demolition.version, None)


def test_the_notice_gives_its_deadline_default_ten_days_and_a_stale_version_is_409(
    people, general_category, api_as
):
    demolition = aged(ordered(people, general_category, days=30), 40)
    client = api_as(people["officer"])
    version = client.get(url(demolition)).json()["version"]
    stale = client.post(
        url(demolition, "notice"),
        {"notice_on": today().isoformat(), "version": version + 1},
        format="json",
    )
    assert stale.status_code == 409 and "Someone else changed" in stale.json()["detail"]
    response = client.post(
        url(demolition, "notice"),
        {"notice_on": today().isoformat(), "note": "现场张贴"},
        format="json",
        HTTP_IF_MATCH=f'W/"{version}"',
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["notice_on"]) == (S.NOTICED, today().isoformat())
    # demolition_notice_days (10) later, a last day on a weekend or holiday moved on (民法典 Art. 203)
    assert body["notice_deadline_on"] == rules.notice_deadline(today()).isoformat()
    assert rules.notice_deadline(today()) >= today() + timedelta(days=10)
    assert body["version"] == version + 1 and body["allowed_actions"] == ["demolished"]
    again = client.post(
        url(demolition, "notice"),
        {"notice_on": today().isoformat()},
        format="json",
        HTTP_IF_MATCH=f'"{version}"',
    )
    assert again.status_code == 409  # the version moved on


# --- demolished, by the party or by force ---------------------------------------------------------------------
def test_the_party_demolishes_it_and_a_bad_area_or_an_early_force_is_refused(
    people, general_category, api_as
):
    demolition = ordered(people, general_category, area="35.5")
    client = api_as(people["officer"])
    done = {"demolished_on": today().isoformat(), "area": "0"}
    zero = client.post(url(demolition, "demolished"), done, format="json")
    assert zero.status_code == 400 and "square metres" in zero.json()["area"][0]
    force = client.post(
        url(demolition, "demolished"), {**done, "area": "35.5", "by_force": True}, format="json"
    )
    assert force.status_code == 409 and "Art. 44" in force.json()["detail"]
    assert Demolition.objects.get(pk=demolition.pk).status == S.ORDERED
    response = client.post(
        url(demolition, "demolished"), {**done, "area": "35.5", "note": "当事人自行拆除"}, format="json"
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert (body["status"], body["area_demolished"], body["allowed_actions"]) == (S.DEMOLISHED, "35.50", [])
    assert body["ended_at"] is not None and "当事人自行拆除" in body["end_note"]
    twice = client.post(url(demolition, "demolished"), {**done, "area": "35.5"}, format="json")
    assert twice.status_code == 409 and "already ended" in twice.json()["detail"]


def test_by_force_once_the_notice_and_the_appeal_periods_have_passed(people, general_category, api_as):
    demolition = aged(ordered(people, general_category, area="35.5", days=30), 200)
    client = api_as(people["officer"])
    notice = {"notice_on": (today() - timedelta(days=30)).isoformat()}
    notice["deadline_on"] = (today() - timedelta(days=20)).isoformat()
    assert client.post(url(demolition, "notice"), notice, format="json").status_code == 200
    early = {"demolished_on": (today() - timedelta(days=25)).isoformat(), "area": "35.5", "by_force": True}
    refused = client.post(url(demolition, "demolished"), early, format="json")
    assert refused.status_code == 409 and "Art. 44" in refused.json()["detail"]
    forced = client.post(
        url(demolition, "demolished"),
        {"demolished_on": today().isoformat(), "area": "35.5", "by_force": True, "version": 2},
        format="json",
    )
    assert forced.status_code == 200, forced.json()
    assert (forced.json()["status"], forced.json()["area_demolished"]) == (S.FORCED, "35.50")


# --- the case's report and decision take the order through the API ------------------------------------------
def act(case, slug):
    return reverse(f"api:case-{slug}", args=[case.pk])


def test_the_case_report_and_decision_take_the_area_and_the_days(people, general_category, api_as):
    from cases import services

    p = people
    case = walk(p, general_category, "investigating")
    officer = api_as(p["officer"])
    report = {
        "report": "违法建设事实清楚",
        "penalty_kinds": ["demolish"],
        "demolish_area": "35.50",
        "demolish_days": 181,
        "correction_order": ORDER,
        "legal_basis": "《中华人民共和国城乡规划法》第四十条",
        "penalty_basis": "《中华人民共和国城乡规划法》第六十四条",
    }
    too_long = officer.post(act(case, "submit_report"), report, format="json")
    assert too_long.status_code == 400 and "from 1 to 180" in str(too_long.json())
    reported = officer.post(act(case, "submit_report"), {**report, "demolish_days": 30}, format="json")
    assert reported.status_code == 200, reported.json()
    [penalty] = reported.json()["penalties"]["notified"]
    assert (penalty["kind"], penalty["area"], penalty["deadline_days"]) == ("demolish", "35.50", 30)
    case = Case.objects.get(pk=case.pk)
    legal = case.approvals.get(decision="pending").kind == "case_legal_review"
    case = services.decide_review(case, by=p["reviewer" if legal else "leader"], decision="approved")
    case = give_notice(case, p["officer"])
    Case.objects.filter(pk=case.pk).update(hearing_request_due_at=timezone.now() - timedelta(minutes=1))
    proposal = {
        "penalty_kinds": ["demolish"],
        "demolish_area": "30.25",
        "demolish_days": 45,
        "correction_order": ORDER,
        "reason": "拟责令限期拆除",
    }
    heavier = officer.post(act(case, "request_decision"), {**proposal, "demolish_area": "40"}, format="json")
    assert heavier.status_code == 409 and "Art. 45" in heavier.json()["detail"]
    requested = officer.post(act(case, "request_decision"), proposal, format="json")
    assert requested.status_code == 200, requested.json()
    case = services.decide(Case.objects.get(pk=case.pk), by=p["head"], decision="approved", opinion="同意")
    decided = CasePenalty.objects.get(case=case, stage="decided", kind="demolish")
    assert (decided.area, decided.deadline_days) == (D("30.25"), 45)


# --- the public notice's paper (限期拆除公告) -------------------------------------------------------------------
def test_the_notice_paper_is_issuable_only_once_the_notice_is_recorded(people, general_category, api_as):
    p = people
    demolition = aged(ordered(p, general_category, area="35.5", days=30), 40)
    assert "demolition_notice" not in types(demolition, p["officer"])
    with pytest.raises(TransitionNotAllowed):
        issue_document(demolition, "demolition_notice", by=p["officer"])
    documents = reverse("api:demolition-documents", args=[demolition.pk])
    early = api_as(p["officer"]).post(documents, {"doc_type": "demolition_notice"}, format="json")
    assert early.status_code == 409 and "Art. 44" in early.json()["detail"]
    assert not Document.objects.of(demolition).exists()
    demolitions.give_notice(
        demolition, by=p["officer"], notice_on=today(), deadline_on=today() + timedelta(days=10)
    )
    demolition = Demolition.objects.get(pk=demolition.pk)
    assert types(demolition, p["officer"]) == ["demolition_notice"]
    assert "demolition_notice" not in types(demolition, p["reviewer"])  # not an issuing role
    listed = api_as(p["officer"]).get(documents).json()
    assert [row["type"] for row in listed["issuable"]] == ["demolition_notice"]
    issued = api_as(p["officer"]).post(documents, {"doc_type": "demolition_notice"}, format="json")
    assert issued.status_code == 201, issued.json()
    assert issued.json()["record"]["url"] == demolition.get_absolute_url()
    twice = api_as(p["officer"]).post(documents, {"doc_type": "demolition_notice"}, format="json")
    assert twice.status_code == 409  # once=True: one live notice paper per order
    demolitions.record_demolished(demolition, by=p["officer"], demolished_on=today(), area=D("35.5"))
    assert types(Demolition.objects.get(pk=demolition.pk), p["officer"]) == []


def test_the_notice_paper_states_the_area_the_place_and_the_deadline_in_chinese(people, general_category):
    p = people
    demolition = aged(ordered(p, general_category, area="35.5", days=30), 40)
    deadline = today() + timedelta(days=10)
    demolition = demolitions.give_notice(demolition, by=p["officer"], notice_on=today(), deadline_on=deadline)
    document = issue_document(demolition, "demolition_notice", by=p["officer"])
    values = document.values
    assert values["area"] == "35.50" and values["notice_deadline_on"] == day_of(deadline)
    assert (
        values["decision_number"] == demolition.decision_number and values["place"] == demolition.case.address
    )
    html = document.html
    assert "限期拆除公告" in html and "公告" in html
    assert f"限你（单位）于{day_of(deadline)}前自行拆除" in html
    assert "面积35.50平方米" in html and f"位于{demolition.case.address}的违法建筑" in html
    assert "逾期不拆除的，本局将依法强制拆除" in html and "第四十四条" in html
    assert "行政复议" in html and "行政诉讼" in html and "六十日" in html and "六个月" in html
    # Posted on site: the individual party's surname and 某, never the ID number, the address or the phone.
    party = demolition.case.party
    assert party.name[0] + "某" in html and party.name not in html
    for secret in (party.id_number, party.address, party.phone):
        assert not secret or secret not in html
    assert "demolition_notice" not in types(demolition, p["officer"])  # once
    assert ensure_pdf(document.pk).pdf_size > 0


def test_the_schema_has_the_orders_to_demolish(db):
    response = Client(HTTP_ACCEPT_LANGUAGE="en").get("/api/schema/", HTTP_ACCEPT="application/json")
    assert response.status_code == 200
    paths = response.json()["paths"]
    assert "/api/v1/demolitions/{id}/notice/" in paths and "/api/v1/demolitions/{id}/demolished/" in paths
    assert "post" not in paths["/api/v1/demolitions/"]
