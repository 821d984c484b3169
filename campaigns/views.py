"""The browser pages of campaigns (专项整治, PRODUCT §7): the list, the plan and its edit, the campaign page with
its progress against the goals (a table and a server-drawn chart), the field log (one phone screen), the
rectification items (整改对象) with their notice, re-check and escalation to a case.

Every page reads through `visible_to(request.user)` (out of scope → 404): a campaign through its lead and
participating units, its logs and items through their own unit. Every change goes through the service
function the API uses (campaigns/services.py)."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from cases.forms import PartyRefused
from cases.models import Party
from complaints.models import Complaint
from enforcement.catalog.cached import category_groups
from enforcement.documents.models import Document
from enforcement.files.pending import KeptUploads
from enforcement.files.views import serve_attachment, too_large, upload_view
from enforcement.filters import filter_list, query_without
from enforcement.keyset import paginate
from enforcement.org.cached import grids_for, units_for
from enforcement.org.models import OrgUnit
from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed
from enforcement.workflow.forms import action_form_class, action_forms
from enforcement.workflow.views import add_errors

from . import measures, services
from .choices import (
    HANDLERS,
    PLANNERS,
    CampaignKind,
    CampaignStatus,
    EscalationProcedure,
    ItemStatus,
    Partner,
)
from .filtersets import CAMPAIGN_ORDERINGS, ITEM_ORDERINGS, CampaignFilterSet, ItemFilterSet
from .forms import (
    CampaignForm,
    FieldLogForm,
    ItemForm,
    ItemPartyForm,
    LogPhotosForm,
    RecheckPhotosForm,
    SimpleEscalationForm,
    goal_rows,
    goal_table,
)
from .models import (
    Campaign,
    CampaignUnit,
    FieldLog,
    FieldLogPhoto,
    ItemPhoto,
    RectificationItem,
)
from .workflow import CAMPAIGN_WORKFLOW, ITEM_WORKFLOW

PAGE_SIZE = 25
RECENT_LOGS = 10
NOTICE = "rectification_notice"

# The service of each action (the inputs the table declares, by name).
CAMPAIGN_SERVICES = {"start": services.start, "conclude": services.conclude, "cancel": services.cancel}
ITEM_SERVICES = {
    "issue_notice": services.issue_notice,
    "recheck": services.recheck,
    "escalate": services.escalate,
}


def _campaign_for(request, pk):
    """Through the one scoping rule: out of scope reads as missing (404)."""
    campaigns = Campaign.objects.visible_to(request.user).select_related("lead_unit", "created_by")
    return get_object_or_404(campaigns, pk=pk)


def _item_for(request, pk):
    items = RectificationItem.objects.visible_to(request.user).select_related(
        "campaign", "unit", "grid", "party", "category", "complaint", "case", "found_by"
    )
    return get_object_or_404(items, pk=pk)


def may_plan(user):
    return user.has_role(*PLANNERS)


def may_handle(user):
    return user.has_role(*HANDLERS)


def _units_of_user_in(user, campaign):
    """The participating units the user may log work or record items for (those in the user's scope)."""
    ids = CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True)
    units = OrgUnit.objects.filter(pk__in=ids)
    if not user.sees_all_units:
        units = units.filter(pk__in=user.scope_unit_ids)
    return units.order_by("path")


def _default_unit(user, units):
    units = list(units)
    if any(unit.pk == user.unit_id for unit in units):
        return user.unit_id
    return units[0].pk if len(units) == 1 else None


def _run(request, workflow, obj, slug, service, *, extra=None, form=None):
    """An action from its posted form through its service. (saved record or None, bound form or None,
    status), as `enforcement.workflow.views.submit_action` answers."""
    form = form or action_form_class(workflow, slug)(request.POST, user=request.user, obj=obj)
    if not form.is_valid():
        return None, form, 400
    try:
        done = service(
            obj, by=request.user, version=form.cleaned_data.get("version"), **form.inputs(), **(extra or {})
        )
    except TransitionNotAllowed as exc:
        messages.error(request, exc.message)
        return None, None, 409
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Your role does not allow this step."))
        return None, None, 403
    except StaleEdit:
        messages.error(request, StaleEdit.message)
        return None, None, 409
    except ValidationError as exc:
        add_errors(form, exc)
        return None, form, 400
    transition = workflow.transitions[slug]
    messages.success(
        request,
        str(transition.done) if transition.done else _("%(action)s: done.") % {"action": transition.label},
    )
    return done, None, 200


