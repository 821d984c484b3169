"""The calendar API. The calendar is city-wide, so the scope checks of enforcement.testing don't apply;
these are their equivalents: anonymous refused, every signed-in user reads all, only city administrators
write (a district's administrator does not: enforcement.org.permissions)."""

from datetime import date

import pytest
from django.urls import reverse

from enforcement.audit.models import AuditEvent
from enforcement.workdays.models import CalendarDay, DaySource

pytestmark = pytest.mark.django_db
D = date.fromisoformat
LIST = reverse("api:calendarday-list")
DEADLINE = reverse("api:calendarday-deadline")


def detail(day):
    return reverse("api:calendarday-detail", args=[day.pk])


def national_day():
    return CalendarDay.objects.get(date=D("2026-10-01"))


def test_anonymous_is_refused(api_client):
    assert api_client.get(LIST).status_code in (401, 403)
    assert api_client.get(detail(national_day())).status_code in (401, 403)
    assert api_client.get(DEADLINE, {"working_days": 5}).status_code in (401, 403)


def test_every_signed_in_user_reads_the_whole_calendar(api_as, officer_a, officer_b):
    for_a = api_as(officer_a).get(LIST, {"year": 2026, "kind": "workday"})
    for_b = api_as(officer_b).get(LIST, {"year": 2026, "kind": "workday"})
    assert for_a.status_code == 200
    dates = [row["date"] for row in for_a.json()["results"]]
    assert dates == ["2026-01-04", "2026-02-14", "2026-02-28", "2026-05-09", "2026-09-20", "2026-10-10"]
    assert for_b.json() == for_a.json()
    assert api_as(officer_b).get(detail(national_day())).json()["name"] == "National Day"


@pytest.mark.parametrize(
    ("method", "payload"),
    [
        ("post", {"date": "2026-11-23", "kind": "holiday"}),
        ("patch", {"name": "Mine"}),
        ("delete", None),
    ],
)
@pytest.mark.parametrize("who", ["officer_a", "admin_a"])
def test_readers_may_not_write(request, api_as, who, method, payload):
    url = LIST if method == "post" else detail(national_day())
    before = (CalendarDay.objects.count(), AuditEvent.objects.count())
    response = getattr(api_as(request.getfixturevalue(who)), method)(url, payload, format="json")
    assert response.status_code == 403
    assert "Only a city administrator can change this" in response.json()["detail"]
    assert (CalendarDay.objects.count(), AuditEvent.objects.count()) == before
    assert national_day().name == "National Day"


def test_admin_creates_a_day_and_it_is_audited(api_as, city_admin):
    response = api_as(city_admin).post(
        LIST,
        {"date": "2026-11-23", "kind": "holiday", "name": "Typhoon day", "source": "package"},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["source"] == DaySource.MANUAL  # written by hand, whatever the body says
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.source, event.actor, event.object_id) == (
        "create",
        "api",
        city_admin,
        str(response.json()["id"]),
    )
    deadline = api_as(city_admin).get(DEADLINE, {"start": "2026-11-20", "working_days": 1}).json()
    assert deadline["deadline"] == "2026-11-24T23:59:59.999999+08:00"


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"date": "2026-11-25", "kind": "workday"}, "kind"),  # a make-up day on a Wednesday
        ({"date": "2026-10-01", "kind": "holiday"}, "date"),  # already in the calendar
        ({"date": "2026-11-25", "kind": "rest"}, "kind"),
    ],
)
def test_invalid_days_are_refused_with_field_messages(api_as, city_admin, payload, field):
    response = api_as(city_admin).post(LIST, payload, format="json")
    assert response.status_code == 400
    assert field in response.json()


def test_admin_edits_a_day_and_a_stale_edit_conflicts(api_as, city_admin):
    day = national_day()
    client = api_as(city_admin)
    response = client.patch(detail(day), {"name": "Edited", "version": day.version}, format="json")
    assert response.status_code == 200, response.json()
    assert (response.json()["source"], response.json()["version"]) == (DaySource.MANUAL, 2)
    assert AuditEvent.objects.order_by("-id").first().action == "update"
    stale = client.patch(detail(day), {"name": "Late", "version": 1}, format="json")
    assert stale.status_code == 409
    assert national_day().name == "Edited"


def test_admin_deletes_a_day_and_it_is_audited(api_as, city_admin):
    day = national_day()
    assert api_as(city_admin).delete(detail(day)).status_code == 204
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id, event.actor) == ("delete", str(day.pk), city_admin)


@pytest.mark.parametrize(
    ("params", "deadline", "has_warning"),
    [
        (
            {"start": "2026-09-30T16:00:00+08:00", "working_days": 5},
            "2026-10-13T23:59:59.999999+08:00",
            False,
        ),
        ({"start": "2026-09-30", "working_days": 0}, "2026-09-30T23:59:59.999999+08:00", False),
        ({"start": "2026-09-24T10:00:00+08:00", "days": 7}, "2026-10-08T23:59:59.999999+08:00", False),
        ({"start": "2026-11-20T16:00:00+08:00", "working_hours": "3"}, "2026-11-23T10:30:00+08:00", False),
        ({"start": "2026-11-20T08:00:00Z", "working_hours": "3"}, "2026-11-23T10:30:00+08:00", False),
        ({"start": "2026-12-30", "working_days": 5}, "2027-01-06T23:59:59.999999+08:00", True),
    ],
)
def test_deadline_endpoint(api_as, officer_a, params, deadline, has_warning):
    response = api_as(officer_a).get(DEADLINE, params)
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["deadline"] == deadline
    assert (body["warning"] is not None) == has_warning
    if has_warning:
        assert "2027" in body["warning"]


@pytest.mark.parametrize(
    "params",
    [
        {"start": "2026-09-30"},
        {"start": "2026-09-30", "working_days": 5, "days": 5},
        {"start": "2026-09-30", "working_days": -1},
        {"start": "not-a-date", "working_days": 1},
    ],
)
def test_deadline_endpoint_rejects_bad_queries(api_as, officer_a, params):
    assert api_as(officer_a).get(DEADLINE, params).status_code == 400


def test_deadline_endpoint_defaults_to_now(api_as, officer_a):
    body = api_as(officer_a).get(DEADLINE, {"working_days": 1}).json()
    assert body["rule"] == "working_days"
    assert body["deadline"].endswith("23:59:59.999999+08:00")
