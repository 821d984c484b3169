"""The annual work summary (年度工作总结) written from the stored figures: paragraphs in the shape the
bureaus' own summaries use ("全年共受理群众投诉27210件，办结24119件，办结率88.6%……"), for a leader to paste
into the report. Every number comes from `read` — the same tallies the monthly report shows — and every
rate is computed from the counts, so a summary can no longer print 90.8 % for 24,119 of 27,210.

A sentence whose figures are all zero (or whose measures no source declares) is left out."""

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import get_language, gettext, pgettext

from . import measures, read, services
from .measures import Period, Unit


@dataclass
class Summary:
    unit: object
    year: int
    through: Period  # the last month counted
    comparisons: dict  # {slug: read.Comparison}
    paragraphs: list[str]
    targets: list  # services.achievements()

    @property
    def is_whole_year(self):
        return self.through.month == 12


def _chinese():
    return (get_language() or "zh-hans").startswith("zh")


def _integer(value):
    return f"{int(Decimal(value or 0)):d}"


def _decimal(value, places=1):
    exponent = Decimal(1).scaleb(-places)
    return f"{Decimal(value).quantize(exponent, rounding=ROUND_HALF_UP):f}"


def money(value):
    """Yuan as the summaries write them: 万元 from ten thousand up in Chinese ("426万元", "14.83万元")."""
    value = Decimal(value or 0)
    if _chinese():
        if value >= 10000:
            text = _decimal(value / 10000, 2).rstrip("0").rstrip(".")
            return gettext("%(amount)s ten-thousand yuan") % {"amount": text}
        return gettext("%(amount)s yuan") % {"amount": _decimal(value, 2).rstrip("0").rstrip(".")}
    return gettext("%(amount)s yuan") % {"amount": f"{value:,.2f}"}


def amount(column, value):
    if column.unit == Unit.YUAN:
        return money(value)
    if column.unit == Unit.SQUARE_METRES:
        return pgettext("summary figure", "%(value)s m²") % {
            "value": _decimal(value, 2).rstrip("0").rstrip(".")
        }
    if getattr(column, "counted_as", None):  # "477人次", "477 person-times"
        return pgettext("summary figure", "%(value)s %(counted_as)s") % {
            "value": _integer(value),
            "counted_as": column.counted_as,
        }
    return _integer(value)


def trend(comparison):
    """ "同比增长27.7%" / "同比下降5.0%" / "与去年同期持平"; empty when last year had nothing to compare."""
    change = comparison.year_on_year
    if change is None:
        return ""
    if change > 0:
        return pgettext("summary", "up %(change)s%% year on year") % {"change": _decimal(change)}
    if change < 0:
        return pgettext("summary", "down %(change)s%% year on year") % {"change": _decimal(-change)}
    return pgettext("summary", "the same as a year before")


def _sentence(parts):
    """Clauses joined the way each language does: "，" and "。" in Chinese; ", " and "." in English."""
    parts = [part for part in parts if part]
    if not parts:
        return ""
    separator, stop = ("，", "。") if _chinese() else (", ", ".")
    text = separator.join(parts)
    return text + stop if not text.endswith(stop) else text


def _listing(comparisons, slugs):
    """ "label value" for each measure of `slugs` that has a value, in the declared order."""
    items = []
    for slug in slugs:
        comparison = comparisons.get(slug)
        if comparison is not None and comparison.value:
            items.append(
                pgettext("summary listing", "%(label)s %(value)s")
                % {"label": comparison.column.label, "value": amount(comparison.column, comparison.value)}
            )
    return items


