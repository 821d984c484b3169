"""Campaigns in a real browser (issue 13). On a phone, an officer of a participating squadron logs a day's field
work through the one-screen form (figures and a photo) and finds it on the campaign page's progress; a negative
count is refused on its field with the form kept. An item recorded on the phone form (party from the register,
category, place, photo before) gets its notice (printed), a re-check "not rectified" with a photo after, and is
escalated to a case (general procedure) with the confirmation accepted: the case carries the item's party,
place and photos as evidence, and the item links to it with no escalate button left. The map without tiles
draws the items as Leaflet markers over the grid rectangles, lists them below, opens an item's popup from the
list, with no console error or policy violation; with MAP_TILE_URL set the page asks that server for tiles.

The data is built through campaigns.services and the helpers of campaigns/tests/conftest.py. Selectors use ids,
names, classes and data attributes; the words a test reads are worked out through the translation catalogue
(a Chinese browser), so the tests hold whether a string has its Chinese yet or not."""

import re
from decimal import Decimal

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from campaigns import services
from campaigns.choices import ItemStatus
from campaigns.models import FieldLog, FieldLogPhoto, RectificationItem
from campaigns.tests.conftest import (  # noqa: F401 - fixtures
    campaign,
    category,
    crew,
    party,
    photo,
    plan,
    register,
    squadrons,
    today,
)
from campaigns.tests.test_map import box
from cases.choices import CaseStatus
from cases.models import CaseEvidence
from cases.tests.conftest import JPEG
from enforcement.catalog.params import reset_cache
from enforcement.documents.models import Document

from .conftest import log_in, screenshot
from .test_cases import no_horizontal_scroll
from .test_csp import watched
from .test_penalties import accepting, words

pytestmark = pytest.mark.browser

JPEG_FILE = {"name": "现场.jpg", "mimeType": "image/jpeg", "buffer": JPEG}


@pytest.fixture(autouse=True)
def _fresh_caches():
    """Cached choices and parameters: the ids differ per (transactional) test."""
    cache.clear()
    reset_cache()
    yield
    cache.clear()
    reset_cache()


def _settle(page, problems):
    page.wait_for_timeout(200)  # a late violation report still arrives
    assert problems == []


# --- a day's field work, on a phone ------------------------------------------------------------------------------
def test_an_officer_logs_field_work_on_a_phone_and_a_negative_count_is_refused(
    phone_page,
    crew,  # noqa: F811
    campaign,  # noqa: F811
):
    officer = crew["officer1"]
    page, problems = watched(phone_page)
    log_in(page, officer)
    page.goto(campaign.get_absolute_url())
    no_horizontal_scroll(page)
    with page.expect_navigation():
        page.locator("a#log-work").click()
    expect(page.locator("form#log-form")).to_be_visible()
    no_horizontal_scroll(page)
    # The officer's own squadron is the unit, today the day.
    expect(page.locator("#id_unit")).to_have_value(str(officer.unit_id))
    expect(page.locator("#id_day")).to_have_value(today().isoformat())

    # A negative count: refused on its field, in words, nothing logged, the rest kept.
    page.fill("#id_value_correction_notices", "-3")
    page.fill("#id_value_seized_vehicles", "2")
    page.fill("#id_place", "祖庙路步行街")
    page.fill("#id_note", "早市巡查，劝离流动摊贩")
    with page.expect_navigation():
        page.locator("#submit-log").click()
    error = page.locator("#id_value_correction_notices_error")
    expect(error).to_be_visible()
    expect(error).not_to_be_empty()
    assert not re.search(r"value_|correction_notices", error.inner_text())  # words, not a field name
    expect(page.locator("#id_value_correction_notices")).to_have_value("-3")
    expect(page.locator("#id_value_seized_vehicles")).to_have_value("2")
    expect(page.locator("#id_place")).to_have_value("祖庙路步行街")
    expect(page.locator("#id_note")).to_have_value("早市巡查，劝离流动摊贩")
    assert not FieldLog.objects.exists()
    no_horizontal_scroll(page)
    screenshot(page, "campaign-log-refused")

    # Corrected, with a photo: logged, and the campaign page counts it.
    page.fill("#id_value_correction_notices", "12")
    page.locator("#id_photos").set_input_files(JPEG_FILE)
    with page.expect_navigation():
        page.locator("#submit-log").click()
    expect(page).to_have_url(re.compile(rf"/campaigns/{campaign.pk}/$"))
    log = FieldLog.objects.get()
    assert (log.unit, log.day, log.logged_by, log.place) == (officer.unit, today(), officer, "祖庙路步行街")
    assert {v.measure: v.value for v in log.values.all()} == {
        "correction_notices": Decimal("12"),
        "seized_vehicles": Decimal("2"),
    }
    assert FieldLogPhoto.objects.filter(log=log).count() == 1

    notices = page.locator('.progress-table[data-measure="correction_notices"]')
    expect(notices.locator(f'.progress-unit[data-unit="{officer.unit_id}"] .progress-actual')).to_have_text(
        "12"
    )
    expect(notices.locator(".progress-total .progress-actual")).to_have_text("12")
    expect(notices.locator(".progress-total .progress-target")).to_have_text("100")
    expect(notices.locator(".progress-total .progress-percent")).to_contain_text("12")
    vehicles = page.locator('.progress-table[data-measure="seized_vehicles"]')
    expect(vehicles.locator(".progress-total .progress-actual")).to_have_text("2")
    expect(page.locator(".progress-chart .chart-bar")).not_to_have_count(0)
    expect(page.locator(".recent-logs li")).to_have_count(1)
    expect(page.locator(".recent-logs")).to_contain_text("祖庙路步行街")
    no_horizontal_scroll(page)
    screenshot(page, "campaign-progress-phone")
    _settle(page, problems)


