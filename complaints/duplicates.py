"""Possible duplicates: the same category, close by, recent. A bounding box on the indexed (category, lat,
lng) columns narrows the candidates; the exact great-circle distance decides."""

import math
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.utils import timezone

from .choices import ComplaintStatus
from .models import Complaint

EARTH_RADIUS_M = 6_371_000
METRES_PER_DEGREE_LAT = 111_320
MAX_SUGGESTIONS = 10


def radius_m():
    return int(getattr(settings, "COMPLAINT_DUPLICATE_RADIUS_M", 200))


def window_days():
    return int(getattr(settings, "COMPLAINT_DUPLICATE_DAYS", 30))


def distance_m(lat1, lng1, lat2, lng2):
    """Haversine distance in metres."""
    p1, p2 = math.radians(float(lat1)), math.radians(float(lat2))
    dp, dl = p2 - p1, math.radians(float(lng2) - float(lng1))
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


@dataclass(frozen=True)
class Suggestion:
    complaint: Complaint
    distance_m: float | None


def find_duplicates(*, user, category_id, lat=None, lng=None, address="", exclude_id=None, now=None):
    """Complaints `user` may see that may be the same matter, nearest first."""
    if not category_id or (lat is None and not address):
        return []
    now = now or timezone.now()
    candidates = (
        Complaint.objects.visible_to(user)
        .filter(category_id=category_id, received_at__gte=now - timedelta(days=window_days()))
        .exclude(status__in=[ComplaintStatus.MERGED, ComplaintStatus.REJECTED])
        .select_related("category", "unit")
    )
    if exclude_id:
        candidates = candidates.exclude(pk=exclude_id)
    if lat is None or lng is None:
        rows = candidates.filter(address=address.strip()).order_by("-received_at")[:MAX_SUGGESTIONS]
        return [Suggestion(row, None) for row in rows]

    lat, lng = Decimal(str(lat)), Decimal(str(lng))
    radius = radius_m()
    dlat = radius / METRES_PER_DEGREE_LAT
    dlng = radius / (METRES_PER_DEGREE_LAT * max(math.cos(math.radians(float(lat))), 0.01))
    box = candidates.filter(
        lat__gte=lat - Decimal(f"{dlat:.6f}"),
        lat__lte=lat + Decimal(f"{dlat:.6f}"),
        lng__gte=lng - Decimal(f"{dlng:.6f}"),
        lng__lte=lng + Decimal(f"{dlng:.6f}"),
    )[:200]
    found = [Suggestion(row, distance_m(lat, lng, row.lat, row.lng)) for row in box]
    found = [s for s in found if s.distance_m <= radius]
    return sorted(found, key=lambda s: s.distance_m)[:MAX_SUGGESTIONS]
