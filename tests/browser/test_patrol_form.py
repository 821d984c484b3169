"""The patrol form on a phone (issue 8): ticking "fixed on the spot" marks the note and the after-photo as
required, and a report that fails keeps the photo the officer already chose.

Selectors use ids, names and classes, not visible words, so they hold in either language."""

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from complaints.models import Complaint
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.files.testing import jpeg_bytes

from .conftest import log_in

pytestmark = pytest.mark.browser


@pytest.fixture
def patrol(phone_page, officer_a):
    cache.clear()  # the category choices are cached for a minute; ids differ per test
    category = ViolationCategoryFactory(code="A01", name="占道经营", name_en="Street vending")
    log_in(phone_page, officer_a)
    phone_page.goto("/complaints/patrol/")
    return phone_page, category


def test_ticking_fixed_on_the_spot_marks_its_fields_as_required(patrol):
    page, _category = patrol
    note, photo = page.locator("#id_closure_note"), page.locator("#id_after_photo")
    page.locator("#id_fixed_on_the_spot").check()
    for field, label in ((note, "label[for=id_closure_note]"), (photo, "label[for=id_after_photo]")):
        expect(field).to_have_attribute("required", "")
        expect(field).to_have_attribute("aria-required", "true")
        expect(page.locator(f"{label} .required-mark")).to_be_visible()
    page.locator("#id_fixed_on_the_spot").uncheck()
    expect(note).not_to_have_attribute("required", "")
    expect(page.locator("label[for=id_closure_note] .required-mark")).to_be_hidden()


def test_a_failed_report_keeps_the_photo_for_the_corrected_one(patrol, tmp_path):
    page, category = patrol
    picture = tmp_path / "现场.jpg"
    picture.write_bytes(jpeg_bytes())
    page.select_option("#id_category", str(category.pk))
    page.fill("#id_description", "流动摊贩占道。")
    page.set_input_files("#id_photos", str(picture))
    with page.expect_navigation():
        page.locator("#submit-patrol").click()  # no address: refused
    expect(page.locator(".kept-uploads .kept-name")).to_have_text("现场.jpg")
    assert not Complaint.objects.exists()
    page.fill("#id_address", "禅城区祖庙路30号")
    with page.expect_navigation():
        page.locator("#submit-patrol").click()
    complaint = Complaint.objects.get()
    assert list(complaint.attachments.values_list("original_name", flat=True)) == ["现场.jpg"]
