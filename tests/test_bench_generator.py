"""The benchmark's data generator at a tiny scale, so it cannot rot while the schema moves on. (The benchmark
itself, 2 million complaints, is run by hand: bench/README.md.)"""

import datetime as dt
import json
import re

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Count, Q, Sum
from django.utils import timezone

from bench.generate import DISTRICTS, GRIDS_PER_SQUADRON, SQUADRONS_PER_DISTRICT, cases_for, generate
from cases import rules
from cases.identity import credit_code_problem, id_number_problem
from cases.models import NUMBER_SCOPE as CASE_SCOPE
from cases.models import Case, CaseApproval, CaseEvidence, CasePenalty, Party
from complaints import policies
from complaints.choices import OPEN_STATUSES, ComplaintStatus
from complaints.models import NUMBER_SCOPE, Complaint
from enforcement.audit.models import AuditEvent
from enforcement.documents.models import NumberCounter
from enforcement.org.models import Grid, OrgUnit, User

S = ComplaintStatus
END = dt.datetime(2026, 11, 20, 18, 0, tzinfo=timezone.get_default_timezone())
START = END - dt.timedelta(days=round(365.25 * 3))


def _indexes():
    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT indexdef FROM pg_indexes WHERE tablename IN ('complaints_complaint', "
            "'audit_auditevent', 'cases_case', 'cases_party', 'cases_caseapproval', 'cases_caseevidence', "
            "'cases_casepenalty', 'complaints_complaintlink') ORDER BY indexname"
        )
        definitions = [row[0] for row in cursor.fetchall()]
        # ... and the statistics targets set on index columns (the search's bigram index has one).
        cursor.execute(
            "SELECT i.relname, a.attnum, a.attstattarget FROM pg_attribute a JOIN pg_class i "
            "ON i.oid = a.attrelid JOIN pg_index x ON x.indexrelid = i.oid WHERE x.indrelid IN "
            "('complaints_complaint'::regclass, 'audit_auditevent'::regclass) AND a.attstattarget >= 0 "
            "ORDER BY 1, 2"
        )
        return definitions, cursor.fetchall()


def test_generator_loads_a_consistent_city_and_is_deterministic(db):
    indexes_before = _indexes()
    if indexes_before:
        assert ("complaint_search_bigrams", 1, 1000) in indexes_before[1]
    summary = generate(2000, seed=7, end=END, fast=True, log=None)  # fast: the path the 2 M load takes

    assert _indexes() == indexes_before  # dropped for the load, recreated exactly
    squadrons = DISTRICTS * SQUADRONS_PER_DISTRICT
    assert OrgUnit.objects.count() == summary.units == 1 + DISTRICTS + squadrons
    assert Grid.objects.count() == squadrons * GRIDS_PER_SQUADRON
    assert User.objects.filter(role_assignments__isnull=True).count() == 0
    assert User.objects.get(username=summary.users["district_intake"]).check_password(
        summary.users["password"]
    )

    complaints = list(Complaint.objects.select_related("unit", "grid__unit", "merged_into", "intake_unit"))
    assert len(complaints) == summary.complaints == 2000
    by_status = dict(Complaint.objects.values_list("status").annotate(n=Count("id")))
    assert by_status == summary.by_status
    assert by_status[S.CLOSED] > 1600 and 0 < sum(by_status.get(s, 0) for s in OPEN_STATUSES) < 200
    counters = NumberCounter.objects.filter(scope=NUMBER_SCOPE, unit__isnull=True)
    assert sum(counters.values_list("last", flat=True)) == 2000
    tz = timezone.get_default_timezone()
    for c in complaints:
        assert c.number[2:10] == f"{timezone.localtime(c.received_at, tz):%Y%m%d}"
        assert START <= c.received_at <= END
        assert c.due_at == c.live_due_at(), c.number  # the contract: due_at is the live due moment
        assert c.accept_due_at is not None and c.accept_due_at > c.received_at
        # The generator's deadlines are the channel policies' (it memoises them for speed, not its own rules).
        assert c.accept_due_at == policies.accept_due(c), c.number
        assert c.grid.min_lat <= c.lat <= c.grid.max_lat and c.grid.min_lng <= c.lng <= c.grid.max_lng
        assert c.grid.unit.path.startswith(c.unit.path)  # the point lies in the responsible unit's area
        assert c.unit.path.startswith(c.intake_unit.path)
        if c.status in (S.CLOSED, S.REJECTED, S.MERGED):
            assert c.closed_at is not None and c.closed_at >= c.received_at
        if c.status in (S.REPLIED, S.VISITED, S.CLOSED) and not c.on_the_spot:
            assert c.replied_at and c.reply_text and c.replied_by_id and c.visit_due_at > c.replied_at
        if c.status == S.MERGED:
            assert c.merged_into.pk < c.pk and c.merged_into.category_id == c.category_id
        if c.is_anonymous:
            assert not (c.complainant_name or c.complainant_phone)

    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Complaint))
    assert events.count() == summary.events
    assert events.filter(action="create").values("object_id").distinct().count() == 2000
    assert not events.filter(at__gt=END).exists()
    # Nothing dangles (the fast path loads with foreign-key triggers off).
    assert not Complaint.objects.exclude(received_by__in=User.objects.all()).exists()
    assert not Complaint.objects.exclude(unit__in=OrgUnit.objects.all()).exists()
    assert (
        not Complaint.objects.filter(handler__isnull=False).exclude(handler__in=User.objects.all()).exists()
    )
    assert not events.exclude(actor__in=User.objects.all()).exists()

    _check_cases(summary)
    _check_penalties(summary)
    _check_campaigns(summary)

    again = generate(2000, seed=7, end=END, fast=True, log=None)
    assert again.digest == summary.digest  # complaints and cases alike


