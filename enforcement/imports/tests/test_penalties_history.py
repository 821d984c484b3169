"""History of the money: a case line with the fine paid brings the fine's execution, ended as the old system
ended it, and the payment, so that the statistics' money collected counts the imported years — checked at
each rule's edge, on the ledger's own figures, and imported twice."""

import datetime
from decimal import Decimal

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone, translation

from cases import rules as case_rules
from cases.choices import PenaltyKind, PenaltyStage
from cases.models import Case, CasePenalty
from cases.rules import Proposal
from enforcement.audit.models import AuditEvent
from enforcement.imports import layouts
from enforcement.imports.services import start_import
from enforcement.stats import read
from enforcement.stats.compute import recompute
from enforcement.stats.measures import Period
from penalties import services as penalty_services
from penalties.choices import ExecutionStatus, PaymentChannel
from penalties.models import Execution, Instalment, Payment

from .conftest import csv_bytes, run, upload

MARCH, APRIL = Period.of(2025, 3), Period.of(2025, 4)
HEADER = [
    "外部编号",
    "案件编号",
    "程序",
    "当事人类型",
    "当事人",
    "类别",
    "承办单位",
    "违法地点",
    "违法日期",
    "违法事实",
    "登记时间",
    "处罚决定时间",
    "罚款金额",
    "已缴罚款",
    "缴款日期",
    "结案时间",
]
# Decided on Monday 3 March 2025: the 15 days to pay (Art. 67) end on Tuesday 18 March, and from the 19th
# the surcharge runs at 3 % of the fine a day (Art. 72), so a fine of 200 yuan owes 6 yuan more a day and
# reaches its cap, the fine itself, on the 34th day late: 21 April.
DECIDED = "2025-03-03 10:00"
CAP_DAY, EVE_OF_CAP = "2025-04-21", "2025-04-20"


def case_line(ref, *, fine="200", paid="", paid_on="", decided=DECIDED, closed="2025-06-30 09:00", number=""):
    return [
        ref,
        number,
        "简易程序",
        "个人",
        "李四",
        "ZDJY",
        "squad-a1",
        "中山路1号",
        "2025-03-03",
        "占道经营",
        "2025-03-03 00:00",  # registered
        decided,
        fine,
        paid,
        paid_on,
        closed,
    ]


def import_cases(user, *lines):
    return run(start_import(kind="cases", upload=upload(csv_bytes(lines, header=HEADER)), by=user))


def collected(unit, period):
    recompute(period)
    found = read.totals(unit, period, slugs=["fines_collected", "surcharges_collected"])
    return {slug: Decimal(found.get(slug) or 0) for slug in ("fines_collected", "surcharges_collected")}


def errors_of(job):
    return {(e["line"], e["column"], e["code"]) for e in job.errors}


def test_a_fine_paid_imports_the_execution_and_payment_and_the_month_counts_it(
    admin_a, squad_a, district_a, category
):
    job = import_cases(admin_a, case_line("AJ-1", paid="200", paid_on="2025-03-10"))

    assert (job.created, job.failed) == (1, 0), job.errors
    case = Case.objects.get(external_ref="AJ-1")
    execution = Execution.objects.get(case=case)
    assert (execution.status, execution.unit, execution.fine, execution.original_fine) == (
        ExecutionStatus.PAID,
        squad_a,
        Decimal("200.00"),
        Decimal("200.00"),
    )
    assert (execution.served_on, execution.due_on) == (datetime.date(2025, 3, 3), datetime.date(2025, 3, 18))
    assert (execution.decision_number, execution.payment_code) == (
        case.number,
        penalty_services.payment_code_for(case.pk),
    )
    assert execution.ended_at == case.closed_at
    assert (
        execution.fine_fen,
        execution.fine_paid_fen,
        execution.surcharge_paid_fen,
        execution.outstanding_fen,
    ) == (20000, 20000, 0, 0)
    assert Instalment.objects.get(execution=execution).outstanding_fen == 0
    payment = Payment.objects.get(execution=execution)
    assert (payment.channel, payment.reference, payment.amount, payment.paid_on, payment.recorded_by) == (
        PaymentChannel.BANK,
        "HX-AJ-1",
        Decimal("200.00"),
        datetime.date(2025, 3, 10),
        admin_a,
    )
    assert "history.csv" in payment.note and payment.surcharge_part == 0
    assert AuditEvent.objects.filter(
        content_type=ContentType.objects.get_for_model(Execution), object_id=str(execution.pk)
    ).exists()

    assert collected(district_a, MARCH)["fines_collected"] == Decimal("200")
    assert collected(district_a, APRIL)["fines_collected"] == 0


