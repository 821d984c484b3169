"""The browser pages of the org app: login and lockout, the work queue, language switch, and the
administrators' pages for units and users (scope, permissions, audit, stale edits)."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.org import workqueue
from enforcement.org.models import OrgUnit, User

from .factories import GridFactory, OrgUnitFactory, UserFactory

PASSWORD = "pass-word-123"


def html(response):
    return response.content.decode()


def main(response):
    """The page's <main>: without the navbar, whose user menu names the signed-in user and unit."""
    page = html(response)
    return page[page.index("<main") : page.index("</main>")]


def login(client, user):
    client.force_login(user)
    return client


# --- access --------------------------------------------------------------------------------------
def management_urls(unit, member):
    return [
        reverse("org:unit-list"),
        reverse("org:unit-create"),
        reverse("org:unit-detail", args=[unit.pk]),
        reverse("org:unit-edit", args=[unit.pk]),
        reverse("org:user-list"),
        reverse("org:user-create"),
        reverse("org:user-detail", args=[member.pk]),
        reverse("org:user-edit", args=[member.pk]),
        reverse("org:user-password", args=[member.pk]),
        reverse("org:user-deactivate", args=[member.pk]),
        reverse("org:user-reactivate", args=[member.pk]),
    ]


def test_anonymous_is_sent_to_the_login_page(client, squad_a, officer_a):
    for url in [reverse("home"), *management_urls(squad_a, officer_a)]:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response["Location"].startswith(reverse("login") + "?next="), url


def test_non_admin_is_forbidden(client, squad_a, officer_a, make_user):
    login(client, make_user("squad_leader", "statistician", unit=squad_a))
    for url in management_urls(squad_a, officer_a):
        assert client.get(url).status_code == 403, url
    assert (
        client.post(reverse("org:unit-create"), {"code": "x", "name": "x", "level": "squadron"}).status_code
        == 403
    )
    assert not OrgUnit.objects.filter(code="x").exists()


def test_out_of_scope_records_are_404(client, admin_a, squad_b, officer_b):
    login(client, admin_a)
    record_pages = [
        reverse("org:unit-detail", args=[squad_b.pk]),
        reverse("org:unit-edit", args=[squad_b.pk]),
        reverse("org:user-detail", args=[officer_b.pk]),
        reverse("org:user-edit", args=[officer_b.pk]),
        reverse("org:user-password", args=[officer_b.pk]),
        reverse("org:user-deactivate", args=[officer_b.pk]),
        reverse("org:user-reactivate", args=[officer_b.pk]),
    ]
    for url in record_pages:
        assert client.get(url).status_code == 404, url
    response = client.post(
        reverse("org:user-deactivate", args=[officer_b.pk]), {"version": officer_b.version}
    )
    assert response.status_code == 404
    officer_b.refresh_from_db()
    assert officer_b.is_active


def test_navigation_shows_admin_pages_to_admins_only(client, officer_a, admin_a):
    login(client, officer_a)
    page = html(client.get(reverse("home")))
    assert reverse("org:unit-list") not in page
    assert reverse("home") in page
    login(client, admin_a)
    page = html(client.get(reverse("org:user-list")))
    assert f'href="{reverse("org:unit-list")}"' in page
    assert f'href="{reverse("notifications:inbox")}"' in page  # the inbox bell
    assert re.search(rf'class="nav-link active" href="{reverse("org:user-list")}" aria-current="page"', page)


# --- login, logout, language ---------------------------------------------------------------------
def test_login_form_signs_in_and_lands_on_the_work_queue(client, officer_a):
    response = client.post(reverse("login"), {"username": "officer-a", "password": PASSWORD})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


def test_lockout_message_after_five_failed_logins(client, officer_a, settings):
    assert settings.LOGIN_FAILURE_LIMIT == 5
    for _attempt in range(4):
        response = client.post(reverse("login"), {"username": "officer-a", "password": "wrong"})
        assert response.status_code == 200
        assert "Please enter a correct" in html(response)
        assert 'id="login-locked"' not in html(response)
    fifth = client.post(reverse("login"), {"username": "officer-a", "password": "wrong"})
    assert 'id="login-locked"' in html(fifth)
    assert "this account is locked" in html(fifth)
    # Now even the right password is refused, with the same clear message.
    right = client.post(reverse("login"), {"username": "officer-a", "password": PASSWORD})
    assert right.status_code == 200
    assert "this account is locked" in html(right)
    assert "_auth_user_id" not in client.session