def _check_cases(summary):
    """The cases of the small run (500 with 2,000 complaints): the procedures' shares, valid identities,
    deadlines as the rules compute them, due_at the live one, approvals and evidence where they belong."""
    assert summary.cases == cases_for(2000) == 500 == Case.objects.count()
    by_procedure = dict(Case.objects.values_list("procedure").annotate(n=Count("id")))
    assert by_procedure == summary.case_counts["by_procedure"]
    assert 5 <= by_procedure["general"] <= 30 and by_procedure["simple"] >= 470  # about 97 / 3 %
    counters = NumberCounter.objects.filter(scope=CASE_SCOPE)
    assert sum(counters.values_list("last", flat=True)) == 500

    parties = list(Party.objects.all())
    assert 0.55 * 500 <= len(parties) <= 0.85 * 500  # about 70 % of cases a party of their own
    repeat = Party.objects.annotate(n=Count("cases")).filter(n__gt=1)
    assert repeat.exists()  # repeat offenders
    people = [p for p in parties if p.party_type == "individual"]
    organisations = [p for p in parties if p.party_type == "organisation"]
    assert people and organisations
    for p in people:
        assert id_number_problem(p.id_number) is None, p.id_number
        assert not p.credit_code
    for p in organisations:
        assert credit_code_problem(p.credit_code) is None, p.credit_code
        assert not p.id_number
    for p in parties:
        p.full_clean(exclude=["created_by"])  # the model's own validation (identities, party type)

    cases = list(Case.objects.select_related("party"))
    tz = timezone.get_default_timezone()
    for c in cases:
        assert c.number[2:10] == f"{timezone.localtime(c.registered_at, tz):%Y%m%d}"
        assert START <= c.registered_at <= END
        assert c.due_at == c.live_due_at(), c.number  # the contract, for simple and general cases alike
        if c.procedure == "simple":
            assert c.decided_at == c.registered_at and c.handler_id == c.registered_by_id
            assert c.bureau_filing_due_at == rules.bureau_filing_due(c.decided_at)
            if c.paid_on_spot:
                assert c.cash_due_at == rules.cash_handover_due(c.decided_at) and c.receipt_no
            if c.bureau_filed_at:
                assert c.bureau_filed_at > c.decided_at and c.bureau_filed_by_id != c.handler_id
            assert c.status in ("decided", "executing", "closed")
            continue
        assert c.filing_due_at == rules.filing_due(c.registered_at)
        if c.filed_at:
            assert c.decision_due_at == rules.decision_due(c.filed_at, c.extended_days)
        if c.decided_at and c.status != "no_penalty":
            assert c.filed_at < c.decided_at <= c.decision_due_at, c.number  # Art. 60
            assert c.service_due_at == rules.service_due(c.decided_at)
        if c.notified_at:
            assert c.hearing_request_due_at == rules.hearing_request_due(c.notified_at)
        if c.co_handler_id:
            assert c.co_handler_id != c.handler_id  # Art. 42: two officers
    general = [c for c in cases if c.procedure == "general"]
    assert {c.status for c in general} - {"lead"}  # spread over the statuses, not all stuck at the start

    approvals = list(CaseApproval.objects.select_related("case"))
    assert {a.kind for a in approvals} >= {"case_filing", "case_decision", "case_closing"}
    for a in approvals:
        assert a.decided_by_id != a.requested_by_id
        assert a.decided_by_id not in {a.case.handler_id, a.case.co_handler_id}  # separation of duties
        if a.decision != "pending":
            assert a.requested_at <= a.decided_at <= END
    decided_general = [c for c in general if c.decided_at and c.status != "no_penalty"]
    for c in decided_general:
        assert CasePenalty.objects.filter(case=c, stage="decided").exists()
        assert CasePenalty.objects.filter(case=c, stage="notified").exists()
        kinds = [a.kind for a in approvals if a.case_id == c.pk]
        assert "case_filing" in kinds and "case_decision" in kinds
    filed = [c for c in general if c.co_handler_id]
    assert all(CaseEvidence.objects.filter(case=c).count() in (1, 2, 3) for c in filed)
    assert CaseEvidence.objects.filter(case__procedure="simple").exists()
    assert (
        CasePenalty.objects.filter(case__procedure="simple", stage="decided").count()
        == by_procedure["simple"]
    )

    events = AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(Case))
    assert events.filter(action="create").values("object_id").distinct().count() == 500
    assert AuditEvent.objects.filter(root_content_type=ContentType.objects.get_for_model(Case)).exists()
    # Nothing dangles (the fast path loads with foreign-key triggers off).
    assert not Case.objects.exclude(party__in=Party.objects.all()).exists()
    assert not Case.objects.exclude(unit__in=OrgUnit.objects.all()).exists()
    assert (
        not Case.objects.filter(complaint__isnull=False)
        .exclude(complaint__in=Complaint.objects.all())
        .exists()
    )
    assert not CaseApproval.objects.exclude(case__in=Case.objects.all()).exists()
    assert not CaseEvidence.objects.exclude(uploaded_by__in=User.objects.all()).exists()


