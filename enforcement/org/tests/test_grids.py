"""Administrators add and edit grids (网格) in the UI: within their scope, audited, versioned, with the
bounding box checked (Grid.clean)."""

from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse

from enforcement.audit.models import AuditEvent
from enforcement.org.models import Grid

from .factories import GridFactory

pytestmark = pytest.mark.django_db
CREATE = reverse("org:grid-create")


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def payload(unit, **kw):
    data = {
        "code": "G-A-001",
        "name": "人民路网格",
        "unit": unit.pk,
        "min_lat": "23.010000",
        "max_lat": "23.020000",
        "min_lng": "113.110000",
        "max_lng": "113.120000",
        "is_active": "on",
    }
    data.update(kw)
    return data


def test_a_district_admin_adds_a_grid_and_it_is_audited(admin_a, squad_a):
    client = browser(admin_a)
    detail = client.get(reverse("org:unit-detail", args=[squad_a.pk])).content.decode()
    assert f"{CREATE}?unit={squad_a.pk}" in detail
    form = client.get(CREATE, {"unit": squad_a.pk})
    assert form.status_code == 200 and "Southern edge (latitude)" in form.content.decode()
    response = client.post(CREATE, payload(squad_a))
    assert response.status_code == 302
    grid = Grid.objects.get(code="G-A-001")
    assert (grid.unit, grid.max_lng, grid.has_geometry) == (squad_a, Decimal("113.120000"), True)
    event = AuditEvent.objects.for_object(grid).get()
    assert (event.action, event.actor) == ("create", admin_a)
    assert reverse("org:grid-edit", args=[grid.pk]) in client.get(response["Location"]).content.decode()


def test_a_grid_goes_only_to_a_unit_in_scope(admin_a, squad_b):
    response = browser(admin_a).post(CREATE, payload(squad_b))
    assert response.status_code == 200 and "Select a valid choice" in response.content.decode()
    assert not Grid.objects.exists()


def test_a_grid_out_of_scope_is_not_found(admin_a, squad_b):
    grid = GridFactory(unit=squad_b)
    assert browser(admin_a).get(reverse("org:grid-edit", args=[grid.pk])).status_code == 404


def test_non_admins_cannot_add_grids(officer_a):
    assert browser(officer_a).get(CREATE).status_code == 403


def test_editing_a_grid_is_versioned_and_audited(admin_a, squad_a):
    grid = GridFactory(unit=squad_a, name="旧名")
    client = browser(admin_a)
    url = reverse("org:grid-edit", args=[grid.pk])
    stale = grid.version
    response = client.post(url, payload(squad_a, code=grid.code, name="新名", version=stale))
    assert response.status_code == 302
    grid.refresh_from_db()
    assert grid.name == "新名" and grid.version == stale + 1
    event = AuditEvent.objects.for_object(grid).get()
    assert (event.action, event.before["name"], event.after["name"]) == ("update", "旧名", "新名")
    again = client.post(url, payload(squad_a, code=grid.code, name="另一个名", version=stale))
    assert again.status_code == 409 and "Open the current version" in again.content.decode()
    grid.refresh_from_db()
    assert grid.name == "新名"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"min_lat": "23.030000"}, "max_lat", "The northern edge must be north of the southern edge."),
        ({"max_lng": "113.100000"}, "max_lng", "The eastern edge must be east of the western edge."),
        ({"max_lat": "91.000000"}, "max_lat", "Must be between -90 and 90 degrees."),
        ({"min_lng": "-181.000000"}, "min_lng", "Must be between -180 and 180 degrees."),
        ({"max_lng": ""}, "max_lng", "Give all four edges of the bounding box, or none."),
    ],
)
def test_the_bounding_box_is_checked(admin_a, squad_a, changes, field, message):
    response = browser(admin_a).post(CREATE, payload(squad_a, **changes))
    assert response.status_code == 200
    assert message in response.context["form"].errors[field]
    assert not Grid.objects.exists()


def test_a_grid_without_a_bounding_box_is_fine(admin_a, squad_a):
    response = browser(admin_a).post(CREATE, payload(squad_a, min_lat="", max_lat="", min_lng="", max_lng=""))
    assert response.status_code == 302
    assert not Grid.objects.get().has_geometry
