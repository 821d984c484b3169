"""Demo cases for `manage.py seed_demo`: on-the-spot decisions and general-procedure cases in 禅城 at several
steps, taken through the services by the demo users (so numbers, deadlines, approvals, documents and timelines
are real). Idempotent: each case is recognised by its facts and created only if missing. Needs the demo city
(enforcement.org.demo) and catalogue."""

from datetime import timedelta
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from enforcement.catalog.models import ViolationCategory
from enforcement.documents.services import issue_document, record_service
from enforcement.org.models import User

from . import services
from .identity import credit_code_check_char, id_number_check_char
from .models import Case


def _id_number(first17):
    return first17 + id_number_check_char(first17)


def _credit_code(first17):
    return first17 + credit_code_check_char(first17)


PARTIES = {
    "li": {
        "party_type": "individual",
        "name": "李建国",
        "id_number": _id_number("44060419850312451"),
        "phone": "13600001111",
        "address": "禅城区祖庙路22号",
    },
    "zhou": {
        "party_type": "individual",
        "name": "周海燕",
        "id_number": _id_number("44060219900705362"),
        "phone": "13700002222",
        "address": "禅城区汾江中路8号",
    },
    "shop": {
        "party_type": "organisation",
        "name": "佛山市禅城区鸿福餐饮有限公司",
        "credit_code": _credit_code("91440604MA4UJ7K2X"),
        "legal_representative": "吴志明",
        "phone": "0757-83330000",
        "address": "禅城区季华五路33号",
    },
}


def _photo():
    from enforcement.files.testing import jpeg_bytes

    return SimpleUploadedFile("现场照片.jpg", jpeg_bytes(), content_type="image/jpeg")


def _user(name):
    return User.objects.get(username=f"chancheng.{name}")


def seed():
    officer, officer2, leader = _user("officer"), _user("officer2"), _user("squad_leader")
    reviewer, head = _user("legal_reviewer"), _user("bureau_head")
    parties = {key: services.register_party(by=officer, **data) for key, data in PARTIES.items()}
    vending = ViolationCategory.objects.get(code="0701")
    shopfront = ViolationCategory.objects.get(code="0702")
    roads = ViolationCategory.objects.get(code="0401")
    today = timezone.localdate()
    created = 0

    def missing(facts):
        return not Case.objects.filter(facts=facts).exists()

    # On the spot: a warning, filed with the bureau; a 50-yuan fine paid in cash, waiting to be handed over.
    facts = "在祖庙路口占道摆卖水果，经劝导后仍未离开。"
    if missing(facts):
        case = services.decide_on_the_spot(
            by=officer,
            party=parties["li"],
            category=vending,
            facts=facts,
            address="禅城区祖庙路18号",
            act_date=today,
            penalty_kinds=["warning"],
            correction_order="立即停止占道经营，清理现场。",
        )
        services.acknowledge_filing(case, by=leader)
        created += 1
    facts = "在汾江中路人行道上摆卖小商品，妨碍行人通行。"
    if missing(facts):
        services.decide_on_the_spot(
            by=officer2,
            party=parties["zhou"],
            category=vending,
            facts=facts,
            address="禅城区汾江中路120号",
            act_date=today,
            penalty_kinds=["fine"],
            fine=Decimal("50"),
            paid_on_spot=True,
            receipt_no="粤财00012345",
            correction_order="立即停止占道经营。",
        )
        created += 1
    # A lead waiting for its filing decision.
    facts = "餐馆长期在店外摆放桌椅经营，占用人行道约20平方米。"
    if missing(facts):
        case = services.open_lead(
            by=officer,
            party=parties["shop"],
            category=shopfront,
            facts=facts,
            address="禅城区季华五路33号",
            act_date=today - timedelta(days=5),
            act_continuing=True,
        )
        services.request_filing(case, by=officer, reason="多次劝导无效，拟立案调查。")
        created += 1
    # A general case given advance notice (fine 2,000 yuan on the organisation), waiting for its statement.
    facts = "擅自占用城市道路堆放建筑材料，未经批准，经责令改正逾期未改。"
    if missing(facts):
        case = services.open_lead(
            by=officer,
            party=parties["shop"],
            category=roads,
            facts=facts,
            address="禅城区季华五路35号",
            act_date=today - timedelta(days=20),
        )
        case = services.request_filing(case, by=officer, reason="违法事实基本清楚，拟立案。")
        case = services.decide_filing(case, by=leader, decision="approved", opinion="同意立案。")
        case = services.assign_officers(case, by=leader, handler=officer, co_handler=officer2)
        services.add_evidence(
            case, _photo(), by=officer, evidence_type="photo", description="现场堆放建筑材料"
        )
        case = services.submit_report(
            case,
            by=officer,
            report="经调查，当事人擅自占用城市道路堆放建筑材料约30平方米，违法事实清楚，证据确凿。",
            penalty_kinds=["fine"],
            fine=Decimal("2000"),
            correction_order="限三日内清除占道堆放的建筑材料。",
        )
        case = services.decide_review(
            case, by=leader, decision="approved", opinion="事实清楚，同意拟处罚意见。"
        )
        notice = issue_document(case, "advance_notice", by=officer)
        record_service(notice, by=officer, method="in_person", recipient=parties["shop"].legal_representative)
        services.notify(case, by=officer)
        created += 1
    del reviewer, head
    return created