def test_logout_is_a_post(client, officer_a):
    login(client, officer_a)
    page = html(client.get(reverse("home")))
    assert re.search(rf'<form method="post" action="{reverse("logout")}">', page)
    assert client.get(reverse("logout")).status_code == 405
    response = client.post(reverse("logout"))
    assert response.status_code == 302
    assert "_auth_user_id" not in client.session


def test_chinese_by_default_and_the_switch_changes_the_language(officer_a):
    client = Client()  # no Accept-Language: what a new user gets
    login_page = html(client.get(reverse("login")))
    assert '<html lang="zh-hans">' in login_page
    assert "用户名" in login_page  # Django's own catalogue already translates the login fields
    assert f'action="{reverse("set_language")}"' in login_page  # switchable before signing in

    login(client, officer_a)
    response = client.post(reverse("set_language"), {"language": "en", "next": reverse("home")})
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    page = html(client.get(reverse("home")))
    assert '<html lang="en">' in page
    assert "Work queue" in page

    client.post(reverse("set_language"), {"language": "zh-hans", "next": reverse("home")})
    page = html(client.get(reverse("home")))
    assert '<html lang="zh-hans">' in page
    assert "待办" in page


def test_user_menu_shows_name_unit_and_roles(client, make_user, squad_a):
    officer = make_user("officer", "squad_leader", unit=squad_a, full_name="张三")
    login(client, officer)
    page = html(client.get(reverse("home")))
    assert "张三" in page
    assert "Squadron A1" in page
    assert "Officer" in page and "Squad leader" in page


# --- work queue ----------------------------------------------------------------------------------
@pytest.fixture
def queue_items(monkeypatch):
    now = timezone.now()
    items = [
        workqueue.WorkItem(
            title="Overdue complaint", url="/c/1/", kind="Complaint", due_at=now - timedelta(days=2, hours=1)
        ),
        workqueue.WorkItem(
            title="Urgent reply", url="/c/2/", kind="Complaint", due_at=now + timedelta(hours=3, minutes=5)
        ),
        workqueue.WorkItem(
            title="Later case",
            url="/k/3/",
            kind="Case",
            due_at=now + timedelta(days=5, hours=2),
            status="Investigating",
            detail="Street vending, Main St.",
        ),
        workqueue.WorkItem(title="Undated", url="/k/4/", kind="Case"),
    ]
    monkeypatch.setattr(workqueue, "_providers", [lambda user: list(reversed(items))])
    return items


def test_work_queue_lists_items_most_urgent_first_with_colours_and_time_left(client, officer_a, queue_items):
    login(client, officer_a)
    page = html(client.get(reverse("home")))
    titles = re.findall(r'class="work-item-title stretched-link" href="[^"]+">([^<]+)<', page)
    assert titles == ["Overdue complaint", "Urgent reply", "Later case", "Undated"]
    assert "urgency-overdue" in page and "urgency-due_soon" in page and "urgency-ok" in page
    assert "Overdue by 2 days" in page
    assert "3 hours left" in page
    assert "5 days left" in page
    assert "No deadline" in page
    assert "1 overdue" in page and "1 due within a day" in page
    assert "Street vending, Main St." in page


def test_work_queue_empty_state(client, officer_a, monkeypatch):
    monkeypatch.setattr(workqueue, "_providers", [])
    login(client, officer_a)
    assert "Nothing is waiting for you." in html(client.get(reverse("home")))


# --- org units -----------------------------------------------------------------------------------
def test_unit_list_is_scoped_searchable_and_indented(client, admin_a, squad_a, squad_b):
    login(client, admin_a)
    page = main(client.get(reverse("org:unit-list")))
    assert "District A" in page and "Squadron A1" in page
    assert "District B" not in page and "Squadron B1" not in page and "City Bureau" not in page
    # The admin's own unit sits at the margin, its sub-units one step in.
    assert 'tree-indent-0"' in page and 'tree-indent-1"' in page
    found = main(client.get(reverse("org:unit-list"), {"q": "squad-a"}))
    assert "Squadron A1" in found and "District A" not in found