# --- campaigns list ----------------------------------------------------------------------------------------
@login_required
def campaign_list(request):
    base = Campaign.objects.visible_to(request.user).select_related("lead_unit")
    filterset, queryset = filter_list(CampaignFilterSet, request, base)
    ordering_key = CAMPAIGN_ORDERINGS.key_for(request.GET.get("ordering"))
    try:
        page = paginate(
            queryset,
            CAMPAIGN_ORDERINGS.get(ordering_key),
            cursor=request.GET.get("cursor"),
            page_size=PAGE_SIZE,
        )
    except ValidationError:
        return redirect(f"{reverse('campaigns:list')}?{query_without(request.GET, 'cursor')}")
    form = filterset.form
    for name in ("q", "active_on", "year"):
        form.fields[name].widget.attrs["class"] = "form-control"
    return render(
        request,
        "campaigns/list.html",
        {
            "form": form,
            "rows": page.rows,
            "page": page,
            "orderings": CAMPAIGN_ORDERINGS.labels(),
            "ordering": ordering_key,
            "kinds": CampaignKind.choices,
            "statuses": CampaignStatus.choices,
            "selected_kind": request.GET.getlist("kind"),
            "selected_status": request.GET.getlist("status"),
            "units": units_for(request.user),
            "first_query": query_without(request.GET, "cursor"),
            "can_plan": may_plan(request.user),
        },
    )


# --- plan and edit -------------------------------------------------------------------------------------------
def _goals_of(campaign):
    return {(g.measure, g.unit_id): g.target for g in campaign.goals.all()}


def _plan_errors(form, exc):
    """The service's errors onto the form; the goals' (a list) are said on the goals' table."""
    goal_errors = []
    if hasattr(exc, "error_dict"):
        messages_by_field = exc.message_dict
        goal_errors = messages_by_field.pop("goals", [])
        for name, errors in messages_by_field.items():
            form.add_error(name if name in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)
    if goal_errors and not form.errors:
        form.add_error(None, _("Correct the goals below."))
    return goal_errors


def _form_page(request, form, kind, *, campaign=None, goal_errors=(), status=200):
    units = form.unit_candidates()
    data = request.POST if request.method == "POST" else None
    return render(
        request,
        "campaigns/form.html",
        {
            "form": form,
            "campaign": campaign,
            "kind": kind,
            "kind_label": CampaignKind(kind).label,
            "kinds": CampaignKind.choices,
            "goal_table": goal_table(kind, units, data=data, goals=_goals_of(campaign) if campaign else None),
            "goal_units": units,
            "goal_errors": goal_errors,
        },
        status=status,
    )


@login_required
def campaign_create(request):
    """A supervisor plans a campaign: first its kind (the measures its goals are set in), then the plan."""
    if not may_plan(request.user):
        raise PermissionDenied
    kind = request.POST.get("kind") or request.GET.get("kind")
    if kind not in CampaignKind.values:
        return render(request, "campaigns/choose_kind.html", {"kinds": CampaignKind.choices})
    form = CampaignForm(request.POST or None, user=request.user, initial={"kind": kind})
    goal_errors = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = services.plan_campaign(
                by=request.user,
                name=data["name"],
                kind=kind,
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
                lead_unit=data["lead_unit"],
                units=list(data["units"]),
                partners=data["partners"],
                grids=list(data["grids"]),
                description=data["description"],
                goals=goal_rows(request.POST, kind, form.unit_candidates()),
            )
        except ValidationError as exc:
            goal_errors = _plan_errors(form, exc)
        except PermissionDenied as exc:
            form.add_error(None, str(exc))
        else:
            messages.success(
                request,
                _("Campaign %(number)s planned. Start it once its first day has come.")
                % {"number": campaign.number},
            )
            return redirect(campaign)
    status = 400 if request.method == "POST" else 200
    return _form_page(request, form, kind, goal_errors=goal_errors, status=status)