def write(unit, year, through=None):
    """The `Summary` of `unit`'s subtree for `year`, January to `through` (the year's last month, or the
    current month for the current year)."""
    today = Period.current()
    through = through or (today if year == today.year else Period.of(year, 12))
    found = {c.column.slug: c for c in read.comparisons(unit, Period.of(year, 1), through)}
    # January–`through` against the same months a year before: what a summary's "同比" means.
    value = {slug: comparison.value for slug, comparison in found.items()}
    known = set(found)
    opening = (
        pgettext("summary", "In the whole year")
        if through.month == 12
        else pgettext("summary", "By the end of %(month)s") % {"month": _month_name(through)}
    )
    paragraphs = []

    def has(*slugs):
        return all(slug in known for slug in slugs) and any(value.get(slug) for slug in slugs)

    if has("complaints_received"):
        parts = [
            pgettext("summary", "%(opening)s %(received)s complaints from the public were received")
            % {"opening": opening, "received": _integer(value["complaints_received"])}
        ]
        days = (through.next_first_day - Period.of(year, 1).first_day).days
        if days:
            parts.append(
                pgettext("summary", "%(daily)s a day on average")
                % {"daily": _decimal(read.daily_average(value["complaints_received"], days))}
            )
        if has("complaints_closed"):
            parts.append(
                pgettext("summary", "%(closed)s were closed")
                % {"closed": _integer(value["complaints_closed"])}
            )
            if "completion_rate" in known and value["completion_rate"] is not None:
                parts.append(
                    pgettext("summary", "a completion rate of %(rate)s%%")
                    % {"rate": value["completion_rate"]}
                )
        if "on_time_rate" in known and value["on_time_rate"] is not None:
            parts.append(pgettext("summary", "%(rate)s%% of them on time") % {"rate": value["on_time_rate"]})
        if "satisfaction_rate" in known and value["satisfaction_rate"] is not None:
            parts.append(
                pgettext("summary", "a satisfaction rate of %(rate)s%% on the return visits")
                % {"rate": value["satisfaction_rate"]}
            )
        trend_text = trend(found["complaints_received"])
        if trend_text:
            parts.append(pgettext("summary", "complaints received %(trend)s") % {"trend": trend_text})
        paragraphs.append(_sentence(parts))

    if has("complaints_npc_motions", "complaints_cppcc_proposals"):
        parts = [
            pgettext(
                "summary", "%(npc)s NPC motions and suggestions and %(cppcc)s CPPCC proposals were handled"
            )
            % {
                "npc": _integer(value.get("complaints_npc_motions")),
                "cppcc": _integer(value.get("complaints_cppcc_proposals")),
            }
        ]
        if has("complaints_npc_cppcc_closed"):
            parts.append(
                pgettext("summary", "%(closed)s of them closed")
                % {"closed": _integer(value["complaints_npc_cppcc_closed"])}
            )
        paragraphs.append(_sentence(parts))

    if has("patrol_collected"):
        parts = [
            pgettext("summary", "The digital city management centre collected %(collected)s cases")
            % {"collected": _integer(value["patrol_collected"])}
        ]
        if has("patrol_closed_on_the_spot"):
            parts.append(
                pgettext("summary", "of which %(spot)s were put right on the spot")
                % {"spot": _integer(value["patrol_closed_on_the_spot"])}
            )
        if has("patrol_dispatched"):
            parts.append(
                pgettext("summary", "%(dispatched)s were dispatched and %(closed)s closed")
                % {
                    "dispatched": _integer(value["patrol_dispatched"]),
                    "closed": _integer(value.get("patrol_closed")),
                }
            )
        if value.get("patrol_closure_rate") is not None:
            parts.append(
                pgettext("summary", "a closure rate of %(rate)s%%") % {"rate": value["patrol_closure_rate"]}
            )
        paragraphs.append(_sentence(parts))

    if has("cases_filed", "cases_simple"):
        parts = [
            pgettext(
                "summary",
                "%(general)s general-procedure cases were filed and %(simple)s simple-procedure cases decided",
            )
            % {"general": _integer(value.get("cases_filed")), "simple": _integer(value.get("cases_simple"))}
        ]
        trends = [
            pgettext("summary", "general cases %(trend)s") % {"trend": trend(found[slug])}
            if slug == "cases_filed"
            else pgettext("summary", "simple cases %(trend)s") % {"trend": trend(found[slug])}
            for slug in ("cases_filed", "cases_simple")
            if slug in found and trend(found[slug])
        ]
        parts.extend(trends)
        if has("cases_decided"):
            parts.append(
                pgettext("summary", "%(decided)s penalty decisions were made")
                % {"decided": _integer(value["cases_decided"])}
            )
        if has("cases_no_penalty"):
            parts.append(
                pgettext("summary", "%(count)s decided not to penalise")
                % {"count": _integer(value["cases_no_penalty"])}
            )
        if has("cases_transferred"):
            parts.append(
                pgettext("summary", "%(count)s transferred to other authorities")
                % {"count": _integer(value["cases_transferred"])}
            )
        if has("cases_closed"):
            parts.append(
                pgettext("summary", "%(closed)s cases closed") % {"closed": _integer(value["cases_closed"])}
            )
        if has("fines_decided"):
            parts.append(
                pgettext("summary", "fines of %(fines)s were decided")
                % {"fines": money(value["fines_decided"])}
            )
        if has("confiscations"):
            parts.append(
                pgettext("summary", "illegal gains and property of %(value)s confiscated")
                % {"value": money(value["confiscations"])}
            )
        if has("fines_collected"):
            parts.append(
                pgettext("summary", "%(collected)s collected")
                % {"collected": money(value["fines_collected"])}
            )
        if has("surcharges_collected"):
            parts.append(
                pgettext("summary", "late payment surcharges of %(surcharges)s collected")
                % {"surcharges": money(value["surcharges_collected"])}
            )
        paragraphs.append(_sentence(parts))

    penalties = [m.slug for m in measures.ordered(measures.all_measures()) if m.family == "penalties"]
    seized = [slug for slug in penalties if slug.startswith("seized_")]
    execution = _listing(
        found, [slug for slug in ("area_demolished", "demolitions", *seized) if slug in known]
    )
    if execution:
        paragraphs.append(_sentence([pgettext("summary", "In execution"), *execution]))

    reviews = [m.slug for m in measures.ordered(measures.all_measures()) if m.family == "reviews"]
    listed = _listing(found, reviews)
    if listed:
        paragraphs.append(_sentence([pgettext("summary", "Reconsiderations and lawsuits"), *listed]))

    campaigns = [m.slug for m in measures.ordered(measures.all_measures()) if m.family == "campaigns"]
    listed = _listing(found, campaigns)
    if listed:
        paragraphs.append(_sentence([pgettext("summary", "In the campaigns"), *listed]))

    targets = services.achievements(unit, year, through)
    if targets:
        met = sum(1 for _target, _actual, percent in targets if percent is not None and percent >= 100)
        parts = [
            pgettext("summary", "Of the %(count)s annual targets, %(met)s were met")
            % {"count": len(targets), "met": met}
        ]
        for target, _actual, percent in targets:
            try:
                label = measures.get(target.measure).label
            except KeyError:
                continue
            parts.append(
                pgettext("summary", "%(label)s %(percent)s%%") % {"label": label, "percent": percent}
            )
        paragraphs.append(_sentence(parts))

    return Summary(unit, year, through, found, [p for p in paragraphs if p], targets)


def _month_name(period):
    """ "3" (the Chinese sentence says 截至3月底) or "March"."""
    return str(period.month) if _chinese() else period.first_day.strftime("%B")