# --- item → notice → re-check → case -----------------------------------------------------------------------------
def test_an_item_recorded_on_a_phone_is_noticed_rechecked_and_escalated_to_a_case(
    phone_page,
    crew,  # noqa: F811
    campaign,  # noqa: F811
    party,  # noqa: F811
    category,  # noqa: F811
):
    officer = crew["officer1"]
    page, problems = watched(phone_page)
    questions = accepting(page)
    log_in(page, officer)
    page.goto(f"/campaigns/{campaign.pk}/items/new/")
    form = page.locator("form#item-form")
    expect(form).to_be_visible()
    no_horizontal_scroll(page)

    # The party from the register (cases.js's search), the category, the place, a photo before.
    page.select_option("#id_kind", "stall")
    page.fill("#party-search-input", "陈大文")
    result = page.locator(".party-results .party-result").first
    expect(result).to_contain_text("陈大文")
    result.click()
    expect(page.locator(".party-chosen")).to_be_visible()
    expect(page.locator('input[name="party"]')).to_have_value(str(party.pk))
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_description", "店外占道摆卖水果，堆放纸箱")
    page.fill("#id_address", "禅城区祖庙路18号")
    page.locator("#id_photos").set_input_files(JPEG_FILE)
    no_horizontal_scroll(page)
    screenshot(page, "campaign-item-form")
    with page.expect_navigation():
        page.locator("#submit-item").click()

    item = RectificationItem.objects.get()
    assert (item.party, item.category, item.address, item.unit) == (
        party,
        category,
        "禅城区祖庙路18号",
        officer.unit,
    )
    assert item.status == ItemStatus.FOUND and item.photos.filter(stage="before").count() == 1
    expect(page).to_have_url(re.compile(rf"/campaigns/items/{item.pk}/$"))
    expect(page.locator(".item-title")).to_have_text("陈大文")
    expect(page.locator(".photos-before img")).to_have_count(1)
    expect(page.locator(".item-status-badge")).to_have_attribute("data-status", ItemStatus.FOUND)
    no_horizontal_scroll(page)

    # The rectification notice, deadline today; printed from the link.
    panel = page.locator('details.action-panel[data-action="issue_notice"]')
    panel.locator("summary").click()
    panel.locator('input[name="issue_notice-deadline_on"]').fill(today().isoformat())
    panel.locator('textarea[name="issue_notice-requirement"]').fill("即日起停止占道经营，清理店外纸箱")
    with page.expect_navigation():
        panel.locator("button.action-submit").click()
    item.refresh_from_db()
    assert item.status == ItemStatus.NOTICED and item.deadline_on == today()
    notice = Document.objects.of(item).get(doc_type="rectification_notice")
    expect(page.locator(".print-notice")).to_contain_text(notice.number)
    expect(page.locator(".item-status-badge")).to_have_attribute("data-status", ItemStatus.NOTICED)
    link = page.locator("a#print-notice")
    expect(link).to_be_visible()
    with page.context.expect_page() as opened:
        link.click()
    paper = opened.value
    paper.wait_for_load_state()
    expect(paper).to_have_url(re.compile(rf"/documents/{notice.pk}/print/$"))
    expect(paper.locator(".paper-number")).to_have_text(notice.number)
    expect(paper.locator("body")).to_contain_text("陈大文")
    expect(paper.locator("body")).to_contain_text("即日起停止占道经营")
    paper.close()
    screenshot(page, "campaign-item-noticed")

    # The re-check: not rectified, with a photo after.
    panel = page.locator('details.action-panel[data-action="recheck"]')
    panel.locator("summary").click()
    panel.locator('input[name="recheck-result"][value="not_rectified"]').check()
    panel.locator('input[name="recheck-rechecked_on"]').fill(today().isoformat())
    panel.locator('textarea[name="recheck-note"]').fill("复查时仍在占道摆卖")
    panel.locator('input[name="photos"]').set_input_files({**JPEG_FILE, "name": "复查.jpg"})
    with page.expect_navigation():
        panel.locator("button.action-submit").click()
    item.refresh_from_db()
    assert item.status == ItemStatus.NOT_RECTIFIED and item.photos.filter(stage="after").count() == 1
    expect(page.locator(".photos-after img")).to_have_count(1)
    expect(page.locator(".item-status-badge")).to_have_attribute("data-status", ItemStatus.NOT_RECTIFIED)

    # Escalated by the general procedure, the confirmation accepted.
    panel = page.locator('details.action-panel[data-action="escalate"]')
    panel.locator("summary").click()
    panel.locator('input[name="escalate-procedure"][value="general"]').check()
    expected_question = panel.locator("form.action-form").get_attribute("data-confirm")
    assert expected_question
    with page.expect_navigation():
        panel.locator("button.action-submit").click()
    assert questions == [expected_question]

    item.refresh_from_db()
    case = item.case
    assert item.status == ItemStatus.ESCALATED and case is not None
    assert case.rectification_item == item
    assert (case.party, case.category, case.address, case.status) == (
        party,
        category,
        "禅城区祖庙路18号",
        CaseStatus.LEAD,
    )
    assert CaseEvidence.objects.filter(case=case).count() == 2  # the photos before and after
    # The item page: the link to the case, no escalate button any more.
    expect(page).to_have_url(re.compile(rf"/campaigns/items/{item.pk}/$"))
    case_link = page.locator(".item-case a.case-link")
    expect(case_link).to_have_text(case.number)
    expect(page.locator(".item-status-badge")).to_have_attribute("data-status", ItemStatus.ESCALATED)
    expect(page.locator('details.action-panel[data-action="escalate"]')).to_have_count(0)
    expect(page.locator("button.action-submit")).to_have_count(0)
    no_horizontal_scroll(page)
    screenshot(page, "campaign-item-escalated")

    # The case: the item's party, place, and the photos as evidence; linked back.
    with page.expect_navigation():
        case_link.click()
    expect(page).to_have_url(re.compile(rf"/cases/{case.pk}/$"))
    expect(page.locator("h1.case-number")).to_have_text(case.number)
    expect(page.locator(".case-party .party-link")).to_have_text("陈大文")
    expect(page.locator(".case-address")).to_have_text("禅城区祖庙路18号")
    expect(page.locator(".evidence-list .evidence-item")).to_have_count(2)
    expect(page.locator("a.case-rectification-item")).to_have_attribute("href", item.get_absolute_url())
    no_horizontal_scroll(page)
    screenshot(page, "campaign-item-case")

    # Escalating twice is not offered again on a fresh load either.
    page.goto(item.get_absolute_url())
    expect(page.locator(".item-case a.case-link")).to_have_text(case.number)
    expect(page.locator('details.action-panel[data-action="escalate"]')).to_have_count(0)
    _settle(page, problems)


