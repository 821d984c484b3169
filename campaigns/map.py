"""The map of rectification items (issue 13): the items by status as points over the outlines of the grids,
on a page (Leaflet, vendored; tiles from MAP_TILE_URL when set) and as GeoJSON for it.

The data is read with `.values()` — no model instances — in two queries (the points, the grid outlines),
capped at MAX_POINTS with a `truncated` flag: a district's open items are a few thousand rows from the
(status, unit, …) index. Without tiles the page still draws the points and the grid rectangles on an empty
map fitted to them, and lists the points below it (links, keyboard), so it is usable with no tile server at
all. The page runs no inline script (CSP): static/js/campaign-map.js reads the data URL from a data- attribute.
"""

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.db.models import FloatField, Q
from django.db.models.functions import Cast
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from enforcement.filters import filter_list, in_unit_subtree
from enforcement.org.cached import grids_for, units_for
from enforcement.org.models import Grid
from enforcement.replicas import replica_reads

from .choices import OPEN_ITEMS, ItemKind, ItemStatus
from .filtersets import ItemFilterSet
from .models import Campaign, RectificationItem

MAX_POINTS = 5000  # a district's open items fit; more says `truncated` and asks for a narrower filter
MAX_GRIDS = 2000
MAX_LISTED = (
    500  # the list below the map: the newest points (a longer list is no help; the filters narrow it)
)

# One colour per status, for the markers, the legend and the list (SVG fill: no style attribute, CSP).
STATUS_COLOURS = {
    ItemStatus.FOUND: "#0d6efd",  # blue: registered, no notice yet
    ItemStatus.NOTICED: "#fd7e14",  # orange: the notice runs
    ItemStatus.NOT_RECTIFIED: "#dc3545",  # red: not rectified, to escalate
    ItemStatus.RECTIFIED: "#198754",  # green
    ItemStatus.ESCALATED: "#6f42c1",  # purple: a case now
}


def _legend():
    return [
        {"status": value, "label": str(label), "colour": STATUS_COLOURS[value]}
        for value, label in ItemStatus.choices
    ]


def _item_url_maker():
    """The item's page URL by id without a `reverse` per row (5000 reverses cost more than the query)."""
    sample = reverse("campaigns:item", args=[987654321])
    head, tail = sample.rsplit("987654321", 1)
    return lambda pk: f"{head}{pk}{tail}"


def _params(request, campaign=None):
    """The query string as the filters read it: a campaign page fixes its campaign; no status chosen (and
    no "overdue", which names its own) means the open items."""
    params = request.GET.copy()
    if campaign is not None:
        params["campaign"] = str(campaign.pk)
    return params


class _Request:
    """The request as `filter_list` reads it, with the query string adjusted (`_params`)."""

    def __init__(self, request, params):
        self.GET = params
        self.user = request.user


def _items(request, params):
    """(filterset, the matching items in scope with a location); the default is the open items."""
    base = RectificationItem.objects.visible_to(request.user).filter(lat__isnull=False, lng__isnull=False)
    if not [v for v in params.getlist("status") if v.strip()] and not params.get("overdue"):
        base = base.filter(status__in=sorted(OPEN_ITEMS))
    return filter_list(ItemFilterSet, _Request(request, params), base)


def _grids(user, filterset):
    """The outlines to draw: a campaign's target areas; else the chosen grid; else the grids of the chosen
    unit's subtree; else the grids in the user's scope — those with a bounding box, as plain values."""
    data = filterset.form.cleaned_data if filterset.is_valid() else {}
    grids = Grid.objects.filter(is_active=True).exclude(
        Q(min_lat=None) | Q(min_lng=None) | Q(max_lat=None) | Q(max_lng=None)
    )
    if data.get("campaign"):
        grids = grids.filter(campaigns__in=Campaign.objects.visible_to(user).filter(pk=data["campaign"]))
    elif data.get("grid"):
        grids = grids.visible_to(user).filter(pk=data["grid"])
    elif data.get("unit"):
        grids = in_unit_subtree(grids.visible_to(user), data["unit"], user)
    else:
        grids = grids.visible_to(user)
    return grids.order_by("code").values("id", "code", "name", "min_lat", "min_lng", "max_lat", "max_lng")[
        :MAX_GRIDS
    ]


