"""How the campaigns' timelines read the details their services write beside the fields
(enforcement/audit/labels.py): a field log's figures and a campaign's goals, in the reader's language."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from enforcement.audit.labels import register_key

from . import measures


def _figure(slug, value):
    measure = measures.get(slug)
    if measure is None:
        return f"{slug} {value}"
    number = str(value)
    if "." in number and measure.decimals == 0:
        number = number.rstrip("0").rstrip(".")
    return _("%(measure)s %(value)s %(unit)s") % {
        "measure": measure.label,
        "value": number,
        "unit": measure.unit,
    }


def values_text(value):
    """{"persuasion": "36.00", …} → "劝导教育 36 人次；…" in the declared order."""
    if not isinstance(value, dict):
        return str(value)
    order = {m.slug: i for i, m in enumerate(measures.MEASURES)}
    return _("; ").join(_figure(slug, value[slug]) for slug in sorted(value, key=lambda s: order.get(s, 99)))


def goals_text(value):
    """[[measure, unit id or None, target], …] → "发出整改通知书 100 份（合计）；…"."""
    if not isinstance(value, list):
        return str(value)
    from enforcement.org.models import OrgUnit

    names = dict(OrgUnit.objects.filter(pk__in=[g[1] for g in value if g[1]]).values_list("pk", "name"))
    parts = []
    for slug, unit_id, target in value:
        whose = names.get(unit_id, unit_id) if unit_id else _("in total")
        parts.append(_("%(figure)s (%(whose)s)") % {"figure": _figure(slug, target), "whose": whose})
    return _("; ").join(parts)


def units_text(value):
    from enforcement.org.models import OrgUnit

    if not isinstance(value, list):
        return str(value)
    names = dict(OrgUnit.objects.filter(pk__in=value).values_list("pk", "name"))
    return _(", ").join(str(names.get(pk, pk)) for pk in value)


def partners_text(value):
    from .choices import Partner

    labels = dict(Partner.choices)
    return _(", ").join(str(labels.get(v, v)) for v in (value if isinstance(value, list) else [value]))


def register():
    register_key("values", gettext_lazy("figures"), model="campaigns.FieldLog", display=values_text)
    register_key("goals", gettext_lazy("goals"), model="campaigns.Campaign", display=goals_text)
    register_key("units", gettext_lazy("participating units"), model="campaigns.Campaign", display=units_text)
    for model in ("campaigns.Campaign", "campaigns.FieldLog"):
        register_key("partners", gettext_lazy("partner departments"), model=model, display=partners_text)
