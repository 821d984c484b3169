"""Keyset ("seek") pagination for any list: a page starts after the last row of the previous one, so page
4,000 costs what page 1 costs, and the total is counted only up to a cap — or not at all (`count=False`,
for a free-text search: its page stops at the 26th match, a count would have to find them all). Orderings
are (column, id) pairs walking a composite index; a nullable column puts its nulls last, fetched as a
second segment ordered by id.

A list declares the orders it offers (`Orderings`, each a composite index it has); a browser view calls
`paginate`, an API view sets `pagination_class = KeysetPagination` and `orderings`.

Cursors are opaque URL-safe strings: the position (column value, id) and the direction."""

import base64
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import F, Q
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.response import Response

COUNT_CAP = 1000


@dataclass(frozen=True)
class Ordering:
    field: str
    descending: bool
    nullable: bool = False


@dataclass(frozen=True)
class Orderings:
    """The sort orders a list offers: `?ordering=<key>` → (label, Ordering). An unknown or missing key
    means `default`."""

    choices: dict
    default: str

    def __post_init__(self):
        if self.default not in self.choices:
            raise ValueError(f"The default ordering {self.default!r} is not one of {list(self.choices)}.")

    def key_for(self, value):
        return value if value in self.choices else self.default

    def get(self, value):
        return self.choices[self.key_for(value)][1]

    def labels(self):
        return [(key, label) for key, (label, _ordering) in self.choices.items()]


@dataclass
class Page:
    rows: list
    next_cursor: str | None
    previous_cursor: str | None
    count: int | None  # None: not counted, and more than the rows shown
    count_capped: bool


def encode_cursor(value, pk, backwards):
    raw = json.dumps([value.isoformat() if hasattr(value, "isoformat") else value, pk, int(backwards)])
    return base64.urlsafe_b64encode(raw.encode()).decode().rstrip("=")


def decode_cursor(cursor):
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4))
        value, pk, backwards = json.loads(raw)
        if value is not None:
            value = parse_datetime(value)
            if value is None:
                raise ValueError
        return value, int(pk), bool(backwards)
    except (ValueError, TypeError, json.JSONDecodeError, UnicodeDecodeError):
        raise ValidationError(
            {"cursor": _("This page link is not valid any more; start from the first page.")}
        ) from None


def _segment(queryset, field, descending, null, position, nullable):
    """Rows of one segment (the column's non-null values, or its nulls by id) after `position`."""
    if null:
        rows = queryset.filter(**{f"{field}__isnull": True})
        if position is not None:
            rows = rows.filter(id__lt=position[1]) if descending else rows.filter(id__gt=position[1])
        return rows.order_by("-id" if descending else "id")
    if position is not None:
        value, pk = position
        # The first conjunct is an index range condition; the second only sorts out ties.
        if descending:
            rows = queryset.filter(
                Q(**{f"{field}__lte": value}) & (Q(**{f"{field}__lt": value}) | Q(id__lt=pk))
            )
        else:
            rows = queryset.filter(
                Q(**{f"{field}__gte": value}) & (Q(**{f"{field}__gt": value}) | Q(id__gt=pk))
            )
    else:
        rows = queryset.filter(**{f"{field}__isnull": False}) if nullable else queryset
    return rows.order_by(F(field).desc() if descending else F(field).asc(), "-id" if descending else "id")


def _windowed(rows, field, anchor, windows, limit, narrow):
    """Up to `limit` of `rows` (ordered by `field`, newest first), fetched one window at a time back from
    `anchor`: [anchor - windows[0], …), then [anchor - windows[1], anchor - windows[0]), …, then the rest,
    stopping as soon as the page is full; every window but the first also filtered by `narrow`. The rows
    come out as one unwindowed query would return them."""
    found, upper = [], None
    for span in (*windows, None):
        part = rows
        if upper is not None:
            part = part.filter(**{f"{field}__lt": upper}).filter(narrow)
        if span is not None:
            part = part.filter(**{f"{field}__gte": anchor - span})
        found.extend(part[: limit - len(found)])
        if len(found) >= limit or span is None:
            return found
        upper = anchor - span


