from decimal import Decimal

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from enforcement.audit.models import AuditEvent
from enforcement.catalog.models import LegalParameter, ViolationCategory
from enforcement.catalog.params import get_param

from .factories import ViolationCategoryFactory

pytestmark = pytest.mark.django_db

CATEGORIES = reverse("api:category-list")
PARAMETERS = reverse("api:legalparameter-list")


def category_url(category, action=None):
    if action:
        return reverse(f"api:category-{action}", args=[category.pk])
    return reverse("api:category-detail", args=[category.pk])


def parameter_url(param):
    return reverse("api:legalparameter-detail", args=[param.pk])


@pytest.fixture
def tree():
    major = ViolationCategoryFactory(code="01", name="市容环卫", name_en="City appearance")
    sub = ViolationCategoryFactory(code="0101", name="乱丢废弃物", name_en="Littering", parent=major)
    other = ViolationCategoryFactory(code="02", name="违法建设", name_en="Illegal construction")
    return major, sub, other


# --- reading --------------------------------------------------------------------------------------


def test_anonymous_is_refused(tree):
    client = APIClient()
    assert client.get(CATEGORIES).status_code in (401, 403)
    assert client.get(category_url(tree[0])).status_code in (401, 403)
    assert client.get(PARAMETERS).status_code in (401, 403)


def test_every_signed_in_user_reads_the_whole_city_catalogue(api_as, officer_b, tree):
    """The catalogue is city-wide: a squadron officer of district B sees every category."""
    response = api_as(officer_b).get(CATEGORIES, {"page_size": 200})
    assert response.status_code == 200
    rows = {row["code"]: row for row in response.json()["results"]}
    assert {"01", "0101", "02"} <= set(rows)
    assert (
        rows["01"]["level"] == 1 and rows["01"]["children"] == [tree[1].pk] and rows["01"]["parent"] is None
    )
    assert rows["0101"]["level"] == 2 and rows["0101"]["parent"] == tree[0].pk
    assert api_as(officer_b).get(category_url(tree[1])).json()["name_en"] == "Littering"


@pytest.mark.parametrize(
    "query, codes",
    [
        ({"parent": "PARENT"}, {"0101"}),
        ({"level": "1"}, {"01", "02"}),
        ({"level": "2"}, {"0101"}),
        ({"q": "litter"}, {"0101"}),
        ({"q": "违法"}, {"02"}),
        ({"q": "010"}, {"0101"}),
        ({"is_active": "false"}, {"02"}),
    ],
)
def test_filters(api_as, officer_a, tree, query, codes):
    major, _sub, other = tree
    ViolationCategory.objects.filter(pk=other.pk).update(is_active=False)
    query = {k: (major.pk if v == "PARENT" else v) for k, v in query.items()}
    response = api_as(officer_a).get(CATEGORIES, {**query, "page_size": 200})
    assert response.status_code == 200
    assert {row["code"] for row in response.json()["results"]} == codes


def test_legal_parameters_are_readable_with_their_article_and_default(api_as, officer_a):
    response = api_as(officer_a).get(PARAMETERS, {"key": "simple_fine_max_individual"})
    assert response.status_code == 200
    [row] = response.json()["results"]
    assert row["value"] == "200.00"
    assert row["default_value"] == "200.00"
    assert row["unit"] == "yuan"
    assert "Art. 51" in row["article"]


# --- writing --------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer_a", "admin_a"])
def test_only_a_city_level_administrator_writes(request, api_as, tree, who):
    """A district administrator may not change the city-wide catalogue."""
    user = request.getfixturevalue(who)
    client = api_as(user)
    refused = client.post(CATEGORIES, {"code": "09", "name": "x"}, format="json")
    assert refused.status_code == 403
    assert "Only a city administrator can change this" in refused.json()["detail"]
    assert client.patch(category_url(tree[0]), {"name": "x"}, format="json").status_code == 403
    assert client.post(category_url(tree[0], "deactivate")).status_code == 403
    param = LegalParameter.objects.get(key="large_fine_individual")
    assert client.patch(parameter_url(param), {"value": "1"}, format="json").status_code == 403
    assert not ViolationCategory.objects.filter(code="09").exists()
    param.refresh_from_db()
    assert param.value == Decimal("3000")


