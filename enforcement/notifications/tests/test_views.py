"""The inbox, preferences, reminder settings and failed-deliveries pages."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.notifications.models import (
    Channel,
    Delivery,
    DeliveryStatus,
    Notification,
    NotificationPreference,
    Reminder,
    ReminderSetting,
    SweepMark,
)
from enforcement.notifications.services import set_preferences
from enforcement.notifications.sweep import send_due_reminders

pytestmark = pytest.mark.django_db


@pytest.fixture
def reminder(squad_a):
    from django.contrib.contenttypes.models import ContentType

    from .conftest import end_of

    return Reminder.objects.create(
        kind="inspection_visit",
        content_type=ContentType.objects.get(app_label="testapp", model="inspection"),
        object_id=1,
        due_at=end_of(2026, 11, 30),
        level="overdue",
        unit=squad_a,
        title="Inspection 1 中山路",
        url="/inspections/1/",
    )


def notify(user, reminder, read=False):
    from django.utils import timezone

    return Notification.objects.create(
        user=user,
        reminder=reminder,
        level=reminder.level,
        title=reminder.title,
        url=reminder.url,
        read_at=timezone.now() if read else None,
    )


def signed_in(client, user):
    client.force_login(user)
    return client


# --- inbox ---------------------------------------------------------------------------------------------
def test_inbox_shows_only_my_notifications_and_the_badge_counts_unread(client, people, reminder):
    mine = notify(people["officer"], reminder)
    notify(people["officer"], reminder, read=True)
    theirs = notify(people["leader"], reminder)
    signed_in(client, people["officer"])
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 200
    html = response.content.decode()
    assert f'id="notification-{mine.pk}"' in html
    assert f'id="notification-{theirs.pk}"' not in html
    assert response.context["unread_notifications"] == 1
    assert 'id="unread-count"' in html
    assert "1 unread</span>" in html  # the heading's count
    # The badge and the heading share one count.
    assert (
        sum('"read_at" IS NULL' in q["sql"] and "COUNT(" in q["sql"] for q in queries.captured_queries) == 1
    )


def test_mark_read_and_open_the_record(client, people, reminder):
    note = notify(people["officer"], reminder)
    response = signed_in(client, people["officer"]).post(
        reverse("notifications:read", args=[note.pk]), {"open": "1"}
    )
    assert response.status_code == 302
    assert response["Location"] == "/inspections/1/"
    note.refresh_from_db()
    assert note.is_read


def test_someone_elses_notification_is_404(client, people, reminder):
    note = notify(people["leader"], reminder)
    response = signed_in(client, people["officer"]).post(reverse("notifications:read", args=[note.pk]))
    assert response.status_code == 404
    note.refresh_from_db()
    assert not note.is_read


def test_mark_all_read_only_touches_mine(client, people, reminder):
    notify(people["officer"], reminder)
    notify(people["officer"], reminder)
    other = notify(people["leader"], reminder)
    signed_in(client, people["officer"]).post(reverse("notifications:read-all"))
    assert not Notification.objects.filter(user=people["officer"], read_at__isnull=True).exists()
    other.refresh_from_db()
    assert not other.is_read


def test_mark_read_needs_post(client, people, reminder):
    note = notify(people["officer"], reminder)
    assert (
        signed_in(client, people["officer"]).get(reverse("notifications:read", args=[note.pk])).status_code
        == 405
    )


def test_the_inbox_needs_a_login(client):
    response = client.get(reverse("notifications:inbox"))
    assert response.status_code == 302
    assert reverse("login") in response["Location"]


# --- preferences --------------------------------------------------------------------------------------
def test_preferences_switch_off_warnings_but_escalations_stay_on(client, people):
    user = people["head"]
    signed_in(client, user)
    page = client.get(reverse("notifications:preferences"))
    field = page.context["form"]["email__escalated"]
    assert field.field.disabled
    assert 'name="email__escalated"' in page.content.decode() and "disabled" in str(field)
    response = client.post(
        reverse("notifications:preferences"),
        {
            "inbox__warning": "on",
            "inbox__overdue": "on",
            "email__overdue": "on",
            # email warnings unticked; a forged "escalated" value is ignored: the field is disabled
        },
    )
    assert response.status_code == 302
    prefs = {(p.channel, p.level): p.enabled for p in NotificationPreference.objects.filter(user=user)}
    assert prefs[("email", "warning")] is False
    assert prefs[("inbox", "warning")] is True
    assert ("email", "escalated") not in prefs


def test_preferences_offer_sms_only_when_the_gateway_is_configured(client, people, settings):
    signed_in(client, people["officer"])  # has a phone number
    settings.NOTIFICATIONS_WEBHOOK_URL = ""
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert "SMS" not in page and 'name="webhook__warning"' not in page
    settings.NOTIFICATIONS_WEBHOOK_URL = "https://sms.example.org/hook"
    page = client.get(reverse("notifications:preferences")).content.decode()
    assert 'name="webhook__warning"' in page and '<th scope="row">Text message (SMS)</th>' in page
    assert "(webhook)" not in page


def test_the_service_refuses_to_switch_off_escalations(people):
    with pytest.raises(ValueError):
        set_preferences(people["head"], {("email", "escalated"): False})


# --- reminder settings ---------------------------------------------------------------------------------
def test_city_admin_edits_a_kinds_settings_and_it_is_audited(client, city_admin):
    signed_in(client, city_admin)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    assert 'id="kind-inspection_visit"' in page.content.decode()
    url = reverse("notifications:setting-edit", args=["inspection_visit"])
    assert client.get(url).status_code == 200
    response = client.post(
        url,
        {
            "is_active": "on",
            "warning_lead_days": 2,
            "long_deadline_days": 30,
            "long_warning_lead_days": 6,
            "escalation_delay_days": 3,
            "version": 1,
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    setting = ReminderSetting.objects.get(kind="inspection_visit")
    assert (setting.warning_lead_days, setting.long_warning_lead_days, setting.escalation_delay_days) == (
        2,
        6,
        3,
    )
    assert setting.updated_by == city_admin
    assert AuditEvent.objects.filter(object_id=str(setting.pk), action="create", actor=city_admin).exists()
    # A second editor working from the old version is refused.
    response = client.post(
        url,
        {
            "warning_lead_days": 1,
            "long_deadline_days": 30,
            "long_warning_lead_days": 5,
            "escalation_delay_days": 2,
            "version": 0,
        },
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    setting.refresh_from_db()
    assert setting.warning_lead_days == 2


def test_the_settings_page_says_when_the_sweep_last_ran_and_warns_when_it_stopped(
    client, city_admin, settings
):
    signed_in(client, city_admin)
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "No reminder sweep has run yet" in page
    send_due_reminders()
    page = client.get(reverse("notifications:settings")).content.decode()
    assert 'class="alert alert-warning sweep-stale"' not in page
    assert (
        timezone.localtime(SweepMark.objects.get(kind="inspection_visit").swept_at).strftime("%Y-%m-%d %H:%M")
        in page
    )
    # Three sweep periods without a sweep: the worker or beat is not running.
    SweepMark.objects.update(
        swept_at=timezone.now() - timedelta(seconds=3 * settings.REMINDER_SWEEP_SECONDS + 60)
    )
    page = client.get(reverse("notifications:settings")).content.decode()
    assert "No reminder sweep has finished since" in page


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("warning_lead_days", 31),
        ("long_deadline_days", 0),
        ("long_deadline_days", 3651),
        ("escalation_delay_days", 31),
    ],
)
def test_settings_out_of_range_are_refused(client, city_admin, field, value):
    signed_in(client, city_admin)
    url = reverse("notifications:setting-edit", args=["inspection_visit"])
    data = {
        "warning_lead_days": 1,
        "long_deadline_days": 30,
        "long_warning_lead_days": 5,
        "escalation_delay_days": 2,
    }
    response = client.post(url, {**data, field: value})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == [field]
    assert not ReminderSetting.objects.exists()


def test_district_admins_read_settings_but_do_not_edit_them(client, admin_a):
    signed_in(client, admin_a)
    page = client.get(reverse("notifications:settings"))
    assert page.status_code == 200
    assert reverse("notifications:setting-edit", args=["inspection_visit"]) not in page.content.decode()
    refused = client.get(reverse("notifications:setting-edit", args=["inspection_visit"]))
    assert refused.status_code == 403
    assert "Only a city administrator can change this" in refused.content.decode()


def test_officers_do_not_see_admin_pages(client, people):
    signed_in(client, people["officer"])
    assert client.get(reverse("notifications:settings")).status_code == 403
    assert client.get(reverse("notifications:failed")).status_code == 403
    assert client.post(reverse("notifications:retry")).status_code == 403


def test_unknown_kind_is_404(client, city_admin):
    signed_in(client, city_admin)
    assert client.get(reverse("notifications:setting-edit", args=["nope"])).status_code == 404


# --- failed deliveries ------------------------------------------------------------------------------------
def test_failed_deliveries_are_listed_in_scope_and_retried(
    client, admin_a, people, reminder, make_user, squad_b, django_capture_on_commit_callbacks
):
    failed = Delivery.objects.create(
        reminder=reminder,
        user=people["officer"],
        channel=Channel.WEBHOOK,
        status=DeliveryStatus.FAILED,
        attempts=8,
        last_error="URLError: <urlopen error [Errno 111] Connection refused>",
    )
    elsewhere = Reminder.objects.create(
        kind="inspection_visit",
        content_type=reminder.content_type,
        object_id=2,
        due_at=reminder.due_at,
        level="overdue",
        unit=squad_b,
        title="Inspection 2",
        url="/inspections/2/",
    )
    hidden = Delivery.objects.create(
        reminder=elsewhere,
        user=make_user("officer", unit=squad_b),
        channel=Channel.WEBHOOK,
        status=DeliveryStatus.FAILED,
        last_error="boom",
    )
    signed_in(client, admin_a)
    page = client.get(reverse("notifications:failed"))
    html = page.content.decode()
    assert f'id="delivery-{failed.pk}"' in html
    assert "Connection refused" in html
    assert f'id="delivery-{hidden.pk}"' not in html

    with django_capture_on_commit_callbacks() as callbacks:
        response = client.post(reverse("notifications:retry"), {"delivery": [failed.pk, hidden.pk]})
    assert response.status_code == 302
    failed.refresh_from_db()
    hidden.refresh_from_db()
    assert failed.status == "pending"
    assert hidden.status == "failed"  # out of scope: untouched
    assert len(callbacks) == 1
    assert AuditEvent.objects.filter(object_id=str(failed.pk), verb="retry", actor=admin_a).exists()


def test_the_work_queue_tells_admins_of_failed_deliveries(
    client, admin_a, people, reminder, squad_b, officer_b
):
    from enforcement.org.workqueue import items_for

    assert not [i for i in items_for(admin_a) if i.url == reverse("notifications:failed")]
    Delivery.objects.create(
        reminder=reminder,
        user=people["officer"],
        channel=Channel.EMAIL,
        status=DeliveryStatus.FAILED,
        last_error="x",
    )
    # Another district's failure is not district A's administrator's to count.
    elsewhere = Reminder.objects.create(
        kind=reminder.kind,
        content_type=reminder.content_type,
        object_id=2,
        due_at=reminder.due_at,
        level=reminder.level,
        unit=squad_b,
        title="Inspection 2",
        url="/inspections/2/",
    )
    Delivery.objects.create(
        reminder=elsewhere,
        user=officer_b,
        channel=Channel.EMAIL,
        status=DeliveryStatus.FAILED,
        last_error="x",
    )
    [item] = [i for i in items_for(admin_a) if i.url == reverse("notifications:failed")]
    assert item.title == "1 reminder could not be delivered"
    assert not [i for i in items_for(people["officer"]) if i.url == reverse("notifications:failed")]
    page = signed_in(client, admin_a).get(reverse("home"))
    assert reverse("notifications:failed") in page.content.decode()
