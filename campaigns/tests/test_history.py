"""What a campaign's timeline says of its logs and goals: the reader's words and units, not the stored keys."""

import pytest
from django.utils import translation

from campaigns import services
from enforcement.audit.timeline import events_for, timeline_rows

from .conftest import photo, register, today

pytestmark = pytest.mark.django_db


def _details(obj):
    rows = timeline_rows(obj, list(events_for(obj)))
    return [str(value) for row in rows for value in row.values()]


def test_a_logs_figures_read_as_measures_with_their_units(campaign, crew, squadrons):
    first, _second = squadrons
    entry = services.log_field_work(
        campaign,
        by=crew["officer1"],
        unit=first,
        day=today(),
        values={"seized_vehicles": "3", "persuasion": "36"},
    )
    with translation.override("zh-hans"):
        text = " ".join(_details(entry))
    assert "劝导教育 36 人次" in text and "暂扣车辆 3 辆" in text
    assert "persuasion" not in text and "36.00" not in text
    with translation.override("en"):
        text = " ".join(_details(entry))
    assert "Persuasion and education 36 person-times" in text


def test_the_goals_read_with_their_units_and_in_total(crew, squadrons):
    from .conftest import plan

    campaign = plan(crew, squadrons)
    with translation.override("zh-hans"):
        text = " ".join(_details(campaign))
    assert "correction_notices" not in text
    assert "（合计）" in text or "(合计)" in text
    assert squadrons[0].name in text


def test_a_squadron_sees_the_campaign_but_not_the_other_squadrons_work_on_its_timeline(
    campaign, crew, squadrons, party
):
    """Logs and items stay on their own timelines (scoped by their unit), not the campaign's, which every
    unit taking part sees."""
    first, second = squadrons
    services.log_field_work(
        campaign, by=crew["officer2"], unit=second, day=today(), values={"persuasion": "7"}
    )
    services.register_item(
        campaign,
        by=crew["officer2"],
        unit=second,
        kind="stall",
        description="占道",
        address="秘密路9号",
        party=party,
    )
    with translation.override("zh-hans"):
        text = " ".join(_details(campaign))
    assert "秘密路9号" not in text and party.name not in text and "劝导教育 7" not in text


def test_only_the_lead_unit_manages_the_campaign(campaign, crew, squadrons, make_user):
    """A squad leader of a squadron taking part sees the campaign but neither changes nor ends it (403)."""
    from django.core.exceptions import PermissionDenied

    from campaigns.workflow import CAMPAIGN_WORKFLOW

    first, _second = squadrons
    squad_leader = make_user("squad_leader", unit=first, username="c_squad_leader")
    assert CAMPAIGN_WORKFLOW.allowed_actions(campaign, squad_leader) == []
    with pytest.raises(PermissionDenied, match="lead unit"):
        services.update_campaign(campaign, by=squad_leader, name="改名")
    with pytest.raises(PermissionDenied, match="lead unit"):
        services.conclude(campaign, by=squad_leader, summary="总结")
    assert "conclude" in CAMPAIGN_WORKFLOW.allowed_actions(campaign, crew["leader"])


def test_a_total_derived_from_the_units_goals_counts_those_units_work_only(crew, squadrons):
    from .conftest import plan

    first, second = squadrons
    campaign = plan(crew, squadrons, goals=[("correction_notices", first, "60")])
    campaign = services.start(campaign, by=crew["leader"])
    services.log_field_work(
        campaign, by=crew["officer1"], unit=first, day=today(), values={"correction_notices": "30"}
    )
    services.log_field_work(
        campaign, by=crew["officer2"], unit=second, day=today(), values={"correction_notices": "50"}
    )
    row = next(
        r for r in services.progress(campaign)["measures"] if r["measure"].slug == "correction_notices"
    )
    assert (row["total"], row["target"], row["percent"]) == (80, 60, 50.0)


def test_partners_read_as_departments_on_the_timeline(crew, squadrons):
    from .conftest import plan

    campaign = plan(crew, squadrons, partners=["public_security", "telecom"])
    with translation.override("zh-hans"):
        text = " ".join(_details(campaign))
    assert "public_security" not in text and "公安" in text


def test_a_photo_reads_by_its_name_and_details_on_an_items_and_a_logs_timeline(campaign, crew, squadrons):
    """The file event's details are the file's (files.services.store_attachment writes them under keys of
    their own): an item's own kind ("stall") is not overwritten by the photo's, nor shown raw."""
    first, _second = squadrons
    item = register(campaign, crew["officer1"], first, photos=[photo("摊位.jpg")])
    entry = services.log_field_work(
        campaign, by=crew["officer1"], unit=first, day=today(), values={"persuasion": "3"}, photos=[photo()]
    )

    def changes(obj):
        with translation.override("zh-hans"):
            rows = timeline_rows(obj, list(events_for(obj)))
            return [(row["step"], str(c["label"]), str(c["after"])) for row in rows for c in row["changes"]]

    item_changes, log_changes = changes(item), changes(entry)
    assert [(label, after.split("（")[0]) for step, label, after in item_changes if step == "添加附件"] == [
        ("照片", "摊位.jpg")
    ]
    assert [(label, after.split("（")[0]) for step, label, after in log_changes if step == "添加附件"] == [
        ("照片", "现场.jpg")
    ]
    photo_details = [after for step, _label, after in item_changes + log_changes if step == "添加附件"]
    assert all(after.split("（")[1].startswith("照片、") for after in photo_details)
    # The item's own kind reads once, by its label; no raw file keys anywhere; its campaign by its name
    # under the Chinese word for a campaign (a link with no name of its own is called what it links to).
    registered = {label: after for step, label, after in item_changes if step != "添加附件"}
    assert registered["类型"] == "摊点" and registered["专项整治"] == campaign.name
    for _step, label, after in item_changes + log_changes:
        assert label not in ("Campaign", "文件类型", "文件名", "文件大小") and after != "photo"