def fetch(queryset, ordering, *, position=None, backwards=False, limit=25, windows=(), narrow=None, now=None):
    """Up to `limit` rows after `position` in `ordering` (before it, nearest first, when `backwards`).

    For a search: `narrow` is a condition the rows meet anyway, written so that an index answers it (the
    search's text index). `windows` (timedeltas, growing) split a newest-first walk of a non-null column into
    time windows back from the position (or `now`). The first window is read without `narrow`, so the
    database walks the newest rows in order and stops at the page's last match (a common term: a few
    hundred rows); the older windows, reached only when that did not fill the page, i.e. for a rarer term,
    go through the index, a window at a time."""
    narrow = narrow if narrow is not None else Q()
    descending = ordering.descending != backwards
    segments = [False]
    if ordering.nullable:
        segments = [True, False] if backwards else [False, True]  # nulls come last going forward
    rows = []
    started = position is None
    for null in segments:
        anchor = None
        if not started:
            if null != (position[0] is None):
                continue
            started = True
            segment = _segment(queryset, ordering.field, descending, null, position, ordering.nullable)
            anchor = position[0]
        else:
            segment = _segment(queryset, ordering.field, descending, null, None, ordering.nullable)
        if windows and descending and not null:
            anchor = anchor or now or timezone.now()
            rows.extend(_windowed(segment, ordering.field, anchor, windows, limit - len(rows), narrow))
        else:
            rows.extend(segment.filter(narrow)[: limit - len(rows)])
        if len(rows) >= limit:
            break
    return rows


def paginate(
    queryset, ordering, *, cursor=None, page_size=25, count_cap=COUNT_CAP, count=True, windows=(), narrow=None
):
    """One page and the matches counted up to `count_cap`. With `count=False` no count query runs: a first
    page that holds every match is its own count, any other page has `count` None. `windows`, `narrow`: see
    fetch."""
    position, backwards = None, False
    if cursor:
        value, pk, backwards = decode_cursor(cursor)
        position = (value, pk)
    rows = fetch(
        queryset,
        ordering,
        position=position,
        backwards=backwards,
        limit=page_size + 1,
        windows=windows,
        narrow=narrow,
    )
    more = len(rows) > page_size
    rows = rows[:page_size]
    if backwards:
        rows.reverse()
    field = ordering.field

    def at(row, back):
        return encode_cursor(getattr(row, field), row.pk, back)

    next_cursor = previous_cursor = None
    if rows:
        if more or backwards:
            next_cursor = at(rows[-1], False)
        if (more and backwards) or (position is not None and not backwards):
            previous_cursor = at(rows[0], True)
    if not count:
        whole = position is None and not more
        return Page(rows, next_cursor, previous_cursor, len(rows) if whole else None, False)
    capped = queryset.order_by()[: count_cap + 1].count()
    return Page(rows, next_cursor, previous_cursor, min(capped, count_cap), capped > count_cap)


class KeysetPagination(pagination.BasePagination):
    """`paginate` for an API list: constant cost at any depth, constant queries. The view declares
    `orderings` (an `Orderings`) and may add per-request options for `paginate` with
    `keyset_options(request, ordering, queryset)` — say, a free-text search that is not counted (`count`
    null) unless its first page holds every match."""

    page_size = 25
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        try:
            size = int(request.query_params.get("page_size", self.page_size))
        except ValueError:
            size = self.page_size
        size = max(1, min(size, self.max_page_size))
        ordering = view.orderings.get(request.query_params.get("ordering"))
        options = view.keyset_options(request, ordering, queryset) if hasattr(view, "keyset_options") else {}
        self.page = paginate(
            queryset, ordering, cursor=request.query_params.get("cursor"), page_size=size, **options
        )
        return self.page.rows

    def _link(self, cursor):
        if cursor is None:
            return None
        return self.request.build_absolute_uri(
            self.request.get_full_path().split("?")[0] + "?" + self._query(cursor)
        )

    def _query(self, cursor):
        params = self.request.query_params.copy()
        params["cursor"] = cursor
        return params.urlencode()

    def get_paginated_response(self, data):
        return Response(
            {
                "count": self.page.count,
                "count_capped": self.page.count_capped,
                "next": self._link(self.page.next_cursor),
                "previous": self._link(self.page.previous_cursor),
                "results": data,
            }
        )

    def get_paginated_response_schema(self, schema):
        return {
            "type": "object",
            "required": ["count", "results"],
            "properties": {
                "count": {
                    "type": "integer",
                    "nullable": True,
                    "description": f"Matches, counted up to {COUNT_CAP}. Null for a list that is not "
                    "counted (a free-text search, `q`) with more matches than one "
                    "page.",
                },
                "count_capped": {
                    "type": "boolean",
                    "description": f"True when there are more than {COUNT_CAP}.",
                },
                "next": {"type": "string", "nullable": True, "format": "uri"},
                "previous": {"type": "string", "nullable": True, "format": "uri"},
                "results": schema,
            },
        }

    def get_schema_operation_parameters(self, view):
        orderings = view.orderings
        return [
            {
                "name": "cursor",
                "in": "query",
                "required": False,
                "schema": {"type": "string"},
                "description": "The page position, from a `next` or `previous` link.",
            },
            {"name": "page_size", "in": "query", "required": False, "schema": {"type": "integer"}},
            {
                "name": "ordering",
                "in": "query",
                "required": False,
                "schema": {"type": "string", "enum": list(orderings.choices), "default": orderings.default},
            },
        ]
