"""The browser pages: list, intake, patrol, detail with its action forms, attachments, deadline policy.
Every page reads through `visible_to(request.user)` (out of scope → 404) and every change goes through the
same service function as the API."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connections, transaction
from django.db.models import CharField, F, Func, Value
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcement.audit.services import record_create, record_update, snapshot
from enforcement.catalog.cached import category_groups
from enforcement.catalog.models import ViolationCategory
from enforcement.exports import csv_response, more_than, newest_first
from enforcement.files.pending import KeptUploads
from enforcement.files.views import serve_attachment, too_large, upload_view
from enforcement.filters import filter_list, query_without
from enforcement.keyset import paginate
from enforcement.org.cached import grids_for, units_for
from enforcement.org.models import OrgUnit
from enforcement.org.permissions import can_edit_city_wide, city_admin_required
from enforcement.replicas import reads_replica, replica_reads
from enforcement.versioning import StaleEdit
from enforcement.workdays.periods import PeriodUnit
from enforcement.workflow.forms import action_forms
from enforcement.workflow.views import add_errors, submit_action

from . import services
from .choices import AttachmentStage, Channel, ComplaintStatus, ReplyCountsFrom, Satisfaction
from .duplicates import find_duplicates
from .filtersets import ORDERINGS, ComplaintFilterSet, paging_for
from .forms import AttachmentForm, ComplaintIntakeForm, DeadlinePolicyForm, PatrolForm
from .history import earlier_rounds
from .models import Complaint, ComplaintAttachment, DeadlinePolicy, attach_people
from .permissions import can_register, complainant_for, mask_name, mask_phone
from .workflow import WORKFLOW

PAGE_SIZE = 25


def _complaint_for(request, pk, *, detail=False):
    """Through the one scoping rule: out of scope reads as missing (404)."""
    if not detail:
        return get_object_or_404(Complaint.objects.visible_to(request.user).for_list(), pk=pk)
    return attach_people(get_object_or_404(Complaint.objects.visible_to(request.user).for_detail(), pk=pk))


# --- list ------------------------------------------------------------------------------------------------
@login_required
@replica_reads
def complaint_list(request):
    base = Complaint.objects.visible_to(request.user).for_list_rows()
    filterset, queryset = filter_list(ComplaintFilterSet, request, base)
    ordering_key = ORDERINGS.key_for(request.GET.get("ordering"))
    try:
        ordering = ORDERINGS.get(ordering_key)
        page = paginate(
            queryset,
            ordering,
            cursor=request.GET.get("cursor"),
            page_size=PAGE_SIZE,
            **paging_for(request, request.GET, ordering, queryset.db),
        )
    except ValidationError:
        return redirect(f"{reverse('complaints:list')}?{query_without(request.GET, 'cursor')}")
    rows = [(c, complainant_for(c, request.user, export=False)) for c in page.rows]
    form = filterset.form
    for name in ("q", "due", "received_from", "received_to", "satisfaction"):
        form.fields[name].widget.attrs["class"] = (
            "form-select" if name in ("due", "satisfaction") else "form-control"
        )
    more = any(
        request.GET.get(name)
        for name in ("channel", "category", "unit", "grid", "received_from", "received_to", "satisfaction")
    )
    return render(
        request,
        "complaints/list.html",
        {
            "filterset": filterset,
            "form": form,
            "rows": rows,
            "page": page,
            "orderings": ORDERINGS.labels(),
            "ordering": ordering_key,
            "selected_status": request.GET.getlist("status"),
            "selected_channel": request.GET.getlist("channel"),
            "category_groups": category_groups(),
            "units": units_for(request.user),
            "grids": grids_for(request.user),
            "more_filters_open": more,
            "first_query": query_without(request.GET, "cursor"),
            "can_register": can_register(request.user),
            "can_patrol": can_register(request.user, Channel.PATROL),
            "from_replica": reads_replica(),
        },
    )


# --- intake ------------------------------------------------------------------------------------------------
def _attach_all(complaint, uploads, *, by, stage=AttachmentStage.EVIDENCE, **capture):
    for upload in uploads:
        services.add_attachment(complaint, upload, by=by, stage=stage, **capture)


@login_required
@upload_view
def complaint_create(request):
    if not can_register(request.user):
        raise PermissionDenied
    kept = KeptUploads(request, {"files": True})
    form = ComplaintIntakeForm(request.POST or None, request.FILES or None, user=request.user, kept=kept)
    if request.method == "POST":
        refused = too_large(request)
        if refused:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    complaint = services.register_complaint(
                        by=request.user,
                        channel=data["channel"],
                        category=data["category"],
                        description=data["description"],
                        address=data["address"],
                        lat=data["lat"],
                        lng=data["lng"],
                        received_at=data["received_at"],
                        complainant_name=data["complainant_name"],
                        complainant_phone=data["complainant_phone"],
                        is_anonymous=data["is_anonymous"],
                        unit=data["unit"],
                        external_ref=data["external_ref"],
                    )
                    _attach_all(complaint, form.uploads("files"), by=request.user)
                    kept.used()
            except ValidationError as exc:
                add_errors(form, exc)
            else:
                messages.success(
                    request, _("Complaint %(number)s registered.") % {"number": complaint.number}
                )
                return redirect(complaint)
        form.keep_uploads(request)  # a browser cannot refill a file input: the files wait for the next try
    return render(
        request,
        "complaints/intake.html",
        {
            "form": form,
            "kept": kept,
            "map_tile_url": settings.MAP_TILE_URL,
            "category_groups": category_groups(),
        },
        status=400 if form.errors else 200,
    )


@login_required
@upload_view
def patrol_create(request):
    """An officer's find on patrol; fixed on the spot, it closes at once with a note and an after photo.
    A report that fails keeps the photos already chosen for the corrected one (issue 8)."""
    if not can_register(request.user, Channel.PATROL):
        raise PermissionDenied
    kept = KeptUploads(request, {"photos": True, "after_photo": False})
    form = PatrolForm(request.POST or None, request.FILES or None, kept=kept)
    if request.method == "POST":
        refused = too_large(request)
        if refused:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    complaint = services.register_complaint(
                        by=request.user,
                        channel=Channel.PATROL,
                        category=data["category"],
                        description=data["description"],
                        address=data["address"],
                        lat=data["lat"],
                        lng=data["lng"],
                    )
                    _attach_all(complaint, form.uploads("photos"), by=request.user)
                    if data["fixed_on_the_spot"]:
                        _attach_all(
                            complaint,
                            form.uploads("after_photo")[:1],
                            by=request.user,
                            stage=AttachmentStage.AFTER,
                        )
                        complaint = services.close_on_the_spot(
                            complaint, by=request.user, note=data["closure_note"]
                        )
                    kept.used()
            except ValidationError as exc:
                add_errors(form, exc)
            except (services.TransitionNotAllowed, PermissionDenied) as exc:
                form.add_error(None, str(getattr(exc, "message", exc)))
            else:
                messages.success(
                    request, _("Complaint %(number)s registered.") % {"number": complaint.number}
                )
                return redirect(complaint)
        form.keep_uploads(request)
    return render(
        request,
        "complaints/patrol.html",
        {
            "form": form,
            "kept": kept,
            "map_tile_url": settings.MAP_TILE_URL,
            "category_groups": category_groups(),
        },
        status=400 if form.errors else 200,
    )


# --- detail and actions --------------------------------------------------------------------------------------
def _detail_context(request, complaint, *, bound=None):
    forms = action_forms(WORKFLOW, complaint, request.user, bound=bound)
    duplicates = []
    if complaint.is_open:
        duplicates = find_duplicates(
            user=request.user,
            category_id=complaint.category_id,
            lat=complaint.lat,
            lng=complaint.lng,
            address=complaint.address,
            exclude_id=complaint.pk,
        )
    return {
        "complaint": complaint,
        "complainant": complainant_for(complaint, request.user),
        "action_forms": forms,
        "attachment_form": AttachmentForm(),
        "can_attach": request.user.has_role(*services.ATTACH_ROLES) and services.can_add_files(complaint),
        "duplicates": duplicates,
        "can_merge": any(form.slug == "merge" for form in forms),
        "earlier_rounds": earlier_rounds(complaint),
        # The cases this complaint spawned (cases.Case.complaint), those in the user's scope; "Open a case".
        "spawned_cases": _spawned_cases(request.user, complaint),
        "can_open_case": request.user.has_role("officer", "squad_leader", "bureau_head"),
    }


def _spawned_cases(user, complaint):
    from cases.models import Case

    return list(Case.objects.visible_to(user).filter(complaint=complaint).order_by("registered_at", "id"))


@login_required
def complaint_detail(request, pk):
    complaint = _complaint_for(request, pk, detail=True)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


@login_required
@require_POST
def complaint_action(request, pk, slug):
    if slug not in WORKFLOW.transitions:
        raise Http404
    complaint = _complaint_for(request, pk, detail=True)
    done, form, status = submit_action(request, WORKFLOW, complaint, slug)
    if done is not None:
        return redirect(done)
    if status == 409:  # the state moved on: show it as it is now
        complaint = _complaint_for(request, pk, detail=True)
    context = _detail_context(request, complaint, bound=form)
    context["failed_action"] = slug
    return render(request, "complaints/detail.html", context, status=status)


@login_required
@upload_view
@require_POST
def attachment_upload(request, pk):
    complaint = _complaint_for(request, pk, detail=True)
    refused = too_large(request)
    if refused:
        return refused
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                _attach_all(
                    complaint,
                    form.cleaned_data["files"],
                    by=request.user,
                    stage=form.cleaned_data["stage"],
                    **form.capture(),
                )
        except ValidationError as exc:
            add_errors(form, exc)
        except (
            services.TransitionNotAllowed
        ) as exc:  # e.g. closed meanwhile: the page no longer offers the form
            messages.error(request, exc.message)
            return render(request, "complaints/detail.html", _detail_context(request, complaint), status=409)
        else:
            messages.success(request, _("Files added."))
            return redirect(complaint)
    context = _detail_context(request, complaint)
    context["attachment_form"] = form
    return render(request, "complaints/detail.html", context, status=400)


@login_required
def attachment_download(request, pk, attachment_id):
    complaint = _complaint_for(request, pk)
    return serve_attachment(
        request, get_object_or_404(ComplaintAttachment, complaint=complaint, pk=attachment_id)
    )


# --- deadline policy (city administrators) -----------------------------------------------------------------------
@login_required
def policy_list(request):
    from .policies import default_policy

    labels = dict(PeriodUnit.choices) | dict(ReplyCountsFrom.choices)
    defaults = []
    for value, label in Channel.choices:
        policy = default_policy(value)
        defaults.append(
            (
                value,
                label,
                {
                    "accept_within": policy.accept_within,
                    "reply_within": policy.reply_within,
                    "visit_within": policy.visit_within,
                    "unit": labels[policy.unit],
                    "visit_unit": labels[policy.visit_unit],
                    "reply_counts_from": labels[policy.reply_counts_from],
                    "max_extensions": policy.max_extensions,
                    "max_extension": policy.max_extension,
                    "source": policy.source,
                },
            )
        )
    return render(
        request,
        "complaints/policy_list.html",
        {
            "policies": DeadlinePolicy.objects.visible_to(request.user).select_related("category"),
            "defaults": defaults,
            "can_edit": can_edit_city_wide(request.user),
        },
    )


@city_admin_required  # deadline policies are city-wide (org.permissions)
def policy_edit(request, pk=None):
    policy = get_object_or_404(DeadlinePolicy, pk=pk) if pk else None
    form = DeadlinePolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if policy is None:
                    obj = form.save()
                    record_create(obj, actor=request.user)
                else:
                    before = snapshot(
                        DeadlinePolicy.objects.select_for_update(of=("self",)).order_by().get(pk=policy.pk)
                    )
                    obj = form.save(commit=False)
                    obj.save_versioned(expected_version=form.cleaned_data.get("version"))
                    record_update(obj, before, actor=request.user)
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
        else:
            messages.success(request, _("Deadline policy saved."))
            return redirect("complaints:policies")
    return render(
        request,
        "complaints/policy_form.html",
        {"form": form, "object": policy},
        status=400 if form.errors else 200,
    )


# --- export --------------------------------------------------------------------------------------------------
EXPORT_MAX_ROWS = 200_000
EXPORT_CHUNK = 2000
EXPORT_COLUMNS = (
    "number",
    "received_at",
    "channel",
    "status",
    "category_id",
    "address",
    "unit_id",
    "is_anonymous",
    "complainant_name",
    "complainant_phone",
    "due_at",
    "satisfaction",
    "description",
)
EXPORT_MOMENTS = ("received_at", "due_at")


class LocalMinute(Func):
    """A moment as its cell reads, "2026-03-02 00:30" in the current time zone, written by PostgreSQL: psycopg
    building two aware datetimes a row and Python converting and formatting them were a quarter of the time."""

    template = "to_char(%(expressions)s, 'YYYY-MM-DD HH24:MI')"
    arg_joiner = " AT TIME ZONE "
    output_field = CharField()

    def __init__(self, field):
        super().__init__(F(field), Value(timezone.get_current_timezone_name()))


def _export_tuples(queryset):
    """(the rows of EXPORT_COLUMNS newest first, streamed, and how a moment of them is written in a cell):
    formatted by PostgreSQL, or here on another database."""
    if connections[queryset.db].vendor == "postgresql":
        queryset = queryset.annotate(**{f"{name}_cell": LocalMinute(name) for name in EXPORT_MOMENTS})
        columns = [f"{name}_cell" if name in EXPORT_MOMENTS else name for name in EXPORT_COLUMNS]

        def moment(cell):
            return cell or ""

    else:
        columns, here = EXPORT_COLUMNS, timezone.get_current_timezone()

        def moment(value):
            return value.astimezone(here).isoformat(" ", "minutes")[:16] if value else ""

    return newest_first(queryset, "received_at", columns=columns, chunk=EXPORT_CHUNK), moment


@login_required
@replica_reads
def complaint_export(request):
    """The filtered list as CSV (enforcement/exports.py: UTF-8 with BOM, formula-like cells neutralised). The
    complainant is masked for everyone in an export (举报人保密), whatever their role.

    Streamed from plain tuples, not model instances (bench/bench_stats.py, ≥ 50,000 rows a second): choice
    labels, category and unit names are read once, in the request's language, before the first row; the
    complainant is masked by the functions `complainant_for` uses. More than EXPORT_MAX_ROWS matching is
    refused rather than cut short: a file that silently lacks rows reads as complete."""
    base = Complaint.objects.visible_to(request.user)
    _filterset, queryset = filter_list(ComplaintFilterSet, request, base)
    if more_than(queryset, EXPORT_MAX_ROWS):
        messages.error(
            request,
            _(
                "More than %(limit)s complaints match: narrow the list (for example by the dates received) "
                "and export again."
            )
            % {"limit": f"{EXPORT_MAX_ROWS:,}"},
        )
        return redirect(f"{reverse('complaints:list')}?{request.GET.urlencode()}")
    tuples, moment = _export_tuples(queryset)
    header = [
        _("Number"),
        _("Received at"),
        _("Channel"),
        _("Status"),
        _("Category"),
        _("Address"),
        _("Responsible unit"),
        _("Complainant"),
        _("Phone"),
        _("Due"),
        _("Satisfaction"),
        _("Description"),
    ]
    channels = {value: str(label) for value, label in Channel.choices}
    statuses = {value: str(label) for value, label in ComplaintStatus.choices}
    satisfactions = {value: str(label) for value, label in Satisfaction.choices}
    categories = {c.pk: c.display_name for c in ViolationCategory.objects.only("name", "name_en")}
    units = {u.pk: u.display_name for u in OrgUnit.objects.visible_to(request.user).only("name", "name_en")}
    anonymous = _("Anonymous")

    def rows():
        for (
            number,
            received_at,
            channel,
            status,
            category_id,
            address,
            unit_id,
            is_anonymous,
            name,
            phone,
            due_at,
            satisfaction,
            description,
        ) in tuples:
            yield [
                number,
                moment(received_at),
                channels.get(channel, channel),
                statuses.get(status, status),
                categories[category_id],
                address,
                units[unit_id],
                anonymous if is_anonymous else mask_name(name),
                "" if is_anonymous else mask_phone(phone),
                moment(due_at),
                satisfactions.get(satisfaction, satisfaction),
                description,
            ]

    return csv_response(f"complaints-{timezone.localdate():%Y%m%d}.csv", header, rows())
