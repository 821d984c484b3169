from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from enforcement.audit.models import AuditEvent
from enforcement.workdays import calendar
from enforcement.workdays.models import CalendarDay, CalendarYear, DayKind, DaySource

pytestmark = pytest.mark.django_db
D = date.fromisoformat
CALENDAR = reverse("workdays:calendar")


@pytest.fixture
def admin_client(client, city_admin):
    client.force_login(city_admin)
    return client


@pytest.fixture
def officer_client(client, officer_a):
    client.force_login(officer_a)
    return client


def national_day():
    return CalendarDay.objects.get(date=D("2026-10-01"))


def test_anonymous_users_are_sent_to_login(client):
    response = client.get(CALENDAR)
    assert response.status_code == 302 and reverse("login") in response["Location"]


def test_the_calendar_page_marks_holidays_and_make_up_days(officer_client):
    response = officer_client.get(CALENDAR, {"year": 2026})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'data-date="2026-10-01" data-kind="holiday"' in html
    assert 'data-date="2026-10-10" data-kind="workday"' in html
    assert 'data-date="2026-10-11" data-kind="weekend"' in html
    assert 'data-testid="coverage-warning"' not in html
    assert response.context["working_day_count"] == 248
    assert reverse("workdays:day_add") not in html  # readers get no edit links


def test_a_district_administrator_gets_no_edit_buttons(client, admin_a):
    client.force_login(admin_a)
    html = client.get(CALENDAR, {"year": 2026}).content.decode()
    assert reverse("workdays:day_add") not in html
    assert reverse("workdays:year_reload", args=[2026]) not in html
    assert reverse("workdays:day_edit", args=[national_day().pk]) not in html


def test_an_uncovered_year_shows_the_warning(officer_client):
    response = officer_client.get(CALENDAR, {"year": 2027})
    assert response.status_code == 200
    assert "no holiday data for 2027" in response.context["warning"]
    assert 'data-testid="coverage-warning"' in response.content.decode()


def test_a_bad_year_parameter_shows_this_year(officer_client):
    assert officer_client.get(CALENDAR, {"year": "abc"}).context["year"] == timezone.localdate().year


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", lambda: reverse("workdays:day_add")),
        ("post", lambda: reverse("workdays:day_add")),
        ("get", lambda: reverse("workdays:day_edit", args=[national_day().pk])),
        ("post", lambda: reverse("workdays:day_delete", args=[national_day().pk])),
        ("post", lambda: reverse("workdays:year_reload", args=[2026])),
        ("post", lambda: reverse("workdays:year_coverage", args=[2027])),
    ],
)
@pytest.mark.parametrize("who", ["officer_a", "admin_a"])
def test_writes_are_for_city_administrators_only(request, client, who, method, url):
    """The calendar is city-wide: a district's administrator reads it but does not change it."""
    client.force_login(request.getfixturevalue(who))
    before = (CalendarDay.objects.count(), CalendarYear.objects.count(), AuditEvent.objects.count())
    response = getattr(client, method)(url(), {"date": "2026-11-23", "kind": "holiday", "covered": "1"})
    assert response.status_code == 403
    assert "Only a city administrator can change this" in response.content.decode()
    assert (CalendarDay.objects.count(), CalendarYear.objects.count(), AuditEvent.objects.count()) == before


def test_the_administrator_adds_a_holiday_and_the_deadline_moves(admin_client, city_admin):
    assert calendar.add_working_days(D("2026-11-20"), 1) == D("2026-11-23")
    form = admin_client.get(reverse("workdays:day_add"), {"date": "2026-11-23"})
    assert form.context["form"].initial["date"] == "2026-11-23"
    response = admin_client.post(
        reverse("workdays:day_add"), {"date": "2026-11-23", "kind": "holiday", "name": "Typhoon day"}
    )
    assert response.status_code == 302 and response["Location"] == f"{CALENDAR}?year=2026"
    day = CalendarDay.objects.get(date=D("2026-11-23"))
    assert (day.kind, day.source) == (DayKind.HOLIDAY, DaySource.MANUAL)
    assert calendar.add_working_days(D("2026-11-20"), 1) == D("2026-11-24")
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.source, event.actor, event.object_id) == (
        "create",
        "ui",
        city_admin,
        str(day.pk),
    )


