"""Any scoped viewset gets the record's timeline over the API from enforcement/audit/api.py's TimelineMixin:
the test-only permit (tests/testapp), with rows built by the code the pages use (audit/timeline.py)."""

import pytest
from django.template import Context, Template
from django.urls import reverse

from tests.testapp.models import Permit

pytestmark = pytest.mark.urls("tests.testapp.urls")
TIMELINE = Template("{% load audit_tags %}{% audit_timeline obj %}")


@pytest.fixture
def permit(squad_a, officer_a):
    return Permit.objects.create(title="户外广告许可", unit=squad_a, handler=officer_a)


def test_a_permit_has_its_timeline_in_the_api_as_on_its_page(api_as, permit, officer_a):
    client = api_as(officer_a)
    client.post(reverse("testapp-api:permit-submit", args=[permit.pk]), {"note": "材料齐全"}, format="json")
    response = client.get(reverse("testapp-api:permit-timeline", args=[permit.pk]))
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    submitted = body["results"][0]
    assert submitted["step_slug"] == "submit" and submitted["note"] == "材料齐全"
    assert submitted["actor"] == officer_a.full_name and submitted["source"] == "API"
    status = next(c for c in submitted["changes"] if c["field"] == "Status")
    assert (status["before"], status["after"]) == ("Draft", "Submitted")
    page = TIMELINE.render(Context({"obj": permit}))  # the same words on the page
    assert submitted["step"] in page and "Draft" in page and "Submitted" in page


def test_a_permit_out_of_scope_has_no_timeline(api_as, permit, officer_b):
    assert api_as(officer_b).get(reverse("testapp-api:permit-timeline", args=[permit.pk])).status_code == 404
