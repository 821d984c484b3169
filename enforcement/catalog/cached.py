"""The catalogue's choices for filters and forms, cached (enforcement/caching.py) and dropped whenever a
category is saved (apps.py)."""

from enforcement.caching import ChoiceCache

from .models import ViolationCategory

CHOICES = ChoiceCache("catalog:choices", translated=("categories",), plain=("category_parents",))


def category_groups():
    """[(major label, [(id, label), ...]), ...]: each major category first, then its sub-categories."""

    def compute():
        categories = list(ViolationCategory.objects.active().order_by("sort_order", "code"))
        children = {}
        for c in categories:
            if c.parent_id:
                children.setdefault(c.parent_id, []).append(c)
        return [
            (
                f"{major.code} {major.display_name}",
                [(major.pk, f"{major.code} {major.display_name}")]
                + [(c.pk, f"{c.code} {c.display_name}") for c in children.get(major.pk, [])],
            )
            for major in categories
            if major.parent_id is None
        ]

    return CHOICES.get("categories", compute)


def category_family(pk):
    """The ids of category `pk` and its sub-categories (inactive ones too: old records keep them)."""
    parents = CHOICES.get(
        "category_parents", lambda: dict(ViolationCategory.objects.values_list("pk", "parent_id"))
    )
    return [pk] + [child for child, parent in parents.items() if parent == pk]