@login_required
def campaign_edit(request, pk):
    campaign = _campaign_for(request, pk)
    if not may_plan(request.user):
        raise PermissionDenied
    if not campaign.can_manage(request.user):
        raise PermissionDenied(campaign.actor_refusal(request.user))
    if campaign.status not in (CampaignStatus.PLANNED, CampaignStatus.ACTIVE):
        messages.error(request, _("A concluded or cancelled campaign is no longer changed."))
        return redirect(campaign)
    initial = {
        "name": campaign.name,
        "kind": campaign.kind,
        "starts_on": campaign.starts_on,
        "ends_on": campaign.ends_on,
        "units": list(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True)),
        "partners": campaign.partners,
        "grids": list(campaign.grids.values_list("pk", flat=True)),
        "description": campaign.description,
        "version": campaign.version,
    }
    form = CampaignForm(request.POST or None, user=request.user, campaign=campaign, initial=initial)
    goal_errors, status = [], 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                campaign = services.update_campaign(
                    campaign,
                    by=request.user,
                    version=data.get("version"),
                    name=data["name"],
                    description=data["description"],
                    starts_on=data["starts_on"],
                    ends_on=data["ends_on"],
                    units=list(data["units"]),
                    partners=data["partners"],
                    grids=list(data["grids"]),
                    goals=goal_rows(request.POST, campaign.kind, form.unit_candidates()),
                )
            except ValidationError as exc:
                goal_errors = _plan_errors(form, exc)
            except StaleEdit:
                form.add_error(None, StaleEdit.message)
                status = 409
            except TransitionNotAllowed as exc:
                form.add_error(None, exc.message)
                status = 409
            else:
                messages.success(request, _("Campaign saved."))
                return redirect(campaign)
    return _form_page(request, form, campaign.kind, campaign=campaign, goal_errors=goal_errors, status=status)


# --- the campaign page ------------------------------------------------------------------------------------------
CHART_ROW = 34  # px per bar of the chart
CHART_LABEL = 220
CHART_BAR = 300


def progress_chart(rows):
    """The bars of the chart: % of the target achieved, per measure with a target (the bar stops at 100%,
    the figure says more)."""
    bars = []
    for index, row in enumerate(r for r in rows if r["percent"] is not None):
        percent = row["percent"]
        bars.append(
            {
                "label": str(row["measure"].label),
                "percent": percent,
                "total": row.get("total_text", row["total"]),
                "target": row.get("target_text", row["target"]),
                "y": index * CHART_ROW + 6,
                "text_y": index * CHART_ROW + 21,
                "percent_text": f"{percent:.1f}",
                "width": f"{min(percent, 100) * CHART_BAR / 100:.1f}",
                "done": percent >= 100,
            }
        )
    return {
        "bars": bars,
        "height": max(len(bars), 1) * CHART_ROW,
        "label_width": CHART_LABEL,
        "bar_width": CHART_BAR,
        "width": CHART_LABEL + CHART_BAR + 70,
        "label_x": CHART_LABEL - 8,
        "value_x": CHART_LABEL + CHART_BAR + 8,
    }


def _detail_context(request, campaign, *, bound=None):
    user = request.user
    figures = services.progress(campaign)
    rows = figures["measures"]
    for row in rows:
        measure = row["measure"]
        row["total_text"] = _number(row["total"], measure.decimals)
        row["target_text"] = _number(row["target"], measure.decimals)
        for unit_row in row["units"]:
            unit_row["actual_text"] = _number(unit_row["actual"], measure.decimals)
            unit_row["target_text"] = _number(unit_row["target"], measure.decimals)
    labels = dict(ItemStatus.choices)
    item_counts = [(status, labels[status], n) for status, n in figures["items"].items()]
    participating = list(
        OrgUnit.objects.filter(pk__in=CampaignUnit.objects.filter(campaign=campaign).values("unit")).order_by(
            "path"
        )
    )
    return {
        "campaign": campaign,
        "action_forms": action_forms(CAMPAIGN_WORKFLOW, campaign, user, bound=bound),
        "progress": rows,
        "chart": progress_chart(rows),
        "item_counts": item_counts,
        "items_total": sum(n for _s, _l, n in item_counts),
        "units": participating,
        "grids": list(campaign.grids.all()),
        "recent_logs": list(
            FieldLog.objects.visible_to(user)
            .filter(campaign=campaign)
            .select_related("unit", "logged_by")
            .prefetch_related("values")[:RECENT_LOGS]
        ),
        "can_edit": may_plan(user)
        and campaign.can_manage(user)
        and campaign.status in (CampaignStatus.PLANNED, CampaignStatus.ACTIVE),
        "can_log": may_handle(user) and campaign.status == CampaignStatus.ACTIVE,
        "map_url": reverse("campaigns:map", args=[campaign.pk]),
    }


