import io
import sys
import types

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.audit.models import AuditEvent
from enforcement.catalog.models import LegalParameter, ViolationCategory
from enforcement.org.choices import Role, UnitLevel
from enforcement.org.management.commands import seed_demo
from enforcement.org.models import Grid, OrgUnit, User, UserRole

pytestmark = pytest.mark.django_db

MODELS = [OrgUnit, Grid, User, UserRole, ViolationCategory, LegalParameter, AuditEvent]


def seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def test_running_it_twice_gives_the_same_rows():
    output = seed()
    first = counts()
    assert (
        first["OrgUnit"] == 9 and first["Grid"] == 12 and first["User"] == 19
    )  # 2 external units, 2 liaisons
    assert first["ViolationCategory"] >= 11 * 3
    assert "chancheng.officer2" in output and seed_demo.DEMO_PASSWORD in output
    seed()
    assert counts() == first  # not even an audit event: nothing needed changing


def test_a_changed_demo_row_is_restored():
    seed()
    OrgUnit.objects.filter(code="nanhai").update(name="改掉的名字")
    User.objects.get(username="nanhai.intake").set_roles([Role.OFFICER])
    seed()
    assert OrgUnit.objects.get(code="nanhai").name == "南海区分局"
    assert User.objects.get(username="nanhai.intake").roles == {Role.INTAKE}


def test_the_demo_city():
    seed()
    city = OrgUnit.objects.get(code="city")
    assert city.level == UnitLevel.CITY and city.parent is None and city.name == "佛山市城市管理和综合执法局"
    squadrons = OrgUnit.objects.filter(level=UnitLevel.SQUADRON)
    assert {s.code for s in squadrons} == {
        "chancheng-zumiao",
        "chancheng-shiwan",
        "nanhai-guicheng",
        "nanhai-dali",
    }
    assert all(unit.name_en for unit in OrgUnit.objects.all())
    for unit in OrgUnit.objects.filter(
        level=UnitLevel.EXTERNAL
    ):  # 外部责任单位, under the district dispatching
        assert unit.parent.level == UnitLevel.DISTRICT
        assert [member.roles for member in unit.members.all()] == [{Role.LIAISON}]
    for grid in Grid.objects.all():
        assert grid.unit.level == UnitLevel.SQUADRON and grid.has_geometry
        assert 22.5 < grid.min_lat < grid.max_lat < 23.5 and 112.8 < grid.min_lng < grid.max_lng < 113.5


@pytest.mark.parametrize("district", ["chancheng", "nanhai"])
def test_every_role_in_each_district(district):
    seed()
    unit = OrgUnit.objects.get(code=district)
    people = User.objects.filter(unit__path__startswith=unit.path)
    for role in Role.values:
        assert people.filter(role_assignments__role=role).exists(), role
    assert people.filter(role_assignments__role=Role.OFFICER).count() == 2  # two-officer investigations
    officer = User.objects.get(username=f"{district}.officer")
    assert officer.unit.level == UnitLevel.SQUADRON and officer.can_sign_enforcement_acts()
    assert User.objects.get(username=f"{district}.bureau_head").unit == unit


def test_city_admin_sees_everything_and_districts_see_only_their_own():
    seed()
    assert User.objects.get(username="city.admin").sees_all_units
    chancheng = User.objects.get(username="chancheng.admin")
    assert not Grid.objects.visible_to(chancheng).filter(unit__parent__code="nanhai").exists()
    assert Grid.objects.visible_to(chancheng).count() == 6


def test_the_demo_catalogue_is_valid_with_urgent_and_simple_categories():
    seed()
    for category in ViolationCategory.objects.all():
        category.full_clean()
    majors = ViolationCategory.objects.top_level()
    assert majors.count() == 11 and all(major.children.count() >= 2 for major in majors)
    urgent = set(ViolationCategory.objects.filter(is_urgent=True).values_list("name", flat=True))
    assert "燃气泄漏" in urgent and "有倒塌危险的违法建设" in urgent
    assert ViolationCategory.objects.get(name="乱张贴小广告").simple_procedure_allowed
    assert not ViolationCategory.objects.get(name="未取得建设工程规划许可证建设").simple_procedure_allowed


def test_a_demo_login_gets_an_api_token_and_reads_the_catalogue():
    seed()
    client = APIClient()
    response = client.post(
        reverse("api:api-token"),
        {"username": "chancheng.officer", "password": seed_demo.DEMO_PASSWORD},
        format="json",
    )
    assert response.status_code == 200
    client.credentials(HTTP_AUTHORIZATION=f"Token {response.json()['token']}")
    categories = client.get(reverse("api:category-list"), {"page_size": 200})
    assert categories.json()["count"] == ViolationCategory.objects.count()


def test_later_seeders_run_after_org_and_catalogue(monkeypatch):
    calls = []
    module = types.ModuleType("demo_seeder_for_test")
    module.seed = lambda: calls.append(ViolationCategory.objects.count())
    monkeypatch.setitem(sys.modules, "demo_seeder_for_test", module)
    monkeypatch.setattr(seed_demo, "EXTRA_SEEDERS", ["demo_seeder_for_test"])
    seed()
    assert len(calls) == 1 and calls[0] > 0
