"""Factories for the cases' tests. `CaseFactory` makes a row in any status directly (for tables and lists);
a case walked through its procedure goes through `cases.services` (see conftest.walk_to)."""

from datetime import timedelta

import factory
from django.utils import timezone

from enforcement.catalog.choices import PartyType
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.org.tests.factories import UserFactory

from ..choices import CaseStatus, Procedure
from ..models import Case, Party


class PartyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Party

    party_type = PartyType.INDIVIDUAL
    name = factory.Sequence(lambda n: f"当事人{n}")
    phone = factory.Sequence(lambda n: f"139{n:08d}")
    address = "禅城区祖庙路1号"
    created_by = factory.SubFactory(UserFactory)


class OrganisationFactory(PartyFactory):
    party_type = PartyType.ORGANISATION
    name = factory.Sequence(lambda n: f"某某商贸有限公司{n}")
    credit_code = "91350100M000100Y43"
    legal_representative = "王五"


class CaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Case

    number = factory.Sequence(lambda n: f"AJ20261201{n:04d}")
    procedure = Procedure.GENERAL
    status = CaseStatus.LEAD
    party = factory.SubFactory(PartyFactory)
    category = factory.SubFactory(ViolationCategoryFactory)
    unit = None  # give one
    address = "祖庙路与人民路交界"
    act_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=3))
    facts = "占用城市道路摆卖水果"
    registered_by = factory.SubFactory(UserFactory)
    registered_at = factory.LazyFunction(timezone.now)
