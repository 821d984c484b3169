"""External responsible units (外部责任单位): departments, towns and street offices the bureau dispatches
to. They sit under the dispatching unit, have no sub-units, and their users are liaisons who see only
their own unit's records."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from ..choices import Role, UnitLevel
from ..models import OrgUnit, User
from .factories import OrgUnitFactory

pytestmark = pytest.mark.django_db

PASSWORD = "Gu1cheng-liaison!"


@pytest.fixture
def water(district_a):
    return OrgUnitFactory(
        code="water-a",
        name="甲区水务局",
        name_en="District A Water Bureau",
        level=UnitLevel.EXTERNAL,
        parent=district_a,
    )


def test_no_unit_of_any_level_goes_under_an_external_unit(water):
    for level in UnitLevel.values:
        with pytest.raises(ValidationError) as error:
            OrgUnit(code=f"under-{level}", name="下属", level=level, parent=water).clean()
        assert "outside the bureau's chain of command" in str(error.value)


def test_an_external_unit_needs_a_parent_and_a_unit_with_sub_units_cannot_become_one(district_a, squad_a):
    with pytest.raises(ValidationError):
        OrgUnit(code="loose", name="无上级", level=UnitLevel.EXTERNAL).clean()
    changed = OrgUnit.objects.get(pk=district_a.pk)
    changed.level = UnitLevel.EXTERNAL
    with pytest.raises(ValidationError) as error:
        changed.clean()
    assert "sub-units" in str(error.value)
    OrgUnit(code="roads", name="区公路局", level=UnitLevel.EXTERNAL, parent=district_a).clean()  # fine


def test_the_dispatchers_scope_covers_the_external_unit_and_the_liaison_sees_only_it(
    make_user, water, district_a, squad_a, admin_a
):
    liaison = make_user(Role.LIAISON, unit=water)
    assert not liaison.sees_all_units
    assert liaison.scope_unit_ids == [water.pk]
    assert list(OrgUnit.objects.visible_to(liaison)) == [water]
    assert list(User.objects.visible_to(liaison)) == [liaison]
    assert water.pk in admin_a.scope_unit_ids


def test_admin_adds_an_external_unit_in_the_unit_pages(client, admin_a, district_a):
    client.force_login(admin_a)
    form = client.get(reverse("org:unit-create")).content.decode()
    assert '<option value="external">External responsible unit</option>' in form
    response = client.post(
        reverse("org:unit-create"),
        {
            "code": "a-gardens",
            "name": "甲区园林局",
            "name_en": "District A Gardens",
            "level": "external",
            "parent": district_a.pk,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    unit = OrgUnit.objects.get(code="a-gardens")
    assert unit.is_external and unit.parent == district_a
    page = client.get(reverse("org:unit-detail", args=[unit.pk])).content.decode()
    assert "External responsible unit" in page and "chain of command" in page


def user_payload(unit, roles, username="liaison.water"):
    return {
        "username": username,
        "full_name": "苏联络",
        "unit": unit.pk,
        "roles": roles,
        "email": "",
        "phone": "13800000001",
        "certificate_no": "",
        "certificate_expires": "",
        "password1": PASSWORD,
        "password2": PASSWORD,
    }


def test_admin_adds_a_liaison_to_an_external_unit_and_only_there(client, admin_a, water, squad_a):
    client.force_login(admin_a)
    url = reverse("org:user-create")
    officer_outside = client.post(url, user_payload(water, ["officer"]))
    assert officer_outside.status_code == 200
    assert (
        "A user of an external responsible unit can only be its liaison." in officer_outside.content.decode()
    )
    liaison_inside = client.post(url, user_payload(squad_a, ["liaison"]))
    assert liaison_inside.status_code == 200
    assert "Only a user of an external responsible unit can be a liaison." in liaison_inside.content.decode()
    assert not User.objects.filter(username="liaison.water").exists()

    assert client.post(url, user_payload(water, ["liaison"])).status_code == 302
    assert User.objects.get(username="liaison.water").roles == {Role.LIAISON}


def test_the_users_api_applies_the_same_rule(api_client, admin_a, water, squad_a, make_user):
    api_client.force_authenticate(admin_a)
    url = reverse("api:user-list")
    refused = api_client.post(
        url, {"username": "x1", "full_name": "某", "unit": squad_a.pk, "roles": ["liaison"]}, format="json"
    )
    assert refused.status_code == 400 and "roles" in refused.json()
    created = api_client.post(
        url, {"username": "x2", "full_name": "某", "unit": water.pk, "roles": ["liaison"]}, format="json"
    )
    assert created.status_code == 201
    # Moving a liaison into the bureau without changing their roles is refused as well.
    moved = api_client.patch(
        reverse("api:user-detail", args=[created.json()["id"]]),
        {"unit": squad_a.pk, "version": created.json()["version"]},
        format="json",
    )
    assert moved.status_code == 400 and "roles" in moved.json()