# --- the map, without tiles and with them ------------------------------------------------------------------------
@pytest.fixture
def mapped(crew, squadrons):  # noqa: F811
    """A campaign over two outlined grids, with three located items (found, noticed, not rectified) and one
    with no location (not on the map)."""
    first, second = squadrons
    grids = [box(first, "A-001", "23.010000", "113.100000"), box(second, "A-002", "23.030000", "113.100000")]
    running = services.start(plan(crew, squadrons, grids=grids), by=crew["leader"])
    officer, other = crew["officer1"], crew["officer2"]
    found = register(
        running,
        officer,
        first,
        party_name="水果摊",
        address="祖庙路1号",
        lat=Decimal("23.015"),
        lng=Decimal("113.105"),
    )
    noticed = services.issue_notice(
        register(
            running,
            officer,
            first,
            party_name="杂货店",
            address="祖庙路9号",
            lat=Decimal("23.016"),
            lng=Decimal("113.106"),
        ),
        by=officer,
        deadline_on=today(),
        requirement="清理店外杂物",
    )
    failed = services.recheck(
        services.issue_notice(
            register(
                running,
                other,
                second,
                party_name="烧烤档",
                address="人民路3号",
                lat=Decimal("23.035"),
                lng=Decimal("113.104"),
            ),
            by=other,
            deadline_on=today(),
            requirement="停止占道烧烤",
        ),
        by=other,
        result="not_rectified",
        rechecked_on=today(),
        photos=[photo("复查.jpg")],
    )
    unlocated = register(running, officer, first, party_name="无坐标摊", address="某处")
    return {"campaign": running, "items": [found, noticed, failed], "unlocated": unlocated, "grids": grids}


