from decimal import Decimal

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from enforcement.audit.models import AuditEvent
from enforcement.catalog.models import LegalParameter, ViolationCategory
from enforcement.catalog.params import get_param

from .factories import ViolationCategoryFactory

pytestmark = pytest.mark.django_db
LIST = reverse("catalog:category-list")


@pytest.fixture
def tree():
    major = ViolationCategoryFactory(code="01", name="市容环卫", name_en="City appearance")
    sub = ViolationCategoryFactory(
        code="0101",
        name="乱丢废弃物",
        name_en="Littering",
        parent=major,
        fine_min_individual=Decimal("50"),
        fine_max_individual=Decimal("200"),
        simple_procedure_allowed=True,
    )
    other = ViolationCategoryFactory(code="09", name="燃气安全", name_en="Gas safety", is_urgent=True)
    return major, sub, other


@pytest.fixture
def admin_client(client, city_admin):
    client.force_login(city_admin)
    return client


def category_form_data(category, **changes):
    data = {
        "parent": category.parent_id or "",
        "code": category.code,
        "name": category.name,
        "name_en": category.name_en,
        "legal_basis": category.legal_basis,
        "penalty_basis": category.penalty_basis,
        "fine_min_individual": category.fine_min_individual or "",
        "fine_max_individual": category.fine_max_individual or "",
        "fine_min_organisation": "",
        "fine_max_organisation": "",
        "sort_order": category.sort_order,
        "version": category.version,
    }
    if category.simple_procedure_allowed:
        data["simple_procedure_allowed"] = "on"
    data.update(changes)
    return data


# --- browsing -------------------------------------------------------------------------------------


def test_anonymous_goes_to_login(client, tree):
    for url in (LIST, reverse("catalog:category-detail", args=[tree[0].pk])):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("login"))


def test_an_officer_browses_the_tree_and_parameters_but_gets_no_edit_buttons(officer_a, tree):
    client = Client()  # no language choice: the Chinese default, with the categories' Chinese names
    client.force_login(officer_a)
    response = client.get(LIST)
    assert response.status_code == 200
    body = response.content.decode()
    assert "乱丢废弃物" in body and "燃气安全" in body
    assert 'id="parameter-simple_fine_max_individual"' in body
    assert reverse("catalog:category-create") not in body
    assert reverse("catalog:parameter-edit", args=[LegalParameter.objects.first().pk]) not in body
    detail = client.get(reverse("catalog:category-detail", args=[tree[1].pk]))
    assert detail.status_code == 200
    assert reverse("catalog:category-edit", args=[tree[1].pk]) not in detail.content.decode()


def test_search_keeps_the_tree(client, officer_a, tree):
    client.force_login(officer_a)
    response = client.get(LIST, {"q": "litter"})
    assert [(major.code, [s.code for s in subs]) for major, subs in response.context["tree"]] == [
        ("01", ["0101"])
    ]
    response = client.get(LIST, {"q": "09"})
    assert [major.code for major, _subs in response.context["tree"]] == ["09"]


def test_inactive_categories_are_hidden_unless_asked_for(client, officer_a, tree):
    ViolationCategory.objects.filter(pk=tree[2].pk).update(is_active=False)
    client.force_login(officer_a)
    assert [m.code for m, _s in client.get(LIST).context["tree"]] == ["01"]
    assert [m.code for m, _s in client.get(LIST, {"inactive": "on"}).context["tree"]] == ["01", "09"]


def test_english_names_in_english(client, officer_a, tree):
    client.force_login(officer_a)
    with translation.override("en"):
        body = client.get(LIST).content.decode()
    assert "Littering" in body
    assert "Administrative Penalty Law, Art. 51" in body


def test_the_catalog_is_in_the_navigation_of_administrators_only(client, officer_a, city_admin):
    client.force_login(city_admin)
    assert LIST in [item["url"] for item in client.get(reverse("home")).context["nav_items"]]
    client.force_login(officer_a)
    assert LIST not in [item["url"] for item in client.get(reverse("home")).context["nav_items"]]


