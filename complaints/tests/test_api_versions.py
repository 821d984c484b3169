"""Optimistic locking over HTTP (issue 15): a detail answers its version as a weak ETag, If-Match takes it
back as it is, and an update that does not say which version it changed is refused with 428."""

from django.urls import reverse

from .factories import ComplaintFactory


def detail(c):
    return reverse("api:complaint-detail", args=[c.pk])


def test_detail_answers_its_version_as_a_weak_etag(api_as, intake_city, city):
    c = ComplaintFactory(unit=city)
    response = api_as(intake_city).get(detail(c))
    assert response.status_code == 200
    assert response["ETag"] == f'W/"{c.version}"'


def test_if_match_takes_the_weak_etag_back_and_a_stale_one_is_409(api_as, intake_city, city):
    c = ComplaintFactory(unit=city)
    client = api_as(intake_city)
    etag = client.get(detail(c))["ETag"]
    saved = client.patch(detail(c), {"address": "新地址1号"}, format="json", HTTP_IF_MATCH=etag)
    assert saved.status_code == 200, saved.json()
    assert saved["ETag"] == f'W/"{c.version + 1}"'
    stale = client.patch(detail(c), {"address": "旧地址"}, format="json", HTTP_IF_MATCH=etag)
    assert stale.status_code == 409
    c.refresh_from_db()
    assert c.address == "新地址1号"


def test_an_update_without_any_version_is_428_and_changes_nothing(api_as, intake_city, city):
    c = ComplaintFactory(unit=city, address="中山路1号")
    response = api_as(intake_city).patch(detail(c), {"address": "覆盖"}, format="json")
    assert response.status_code == 428
    assert "version" in response.json()["detail"]
    c.refresh_from_db()
    assert (c.address, c.version) == ("中山路1号", 1)


def test_out_of_scope_is_404_before_the_missing_version(api_as, make_user, district_b, city):
    outsider = make_user("intake", unit=district_b)
    c = ComplaintFactory(unit=city)
    assert api_as(outsider).patch(detail(c), {"address": "x"}, format="json").status_code == 404