def _check_penalties(summary):
    """The penalties stage: one execution per case with a fine not paid in cash, its stored state the
    ledger's replay of its history (and the SQL figures the same as Python's), the closed cases paid,
    reviews and seizures where they belong."""
    from penalties import services
    from penalties.models import Execution, Review, SeizedItem, Seizure

    counts = summary.penalties
    owing = Case.objects.filter(fine_decided__gt=0, served_at__isnull=False, paid_on_spot=False).exclude(
        procedure="general", status__in=["decided", "revoked"]
    )
    assert Execution.objects.count() == counts["executions"] == owing.count() > 0
    today = timezone.localdate(END)
    executions = Execution.objects.with_money(today).select_related("case").prefetch_related("instalments")
    by_status = {}
    for e in executions:
        by_status[e.status] = by_status.get(e.status, 0) + 1
        state = services.replay(e, upto=today)  # raises Overpayment if a payment was above what was owed
        assert (e.fine_paid_fen, e.surcharge_paid_fen) == (state.fine_paid_fen, state.surcharge_paid_fen)
        assert e.outstanding_fen == state.fine_outstanding_fen, e.pk
        assert e.surcharge_fen == state.surcharge_fen(today) == e.state().surcharge_fen(today), e.pk
        assert e.owed_fen == state.owed_fen(today), e.pk
        if e.status == "revoked":  # nothing owed once revoked (what was paid is refunded)
            assert state.stopped and e.case.reviews.filter(outcome="revoked").exists(), e.pk
        else:
            assert (e.status == "paid") == (state.owed_fen(today) == 0), e.pk
        assert e.due_on >= e.served_on and e.case.unit_id == e.unit_id
        if e.status == "paid":
            assert e.ended_at is not None and e.payments.exists()
    assert by_status == counts["by_status"]
    assert by_status.get("awaiting") and by_status.get("paid")
    for review in Review.objects.select_related("case"):
        assert review.case.procedure == "general" and review.filed_on >= timezone.localdate(
            review.case.served_at
        )
    assert Seizure.objects.count() == counts["seizures"] == round(Case.objects.count() * 0.01)
    assert SeizedItem.objects.count() == counts["seized_items"] >= counts["seizures"]
    for seizure in Seizure.objects.all():
        assert seizure.limit_on > seizure.seized_on
        assert (seizure.status == "held") == (seizure.ended_at is None)
    _check_penalty_steps(counts)


