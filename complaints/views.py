"""The browser pages: list, intake, patrol, detail with its action forms, attachments, deadline policy.
Every page reads through `visible_to(request.user)` (out of scope → 404) and every change goes through the
same service function as the API."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from enforcement.audit.services import record_create, record_update, snapshot
from enforcement.versioning import StaleEdit

from . import cached_choices, services
from .choices import TRANSITIONS, AttachmentStage, Channel, DeadlineUnit, ReplyCountsFrom
from .duplicates import find_duplicates
from .filtersets import DEFAULT_ORDERING, ORDERINGS, ComplaintFilterSet, ordering_for, paging_for
from .forms import ACTION_FORMS, AttachmentForm, ComplaintIntakeForm, DeadlinePolicyForm, PatrolForm
from .keyset import paginate
from .models import Complaint, ComplaintAttachment, DeadlinePolicy, attach_people
from .permissions import can_register, complainant_for
from .uploads import UploadTooLarge, check_upload, guard_upload

PAGE_SIZE = 25
# A form's whole upload may hold this many maximum-size files (several photos are far smaller); each file
# is still capped on its own while it streams.
FORM_UPLOAD_FILES = 3


def _complaint_for(request, pk, *, detail=False):
    """Through the one scoping rule: out of scope reads as missing (404)."""
    if not detail:
        return get_object_or_404(Complaint.objects.visible_to(request.user).for_list(), pk=pk)
    return attach_people(get_object_or_404(Complaint.objects.visible_to(request.user).for_detail(), pk=pk))


# --- list ------------------------------------------------------------------------------------------------
@login_required
def complaint_list(request):
    base = Complaint.objects.visible_to(request.user).for_list_rows()
    filterset, queryset = _filtered(request, base)
    ordering_key = request.GET.get("ordering") if request.GET.get("ordering") in ORDERINGS else DEFAULT_ORDERING
    try:
        ordering = ordering_for(ordering_key)
        page = paginate(queryset, ordering, cursor=request.GET.get("cursor"), page_size=PAGE_SIZE,
                        **paging_for(request, request.GET, ordering, queryset.db))
    except ValidationError:
        return redirect(f"{reverse('complaints:list')}?{_without(request.GET, 'cursor')}")
    rows = [(c, complainant_for(c, request.user, export=False)) for c in page.rows]
    form = filterset.form
    for name in ("q", "due", "received_from", "received_to", "satisfaction"):
        form.fields[name].widget.attrs["class"] = "form-select" if name in ("due", "satisfaction") else "form-control"
    more = any(request.GET.get(name) for name in ("channel", "category", "unit", "grid", "received_from",
                                                   "received_to", "satisfaction"))
    return render(request, "complaints/list.html", {
        "filterset": filterset, "form": form, "rows": rows, "page": page,
        "orderings": [(key, label) for key, (label, _o) in ORDERINGS.items()], "ordering": ordering_key,
        "selected_status": request.GET.getlist("status"), "selected_channel": request.GET.getlist("channel"),
        "category_groups": cached_choices.category_groups(), "units": cached_choices.units_for(request.user),
        "grids": cached_choices.grids_for(request.user), "more_filters_open": more,
        "first_query": _without(request.GET, "cursor"),
        "can_register": can_register(request.user), "can_patrol": can_register(request.user, Channel.PATROL),
    })


def _filtered(request, base):
    """The list's FilterSet on the query string (empty "any" choices dropped); invalid filters match nothing
    and show their errors, rather than quietly showing everything."""
    params = request.GET.copy()
    for key in list(params):
        values = [v for v in params.getlist(key) if v.strip()]
        if values:
            params.setlist(key, values)
        else:
            del params[key]
    filterset = ComplaintFilterSet(params, queryset=base, request=request)
    return filterset, (filterset.qs if filterset.is_valid() else base.none())


def _without(params, *names):
    params = params.copy()
    for name in names:
        params.pop(name, None)
    return params.urlencode()


# --- intake ------------------------------------------------------------------------------------------------
def _attach_all(complaint, uploads, *, by, stage=AttachmentStage.EVIDENCE):
    for upload in uploads:
        services.add_attachment(complaint, upload, by=by, stage=stage)


def _upload_view(view):
    """Multipart pages: refuse an oversized body before anything reads it (CSRF is checked after)."""

    @csrf_exempt
    def wrapper(request, *args, **kwargs):
        if request.method == "POST":
            try:
                guard_upload(request, files=FORM_UPLOAD_FILES)
            except UploadTooLarge as exc:
                return render(request, "complaints/upload_refused.html", {"message": exc.message}, status=413)
        return csrf_protect(view)(request, *args, **kwargs)

    return wrapper


def _too_large(request):
    try:
        check_upload(request)
    except UploadTooLarge as exc:
        return render(request, "complaints/upload_refused.html", {"message": exc.message}, status=413)
    return None


@login_required
@_upload_view
def complaint_create(request):
    if not can_register(request.user):
        raise PermissionDenied
    form = ComplaintIntakeForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST":
        refused = _too_large(request)
        if refused:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    complaint = services.register_complaint(
                        by=request.user, channel=data["channel"], category=data["category"],
                        description=data["description"], address=data["address"], lat=data["lat"], lng=data["lng"],
                        received_at=data["received_at"], complainant_name=data["complainant_name"],
                        complainant_phone=data["complainant_phone"], is_anonymous=data["is_anonymous"],
                        unit=data["unit"],
                    )
                    _attach_all(complaint, data["files"], by=request.user)
            except ValidationError as exc:
                _add_errors(form, exc)
            else:
                messages.success(request, _("Complaint %(number)s registered.") % {"number": complaint.number})
                return redirect(complaint)
    return render(request, "complaints/intake.html", {
        "form": form, "map_tile_url": settings.MAP_TILE_URL, "category_groups": cached_choices.category_groups(),
    }, status=400 if form.errors else 200)


@login_required
@_upload_view
def patrol_create(request):
    """An officer's find on patrol; fixed on the spot, it closes at once with a note and an after photo."""
    if not can_register(request.user, Channel.PATROL):
        raise PermissionDenied
    form = PatrolForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        refused = _too_large(request)
        if refused:
            return refused
        if form.is_valid():
            data = form.cleaned_data
            try:
                with transaction.atomic():
                    complaint = services.register_complaint(
                        by=request.user, channel=Channel.PATROL, category=data["category"],
                        description=data["description"], address=data["address"], lat=data["lat"], lng=data["lng"],
                    )
                    _attach_all(complaint, data["photos"], by=request.user)
                    if data["fixed_on_the_spot"]:
                        services.add_attachment(complaint, data["after_photo"], by=request.user, stage=AttachmentStage.AFTER)
                        complaint = services.close_on_the_spot(complaint, by=request.user, note=data["closure_note"])
            except ValidationError as exc:
                _add_errors(form, exc)
            except (services.TransitionNotAllowed, PermissionDenied) as exc:
                form.add_error(None, str(getattr(exc, "message", exc)))
            else:
                messages.success(request, _("Complaint %(number)s registered.") % {"number": complaint.number})
                return redirect(complaint)
    return render(request, "complaints/patrol.html", {
        "form": form, "map_tile_url": settings.MAP_TILE_URL, "category_groups": cached_choices.category_groups(),
    }, status=400 if form.errors else 200)