def map_data(request, campaign=None):
    """The GeoJSON of the map (a dict), or None with the filterset when the filters are invalid."""
    params = _params(request, campaign)
    filterset, items = _items(request, params)
    if not filterset.is_valid():
        return filterset, None
    rows = list(
        items.order_by("-found_on", "-id")
        # The coordinates as floats from the database: no Decimal made and converted per row.
        .annotate(y=Cast("lat", FloatField()), x=Cast("lng", FloatField()))
        .values("id", "status", "kind", "party_name", "party__name", "address", "y", "x")[: MAX_POINTS + 1]
    )
    truncated = len(rows) > MAX_POINTS
    del rows[MAX_POINTS:]
    statuses = {value: str(label) for value, label in ItemStatus.choices}
    kinds = {value: str(label) for value, label in ItemKind.choices}
    url = _item_url_maker()
    features = [
        {
            "type": "Feature",
            "id": row["id"],
            "geometry": {"type": "Point", "coordinates": [row["x"], row["y"]]},
            "properties": {
                "id": row["id"],
                "status": row["status"],
                "status_label": statuses.get(row["status"], row["status"]),
                "kind_label": kinds.get(row["kind"], row["kind"]),
                "party": row["party__name"] or row["party_name"],
                "address": row["address"],
                "url": url(row["id"]),
            },
        }
        for row in rows
    ]
    outlines = [
        {
            "type": "Feature",
            "id": grid["id"],
            "bbox": [
                float(grid["min_lng"]),
                float(grid["min_lat"]),
                float(grid["max_lng"]),
                float(grid["max_lat"]),
            ],
            "geometry": {"type": "Polygon", "coordinates": [_ring(grid)]},
            "properties": {"id": grid["id"], "code": grid["code"], "name": grid["name"]},
        }
        for grid in _grids(request.user, filterset)
    ]
    return filterset, {
        "type": "FeatureCollection",
        "features": features,
        "truncated": truncated,
        "limit": MAX_POINTS,
        "grids": {"type": "FeatureCollection", "features": outlines},
        "legend": _legend(),
    }


def _ring(grid):
    west, south, east, north = (float(grid[k]) for k in ("min_lng", "min_lat", "max_lng", "max_lat"))
    return [[west, south], [east, south], [east, north], [west, north], [west, south]]


# --- views ----------------------------------------------------------------------------------------------
@login_required
@replica_reads
def map_data_view(request):
    """GET /campaigns/map/data/: the GeoJSON; invalid filters answer 400 with their messages."""
    filterset, data = map_data(request)
    if data is None:
        return JsonResponse({"errors": filterset.errors.get_json_data()}, status=400)
    return JsonResponse(data, json_dumps_params={"separators": (",", ":")})  # no spaces: a tenth fewer bytes


@login_required
@replica_reads
def map_all(request):
    """The map of every item in the user's scope, with the items' filters."""
    return _page(request, None)


@login_required
@replica_reads
def campaign_map(request, pk):
    """The map of one campaign's items (those in the user's scope) over its target areas."""
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user), pk=pk)
    return _page(request, campaign)


def _page(request, campaign):
    filterset, data = map_data(request, campaign)
    data_query = _params(request, campaign).urlencode()
    chosen = [v for v in request.GET.getlist("status") if v.strip()]
    if not chosen and not request.GET.get("overdue"):
        chosen = sorted(OPEN_ITEMS)
    counts = {}
    for feature in (data or {}).get("features", ()):
        status = feature["properties"]["status"]
        counts[status] = counts.get(status, 0) + 1
    legend = [{**entry, "count": counts.get(entry["status"], 0)} for entry in _legend()]
    colours = {entry["status"]: entry["colour"] for entry in legend}
    features = (data or {}).get("features", ())
    points = [
        {**feature["properties"], "colour": colours.get(feature["properties"]["status"], "#6c757d")}
        for feature in features[:MAX_LISTED]
    ]
    context = {
        "campaign": campaign,
        "filterset": filterset,
        "form": filterset.form,
        "points": points,
        "shown": len(features),
        "listed_fewer": len(features) > len(points),
        "grids": (data or {}).get("grids", {}).get("features", ()),
        "truncated": bool(data and data["truncated"]),
        "limit": MAX_POINTS,
        "legend": legend,
        "chosen_status": chosen,
        "chosen_kind": request.GET.getlist("kind"),
        "status_choices": ItemStatus.choices,
        "kind_choices": ItemKind.choices,
        "unit_choices": units_for(request.user),
        "grid_choices": grids_for(request.user),
        "campaign_choices": (
            []
            if campaign is not None
            else list(
                Campaign.objects.visible_to(request.user)
                .order_by("-starts_on", "-id")
                .values_list("id", "number", "name")[:300]
            )
        ),
        "data_url": f"{reverse('campaigns:map-data')}?{data_query}",
        "tile_url": settings.MAP_TILE_URL,
        "tile_attribution": settings.MAP_TILE_ATTRIBUTION,
        "page_title": _("Map of %(campaign)s") % {"campaign": campaign.name} if campaign else _("Items map"),
    }
    return render(request, "campaigns/map.html", context, status=200 if data is not None else 400)