def test_penalties_stage_at_a_larger_scale(db):
    """8,000 cases (240 general): every new kind of record of the penalties stage at least once — court
    applications and enforcement, varied and revoked decisions, orders to demolish in each status, published
    decisions withdrawn — with the figures the app computes."""
    summary = generate(2000, seed=7, end=END, fast=True, log=None, cases=8000)
    counts = summary.penalties
    _check_penalties(summary)
    _check_penalty_steps(counts)
    assert counts["by_status"].get("court_applied") and counts["by_status"].get("enforced")
    assert counts["reviews_by_outcome"].get("varied") and counts["reviews_by_outcome"].get("revoked")
    assert {"ordered", "noticed", "demolished", "forced"} <= set(counts["demolitions_by_status"])
    assert counts["withdrawn"] > 0


def _check_penalty_steps(counts):
    """Court applications, reviews' outcomes, orders to demolish, publications and the steps' audit events:
    consistent with the models' constraints, the rules' deadlines and each other."""
    from penalties import rules
    from penalties.models import Demolition, Execution, Instalment, Payment, Publication, Review

    tz = timezone.get_default_timezone()
    today = timezone.localdate(END)

    def day(moment):
        return timezone.localtime(moment, tz).date()

    # The court (行政强制法 Art. 53-54): in the window, after the demand's 10 working days; the ruling after.
    court_or_reviewed = Q(court_applied_at__isnull=False) | Q(case__reviews__isnull=False)
    sample = list(Execution.objects.filter(court_or_reviewed).distinct()) + list(
        Execution.objects.all()[:200]
    )
    for e in sample:
        last = rules.last_outcome_on(e.case)
        opens, closes = rules.court_window(e.case.served_at, last)
        assert (e.court_window_opens_on, e.court_window_closes_on, e.court_due_at) == (
            opens,
            day(closes),
            closes,
        )
        if e.status in ("court_applied", "enforced"):
            assert e.court and e.court_reference and e.demand_due_at < e.court_applied_at <= END, e.pk
            assert opens <= day(e.court_applied_at) <= day(closes), e.pk
            assert not e.payments.filter(paid_on__gt=day(e.court_applied_at)).exists()
        else:
            assert not (e.court or e.court_applied_at), e.pk
        if e.status == "enforced":
            assert e.court_applied_at < e.ended_at <= END and e.end_reason
    # Reviews: a varied one lowered the fine in force, with a schedule of its own from the outcome.
    for review in Review.objects.exclude(outcome="pending").select_related("case"):
        assert review.filed_on <= review.outcome_on <= today
        execution = Execution.objects.filter(case=review.case).first()
        if review.outcome == "varied":
            assert execution is not None and 0 < review.varied_fine < execution.original_fine
            assert execution.fine == review.varied_fine
            current = Instalment.objects.get(execution=execution, current=True)
            assert current.schedule_fine == review.varied_fine and current.effective_on == review.outcome_on
        else:
            assert review.varied_fine is None
        if review.outcome == "revoked" and execution is not None:
            assert execution.status == "revoked" and execution.ended_at is not None
            assert not execution.payments.filter(paid_on__gt=review.outcome_on).exists()

    # Orders to demolish: one per served decision ordering one, its dates in the order Art. 44 sets.
    orders = CasePenalty.objects.filter(stage="decided", kind="demolish", case__served_at__isnull=False)
    demolitions = list(Demolition.objects.select_related("case"))
    assert len(demolitions) == counts["demolitions"] == orders.count() > 0
    by_status = {}
    for d in demolitions:
        by_status[d.status] = by_status.get(d.status, 0) + 1
        order = orders.get(case=d.case)
        assert order.area == d.area_ordered and 5 <= d.area_ordered <= 800 and 7 <= order.deadline_days <= 60
        assert d.deadline_at == rules.demolition_deadline(d.case.served_at, order.deadline_days), d.pk
        assert d.deadline_on == day(d.deadline_at) and d.opened_at == d.case.served_at
        assert d.unit_id == d.case.unit_id and d.decision_number == d.case.number
        if d.notice_on:
            assert d.deadline_on < d.notice_on < d.notice_deadline_on <= day(d.notice_deadline_at)
            assert d.notice_on <= today
        assert (d.status in ("demolished", "forced")) == (d.demolished_on is not None), d.pk
        assert (d.status in ("demolished", "forced")) == (d.area_demolished is not None), d.pk
        assert (d.status in ("ordered", "noticed")) == (d.ended_at is None), d.pk
        assert (d.status == "noticed") == (d.notice_on is not None and d.ended_at is None), d.pk
        if d.demolished_on:
            assert (
                day(d.case.served_at) < d.demolished_on <= today and 0 < d.area_demolished <= d.area_ordered
            )
        if d.status == "forced":  # after the notice's deadline, the appeal periods and six months
            assert d.notice_on and d.demolished_on > d.notice_deadline_on
            before = d.case.reviews.exclude(outcome="pending").filter(outcome_on__lt=d.demolished_on)
            last = before.order_by("-outcome_on").values_list("outcome_on", flat=True).first()
            assert d.demolished_on > day(rules.appeal_windows_close(d.case.served_at, last)), d.pk
            assert d.demolished_on > day(d.case.served_at) + dt.timedelta(days=182)
            assert not d.case.reviews.filter(filed_on__lte=d.demolished_on, outcome="pending").exists()
        if d.status == "revoked":
            assert d.case.reviews.filter(outcome="revoked", outcome_on__lte=day(d.ended_at)).exists()
        if d.case.status in ("closed", "archived"):  # the case closes once the structure is down
            assert not d.is_live and d.ended_at <= d.case.closed_at, d.pk
    assert by_status == counts["demolitions_by_status"]
    # Mostly the whole structure down.
    down = [d for d in demolitions if d.area_demolished is not None]
    assert sum(d.area_demolished == d.area_ordered for d in down) >= 0.7 * len(down)

    # Publications (Art. 48): after the decision, redacted; withdrawn within 3 working days of a change.
    publications = list(Publication.objects.select_related("case__party"))
    assert len(publications) == counts["publications"] > 0
    for p in publications:
        assert p.case.decided_at < p.published_at <= END and p.values["decision_number"] == p.case.number
        party = p.case.party
        if party.party_type == "individual" and len(party.name) > 1:
            assert party.name not in json.dumps(p.values, ensure_ascii=False)
        assert p.values["penalties"], p.pk
        if p.status == "withdrawn":
            assert p.published_at < p.withdrawn_at <= p.withdraw_due_at and p.withdraw_reason
            assert p.case.reviews.filter(outcome__in=["varied", "revoked", "declared_unlawful"]).exists()
        else:
            assert p.withdrawn_at is None
    assert sum(p.status == "withdrawn" for p in publications) == counts["withdrawn"]

    # The steps' audit events, as the services write them.
    def events(model, verb):
        return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(model), verb=verb)

    case_type = ContentType.objects.get_for_model(Case)
    assert events(Execution, "open_execution").count() == Execution.objects.count()
    assert events(Execution, "record_payment").count() == Payment.objects.count() == counts["payments"]
    assert events(Execution, "apply_to_court").count() == Execution.objects.exclude(court="").count()
    assert events(Review, "file_review").count() == Review.objects.count()
    assert events(Review, "review_outcome").count() == Review.objects.exclude(outcome="pending").count()
    assert events(Demolition, "open_demolition").count() == len(demolitions)
    assert events(Demolition, "record_demolished").count() == len(down)
    assert events(Demolition, "give_notice").count() == sum(d.notice_on is not None for d in demolitions)
    assert events(Publication, "publish").count() == len(publications)
    assert not events(Demolition, "open_demolition").exclude(root_content_type=case_type).exists()
    penalty_events = AuditEvent.objects.filter(
        content_type__in=[
            ContentType.objects.get_for_model(m) for m in (Execution, Review, Demolition, Publication)
        ]
    )
    assert penalty_events.count() == counts["events"] and not penalty_events.filter(at__gt=END).exists()
    assert not penalty_events.exclude(actor__in=User.objects.all()).exists()
    paid = set(
        events(Execution, "record_payment").filter(after__status="paid").values_list("object_id", flat=True)
    )
    assert {str(pk) for pk in Execution.objects.filter(status="paid").values_list("pk", flat=True)} <= paid
    assert paid <= {
        str(pk)
        for pk in Execution.objects.filter(status__in=["paid", "revoked"]).values_list("pk", flat=True)
    }


