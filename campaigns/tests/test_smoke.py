"""The campaign path end to end through the services (the Done-when's path, without the browser)."""

from datetime import timedelta

import pytest

from campaigns import services
from campaigns.choices import ItemStatus
from campaigns.models import FieldLogValue
from enforcement.documents.models import Document

from .conftest import photo, plan, today

pytestmark = pytest.mark.django_db


def test_a_campaign_is_planned_logged_and_its_items_escalate(crew, squadrons, party, category):
    first, second = squadrons
    campaign = plan(crew, squadrons)
    assert campaign.number.startswith("ZX")
    campaign = services.start(campaign, by=crew["leader"])
    assert campaign.status == "active"
    log = services.log_field_work(
        campaign,
        by=crew["officer1"],
        unit=first,
        day=today() - timedelta(days=1),
        values={"correction_notices": "12", "seized_vehicles": "3", "persuasion": "40"},
        photos=[photo()],
    )
    assert FieldLogValue.objects.filter(log=log).count() == 3
    progress = services.progress(campaign)
    notices = next(row for row in progress["measures"] if row["measure"].slug == "correction_notices")
    assert notices["total"] == 12 and notices["target"] == 100 and notices["percent"] == 12.0
    item = services.register_item(
        campaign,
        by=crew["officer1"],
        unit=first,
        kind="stall",
        description="占道摆卖水果",
        address="祖庙路1号",
        party=party,
        category=category,
        photos=[photo()],
    )
    item = services.issue_notice(
        item, by=crew["officer1"], deadline_on=today(), requirement="立即清理占道物品"
    )
    assert item.status == ItemStatus.NOTICED
    assert Document.objects.of(item).filter(doc_type="rectification_notice").count() == 1
    item = services.recheck(
        item, by=crew["officer1"], result="not_rectified", rechecked_on=today(), photos=[photo("复查.jpg")]
    )
    assert item.status == ItemStatus.NOT_RECTIFIED
    item = services.escalate(item, by=crew["officer1"], procedure="general")
    assert item.status == ItemStatus.ESCALATED and item.case.rectification_item == item
    assert item.case.evidence.count() == 2
    campaign = services.conclude(campaign, by=crew["leader"], summary="共发出整改通知书12份")
    assert campaign.status == "concluded"
