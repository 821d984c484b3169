"""Bank statements (penalties/imports.py): a file is read whole or refused with its line number and nothing
recorded; lines are matched by payment code or decision number; re-importing records nothing twice;
unmatched and refused lines wait for a person."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from penalties import imports
from penalties.choices import ExecutionStatus
from penalties.models import Execution, LineStatus, Payment, StatementImport, StatementLine

from .conftest import age_execution, served_case

pytestmark = pytest.mark.django_db
D = Decimal


def csv(*rows):
    text = (
        "交易流水号,金额,交易日期,付款人,缴款码,决定书文号\n"
        + "\n".join(",".join(row) for row in rows)
        + "\n"
    )
    return text.encode("utf-8")


def test_a_statement_records_once_and_a_reimport_records_nothing(people, category, district_a):
    p = people
    first = Execution.objects.get(case=served_case(p, category, fine="400"))
    second = Execution.objects.get(case=served_case(p, category, fine="1000"))
    day = timezone.localdate().isoformat()
    data = csv(
        ("BK001", "150.00", day, "陈某", first.payment_code, ""),
        ("BK002", "250.00", day, "陈某", "", first.decision_number),  # by the decision number
        ("BK003", '"1,000.00"', day, "某公司", second.payment_code, ""),
        ("BK004", "88.00", day, "路人", "00000000000000000000", ""),  # nobody's
        ("BK005", "5.00", day, "陈某", first.payment_code, ""),  # more than owed: the fine is paid
    )
    record = imports.import_statement(
        data, "工商银行2026-12.csv", by=p["leader"], unit=district_a, channel="bank"
    )
    assert (record.lines, record.recorded, record.already, record.unmatched, record.refused) == (
        5,
        3,
        0,
        1,
        1,
    )
    first, second = Execution.objects.get(pk=first.pk), Execution.objects.get(pk=second.pk)
    assert first.status == second.status == ExecutionStatus.PAID
    assert first.money()["paid"] == D("400.00")
    problems = {line.reference: line for line in StatementLine.objects.filter(statement=record)}
    assert problems["BK004"].status == LineStatus.UNMATCHED and problems["BK004"].line_no == 5
    assert problems["BK005"].status == LineStatus.REFUSED
    assert "more than was owed" in problems["BK005"].message
    # The same file again: nothing recorded twice.
    again = imports.import_statement(
        data, "工商银行2026-12.csv", by=p["leader"], unit=district_a, channel="bank"
    )
    assert (again.recorded, again.already) == (0, 3)
    assert Payment.objects.count() == 3


def test_a_malformed_amount_refuses_the_whole_file_with_its_line(people, category, district_a):
    p = people
    execution = Execution.objects.get(case=served_case(p, category, fine="400"))
    day = timezone.localdate().isoformat()
    data = csv(
        ("BK101", "100.00", day, "陈某", execution.payment_code, ""),
        ("BK102", "12.345", day, "陈某", execution.payment_code, ""),
    )
    with pytest.raises(ValidationError) as info:
        imports.import_statement(data, "bank.csv", by=p["leader"], unit=district_a, channel="bank")
    assert "3" in " ".join(info.value.messages)  # line 3 as the clerk sees it in the file
    assert not Payment.objects.exists() and not StatementImport.objects.exists()
    wrong_column = "流水号,钱,日期,缴款码\nBK1,1,2026-12-01,1\n".encode()
    with pytest.raises(ValidationError):
        imports.import_statement(wrong_column, "bank.csv", by=p["leader"], unit=district_a, channel="bank")
    assert not Payment.objects.exists()


def test_lines_for_another_district_are_not_matched_and_the_surcharge_is_paid_too(
    people, category, district_a, make_user, district_b
):
    p = people
    execution = age_execution(Execution.objects.get(case=served_case(p, category, fine="1000")), 20)
    owed = execution.money()["owed"]
    assert owed > D("1000.00")  # late: the surcharge to date
    outsider = make_user("squad_leader", unit=district_b)
    day = timezone.localdate().isoformat()
    data = csv(("BK201", str(owed), day, "陈某", execution.payment_code, ""))
    record = imports.import_statement(data, "b.csv", by=outsider, unit=district_b, channel="bank")
    assert (record.recorded, record.unmatched) == (0, 1)
    record = imports.import_statement(data, "a.csv", by=p["leader"], unit=district_a, channel="bank")
    assert record.recorded == 1
    execution = Execution.objects.get(pk=execution.pk)
    assert execution.status == ExecutionStatus.PAID and execution.money()["surcharge_paid"] > 0


def test_a_person_resolves_an_unmatched_line_on_the_right_penalty(people, category, district_a):
    p = people
    execution = Execution.objects.get(case=served_case(p, category, fine="400"))
    day = timezone.localdate().isoformat()
    record = imports.import_statement(
        csv(("BK301", "400.00", day, "陈某", "", "写错的文号")),
        "c.csv",
        by=p["leader"],
        unit=district_a,
        channel="platform",
    )
    line = StatementLine.objects.get(statement=record)
    with pytest.raises(ValidationError):
        imports.resolve_line(line, by=p["leader"])  # neither a penalty nor a reason
    line = imports.resolve_line(line, by=p["leader"], execution=execution, note="文号笔误，核对当事人后确认")
    assert line.status == LineStatus.RESOLVED and line.payment.amount == D("400.00")
    assert Execution.objects.get(pk=execution.pk).status == ExecutionStatus.PAID
