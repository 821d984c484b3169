"""The rules of campaign work, each once, in words a clerk understands (PRODUCT §7). Input errors are
{field: message} (400); a refusal because of the record's state is one message (409)."""

from decimal import Decimal, InvalidOperation

from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from enforcement.catalog.params import get_int

from . import measures
from .choices import CampaignStatus, ItemStatus, RecheckResult

C = CampaignStatus
I = ItemStatus  # noqa: E741


def _day(value):
    return date_format(value, "DATE_FORMAT")


def period_problems(starts_on, ends_on):
    errors = {}
    if starts_on is None:
        errors["starts_on"] = _("Give the first day of the campaign.")
    if ends_on is None:
        errors["ends_on"] = _("Give the last day of the campaign.")
    if not errors and ends_on < starts_on:
        errors["ends_on"] = _("The campaign cannot end before it starts.")
    return errors


def as_value(raw):
    """A typed value as a Decimal, or None when it is not a number."""
    if raw in (None, ""):
        return None
    try:
        value = Decimal(str(raw).strip())
    except (InvalidOperation, ValueError):
        return None
    return value if value.is_finite() else None


def value_problem(measure, raw):
    """A measure's value: a number, never negative, whole for a count (two decimals for an area)."""
    value = as_value(raw)
    if value is None:
        return _("%(measure)s: enter a number.") % {"measure": measure.label}
    if value < 0:
        return _("%(measure)s cannot be negative.") % {"measure": measure.label}
    if value != value.quantize(measure.step):
        if measure.decimals == 0:
            return _("%(measure)s is counted in whole %(unit)s.") % {
                "measure": measure.label,
                "unit": measure.unit,
            }
        return _("%(measure)s has at most two decimals.") % {"measure": measure.label}
    return None


def measure_problem(campaign_kind, slug):
    measure = measures.get(slug)
    if measure is None:
        return _("“%(slug)s” is not one of the listed measures.") % {"slug": slug}
    if not measure.uses(campaign_kind):
        from .choices import CampaignKind

        return _("%(measure)s is not counted in a campaign against %(kind)s.") % {
            "measure": measure.label,
            "kind": str(CampaignKind(campaign_kind).label).lower(),
        }
    return None


def goal_problems(campaign_kind, unit_ids, goals):
    """Goals: [(measure slug, unit id or None, target)]. Each measure one the kind uses, each unit one that
    takes part, each target above 0, at most one goal per measure and unit."""
    errors = []
    seen = set()
    for slug, unit_id, raw in goals:
        problem = measure_problem(campaign_kind, slug)
        if problem is None and unit_id is not None and unit_id not in unit_ids:
            problem = _("A goal is set for a unit that takes part in the campaign.")
        if problem is None:
            value = as_value(raw)
            measure = measures.get(slug)
            if value is None or value <= 0:
                problem = _("%(measure)s: the target is a number above 0.") % {"measure": measure.label}
            else:
                problem = value_problem(measure, raw)  # whole for a count, two decimals for an area
        if problem is None and (slug, unit_id) in seen:
            problem = _("%(measure)s has two goals for the same unit.") % {
                "measure": measures.get(slug).label
            }
        seen.add((slug, unit_id))
        if problem:
            errors.append(problem)
    return errors


def log_problems(campaign, unit_id, day, values, participating_ids, today=None):
    """What is wrong with a field log: {input: message}. The campaign must be under way, the day within its
    period and not in the future, the unit one that takes part, each value a measure the kind uses, a number
    never negative."""
    today = today or timezone.localdate()
    errors = {}
    if campaign.status != C.ACTIVE:
        errors["campaign"] = (
            _("Field work is logged once the campaign is under way.")
            if campaign.status == C.PLANNED
            else _("This campaign has ended: field work is no longer logged on it.")
        )
        return errors
    if day is None:
        errors["day"] = _("Give the day of the field work.")
    elif not campaign.in_period(day):
        errors["day"] = _("The campaign runs from %(start)s to %(end)s: log work done within those days.") % {
            "start": _day(campaign.starts_on),
            "end": _day(campaign.ends_on),
        }
    elif day > today:
        errors["day"] = _("Field work is logged once it is done, not for a day in the future.")
    if unit_id is None or unit_id not in participating_ids:
        errors["unit"] = _("Only a unit taking part in the campaign logs work on it.")
    value_errors = []
    for slug, raw in values.items():
        problem = measure_problem(campaign.kind, slug) or value_problem(measures.get(slug), raw)
        if problem:
            value_errors.append(problem)
    if value_errors:
        errors["values"] = value_errors
    elif not any(as_value(raw) for raw in values.values()):
        errors["values"] = [_("Enter what the field work achieved: at least one figure above 0.")]
    return errors


def notice_problems(deadline_on, requirement, today=None):
    today = today or timezone.localdate()
    errors = {}
    longest = get_int("rectification_max_days")
    if deadline_on is None:
        errors["deadline_on"] = _("Give the day by which the party must rectify.")
    elif deadline_on < today:
        errors["deadline_on"] = _("The deadline to rectify cannot be in the past.")
    elif (deadline_on - today).days > longest:
        errors["deadline_on"] = _("A rectification notice gives at most %(days)s days.") % {"days": longest}
    if not (requirement or "").strip():
        errors["requirement"] = _("Say what the party must do to rectify.")
    return errors


def recheck_problem(item, result, rechecked_on, today=None, new_photos=False):
    """The re-check (复查): after the notice was issued, not in the future; "not rectified" only once the
    deadline has come (before it, the party still has time); with a photo after."""
    today = today or timezone.localdate()
    if result not in RecheckResult.values:
        return "result", _("Choose rectified or not rectified.")
    if rechecked_on is None or rechecked_on > today:
        return "rechecked_on", _("Give the day of the re-check (not in the future).")
    noticed_on = timezone.localdate(item.noticed_at) if item.noticed_at else None
    if noticed_on is None or rechecked_on < noticed_on:
        return "rechecked_on", _("A re-check comes after the rectification notice was issued (%(date)s).") % {
            "date": _day(noticed_on) if noticed_on else "—"
        }
    if result == RecheckResult.NOT_RECTIFIED and rechecked_on < item.deadline_on:
        return "result", _(
            "The party has until %(date)s to rectify: “not rectified” is recorded on or after that day."
        ) % {"date": _day(item.deadline_on)}
    if not new_photos and not item.photos.filter(stage="after").exists():
        return "photos", _("Add a photo taken at the re-check.")
    return None


def escalation_problem(item):
    """转立案: once, for an item not rectified, with the party and the category a case needs."""
    if item.case_id is not None or item.status == I.ESCALATED:
        return _("This item has already been escalated to a case.")
    if item.status != I.NOT_RECTIFIED:
        return _("An item is escalated to a case when the re-check found it not rectified.")
    if item.party_id is None:
        return _("Record the party (from the party register) before opening a case on this item.")
    if item.category_id is None:
        return _("Record the category of the violation before opening a case on this item.")
    return None
