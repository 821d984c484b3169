"""Complaints in any state, written straight to the table (the workflow tests then act through the
services). `ComplaintFactory(unit=unit, status="replied")`."""

from datetime import timedelta

import factory
from django.utils import timezone

from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.org.tests.factories import OrgUnitFactory, UserFactory

from ..choices import Channel, ComplaintStatus
from ..models import Complaint


class ComplaintFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Complaint

    number = factory.Sequence(lambda n: f"TS20990101{n:05d}")
    received_at = factory.LazyFunction(timezone.now)
    channel = Channel.HOTLINE_12345
    complainant_name = "张三丰"
    complainant_phone = "13812345678"
    address = factory.Sequence(lambda n: f"中山路{n}号")
    category = factory.SubFactory(ViolationCategoryFactory)
    description = "门前占道经营，影响通行"
    unit = factory.SubFactory(OrgUnitFactory)
    intake_unit = factory.SelfAttribute("unit")
    received_by = factory.SubFactory(UserFactory, unit=factory.SelfAttribute("..unit"))
    status = ComplaintStatus.RECEIVED
    accept_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=1))
    reply_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=5))
    visit_due_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=8))
