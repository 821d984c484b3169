import factory

from ..models import ViolationCategory


class ViolationCategoryFactory(factory.django.DjangoModelFactory):
    """A major category by default; `ViolationCategoryFactory(parent=major)` for a sub-category."""

    class Meta:
        model = ViolationCategory

    code = factory.Sequence(lambda n: f"T{n:04d}")
    name = factory.Sequence(lambda n: f"违法类别{n}")
    name_en = factory.Sequence(lambda n: f"Category {n}")
    parent = None