def _number(value, decimals):
    if value is None:
        return "—"
    if decimals:
        return f"{value:.{decimals}f}"
    return f"{int(value)}"


@login_required
def campaign_detail(request, pk):
    campaign = _campaign_for(request, pk)
    return render(request, "campaigns/detail.html", _detail_context(request, campaign))


@login_required
@require_POST
def campaign_action(request, pk, slug):
    if slug not in CAMPAIGN_WORKFLOW.transitions:
        raise Http404
    campaign = _campaign_for(request, pk)
    done, form, status = _run(request, CAMPAIGN_WORKFLOW, campaign, slug, CAMPAIGN_SERVICES[slug])
    if done is not None:
        return redirect(done)
    if status == 409:
        campaign = _campaign_for(request, pk)
    context = _detail_context(request, campaign, bound=form)
    context["failed_action"] = slug
    return render(request, "campaigns/detail.html", context, status=status)


# --- field logs ----------------------------------------------------------------------------------------------
def _log_errors(form, exc):
    if not hasattr(exc, "error_dict"):
        form.add_error(None, exc.messages)
        return
    for name, errors in exc.message_dict.items():
        form.add_error(name if name in form.fields else None, errors)


@login_required
@upload_view
def log_create(request, pk):
    """工作日志: one phone screen for what a patrol or an operation did on a day."""
    campaign = _campaign_for(request, pk)
    if not may_handle(request.user):
        raise PermissionDenied
    units = _units_of_user_in(request.user, campaign)
    kept = KeptUploads(request, {"photos": True})
    form = FieldLogForm(
        request.POST or None,
        request.FILES or None,
        campaign=campaign,
        units=units,
        kept=kept,
        initial={"unit": _default_unit(request.user, units), "partners": campaign.partners},
    )
    status = 200
    if request.method == "POST":
        refused = too_large(request)
        if refused:
            return refused
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    log = services.log_field_work(
                        campaign,
                        by=request.user,
                        unit=data["unit"],
                        day=data["day"],
                        values=form.values(),
                        place=data["place"],
                        note=data["note"],
                        partners=data["partners"],
                        photos=form.uploads("photos"),
                    )
                    kept.used()
            except ValidationError as exc:
                _log_errors(form, exc)
            except (TransitionNotAllowed, PermissionDenied) as exc:
                form.add_error(None, str(getattr(exc, "message", None) or exc))
                status = 409 if isinstance(exc, TransitionNotAllowed) else 403
            else:
                messages.success(
                    request,
                    _("Field work of %(day)s logged for %(unit)s.")
                    % {"day": log.day.isoformat(), "unit": log.unit.display_name},
                )
                return redirect(campaign)
        form.keep_uploads(request)
    return render(
        request,
        "campaigns/log_form.html",
        {"campaign": campaign, "form": form, "kept": kept, "no_unit": not units.exists()},
        status=status,
    )


@login_required
def log_list(request, pk):
    campaign = _campaign_for(request, pk)
    logs = (
        FieldLog.objects.visible_to(request.user)
        .filter(campaign=campaign)
        .select_related("unit", "logged_by")
        .prefetch_related("values")
    )
    unit = request.GET.get("unit")
    if unit and unit.isdigit():
        logs = logs.filter(unit_id=int(unit))
    page_obj = Paginator(logs, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "campaigns/log_list.html",
        {
            "campaign": campaign,
            "page_obj": page_obj,
            "logs": page_obj.object_list,
            "can_log": may_handle(request.user) and campaign.status == CampaignStatus.ACTIVE,
        },
    )


def _log_for(request, campaign, log_id):
    logs = FieldLog.objects.visible_to(request.user).filter(campaign=campaign)
    return get_object_or_404(logs.select_related("unit", "logged_by"), pk=log_id)


def _log_context(request, campaign, log, *, photos_form=None):
    values = [(measures.get(v.measure), v.value) for v in log.values.all()]
    values = [
        (measure, _number(value, measure.decimals if measure else 2)) for measure, value in values if measure
    ]
    partner_labels = dict(Partner.choices)
    can_add_photos = may_handle(request.user) and not campaign.has_ended  # services.add_log_photo's rule
    return {
        "campaign": campaign,
        "log": log,
        "values": values,
        "partners": [partner_labels.get(p, p) for p in log.partners],
        "photos": list(log.photos.all()),
        "photos_form": (photos_form or LogPhotosForm()) if can_add_photos else None,
    }


