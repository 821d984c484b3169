"""The complaint loop in a real browser, on the demo city: the district's intake desk registers a hotline
complaint and dispatches it to a squadron; the squadron's officer takes it and replies from a phone; intake
records the follow-up visit and closes it; the timeline shows every step with who did it.

Selectors use ids, names and data attributes, not visible words, so they hold in either language."""

import re

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from complaints.models import Complaint
from enforcement.catalog import demo as catalog_demo
from enforcement.catalog.models import ViolationCategory
from enforcement.files.testing import jpeg_bytes
from enforcement.org import demo as org_demo
from enforcement.org.models import OrgUnit, User

from .conftest import PASSWORD, log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def demo_city(db):
    cache.clear()  # the complaint pages cache their filter choices for a minute; ids differ per test
    org_demo.seed(PASSWORD)
    catalog_demo.seed()
    return {
        "intake": User.objects.get(username="chancheng.intake"),
        "officer": User.objects.get(username="chancheng.officer"),
        "squadron": OrgUnit.objects.get(code="chancheng-zumiao"),
        "category": ViolationCategory.objects.get(code="0701"),
    }


def act(page, slug, fill=None):
    """Opens the action's panel, fills its form and submits it; waits for the page that follows."""
    panel = page.locator(f'details.action-panel[data-action="{slug}"]')
    panel.locator("summary").click()
    if fill:
        fill(panel)
    with page.expect_navigation():
        panel.locator("button.action-submit").click()


def expect_status(page, status):
    expect(page.locator(".status-badge").first).to_have_attribute("data-status", status)


def test_hotline_complaint_from_intake_to_closing(new_page, demo_city):
    intake, officer = demo_city["intake"], demo_city["officer"]
    desk = new_page()
    desk.on("dialog", lambda dialog: dialog.accept())
    log_in(desk, intake)

    # Intake: one form, the category found by typing, a map point typed in, the caller's number.
    desk.goto("/complaints/")
    desk.locator("#new-complaint").click()
    expect(desk).to_have_url(re.compile(r"/complaints/new/$"))
    expect(desk.locator("#id_channel")).to_have_value("hotline_12345")
    desk.locator(".category-search").fill("乱摆卖")
    expect(desk.locator("#id_category")).to_have_value(
        str(demo_city["category"].pk)
    )  # the only match, chosen
    desk.fill("#id_description", "祖庙路口流动摊贩占道经营，<b>早晚高峰</b>影响通行。")
    desk.fill("#id_address", "禅城区祖庙路18号")
    desk.fill("#id_lat", "23.025000")
    desk.fill("#id_lng", "113.105000")
    desk.fill("#id_complainant_name", "陈小明")
    desk.fill("#id_complainant_phone", "13800138001")
    screenshot(desk, "complaint-intake")
    with desk.expect_navigation():
        desk.locator("#register-complaint").click()
    complaint = Complaint.objects.get()
    expect(desk).to_have_url(re.compile(rf"/complaints/{complaint.pk}/$"))
    expect(desk.locator(".complaint-number")).to_have_text(complaint.number)
    expect(desk.locator(".complaint-description")).to_contain_text("<b>早晚高峰</b>")  # shown as text
    expect(desk.locator(".complainant-phone")).to_have_text("13800138001")
    assert complaint.grid is not None and complaint.grid.code.startswith("chancheng-zumiao")
    expect_status(desk, "received")

    act(desk, "accept")
    expect_status(desk, "accepted")
    act(
        desk,
        "dispatch",
        lambda panel: panel.locator("select[name='dispatch-unit']").select_option(
            str(demo_city["squadron"].pk)
        ),
    )
    expect_status(desk, "dispatched")
    expect(desk.locator(".complaint-unit")).to_contain_text(demo_city["squadron"].name)

    # The squadron's officer, on a phone: the work queue lists it; start, then reply.
    phone = new_page(phone=True)
    log_in(phone, officer)
    item = phone.locator(f'a.work-item-title[href="/complaints/{complaint.pk}/"]')
    expect(item).to_be_visible()
    with phone.expect_navigation():
        item.click()
    expect(phone.locator(".complainant-phone")).to_have_text("138****8001")  # masked for officers
    act(phone, "start")
    expect_status(phone, "in_progress")
    act(
        phone,
        "reply",
        lambda panel: panel.locator("textarea[name='reply-reply_text']").fill(
            "已现场劝离摊贩，并安排巡查跟进。"
        ),
    )
    expect_status(phone, "replied")
    expect(phone.locator(".complaint-reply")).to_contain_text("已现场劝离摊贩")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "complaint-officer-phone")

    # Intake: the follow-up visit, then closing.
    desk.reload()
    act(
        desk,
        "record_visit",
        lambda panel: panel.locator("input[name='record_visit-satisfaction'][value='satisfied']").check(),
    )
    expect_status(desk, "visited")
    act(desk, "close")
    expect_status(desk, "closed")
    expect(desk.locator("details.action-panel")).to_have_count(0)

    # The timeline: every step, who did it, newest first.
    events = desk.locator(".complaint-timeline .audit-event")
    expect(events).to_have_count(7)
    expect(desk.locator(".complaint-timeline .audit-transition")).to_have_count(6)
    texts = events.all_inner_texts()
    who = [
        intake.full_name,
        intake.full_name,
        officer.full_name,
        officer.full_name,
        intake.full_name,
        intake.full_name,
        intake.full_name,
    ]  # close, visit, reply, start, dispatch, accept, create
    for text, name in zip(texts, who, strict=True):
        assert name in text, (name, text)
    assert "13800138001" not in "".join(texts)  # the timeline keeps the complainant masked
    screenshot(desk, "complaint-closed-timeline")
    complaint.refresh_from_db()
    assert (complaint.status, complaint.satisfaction, complaint.handler) == ("closed", "satisfied", officer)

    # The list: the closed complaint, found by its number.
    desk.goto("/complaints/")
    desk.fill("#id_q", complaint.number)
    with desk.expect_navigation():
        desk.locator("#complaint-filters button[type=submit]").click()
    expect(desk.locator("tr.complaint-row")).to_have_count(1)
    expect(desk.locator("tr.complaint-row .status-badge")).to_have_attribute("data-status", "closed")
    screenshot(desk, "complaint-list")


