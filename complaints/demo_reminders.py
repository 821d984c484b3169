"""Demo reminders for `manage.py seed_demo` (listed in its EXTRA_SEEDERS after "complaints.demo"): two
hotline complaints in Chancheng's Zumiao squadron, held by officer `chancheng.officer` and left unanswered —

- "demo-reminder-warning": reply due at the end of the next working day → a warning in the officer's
  inbox today (the working day before its deadline);
- "demo-reminder-overdue": reply was due at the end of the previous working day → an overdue notice to
  the officer and to squad leader `chancheng.squad_leader` (escalation to the district's bureau head
  follows two working days later, if it is still unanswered);

then one sweep, so the inboxes fill at once. The deliveries go out when the worker of `make run` starts
(the emails print in its console); beat sweeps again every REMINDER_SWEEP_SECONDS. Idempotent: the
complaints carry `external_ref` and are made once; the sweep makes nothing twice.

The demo officer and squad leader get a phone number if they have none, so that with
NOTIFICATIONS_WEBHOOK_URL set (e.g. to a closed port, http://127.0.0.1:9/sms) the SMS-gateway channel
takes part too — and its failures show on the failed-deliveries page."""

from datetime import timedelta

from django.utils import timezone

from enforcement.catalog.models import ViolationCategory
from enforcement.notifications.sweep import send_due_reminders
from enforcement.org.models import User
from enforcement.workdays.calendar import end_of_day, get_calendar

from . import services
from .choices import Channel
from .models import Complaint

DEMO_PHONES = {"chancheng.officer": "13800000101", "chancheng.squad_leader": "13800000102"}


def _previous_working_day(calendar, day):
    day -= timedelta(days=1)
    while not calendar.is_working_day(day):
        day -= timedelta(days=1)
    return day


def _unanswered_complaint(ref, description, address, due_at, people, category):
    """Registered, accepted, dispatched to the squadron's officer and started — then nobody replies."""
    existing = Complaint.objects.filter(external_ref=ref).first()
    if existing is not None:
        return existing, False
    complaint = services.register_complaint(
        by=people["intake"],
        channel=Channel.HOTLINE_12345,
        category=category,
        description=description,
        address=address,
        received_at=min(timezone.now() - timedelta(hours=1), due_at - timedelta(days=7)),
        complainant_name="",
        complainant_phone="",
        is_anonymous=True,
        external_ref=ref,
        unit=people["intake"].unit,
    )
    complaint = services.accept(complaint, by=people["intake"])
    complaint = services.dispatch(
        complaint, by=people["intake"], unit=people["officer"].unit, handler=people["officer"]
    )
    complaint = services.start(complaint, by=people["officer"])
    # Pin the deadline, so the story does not depend on the day of the week or on the deadline policy.
    Complaint.objects.filter(pk=complaint.pk).update(reply_due_at=due_at, due_at=due_at)
    return complaint, True


def seed(stdout=None):
    people = {
        "intake": User.objects.get(username="chancheng.intake"),
        "officer": User.objects.get(username="chancheng.officer"),
    }
    for username, phone in DEMO_PHONES.items():
        User.objects.filter(username=username, phone="").update(phone=phone)
    category = ViolationCategory.objects.filter(is_active=True, parent__isnull=False).order_by("code").first()
    calendar = get_calendar()
    today = timezone.localdate()
    made = 0
    for ref, description, address, due in [
        (
            "demo-reminder-warning",
            "（提醒演示）商铺门前堆放杂物占用人行道，至今未处理。",
            "禅城区祖庙路52号",
            end_of_day(calendar.add_working_days(today, 1)),
        ),
        (
            "demo-reminder-overdue",
            "（提醒演示）夜间烧烤摊油烟扰民，多次反映仍未答复。",
            "禅城区祖庙路77号",
            end_of_day(_previous_working_day(calendar, today)),
        ),
    ]:
        _complaint, created = _unanswered_complaint(ref, description, address, due, people, category)
        made += created
    result = send_due_reminders()
    if stdout is not None:
        stdout.write(
            f"Demo reminders: {made} unanswered complaints created; the sweep made {result.reminders} reminders "
            f"and {result.deliveries} deliveries (sent by the worker of `make run`)."
        )
    return made
