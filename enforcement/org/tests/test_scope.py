"""The scoping rule (PRODUCT §1): own unit and descendants; city level sees all; inactive sees nothing."""

from django.contrib.auth.models import AnonymousUser
from django.utils import timezone

from enforcement.org.models import Grid, OrgUnit, User

from .factories import GridFactory, OrgUnitFactory, UserFactory


def test_unit_scope_is_own_subtree(city, district_a, district_b, squad_a, squad_b):
    deep = OrgUnitFactory(parent=squad_a)
    user = UserFactory(unit=district_a)
    assert set(OrgUnit.objects.visible_to(user)) == {district_a, squad_a, deep}


def test_city_level_user_sees_everything(city, district_a, district_b, squad_a, squad_b):
    user = UserFactory(unit=city)
    assert OrgUnit.objects.visible_to(user).count() == 5


def test_squadron_user_does_not_see_parent_or_sibling(district_a, squad_a, squad_b):
    sibling = OrgUnitFactory(parent=district_a)
    user = UserFactory(unit=squad_a)
    visible = set(OrgUnit.objects.visible_to(user))
    assert visible == {squad_a}
    assert district_a not in visible and sibling not in visible


def test_records_follow_the_unit_scope(squad_a, squad_b):
    mine, theirs = GridFactory(unit=squad_a), GridFactory(unit=squad_b)
    user = UserFactory(unit=squad_a)
    assert list(Grid.objects.visible_to(user)) == [mine]
    assert theirs not in User.objects.visible_to(user)


def test_anonymous_inactive_and_unitless_users_see_nothing(squad_a):
    GridFactory(unit=squad_a)
    assert not Grid.objects.visible_to(AnonymousUser()).exists()
    assert not Grid.objects.visible_to(None).exists()
    assert not Grid.objects.visible_to(UserFactory(unit=squad_a, is_active=False)).exists()
    assert not Grid.objects.visible_to(UserFactory(unit=None)).exists()


def test_superuser_sees_all(squad_a, squad_b):
    GridFactory(unit=squad_a), GridFactory(unit=squad_b)
    assert Grid.objects.visible_to(UserFactory(unit=None, is_superuser=True)).count() == 2


def test_certificate_rule(squad_a):
    today = timezone.localdate()
    assert UserFactory(unit=squad_a, certificate_expires=today).can_sign_enforcement_acts(on=today)
    expired = UserFactory(unit=squad_a, certificate_expires=today)
    assert not expired.can_sign_enforcement_acts(on=today + timezone.timedelta(days=1))
    assert not UserFactory(unit=squad_a, certificate_no="").can_sign_enforcement_acts()


def test_roles_are_a_set(squad_a):
    user = UserFactory(unit=squad_a, roles=["officer", "squad_leader"])
    assert user.roles == {"officer", "squad_leader"}
    assert user.has_role("squad_leader") and user.is_supervisor and not user.is_admin
    user.set_roles(["intake"])
    assert user.roles == {"intake"}
    assert list(User.objects.with_role("intake")) == [user]