def test_a_partial_payment_ends_uncollectable_with_what_is_left(admin_a, squad_a, district_a, category):
    job = import_cases(
        admin_a,
        case_line("AJ-1", fine="500", paid="300.50", paid_on="2025-03-10"),
        case_line("AJ-2", fine="500", paid="0"),  # nothing paid: an execution, no payment
        case_line("AJ-3", fine="500"),  # nothing said of the money: no execution, as before
    )

    assert (job.created, job.failed) == (3, 0), job.errors
    partial = Execution.objects.get(case__external_ref="AJ-1")
    assert partial.status == ExecutionStatus.UNCOLLECTABLE
    assert "300.50" in partial.end_reason and "500" in partial.end_reason
    assert (partial.fine_paid_fen, partial.surcharge_paid_fen, partial.outstanding_fen) == (30050, 0, 19950)
    assert Instalment.objects.get(execution=partial).outstanding_fen == 19950
    # The stored state is what the ledger replays from the saved rows.
    state = penalty_services.replay(partial, upto=datetime.date(2025, 3, 10))
    assert (state.fine_paid_fen, state.fine_outstanding_fen, state.accrued_micro) == (
        partial.fine_paid_fen,
        partial.outstanding_fen,
        partial.accrued_micro,
    )
    unpaid = Execution.objects.get(case__external_ref="AJ-2")
    assert (unpaid.status, unpaid.fine_paid_fen, unpaid.outstanding_fen) == (
        ExecutionStatus.UNCOLLECTABLE,
        0,
        50000,
    )
    assert not unpaid.payments.exists()
    assert not Execution.objects.filter(case__external_ref="AJ-3").exists()
    assert collected(district_a, MARCH)["fines_collected"] == Decimal("300.50")


def test_twice_the_fine_is_the_most_a_fine_and_its_surcharge_make(admin_a, squad_a, district_a, category):
    job = import_cases(
        admin_a,
        case_line("AJ-1", paid="400", paid_on=CAP_DAY),
        case_line("AJ-2", paid="400.01", paid_on=CAP_DAY),
        case_line("AJ-3", paid="400", paid_on=EVE_OF_CAP),  # the surcharge was 198 yuan then
    )

    assert (job.created, job.failed) == (1, 2)
    assert errors_of(job) == {(3, "fine_paid", "paid_over_twice"), (4, "fine_paid", "paid_over_owed")}
    owed = next(e for e in job.errors if e["code"] == "paid_over_owed")
    assert owed["params"] == {"owed": "398.00"}
    execution = Execution.objects.get(case__external_ref="AJ-1")
    assert (execution.status, execution.fine_paid_fen, execution.surcharge_paid_fen) == (
        ExecutionStatus.PAID,
        20000,
        20000,
    )
    assert execution.payments.get().surcharge_part == Decimal("200.00")  # the fine first, then the surcharge
    assert collected(district_a, APRIL) == {
        "fines_collected": Decimal("200"),
        "surcharges_collected": Decimal("200"),
    }
    with translation.override("en"):
        words = layouts.error_message("cases", next(e for e in job.errors if e["line"] == 3))
    assert words.startswith("Line 3, “Fine paid”: more than twice the fine (400.00 yuan)")
    assert "never more than the fine" in words


def test_paid_on_the_day_of_the_decision_and_not_before(admin_a, squad_a, category):
    job = import_cases(
        admin_a,
        case_line("AJ-1", paid="200", paid_on="2025-03-03", decided="2025-03-03 23:59"),
        case_line("AJ-2", paid="200", paid_on="2025-03-02", decided="2025-03-03 00:00"),
    )

    assert (job.created, job.failed) == (1, 1)
    assert errors_of(job) == {(3, "paid_on", "before_decided")}
    assert Execution.objects.get(case__external_ref="AJ-1").status == ExecutionStatus.PAID


def test_the_other_refusals_of_the_money(admin_a, squad_a, category):
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    job = import_cases(
        admin_a,
        case_line("AJ-1", paid="200"),  # no day paid
        case_line("AJ-2", paid="200", paid_on=tomorrow),
        case_line("AJ-3", fine="", paid="200", paid_on="2025-03-10"),  # no fine
        case_line("AJ-4", decided="", paid="200", paid_on="2025-03-10"),  # no decision
        case_line("AJ-5", fine="0", paid="200", paid_on="2025-03-10"),
        case_line("AJ-6", paid_on="2025-03-10"),  # a day, no amount
    )

    assert (job.created, job.failed) == (0, 6)
    assert errors_of(job) == {
        (2, "paid_on", "paid_on_missing"),
        (3, "paid_on", "future"),
        (4, "fine_paid", "paid_without_fine"),
        (5, "fine_paid", "paid_without_fine"),
        (6, "fine_paid", "paid_without_fine"),
        (7, "paid_on", "paid_on_without_paid"),
    }
    assert not Execution.objects.exists() and not Case.objects.exists()