@login_required
def log_detail(request, pk, log_id):
    campaign = _campaign_for(request, pk)
    log = _log_for(request, campaign, log_id)
    return render(request, "campaigns/log_detail.html", _log_context(request, campaign, log))


@login_required
@upload_view
@require_POST
def log_photos_add(request, pk, log_id):
    campaign = _campaign_for(request, pk)
    log = _log_for(request, campaign, log_id)
    refused = too_large(request)
    if refused:
        return refused
    form = LogPhotosForm(request.POST, request.FILES)
    status = 400
    if form.is_valid():
        try:
            with transaction.atomic():
                for upload in form.cleaned_data["photos"]:
                    services.add_log_photo(log, upload, by=request.user)
        except ValidationError as exc:
            form.add_error("photos", exc.messages)  # a file refused (size, type, damaged): under the input
        except TransitionNotAllowed as exc:  # the campaign ended meanwhile: the page no longer offers it
            messages.error(request, exc.message)
            status = 409
        else:
            messages.success(request, _("Photos added."))
            return redirect("campaigns:log", pk=campaign.pk, log_id=log.pk)
    context = _log_context(request, campaign, log, photos_form=form)
    return render(request, "campaigns/log_detail.html", context, status=status)


@login_required
def log_photo(request, log_id, photo_id):
    log = get_object_or_404(FieldLog.objects.visible_to(request.user), pk=log_id)
    return serve_attachment(request, get_object_or_404(FieldLogPhoto, log=log, pk=photo_id))


# --- rectification items ----------------------------------------------------------------------------------------
@login_required
def item_list(request):
    base = RectificationItem.objects.visible_to(request.user).for_list()
    filterset, queryset = filter_list(ItemFilterSet, request, base)
    ordering_key = ITEM_ORDERINGS.key_for(request.GET.get("ordering"))
    searching = bool((request.GET.get("q") or "").strip())
    try:
        page = paginate(
            queryset,
            ITEM_ORDERINGS.get(ordering_key),
            cursor=request.GET.get("cursor"),
            page_size=PAGE_SIZE,
            count=not searching,
        )
    except ValidationError:
        return redirect(f"{reverse('campaigns:items')}?{query_without(request.GET, 'cursor')}")
    form = filterset.form
    for name in ("q", "found_from", "found_to"):
        form.fields[name].widget.attrs["class"] = "form-control"
    form.fields["overdue"].widget.attrs["class"] = "form-check-input"
    campaigns = list(
        Campaign.objects.visible_to(request.user)
        .order_by("-starts_on", "-id")
        .values_list("pk", "name")[:200]
    )
    return render(
        request,
        "campaigns/item_list.html",
        {
            "form": form,
            "rows": page.rows,
            "page": page,
            "orderings": ITEM_ORDERINGS.labels(),
            "ordering": ordering_key,
            "kinds": RectificationItem._meta.get_field("kind").choices,
            "statuses": ItemStatus.choices,
            "selected_kind": request.GET.getlist("kind"),
            "selected_status": request.GET.getlist("status"),
            "campaigns": campaigns,
            "units": units_for(request.user),
            "grids": grids_for(request.user),
            "first_query": query_without(request.GET, "cursor"),
            "now": timezone.now(),
        },
    )


def _complaint_from(request, value):
    if value in (None, ""):
        return None
    try:
        return Complaint.objects.visible_to(request.user).select_related("category").get(pk=int(value))
    except (Complaint.DoesNotExist, TypeError, ValueError):
        raise Http404 from None


@login_required
def item_pick_campaign(request):
    """ "Add to a campaign" from a complaint: the campaigns under way the user's unit takes part in; with one,
    straight to its item form."""
    if not may_handle(request.user):
        raise PermissionDenied
    complaint = _complaint_from(request, request.GET.get("complaint"))
    running = Campaign.objects.visible_to(request.user).filter(status=CampaignStatus.ACTIVE)
    if not request.user.sees_all_units:
        running = running.filter(
            pk__in=CampaignUnit.objects.filter(unit_id__in=request.user.scope_unit_ids).values("campaign")
        )
    running = list(running.order_by("-starts_on", "-id")[:50])
    suffix = f"?complaint={complaint.pk}" if complaint else ""
    if len(running) == 1:
        return redirect(reverse("campaigns:item-new", args=[running[0].pk]) + suffix)
    return render(
        request,
        "campaigns/item_pick.html",
        {"campaigns": running, "complaint": complaint, "suffix": suffix},
    )


