"""`/api/v1/notifications/`: own notifications only, the unread count, mark read."""

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from .test_views import notify, reminder  # noqa: F401 — the fixture

pytestmark = pytest.mark.django_db


def test_anonymous_is_refused():
    assert APIClient().get(reverse("api:notification-list")).status_code in (401, 403)


def test_list_shows_my_notifications_with_the_unread_count(api_as, people, reminder):  # noqa: F811
    mine = notify(people["officer"], reminder)
    notify(people["officer"], reminder, read=True)
    theirs = notify(people["leader"], reminder)
    body = api_as(people["officer"]).get(reverse("api:notification-list")).json()
    ids = {row["id"] for row in body["results"]}
    assert mine.pk in ids and theirs.pk not in ids
    assert body["count"] == 2
    assert body["unread_count"] == 1
    row = next(r for r in body["results"] if r["id"] == mine.pk)
    assert (row["level"], row["kind"], row["url"], row["is_read"]) == (
        "overdue",
        "inspection_visit",
        "/inspections/1/",
        False,
    )
    assert row["text"].startswith("Inspection visit for Inspection 1 中山路") and "overdue" in row["text"]


def test_filter_unread(api_as, people, reminder):  # noqa: F811
    unread = notify(people["officer"], reminder)
    notify(people["officer"], reminder, read=True)
    body = api_as(people["officer"]).get(reverse("api:notification-list"), {"unread": "true"}).json()
    assert [r["id"] for r in body["results"]] == [unread.pk]


def test_someone_elses_notification_is_404(api_as, people, reminder):  # noqa: F811
    theirs = notify(people["leader"], reminder)
    client = api_as(people["officer"])
    assert client.get(reverse("api:notification-detail", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("api:notification-mark-read", args=[theirs.pk])).status_code == 404
    theirs.refresh_from_db()
    assert not theirs.is_read


def test_mark_read_and_mark_all_read(api_as, people, reminder):  # noqa: F811
    first, second = notify(people["officer"], reminder), notify(people["officer"], reminder)
    other = notify(people["leader"], reminder)
    client = api_as(people["officer"])
    response = client.post(reverse("api:notification-mark-read", args=[first.pk]))
    assert response.status_code == 200
    assert response.json()["is_read"] is True
    assert client.get(reverse("api:notification-unread-count")).json() == {"unread_count": 1}
    assert client.post(reverse("api:notification-mark-all-read")).json() == {"marked": 1, "unread_count": 0}
    second.refresh_from_db()
    other.refresh_from_db()
    assert second.is_read and not other.is_read


def test_notifications_cannot_be_written(api_as, people, reminder):  # noqa: F811
    note = notify(people["officer"], reminder)
    client = api_as(people["officer"])
    assert client.post(reverse("api:notification-list"), {"title": "x"}, format="json").status_code == 405
    assert (
        client.patch(
            reverse("api:notification-detail", args=[note.pk]), {"title": "x"}, format="json"
        ).status_code
        == 405
    )
    assert client.delete(reverse("api:notification-detail", args=[note.pk])).status_code == 405
