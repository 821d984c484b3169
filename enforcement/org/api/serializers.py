import copy

from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers
from rest_framework.authtoken.serializers import AuthTokenSerializer

from enforcement.viewsets import ScopedRelatedField

from ..choices import Role
from ..models import Grid, OrgUnit, User, unit_role_errors
from ..tokens import ApiToken


class OrgUnitSerializer(serializers.ModelSerializer):
    parent = ScopedRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)

    class Meta:
        model = OrgUnit
        fields = ["id", "code", "name", "name_en", "level", "parent", "path", "is_active", "version"]
        read_only_fields = ["path", "version"]

    def validate(self, attrs):
        if attrs.get("parent", getattr(self.instance, "parent", None)) is None and not (
            self.context["request"].user.sees_all_units
        ):
            raise serializers.ValidationError(
                {"parent": _("Only a city-level administrator can create a top-level unit.")}
            )
        unit = copy.copy(self.instance) if self.instance else OrgUnit()
        for key, value in attrs.items():
            setattr(unit, key, value)
        unit.clean()  # the model's own invariants; a Django ValidationError answers 400
        return attrs


class GridSerializer(serializers.ModelSerializer):
    unit = ScopedRelatedField(queryset=OrgUnit.objects.all())

    class Meta:
        model = Grid
        fields = [
            "id",
            "code",
            "name",
            "unit",
            "min_lat",
            "min_lng",
            "max_lat",
            "max_lng",
            "is_active",
            "version",
        ]
        read_only_fields = ["version"]


class UserSerializer(serializers.ModelSerializer):
    unit = ScopedRelatedField(queryset=OrgUnit.objects.all(), allow_null=True, required=False)
    roles = serializers.ListField(child=serializers.ChoiceField(choices=Role.choices), required=False)
    password = serializers.CharField(write_only=True, required=False, style={"input_type": "password"})

    class Meta:
        model = User
        fields = [
            "id",
            "username",
            "full_name",
            "email",
            "phone",
            "unit",
            "roles",
            "certificate_no",
            "certificate_expires",
            "is_active",
            "password",
            "last_login",
            "date_joined",
            "version",
        ]
        read_only_fields = ["last_login", "date_joined", "version"]

    def to_representation(self, instance):
        data = super().to_representation(instance)
        data["roles"] = sorted(instance.roles)
        return data

    def validate(self, attrs):
        request = self.context["request"]
        if (
            attrs.get("unit") is None
            and not request.user.sees_all_units
            and (self.instance is None or "unit" in attrs)
        ):
            raise serializers.ValidationError({"unit": _("Choose the unit this user belongs to.")})
        unit = attrs["unit"] if "unit" in attrs else getattr(self.instance, "unit", None)
        roles = attrs["roles"] if "roles" in attrs else getattr(self.instance, "roles", ())
        if errors := unit_role_errors(unit, roles):
            raise serializers.ValidationError({"roles": errors})
        if "password" in attrs:
            candidate = self.instance or User(
                username=attrs.get("username", ""), email=attrs.get("email", "")
            )
            try:
                validate_password(attrs["password"], candidate)
            except Exception as exc:  # django.core.exceptions.ValidationError
                raise serializers.ValidationError({"password": list(exc.messages)}) from exc
        return attrs

    @transaction.atomic
    def create(self, validated_data):
        roles = validated_data.pop("roles", [])
        password = validated_data.pop("password", None)
        user = User(**validated_data)
        if password:
            user.set_password(password)
        else:
            user.set_unusable_password()
        user.save()
        user.set_roles(roles)
        return user

    @transaction.atomic
    def update(self, instance, validated_data):
        roles = validated_data.pop("roles", None)
        password = validated_data.pop("password", None)
        for key, value in validated_data.items():
            setattr(instance, key, value)
        if password:
            instance.set_password(password)
        instance.save()
        if roles is not None:
            instance.set_roles(roles)
        return instance


class TokenRequestSerializer(AuthTokenSerializer):
    """A sign-in for an API token: username and password, and the device it is for."""

    device = serializers.CharField(
        label=_("Device"),
        max_length=100,
        required=False,
        help_text=_(
            "A name for the device or program the token is for. Signing in again for the same device "
            "replaces its token; without a name the token is the default device's."
        ),
    )


class IssuedTokenSerializer(serializers.Serializer):
    token = serializers.CharField(
        help_text=_("The key: send it as `Authorization: Token <key>`. Shown only now.")
    )
    expires_at = serializers.DateTimeField()
    device = serializers.CharField()


class ApiTokenSerializer(serializers.ModelSerializer):
    """A token as its owner sees it in the list: never its key (nor its digest)."""

    current = serializers.SerializerMethodField(help_text=_("The token this request was signed with."))

    class Meta:
        model = ApiToken
        fields = ["id", "device", "created_at", "expires_at", "last_used_at", "current"]
        read_only_fields = fields

    def get_current(self, token) -> bool:
        return token == self.context["request"].auth