def test_unit_list_paginates(client, city_admin, city):
    for n in range(55):
        OrgUnitFactory(parent=city, code=f"p-{n:02d}", name=f"单位{n:02d}", name_en=f"Page unit {n:02d}")
    login(client, city_admin)
    first = html(client.get(reverse("org:unit-list")))
    assert "Page 1 of 2" in first
    second = html(client.get(reverse("org:unit-list"), {"page": 2}))
    assert "Page unit 54" in second and "Page unit 54" not in first


def test_unit_detail_shows_children_members_grids_and_history(
    client, admin_a, district_a, squad_a, officer_a
):
    GridFactory(unit=district_a, code="GA-001", name="一号网格")
    login(client, admin_a)
    page = main(client.get(reverse("org:unit-detail", args=[district_a.pk])))
    assert "Squadron A1" in page
    assert "GA-001" in page
    assert admin_a.full_name in page
    assert officer_a.full_name not in page  # a member of the sub-unit, not of this one
    assert "No recorded changes." in page  # made by factories, which write no audit events


def test_admin_creates_a_unit_and_it_is_audited(client, admin_a, district_a):
    login(client, admin_a)
    form = html(client.get(reverse("org:unit-create"), {"parent": district_a.pk}))
    assert f'<option value="{district_a.pk}" selected>' in form
    response = client.post(
        reverse("org:unit-create"),
        {
            "code": "a-squad-2",
            "name": "甲区二中队",
            "name_en": "Squadron A2",
            "level": "squadron",
            "parent": district_a.pk,
            "is_active": "on",
        },
    )
    unit = OrgUnit.objects.get(code="a-squad-2")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:unit-detail", args=[unit.pk])
    assert unit.path.startswith(district_a.path)
    event = AuditEvent.objects.for_object(unit).get()
    assert (event.action, event.source, event.actor) == ("create", "ui", admin_a)
    assert event.after["name"] == "甲区二中队"
    page = html(client.get(response["Location"]))
    assert "Created" in page and "Squadron A2" in page


def test_district_admin_cannot_place_a_unit_outside_their_district(client, admin_a, district_b):
    login(client, admin_a)
    response = client.post(
        reverse("org:unit-create"), {"code": "x1", "name": "x", "level": "squadron", "parent": district_b.pk}
    )
    assert response.status_code == 200
    assert "Select a valid choice" in html(response)
    response = client.post(reverse("org:unit-create"), {"code": "x2", "name": "x", "level": "city"})
    assert "This field is required." in html(response)
    assert not OrgUnit.objects.filter(code__in=["x1", "x2"]).exists()


def test_district_admin_edits_own_district_without_moving_it(client, admin_a, district_a, city):
    login(client, admin_a)
    form = html(client.get(reverse("org:unit-edit", args=[district_a.pk])))
    assert re.search(r'<select name="parent"[^>]* disabled', form)
    response = client.post(
        reverse("org:unit-edit", args=[district_a.pk]),
        {
            "code": "district-a",
            "name": "甲区执法分局",
            "name_en": "District A",
            "level": "district",
            "parent": "",
            "is_active": "on",
            "version": district_a.version,
        },
    )
    assert response.status_code == 302, html(response)
    district_a.refresh_from_db()
    assert district_a.name == "甲区执法分局"
    assert district_a.parent == city  # the disabled field kept it
    assert district_a.version == 2
    event = AuditEvent.objects.for_object(district_a).get()
    assert event.action == "update"
    assert event.before == {"name": "甲区分局"} and event.after == {"name": "甲区执法分局"}


def test_moving_a_unit_moves_its_subtree(client, city_admin, district_a, district_b, squad_a):
    team = OrgUnitFactory(parent=squad_a, code="team-1")
    login(client, city_admin)
    response = client.post(
        reverse("org:unit-edit", args=[squad_a.pk]),
        {
            "code": squad_a.code,
            "name": squad_a.name,
            "name_en": squad_a.name_en,
            "level": "squadron",
            "parent": district_b.pk,
            "is_active": "on",
            "version": squad_a.version,
        },
    )
    assert response.status_code == 302
    squad_a.refresh_from_db()
    team.refresh_from_db()
    assert squad_a.path.startswith(district_b.path)
    assert team.path.startswith(squad_a.path)
    assert AuditEvent.objects.for_object(squad_a).get().after == {"parent": district_b.pk}