def test_a_make_up_day_on_a_weekday_is_refused(admin_client):
    response = admin_client.post(reverse("workdays:day_add"), {"date": "2026-11-25", "kind": "workday"})
    assert response.status_code == 200
    assert response.context["form"].errors["kind"]
    assert not CalendarDay.objects.filter(date=D("2026-11-25")).exists()


def test_the_administrator_edits_a_package_day(admin_client):
    day = national_day()
    response = admin_client.post(
        reverse("workdays:day_edit", args=[day.pk]),
        {"date": "2026-10-01", "kind": "holiday", "name": "National Day (edited)", "version": day.version},
    )
    assert response.status_code == 302
    day.refresh_from_db()
    assert (day.name, day.source, day.version) == ("National Day (edited)", DaySource.MANUAL, 2)
    assert AuditEvent.objects.order_by("-id").first().action == "update"


def test_a_stale_edit_is_refused(admin_client):
    day = national_day()
    CalendarDay.objects.filter(pk=day.pk).update(version=5)  # someone saved in between
    response = admin_client.post(
        reverse("workdays:day_edit", args=[day.pk]),
        {"date": "2026-10-01", "kind": "holiday", "name": "Mine", "version": day.version},
    )
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert national_day().name == "National Day"


def test_delete_asks_first_then_deletes_and_audits(admin_client):
    day = national_day()
    url = reverse("workdays:day_delete", args=[day.pk])
    confirm = admin_client.get(url)
    assert confirm.status_code == 200 and "reloading the year brings it back" in confirm.content.decode()
    assert CalendarDay.objects.filter(pk=day.pk).exists()
    assert admin_client.post(url).status_code == 302
    assert not CalendarDay.objects.filter(pk=day.pk).exists()
    event = AuditEvent.objects.order_by("-id").first()
    assert (event.action, event.object_id, event.before["name"]) == ("delete", str(day.pk), "National Day")
    assert calendar.is_working_day(D("2026-10-01"))


def test_reload_asks_first_then_reloads(admin_client):
    CalendarDay.objects.filter(date=D("2026-10-02")).delete()
    url = reverse("workdays:year_reload", args=[2026])
    assert admin_client.get(url).status_code == 200
    assert not CalendarDay.objects.filter(date=D("2026-10-02")).exists()
    response = admin_client.post(url, follow=True)
    assert CalendarDay.objects.filter(date=D("2026-10-02"), source=DaySource.PACKAGE).exists()
    assert "1 added" in str(list(response.context["messages"])[0])


def test_reload_of_a_year_the_package_lacks_explains_why(admin_client):
    response = admin_client.post(reverse("workdays:year_reload", args=[2027]), follow=True)
    assert "no data for 2027" in str(list(response.context["messages"])[0])
    assert not CalendarYear.objects.filter(year=2027).exists()


def test_the_administrator_marks_a_year_complete(admin_client):
    url = reverse("workdays:year_coverage", args=[2027])
    assert admin_client.get(url).status_code == 405
    admin_client.post(url, {"covered": "1"})
    assert CalendarYear.objects.get(year=2027).source == DaySource.MANUAL
    assert admin_client.get(CALENDAR, {"year": 2027}).context["warning"] is None
    admin_client.post(url, {"covered": "0"})
    assert not CalendarYear.objects.filter(year=2027).exists()
    assert admin_client.post(reverse("workdays:year_coverage", args=[40000])).status_code == 404


def test_the_navigation_shows_the_calendar_to_administrators_only(client, city_admin, officer_a):
    link = f'href="{CALENDAR}"'
    client.force_login(city_admin)
    assert link in client.get(reverse("home")).content.decode()
    client.force_login(officer_a)
    assert link not in client.get(reverse("home")).content.decode()
