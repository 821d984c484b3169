from decimal import Decimal

import pytest

from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.files.testing import jpeg_bytes

JPEG = jpeg_bytes()


@pytest.fixture
def category(db):
    """A category the simple procedure may be used in, with its fine ranges (裁量基准)."""
    return ViolationCategoryFactory(
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


@pytest.fixture
def general_category(db):
    """A category decided only under the general procedure."""
    return ViolationCategoryFactory(
        code="C02",
        name="违法建设",
        name_en="Illegal construction",
        simple_procedure_allowed=False,
        fine_min_individual=Decimal("1000"),
        fine_max_individual=Decimal("200000"),
        fine_min_organisation=Decimal("1000"),
        fine_max_organisation=Decimal("500000"),
    )


@pytest.fixture(autouse=True)
def _fresh_caches():
    from django.core.cache import cache

    from enforcement.catalog.params import reset_cache

    cache.clear()
    reset_cache()
    yield
    cache.clear()


def give_notice(case, by, *, statement="当事人无异议"):
    """The advance notice as the law has it (Art. 44): issued, served on the party, then `notify`; and the
    party's statement recorded (Art. 45), so that the decision need not wait for the statement period."""
    from enforcement.documents.services import issue_document, record_service

    from .. import services

    document = issue_document(case, "advance_notice", by=by)
    record_service(document, by=by, method="in_person", recipient=case.party.name)
    case = services.notify(case, by=by)
    if statement:
        case = services.record_statement(case, by=by, statement=statement)
    return case


def pay_in_full(case, by):
    """What the bank received for the case's fine, recorded (penalties): its execution ends as paid, so the
    case may be proposed for closing."""
    from django.utils import timezone

    from penalties import services as penalties
    from penalties.models import Execution

    execution = Execution.objects.get(case_id=case.pk)
    owed = execution.money()["owed"]
    penalties.record_payment(
        execution, by=by, amount=owed, paid_on=timezone.localdate(), channel="bank", reference=f"T{case.pk}"
    )
    return type(case).objects.get(pk=case.pk)