def test_importing_the_same_file_again_creates_nothing(admin_a, squad_a, category):
    lines = [
        case_line("AJ-1", paid="200", paid_on="2025-03-10"),
        case_line("AJ-2", fine="500", paid="100", paid_on="2025-03-10"),
    ]
    import_cases(admin_a, *lines)

    again = import_cases(admin_a, *lines)

    assert (again.created, again.skipped, again.failed) == (0, 2, 0)
    assert (Case.objects.count(), Execution.objects.count(), Instalment.objects.count()) == (2, 2, 2)
    assert Payment.objects.count() == 2


def test_the_template_has_the_money_after_the_fine():
    header = layouts.template_csv("cases").lstrip("\ufeff").splitlines()[0].split(",")
    fine = header.index("罚款金额")
    assert header[fine + 1 : fine + 3] == ["已缴罚款", "缴款日期"]


def test_references_alike_in_the_payments_64_characters_import_the_first_and_refuse_the_second(
    admin_a, squad_a, category
):
    """The payment's reference keeps 64 characters: HX- and the first 61 of the external reference. Two lines
    alike in those conflict on the payment, and the batch falls back to one line at a time."""
    same = "OLD-" + "9" * 57
    job = import_cases(
        admin_a,
        case_line(same + "1", paid="200", paid_on="2025-03-10", number="AJ2025001"),
        case_line(same + "2", paid="200", paid_on="2025-03-11", number="AJ2025002"),
    )

    assert (job.created, job.failed) == (1, 1)
    assert errors_of(job) == {(3, "number", "not_saved")}
    payment = Payment.objects.get()
    assert (payment.reference, payment.execution.case.external_ref) == ("HX-" + same, same + "1")
    assert (Case.objects.count(), Execution.objects.count(), Instalment.objects.count()) == (1, 1, 1)


# --- confiscations -------------------------------------------------------------------------------------------
CONFISCATION_HEADER = [*HEADER, "没收违法所得", "没收非法财物价值"]


def decided_line(ref, *, gains="", value="", procedure="一般程序", **given):
    line = case_line(ref, **given)
    line[2] = procedure
    return [*line, gains, value]


def import_decided(user, *lines):
    return run(
        start_import(kind="cases", upload=upload(csv_bytes(lines, header=CONFISCATION_HEADER)), by=user)
    )


def measures(unit, period, *slugs):
    recompute(period)
    found = read.totals(unit, period, slugs=list(slugs))
    return {slug: Decimal(found.get(slug) or 0) for slug in slugs}


def decided_penalties(ref):
    rows = CasePenalty.objects.filter(case__external_ref=ref, stage=PenaltyStage.DECIDED)
    return dict(rows.values_list("kind", "amount"))


def test_confiscations_count_in_the_month_of_the_decision(admin_a, squad_a, district_a, category):
    job = import_decided(
        admin_a,
        decided_line("AJ-1", gains="500", value="1200.50"),  # decided on 3 March, closed in June
        decided_line("AJ-2", fine="", gains="300", decided="2025-04-10 09:00"),  # a confiscation alone
        decided_line("AJ-3", gains="0", value="0"),  # 0: nothing confiscated
    )

    assert (job.created, job.failed) == (3, 0), job.errors
    assert decided_penalties("AJ-1") == {
        PenaltyKind.FINE: Decimal("200.00"),
        PenaltyKind.CONFISCATE_GAINS: Decimal("500.00"),
        PenaltyKind.CONFISCATE_PROPERTY: Decimal("1200.50"),
    }
    assert decided_penalties("AJ-2") == {PenaltyKind.CONFISCATE_GAINS: Decimal("300.00")}
    assert decided_penalties("AJ-3") == {PenaltyKind.FINE: Decimal("200.00")}
    assert measures(district_a, MARCH, "confiscations")["confiscations"] == Decimal("1700.50")
    assert measures(district_a, APRIL, "confiscations")["confiscations"] == Decimal("300")
    assert measures(district_a, Period.of(2025, 6), "confiscations")["confiscations"] == 0


