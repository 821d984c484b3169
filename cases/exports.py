"""The case list as CSV (enforcement/exports.py: streamed, UTF-8 with a BOM, formula-like cells neutralised),
for the list page's `/cases/export.csv` and the API's `GET /api/v1/cases/export/`.

Every export masks ID numbers, whatever the reader's role (PRODUCT §1); amounts are plain decimals (a number
cell, "150.00"), never formatted text."""

from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.exports import csv_response, more_than, newest_first

# The rows one file holds: more matching is refused with the message of `too_many` (not cut short).
EXPORT_MAX_ROWS = 100_000
EXPORT_CHUNK = 1000


def too_many(queryset):
    """The refusal when more than EXPORT_MAX_ROWS cases match `queryset`, in the reader's language; else
    None."""
    if more_than(queryset, EXPORT_MAX_ROWS):
        return _(
            "More than %(limit)s cases match: narrow the list (for example by the dates registered) and "
            "export again."
        ) % {"limit": f"{EXPORT_MAX_ROWS:,}"}
    return None


def _moment(value):
    return timezone.localtime(value).strftime("%Y-%m-%d %H:%M") if value else ""


def export_cases(queryset, user):
    """`queryset` (already filtered, e.g. by CaseFilterSet) as a CSV download, newest first; the callers
    refuse more than EXPORT_MAX_ROWS first (`too_many`). Scoped again here, so an export never holds a case
    outside `user`'s scope."""
    cases = newest_first(queryset.visible_to(user).for_list(), "registered_at", chunk=EXPORT_CHUNK)
    header = [
        _("Case number"),
        _("Procedure"),
        _("Status"),
        _("Registered at"),
        _("Category"),
        _("Party"),
        _("Party type"),
        _("ID number or credit code"),
        _("Place"),
        _("Date of the act"),
        _("Responsible unit"),
        _("Investigating officer"),
        _("Fine decided (yuan)"),
        _("Due"),
        _("Facts"),
    ]

    def rows():
        for case in cases:
            party = case.party
            yield [
                case.number,
                case.get_procedure_display(),
                case.get_status_display(),
                _moment(case.registered_at),
                case.category.display_name,
                party.name,
                party.get_party_type_display(),
                party.identifier,  # the credit code, or the ID number masked
                case.address,
                case.act_date.isoformat(),
                case.unit.display_name,
                (case.handler.full_name or case.handler.username) if case.handler_id else "",
                case.fine_decided,  # a Decimal: written as the number it is
                _moment(case.due_at),
                case.facts,
            ]

    return csv_response(f"cases-{timezone.localdate():%Y%m%d}.csv", header, rows())
