"""Numbers out of range in list filters are the filter's error (400 in the API, the message on the list
page), never a query the database cannot run (enforcement/filters.py). Run on SQLite and PostgreSQL."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db
HUGE = str(10**20)


@pytest.mark.parametrize("year", ["10000", HUGE, "1899", "-5"])
def test_a_calendar_year_out_of_range_is_400_with_a_message(api_as, officer_a, year):
    response = api_as(officer_a).get(reverse("api:calendarday-list"), {"year": year})
    assert response.status_code == 400
    assert response.json()["year"] == ["Enter a year from 1900 to 2100."]


def test_a_calendar_year_in_range_filters(api_as, officer_a):
    response = api_as(officer_a).get(reverse("api:calendarday-list"), {"year": "2026"})
    assert response.status_code == 200
    assert all(row["date"].startswith("2026-") for row in response.json()["results"])


@pytest.mark.parametrize("year", ["10000", HUGE])
def test_the_calendar_page_shows_a_year_it_has_for_one_out_of_range(client, officer_a, year):
    client.force_login(officer_a)
    assert client.get(reverse("workdays:calendar"), {"year": year}).status_code == 200


@pytest.mark.parametrize("name", ["handler", "grid", "category", "unit"])
@pytest.mark.parametrize("value", [HUGE, str(2**63), "0"])
def test_a_complaint_id_filter_out_of_range_is_400_in_the_api(api_as, intake_city, name, value):
    response = api_as(intake_city).get(reverse("api:complaint-list"), {name: value})
    assert response.status_code == 400
    assert "Select a valid choice" in response.json()[name][0]


@pytest.mark.parametrize("name", ["handler", "grid", "category"])
def test_a_complaint_id_filter_out_of_range_is_shown_on_the_list_page(client, intake_city, name):
    client.force_login(intake_city)
    response = client.get(reverse("complaints:list"), {name: HUGE})
    assert response.status_code == 200
    assert (
        "alert-warning" in response.content.decode() and "Select a valid choice" in response.content.decode()
    )


def test_the_largest_id_is_accepted_and_matches_nothing(api_as, intake_city):
    response = api_as(intake_city).get(reverse("api:complaint-list"), {"handler": str(2**63 - 1)})
    assert response.status_code == 200 and response.json()["results"] == []


@pytest.mark.parametrize(
    ("route", "name"),
    [
        ("api:category-list", "parent"),
        ("api:grid-list", "unit"),
        ("api:user-list", "unit"),
        ("api:orgunit-list", "parent"),
        ("api:orgunit-list", "within"),
        ("api:complaintdeadlinepolicy-list", "category"),
    ],
)
def test_every_other_id_filter_is_bounded(api_as, city_admin, route, name):
    response = api_as(city_admin).get(reverse(route), {name: HUGE})
    assert response.status_code == 400
    assert name in response.json()
