"""The inbox (everyone), notification preferences (everyone), reminder settings per deadline kind and the
failed-deliveries page (administrators)."""

from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from enforcement.org.permissions import can_edit_city_wide, city_admin_required
from enforcement.versioning import StaleEdit

from . import registry, services
from .forms import NotificationPreferencesForm, ReminderSettingForm
from .models import RETRYABLE_STATUSES, Channel, Delivery, DeliveryStatus, Notification, SweepMark
from .sweep import effective_settings

PAGE_SIZE = 25


def _require_admin(user):
    if not user.is_admin:
        raise PermissionDenied


# --- the inbox ----------------------------------------------------------------------------------------
@login_required
def inbox(request):
    notes = services.inbox_for(request.user).select_related("reminder", "notice__unit")
    only_unread = request.GET.get("unread") == "1"
    if only_unread:
        notes = notes.filter(read_at__isnull=True)
    page = Paginator(notes, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(
        request,
        "notifications/inbox.html",
        {
            "page_obj": page,
            "notes": page.object_list,
            "only_unread": only_unread,
        },
    )


def _safe_next(request, fallback):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return fallback


@login_required
@require_POST
def mark_read(request, pk):
    """Marks one of the user's notifications read; with `open`, goes on to the record it is about."""
    note = get_object_or_404(Notification, pk=pk, user=request.user)
    services.mark_read(request.user, [note.pk])
    if request.POST.get("open") and note.url:
        return redirect(note.url)
    return redirect(_safe_next(request, reverse("notifications:inbox")))


@login_required
@require_POST
def mark_all_read(request):
    count = services.mark_all_read(request.user)
    if count:
        messages.success(request, _("All notifications are marked read."))
    return redirect(_safe_next(request, reverse("notifications:inbox")))


# --- preferences --------------------------------------------------------------------------------------
@login_required
def preferences(request):
    current = services.preferences_of(request.user)
    form = NotificationPreferencesForm(request.POST or None, user=request.user, current=current)
    if request.method == "POST" and form.is_valid():
        services.set_preferences(request.user, form.choices())
        messages.success(request, _("Your notification choices are saved."))
        return redirect("notifications:preferences")
    return render(request, "notifications/preferences.html", {"form": form})


# --- reminder settings (administrators) -----------------------------------------------------------------
@login_required
def reminder_settings(request):
    _require_admin(request.user)
    confs = effective_settings()
    marks = {mark.kind: mark for mark in SweepMark.objects.all()}
    kinds = [
        {"kind": kind, "conf": confs[kind.slug], "mark": marks.get(kind.slug)}
        for kind in registry.all_kinds()
    ]
    # Beat sweeps every REMINDER_SWEEP_SECONDS: three periods without one means no worker or no beat.
    last_sweep = max((mark.swept_at for mark in marks.values()), default=None)
    overdue_after = timedelta(seconds=3 * settings.REMINDER_SWEEP_SECONDS)
    return render(
        request,
        "notifications/settings_list.html",
        {
            "kinds": kinds,
            "can_edit": can_edit_city_wide(request.user),
            "last_sweep": last_sweep,
            "sweep_stale": last_sweep is None or timezone.now() - last_sweep > overdue_after,
        },
    )


@city_admin_required  # reminder periods are city-wide (org.permissions)
def reminder_setting_edit(request, slug):
    try:
        kind = registry.get(slug)
    except KeyError:
        raise Http404 from None
    setting = services.setting_for(kind)
    form = ReminderSettingForm(request.POST or None, instance=setting)
    if request.method == "POST" and form.is_valid():
        try:
            services.save_setting(
                form.instance, by=request.user, expected_version=form.cleaned_data.get("version")
            )
        except StaleEdit as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("Reminder settings for “%(kind)s” are saved.") % {"kind": kind.label})
            return redirect("notifications:settings")
    return render(request, "notifications/setting_form.html", {"form": form, "kind": kind})


# --- deliveries (administrators) --------------------------------------------------------------------------
@login_required
def failed_deliveries(request):
    _require_admin(request.user)
    visible = Delivery.objects.visible_to(request.user)
    failed = (
        visible.filter(status=DeliveryStatus.FAILED)
        .select_related("reminder", "notice__unit", "user")
        .order_by("-updated_at")
    )
    channel = request.GET.get("channel", "")
    if channel in Channel.values:
        failed = failed.filter(channel=channel)
    page = Paginator(failed, PAGE_SIZE).get_page(request.GET.get("page"))
    # Counted over the unfinished rows only (a small partial index), never the whole history.
    totals = dict(
        visible.filter(status__in=RETRYABLE_STATUSES).values_list("status").annotate(n=Count("pk")).order_by()
    )
    return render(
        request,
        "notifications/failed_deliveries.html",
        {
            "page_obj": page,
            "deliveries": page.object_list,
            "totals": totals,
            "channel": channel,
            "channels": Channel.choices,
        },
    )


@login_required
@require_POST
def retry_deliveries(request):
    _require_admin(request.user)
    ids = [int(pk) for pk in request.POST.getlist("delivery") if pk.isdigit()]
    chosen = Delivery.objects.visible_to(request.user).filter(pk__in=ids)
    count = services.retry_deliveries(list(chosen), by=request.user)
    messages.success(request, _("%(count)d deliveries are queued to be sent again.") % {"count": count})
    return redirect(_safe_next(request, reverse("notifications:failed")))
