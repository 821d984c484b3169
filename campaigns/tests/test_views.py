"""The campaigns' browser pages through the Django test client on the real database: scoping, the plan with
goals, the start, a phone's field log and its refusals, an item's notice, re-check and escalation, the
progress table and chart, the conclusion."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from campaigns import services
from campaigns.choices import CampaignStatus, ItemStatus
from campaigns.models import Campaign, CampaignGoal, FieldLog, RectificationItem
from complaints.tests.factories import ComplaintFactory
from enforcement.documents.models import Document

from .conftest import photo, plan, today

pytestmark = pytest.mark.django_db


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def started(crew, squadrons, **fields):
    return services.start(plan(crew, squadrons, **fields), by=crew["leader"])


def log_data(unit, **values):
    data = {
        "day": (today() - timedelta(days=1)).isoformat(),
        "unit": unit.pk,
        "place": "祖庙路",
        "note": "夜间巡查",
    }
    data.update({f"value_{slug}": value for slug, value in values.items()})
    return data


def an_item(campaign, crew, squadrons, party, category, **fields):
    values = {
        "unit": squadrons[0],
        "kind": "stall",
        "description": "占道摆卖水果",
        "address": "祖庙路1号",
        "party": party,
        "category": category,
        "photos": [photo()],
    }
    values.update(fields)
    return services.register_item(campaign, by=crew["officer1"], **values)


# --- scoping -------------------------------------------------------------------------------------------------
def test_another_districts_campaign_and_item_are_missing_and_a_squadron_sees_its_campaign(
    crew, squadrons, party, category, make_user, district_b
):
    campaign = started(crew, squadrons)
    item = an_item(campaign, crew, squadrons, party, category)
    outsider = browser(make_user("squad_leader", unit=district_b, username="b_leader"))
    assert outsider.get(reverse("campaigns:detail", args=[campaign.pk])).status_code == 404
    assert outsider.get(reverse("campaigns:item", args=[item.pk])).status_code == 404
    assert outsider.get(reverse("campaigns:log-new", args=[campaign.pk])).status_code == 404
    assert campaign.name not in outsider.get(reverse("campaigns:list")).content.decode()

    squadron = browser(crew["officer2"])
    page = squadron.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert page.status_code == 200 and campaign.name in page.content.decode()
    assert campaign.name in squadron.get(reverse("campaigns:list")).content.decode()
    # The item is the first squadron's: the second one's officer does not see it.
    assert squadron.get(reverse("campaigns:item", args=[item.pk])).status_code == 404
    photo_id = item.photos.get().pk
    assert squadron.get(reverse("campaigns:item-photo", args=[item.pk, photo_id])).status_code == 404
    download = browser(crew["officer1"]).get(reverse("campaigns:item-photo", args=[item.pk, photo_id]))
    assert download.status_code == 200 and download["Content-Type"] == "image/jpeg"


# --- plan ----------------------------------------------------------------------------------------------------
def test_a_supervisor_plans_a_campaign_with_goals_in_total_and_per_unit(crew, squadrons):
    first, second = squadrons
    client = browser(crew["leader"])
    choose = client.get(reverse("campaigns:new"))
    assert choose.status_code == 200 and "?kind=street_vending" in choose.content.decode()
    form = client.get(reverse("campaigns:new") + "?kind=street_vending")
    html = form.content.decode()
    assert 'name="goal-correction_notices-total"' in html
    assert f'name="goal-seized_vehicles-{first.pk}"' in html
    assert 'name="goal-posters_cleaned-total"' not in html  # not a measure of street vending
    data = {
        "kind": "street_vending",
        "name": "夏季占道经营专项整治",
        "starts_on": today().isoformat(),
        "ends_on": (today() + timedelta(days=30)).isoformat(),
        "lead_unit": first.parent.pk,
        "units": [first.pk, second.pk],
        "partners": ["public_security"],
        "description": "重点整治祖庙商圈",
        "goal-correction_notices-total": "100",
        f"goal-correction_notices-{first.pk}": "60",
        "goal-seized_vehicles-total": "20",
    }
    response = client.post(reverse("campaigns:new"), data)
    campaign = Campaign.objects.get(name="夏季占道经营专项整治")
    assert response.status_code == 302 and response["Location"] == campaign.get_absolute_url()
    goals = {(g.measure, g.unit_id): g.target for g in CampaignGoal.objects.filter(campaign=campaign)}
    assert goals == {
        ("correction_notices", None): 100,
        ("correction_notices", first.pk): 60,
        ("seized_vehicles", None): 20,
    }
    assert set(campaign.units.values_list("pk", flat=True)) == {first.parent.pk, first.pk, second.pk}
    assert campaign.partners == ["public_security"]

    refused = client.post(
        reverse("campaigns:new"), {**data, "name": "另一个", "goal-seized_vehicles-total": "-5"}
    )
    assert refused.status_code == 400
    assert "Vehicles seized: the target is a number above 0." in refused.content.decode()
    assert 'value="另一个"' in refused.content.decode()  # what was typed stays
    assert not Campaign.objects.filter(name="另一个").exists()


def test_an_officer_does_not_plan(crew):
    assert browser(crew["officer1"]).get(reverse("campaigns:new")).status_code == 403


def test_the_edit_saves_with_its_version_and_refuses_a_stale_one(crew, squadrons):
    campaign = plan(crew, squadrons)
    first, second = squadrons
    client = browser(crew["leader"])
    page = client.get(reverse("campaigns:edit", args=[campaign.pk]))
    assert page.status_code == 200 and 'value="100"' in page.content.decode()
    data = {
        "name": "占道经营专项整治（二期）",
        "starts_on": campaign.starts_on.isoformat(),
        "ends_on": campaign.ends_on.isoformat(),
        "units": [first.pk, second.pk],
        "partners": ["public_security"],
        "goal-correction_notices-total": "120",
        "version": campaign.version,
    }
    assert client.post(reverse("campaigns:edit", args=[campaign.pk]), data).status_code == 302
    campaign.refresh_from_db()
    assert campaign.name == "占道经营专项整治（二期）"
    assert list(campaign.goals.values_list("measure", "target")) == [("correction_notices", 120)]
    stale = client.post(reverse("campaigns:edit", args=[campaign.pk]), {**data, "name": "旧版本"})
    assert stale.status_code == 409
    campaign.refresh_from_db()
    assert campaign.name == "占道经营专项整治（二期）"


# --- start, log, progress, conclude ----------------------------------------------------------------------------
def test_start_log_from_the_phone_form_progress_and_conclude(crew, squadrons):
    first, second = squadrons
    campaign = plan(crew, squadrons)
    leader = browser(crew["leader"])
    url = reverse("campaigns:action", args=[campaign.pk, "start"])
    assert leader.post(url, {"start-version": campaign.version}).status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.ACTIVE and campaign.started_at is not None

    officer = browser(crew["officer1"])
    form = officer.get(reverse("campaigns:log-new", args=[campaign.pk]))
    html = form.content.decode()
    assert form.status_code == 200
    assert re.search(rf'<option value="{first.pk}" selected>', html)  # the officer's own unit
    assert 'inputmode="numeric"' in html and 'name="value_correction_notices"' in html
    response = officer.post(
        reverse("campaigns:log-new", args=[campaign.pk]),
        {
            **log_data(first, correction_notices="12", seized_vehicles="3", persuasion="40"),
            "photos": [photo()],
        },
    )
    assert response.status_code == 302
    log = FieldLog.objects.get(campaign=campaign)
    assert {v.measure: v.value for v in log.values.all()} == {
        "correction_notices": 12,
        "seized_vehicles": 3,
        "persuasion": 40,
    }
    assert log.photos.count() == 1
    assert officer.get(log.get_absolute_url()).status_code == 200
    assert officer.get(log.photos.get().get_download_url()).status_code == 200
    services.log_field_work(
        campaign, by=crew["officer2"], unit=second, day=today(), values={"correction_notices": "8"}
    )

    page = leader.get(campaign.get_absolute_url()).content.decode()
    notices = page[page.index('data-measure="correction_notices"') :]
    notices = notices[: notices.index("</table>")]
    total = re.search(
        r'class="text-end progress-actual">(\d+)</td><td class="text-end progress-target">(\d+)', notices
    )
    assert total.groups() == ("20", "100")  # 12 + 8 against 100 in total
    assert "20.0%" in notices
    first_row = re.search(rf'data-unit="{first.pk}">.*?</tr>', notices).group(0)
    assert ">12<" in first_row and ">60<" in first_row and "20.0%" in first_row  # 12 of the squadron's 60
    chart = page[page.index("<svg") : page.index("</svg>")]
    assert "<title" in chart and "<desc" in chart
    assert "Correction notices issued: 20.0%" in chart and "Vehicles seized: 15.0%" in chart  # 3 of 20

    url = reverse("campaigns:action", args=[campaign.pk, "conclude"])
    campaign.refresh_from_db()
    empty = leader.post(url, {"conclude-version": campaign.version, "conclude-summary": ""})
    assert empty.status_code == 400
    done = leader.post(
        url, {"conclude-version": campaign.version, "conclude-summary": "共发出整改通知书20份"}
    )
    assert done.status_code == 302
    campaign.refresh_from_db()
    assert campaign.status == CampaignStatus.CONCLUDED and campaign.summary == "共发出整改通知书20份"
    assert "共发出整改通知书20份" in leader.get(campaign.get_absolute_url()).content.decode()


def test_a_log_outside_the_period_or_with_a_negative_count_is_refused_in_words_and_kept(crew, squadrons):
    first, _second = squadrons
    campaign = started(crew, squadrons)
    officer = browser(crew["officer1"])
    url = reverse("campaigns:log-new", args=[campaign.pk])
    early = officer.post(
        url,
        {
            **log_data(first, correction_notices="5"),
            "day": (campaign.starts_on - timedelta(days=1)).isoformat(),
            "photos": [photo()],
        },
    )
    html = early.content.decode()
    assert early.status_code == 400
    assert "log work done within those days" in html
    assert "夜间巡查" in html and 'value="5"' in html  # what was typed stays
    assert "现场.jpg" in html  # the photo is kept for the next try
    negative = officer.post(url, log_data(first, correction_notices="-3"))
    assert negative.status_code == 400
    assert "Correction notices issued cannot be negative." in negative.content.decode()
    fraction = officer.post(url, log_data(first, seized_vehicles="1.5"))
    assert fraction.status_code == 400 and "is counted in whole" in fraction.content.decode()
    assert not FieldLog.objects.filter(campaign=campaign).exists()


def test_a_planned_campaign_takes_no_log(crew, squadrons):
    first, _second = squadrons
    campaign = plan(crew, squadrons)
    response = browser(crew["officer1"]).post(
        reverse("campaigns:log-new", args=[campaign.pk]), log_data(first, correction_notices="5")
    )
    assert response.status_code == 409
    assert "Field work is logged once the campaign is under way." in response.content.decode()


# --- items -----------------------------------------------------------------------------------------------------
def test_an_item_is_recorded_noticed_rechecked_and_escalated_through_the_pages(
    crew, squadrons, party, category
):
    first, _second = squadrons
    campaign = started(crew, squadrons)
    officer = browser(crew["officer1"])
    form = officer.get(reverse("campaigns:item-new", args=[campaign.pk]))
    assert form.status_code == 200 and "use-my-location" in form.content.decode()
    response = officer.post(
        reverse("campaigns:item-new", args=[campaign.pk]),
        {
            "unit": first.pk,
            "kind": "stall",
            "party": party.pk,
            "category": category.pk,
            "description": "占道摆卖水果",
            "address": "祖庙路1号",
            "lat": "23.020000",
            "lng": "113.120000",
            "found_on": today().isoformat(),
            "photos": [photo()],
        },
    )
    item = RectificationItem.objects.get(campaign=campaign)
    assert response.status_code == 302 and response["Location"] == item.get_absolute_url()
    assert item.party == party and item.photos.filter(stage="before").count() == 1

    act = lambda slug: reverse("campaigns:item-action", args=[item.pk, slug])  # noqa: E731
    too_late = officer.post(
        act("issue_notice"),
        {
            "issue_notice-version": item.version,
            "issue_notice-deadline_on": (today() + timedelta(days=200)).isoformat(),
            "issue_notice-requirement": "立即清理",
        },
    )
    assert too_late.status_code == 400 and "at most 90 days" in too_late.content.decode()
    noticed = officer.post(
        act("issue_notice"),
        {
            "issue_notice-version": item.version,
            "issue_notice-deadline_on": today().isoformat(),
            "issue_notice-requirement": "立即清理占道物品",
        },
    )
    assert noticed.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICED
    notice = Document.objects.of(item).get(doc_type="rectification_notice")
    page = officer.get(item.get_absolute_url()).content.decode()
    assert reverse("documents:print", args=[notice.pk]) in page

    recheck = {
        "recheck-version": item.version,
        "recheck-result": "not_rectified",
        "recheck-rechecked_on": today().isoformat(),
    }
    no_photo = officer.post(act("recheck"), recheck)
    assert no_photo.status_code == 400 and "Add a photo taken at the re-check." in no_photo.content.decode()
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICED and not item.photos.filter(stage="after").exists()
    rechecked = officer.post(act("recheck"), {**recheck, "photos": [photo("复查.jpg")]})
    assert rechecked.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_RECTIFIED and item.photos.filter(stage="after").count() == 1

    escalated = officer.post(
        act("escalate"), {"escalate-version": item.version, "escalate-procedure": "general"}
    )
    assert escalated.status_code == 302
    item.refresh_from_db()
    assert item.status == ItemStatus.ESCALATED and item.case is not None
    assert item.case.evidence.count() == 2
    case_page = officer.get(item.case.get_absolute_url()).content.decode()
    assert item.get_absolute_url() in case_page  # linked both ways
    assert item.case.number in officer.get(item.get_absolute_url()).content.decode()
    again = officer.post(act("escalate"), {"escalate-version": item.version, "escalate-procedure": "general"})
    assert again.status_code == 409
    assert "is not possible now" in again.content.decode()  # the state's refusal, in words
    assert RectificationItem.objects.get(pk=item.pk).case_id == item.case_id


def test_an_item_not_rectified_escalates_by_the_simple_procedure(crew, squadrons, party, category):
    campaign = started(crew, squadrons)
    item = an_item(campaign, crew, squadrons, party, category)
    item = services.issue_notice(item, by=crew["officer1"], deadline_on=today(), requirement="立即清理")
    item = services.recheck(
        item, by=crew["officer1"], result="not_rectified", rechecked_on=today(), photos=[photo("后.jpg")]
    )
    officer = browser(crew["officer1"])
    response = officer.post(
        reverse("campaigns:item-action", args=[item.pk, "escalate"]),
        {"escalate-version": item.version, "escalate-procedure": "simple"},
    )
    assert response["Location"] == reverse("campaigns:item-escalate-simple", args=[item.pk])
    page = officer.get(response["Location"])
    assert page.status_code == 200 and "立即清理" in page.content.decode()  # the notice's order, prefilled
    done = officer.post(
        response["Location"],
        {"version": item.version, "penalty_kinds": ["warning"], "correction_order": "立即清理"},
    )
    item.refresh_from_db()
    assert done.status_code == 302 and item.status == ItemStatus.ESCALATED
    assert item.case.procedure == "simple" and done["Location"] == item.case.get_absolute_url()


def test_an_item_from_a_complaint_is_prefilled(crew, squadrons, category):
    first, _second = squadrons
    campaign = started(crew, squadrons)
    complaint = ComplaintFactory(
        unit=first, category=category, address="人民路8号", description="夜间烧烤占道"
    )
    officer = browser(crew["officer1"])
    picked = officer.get(reverse("campaigns:item-pick") + f"?complaint={complaint.pk}")
    assert (
        picked["Location"] == reverse("campaigns:item-new", args=[campaign.pk]) + f"?complaint={complaint.pk}"
    )
    html = officer.get(picked["Location"]).content.decode()
    assert 'value="人民路8号"' in html and "夜间烧烤占道" in html
    assert f'name="complaint" value="{complaint.pk}"' in html


def test_the_items_list_filters_by_status_and_overdue(crew, squadrons, party, category):
    campaign = started(crew, squadrons)
    noticed = an_item(campaign, crew, squadrons, party, category, party_name="甲摊")
    services.issue_notice(noticed, by=crew["officer1"], deadline_on=today(), requirement="清理")
    RectificationItem.objects.filter(pk=noticed.pk).update(
        recheck_due_at=noticed.created_at - timedelta(days=1)
    )
    an_item(campaign, crew, squadrons, None, None, party_name="乙摊")
    client = browser(crew["leader"])
    everything = client.get(reverse("campaigns:items")).content.decode()
    assert "甲摊" in everything and "乙摊" in everything
    overdue = client.get(reverse("campaigns:items") + "?overdue=on").content.decode()
    assert "甲摊" in overdue and "乙摊" not in overdue
    found = client.get(reverse("campaigns:items") + f"?status=found&campaign={campaign.pk}").content.decode()
    assert "乙摊" in found and "甲摊" not in found


def test_the_campaigns_list_filters_by_kind(crew, squadrons):
    plan(crew, squadrons)
    plan(
        crew,
        squadrons,
        name="牛皮癣清理行动",
        kind="illegal_posters",
        goals=[("posters_cleaned", None, "1000")],
    )
    client = browser(crew["officer1"])
    posters = client.get(reverse("campaigns:list") + "?kind=illegal_posters").content.decode()
    assert "牛皮癣清理行动" in posters and "占道经营专项整治" not in posters


def test_the_pages_render_in_the_default_language(crew, squadrons, party, category):
    campaign = started(crew, squadrons)
    item = an_item(campaign, crew, squadrons, party, category)
    client = Client()  # no language asked for: the default, Simplified Chinese
    client.force_login(crew["leader"])
    urls = [
        reverse("campaigns:list"),
        reverse("campaigns:new") + "?kind=illegal_construction",
        campaign.get_absolute_url(),
        reverse("campaigns:edit", args=[campaign.pk]),
        reverse("campaigns:log-new", args=[campaign.pk]),
        reverse("campaigns:logs", args=[campaign.pk]),
        reverse("campaigns:items"),
        reverse("campaigns:item-new", args=[campaign.pk]),
        item.get_absolute_url(),
    ]
    with translation.override(None):
        for url in urls:
            response = client.get(url)
            assert response.status_code == 200, url
            assert 'lang="zh-hans"' in response.content.decode(), url
    area = client.get(reverse("campaigns:new") + "?kind=illegal_construction").content.decode()
    assert 'name="goal-demolished_area-total"' in area and 'step="0.01"' in area  # an area has two decimals


def test_photos_are_added_to_a_saved_log_on_its_page_until_the_campaign_ends(crew, squadrons):
    first, _second = squadrons
    campaign = started(crew, squadrons)
    log = services.log_field_work(
        campaign, by=crew["officer1"], unit=first, day=today(), values={"persuasion": "5"}
    )
    officer = browser(crew["officer1"])
    url = reverse("campaigns:log-photos", args=[campaign.pk, log.pk])
    page = officer.get(log.get_absolute_url()).content.decode()
    assert f'action="{url}"' in page and 'name="photos"' in page
    assert officer.post(url, {"photos": [photo("补拍.jpg"), photo("现场2.jpg")]}).status_code == 302
    assert sorted(log.photos.values_list("original_name", flat=True)) == ["现场2.jpg", "补拍.jpg"]
    page = officer.get(log.get_absolute_url()).content.decode()
    timeline = page[page.index("log-timeline") :]
    assert "补拍.jpg" in timeline and "Add attachment" in timeline
    # A file that is not a photo: 400 with the words under the input, nothing added.
    from django.core.files.uploadedfile import SimpleUploadedFile

    exe = SimpleUploadedFile("a.exe", b"MZ\x90\x00" * 64, content_type="application/octet-stream")
    refused = officer.post(url, {"photos": [exe]})
    assert refused.status_code == 400 and "is not a photo" in refused.content.decode()
    assert officer.post(url, {}).status_code == 400  # no file chosen
    assert log.photos.count() == 2
    # Once the campaign has ended the form is gone and a stale post is refused in words (409).
    services.conclude(campaign, by=crew["leader"], summary="完成")
    assert f'action="{url}"' not in officer.get(log.get_absolute_url()).content.decode()
    late = officer.post(url, {"photos": [photo()]})
    assert late.status_code == 409 and "field logs are final" in late.content.decode()
    assert log.photos.count() == 2
