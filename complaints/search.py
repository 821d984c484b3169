"""Free text in the complaint list — number, description, address, and for intake and supervisors the
complainant's phone — at millions of rows, two-character words included.

A search is two conditions that select the same rows:

* `check`, which the list's FilterSet applies: the term occurs in the upper-cased description or address
  (on PostgreSQL `strpos(UPPER(description), UPPER(term)) > 0`, which no index answers), or it is the
  number, or the phone.
* `narrow`, the same written for an index (keyset.fetch adds it where an index should do the work):
  three characters or more, `UPPER(description) LIKE '%term%'` on the trigram indexes of migration 0002;
  two characters — most Chinese words (烧烤, 井盖, 占道), which have no trigram — the bigram index of
  migration 0006: `complaint_search_bigrams(description, address) @> ARRAY[UPPER(term)]`, where that
  expression is every two-character piece of the upper-cased description and address.

The list fetches a search newest first in windows of receipt time (keyset `windows`): the last 3 days
with `check` only, so PostgreSQL walks the newest rows and stops at the page's last match (a common term,
in a few hundred rows, where reading its index would mean a bitmap of 100,000 entries); then the 87 days
before and the rest with `narrow`, so that a rarer term is looked up in its index and the candidates are
those of a quarter in the unit's (unit, received_at) index, not a bitmap of the unit's three years (300,000
entries for a district: 40 ms to build, and too big for work_mem, so the expensive bigram expression is
recomputed for every candidate of a lossy page: 228 ms measured for 井盖, against 10 ms in windows).
`check` is strpos(...) > 0 rather than LIKE because no index answers it: in the first window PostgreSQL
cannot turn to the trigram index (it would, and read 117,000 entries for 露天烧烤); and because it has no
statistics for it (it assumes a third of the rows), in the older windows it does not multiply a LIKE's
estimate with the index condition's as if the two were independent, taking a common term for a rare one.

A search is not counted beyond its first page (keyset `count`). One character is refused (the filter's
minimum length): it matches nearly everything. Other databases (SQLite in development and tests) use
icontains and no `narrow`."""

import re
from datetime import timedelta

from django.db import connections
from django.db.models import BooleanField, F, Func, Q, Value
from django.db.models.functions import StrIndex, Upper
from django.db.models.lookups import GreaterThan

from .models import NUMBER_PREFIX
from .permissions import can_see_complainant

MIN_TERM_CHARS = 2
WINDOWS = (timedelta(days=3), timedelta(days=90))  # then everything older
SEPARATOR = "\x01"  # joins description and address in the indexed text; never part of a search term
NUMBER_PATTERN = re.compile(rf"{NUMBER_PREFIX}\d{{12,}}")  # TS202611250001: models.next_number
TICKET_PATTERN = re.compile(
    r"[A-Za-z0-9][A-Za-z0-9-]{3,63}"
)  # ComplaintIntakeForm.external_ref; never a Chinese word


def clean_term(value):
    return (value or "").replace(SEPARATOR, "").strip()


class HasBigram(Func):
    """PostgreSQL: the two-character `term` is among the complaint's indexed bigrams."""

    output_field = BooleanField()

    def __init__(self, term):
        super().__init__(F("description"), F("address"), Value(term))

    def as_sql(self, compiler, connection, **extra_context):
        (description, p1), (address, p2), (term, p3) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return f"complaint_search_bigrams({description}, {address}) @> ARRAY[UPPER({term})]", (*p1, *p2, *p3)


def conditions(term, user, using="default"):
    """(check, narrow) for the search `term` by `user` on the database `using`; narrow is None where no
    index serves (not PostgreSQL)."""
    exact = Q()
    if NUMBER_PATTERN.fullmatch(term.upper()):
        exact |= Q(number=term.upper())
    if TICKET_PATTERN.fullmatch(term) and any(c.isdigit() for c in term):  # a 12345 ticket number (indexed)
        exact |= Q(external_ref=term)
    digits = term.replace(" ", "").replace("-", "")
    if digits.isdigit() and len(digits) >= 7 and can_see_complainant(user):
        exact |= Q(complainant_phone=digits)
    if connections[using].vendor != "postgresql":
        return Q(description__icontains=term) | Q(address__icontains=term) | exact, None
    needle = Upper(Value(term))
    check = Q(GreaterThan(StrIndex(Upper("description"), needle), 0)) | Q(
        GreaterThan(StrIndex(Upper("address"), needle), 0)
    )
    if len(term) == 2:
        indexed = Q(HasBigram(term))
    else:
        indexed = Q(description__icontains=term) | Q(address__icontains=term)
    return check | exact, indexed | exact