def _add_errors(form, exc):
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- detail and actions --------------------------------------------------------------------------------------
def _detail_context(request, complaint, *, bound=None):
    allowed = complaint.allowed_actions(request.user)
    forms = []
    for slug in allowed:
        form = bound if bound is not None and bound.slug == slug else ACTION_FORMS[slug](user=request.user, complaint=complaint)
        forms.append(form)
    duplicates = []
    if complaint.is_open:
        duplicates = find_duplicates(user=request.user, category_id=complaint.category_id, lat=complaint.lat,
                                     lng=complaint.lng, address=complaint.address, exclude_id=complaint.pk)
    return {
        "complaint": complaint, "complainant": complainant_for(complaint, request.user),
        "action_forms": forms, "attachment_form": AttachmentForm(),
        "can_attach": request.user.has_role(*services.ATTACH_ROLES) and complaint.status not in ("merged", "rejected"),
        "duplicates": duplicates, "can_merge": "merge" in allowed,
    }


@login_required
def complaint_detail(request, pk):
    complaint = _complaint_for(request, pk, detail=True)
    return render(request, "complaints/detail.html", _detail_context(request, complaint))


@login_required
@require_POST
def complaint_action(request, pk, slug):
    if slug not in TRANSITIONS:
        raise Http404
    complaint = _complaint_for(request, pk, detail=True)
    form = ACTION_FORMS[slug](request.POST, user=request.user, complaint=complaint)
    status = 400
    if form.is_valid():
        try:
            done = services.perform(slug, complaint, by=request.user, version=form.cleaned_data.get("version"),
                                    **form.inputs())
        except services.TransitionNotAllowed as exc:
            messages.error(request, exc.message)
            status = 409
        except StaleEdit:
            messages.error(request, StaleEdit.message)
            status = 409
        except ValidationError as exc:
            _add_errors(form, exc)
        else:
            messages.success(request, _("%(action)s: done.") % {"action": TRANSITIONS[slug].label})
            return redirect(done)
    if status == 409:  # the state moved on: show it as it is now
        complaint = _complaint_for(request, pk, detail=True)
        form = None
    context = _detail_context(request, complaint, bound=form)
    context["failed_action"] = slug
    return render(request, "complaints/detail.html", context, status=status)


