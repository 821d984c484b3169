"""The content security policy in a real browser (issue 15, enforcement/security.py): the intake form, the
patrol form (its map, the device's location, the on-the-spot toggle) and the complaint detail page (its
photo, its action panels) run under the policy with no violation; the map's tiles from another origin load;
the API docs work; and the policy is really enforced (an injected inline script is refused and reported,
so a page reporting nothing means something).

Chromium reports each refusal on the console ("Refused to …") and as a `securitypolicyviolation` event,
which an init script (run by the browser, outside the page's policy) logs to the console as well."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from playwright.sync_api import expect

from complaints.choices import Channel
from complaints.services import add_attachment, register_complaint
from enforcement.files.testing import jpeg_bytes

from .conftest import log_in
from .test_complaints import demo_city  # noqa: F401 — fixture

pytestmark = pytest.mark.browser

REPORT_VIOLATIONS = """
document.addEventListener("securitypolicyviolation", function (e) {
  console.error("CSP violation: " + e.violatedDirective + " " + e.blockedURI);
});
"""


def watched(page):
    """The page, and the list its policy violations and script errors are collected into."""
    problems = []
    page.context.add_init_script(REPORT_VIOLATIONS)

    def on_console(message):
        text = message.text
        if "Refused to" in text or "CSP violation" in text or "Content Security Policy" in text:
            problems.append(text)

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    return page, problems


def other_origin(live_server):
    """The live server under its other name: another origin for the browser (localhost vs 127.0.0.1)."""
    url = live_server.url
    return (
        url.replace("localhost", "127.0.0.1") if "localhost" in url else url.replace("127.0.0.1", "localhost")
    )


def test_the_policy_is_enforced_and_an_inline_script_is_refused(page, demo_city, live_server):  # noqa: F811
    page, problems = watched(page)
    response = page.goto("/login/")
    assert "script-src 'self'" in response.headers["content-security-policy"]
    ran = page.evaluate("""() => {
        const script = document.createElement("script");
        script.textContent = "window.inlineRan = true";
        document.head.appendChild(script);
        return window.inlineRan === true;
    }""")
    assert ran is False
    page.wait_for_timeout(200)
    assert any("script-src" in problem for problem in problems), problems


def test_intake_and_patrol_forms_run_under_the_policy(new_page, demo_city, live_server, settings):  # noqa: F811
    # Tiles from another origin: the policy's img-src names it, so they load.
    settings.MAP_TILE_URL = f"{other_origin(live_server)}/static/img/favicon.svg?z={{z}}&x={{x}}&y={{y}}"
    desk, problems = watched(new_page())
    log_in(desk, demo_city["intake"])
    desk.goto("/complaints/new/")
    desk.fill("#id_lat", "23.025000")
    desk.fill("#id_lng", "113.105000")
    desk.locator("#id_lng").dispatch_event("change")
    tile = desk.locator(".tile-map img").first
    expect(tile).to_be_attached()
    desk.wait_for_function(
        "() => { const i = document.querySelector('.tile-map img'); return i && i.complete }"
    )
    assert desk.evaluate("() => document.querySelector('.tile-map img').naturalWidth") > 0
    desk.locator("#id_description").fill("夜间施工噪音扰民")
    assert problems == []

    phone = new_page(phone=True)
    phone.context.grant_permissions(["geolocation"])
    phone.context.set_geolocation({"latitude": 23.0301, "longitude": 113.1102})
    phone, problems = watched(phone)
    log_in(phone, demo_city["officer"])
    phone.goto("/complaints/patrol/")
    phone.locator(".use-my-location").click()  # geolocation=(self): the page may ask
    expect(phone.locator("#id_lat")).to_have_value("23.030100")
    phone.locator(".tile-map").click(position={"x": 40, "y": 40})
    phone.locator("#id_fixed_on_the_spot").check()
    expect(phone.locator(".on-the-spot-fields")).to_be_visible()
    assert problems == []


def test_complaint_detail_and_api_docs_run_under_the_policy(page, demo_city):  # noqa: F811
    intake = demo_city["intake"]
    complaint = register_complaint(
        by=intake,
        channel=Channel.HOTLINE_12345,
        category=demo_city["category"],
        description="门前占道经营\n第二行",
        address="禅城区祖庙路30号",
        lat=Decimal("23.025000"),
        lng=Decimal("113.105000"),
    )
    add_attachment(complaint, SimpleUploadedFile("scene.jpg", jpeg_bytes(), "image/jpeg"), by=intake)
    page, problems = watched(page)
    log_in(page, intake)
    response = page.goto(f"/complaints/{complaint.pk}/")
    assert response.headers["permissions-policy"].startswith("geolocation=(self)")
    photo = page.locator(f'img[src$="/attachments/{complaint.attachments.get().pk}/"]')
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.naturalWidth") > 0
    assert photo.evaluate("img => getComputedStyle(img).maxHeight") == "128px"  # the class, not an attribute
    description = page.locator(".complaint-description")
    assert description.evaluate("p => getComputedStyle(p).whiteSpace") == "pre-line"
    panel = page.locator("details.action-panel").first
    panel.locator("summary").click()
    expect(panel.locator("button.action-submit")).to_be_visible()
    assert problems == []

    page.goto("/api/docs/")
    expect(page.locator(".swagger-ui .opblock").first).to_be_visible()
    assert problems == []
    page.goto("/api/v1/complaints/")
    expect(page.locator(".response-info")).to_be_visible()
    assert problems == []