def test_a_unit_cannot_go_under_its_own_sub_unit(client, city_admin, district_a, squad_a):
    login(client, city_admin)
    response = client.post(
        reverse("org:unit-edit", args=[district_a.pk]),
        {
            "code": "district-a",
            "name": "甲区分局",
            "level": "district",
            "parent": squad_a.pk,
            "is_active": "on",
            "version": district_a.version,
        },
    )
    assert response.status_code == 200
    assert "Select a valid choice" in html(response)


def test_stale_unit_edit_shows_an_error_and_keeps_the_other_save(client, city_admin, district_a):
    login(client, city_admin)
    loaded_version = district_a.version
    # Someone else saves first.
    other = OrgUnit.objects.get(pk=district_a.pk)
    other.name = "甲区（别人改的）"
    other.save_versioned(loaded_version)
    response = client.post(
        reverse("org:unit-edit", args=[district_a.pk]),
        {
            "code": "district-a",
            "name": "甲区（我改的）",
            "level": "district",
            "parent": district_a.parent_id,
            "is_active": "on",
            "version": loaded_version,
        },
    )
    assert response.status_code == 409
    page = html(response)
    assert "Someone else changed this record after you opened it" in page
    assert "甲区（我改的）" in page  # the user's input is still in the form
    assert "Open the current version" in page
    district_a.refresh_from_db()
    assert district_a.name == "甲区（别人改的）"
    assert not AuditEvent.objects.for_object(district_a).exists()


# --- users ---------------------------------------------------------------------------------------
def test_user_list_is_scoped_and_filters(client, admin_a, squad_a, squad_b, make_user, district_a):
    make_user("officer", unit=squad_a, full_name="李四", certificate_no="44060999888")
    make_user("intake", unit=district_a, full_name="王五")
    make_user("officer", unit=squad_b, full_name="赵六")
    make_user("officer", unit=squad_a, full_name="钱七", is_active=False)
    login(client, admin_a)
    page = html(client.get(reverse("org:user-list")))
    assert "李四" in page and "王五" in page
    assert "赵六" not in page
    assert "钱七" not in page  # active users by default
    assert "钱七" in html(client.get(reverse("org:user-list"), {"status": "inactive"}))
    by_cert = html(client.get(reverse("org:user-list"), {"q": "999888"}))
    assert "李四" in by_cert and "王五" not in by_cert
    by_role = html(client.get(reverse("org:user-list"), {"role": "intake"}))
    assert "王五" in by_role and "李四" not in by_role
    by_unit = html(client.get(reverse("org:user-list"), {"unit": squad_a.pk}))
    assert "李四" in by_unit and "王五" not in by_unit
    # A unit outside the admin's scope is not a valid filter (and shows no one of theirs).
    assert "赵六" not in html(client.get(reverse("org:user-list"), {"unit": squad_b.pk}))


def test_user_list_paginates_with_filters_kept(client, city_admin, city, make_user):
    for n in range(30):
        make_user("officer", unit=city, full_name=f"Officer {n:02d}")
    login(client, city_admin)
    page = html(client.get(reverse("org:user-list"), {"role": "officer"}))
    assert "Page 1 of 2" in page
    assert "?role=officer&amp;page=2" in page


def test_list_pages_run_a_fixed_number_of_queries(client, city_admin, city, squad_a, make_user):
    login(client, city_admin)
    urls = [reverse("org:user-list"), reverse("org:unit-list"), reverse("org:unit-detail", args=[squad_a.pk])]

    def count_queries():
        counts = []
        for url in urls:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counts.append(len(queries))
        return counts

    make_user("officer", unit=squad_a)
    few = count_queries()
    for _n in range(15):
        make_user("officer", "intake", unit=squad_a)
    assert count_queries() == few  # no query per row (roles, units) on any list


def test_superusers_are_not_managed_by_ordinary_admins(client, city_admin, city):
    root = UserFactory(unit=city, is_superuser=True, full_name="超级管理员")
    login(client, city_admin)
    assert "超级管理员" not in html(client.get(reverse("org:user-list")))
    assert client.get(reverse("org:user-password", args=[root.pk])).status_code == 404


def user_payload(unit, **extra):
    return {
        "username": "zhang.san",
        "full_name": "张三",
        "unit": unit.pk,
        "roles": ["officer", "squad_leader"],
        "email": "zhang@example.org",
        "phone": "13800000000",
        "certificate_no": "44060100123",
        "certificate_expires": "2030-12-31",
        **extra,
    }