def test_admin_creates_a_sub_category_and_it_is_audited(api_as, city_admin, tree):
    payload = {
        "code": "0102",
        "name": "乱倒垃圾",
        "name_en": "Dumping waste",
        "parent": tree[0].pk,
        "fine_min_individual": "100.00",
        "fine_max_individual": "500.00",
        "simple_procedure_allowed": True,
        "legal_basis": "《城市市容和环境卫生管理条例》第三十四条",
    }
    response = api_as(city_admin).post(CATEGORIES, payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["level"] == 2
    created = ViolationCategory.objects.get(code="0102")
    assert created.parent == tree[0]
    event = AuditEvent.objects.for_object(created).get()
    assert (event.action, event.actor, event.source) == ("create", city_admin, "api")


@pytest.mark.parametrize(
    "payload, field",
    [
        (
            {"code": "03", "name": "x", "fine_min_individual": "500", "fine_max_individual": "100"},
            "fine_max_individual",
        ),
        (
            {"code": "03", "name": "x", "fine_min_organisation": "9", "fine_max_organisation": "1"},
            "fine_max_organisation",
        ),
        ({"code": "03", "name": "x", "fine_min_individual": "-1"}, "fine_min_individual"),
        ({"code": "03", "name": "x", "parent": "SUB"}, "parent"),
        ({"code": "01", "name": "duplicate code"}, "code"),
        ({"name": "no code"}, "code"),
    ],
)
def test_bad_category_input_is_400_with_the_field(api_as, city_admin, tree, payload, field):
    payload = {k: (tree[1].pk if v == "SUB" else v) for k, v in payload.items()}
    response = api_as(city_admin).post(CATEGORIES, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()
    assert not ViolationCategory.objects.filter(code="03").exists()


def test_a_major_category_with_children_cannot_become_a_sub_category(api_as, city_admin, tree):
    major, _sub, other = tree
    response = api_as(city_admin).patch(
        category_url(major), {"parent": other.pk, "version": major.version}, format="json"
    )
    assert response.status_code == 400
    assert "parent" in response.json()


def test_edit_is_audited_and_a_stale_version_is_409(api_as, city_admin, tree):
    sub = tree[1]
    client = api_as(city_admin)
    first = client.patch(category_url(sub), {"name": "乱扔垃圾", "version": 1}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["version"] == 2
    second = client.patch(category_url(sub), {"name": "随地乱扔", "version": 1}, format="json")
    assert second.status_code == 409
    sub.refresh_from_db()
    assert (sub.name, sub.version) == ("乱扔垃圾", 2)
    event = AuditEvent.objects.for_object(sub).get()
    assert event.after == {"name": "乱扔垃圾"}


def test_delete_is_refused(api_as, city_admin, tree):
    assert api_as(city_admin).delete(category_url(tree[1])).status_code == 405
    assert ViolationCategory.objects.filter(pk=tree[1].pk).exists()


def test_deactivating_a_major_category_deactivates_its_sub_categories(api_as, city_admin, tree):
    major, sub, _other = tree
    client = api_as(city_admin)
    response = client.post(category_url(major, "deactivate"), {"version": 1}, format="json")
    assert response.status_code == 200
    assert response.json()["is_active"] is False
    sub.refresh_from_db()
    assert sub.is_active is False
    assert AuditEvent.objects.for_object(sub).get().after == {"is_active": False}
    # A sub-category can't come back under an inactive major category …
    refused = client.post(category_url(sub, "activate"), format="json")
    assert refused.status_code == 400
    assert "parent" in refused.json()
    # … but can once the major category is back.
    assert client.post(category_url(major, "activate"), format="json").json()["is_active"] is True
    assert client.post(category_url(sub, "activate"), format="json").json()["is_active"] is True


def test_is_active_is_not_written_by_patch(api_as, city_admin, tree):
    response = api_as(city_admin).patch(
        category_url(tree[0]), {"is_active": False, "version": tree[0].version}, format="json"
    )
    assert response.status_code == 200
    tree[0].refresh_from_db()
    assert tree[0].is_active is True


# --- legal parameters -----------------------------------------------------------------------------


def test_admin_changes_a_parameter_audited_and_the_rules_follow(api_as, city_admin):
    param = LegalParameter.objects.get(key="large_fine_individual")
    response = api_as(city_admin).patch(
        parameter_url(param), {"value": "5000.00"}, format="json", HTTP_IF_MATCH=f'"{param.version}"'
    )
    assert response.status_code == 200, response.json()
    assert get_param("large_fine_individual") == Decimal("5000")
    event = AuditEvent.objects.for_object(param).get()
    assert (event.action, event.actor, event.before, event.after) == (
        "update",
        city_admin,
        {"value": "3000.00"},
        {"value": "5000.00"},
    )


def test_key_and_unit_cannot_be_changed(api_as, city_admin):
    param = LegalParameter.objects.get(key="payment_days")
    client = api_as(city_admin)
    response = client.patch(
        parameter_url(param), {"key": "payment_days_2", "version": param.version}, format="json"
    )
    assert response.status_code == 400 and "key" in response.json()
    response = client.patch(
        parameter_url(param), {"unit": "working_days", "version": param.version}, format="json"
    )
    assert response.status_code == 400 and "unit" in response.json()
    param.refresh_from_db()
    assert (param.key, param.unit) == ("payment_days", "days")


@pytest.mark.parametrize(
    "key, value",
    [("payment_days", "-1"), ("payment_days", "15.5"), ("late_surcharge_percent_per_day", "101")],
)
def test_bad_parameter_value_is_400(api_as, city_admin, key, value):
    param = LegalParameter.objects.get(key=key)
    response = api_as(city_admin).patch(
        parameter_url(param), {"value": value, "version": param.version}, format="json"
    )
    assert response.status_code == 400
    assert "value" in response.json()


def test_admin_recreates_a_missing_known_parameter_but_not_an_unknown_one(api_as, city_admin):
    LegalParameter.objects.get(key="litigation_months").delete()
    client = api_as(city_admin)
    payload = {"key": "litigation_months", "value": "6", "unit": "months", "article": "行政诉讼法第四十六条"}
    response = client.post(PARAMETERS, payload, format="json")
    assert response.status_code == 201, response.json()
    created = LegalParameter.objects.get(key="litigation_months")
    assert AuditEvent.objects.for_object(created).get().action == "create"
    unknown = client.post(PARAMETERS, {**payload, "key": "made_up"}, format="json")
    assert unknown.status_code == 400 and "key" in unknown.json()
