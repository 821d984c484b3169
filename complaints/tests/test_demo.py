from collections import Counter

from enforcement.catalog import demo as catalog_demo
from enforcement.org import demo as org_demo

from .. import demo
from ..models import Complaint


def test_demo_complaints_cover_every_state_and_seeding_twice_adds_nothing(db):
    org_demo.seed("Demo-2026!")
    catalog_demo.seed()
    assert demo.seed() == len(demo.SPECS) == 30
    states = Counter(Complaint.objects.values_list("status", flat=True))
    assert set(states) == {
        "received",
        "accepted",
        "rejected",
        "dispatched",
        "in_progress",
        "replied",
        "visited",
        "closed",
        "merged",
    }
    assert Complaint.objects.filter(on_the_spot=True).count() == 2
    assert Complaint.objects.filter(reopen_count=1).count() == 1
    assert Complaint.objects.filter(extension_count=1).count() == 1
    merged = Complaint.objects.get(status="merged")
    assert merged.merged_into.external_ref == "demo-00"
    assert demo.seed() == 0
    assert Complaint.objects.count() == 30
