"""What a campaign's timeline says of its logs and goals: the reader's words and units, not the stored keys."""

import pytest
from django.utils import translation

from campaigns import services
from enforcement.audit.timeline import events_for, timeline_rows

from .conftest import today

pytestmark = pytest.mark.django_db


def _details(obj):
    rows = timeline_rows(obj, list(events_for(obj)))
    return [str(value) for row in rows for value in row.values()]


def test_a_logs_figures_read_as_measures_with_their_units(campaign, crew, squadrons):
    first, _second = squadrons
    services.log_field_work(
        campaign,
        by=crew["officer1"],
        unit=first,
        day=today(),
        values={"seized_vehicles": "3", "persuasion": "36"},
    )
    with translation.override("zh-hans"):
        text = " ".join(_details(campaign))
    assert "劝导教育 36 人次" in text and "暂扣车辆 3 辆" in text
    assert "persuasion" not in text and "36.00" not in text
    with translation.override("en"):
        text = " ".join(_details(campaign))
    assert "Persuasion and education 36 person-times" in text


def test_the_goals_read_with_their_units_and_in_total(crew, squadrons):
    from .conftest import plan

    campaign = plan(crew, squadrons)
    with translation.override("zh-hans"):
        text = " ".join(_details(campaign))
    assert "correction_notices" not in text
    assert "（合计）" in text or "(合计)" in text
    assert squadrons[0].name in text
