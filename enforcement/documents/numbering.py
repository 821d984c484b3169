"""Gapless numbering: the next number of a key, taken inside the caller's transaction.

A register's numbers must run without gaps (a missing number in a register of decisions or complaints
is a question an inspector asks). So the counter is incremented in the same transaction that writes the
numbered record: if that transaction rolls back, so does the increment, and the next caller gets the
same number. Concurrent callers of one key wait on the counter row's lock (`select_for_update`) and
get consecutive numbers; callers of different keys never wait on each other.

The price: the lock is held until the caller commits, so callers keep the work after taking a number
short (take it last, just before saving the record).
"""

from django.db import transaction
from django.db.models import F, Q

from .models import NumberCounter


class NumberingOutsideTransaction(RuntimeError):
    """`next_number` was called in autocommit mode, where the increment would commit on its own and a
    failure afterwards would leave a gap."""


def next_number(scope, *, unit=None, period):
    """The next number (1, 2, …) for (`scope`, `unit`, `period`): e.g. `next_number("complaint",
    period="2026-11-25")`, or `next_number("penalty_decision", unit=district, period="2026")`.

    Must be called inside the caller's `transaction.atomic()` block; raises NumberingOutsideTransaction
    otherwise."""
    if not transaction.get_connection(NumberCounter.objects.db).in_atomic_block:
        raise NumberingOutsideTransaction(
            "next_number() must run inside the transaction that saves the numbered record."
        )
    key = {"scope": scope, "unit": unit, "period": str(period)}
    # The row may not exist yet: create it, or do nothing if another caller just did (no error, so the
    # caller's transaction stays usable), then wait for its lock.
    NumberCounter.objects.bulk_create([NumberCounter(**key)], ignore_conflicts=True)
    counter = NumberCounter.objects.select_for_update().get(**key)
    # F(): on SQLite, where FOR UPDATE is ignored, the UPDATE itself serialises the writers.
    counter.last = F("last") + 1
    counter.save(update_fields=["last"])
    counter.refresh_from_db(fields=["last"])
    return counter.last


# --- document numbers: patterns per issuing unit and type -------------------------------------------------
def pattern_problem(pattern):
    """Why a numbering pattern cannot be used, in words, or "" if it can: it must have the serial and the
    year (the serials start again at 1 each year), and only the placeholders it knows."""
    from django.utils.translation import gettext as _

    from .models import PLACEHOLDERS

    if "{serial}" not in (pattern or ""):
        return _(
            "A numbering pattern needs the serial number, written {serial}: without it two documents "
            "would get the same number."
        )
    rest = pattern
    for placeholder in PLACEHOLDERS:
        rest = rest.replace(placeholder, "")
    if "{" in rest or "}" in rest:
        return _("Use only the placeholders {unit}, {word}, {year} and {serial}.")
    if "{year}" not in pattern:
        return _(
            "A numbering pattern needs the year, written {year}: the serial numbers start again at 1 each "
            "year, so without it next year's documents would repeat this year's numbers."
        )
    return ""


def pattern_for(unit, doc_type):
    """(pattern, serial digits) that `unit` numbers `doc_type` with: its own for the type, its own for every
    type, the city's for the type, the city's for every type, else the built-in default."""
    from .models import DEFAULT_PATTERN, DEFAULT_SERIAL_DIGITS, NumberingPattern

    rows = NumberingPattern.objects.filter(Q(unit=unit) | Q(unit__isnull=True), doc_type__in=[doc_type, ""])
    ranked = sorted(rows, key=lambda row: (row.unit_id is None, row.doc_type == ""))
    if ranked:
        return ranked[0].pattern, ranked[0].serial_digits
    return DEFAULT_PATTERN, DEFAULT_SERIAL_DIGITS


def format_number(pattern, *, digits, unit_name, word, year, serial):
    """e.g. ("禅城城管{word}〔{year}〕{serial}号", 5, …, "罚", 2026, 123) -> 禅城城管罚〔2026〕00123号."""
    return (
        pattern.replace("{unit}", unit_name)
        .replace("{word}", word)
        .replace("{year}", str(year))
        .replace("{serial}", f"{serial:0{digits}d}")
    )


def document_scope(doc_type):
    """The counter key of a document type (its numbers run per issuing unit and year)."""
    return f"doc:{doc_type}"


EXAMPLE_SERIAL = 123
EXAMPLE_TYPE = "penalty_decision"  # the type word a pattern for every type is shown with


def example_number(pattern, *, digits, unit_name, doc_type=""):
    """A number `pattern` gives this year, with serial 123: what the numbering pages and API show."""
    from django.utils import timezone

    from .types import TYPES

    word = TYPES.get(doc_type or EXAMPLE_TYPE, TYPES[EXAMPLE_TYPE]).word
    return format_number(
        pattern,
        digits=digits,
        unit_name=unit_name,
        word=word,
        year=timezone.localdate().year,
        serial=EXAMPLE_SERIAL,
    )
