"""Every change to a campaign, its field logs and its rectification items (PRODUCT §7), one function per
action. Status changes go through the platform's engine (`CAMPAIGN_WORKFLOW.run`, `ITEM_WORKFLOW.run`):
lock the row, check the table, the role and the scope, stamp, save with its version, audit.

Refusals: out of scope → Http404; a role that may not act → PermissionDenied (403); a state that does not
allow the action → TransitionNotAllowed (409); a stale version → StaleEdit (409); bad input →
ValidationError (400). Nothing is written when any of them is raised."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files import File
from django.db import transaction
from django.db.models import Count, Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from enforcement.audit.models import AuditAction
from enforcement.audit.services import changed, record_event, snapshot
from enforcement.documents.numbering import next_number
from enforcement.files.services import store_attachment
from enforcement.org.models import Grid, OrgUnit, in_scope
from enforcement.workdays import calendar
from enforcement.workflow.exceptions import TransitionNotAllowed

from . import rules
from .choices import HANDLERS, PLANNERS, CampaignStatus, EscalationProcedure, ItemStatus, Partner, PhotoStage
from .models import (
    NUMBER_PREFIX,
    Campaign,
    CampaignGoal,
    CampaignUnit,
    FieldLog,
    FieldLogPhoto,
    FieldLogValue,
    ItemPhoto,
    RectificationItem,
)
from .workflow import CAMPAIGN_WORKFLOW, ITEM_WORKFLOW

C = CampaignStatus
I = ItemStatus  # noqa: E741


def _text(value):
    return (value or "").strip()


def _campaign_in_scope(user, campaign):
    if not in_scope(user, campaign):
        raise Http404(_("Not found."))


def _unit_in_scope(user, unit):
    return unit is not None and (user.sees_all_units or unit.pk in user.scope_unit_ids)


def _partners(values):
    values = list(dict.fromkeys(values or []))
    unknown = [v for v in values if v not in Partner.values]
    if unknown:
        raise ValidationError({"partners": _("Choose the partner departments from the list.")})
    return values


# --- planning -----------------------------------------------------------------------------------------
def plan_campaign(
    *,
    by,
    name,
    kind,
    starts_on,
    ends_on,
    lead_unit,
    units=(),
    partners=(),
    grids=(),
    description="",
    goals=(),
):
    """A campaign planned by a supervisor of the lead unit: its period, the units taking part (the lead unit
    always among them), partner departments, target grids and goals [(measure, unit or None, target)]."""
    if not by.has_role(*PLANNERS):
        raise PermissionDenied(_("Campaigns are planned by squad leaders and bureau heads."))
    errors = rules.period_problems(starts_on, ends_on)
    if not _text(name):
        errors["name"] = _("Give the campaign a name.")
    if kind not in dict(Campaign._meta.get_field("kind").choices):
        errors["kind"] = _("Choose the kind of campaign.")
    if not _unit_in_scope(by, lead_unit):
        errors["lead_unit"] = _("Choose a lead unit within your own.")
    unit_list = _participants(lead_unit, units)
    grid_list = list(grids or [])
    partner_values = _partners(partners)
    if errors:
        raise ValidationError(errors)
    _check_grids(lead_unit, grid_list)
    goal_rows = _goal_rows(kind, {u.pk for u in unit_list}, goals)
    with transaction.atomic():
        campaign = Campaign(
            name=_text(name),
            kind=kind,
            starts_on=starts_on,
            ends_on=ends_on,
            lead_unit=lead_unit,
            partners=partner_values,
            description=_text(description),
            created_by=by,
        )
        campaign.number = (
            f"{NUMBER_PREFIX}{starts_on.year}{next_number('campaign', period=str(starts_on.year)):04d}"
        )
        campaign.save()
        CampaignUnit.objects.bulk_create([CampaignUnit(campaign=campaign, unit=u) for u in unit_list])
        campaign.grids.set(grid_list)
        CampaignGoal.objects.bulk_create(
            [CampaignGoal(campaign=campaign, measure=m, unit_id=u, target=t) for m, u, t in goal_rows]
        )
        record_event(
            campaign, AuditAction.CREATE, actor=by, verb="plan_campaign", after=_campaign_audit(campaign)
        )
    return campaign


def _participants(lead_unit, units):
    """The lead unit and the units taking part: each within the lead unit's subtree (a district's squadrons)."""
    if lead_unit is None:
        return []
    result = [lead_unit]
    for unit in units or []:
        if unit.pk == lead_unit.pk:
            continue
        if not unit.path.startswith(lead_unit.path):
            raise ValidationError({"units": _("The units taking part are units of the lead unit.")})
        result.append(unit)
    return list({u.pk: u for u in result}.values())


def _goal_rows(kind, unit_ids, goals):
    rows = [(slug, getattr(unit, "pk", unit), raw) for slug, unit, raw in goals or []]
    errors = rules.goal_problems(kind, unit_ids, rows)
    if errors:
        raise ValidationError({"goals": errors})
    return [(slug, unit_id, rules.as_value(raw)) for slug, unit_id, raw in rows]


def update_campaign(
    campaign, *, by, version=None, units=None, goals=None, partners=None, grids=None, **fields
):
    """Edits a planned or running campaign: name, description, period (its first day while planned), the
    units taking part (a unit that has logged work stays), partners, grids, and the goals (replaced as a
    whole). Versioned and audited."""
    with transaction.atomic():
        c = Campaign.objects.select_for_update().select_related("lead_unit").get(pk=campaign.pk)
        _campaign_in_scope(by, c)
        if not by.has_role(*PLANNERS):
            raise PermissionDenied(_("Campaigns are planned by squad leaders and bureau heads."))
        if not c.can_manage(by):
            raise PermissionDenied(c.actor_refusal(by))
        if c.status not in (C.PLANNED, C.ACTIVE):
            raise TransitionNotAllowed(_("A concluded or cancelled campaign is no longer changed."))
        before = _campaign_audit(c)
        for name in ("name", "description"):
            if fields.get(name) is not None:
                setattr(c, name, _text(fields[name]))
        if not c.name:
            raise ValidationError({"name": _("Give the campaign a name.")})
        starts_on = fields.get("starts_on") or c.starts_on
        ends_on = fields.get("ends_on") or c.ends_on
        errors = rules.period_problems(starts_on, ends_on)
        if c.status == C.ACTIVE and starts_on != c.starts_on:
            errors["starts_on"] = _("A campaign under way keeps its first day.")
        if not errors and c.logs.filter(day__gt=ends_on).exists():
            errors["ends_on"] = _("Field work has been logged after that day.")
        if errors:
            raise ValidationError(errors)
        c.starts_on, c.ends_on = starts_on, ends_on
        if partners is not None:
            c.partners = _partners(partners)
        if units is not None:
            wanted = _participants(c.lead_unit, units)
            wanted_ids = {u.pk for u in wanted}
            logged = set(FieldLog.objects.filter(campaign=c).values_list("unit_id", flat=True).distinct())
            if logged - wanted_ids:
                raise ValidationError({"units": _("A unit that has logged work stays in the campaign.")})
            kept_goals = CampaignGoal.objects.filter(campaign=c, unit__isnull=False)
            if goals is None and kept_goals.exclude(unit_id__in=wanted_ids).exists():
                raise ValidationError(
                    {"units": _("A unit with a goal stays in the campaign: remove its goal with it.")}
                )
            CampaignUnit.objects.filter(campaign=c).exclude(unit_id__in=wanted_ids).delete()
            existing = set(CampaignUnit.objects.filter(campaign=c).values_list("unit_id", flat=True))
            CampaignUnit.objects.bulk_create(
                [CampaignUnit(campaign=c, unit=u) for u in wanted if u.pk not in existing]
            )
        if grids is not None:
            _check_grids(c.lead_unit, grids)
            c.grids.set(grids)
        if goals is not None:
            unit_ids = set(CampaignUnit.objects.filter(campaign=c).values_list("unit_id", flat=True))
            rows = _goal_rows(c.kind, unit_ids, goals)
            CampaignGoal.objects.filter(campaign=c).delete()
            CampaignGoal.objects.bulk_create(
                [CampaignGoal(campaign=c, measure=m, unit_id=u, target=t) for m, u, t in rows]
            )
        c.save_versioned(expected_version=version if version not in (None, "") else None)
        old, new = changed(before, _campaign_audit(c))
        if new:
            record_event(c, AuditAction.UPDATE, actor=by, before=old, after=new, verb="update_campaign")
    return c


def _check_grids(lead_unit, grids):
    """Target areas are grids kept by the lead unit or its units."""
    if any(not grid.unit.path.startswith(lead_unit.path) for grid in grids):
        raise ValidationError({"grids": _("Choose target areas among the lead unit's grids.")})


def start(campaign, *, by, note="", version=None):
    def change(c):
        c.started_at = timezone.now()

    return CAMPAIGN_WORKFLOW.run(campaign, "start", by=by, change=change, version=version, note=note)


def conclude(campaign, *, by, summary, version=None):
    if not _text(summary):
        raise ValidationError({"summary": _("Write the campaign's summary: what was done and achieved.")})

    def change(c):
        c.summary, c.ended_at = _text(summary), timezone.now()

    return CAMPAIGN_WORKFLOW.run(campaign, "conclude", by=by, change=change, version=version)


def cancel(campaign, *, by, reason, version=None):
    if not _text(reason):
        raise ValidationError({"reason": _("Say why the campaign is cancelled.")})

    def change(c):
        c.ended_at = timezone.now()

    return CAMPAIGN_WORKFLOW.run(campaign, "cancel", by=by, change=change, version=version, note=reason)


# --- field logs -------------------------------------------------------------------------------------
def log_field_work(campaign, *, by, unit, day, values, place="", note="", partners=(), photos=()):
    """One patrol's or operation's figures for a day: {measure slug: value}. Zero or empty values are left
    out; the rest are checked (rules.log_problems) and saved with the photos, in one transaction."""
    _campaign_in_scope(by, campaign)
    if not by.has_role(*HANDLERS):
        raise PermissionDenied(_("Field work is logged by officers and squad leaders."))
    if unit is not None and not _unit_in_scope(by, unit):
        raise ValidationError({"unit": _("Log work for your own unit.")})
    values = {slug: raw for slug, raw in (values or {}).items() if raw not in (None, "")}
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)  # a conclusion waits for this log
        participating = set(CampaignUnit.objects.filter(campaign=locked).values_list("unit_id", flat=True))
        errors = rules.log_problems(locked, getattr(unit, "pk", None), day, values, participating)
        if "campaign" in errors:
            raise TransitionNotAllowed(errors["campaign"])
        if errors:
            raise ValidationError(errors)
        log = FieldLog.objects.create(
            campaign=locked,
            unit=unit,
            day=day,
            place=_text(place),
            note=_text(note),
            partners=_partners(partners),
            logged_by=by,
        )
        FieldLogValue.objects.bulk_create(
            [
                FieldLogValue(log=log, measure=slug, value=rules.as_value(raw))
                for slug, raw in values.items()
                if rules.as_value(raw)
            ]
        )
        record_event(log, AuditAction.CREATE, actor=by, verb="log_field_work", after=_log_audit(log))
        for upload in photos or []:
            store_attachment(FieldLogPhoto, log, upload, by=by)
    return log


def add_log_photo(log, upload, *, by, **capture):
    """A photo of a day's work added after its log was saved (the log's screen takes them with the figures);
    not once the campaign has ended (its record is final then)."""
    if not in_scope(by, log):
        raise Http404(_("Not found."))
    if not by.has_role(*HANDLERS):
        raise PermissionDenied(_("Photos are added by officers and squad leaders."))
    campaign = log.campaign
    if campaign.has_ended:
        raise TransitionNotAllowed(
            _("This campaign has ended (%(status)s): its field logs are final.")
            % {"status": campaign.get_status_display()}
        )
    return store_attachment(FieldLogPhoto, log, upload, by=by, **capture)


def progress(campaign):
    """The campaign's figures against its goals, per unit and in total, from two aggregate queries:
    {"measures": [{measure, total, target, percent, units: [{unit, actual, target, percent}]}], "items": {...}}."""
    sums = (
        FieldLogValue.objects.filter(log__campaign=campaign)
        .values("measure", "log__unit")
        .annotate(total=Sum("value"))
        .order_by()
    )
    actual = {}
    for row in sums:
        actual[(row["measure"], row["log__unit"])] = row["total"]
    goals = {(g.measure, g.unit_id): g.target for g in campaign.goals.all()}
    units = list(
        OrgUnit.objects.filter(pk__in=CampaignUnit.objects.filter(campaign=campaign).values("unit")).order_by(
            "path"
        )
    )
    rows = []
    for measure in campaign.measures():
        total = sum((v for (m, _u), v in actual.items() if m == measure.slug), start=0)
        target = goals.get((measure.slug, None))
        unit_rows = []
        for unit in units:
            value = actual.get((measure.slug, unit.pk), 0)
            unit_target = goals.get((measure.slug, unit.pk))
            if value or unit_target:
                unit_rows.append(
                    {
                        "unit": unit,
                        "actual": value,
                        "target": unit_target,
                        "percent": _percent(value, unit_target),
                    }
                )
        if not total and target is None and not unit_rows:
            continue
        achieved = total
        if target is None and any(r["target"] for r in unit_rows):
            # No goal in total: the units' goals add up to the target, met by those units' work only.
            target = sum(r["target"] for r in unit_rows if r["target"])
            achieved = sum(r["actual"] for r in unit_rows if r["target"])
        rows.append(
            {
                "measure": measure,
                "total": total,
                "target": target,
                "percent": _percent(achieved, target),
                "units": unit_rows,
            }
        )
    counts = dict(
        RectificationItem.objects.filter(campaign=campaign)
        .values("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    return {"measures": rows, "items": {status: counts.get(status, 0) for status in ItemStatus.values}}


def _percent(value, target):
    if not target:
        return None
    return round(float(value) * 100 / float(target), 1)


# --- rectification items ---------------------------------------------------------------------------
def register_item(
    campaign,
    *,
    by,
    unit,
    kind,
    description,
    address,
    found_on=None,
    party=None,
    party_name="",
    category=None,
    lat=None,
    lng=None,
    grid=None,
    complaint=None,
    photos=(),
):
    """整改对象 found in the campaign (or taken from a complaint): what and where, with photos before. The grid
    is the one holding the point unless given."""
    _campaign_in_scope(by, campaign)
    if not by.has_role(*HANDLERS):
        raise PermissionDenied(_("Rectification items are recorded by officers and squad leaders."))
    found_on = found_on or timezone.localdate()
    errors = {}
    if not _text(description):
        errors["description"] = _("Say what was found.")
    if not _text(address):
        errors["address"] = _("Say where it is.")
    if kind not in dict(RectificationItem._meta.get_field("kind").choices):
        errors["kind"] = _("Choose what the item is.")
    if found_on > timezone.localdate():
        errors["found_on"] = _("The day it was found cannot be in the future.")
    if complaint is not None and not in_scope(by, complaint):
        errors["complaint"] = _("Choose a complaint you can see.")
    if (lat is None) != (lng is None):
        errors["lng"] = _("Give both latitude and longitude, or neither.")
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        locked = Campaign.objects.select_for_update().get(pk=campaign.pk)
        if locked.status != C.ACTIVE:
            raise TransitionNotAllowed(_("Items are recorded while the campaign is under way."))
        participating = set(CampaignUnit.objects.filter(campaign=locked).values_list("unit_id", flat=True))
        if unit is None or unit.pk not in participating or not _unit_in_scope(by, unit):
            raise ValidationError({"unit": _("Only a unit taking part in the campaign records items on it.")})
        item = RectificationItem.objects.create(
            campaign=locked,
            unit=unit,
            kind=kind,
            description=_text(description),
            address=_text(address),
            found_on=found_on,
            found_by=by,
            party=party,
            party_name=_text(party_name) or (party.name if party else ""),
            category=category,
            lat=lat,
            lng=lng,
            grid=grid or Grid.objects.containing(lat, lng),
            complaint=complaint,
        )
        record_event(item, AuditAction.CREATE, actor=by, verb="register_item", after=snapshot(item))
        for upload in photos or []:
            store_attachment(ItemPhoto, item, upload, by=by, stage=PhotoStage.BEFORE)
        if complaint is not None:
            from complaints.services import link_record

            link_record(complaint, item, by=by)
    return item


def add_item_photo(item, upload, *, by, stage=PhotoStage.BEFORE, **capture):
    """A photo of the item, before (found) or after (the re-check); not once it escalated (the case holds
    its evidence then)."""
    if not in_scope(by, item):
        raise Http404(_("Not found."))
    if not by.has_role(*HANDLERS):
        raise PermissionDenied(_("Photos are added by officers and squad leaders."))
    if stage not in PhotoStage.values:
        raise ValidationError({"stage": _("Choose before or after.")})
    if item.status == I.ESCALATED:
        raise TransitionNotAllowed(_("This item has been escalated: add evidence to its case instead."))
    return store_attachment(ItemPhoto, item, upload, by=by, stage=stage, **capture)


def issue_notice(item, *, by, deadline_on, requirement, version=None):
    """责令限期整改通知书: the deadline and what must be done; the numbered notice is issued in the same
    transaction, and the re-check falls due at the end of the deadline (the reminders' sweep watches it)."""

    def change(i):  # the input checked once the state allows the step (409 before 400)
        errors = rules.notice_problems(deadline_on, requirement)
        if errors:
            raise ValidationError(errors)
        i.deadline_on, i.requirement = deadline_on, _text(requirement)
        i.noticed_at = timezone.now()
        i.recheck_due_at = calendar.end_of_day(deadline_on)

    with transaction.atomic():
        item = ITEM_WORKFLOW.run(item, "issue_notice", by=by, change=change, version=version)
        from enforcement.documents.services import issue_document

        issue_document(item, "rectification_notice", by=by)
    return RectificationItem.objects.get(pk=item.pk)


def recheck(item, *, by, result, rechecked_on, note="", photos=(), version=None):
    """复查 on or after the deadline (or earlier, when already rectified), with photos after."""
    photos = list(photos or [])

    def change(i):
        # The rules first, the photos stored only once they pass (a refused re-check leaves no file).
        problem = rules.recheck_problem(i, result, rechecked_on, new_photos=bool(photos))
        if problem:
            raise ValidationError({problem[0]: problem[1]})
        for upload in photos:
            add_item_photo(i, upload, by=by, stage=PhotoStage.AFTER)
        i.status = I.RECTIFIED if result == "rectified" else I.NOT_RECTIFIED
        i.recheck_result, i.rechecked_on, i.rechecked_at = result, rechecked_on, timezone.now()
        i.recheck_note = _text(note)

    return ITEM_WORKFLOW.run(item, "recheck", by=by, change=change, version=version, note=note)


def identify_item(item, *, by, party=None, category=None, version=None):
    """The party from the register and the category, recorded on an item found without them (a case needs
    both: rules.escalation_problem); not once the item is escalated (its case holds them then)."""
    if not in_scope(by, item):
        raise Http404(_("Not found."))
    if not by.has_role(*HANDLERS):
        raise PermissionDenied(_("The party is recorded by officers and squad leaders."))
    if party is None and category is None:
        raise ValidationError({"party": _("Choose the party from the register, or the category.")})
    with transaction.atomic():
        locked = RectificationItem.objects.select_for_update().get(pk=item.pk)
        if locked.status == I.ESCALATED:
            raise TransitionNotAllowed(_("This item has been escalated: its case holds the party now."))
        before = snapshot(locked)
        if party is not None:
            locked.party = party
            locked.party_name = party.name
        if category is not None:
            locked.category = category
        locked.save_versioned(expected_version=version if version not in (None, "") else None)
        old, new = changed(before, snapshot(locked))
        if new:
            record_event(locked, AuditAction.UPDATE, actor=by, before=old, after=new, verb="identify_item")
    return locked


def escalate(item, *, by, procedure, note="", version=None, **on_the_spot):
    """转立案: a lead of the general procedure, or a case decided on the spot (simple procedure; then
    `on_the_spot` holds the decision: penalty_kinds, fine, correction_order, paid_on_spot, receipt_no),
    with the item's party, place, category and what was found, and its photos as evidence. Linked both
    ways (the case's `rectification_item`); an item is escalated once."""
    from cases import services as case_services
    from cases.choices import CaseSource, EvidenceType

    EVIDENCE_TYPES = {"photo": EvidenceType.PHOTO, "video": EvidenceType.VIDEO, "audio": EvidenceType.AUDIO}

    if procedure not in EscalationProcedure.values:
        raise ValidationError({"procedure": _("Choose the general or the simple procedure.")})

    def change(i):
        facts = _(
            "%(found)s (campaign “%(campaign)s”, item found on %(day)s; not rectified by %(deadline)s)"
        ) % {
            "found": i.description,
            "campaign": i.campaign.name,
            "day": i.found_on.isoformat(),
            "deadline": i.deadline_on.isoformat() if i.deadline_on else "—",
        }
        common = {
            "by": by,
            "party": i.party,
            "category": i.category,
            "facts": facts,
            "address": i.address,
            "act_date": i.found_on,
            "unit": i.unit,
            "complaint": i.complaint,
            "lat": i.lat,
            "lng": i.lng,
        }
        if procedure == EscalationProcedure.GENERAL:
            case = case_services.open_lead(source=CaseSource.CAMPAIGN, **common)
        else:
            case = case_services.decide_on_the_spot(
                source=CaseSource.CAMPAIGN,
                penalty_kinds=on_the_spot.get("penalty_kinds") or [],
                correction_order=on_the_spot.get("correction_order") or i.requirement,
                fine=on_the_spot.get("fine"),
                paid_on_spot=bool(on_the_spot.get("paid_on_spot")),
                receipt_no=on_the_spot.get("receipt_no", ""),
                **common,
            )
        for photo in i.photos.all():
            with photo.file.open("rb") as handle:
                upload = File(handle, name=photo.original_name or photo.file.name)
                upload.size = photo.size
                case_services.add_evidence(
                    case,
                    upload,
                    by=by,
                    evidence_type=EVIDENCE_TYPES.get(photo.kind, EvidenceType.DOCUMENT),
                    description=_("Rectification item photo (%(stage)s)")
                    % {"stage": photo.get_stage_display()},
                    captured_at=photo.captured_at,
                    lat=photo.lat,
                    lng=photo.lng,
                )
        # The event records the case's id (no extras under "case"): the item's timeline names the case.
        i.case, i.escalated_at = case, timezone.now()

    return ITEM_WORKFLOW.run(item, "escalate", by=by, change=change, version=version, note=note)


# --- audit snapshots ----------------------------------------------------------------------------------
def _campaign_audit(campaign):
    return {
        **snapshot(campaign),
        "units": sorted(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True)),
        "goals": [[g.measure, g.unit_id, str(g.target)] for g in campaign.goals.all()],
    }


def _log_audit(log):
    return {
        "day": log.day.isoformat(),
        "unit": log.unit_id,
        "values": {v.measure: str(v.value) for v in log.values.all()},
    }


# The workflows' actions run through these services wherever they are taken (pages, API, tasks).
CAMPAIGN_WORKFLOW.services.update({"start": start, "conclude": conclude, "cancel": cancel})
ITEM_WORKFLOW.services.update({"issue_notice": issue_notice, "recheck": recheck, "escalate": escalate})
CAMPAIGN_WORKFLOW.check_services()
ITEM_WORKFLOW.check_services()
