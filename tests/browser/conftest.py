"""Browser tests: Debian's Chromium driven by Playwright against pytest-django's live server.

    .venv/bin/pytest tests/browser -m browser

Playwright's own browser downloads are not used (bureaus' networks are closed): the system Chromium
(`apt-get install chromium`, or CHROMIUM_PATH) runs headless. `live_server` serves static files through
staticfiles' handler and makes each test transactional. Set BROWSER_SCREENSHOTS=<dir> to keep a PNG of
each page a test passes to `screenshot()`.
"""

import os
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the ORM calls of fixtures and assertions
# made from it are still plain synchronous calls.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

from playwright.sync_api import expect, sync_playwright  # noqa: E402

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PASSWORD = "pass-word-123"  # the factories' password
PHONE = {
    "viewport": {"width": 375, "height": 812},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
DESKTOP = {"viewport": {"width": 1280, "height": 800}}
# Generous waits: a CI machine has two cores, shared with the live server and sometimes a Celery worker.
TIMEOUT_MS = 15_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        raise RuntimeError(f"No Chromium at {CHROMIUM}: run bin/ensure-system-packages or set CHROMIUM_PATH.")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(phone=False)`: a fresh browser context (no cookies) on the live server. A Chinese
    browser (Accept-Language zh-CN), like the bureaus' own."""
    contexts = []

    def make(phone=False):
        context = browser.new_context(
            base_url=live_server.url, locale="zh-CN", **(PHONE if phone else DESKTOP)
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page):
    return new_page()


@pytest.fixture
def phone_page(new_page):
    return new_page(phone=True)


def log_in(page, user, password=PASSWORD):
    """Signs in through the real login form and waits for the work queue."""
    page.goto("/login/")
    form = page.locator('form[action="/login/"]')
    form.locator('input[name="username"]').fill(user.username)
    form.locator('input[name="password"]').fill(password)
    form.locator('button[type="submit"]').click()
    page.locator("#user-menu").wait_for(state="attached")  # only signed-in pages have the user menu
    return page


def screenshot(page, name):
    folder = os.environ.get("BROWSER_SCREENSHOTS")
    if folder:
        Path(folder).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(folder) / f"{name}.png"), full_page=True)
