from django import forms
from django.utils.translation import gettext_lazy as _

from enforcement.org.forms import BootstrapFormMixin, VersionedFormMixin

from .choices import PERIOD_UNITS
from .models import LegalParameter, ViolationCategory
from .params import source_text


class CategorySearchForm(BootstrapFormMixin, forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    inactive = forms.BooleanField(label=_("Include inactive categories"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["q"].widget.attrs["placeholder"] = _("Name or code")

    def tree(self):
        """[(major category, [its sub-categories])] matching the search: a major category that matches
        brings all its sub-categories; one that doesn't shows only the sub-categories that do."""
        data = self.cleaned_data if self.is_valid() else {"q": "", "inactive": False}
        categories = ViolationCategory.objects.all()
        if not data["inactive"]:
            categories = categories.active()
        categories = list(categories)
        text = data["q"].strip()
        matching = set(ViolationCategory.objects.search(text).values_list("pk", flat=True)) if text else None
        children = {}
        for category in categories:
            if category.parent_id:
                children.setdefault(category.parent_id, []).append(category)
        tree = []
        for major in (c for c in categories if c.parent_id is None):
            subs = children.get(major.pk, [])
            if matching is not None and major.pk not in matching:
                subs = [sub for sub in subs if sub.pk in matching]
                if not subs:
                    continue
            tree.append((major, subs))
        return tree


class ViolationCategoryForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = ViolationCategory
        fields = [
            "parent",
            "code",
            "name",
            "name_en",
            "legal_basis",
            "penalty_basis",
            "fine_min_individual",
            "fine_max_individual",
            "fine_min_organisation",
            "fine_max_organisation",
            "simple_procedure_allowed",
            "is_urgent",
            "sort_order",
        ]
        widgets = {
            "legal_basis": forms.Textarea(attrs={"rows": 3}),
            "penalty_basis": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {
            "parent": _("Leave empty for a major category (大类). Categories have two levels."),
            "simple_procedure_allowed": _(
                "On-the-spot decisions are possible for this category; the fine ceilings of Art. 51 still apply."
            ),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        category = self.instance
        parent = self.fields["parent"]
        choices = ViolationCategory.objects.top_level().filter(is_active=True)
        if category.pk:
            choices = choices.exclude(pk=category.pk) | ViolationCategory.objects.filter(
                pk=category.parent_id
            )
            if category.children.exists():
                parent.disabled = True
                parent.help_text = _("This category has sub-categories, so it stays a major category.")
        parent.queryset = choices.order_by("sort_order", "code")
        parent.empty_label = _("— none: a major category —")


class LegalParameterForm(BootstrapFormMixin, VersionedFormMixin, forms.ModelForm):
    class Meta:
        model = LegalParameter
        fields = ["value", "article", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 2})}
        help_texts = {
            "article": _(
                "Where the value comes from, e.g. the provincial rule that sets a large-fine threshold."
            ),
        }

    # The built-in texts are shown in the user's language and stored as their English source, so they
    # keep following the user's language (LegalParameter.display_article).
    TRANSLATED_FIELDS = ("article", "description")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            for name in self.TRANSLATED_FIELDS:
                self.initial[name] = str(getattr(self.instance, f"display_{name}"))
            if self.instance.unit in PERIOD_UNITS:
                self.initial["value"] = int(self.instance.value)  # 90, not 90.00 days

    def _clean_translated(self, name):
        value, default = self.cleaned_data[name], self.instance.default
        if default is not None and value == str(getattr(default, name)):
            return source_text(getattr(default, name))
        return value

    def clean_article(self):
        return self._clean_translated("article")

    def clean_description(self):
        return self._clean_translated("description")


class ConfirmForm(VersionedFormMixin, forms.ModelForm):
    """A confirmation step that still refuses to act on a record changed since it was shown."""

    class Meta:
        model = ViolationCategory
        fields = []
