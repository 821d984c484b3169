"""Fixtures every app's tests share: a small city (one bureau, two districts with a squadron each)
and users with roles in it."""

import pytest
from django.test import Client
from django.utils import translation
from rest_framework.test import APIClient

from enforcement.org.choices import UnitLevel
from enforcement.org.tests.factories import OrgUnitFactory, UserFactory


@pytest.fixture
def city(db):
    return OrgUnitFactory(code="city", name="市城管执法局", name_en="City Bureau", level=UnitLevel.CITY)


@pytest.fixture
def district_a(city):
    return OrgUnitFactory(
        code="district-a", name="甲区分局", name_en="District A", level=UnitLevel.DISTRICT, parent=city
    )


@pytest.fixture
def district_b(city):
    return OrgUnitFactory(
        code="district-b", name="乙区分局", name_en="District B", level=UnitLevel.DISTRICT, parent=city
    )


@pytest.fixture
def squad_a(district_a):
    return OrgUnitFactory(
        code="squad-a1", name="甲区一中队", name_en="Squadron A1", level=UnitLevel.SQUADRON, parent=district_a
    )


@pytest.fixture
def squad_b(district_b):
    return OrgUnitFactory(
        code="squad-b1", name="乙区一中队", name_en="Squadron B1", level=UnitLevel.SQUADRON, parent=district_b
    )


@pytest.fixture
def make_user(db):
    def make(*roles, unit=None, **kwargs):
        return UserFactory(roles=list(roles), unit=unit, **kwargs)

    return make


@pytest.fixture
def city_admin(make_user, city):
    return make_user("admin", unit=city, username="city-admin")


@pytest.fixture
def admin_a(make_user, district_a):
    return make_user("admin", unit=district_a, username="admin-a")


@pytest.fixture
def officer_a(make_user, squad_a):
    return make_user("officer", unit=squad_a, username="officer-a")


@pytest.fixture
def officer_b(make_user, squad_b):
    return make_user("officer", unit=squad_b, username="officer-b")


# One user per role in district A (and the intake desk at city level), for every app's tests.
@pytest.fixture
def intake_city(make_user, city):
    return make_user("intake", unit=city, username="intake-city", full_name="受理员")


@pytest.fixture
def intake_a(make_user, district_a):
    return make_user("intake", unit=district_a, username="intake-a")


@pytest.fixture
def leader_a(make_user, district_a):
    return make_user("squad_leader", unit=district_a, username="leader-a")


@pytest.fixture
def head_a(make_user, district_a):
    return make_user("bureau_head", unit=district_a, username="head-a")


@pytest.fixture
def reviewer_a(make_user, district_a):
    return make_user("legal_reviewer", unit=district_a, username="reviewer-a")


@pytest.fixture
def district_officer_a(make_user, district_a):
    return make_user("officer", unit=district_a, username="officer-district-a")


@pytest.fixture(autouse=True)
def _tests_read_english():
    """Tests assert the English source strings; the Chinese default (what a user without a language
    choice gets) has tests of its own in tests/test_i18n.py and the browser tests."""
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    return Client(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_client():
    return APIClient(HTTP_ACCEPT_LANGUAGE="en")


@pytest.fixture
def api_as(api_client):
    """`api_as(user)` → an APIClient authenticated as that user."""

    def login(user):
        client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
        client.force_authenticate(user)
        return client

    return login


@pytest.fixture(autouse=True)
def _reference_data_survives_flushes(request):
    """Transactional tests (live server, real worker) end by flushing every table, which also empties
    what data migrations loaded (the working-day calendar). pytest-django runs them after the ordinary
    tests; each one reloads the calendar first so that holidays count in it too."""
    marker = request.node.get_closest_marker("django_db")
    transactional = {"transactional_db", "live_server"} & set(request.fixturenames) or (
        marker is not None and marker.kwargs.get("transaction")
    )
    if transactional:
        request.getfixturevalue("transactional_db")
        from enforcement.workdays.models import CalendarYear
        from enforcement.workdays.services import load_from_package

        if not CalendarYear.objects.exists():
            load_from_package(None)
    yield