def test_the_map_without_tiles_draws_the_items_over_the_grids_and_opens_a_popup_from_the_list(
    page,
    crew,  # noqa: F811
    mapped,
    settings,
):
    settings.MAP_TILE_URL = ""
    leader = crew["leader"]
    running, items = mapped["campaign"], mapped["items"]
    page, problems = watched(page)
    requested = []
    page.on("request", lambda request: requested.append(request.url))
    log_in(page, leader)
    page.goto(f"/campaigns/{running.pk}/map/")
    the_map = page.locator("#item-map")
    expect(the_map).to_have_attribute("data-ready", "true")
    expect(the_map).to_have_attribute("data-tile-url", "")
    expect(page.locator("#map-status")).not_to_be_empty()  # says there are no tiles
    # No tiles: no tile pane images; the markers (circle paths) and the grid rectangles are vector paths.
    expect(the_map.locator(".leaflet-tile")).to_have_count(0)
    paths = the_map.locator("path.leaflet-interactive")
    expect(paths).to_have_count(len(items) + len(mapped["grids"]))
    fills = sorted(p.get_attribute("fill") or "none" for p in paths.all())
    assert fills.count("none") == len(mapped["grids"])  # the outlines are not filled; the markers are
    legend = {
        li.get_attribute("data-status"): li.get_attribute("data-colour")
        for li in page.locator("#map-legend [data-status]").all()
    }
    assert sorted(f for f in fills if f != "none") == sorted(legend[i.status] for i in items)
    box_of_map = the_map.bounding_box()
    assert box_of_map and box_of_map["height"] > 200  # drawn, not collapsed
    for path in paths.all():  # each path within the map, fitted to the points and outlines
        shape = path.bounding_box()
        assert shape and shape["width"] > 0

    # The list below: the located items (newest first); the one without a location is not there.
    entries = page.locator("#map-list .map-point")
    expect(entries).to_have_count(len(items))
    for item in items:
        expect(page.locator(f'#map-list .map-point[data-id="{item.pk}"]')).to_have_attribute(
            "data-status", item.status
        )
    expect(page.locator(f'#map-list .map-point[data-id="{mapped["unlocated"].pk}"]')).to_have_count(0)
    expect(page.locator("#map-grids li")).to_have_count(len(mapped["grids"]))

    # "Show on the map" opens the item's popup with a link to it.
    failed = items[2]
    show = page.locator(f'#map-list .map-show[data-id="{failed.pk}"]')
    expect(show).to_be_visible()
    show.click()
    popup = the_map.locator(".leaflet-popup-content")
    expect(popup).to_be_visible()
    expect(popup).to_contain_text("烧烤档")
    expect(popup).to_contain_text("人民路3号")
    link = popup.locator("a")
    expect(link).to_have_attribute("href", failed.get_absolute_url())
    expect(link).to_have_text(words("Open the item"))
    screenshot(page, "campaign-map-no-tiles")
    # The click as the link's own event: Leaflet may still be panning the popup into view, which on a loaded
    # machine moved the link away from where a pointer click landed.
    with page.expect_navigation():
        link.dispatch_event("click")
    expect(page).to_have_url(re.compile(rf"/campaigns/items/{failed.pk}/$"))
    expect(page.locator(".item-title")).to_have_text("烧烤档")
    assert not [url for url in requested if url.endswith(".png") and "/tiles/" in url]
    _settle(page, problems)


def test_the_map_with_a_tile_url_asks_it_for_tiles(page, crew, mapped, settings, live_server):  # noqa: F811
    settings.MAP_TILE_URL = f"{live_server.url}/static/test-tiles/{{z}}/{{x}}/{{y}}.png"  # a 404 is fine
    page, problems = watched(page)
    log_in(page, crew["leader"])
    with page.expect_request(re.compile(r"/static/test-tiles/\d+/\d+/\d+\.png$")) as tile:
        page.goto(f"/campaigns/{mapped['campaign'].pk}/map/")
    assert tile.value.url.startswith(live_server.url)
    the_map = page.locator("#item-map")
    expect(the_map).to_have_attribute("data-ready", "true")
    expect(the_map.locator(".leaflet-tile")).not_to_have_count(0)
    # The points are drawn over the tiles all the same.
    expect(the_map.locator("path.leaflet-interactive")).to_have_count(
        len(mapped["items"]) + len(mapped["grids"])
    )
    # A missing tile is the tile server's business, not a policy violation or a script error.
    _settle(page, [p for p in problems if "Failed to load resource" not in p])
