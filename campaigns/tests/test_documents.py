"""责令限期整改通知书 (campaigns/documents.py): issued with the item's notice, in the same transaction, once;
numbered in the register of the issuing bureau (its number pattern); saying who, where, what and by when."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns import services
from campaigns.models import RectificationItem
from enforcement.documents.models import Document
from enforcement.documents.services import issuable, issue_document
from enforcement.workflow.exceptions import TransitionNotAllowed

from .conftest import noticed, register, today, words

pytestmark = pytest.mark.django_db


def notices():
    return Document.objects.filter(doc_type="rectification_notice")


def test_the_notice_is_numbered_in_the_bureaus_register(campaign, crew, squadrons, party, category):
    first, second = squadrons
    year = timezone.localdate().year
    one = noticed(campaign, crew["officer1"], first, party=party, category=category)
    two = noticed(campaign, crew["officer2"], second, party_name="某某水果店")
    numbers = [Document.objects.of(item).get().number for item in (one, two)]
    # A squadron issues in its district bureau's name; one register for the district, numbered on.
    assert numbers == [f"甲区分局整〔{year}〕00001号", f"甲区分局整〔{year}〕00002号"]
    document = Document.objects.of(one).get()
    assert document.unit == first.parent and document.issued_by == crew["officer1"]


def test_the_notice_says_who_where_what_and_by_when(campaign, crew, squadrons, party, category):
    first, _second = squadrons
    item = noticed(
        campaign,
        crew["officer1"],
        first,
        party=party,
        category=category,
        deadline_on=today() + timedelta(days=7),
        requirement="三日内拆除占道雨棚",
    )
    document = Document.objects.of(item).get()
    assert document.values["party_name"] == "陈大文"
    assert document.values["place"] == "祖庙路1号"
    assert document.values["requirement"] == "三日内拆除占道雨棚"
    assert document.values["deadline"]
    assert "责令限期整改通知书" in document.html
    for text in ("陈大文", "祖庙路1号", "三日内拆除占道雨棚", "占道经营专项整治", category.legal_basis):
        assert text in document.html, text


def test_a_notice_without_a_registered_party_names_the_shop(campaign, crew, squadrons):
    first, _second = squadrons
    item = noticed(campaign, crew["officer1"], first, party_name="无名摊贩")
    assert Document.objects.of(item).get().values["party_name"] == "无名摊贩"


def test_a_second_notice_is_refused(campaign, crew, squadrons):
    first, _second = squadrons
    item = noticed(campaign, crew["officer1"], first)
    assert not any(spec.type == "rectification_notice" for spec in issuable(item, crew["officer1"]))
    with pytest.raises(TransitionNotAllowed) as info:
        issue_document(item, "rectification_notice", by=crew["officer1"])
    assert "has already been issued" in words(info.value)
    assert notices().count() == 1


def test_no_notice_before_the_step(campaign, crew, squadrons):
    first, _second = squadrons
    item = register(campaign, crew["officer1"], first)
    with pytest.raises(TransitionNotAllowed) as info:
        issue_document(item, "rectification_notice", by=crew["officer1"])
    assert "notice step" in words(info.value)
    assert notices().count() == 0


def test_a_refused_notice_takes_no_number(campaign, crew, squadrons):
    first, _second = squadrons
    item = register(campaign, crew["officer1"], first)
    with pytest.raises(ValidationError):
        services.issue_notice(
            item, by=crew["officer1"], deadline_on=today() - timedelta(days=1), requirement="x"
        )
    assert RectificationItem.objects.get(pk=item.pk).status == "found" and notices().count() == 0
    item = services.issue_notice(item, by=crew["officer1"], deadline_on=today(), requirement="立即清理")
    assert Document.objects.of(item).get().serial == 1
