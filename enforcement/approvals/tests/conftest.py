"""The approvals' tests run on the test-only permit (tests/testapp: models and approvals.py), never on a
domain app."""

import pytest

from tests.testapp.models import Permit


@pytest.fixture
def make_permit(db):
    def make(unit, *, handler=None, title="Stall permit"):
        return Permit.objects.create(title=title, unit=unit, handler=handler)

    return make


@pytest.fixture
def leader_a(make_user, district_a):
    return make_user("squad_leader", unit=district_a, username="leader-a", full_name="Leader A")


@pytest.fixture
def head_a(make_user, district_a):
    return make_user("bureau_head", unit=district_a, username="head-a", full_name="Head A")


@pytest.fixture
def reviewer_a(make_user, district_a):
    return make_user("legal_reviewer", unit=district_a, username="reviewer-a", full_name="Reviewer A")
