from functools import cached_property

from django.contrib.auth.models import AbstractUser, UserManager
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.dispatch import Signal
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from enforcement.versioning import VersionedModel

from .choices import SUPERVISOR_ROLES, Role, UnitLevel

PATH_STEP = 8  # digits per level of OrgUnit.path
# Sent (unit=…) when a unit takes its place in the tree or moves in it, inside the save's transaction: what
# is summed by the tree (the statistics' subtrees) is summed again.
tree_changed = Signal()


class ScopedQuerySet(models.QuerySet):
    """The one scoping rule (PRODUCT §1): a user sees records of their own unit and its descendants;
    city-level users and superusers see everything. Models say which field carries the unit."""

    scope_field = "unit"

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.sees_all_units:
            return self.all()
        return self.filter(**{f"{self.scope_field}__in": user.scope_unit_ids})


def in_scope(user, obj):
    """The scoping rule for one object already loaded: the same answer as `visible_to(user)` would give,
    read from the field its model's queryset names (`scope_field`), without a query."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    if user.sees_all_units:
        return True
    queryset = type(obj)._default_manager.get_queryset()
    units_of = getattr(queryset, "scope_units_of", None)
    if units_of is not None:  # a record carried by several units (a campaign and the units taking part)
        return not units_of(obj).isdisjoint(user.scope_unit_ids)
    field = queryset.scope_field
    unit_id = obj.pk if field == "id" else getattr(obj, f"{field}_id")
    return unit_id in user.scope_unit_ids


class CityWideQuerySet(models.QuerySet):
    """Reference data the whole city shares (the catalogue, deadline policies, the calendar): every
    signed-in user reads it; city administrators change it (`org.permissions.can_edit_city_wide`)."""

    def visible_to(self, user):
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        return self.all()


class OrgUnitQuerySet(ScopedQuerySet):
    scope_field = "id"

    def subtree(self, unit):
        return self.filter(path__startswith=unit.path)


class OrgUnit(VersionedModel):
    """City bureau → district bureau → brigade/squadron. `path` is a materialised path of zero-padded
    ids ("00000001.00000004."), so a subtree is one indexed prefix query."""

    code = models.SlugField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    name_en = models.CharField(_("English name"), max_length=100, blank=True)
    level = models.CharField(_("level"), max_length=16, choices=UnitLevel.choices)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
    )
    path = models.CharField(max_length=255, editable=False, db_index=True, default="")
    is_active = models.BooleanField(_("active"), default=True)

    objects = OrgUnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        ordering = ["path"]
        indexes = [
            models.Index(fields=["path"], name="orgunit_path_like", opclasses=["varchar_pattern_ops"]),
        ]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self):
        if self.name_en and (get_language() or "").startswith("en"):
            return self.name_en
        return self.name

    @property
    def depth(self):
        return self.path.count(".") - 1

    def clean(self):
        if self.parent_id and self.pk:
            if self.parent.path.startswith(self.path):
                raise ValidationError(
                    {"parent": _("A unit cannot be placed under itself or its own sub-unit.")}
                )
        if self.parent is None and self.level != UnitLevel.CITY:
            raise ValidationError({"parent": _("Only a city bureau can be a top-level unit.")})
        if self.parent_id and self.parent.is_external:
            raise ValidationError(
                {
                    "parent": _(
                        "An external responsible unit is outside the bureau's chain of command: no unit can be placed under it."
                    )
                }
            )
        if self.is_external and self.pk and self.children.exists():
            raise ValidationError(
                {"level": _("A unit with sub-units cannot become an external responsible unit.")}
            )

    @property
    def is_external(self):
        """外部责任单位: dispatched to and assessed, but not part of the bureau (UnitLevel.EXTERNAL)."""
        return self.level == UnitLevel.EXTERNAL

    def _compute_path(self):
        prefix = self.parent.path if self.parent_id else ""
        return f"{prefix}{self.pk:0{PATH_STEP}d}."

    def save(self, *args, **kwargs):
        with transaction.atomic():
            old_path = self.path
            super().save(*args, **kwargs)
            new_path = self._compute_path()
            if new_path != old_path:
                OrgUnit.objects.filter(pk=self.pk).update(path=new_path)
                if old_path:  # the unit moved: its descendants move with it
                    for child in OrgUnit.objects.filter(path__startswith=old_path).exclude(pk=self.pk):
                        OrgUnit.objects.filter(pk=child.pk).update(
                            path=new_path + child.path[len(old_path) :]
                        )
                self.path = new_path
                tree_changed.send(sender=OrgUnit, unit=self)

    def ancestors(self, include_self=False):
        ids = [int(part) for part in self.path.split(".") if part]
        if not include_self:
            ids = ids[:-1]
        return OrgUnit.objects.filter(pk__in=ids).order_by("path")


class GridQuerySet(ScopedQuerySet):
    scope_field = "unit"

    def containing(self, lat, lng):
        """The active grid whose bounding box holds the point (the smallest-coded one if boxes overlap), or
        None: how intake, cases and campaign items derive the grid from a map point."""
        if lat is None or lng is None:
            return None
        return (
            self.filter(
                is_active=True, min_lat__lte=lat, max_lat__gte=lat, min_lng__lte=lng, max_lng__gte=lng
            )
            .order_by("code")
            .first()
        )


class Grid(VersionedModel):
    """A grid cell (网格) of the digital city-management system, kept by one unit. The optional bounding
    box lets intake derive the grid from a map point."""

    code = models.CharField(_("code"), max_length=32, unique=True)
    name = models.CharField(_("name"), max_length=100)
    unit = models.ForeignKey(OrgUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="grids")
    min_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    min_lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    max_lat = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    max_lng = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    is_active = models.BooleanField(_("active"), default=True)

    objects = GridQuerySet.as_manager()

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    @property
    def has_geometry(self):
        return None not in (self.min_lat, self.min_lng, self.max_lat, self.max_lng)

    def clean(self):
        """The bounding box is all four corners or none, on the globe, and its minimum below its maximum."""
        corners = {
            "min_lat": self.min_lat,
            "min_lng": self.min_lng,
            "max_lat": self.max_lat,
            "max_lng": self.max_lng,
        }
        given = {name for name, value in corners.items() if value is not None}
        if not given:
            return
        if len(given) < 4:
            raise ValidationError(
                {
                    name: _("Give all four edges of the bounding box, or none.")
                    for name in corners
                    if name not in given
                }
            )
        errors = {}
        for name, value in corners.items():
            bound = 90 if name.endswith("lat") else 180
            if not -bound <= value <= bound:
                errors[name] = _("Must be between -%(bound)s and %(bound)s degrees.") % {"bound": bound}
        if "min_lat" not in errors and "max_lat" not in errors and self.min_lat >= self.max_lat:
            errors["max_lat"] = _("The northern edge must be north of the southern edge.")
        if "min_lng" not in errors and "max_lng" not in errors and self.min_lng >= self.max_lng:
            errors["max_lng"] = _("The eastern edge must be east of the western edge.")
        if errors:
            raise ValidationError(errors)


class UserQuerySet(ScopedQuerySet):
    scope_field = "unit"

    def with_role(self, role):
        return self.filter(role_assignments__role=role, is_active=True).distinct()


class EnforcementUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser, VersionedModel):
    """A bureau member. Chinese names don't split into first/last, so `full_name` holds the name."""

    full_name = models.CharField(_("full name"), max_length=100, blank=True)
    unit = models.ForeignKey(
        OrgUnit,
        verbose_name=_("unit"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    certificate_no = models.CharField(_("enforcement certificate no."), max_length=64, blank=True)
    certificate_expires = models.DateField(_("certificate expiry"), null=True, blank=True)

    objects = EnforcementUserManager()

    # Django's own bookkeeping: the bureau's words for a user are the fields above and the roles.
    audit_hidden_fields = ("is_superuser", "is_staff", "last_login", "date_joined", "first_name", "last_name")

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.full_name or self.username

    def save(self, *args, **kwargs):
        # A new password ends every API token of the user (enforcement/org/tokens.py): a key taken with the
        # old password must not outlive it. Django marks a password just set in `_password`.
        password_changed = self.pk is not None and self._password is not None
        super().save(*args, **kwargs)
        if password_changed:
            from .tokens import ENDED_BY_PASSWORD, ApiToken, revoke

            revoke(ApiToken.objects.filter(user=self), verb=ENDED_BY_PASSWORD)

    # --- roles --------------------------------------------------------------------------------
    @cached_property
    def roles(self):
        if not self.pk:
            return frozenset()
        return frozenset(self.role_assignments.values_list("role", flat=True))

    def has_role(self, *roles):
        if self.is_superuser and Role.ADMIN in roles:
            return True
        return bool(self.roles.intersection(roles))

    @property
    def is_admin(self):
        return self.is_superuser or Role.ADMIN in self.roles

    @property
    def is_city_admin(self):
        """An administrator whose scope is the whole city: the one who changes what the whole city shares
        (the decision and its list: `enforcement.org.permissions`)."""
        return self.is_active and self.is_admin and self.sees_all_units

    @property
    def is_supervisor(self):
        return bool(self.roles & SUPERVISOR_ROLES)

    def set_roles(self, roles):
        roles = set(roles)
        self.role_assignments.exclude(role__in=roles).delete()
        existing = set(self.role_assignments.values_list("role", flat=True))
        UserRole.objects.bulk_create([UserRole(user=self, role=r) for r in roles - existing])
        self.__dict__.pop("roles", None)

    # --- scope --------------------------------------------------------------------------------
    @property
    def sees_all_units(self):
        if self.is_superuser:
            return True
        return self.unit_id is not None and self.unit.parent_id is None

    @cached_property
    def scope_unit_ids(self):
        if self.unit_id is None:
            return []
        return list(OrgUnit.objects.subtree(self.unit).values_list("id", flat=True))

    # --- certificate (PRODUCT §1: an expired certificate cannot sign enforcement acts) -------
    def can_sign_enforcement_acts(self, on=None):
        on = on or timezone.localdate()
        return (
            bool(self.certificate_no)
            and self.certificate_expires is not None
            and self.certificate_expires >= on
        )


def attach_users(record, names):
    """Sets the user foreign keys `names` of `record` from one query (not one per person, nor a join each
    in a detail query that already joins several tables: PostgreSQL's planning time grows with every
    join). Returns the record."""
    ids = {getattr(record, f"{name}_id") for name in names} - {None}
    people = User.objects.in_bulk(ids) if ids else {}
    for name in names:
        pk = getattr(record, f"{name}_id")
        if pk is not None:
            setattr(record, name, people[pk])
    return record


def unit_role_errors(unit, roles):
    """What is wrong with these roles for a user of `unit`: an external responsible unit's users are its
    liaisons, and only they are (UserForm and the users API ask this before `set_roles`)."""
    external = unit is not None and unit.is_external
    roles = set(roles)
    if external and roles - {Role.LIAISON}:
        return [_("A user of an external responsible unit can only be its liaison.")]
    if not external and Role.LIAISON in roles:
        return [_("Only a user of an external responsible unit can be a liaison.")]
    return []


class UserRole(models.Model):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [models.UniqueConstraint(fields=["user", "role"], name="userrole_unique")]
        indexes = [models.Index(fields=["role", "user"])]

    def __str__(self):
        return f"{self.user} · {self.get_role_display()}"


class LoginFailure(models.Model):
    """Failed logins per username, for the lockout (enforcement/org/auth.py). Its lock and unlock are
    audited on this row, on the user's timeline when the username is a user's."""

    username = models.CharField(_("username"), max_length=150, unique=True)
    failures = models.PositiveIntegerField(_("failed logins"), default=0)
    last_failure_at = models.DateTimeField(_("last failed login"), null=True)
    locked_until = models.DateTimeField(_("locked until"), null=True)

    audit_summary_fields = ()  # named by its username on the user's timeline

    class Meta:
        verbose_name = _("login lock")
        verbose_name_plural = _("login locks")

    def __str__(self):
        return self.username


class LoginAddressBlock(models.Model):
    """A network address refused logins for too many failures across usernames (password spraying). The
    counting and the refusal live in the cache (enforcement/org/auth.py); this row is what the audit trail
    and the admin keep of each block. An IPv6 address counts by its /64 network (one subscriber's)."""

    address = models.CharField(_("network address"), max_length=64, unique=True)
    failures = models.PositiveIntegerField(_("failed logins"), default=0)
    blocked_at = models.DateTimeField(_("blocked at"), null=True)
    blocked_until = models.DateTimeField(_("blocked until"), null=True)

    audit_summary_fields = ()

    class Meta:
        verbose_name = _("blocked network address")
        verbose_name_plural = _("blocked network addresses")

    def __str__(self):
        return self.address


from .tokens import ApiToken  # noqa: E402,F401 — the API tokens' model, in its own module