def test_a_decided_fine_is_the_decisions_penalty_as_the_system_records_it(
    admin_a, squad_a, district_a, category
):
    """A general-procedure decision without decided penalties counts as no penalty (不予处罚): the imported
    fine is the decision's penalty row, read by the statistics and by the check of one fine per act."""
    job = import_decided(
        admin_a,
        decided_line("AJ-1"),
        decided_line("AJ-2", fine="0"),  # 0 is no fine
        decided_line("AJ-3", decided=""),  # not decided: a fine without a decision is no penalty
    )

    assert (job.created, job.failed) == (3, 0), job.errors
    assert decided_penalties("AJ-2") == decided_penalties("AJ-3") == {}
    case = Case.objects.get(external_ref="AJ-1")
    assert Proposal.of(case, PenaltyStage.DECIDED).fine == Decimal("200.00")
    assert measures(district_a, MARCH, "cases_decided", "cases_no_penalty") == {
        "cases_decided": 1,
        "cases_no_penalty": 1,
    }
    second = Case(party=case.party, category=case.category, act_date=case.act_date)  # the same act again
    assert case.number in case_rules.same_act_problem(second, [PenaltyKind.FINE])


def test_a_confiscation_without_a_decision_is_refused(admin_a, squad_a, category):
    job = import_decided(
        admin_a,
        decided_line("AJ-1", decided="", gains="500"),
        decided_line("AJ-2", decided="", value="80"),
        decided_line("AJ-3", decided="", gains="0", value="0"),  # nothing confiscated: nothing to refuse
    )

    assert (job.created, job.failed) == (1, 2)
    assert errors_of(job) == {
        (2, "confiscated_gains", "confiscated_without_decision"),
        (3, "confiscated_property", "confiscated_without_decision"),
    }
    assert not CasePenalty.objects.exists()
    with translation.override("zh-hans"):
        words = layouts.error_message("cases", next(e for e in job.errors if e["line"] == 3))
    assert words.startswith("第3行「没收非法财物价值」")
    with translation.override("en"):
        words = layouts.error_message("cases", next(e for e in job.errors if e["line"] == 2))
    assert words.startswith("Line 2, “Illegal gains confiscated”: a confiscation, but the line gives no")


def test_importing_the_confiscations_again_creates_nothing(admin_a, squad_a, district_a, category):
    lines = [decided_line("AJ-1", gains="500", value="80"), decided_line("AJ-2", fine="", value="60")]
    import_decided(admin_a, *lines)

    again = import_decided(admin_a, *lines)

    assert (again.created, again.skipped, again.failed) == (0, 2, 0)
    assert CasePenalty.objects.count() == 4
    assert measures(district_a, MARCH, "confiscations")["confiscations"] == Decimal("640")


def test_the_template_has_the_confiscations_after_the_day_paid():
    header = layouts.template_csv("cases").lstrip("\ufeff").splitlines()[0].split(",")
    paid_on = header.index("缴款日期")
    assert header[paid_on + 1 : paid_on + 3] == ["没收违法所得", "没收非法财物价值"]


def test_the_annual_summary_writes_the_imported_decisions_fines_and_confiscations(
    admin_a, squad_a, district_a, category
):
    """The year's cases paragraph as the bureaus write it, from the imported history alone."""
    from enforcement.stats import summary
    from enforcement.stats.compute import recompute_range

    header = [*CONFISCATION_HEADER, "立案时间"]
    lines = [
        [
            *decided_line("AJ-1", gains="500", value="1200.50", paid="200", paid_on="2025-03-10"),
            "2025-03-03 08:00",
        ],
        [*decided_line("AJ-2", fine="", gains="300", decided="2025-04-10 09:00"), "2025-04-01 09:00"],
        [*decided_line("AJ-3", fine="0"), "2025-03-03 08:00"],  # decided not to penalise (不予处罚)
    ]
    job = run(start_import(kind="cases", upload=upload(csv_bytes(lines, header=header)), by=admin_a))
    assert (job.created, job.failed) == (3, 0), job.errors
    recompute_range(Period.of(2025, 1), Period.of(2025, 12))

    with translation.override("zh-hans"):
        text = "\n".join(summary.write(district_a, 2025).paragraphs)
    assert "办理一般程序案件3件" in text
    assert "作出处罚决定2件，不予处罚1件" in text
    assert "决定罚款200元，没收违法所得及非法财物2000.5元，实收罚没款200元" in text
    with translation.override("en"):
        text = "\n".join(summary.write(district_a, 2025).paragraphs)
    assert "2 penalty decisions were made, 1 decided not to penalise" in text
    assert "illegal gains and property of 2,000.50 yuan confiscated" in text
