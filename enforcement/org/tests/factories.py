import factory
from django.utils import timezone

from ..choices import UnitLevel
from ..models import Grid, OrgUnit, User


class OrgUnitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrgUnit

    code = factory.Sequence(lambda n: f"unit-{n}")
    name = factory.Sequence(lambda n: f"单位{n}")
    name_en = factory.Sequence(lambda n: f"Unit {n}")
    level = UnitLevel.SQUADRON
    parent = None


class GridFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Grid

    code = factory.Sequence(lambda n: f"G{n:05d}")
    name = factory.Sequence(lambda n: f"网格{n}")
    unit = factory.SubFactory(OrgUnitFactory)


class UserFactory(factory.django.DjangoModelFactory):
    """`UserFactory(roles=["officer"], unit=unit)`; password is "pass-word-123"."""

    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"队员{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("pass-word-123")
    certificate_no = factory.Sequence(lambda n: f"44060{n:06d}")
    certificate_expires = factory.LazyFunction(
        lambda: timezone.localdate().replace(year=timezone.localdate().year + 2)
    )

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.set_roles(extracted)
