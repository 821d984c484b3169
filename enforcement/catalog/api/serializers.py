import copy

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from enforcement.viewsets import ScopedRelatedField

from ..models import LegalParameter, ViolationCategory
from ..params import DEFAULTS


class ViolationCategorySerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(queryset=ViolationCategory.objects.all(), allow_null=True, required=False)
    level = serializers.IntegerField(read_only=True, help_text=_("1 = major category, 2 = sub-category"))
    children = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = ViolationCategory
        fields = [
            "id",
            "code",
            "name",
            "name_en",
            "parent",
            "level",
            "children",
            "legal_basis",
            "penalty_basis",
            "fine_min_individual",
            "fine_max_individual",
            "fine_min_organisation",
            "fine_max_organisation",
            "simple_procedure_allowed",
            "is_urgent",
            "sort_order",
            "is_active",
            "version",
        ]
        # Deactivation has its own action (it cascades to sub-categories).
        read_only_fields = ["is_active", "version"]

    def validate(self, attrs):
        category = copy.copy(self.instance) if self.instance else ViolationCategory()
        for key, value in attrs.items():
            setattr(category, key, value)
        category.clean()  # the model's invariants; a Django ValidationError answers 400 with field messages
        return attrs


class LegalParameterSerializer(serializers.ModelSerializer):
    default_value = serializers.SerializerMethodField(
        help_text=_("The statutory default, if the code knows the key")
    )

    class Meta:
        model = LegalParameter
        fields = ["id", "key", "value", "unit", "article", "description", "default_value", "version"]
        read_only_fields = ["version"]

    @extend_schema_field(serializers.DecimalField(max_digits=14, decimal_places=2, allow_null=True))
    def get_default_value(self, obj):
        default = obj.default
        return None if default is None else f"{default.value:.2f}"

    def validate_key(self, value):
        if self.instance is not None:
            if value != self.instance.key:
                raise serializers.ValidationError(_("The key of a legal parameter cannot be changed."))
        elif value not in DEFAULTS:
            raise serializers.ValidationError(
                _("Unknown legal parameter: no rule of the platform reads this key.")
            )
        return value

    def validate(self, attrs):
        parameter = copy.copy(self.instance) if self.instance else LegalParameter()
        for key, value in attrs.items():
            setattr(parameter, key, value)
        default = parameter.default
        if default is not None and parameter.unit != default.unit:
            raise serializers.ValidationError(
                {"unit": _("This parameter is measured in %(unit)s.") % {"unit": default.unit.label}}
            )
        parameter.clean()
        return attrs
