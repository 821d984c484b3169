"""Shared helpers of the campaigns tests: people of a district and its two squadrons, a street-vending
campaign planned with goals, a photo."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from campaigns import services
from cases.tests.conftest import JPEG, category  # noqa: F401 - fixtures
from cases.tests.factories import PartyFactory
from enforcement.org.choices import UnitLevel
from enforcement.org.tests.factories import OrgUnitFactory


def photo(name="现场.jpg"):
    return SimpleUploadedFile(name, JPEG, content_type="image/jpeg")


def today():
    return timezone.localdate()


@pytest.fixture
def squadrons(district_a, squad_a):
    second = OrgUnitFactory(
        code="squad-a2", name="甲区二中队", name_en="Squadron A2", level=UnitLevel.SQUADRON, parent=district_a
    )
    return squad_a, second


@pytest.fixture
def crew(make_user, district_a, squadrons):
    first, second = squadrons
    return {
        "leader": make_user("squad_leader", unit=district_a, username="c_leader", full_name="王队"),
        "head": make_user("bureau_head", unit=district_a, username="c_head", full_name="局长"),
        "officer1": make_user("officer", unit=first, username="c_officer1", full_name="张三"),
        "officer2": make_user("officer", unit=second, username="c_officer2", full_name="李四"),
    }


def plan(crew, squadrons, **fields):
    first, second = squadrons
    values = {
        "name": "占道经营专项整治",
        "kind": "street_vending",
        "starts_on": today() - timedelta(days=7),
        "ends_on": today() + timedelta(days=23),
        "lead_unit": first.parent,
        "units": [first, second],
        "partners": ["public_security", "market_regulation"],
        "goals": [
            ("correction_notices", None, "100"),
            ("correction_notices", first, "60"),
            ("seized_vehicles", None, "20"),
        ],
    }
    values.update(fields)
    return services.plan_campaign(by=crew["leader"], **values)


@pytest.fixture
def party(crew):
    from cases.tests.test_api import id_number

    return PartyFactory(name="陈大文", id_number=id_number(7), phone="13800001111", created_by=crew["leader"])


@pytest.fixture
def campaign(crew, squadrons):
    """The street-vending campaign of district A with its two squadrons, under way since a week ago."""
    return services.start(plan(crew, squadrons), by=crew["leader"])


def register(campaign, by, unit, **fields):
    values = {"kind": "stall", "description": "占道摆卖水果", "address": "祖庙路1号", "photos": [photo()]}
    values.update(fields)
    return services.register_item(campaign, by=by, unit=unit, **values)


def noticed(campaign, by, unit, *, deadline_on=None, requirement="立即清理占道物品", **fields):
    """A rectification item found by `by` and given its notice (deadline today unless given)."""
    item = register(campaign, by, unit, **fields)
    return services.issue_notice(item, by=by, deadline_on=deadline_on or today(), requirement=requirement)


def words(exc):
    """What a refusal says, whatever its kind."""
    from django.core.exceptions import ValidationError

    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))