def test_admin_creates_a_user_with_roles_and_a_valid_password(client, admin_a, squad_a):
    login(client, admin_a)
    weak = client.post(
        reverse("org:user-create"), user_payload(squad_a, password1="12345678", password2="12345678")
    )
    assert weak.status_code == 200
    assert "This password is too short" in html(weak)
    assert not User.objects.filter(username="zhang.san").exists()

    response = client.post(
        reverse("org:user-create"),
        user_payload(squad_a, password1="Str0ng-enough-pass", password2="Str0ng-enough-pass"),
    )
    user = User.objects.get(username="zhang.san")
    assert response.status_code == 302
    assert response["Location"] == reverse("org:user-detail", args=[user.pk])
    assert user.roles == {"officer", "squad_leader"}
    assert user.check_password("Str0ng-enough-pass")
    event = AuditEvent.objects.for_object(user).get()
    assert (event.action, event.source, event.actor) == ("create", "ui", admin_a)
    assert event.after["roles"] == ["officer", "squad_leader"]
    assert "password" not in event.after
    page = html(client.get(response["Location"]))
    assert "Squad leader" in page and "44060100123" in page
    # Django's bookkeeping is no part of the bureau's record of a user
    assert "Date joined" not in page and "Superuser status" not in page and "Staff status" not in page


def test_user_unit_is_limited_to_the_admins_scope(client, admin_a, squad_b):
    login(client, admin_a)
    response = client.post(
        reverse("org:user-create"),
        user_payload(squad_b, password1="Str0ng-enough-pass", password2="Str0ng-enough-pass"),
    )
    assert response.status_code == 200
    assert "Select a valid choice" in html(response)
    assert f'<option value="{squad_b.pk}"' not in html(client.get(reverse("org:user-create")))


def test_admin_edits_roles_and_the_change_is_audited(client, admin_a, officer_a):
    old_name = officer_a.full_name
    login(client, admin_a)
    form = html(client.get(reverse("org:user-edit", args=[officer_a.pk])))
    assert 'name="version"' in form
    assert re.search(r'type="checkbox" name="roles" value="officer"[^>]*checked', form)
    response = client.post(
        reverse("org:user-edit", args=[officer_a.pk]),
        {
            "username": "officer-a",
            "full_name": "新名字",
            "unit": officer_a.unit_id,
            "roles": ["officer", "intake"],
            "email": officer_a.email,
            "certificate_no": officer_a.certificate_no,
            "certificate_expires": officer_a.certificate_expires.isoformat(),
            "version": officer_a.version,
        },
    )
    assert response.status_code == 302, html(response)
    officer_a = User.objects.get(pk=officer_a.pk)
    assert officer_a.full_name == "新名字"
    assert officer_a.roles == {"officer", "intake"}
    event = AuditEvent.objects.for_object(officer_a).get()
    assert event.before == {"full_name": old_name, "roles": ["officer"]}
    assert event.after == {"full_name": "新名字", "roles": ["intake", "officer"]}
    page = html(client.get(reverse("org:user-detail", args=[officer_a.pk])))
    assert "Roles" in page and "Intake desk" in page  # the timeline names the roles


def test_stale_user_edit_is_refused(client, admin_a, officer_a):
    login(client, admin_a)
    stale_version = officer_a.version
    User.objects.get(pk=officer_a.pk).save_versioned(stale_version)
    response = client.post(
        reverse("org:user-edit", args=[officer_a.pk]),
        {
            "username": "officer-a",
            "full_name": "不该保存",
            "unit": officer_a.unit_id,
            "roles": ["admin"],
            "version": stale_version,
        },
    )
    assert response.status_code == 409
    assert "Someone else changed this record" in html(response)
    officer_a = User.objects.get(pk=officer_a.pk)
    assert officer_a.full_name != "不该保存"
    assert officer_a.roles == {"officer"}  # roles are saved in the same transaction, so not at all


def test_certificate_warning_on_user_detail(client, admin_a, make_user, squad_a):
    today = timezone.localdate()
    expired = make_user("officer", unit=squad_a, certificate_expires=today - timedelta(days=1))
    expiring = make_user("officer", unit=squad_a, certificate_expires=today + timedelta(days=30))
    valid = make_user("officer", unit=squad_a, certificate_expires=today + timedelta(days=31))
    login(client, admin_a)
    page = html(client.get(reverse("org:user-detail", args=[expired.pk])))
    assert "certificate-expired" in page and "cannot sign enforcement acts" in page
    assert "certificate-expiring" in html(client.get(reverse("org:user-detail", args=[expiring.pk])))
    page = html(client.get(reverse("org:user-detail", args=[valid.pk])))
    assert "certificate-valid" in page and "cannot sign enforcement acts" not in page


