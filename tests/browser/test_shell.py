"""The UI shell in a real browser: login, the work queue, the phone menu, the language switch, logout,
keyboard use, and an administrator creating a unit through the form.

Selectors use URLs and names, not visible words, so they hold once the Chinese catalogue exists."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from enforcement.audit.models import AuditEvent
from enforcement.org import workqueue
from enforcement.org.models import OrgUnit

from .conftest import PASSWORD, log_in, screenshot

pytestmark = pytest.mark.browser


def open_phone_menu(page):
    page.locator(".navbar-toggler").click()
    # Bootstrap adds `show` when the collapse animation has finished; clicking inside it earlier races.
    expect(page.locator("#main-nav")).to_have_class(re.compile(r"\bshow\b"))


def test_officer_on_a_phone_logs_in_switches_language_navigates_and_logs_out(phone_page, make_user, squad_a):
    page = phone_page
    make_user("officer", unit=squad_a, username="wang.wu", full_name="王五")

    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator('label[for="id_username"]')).to_contain_text("用户名")  # Django's own catalogue
    expect(page.locator('.login-card button[name="language"][value="en"]')).to_be_visible()  # before login
    screenshot(page, "phone-login")

    page.fill("#id_username", "wang.wu")
    page.fill("#id_password", PASSWORD)
    page.locator('form[action="/login/"] button[type="submit"]').click()
    expect(page).to_have_url(re.compile(r"/$"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-hans")
    expect(page.locator("h1")).to_be_visible()

    # On a phone the navigation sits behind the toggler.
    toggler = page.locator(".navbar-toggler")
    home_link = page.locator('#main-nav a.nav-link[href="/"]')
    expect(toggler).to_be_visible()
    expect(home_link).to_be_hidden()
    open_phone_menu(page)
    expect(home_link).to_be_visible()
    expect(home_link).to_have_attribute("aria-current", "page")
    expect(toggler).to_have_attribute("aria-expanded", "true")
    expect(page.locator('#main-nav a[href="/org/units/"]')).to_have_count(0)  # officers don't manage units
    screenshot(page, "phone-menu")

    # Switch to English from the menu.
    page.locator("#language-menu").click()
    page.locator('#main-nav button[name="language"][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("h1")).to_have_text("Work queue")
    screenshot(page, "phone-home-en")

    # The user menu names the officer, their unit and role; logging out is a POST from it.
    open_phone_menu(page)
    page.locator("#user-menu").click()
    menu = page.locator('[aria-labelledby="user-menu"]')
    expect(menu).to_be_visible()
    expect(menu).to_contain_text("王五")
    expect(menu).to_contain_text("Squadron A1")
    expect(menu).to_contain_text("Officer")
    menu.locator('form[action="/logout/"] button').click()
    expect(page).to_have_url(re.compile(r"/login/$"))
    page.goto("/")
    expect(page).to_have_url(re.compile(r"/login/\?next=/$"))


def test_work_queue_colours_on_a_phone(phone_page, make_user, squad_a, monkeypatch):
    now = timezone.now()
    items = [
        workqueue.WorkItem(
            title="占道经营投诉 #1024",
            url="/complaints/1024/",
            kind="Complaint",
            status="Dispatched",
            due_at=now - timedelta(days=2, hours=2),
            detail="人民路与中山路交叉口东北角",
        ),
        workqueue.WorkItem(
            title="12345 热线答复",
            url="/complaints/1031/",
            kind="Complaint",
            status="Handling",
            due_at=now + timedelta(hours=3, minutes=10),
        ),
        workqueue.WorkItem(
            title="违法建设立案审批",
            url="/cases/88/",
            kind="Case",
            status="Filing review",
            due_at=now + timedelta(days=6, hours=1),
        ),
    ]
    monkeypatch.setattr(workqueue, "_providers", [lambda user: items])
    page = phone_page
    log_in(page, make_user("officer", unit=squad_a))

    overdue, soon, later = (page.locator(".work-item").nth(i) for i in range(3))
    expect(overdue).to_contain_text("占道经营投诉 #1024")
    expect(overdue.locator(".deadline")).to_have_class(re.compile("text-bg-danger"))
    expect(soon.locator(".deadline")).to_have_class(re.compile("text-bg-warning"))
    expect(later.locator(".deadline")).to_have_class(re.compile("text-bg-success"))
    red = overdue.evaluate("el => getComputedStyle(el).borderLeftColor")
    amber = soon.evaluate("el => getComputedStyle(el).borderLeftColor")
    assert red != amber
    # Nothing is wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 375
    screenshot(page, "phone-home")


def test_skip_link_and_keyboard_focus(page, make_user, squad_a):
    log_in(page, make_user("officer", unit=squad_a))
    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    expect(skip).to_be_focused()
    expect(skip).to_be_visible()  # hidden until focused, then shown
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_admin_creates_a_unit_through_the_form(page, make_user, city, district_a):
    admin = make_user("admin", unit=city, full_name="市局管理员")
    log_in(page, admin)
    page.locator("#language-menu").click()
    page.locator('#main-nav button[name="language"][value="en"]').click()
    expect(page.locator("html")).to_have_attribute("lang", "en")

    page.locator('#main-nav a[href="/org/units/"]').click()
    expect(page.locator("table.unit-tree")).to_contain_text("District A")
    page.locator('a[href="/org/units/new/"]').click()
    page.fill("#id_code", "a-squad-7")
    page.fill("#id_name", "甲区七中队")
    page.fill("#id_name_en", "Squadron A7")
    page.select_option("#id_level", "squadron")
    page.select_option("#id_parent", str(district_a.pk))
    page.locator('main form[method="post"] button[type="submit"]').click()

    expect(page.locator("h1")).to_contain_text("Squadron A7")
    expect(page.locator(".alert-success")).to_be_visible()
    expect(page.locator(".audit-timeline")).to_contain_text("Created")
    expect(page.locator(".audit-timeline")).to_contain_text("市局管理员")
    screenshot(page, "desktop-unit-detail")
    unit = OrgUnit.objects.get(code="a-squad-7")
    assert unit.parent == district_a
    event = AuditEvent.objects.for_object(unit).get()
    assert (event.action, event.source, event.actor) == ("create", "ui", admin)


def test_users_list_on_desktop(page, make_user, city, squad_a, squad_b):
    today = timezone.localdate()
    make_user("officer", unit=squad_a, full_name="李四", certificate_expires=today - timedelta(days=3))
    make_user(
        "officer",
        "squad_leader",
        unit=squad_a,
        full_name="张三",
        certificate_expires=today + timedelta(days=12),
    )
    make_user("intake", unit=squad_b, full_name="赵六")
    log_in(page, make_user("admin", unit=city, full_name="市局管理员"))
    page.goto("/org/users/")
    rows = page.locator("table.user-table tbody tr")
    expect(rows).to_have_count(4)
    expect(page.locator("table.user-table")).to_contain_text("李四")
    expect(page.locator(".certificate-expired:visible")).to_have_count(1)
    expect(page.locator(".certificate-expiring:visible")).to_have_count(1)
    screenshot(page, "desktop-users")
    page.fill("#id_q", "张三")
    page.locator('form[role="search"] button[type="submit"]').click()
    expect(rows).to_have_count(1)