# --- who may edit ---------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["officer_a", "admin_a"])
def test_editing_is_refused_to_all_but_city_level_administrators(client, request, tree, who):
    client.force_login(request.getfixturevalue(who))
    param = LegalParameter.objects.get(key="payment_days")
    for url in (
        reverse("catalog:category-create"),
        reverse("catalog:category-edit", args=[tree[1].pk]),
        reverse("catalog:category-deactivate", args=[tree[1].pk]),
        reverse("catalog:parameter-edit", args=[param.pk]),
    ):
        refused = client.get(url)
        assert refused.status_code == 403
        assert "Only a city administrator can change this" in refused.content.decode()
        assert client.post(url, {"value": "1", "version": 1}).status_code == 403
    param.refresh_from_db()
    assert param.value == Decimal("15")
    assert ViolationCategory.objects.get(pk=tree[1].pk).is_active


# --- category forms -------------------------------------------------------------------------------


def test_admin_creates_a_sub_category_audited_from_the_ui(admin_client, city_admin, tree):
    form = admin_client.get(reverse("catalog:category-create"), {"parent": tree[0].pk})
    assert form.context["form"].initial["parent"] == tree[0]
    response = admin_client.post(
        reverse("catalog:category-create"),
        {
            "parent": tree[0].pk,
            "code": "0102",
            "name": "乱倒垃圾",
            "name_en": "Dumping waste",
            "fine_min_individual": "100",
            "fine_max_individual": "500",
            "sort_order": 2,
        },
    )
    created = ViolationCategory.objects.get(code="0102")
    assert response.status_code == 302 and response.url == reverse(
        "catalog:category-detail", args=[created.pk]
    )
    assert created.parent == tree[0] and created.fine_max_individual == Decimal("500")
    event = AuditEvent.objects.for_object(created).get()
    assert (event.action, event.actor, event.source) == ("create", city_admin, "ui")


def test_parent_choices_are_major_categories_only(admin_client, tree):
    form = admin_client.get(reverse("catalog:category-create")).context["form"]
    assert set(form.fields["parent"].queryset) == {tree[0], tree[2]}


def test_a_third_level_is_refused_with_a_field_message(admin_client, tree):
    response = admin_client.post(
        reverse("catalog:category-create"),
        {"parent": tree[1].pk, "code": "010101", "name": "x", "sort_order": 0},
    )
    assert response.status_code == 200
    assert "parent" in response.context["form"].errors
    assert not ViolationCategory.objects.filter(code="010101").exists()


def test_min_above_max_is_refused_with_a_field_message(admin_client, tree):
    response = admin_client.post(
        reverse("catalog:category-edit", args=[tree[1].pk]),
        category_form_data(tree[1], fine_min_individual="300", fine_max_individual="200"),
    )
    assert response.status_code == 200
    assert "fine_max_individual" in response.context["form"].errors
    tree[1].refresh_from_db()
    assert tree[1].fine_min_individual == Decimal("50")


def test_edit_is_saved_and_audited(admin_client, city_admin, tree):
    sub = tree[1]
    response = admin_client.post(
        reverse("catalog:category-edit", args=[sub.pk]), category_form_data(sub, name="乱扔垃圾")
    )
    assert response.status_code == 302
    sub.refresh_from_db()
    assert (sub.name, sub.version) == ("乱扔垃圾", 2)
    event = AuditEvent.objects.for_object(sub).get()
    assert event.after == {"name": "乱扔垃圾"} and event.actor == city_admin


def test_a_stale_edit_shows_a_message_and_loses_nothing(admin_client, tree):
    """Two administrators open the form at version 1; the second to save is told, not silently applied."""
    sub = tree[1]
    stale_data = category_form_data(sub, name="第二人的修改")
    assert (
        admin_client.post(
            reverse("catalog:category-edit", args=[sub.pk]), category_form_data(sub, name="第一人的修改")
        ).status_code
        == 302
    )
    response = admin_client.post(reverse("catalog:category-edit", args=[sub.pk]), stale_data)
    assert response.status_code == 200
    assert response.context["stale"] is True
    assert "Someone else changed this record" in " ".join(response.context["form"].non_field_errors())
    sub.refresh_from_db()
    assert sub.name == "第一人的修改"


def test_a_major_category_with_children_cannot_be_moved(admin_client, tree):
    major = tree[0]
    form = admin_client.get(reverse("catalog:category-edit", args=[major.pk])).context["form"]
    assert form.fields["parent"].disabled
    admin_client.post(
        reverse("catalog:category-edit", args=[major.pk]), category_form_data(major, parent=tree[2].pk)
    )
    major.refresh_from_db()
    assert major.parent is None