def test_deactivate_after_confirmation(client, admin_a, officer_a):
    login(client, admin_a)
    confirm = html(client.get(reverse("org:user-deactivate", args=[officer_a.pk])))
    assert "They can no longer sign in" in confirm
    officer_a.refresh_from_db()
    assert officer_a.is_active  # showing the question changed nothing
    response = client.post(
        reverse("org:user-deactivate", args=[officer_a.pk]), {"version": officer_a.version}
    )
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert not officer_a.is_active
    assert User.objects.filter(pk=officer_a.pk).exists()  # never deleted
    event = AuditEvent.objects.for_object(officer_a).get()
    assert event.before == {"is_active": True} and event.after == {"is_active": False}
    # And back.
    client.post(reverse("org:user-reactivate", args=[officer_a.pk]), {"version": officer_a.version})
    officer_a.refresh_from_db()
    assert officer_a.is_active


def test_admin_cannot_deactivate_themselves(client, admin_a):
    login(client, admin_a)
    response = client.post(reverse("org:user-deactivate", args=[admin_a.pk]), {"version": admin_a.version})
    assert response.status_code == 200
    assert "You cannot deactivate your own account." in html(response)
    admin_a.refresh_from_db()
    assert admin_a.is_active


def test_set_password_validates_and_is_audited(client, admin_a, officer_a):
    login(client, admin_a)
    url = reverse("org:user-password", args=[officer_a.pk])
    weak = client.post(url, {"new_password1": "password", "new_password2": "password"})
    assert "This password is too common." in html(weak)
    response = client.post(url, {"new_password1": "An0ther-good-one", "new_password2": "An0ther-good-one"})
    assert response.status_code == 302
    officer_a.refresh_from_db()
    assert officer_a.check_password("An0ther-good-one")
    event = AuditEvent.objects.for_object(officer_a).get()
    assert (event.action, event.verb, event.actor) == ("update", "set_password", admin_a)
    assert "An0ther" not in str(event.before) + str(event.after)


# --- one's own password --------------------------------------------------------------------------
NEW_PASSWORD = "Zhi-fa-2026-new"


def test_anonymous_is_sent_to_login_for_the_password_page(client):
    response = client.get(reverse("password-change"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_user_menu_links_to_the_password_page(client, officer_a):
    assert f'href="{reverse("password-change")}"' in html(login(client, officer_a).get(reverse("home")))


def test_a_user_changes_their_own_password_stays_signed_in_and_it_is_audited(officer_a):
    client, elsewhere = Client(HTTP_ACCEPT_LANGUAGE="en"), Client(HTTP_ACCEPT_LANGUAGE="en")
    assert client.login(username=officer_a.username, password=PASSWORD)
    assert elsewhere.login(username=officer_a.username, password=PASSWORD)
    url = reverse("password-change")
    page = client.get(url)
    assert page.status_code == 200 and 'name="old_password"' in html(page) and "form-control" in html(page)

    wrong = client.post(
        url, {"old_password": "not-it", "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}
    )
    assert "Your old password was entered incorrectly." in html(wrong)
    weak = client.post(
        url, {"old_password": PASSWORD, "new_password1": "password", "new_password2": "password"}
    )
    assert "This password is too common." in html(weak)
    officer_a.refresh_from_db()
    assert officer_a.check_password(PASSWORD) and not AuditEvent.objects.for_object(officer_a).exists()

    done = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD},
        follow=True,
    )
    assert done.redirect_chain == [(reverse("home"), 302)]
    assert "Your password is changed." in html(done)  # and this session is still signed in
    officer_a.refresh_from_db()
    assert officer_a.check_password(NEW_PASSWORD)
    event = AuditEvent.objects.for_object(officer_a).get()
    assert (event.action, event.verb, event.actor) == ("update", "change_password", officer_a)
    assert NEW_PASSWORD not in str(event.before) + str(event.after)
    assert "password" not in {**(event.before or {}), **(event.after or {})}  # not even its hash
    # Another browser signed in with the old password has to sign in again.
    assert elsewhere.get(reverse("home")).status_code == 302
