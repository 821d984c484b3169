"""The approvals' tests run on the test-only permit (tests/testapp: models and approvals.py), never on a
domain app."""

import pytest

from tests.testapp.models import Permit


@pytest.fixture
def make_permit(db):
    def make(unit, *, handler=None, title="Stall permit"):
        return Permit.objects.create(title=title, unit=unit, handler=handler)

    return make