def test_campaigns_stage_at_a_larger_scale(db):
    """12 campaigns and 2,000 items on 2,000 cases: every status of an item, escalations linked to cases of
    the item's unit, and the stage alone (`--campaigns-only`) gives the same rows again."""
    from bench.generate import generate_campaigns

    summary = generate(2000, seed=7, end=END, fast=True, log=None, cases=2000, campaigns=12, items=2000)
    counts = summary.campaigns
    _check_campaigns(summary)
    assert set(counts["items_by_status"]) == {"found", "noticed", "rectified", "not_rectified", "escalated"}
    assert counts["escalated"] > 0
    again = generate_campaigns(seed=7, end=END, log=None, campaigns=12, items=2000)  # on its own, twice
    assert again["digest"] == counts["digest"]
    _check_campaigns(summary)  # the earlier run's rows and events replaced, not added to


def _check_campaigns(summary):
    """The campaigns stage: campaigns led by a district with its squadrons, goals the kind allows, logs in the
    period by a unit taking part, items inside their grid with statuses consistent with their dates and
    their cases, and the services' audit events."""
    from bench.generate import LOG_MEANS, MEASURE_WORDS
    from campaigns import measures
    from campaigns.models import Campaign, CampaignGoal, CampaignUnit, FieldLog, FieldLogValue
    from campaigns.models import RectificationItem as Item
    from campaigns.services import progress
    from enforcement.workdays import calendar

    for kind, means in LOG_MEANS.items():  # the generator logs only what the kind's measures allow
        assert set(means) <= {m.slug for m in measures.for_kind(kind)} and set(means) <= set(MEASURE_WORDS)
    counts = summary.campaigns
    tz = timezone.get_default_timezone()
    end_day = timezone.localdate(END)
    campaigns = list(Campaign.objects.select_related("lead_unit").prefetch_related("grids"))
    assert len(campaigns) == counts["campaigns"] >= 8
    by_status = dict(Campaign.objects.values_list("status").annotate(n=Count("id")))
    assert by_status == counts["by_status"] and by_status.get("concluded") and by_status.get("planned")
    counters = NumberCounter.objects.filter(scope="campaign")
    assert sum(counters.values_list("last", flat=True)) == len(campaigns)
    units_of, grids_of = {}, {}
    for c in campaigns:
        assert re.fullmatch(rf"ZX{c.starts_on.year}\d{{4}}", c.number), c.number
        assert c.lead_unit.level == "district" and c.starts_on <= c.ends_on
        units = set(CampaignUnit.objects.filter(campaign=c).values_list("unit_id", flat=True))
        squadrons = OrgUnit.objects.filter(pk__in=units - {c.lead_unit_id})
        assert c.lead_unit_id in units and 2 <= squadrons.count() <= 6
        assert all(u.parent_id == c.lead_unit_id for u in squadrons)
        units_of[c.pk] = units
        grids_of[c.pk] = {g.pk: g for g in c.grids.all()}
        assert grids_of[c.pk] and all(g.unit_id in units for g in grids_of[c.pk].values())
        kind_measures = {m.slug for m in measures.for_kind(c.kind)}
        goals = list(CampaignGoal.objects.filter(campaign=c))
        assert goals and any(g.unit_id is None for g in goals)
        for g in goals:
            assert g.measure in kind_measures and g.target > 0 and (g.unit_id is None or g.unit_id in units)
        if c.status == "planned":
            assert c.starts_on > end_day and c.started_at is None
            assert (
                not FieldLog.objects.filter(campaign=c).exists()
                and not Item.objects.filter(campaign=c).exists()
            )
        else:
            assert c.starts_on <= end_day and c.started_at is not None
        if c.status == "concluded":
            assert c.ends_on < end_day and c.summary and c.ends_on < timezone.localdate(c.ended_at, tz)
        if c.status in ("concluded", "cancelled"):
            assert c.started_at < c.ended_at <= END
        if c.status == "active":
            assert c.ended_at is None
        assert c.created_at <= END
    # Field logs: a squadron taking part, a day of the period before the end, values the kind logs.
    logs = list(FieldLog.objects.select_related("campaign"))
    assert len(logs) == counts["logs"] > 0
    logged_days = set()
    for log in logs:
        c = log.campaign
        assert log.unit_id in units_of[c.pk] and log.unit_id != c.lead_unit_id
        assert c.starts_on <= log.day <= c.ends_on and log.day < end_day and log.logged_at <= END
        if c.ended_at:
            assert log.day <= timezone.localdate(c.ended_at, tz)
        logged_days.add((c.pk, log.unit_id, log.day))
    assert FieldLogValue.objects.count() == counts["values"]
    for value in FieldLogValue.objects.select_related("log__campaign")[:3000]:
        measure = measures.get(value.measure)
        assert measure.uses(value.log.campaign.kind) and value.value > 0
        assert value.value == value.value.quantize(measure.step)
    # Items: inside one of the campaign's grids of their unit, on a day the unit logged, statuses by date.
    items = list(Item.objects.select_related("grid", "case", "campaign"))
    assert len(items) == sum(counts["items_by_status"].values()) == counts["items"]
    escalated = 0
    for i in items:
        c = i.campaign
        assert i.unit_id in units_of[c.pk] and i.grid_id in grids_of[c.pk] and i.grid.unit_id == i.unit_id
        assert i.grid.min_lat < i.lat < i.grid.max_lat and i.grid.min_lng < i.lng < i.grid.max_lng
        assert Grid.objects.containing(i.lat, i.lng) == i.grid
        assert (c.pk, i.unit_id, i.found_on) in logged_days and i.found_on <= end_day
        assert i.created_at <= END and i.description and i.address
        if i.status == "found":
            assert i.noticed_at is None and i.deadline_on is None and i.recheck_due_at is None
            continue
        noticed_on = timezone.localdate(i.noticed_at, tz)
        assert i.found_on <= noticed_on <= end_day and i.noticed_at <= END and i.requirement
        assert noticed_on < i.deadline_on <= noticed_on + dt.timedelta(days=90)  # rectification_max_days
        assert i.recheck_due_at == calendar.end_of_day(i.deadline_on)
        if i.status == "noticed":
            assert i.rechecked_on is None and not i.recheck_result and i.case_id is None
            continue
        assert i.deadline_on <= i.rechecked_on < end_day and i.noticed_at <= i.rechecked_at <= END
        assert i.recheck_result == ("rectified" if i.status == "rectified" else "not_rectified")
        if i.status == "escalated":
            escalated += 1
            case = i.case
            assert case.unit_id == i.unit_id and i.rechecked_at < case.registered_at == i.escalated_at <= END
            assert (i.party_id, i.category_id) == (case.party_id, case.category_id)
            assert i.party_name == case.party.name
        else:
            assert i.case_id is None and i.escalated_at is None
    assert escalated == counts["escalated"] == counts["items_by_status"].get("escalated", 0)
    overdue = Item.objects.overdue(now=END)
    assert overdue.count() == sum(1 for i in items if i.status == "noticed" and i.recheck_due_at < END)
    # Progress against the goals: the logged sums.
    concluded = next(c for c in campaigns if c.status == "concluded")
    figures = progress(concluded)
    logged = dict(
        FieldLogValue.objects.filter(log__campaign=concluded).values_list("measure").annotate(n=Sum("value"))
    )
    assert {row["measure"].slug: row["total"] for row in figures["measures"] if row["total"]} == logged

    # The audit events, as the services write them.
    def events(model, verb):
        return AuditEvent.objects.filter(content_type=ContentType.objects.get_for_model(model), verb=verb)

    campaign_type = ContentType.objects.get_for_model(Campaign)
    assert events(Campaign, "plan_campaign").count() == len(campaigns)
    assert events(Campaign, "start").count() == sum(c.started_at is not None for c in campaigns)
    assert events(Campaign, "conclude").count() == by_status["concluded"]
    assert events(FieldLog, "log_field_work").filter(root_content_type=campaign_type).count() == len(logs)
    assert events(Item, "register_item").filter(root_content_type=campaign_type).count() == len(items)
    assert events(Item, "issue_notice").count() == sum(i.noticed_at is not None for i in items)
    assert events(Item, "recheck").count() == sum(i.rechecked_at is not None for i in items)
    assert events(Item, "escalate").count() == escalated
    campaign_events = AuditEvent.objects.filter(
        content_type__in=[ContentType.objects.get_for_model(m) for m in (Campaign, FieldLog, Item)]
    )
    assert campaign_events.count() == counts["events"] and not campaign_events.filter(at__gt=END).exists()
    assert not campaign_events.exclude(actor__in=User.objects.all()).exists()
