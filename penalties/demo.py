"""Demo execution for `manage.py seed_demo` (after "cases.demo"): an on-the-spot fine of 200 yuan to be paid
at the bank, filed with the bureau, half of it already received — its execution waits for the rest. Taken
through the services; idempotent (recognised by its facts)."""

from decimal import Decimal

from django.utils import timezone

from cases import services as case_services
from cases.models import Case, Party
from enforcement.catalog.models import ViolationCategory
from enforcement.org.models import User

from . import services
from .models import Execution

FACTS = "在岭南大道人行道上摆卖水果，占道约3平方米，经劝导后整改。"


def seed():
    if Case.objects.filter(facts=FACTS).exists():
        return 0
    officer = User.objects.get(username="chancheng.officer")
    leader = User.objects.get(username="chancheng.squad_leader")
    party = Party.objects.filter(name="李建国").first() or case_services.register_party(
        by=officer, party_type="individual", name="陈志强", phone="13600003333"
    )
    case = case_services.decide_on_the_spot(
        by=officer,
        party=party,
        category=ViolationCategory.objects.get(code="0701"),
        facts=FACTS,
        address="禅城区岭南大道北45号",
        act_date=timezone.localdate(),
        penalty_kinds=["fine"],
        fine=Decimal("200"),
        correction_order="立即停止占道经营。",
    )
    case_services.acknowledge_filing(case, by=leader)
    execution = Execution.objects.get(case=case)
    services.record_payment(
        execution,
        by=officer,
        amount=Decimal("100"),
        paid_on=timezone.localdate(),
        channel="platform",
        reference="FS2026DEMO0001",
        note="当事人通过非税缴款平台缴纳部分罚款。",
    )
    return 1