# --- deactivation ---------------------------------------------------------------------------------


def test_deactivation_asks_first_then_deactivates_the_sub_categories_too(admin_client, tree):
    major, sub, _other = tree
    url = reverse("catalog:category-deactivate", args=[major.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200
    assert list(confirm.context["affected_children"]) == [sub]
    major.refresh_from_db()
    assert major.is_active  # nothing happens until confirmed
    response = admin_client.post(url, {"version": major.version})
    assert response.status_code == 302
    major.refresh_from_db()
    sub.refresh_from_db()
    assert not major.is_active and not sub.is_active
    assert ViolationCategory.objects.filter(pk=major.pk).exists()  # never deleted


def test_reactivating_a_sub_category_under_an_inactive_major_is_explained(admin_client, tree):
    major, sub, _other = tree
    admin_client.post(reverse("catalog:category-deactivate", args=[major.pk]), {"version": major.version})
    sub.refresh_from_db()
    response = admin_client.post(
        reverse("catalog:category-activate", args=[sub.pk]), {"version": sub.version}
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    sub.refresh_from_db()
    assert not sub.is_active


def test_stale_deactivation_is_refused(admin_client, tree):
    sub = tree[1]
    ViolationCategory.objects.filter(pk=sub.pk).update(version=2)
    response = admin_client.post(reverse("catalog:category-deactivate", args=[sub.pk]), {"version": 1})
    assert response.status_code == 200
    sub.refresh_from_db()
    assert sub.is_active


# --- legal parameters -----------------------------------------------------------------------------


def test_parameter_edit_shows_its_article_and_is_audited(admin_client, city_admin):
    param = LegalParameter.objects.get(key="large_fine_individual")
    page = admin_client.get(reverse("catalog:parameter-edit", args=[param.pk]))
    assert "Art. 63" in page.content.decode()
    # staff read the parameter's name, in the heading and the breadcrumb, never its key
    assert "large_fine_individual" not in page.content.decode()
    assert "large_fine_individual" not in admin_client.get(LIST).content.decode().replace(
        'id="parameter-large_fine_individual"', ""
    )
    response = admin_client.post(
        reverse("catalog:parameter-edit", args=[param.pk]),
        {
            "value": "5000",
            "article": "《广东省行政处罚听证程序实施办法》",
            "description": param.description,
            "version": param.version,
        },
    )
    assert response.status_code == 302
    assert get_param("large_fine_individual") == Decimal("5000")
    event = AuditEvent.objects.for_object(param).get()
    assert event.actor == city_admin and event.source == "ui"
    assert event.after == {"value": "5000.00", "article": "《广东省行政处罚听证程序实施办法》"}


def test_unchanged_built_in_texts_stay_translatable(admin_client):
    """The form shows the article in the user's language; saving it unchanged keeps the stored source."""
    param = LegalParameter.objects.get(key="payment_days")
    form = admin_client.get(reverse("catalog:parameter-edit", args=[param.pk])).context["form"]
    shown = form.initial["article"]
    admin_client.post(
        reverse("catalog:parameter-edit", args=[param.pk]),
        {
            "value": "20",
            "article": shown,
            "description": form.initial["description"],
            "version": param.version,
        },
    )
    param.refresh_from_db()
    assert param.value == Decimal("20")
    assert param.article == "Administrative Penalty Law, Art. 67"


def test_stale_parameter_edit_loses_nothing(admin_client):
    param = LegalParameter.objects.get(key="payment_days")
    url = reverse("catalog:parameter-edit", args=[param.pk])
    data = {"article": param.article, "description": param.description, "version": param.version}
    assert admin_client.post(url, {**data, "value": "20"}).status_code == 302
    response = admin_client.post(url, {**data, "value": "30"})
    assert response.status_code == 200 and response.context["stale"]
    assert get_param("payment_days") == Decimal("20")


def test_bad_parameter_value_is_a_field_error(admin_client):
    param = LegalParameter.objects.get(key="payment_days")
    response = admin_client.post(
        reverse("catalog:parameter-edit", args=[param.pk]),
        {
            "value": "7.5",
            "article": param.article,
            "description": param.description,
            "version": param.version,
        },
    )
    assert response.status_code == 200
    assert "value" in response.context["form"].errors