@login_required
@_upload_view
@require_POST
def attachment_upload(request, pk):
    complaint = _complaint_for(request, pk, detail=True)
    refused = _too_large(request)
    if refused:
        return refused
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            with transaction.atomic():
                _attach_all(complaint, form.cleaned_data["files"], by=request.user, stage=form.cleaned_data["stage"])
        except ValidationError as exc:
            _add_errors(form, exc)
        except services.TransitionNotAllowed as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Files added."))
            return redirect(complaint)
    context = _detail_context(request, complaint)
    context["attachment_form"] = form
    return render(request, "complaints/detail.html", context, status=400)


@login_required
def attachment_download(request, pk, attachment_id):
    complaint = _complaint_for(request, pk)
    attachment = get_object_or_404(ComplaintAttachment, complaint=complaint, pk=attachment_id)
    response = FileResponse(attachment.file.open("rb"), content_type=attachment.content_type)
    response["Content-Disposition"] = f'inline; filename="{attachment.sha256[:16]}{attachment.extension}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response


# --- deadline policy (administrators) -----------------------------------------------------------------------
def _require_admin(user):
    if not user.is_admin:
        raise PermissionDenied


@login_required
def policy_list(request):
    from .policies import default_policy

    labels = dict(DeadlineUnit.choices) | dict(ReplyCountsFrom.choices)
    defaults = []
    for value, label in Channel.choices:
        policy = default_policy(value)
        defaults.append((value, label, {
            "accept_within": policy.accept_within, "reply_within": policy.reply_within,
            "visit_within": policy.visit_within, "unit": labels[policy.unit], "visit_unit": labels[policy.visit_unit],
            "reply_counts_from": labels[policy.reply_counts_from], "max_extensions": policy.max_extensions,
            "max_extension": policy.max_extension, "source": policy.source,
        }))
    return render(request, "complaints/policy_list.html", {
        "policies": DeadlinePolicy.objects.visible_to(request.user).select_related("category"),
        "defaults": defaults, "can_edit": request.user.is_admin,
    })


@login_required
def policy_edit(request, pk=None):
    _require_admin(request.user)
    policy = get_object_or_404(DeadlinePolicy, pk=pk) if pk else None
    form = DeadlinePolicyForm(request.POST or None, instance=policy)
    if request.method == "POST" and form.is_valid():
        try:
            with transaction.atomic():
                if policy is None:
                    obj = form.save()
                    record_create(obj, actor=request.user)
                else:
                    before = snapshot(DeadlinePolicy.objects.select_for_update(of=("self",)).order_by().get(pk=policy.pk))
                    obj = form.save(commit=False)
                    obj.save_versioned(expected_version=form.cleaned_data.get("version"))
                    record_update(obj, before, actor=request.user)
        except StaleEdit:
            form.add_error(None, StaleEdit.message)
        else:
            messages.success(request, _("Deadline policy saved."))
            return redirect("complaints:policies")
    return render(request, "complaints/policy_form.html", {"form": form, "object": policy},
                  status=400 if form.errors else 200)


# --- export --------------------------------------------------------------------------------------------------
EXPORT_MAX_ROWS = 10_000


class _Echo:
    def write(self, value):
        return value


@login_required
def complaint_export(request):
    """The filtered list as CSV (UTF-8 with BOM, so spreadsheet software shows Chinese). The complainant is
    masked for everyone in an export (举报人保密), whatever their role."""
    import csv

    from django.http import StreamingHttpResponse

    base = Complaint.objects.visible_to(request.user).for_list()
    _filterset, queryset = _filtered(request, base)
    rows = queryset.order_by("-received_at", "-id")[:EXPORT_MAX_ROWS].iterator(chunk_size=1000)
    writer = csv.writer(_Echo())
    header = [_("Number"), _("Received at"), _("Channel"), _("Status"), _("Category"), _("Address"),
              _("Responsible unit"), _("Complainant"), _("Phone"), _("Due"), _("Satisfaction"), _("Description")]

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for c in rows:
            person = complainant_for(c, request.user, export=True)
            yield writer.writerow([
                c.number, timezone.localtime(c.received_at).strftime("%Y-%m-%d %H:%M"), c.get_channel_display(),
                c.get_status_display(), c.category.display_name, c.address, str(c.unit),
                _("Anonymous") if person.is_anonymous else person.name, person.phone,
                timezone.localtime(c.due_at).strftime("%Y-%m-%d %H:%M") if c.due_at else "",
                c.get_satisfaction_display(), c.description,
            ])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="complaints-{timezone.localdate():%Y%m%d}.csv"'
    return response
