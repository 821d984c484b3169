"""An item found without its party or category (the shop's name typed in, no register entry) gets them later:
on its page (from the register, or a new party registered there) and in the API, audited, with the version;
until then a not-rectified item says what stops its escalation, in words."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from campaigns import services
from campaigns.choices import ItemStatus
from cases.models import Party
from enforcement.audit.models import AuditEvent
from enforcement.versioning import StaleEdit
from enforcement.workflow.exceptions import TransitionNotAllowed

from .conftest import photo, register, today

pytestmark = pytest.mark.django_db


def not_rectified(campaign, crew, squadrons, **fields):
    """An item of the first squadron, noticed with today's deadline and found not rectified today."""
    item = register(campaign, crew["officer1"], squadrons[0], party_name="水果摊", **fields)
    item = services.issue_notice(item, by=crew["officer1"], deadline_on=today(), requirement="立即清理")
    return services.recheck(
        item, by=crew["officer1"], result="not_rectified", rechecked_on=today(), photos=[photo("复查.jpg")]
    )


def browser(user):
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(user)
    return client


def test_the_service_records_the_party_and_category_and_the_item_can_then_escalate(
    campaign, crew, squadrons, party, category
):
    item = not_rectified(campaign, crew, squadrons)
    assert "Record the party" in item.escalation_problem()
    item = services.identify_item(item, by=crew["officer1"], party=party, version=item.version)
    assert (item.party, item.party_name) == (party, party.name)
    assert "category" in item.escalation_problem()
    item = services.identify_item(item, by=crew["officer1"], category=category)
    assert item.escalation_problem() is None
    event = AuditEvent.objects.for_object(item).filter(verb="identify_item").first()
    assert event is not None and event.actor == crew["officer1"]
    item = services.escalate(item, by=crew["officer1"], procedure="general")
    assert item.status == ItemStatus.ESCALATED and item.case.party == party


def test_the_service_refuses_nothing_given_another_unit_a_stale_version_and_an_escalated_item(
    campaign, crew, squadrons, party, category, make_user
):
    item = not_rectified(campaign, crew, squadrons)
    with pytest.raises(ValidationError, match="Choose the party from the register"):
        services.identify_item(item, by=crew["officer1"])
    with pytest.raises(Exception) as other:  # the other squadron does not see the item
        services.identify_item(item, by=crew["officer2"], party=party)
    assert other.type.__name__ == "Http404"
    statistician = make_user("statistician", unit=squadrons[0].parent, username="c_stat")
    with pytest.raises(PermissionDenied):
        services.identify_item(item, by=statistician, party=party)
    with pytest.raises(StaleEdit):
        services.identify_item(item, by=crew["officer1"], party=party, version=item.version - 1)
    item.refresh_from_db()
    assert item.party is None  # nothing saved by a refusal
    item = services.identify_item(item, by=crew["officer1"], party=party, category=category)
    services.escalate(item, by=crew["officer1"], procedure="general")
    with pytest.raises(TransitionNotAllowed, match="escalated"):
        services.identify_item(item, by=crew["officer1"], category=category)


def test_the_page_says_what_stops_the_escalation_and_records_a_new_party(campaign, crew, squadrons, category):
    item = not_rectified(campaign, crew, squadrons)
    officer = browser(crew["officer1"])
    page = officer.get(item.get_absolute_url()).content.decode()
    assert "escalation-waiting" in page and "Record the party (from the party register)" in page
    assert 'id="item-party-form"' in page and 'data-action="escalate"' not in page
    url = reverse("campaigns:item-party", args=[item.pk])
    # A new party without its name: 400 in words, nothing registered.
    refused = officer.post(url, {"party_type": "individual", "party_name": "", "version": item.version})
    assert refused.status_code == 400 and "Choose the party from the register, or the category." in (
        refused.content.decode()
    )
    assert not Party.objects.exists()
    # A form read before someone saved the item: 409 with the words, nothing saved.
    stale = officer.post(url, {"category": category.pk, "version": item.version - 1})
    assert stale.status_code == 409 and "changed" in stale.content.decode().lower()
    item.refresh_from_db()
    assert item.category is None
    # The party registered on the page, with the category.
    done = officer.post(
        url,
        {
            "party_type": "individual",
            "party_name": "陈小明",
            "party_phone": "13800002222",
            "category": category.pk,
            "version": item.version,
        },
    )
    assert done.status_code == 302
    item.refresh_from_db()
    assert item.party.name == "陈小明" and item.category == category and item.party_name == "陈小明"
    page = officer.get(item.get_absolute_url()).content.decode()
    assert 'id="item-party-form"' not in page and "escalation-waiting" not in page
    assert 'data-action="escalate"' in page
    assert "Party recorded" in page  # the step on the timeline, in words


def test_the_api_records_the_party_and_category(api_as, campaign, crew, squadrons, party, category):
    item = not_rectified(campaign, crew, squadrons)
    client = api_as(crew["officer1"])
    url = f"/api/v1/rectifications/{item.pk}/identify/"
    escalate = client.post(
        f"/api/v1/rectifications/{item.pk}/escalate/", {"procedure": "general"}, format="json"
    )
    assert escalate.status_code == 409 and "Record the party" in escalate.json()["detail"]
    assert client.post(url, {}, format="json").status_code == 400
    unknown = client.post(url, {"party": 999999}, format="json")
    assert unknown.status_code == 400 and "register the party first" in " ".join(unknown.json()["party"])
    stale = client.post(url, {"party": party.pk, "version": item.version - 1}, format="json")
    assert stale.status_code == 409
    done = client.post(
        url, {"party": party.pk, "category": category.pk, "version": item.version}, format="json"
    )
    assert done.status_code == 200, done.json()
    assert "escalate" in done.json()["allowed_actions"]
    assert api_as(crew["officer2"]).post(url, {"party": party.pk}, format="json").status_code == 404