def test_patrol_find_fixed_on_the_spot_from_a_phone(phone_page, demo_city, tmp_path, settings):
    # A tile server that cannot be reached: the map stays blank, the point is still set by tapping it.
    settings.MAP_TILE_URL = "http://127.0.0.1:9/tiles/{z}/{x}/{y}.png"
    officer = demo_city["officer"]
    page = phone_page
    log_in(page, officer)
    page.goto("/complaints/patrol/")
    expect(page.locator(".on-the-spot-fields")).to_be_hidden()
    page.select_option("#id_category", str(demo_city["category"].pk))
    page.fill("#id_description", "流动摊贩占道，已劝离。")
    page.fill("#id_address", "禅城区祖庙路30号")
    page.fill("#id_lat", "23.025000")
    page.fill("#id_lng", "113.105000")
    page.locator("#id_lng").dispatch_event("change")
    page.locator(".tile-map").click(position={"x": 40, "y": 40})  # up and left of the marker
    moved_lat, moved_lng = float(page.input_value("#id_lat")), float(page.input_value("#id_lng"))
    assert 23.025 < moved_lat < 23.03 and 113.10 < moved_lng < 113.105
    photo = tmp_path / "after.jpg"
    photo.write_bytes(jpeg_bytes())  # a real picture: photos must open
    page.locator("#id_fixed_on_the_spot").check()
    expect(page.locator(".on-the-spot-fields")).to_be_visible()
    page.fill("#id_closure_note", "当场劝离，现场已清理。")
    page.set_input_files("#id_after_photo", str(photo))
    with page.expect_navigation():
        page.locator("#submit-patrol").click()
    expect_status(page, "closed")
    complaint = Complaint.objects.get()
    assert complaint.on_the_spot and complaint.attachments.filter(stage="after").exists()
    assert abs(float(complaint.lat) - moved_lat) < 1e-6 and complaint.grid is not None