@login_required
@upload_view
def item_create(request, pk):
    """整改对象 found in the campaign, on a phone (or from a complaint: ?complaint=<id>)."""
    campaign = _campaign_for(request, pk)
    if not may_handle(request.user):
        raise PermissionDenied
    complaint = _complaint_from(request, request.POST.get("complaint") or request.GET.get("complaint"))
    units = _units_of_user_in(request.user, campaign)
    initial = {"unit": _default_unit(request.user, units)}
    if complaint is not None:
        initial.update(
            {
                "complaint": complaint.pk,
                "category": complaint.category_id,
                "address": complaint.address,
                "lat": complaint.lat,
                "lng": complaint.lng,
                "description": complaint.description,
            }
        )
    kept = KeptUploads(request, {"photos": True})
    form = ItemForm(request.POST or None, request.FILES or None, units=units, kept=kept, initial=initial)
    status = 200
    if request.method == "POST":
        refused = too_large(request)
        if refused:
            return refused
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    item = services.register_item(
                        campaign,
                        by=request.user,
                        unit=data["unit"],
                        kind=data["kind"],
                        description=data["description"],
                        address=data["address"],
                        found_on=data["found_on"],
                        party=data.get("party"),
                        party_name=data.get("party_name", ""),
                        category=data.get("category"),
                        lat=data.get("lat"),
                        lng=data.get("lng"),
                        complaint=complaint,
                        photos=form.uploads("photos"),
                    )
                    kept.used()
            except ValidationError as exc:
                _log_errors(form, exc)
            except (TransitionNotAllowed, PermissionDenied) as exc:
                form.add_error(None, str(getattr(exc, "message", None) or exc))
                status = 409 if isinstance(exc, TransitionNotAllowed) else 403
            else:
                messages.success(
                    request, _("Rectification item recorded. Issue its notice when you hand it to the party.")
                )
                return redirect(item)
        form.keep_uploads(request)
    return render(
        request,
        "campaigns/item_form.html",
        {
            "campaign": campaign,
            "form": form,
            "kept": kept,
            "complaint": complaint,
            "category_groups": category_groups(),
            "selected_party": _selected_party(form),
            "lookup_url": reverse("cases:party-lookup"),
            "map_tile_url": settings.MAP_TILE_URL,
            "no_unit": not units.exists(),
        },
        status=status,
    )


def _selected_party(form):
    value = form["party"].value()
    if value in (None, ""):
        return None
    try:
        return Party.objects.filter(pk=int(value)).first()
    except (TypeError, ValueError):
        return None


def _notice_document(item):
    return Document.objects.of(item).filter(doc_type=NOTICE).order_by("-id").first()


def _item_context(request, item, *, bound=None, photos_form=None, kept=None, party_form=None):
    photos = list(item.photos.all().order_by("uploaded_at", "id"))
    kept = kept or KeptUploads(request, {"photos": True})
    identify = (
        may_handle(request.user)
        and item.status != ItemStatus.ESCALATED
        and (item.party_id is None or item.category_id is None)
    )
    if identify and party_form is None:
        party_form = ItemPartyForm(
            item=item,
            initial={"party_name": item.party_name, "category": item.category_id, "version": item.version},
        )
    return {
        # What still stops the escalation of an item not rectified (its party, its category), in words.
        "escalation_waiting": item.escalation_problem() if item.status == ItemStatus.NOT_RECTIFIED else None,
        "party_form": party_form if identify else None,
        "selected_party": _selected_party(party_form) if identify else None,
        "lookup_url": reverse("cases:party-lookup"),
        "category_groups": category_groups() if identify else (),
        "item": item,
        "campaign": item.campaign,
        "action_forms": action_forms(ITEM_WORKFLOW, item, request.user, bound=bound),
        "photos_before": [p for p in photos if p.stage == "before"],
        "photos_after": [p for p in photos if p.stage == "after"],
        "photos_form": photos_form or RecheckPhotosForm(kept=kept),
        "kept": kept,
        "notice": _notice_document(item),
        "overdue": item.is_overdue(),
    }


@login_required
def item_detail(request, pk):
    item = _item_for(request, pk)
    return render(request, "campaigns/item_detail.html", _item_context(request, item))


