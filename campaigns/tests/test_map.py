"""The map of rectification items (campaigns/map.py): the GeoJSON's scope, filters, shape, grid outlines and
constant query count; the page with and without MAP_TILE_URL (without: the points listed below the map)."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from campaigns import map as item_map
from campaigns import services
from campaigns.choices import ItemStatus
from campaigns.models import RectificationItem
from enforcement.org.tests.factories import GridFactory

from .conftest import plan, today

pytestmark = pytest.mark.django_db


def box(unit, code, south, west, size="0.010000"):
    size = Decimal(size)
    return GridFactory(
        unit=unit,
        code=code,
        min_lat=Decimal(south),
        min_lng=Decimal(west),
        max_lat=Decimal(south) + size,
        max_lng=Decimal(west) + size,
    )


@pytest.fixture
def grids(squadrons, squad_b):
    first, second = squadrons
    return {
        "a1": box(first, "A-001", "23.010000", "113.100000"),
        "a2": box(second, "A-002", "23.030000", "113.100000"),
        "b1": box(squad_b, "B-001", "23.100000", "113.300000"),
        "bare": GridFactory(unit=first, code="A-999"),  # no bounding box: nothing to outline
    }


@pytest.fixture
def campaign(crew, squadrons, grids):
    campaign = plan(crew, squadrons, grids=[grids["a1"]])
    return services.start(campaign, by=crew["leader"])


@pytest.fixture
def other_campaign(make_user, district_b, squad_b):
    leader = make_user("squad_leader", unit=district_b, username="b_leader")
    campaign = services.plan_campaign(
        by=leader,
        name="乙区占道整治",
        kind="street_vending",
        starts_on=today() - timedelta(days=3),
        ends_on=today() + timedelta(days=10),
        lead_unit=district_b,
        units=[squad_b],
        goals=[("correction_notices", None, "10")],
    )
    return services.start(campaign, by=leader)


def item(campaign, unit, by, *, lat="23.015000", lng="113.105000", status=ItemStatus.FOUND, **fields):
    values = {
        "campaign": campaign,
        "unit": unit,
        "kind": "stall",
        "status": status,
        "party_name": "水果摊",
        "description": "占道摆卖",
        "address": "祖庙路1号",
        "lat": Decimal(lat) if lat else None,
        "lng": Decimal(lng) if lng else None,
        "found_on": today(),
        "found_by": by,
    }
    values.update(fields)
    return RectificationItem.objects.create(**values)


def data(client, user, **params):
    client.force_login(user)
    response = client.get(reverse("campaigns:map-data"), params)
    assert response.status_code == 200, response.content
    return response.json()


def ids(payload):
    return {feature["properties"]["id"] for feature in payload["features"]}


def test_the_data_holds_the_open_items_in_scope_only(
    client, crew, squadrons, campaign, other_campaign, squad_b
):
    first, second = squadrons
    mine = item(campaign, first, crew["officer1"])
    noticed = item(campaign, second, crew["officer2"], status=ItemStatus.NOTICED, address="普君北路2号")
    done = item(campaign, first, crew["officer1"], status=ItemStatus.RECTIFIED)
    nowhere = item(campaign, first, crew["officer1"], lat=None, lng=None)
    theirs = item(other_campaign, squad_b, other_campaign.created_by, lat="23.105000", lng="113.305000")

    payload = data(client, crew["leader"])
    assert ids(payload) == {mine.pk, noticed.pk}  # open only; no rectified, no point without a place
    assert theirs.pk not in ids(payload) and done.pk not in ids(payload) and nowhere.pk not in ids(payload)
    # A squadron's officer sees their own squadron's items, not the other squadron's.
    assert ids(data(client, crew["officer1"])) == {mine.pk}
    # The other district's leader sees theirs and none of ours, whatever the filter.
    other = other_campaign.created_by
    assert ids(data(client, other)) == {theirs.pk}
    assert ids(data(client, other, campaign=campaign.pk)) == set()


def test_the_filters_are_the_items_list_filters(client, crew, squadrons, campaign, grids):
    first, second = squadrons
    found = item(campaign, first, crew["officer1"], grid=grids["a1"])
    noticed = item(campaign, second, crew["officer2"], status=ItemStatus.NOTICED, grid=grids["a2"])
    rectified = item(campaign, first, crew["officer1"], status=ItemStatus.RECTIFIED, kind="sign")
    leader = crew["leader"]
    assert ids(data(client, leader, status=["rectified"])) == {rectified.pk}
    assert ids(data(client, leader, status=["found", "rectified"])) == {found.pk, rectified.pk}
    assert ids(data(client, leader, unit=second.pk)) == {noticed.pk}
    assert ids(data(client, leader, grid=grids["a1"].pk)) == {found.pk}
    assert ids(data(client, leader, kind="sign", status="rectified")) == {rectified.pk}
    assert ids(data(client, leader, campaign=campaign.pk)) == {found.pk, noticed.pk}
    assert ids(data(client, leader, q="祖庙")) == {found.pk, noticed.pk}
    RectificationItem.objects.filter(pk=noticed.pk).update(
        recheck_due_at=found.created_at - timedelta(days=1)
    )
    assert ids(data(client, leader, overdue="on")) == {noticed.pk}


def test_an_invalid_filter_answers_400_with_its_message(client, crew, campaign):
    client.force_login(crew["leader"])
    response = client.get(reverse("campaigns:map-data"), {"status": "lost"})
    assert response.status_code == 400
    assert "status" in response.json()["errors"]


def test_the_data_is_geojson_with_labels_and_links(client, crew, squadrons, campaign, party):
    first, _second = squadrons
    listed = item(
        campaign, first, crew["officer1"], party=party, party_name="", lat="23.015500", lng="113.105500"
    )
    payload = data(client, crew["leader"])
    assert payload["type"] == "FeatureCollection" and payload["truncated"] is False
    (feature,) = payload["features"]
    assert feature["type"] == "Feature"
    assert feature["geometry"] == {"type": "Point", "coordinates": [113.1055, 23.0155]}  # lng, lat
    assert feature["properties"] == {
        "id": listed.pk,
        "status": "found",
        "status_label": "Found",
        "kind_label": "Stall",
        "party": "陈大文",  # the register's party, its name
        "address": "祖庙路1号",
        "url": reverse("campaigns:item", args=[listed.pk]),
    }
    assert {entry["status"] for entry in payload["legend"]} == set(ItemStatus.values)


def test_the_grid_outlines_are_the_campaigns_targets_or_the_units(client, crew, squadrons, campaign, grids):
    first, second = squadrons
    payload = data(client, crew["leader"], campaign=campaign.pk)
    (outline,) = payload["grids"]["features"]
    assert outline["properties"]["code"] == "A-001"
    assert outline["bbox"] == [113.1, 23.01, 113.11, 23.02]
    assert outline["geometry"] == {
        "type": "Polygon",
        "coordinates": [[[113.1, 23.01], [113.11, 23.01], [113.11, 23.02], [113.1, 23.02], [113.1, 23.01]]],
    }
    # No campaign: the grids of the unit's subtree, or of the user's scope; never the other district's.
    codes = lambda payload: [g["properties"]["code"] for g in payload["grids"]["features"]]  # noqa: E731
    assert codes(data(client, crew["leader"])) == ["A-001", "A-002"]
    assert codes(data(client, crew["leader"], unit=second.pk)) == ["A-002"]
    assert codes(data(client, crew["officer1"])) == ["A-001"]
    assert codes(data(client, crew["leader"], grid=grids["a2"].pk)) == ["A-002"]


def test_the_query_count_does_not_grow_with_the_items(client, crew, squadrons, campaign, party):
    first, second = squadrons
    client.force_login(crew["leader"])
    url = reverse("campaigns:map-data")

    def queries():
        client.get(url)  # the session and the user loaded once before counting
        with CaptureQueriesContext(connection) as captured:
            response = client.get(url, {"unit": second.pk})
        assert response.status_code == 200
        return len(captured), len(response.json()["features"])

    item(campaign, second, crew["officer2"], party=party)
    few, shown = queries()
    assert shown == 1
    for n in range(20):
        item(campaign, second, crew["officer2"], party=party if n % 2 else None, address=f"路{n}号")
    many, shown = queries()
    assert shown == 21
    assert many == few


def test_the_points_are_capped_and_say_so(client, crew, squadrons, campaign, monkeypatch):
    first, _second = squadrons
    for n in range(4):
        item(campaign, first, crew["officer1"], found_on=today() - timedelta(days=n), address=f"{n}")
    monkeypatch.setattr(item_map, "MAX_POINTS", 3)
    payload = data(client, crew["leader"])
    assert payload["truncated"] is True
    assert [f["properties"]["address"] for f in payload["features"]] == ["0", "1", "2"]  # the newest


def test_the_page_without_tiles_lists_the_points(client, crew, squadrons, campaign, settings):
    settings.MAP_TILE_URL = ""
    first, _second = squadrons
    listed = item(campaign, first, crew["officer1"], party_name="李记粉店")
    client.force_login(crew["leader"])
    response = client.get(reverse("campaigns:map", args=[campaign.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'id="map-list"' in html and "李记粉店" in html
    assert reverse("campaigns:item", args=[listed.pk]) in html
    assert 'data-tile-url=""' in html
    assert "No map tiles are configured" in html
    assert f"{reverse('campaigns:map-data')}?" in html and f"campaign={campaign.pk}" in html
    assert "vendor/leaflet/leaflet.js" in html and "js/campaign-map.js" in html
    assert "<script>" not in html  # no inline script (CSP)
    assert "A-001" in html  # the campaign's target grid, outlined


def test_the_page_with_tiles_carries_the_tile_url(client, crew, campaign, settings):
    settings.MAP_TILE_URL = "https://tiles.bureau.example/{z}/{x}/{y}.png"
    settings.MAP_TILE_ATTRIBUTION = "© 城市测绘"
    client.force_login(crew["leader"])
    response = client.get(reverse("campaigns:map-all"))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-tile-url="https://tiles.bureau.example/{z}/{x}/{y}.png"' in html
    assert "© 城市测绘" in html
    assert "No map tiles are configured" not in html
    assert "https://tiles.bureau.example" in response["Content-Security-Policy"]


def test_a_campaign_out_of_scope_has_no_map(client, other_campaign, crew):
    client.force_login(crew["leader"])
    assert client.get(reverse("campaigns:map", args=[other_campaign.pk])).status_code == 404


def test_the_map_needs_a_login(client):
    response = client.get(reverse("campaigns:map-data"))
    assert response.status_code == 302


def test_the_list_below_the_map_names_the_newest_and_says_so(client, crew, squadrons, campaign, monkeypatch):
    first, _second = squadrons
    for n in range(3):
        item(campaign, first, crew["officer1"], found_on=today() - timedelta(days=n), party_name=f"摊位{n}")
    monkeypatch.setattr(item_map, "MAX_LISTED", 2)
    client.force_login(crew["leader"])
    html = client.get(reverse("campaigns:map-all")).content.decode()
    assert "Items on the map: 3" in html and 'id="map-list-fewer"' in html
    assert "摊位0" in html and "摊位1" in html and "摊位2" not in html
