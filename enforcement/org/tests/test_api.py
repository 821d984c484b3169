from django.urls import reverse

from enforcement.audit.models import AuditEvent
from enforcement.org.models import User
from enforcement.testing import ScopedCreateChecks

from .factories import GridFactory, OrgUnitFactory, UserFactory


class TestOrgUnitEndpoint(ScopedCreateChecks):
    basename = "orgunit"

    def make_object(self, unit):
        return OrgUnitFactory(parent=unit)

    def create_payload(self, unit):
        return {"code": "new-squad", "name": "新中队", "level": "squadron", "parent": unit.pk}


class TestGridEndpoint(ScopedCreateChecks):
    basename = "grid"

    def make_object(self, unit):
        return GridFactory(unit=unit)

    def create_payload(self, unit):
        return {"code": "G-NEW-1", "name": "新网格", "unit": unit.pk}


class TestUserEndpoint(ScopedCreateChecks):
    basename = "user"

    def make_object(self, unit):
        return UserFactory(unit=unit)

    def create_payload(self, unit):
        return {"username": "new-officer", "full_name": "王五", "unit": unit.pk, "roles": ["officer"]}


def test_admin_creates_unit_and_officer_through_the_api(api_client, city_admin, district_a):
    """What an HR directory or a script does: get a token, create a squadron, then an officer in it."""
    token = api_client.post(
        reverse("api:api-token"), {"username": "city-admin", "password": "pass-word-123"}, format="json"
    ).json()["token"]
    api_client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    unit = api_client.post(
        reverse("api:orgunit-list"),
        {"code": "a-squad-9", "name": "甲区九中队", "level": "squadron", "parent": district_a.pk},
        format="json",
    )
    assert unit.status_code == 201, unit.json()
    officer = api_client.post(
        reverse("api:user-list"),
        {
            "username": "zhang.san",
            "full_name": "张三",
            "unit": unit.json()["id"],
            "roles": ["officer", "squad_leader"],
            "certificate_no": "44060100123",
            "certificate_expires": "2028-12-31",
            "password": "Str0ng-enough-pass",
        },
        format="json",
    )
    assert officer.status_code == 201, officer.json()
    assert officer.json()["roles"] == ["officer", "squad_leader"]
    assert "password" not in officer.json()
    user = User.objects.get(username="zhang.san")
    assert user.unit.path.startswith(district_a.path)
    assert user.check_password("Str0ng-enough-pass")
    assert user.has_role("squad_leader")
    # And the new officer can log in for a token of their own.
    login = api_client.post(
        reverse("api:api-token"), {"username": "zhang.san", "password": "Str0ng-enough-pass"}, format="json"
    )
    assert login.status_code == 200


def test_district_admin_cannot_put_a_unit_under_another_district(api_as, admin_a, district_b):
    response = api_as(admin_a).post(
        reverse("api:orgunit-list"),
        {"code": "x", "name": "x", "level": "squadron", "parent": district_b.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_district_admin_cannot_create_a_top_level_unit(api_as, admin_a):
    response = api_as(admin_a).post(
        reverse("api:orgunit-list"), {"code": "x", "name": "x", "level": "city"}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_weak_password_is_refused_with_a_field_message(api_as, city_admin, district_a):
    response = api_as(city_admin).post(
        reverse("api:user-list"),
        {"username": "weak", "unit": district_a.pk, "password": "123"},
        format="json",
    )
    assert response.status_code == 400
    assert response.json()["password"]
    assert not User.objects.filter(username="weak").exists()


def test_unknown_role_is_refused(api_as, city_admin, district_a):
    response = api_as(city_admin).post(
        reverse("api:user-list"),
        {"username": "r", "unit": district_a.pk, "roles": ["emperor"]},
        format="json",
    )
    assert response.status_code == 400
    assert "roles" in response.json()


def test_edit_is_audited_with_before_and_after(api_as, city_admin, officer_a):
    officer_a.refresh_from_db()
    response = api_as(city_admin).patch(
        reverse("api:user-detail", args=[officer_a.pk]),
        {"full_name": "李四"},
        format="json",
        HTTP_IF_MATCH=f'W/"{officer_a.version}"',
    )
    assert response.status_code == 200
    event = AuditEvent.objects.for_object(officer_a).get()
    assert event.action == "update"
    assert event.before["full_name"] != "李四"
    assert event.after == {"full_name": "李四"}
    assert event.actor == city_admin


def test_moving_a_unit_moves_its_subtree(district_a, district_b, squad_a):
    squad_a.parent = district_b
    squad_a.save()
    squad_a.refresh_from_db()
    assert squad_a.path.startswith(district_b.path)
    district_b_admin_scope = User(unit=district_b).scope_unit_ids
    assert squad_a.pk in district_b_admin_scope


def test_unit_cannot_be_moved_under_its_own_child(api_as, city_admin, district_a, squad_a):
    response = api_as(city_admin).patch(
        reverse("api:orgunit-detail", args=[district_a.pk]),
        {"parent": squad_a.pk, "version": district_a.version},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_me_returns_roles(api_as, officer_a):
    data = api_as(officer_a).get(reverse("api:user-me")).json()
    assert data["username"] == "officer-a"
    assert data["roles"] == ["officer"]


def test_delete_is_refused(api_as, city_admin, squad_a):
    assert api_as(city_admin).delete(reverse("api:orgunit-detail", args=[squad_a.pk])).status_code == 405


def test_stale_version_gets_409(api_as, city_admin, squad_a):
    """Concurrent edits: the second editor, still holding the old version, gets 409."""
    url = reverse("api:orgunit-detail", args=[squad_a.pk])
    client = api_as(city_admin)
    first = client.patch(url, {"name": "改名一"}, format="json", HTTP_IF_MATCH='"1"')
    assert first.status_code == 200
    second = client.patch(url, {"name": "改名二"}, format="json", HTTP_IF_MATCH='"1"')
    assert second.status_code == 409
    squad_a.refresh_from_db()
    assert squad_a.name == "改名一"