@login_required
@upload_view
@require_POST
def item_action(request, pk, slug):
    if slug not in ITEM_WORKFLOW.transitions:
        raise Http404
    item = _item_for(request, pk)
    refused = too_large(request)
    if refused:
        return refused
    kept = KeptUploads(request, {"photos": True})
    photos_form = None
    extra = {}
    if slug == "recheck":
        photos_form = RecheckPhotosForm(request.POST, request.FILES, kept=kept)
        if not photos_form.is_valid():
            form = action_form_class(ITEM_WORKFLOW, slug)(request.POST, user=request.user, obj=item)
            form.is_valid()
            context = _item_context(request, item, bound=form, photos_form=photos_form, kept=kept)
            return render(request, "campaigns/item_detail.html", context, status=400)
        extra["photos"] = photos_form.uploads("photos")
    if slug == "escalate" and request.POST.get("escalate-procedure") == EscalationProcedure.SIMPLE:
        return redirect("campaigns:item-escalate-simple", pk=item.pk)
    with transaction.atomic():
        done, form, status = _run(request, ITEM_WORKFLOW, item, slug, ITEM_SERVICES[slug], extra=extra)
        if done is not None and slug == "recheck":
            kept.used()
    if done is not None:
        return redirect(done)
    if photos_form is not None:
        photos_form.keep_uploads(request)
    item = _item_for(request, pk)
    context = _item_context(request, item, bound=form, photos_form=photos_form, kept=kept)
    context["failed_action"] = slug
    return render(request, "campaigns/item_detail.html", context, status=status)


@login_required
@require_POST
def item_identify(request, pk):
    """The party (found in the register or registered now) and the category of an item found without them."""
    item = _item_for(request, pk)
    form = ItemPartyForm(request.POST, item=item)
    status = 400
    if form.is_valid():
        data = form.cleaned_data
        try:
            with transaction.atomic():
                party = form.party_for(request.user) if form.gives_party() else None
                services.identify_item(
                    item,
                    by=request.user,
                    party=party,
                    category=data.get("category"),
                    version=data.get("version"),
                )
        except PartyRefused:
            pass
        except ValidationError as exc:
            add_errors(form, exc)
        except StaleEdit:
            messages.error(request, StaleEdit.message)  # someone saved the item meanwhile: shown afresh
            status, form = 409, None
        except (TransitionNotAllowed, PermissionDenied) as exc:
            messages.error(request, str(getattr(exc, "message", None) or exc))
            status = 409 if isinstance(exc, TransitionNotAllowed) else 403
        else:
            messages.success(request, _("Party and category recorded."))
            return redirect(item)
    item = _item_for(request, pk)
    return render(
        request, "campaigns/item_detail.html", _item_context(request, item, party_form=form), status=status
    )


@login_required
def item_escalate_simple(request, pk):
    """转立案 by the simple procedure: the on-the-spot decision taken on the item (Art. 51), with its party,
    place, category and photos."""
    item = _item_for(request, pk)
    if not any(slug == "escalate" for slug in ITEM_WORKFLOW.allowed_actions(item, request.user)):
        refusal = ITEM_WORKFLOW.refusal(item, "escalate", request.user)
        messages.error(request, refusal.message if refusal else _("Your role does not allow this step."))
        return redirect(item)
    form = SimpleEscalationForm(
        request.POST or None, initial={"correction_order": item.requirement, "version": item.version}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            try:
                item = services.escalate(
                    item,
                    by=request.user,
                    procedure=EscalationProcedure.SIMPLE,
                    note=data["note"],
                    version=data.get("version"),
                    penalty_kinds=data["penalty_kinds"],
                    fine=data.get("fine"),
                    correction_order=data["correction_order"],
                    paid_on_spot=data.get("paid_on_spot", False),
                    receipt_no=data.get("receipt_no", ""),
                )
            except ValidationError as exc:
                add_errors(form, exc)
            except (TransitionNotAllowed, StaleEdit, PermissionDenied) as exc:
                form.add_error(None, str(getattr(exc, "message", None) or exc))
                status = 403 if isinstance(exc, PermissionDenied) else 409
            else:
                messages.success(request, str(ITEM_WORKFLOW.transitions["escalate"].done))
                return redirect(item.case)
    return render(request, "campaigns/item_escalate_simple.html", {"item": item, "form": form}, status=status)


@login_required
def item_photo(request, pk, photo_id):
    item = get_object_or_404(RectificationItem.objects.visible_to(request.user), pk=pk)
    return serve_attachment(request, get_object_or_404(ItemPhoto, item=item, pk=photo_id))
