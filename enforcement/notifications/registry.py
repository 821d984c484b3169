"""The deadline kinds the reminder sweep watches (PRODUCT §8). Each domain app declares its kinds in a
`deadlines.py` module, found at start-up (like `admin.py`):

    from enforcement.notifications.registry import DeadlineKind, register

    register(DeadlineKind(
        slug="complaint_reply", label=_("Complaint reply"), model="complaints.Complaint",
        due_field="reply_due_at", live_statuses=REPLY_LIVE, met_field="replied_at", start_field="received_at",
    ))

A kind says where its due moment is (`due_field`) and in which statuses it is still to be met
(`live_statuses`, of the model's `status_field`: the sweep reads only those rows, through an index on
(status, due field)). `met_field` is the moment the deadline was met (stamped by the service that meets
it): the on-time figures of the statistics (PRODUCT §9) compare it with the due moment
(`met_on_time`, `met_on_time_q`, `with_met_on_time`) — met exactly at the due moment is on time.

Who hears of it: the users in `handler_fields` (one or several user foreign keys: a case has two
investigating officers) and whoever the optional `recipients` hook names (people kept elsewhere, such
as a reviewer table); when none of them is an active user, the unit's `fallback_roles`. `unit_field` is
the unit it belongs to, for overdue notices to its squad leaders and escalation to the unit above
(recipients.py). `changed_field` names a timestamp the record's every save sets (an indexed
`updated_at`): with it, most sweeps read only the records that became due or changed since the last
sweep; without it, every sweep of the kind is a full one. Lead times and delays are defaults;
administrators override them per kind (`ReminderSetting`)."""

from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db.models import BooleanField, Case, F, Q, Value, When
from django.utils.functional import Promise
from django.utils.module_loading import import_string

from enforcement.org.choices import Role


@dataclass(frozen=True, kw_only=True)
class DeadlineKind:
    slug: str
    label: Promise | str
    model: str  # "app_label.ModelName"
    due_field: str
    # The statuses in which the deadline is still to be met; the record leaves the sweep when it leaves them.
    live_statuses: frozenset
    # The moment the deadline was met (accepted_at, replied_at …): what the on-time figures compare.
    met_field: str
    status_field: str = "status"
    # A further condition on the record, for a deadline that is met without leaving those statuses (cash
    # handed over while the on-the-spot case waits for its filing): e.g. Q(cash_handed_over_at__isnull=True).
    live_when: Q | None = None
    # When the period started: decides whether the deadline is "long" (a longer warning lead).
    start_field: str | None = None
    # Set on every save (auto_now) and indexed: lets a sweep find what changed since the last one.
    changed_field: str | None = None
    unit_field: str = "unit"
    # The user foreign keys of the people who hold the record: warned, and told when it is overdue.
    handler_fields: tuple = ("handler",)
    # `hook(kind, level, objects) -> {object pk: [user ids]}` (or its dotted path): more people named on the
    # records, found for the whole batch at once (one query, never one per record). For warnings and
    # overdue notices they hold the record with the handler fields; for escalations they are told besides
    # the supervisors above (return nobody for that level to leave escalation to the hierarchy).
    recipients: Callable | str | None = None
    # Who is warned when nobody holds the record: these roles in its unit (or the nearest unit above).
    fallback_roles: tuple = (Role.INTAKE,)
    warning_lead_days: int = 1
    long_deadline_days: int = 30
    long_warning_lead_days: int = 5
    escalation_delay_days: int = 2

    def __post_init__(self):
        if not self.live_statuses:
            raise ValueError(
                f"Deadline kind {self.slug!r} names no live status: the sweep would read nothing."
            )
        # Frozen: normalised through object.__setattr__ (a frozenset of a frozenset is the same set, so a
        # kind declared with choices.*_LIVE compiles to the SQL it always did).
        object.__setattr__(self, "live_statuses", frozenset(self.live_statuses))
        object.__setattr__(self, "handler_fields", tuple(self.handler_fields))

    @cached_property
    def model_class(self):
        return apps.get_model(self.model)

    @cached_property
    def live_filter(self):
        """The condition on a record under which its deadline is still to be met."""
        live = Q(**{f"{self.status_field}__in": self.live_statuses})
        return live & self.live_when if self.live_when is not None else live

    def live_queryset(self):
        """The records whose deadline is still to be met (the sweep reads nothing else)."""
        records = self.model_class._default_manager.filter(self.live_filter)
        return records.exclude(**{f"{self.due_field}__isnull": True})

    # --- who ----------------------------------------------------------------------------------------
    def named_recipients(self, level, objects):
        """{object pk: [user ids]} from the `recipients` hook for a batch of records (one call), else {}."""
        if self.recipients is None or not objects:
            return {}
        hook = import_string(self.recipients) if isinstance(self.recipients, str) else self.recipients
        return hook(self, level, objects)

    # --- met on time (PRODUCT §9: "closed on time", the on-time rate) ------------------------------------
    def met_on_time(self, obj):
        """True when the record met the deadline by its (current) due moment — exactly at it counts as on
        time — False when after it, None while it is not met yet (or the record has no such deadline)."""
        met, due = getattr(obj, self.met_field), getattr(obj, self.due_field)
        if met is None or due is None:
            return None
        return met <= due

    def met_on_time_q(self):
        """Records that met the deadline by its due moment, as a filter (`met_on_time` is True)."""
        return Q(**{f"{self.met_field}__lte": F(self.due_field)})

    def met_late_q(self):
        """Records that met the deadline after its due moment (`met_on_time` is False)."""
        return Q(**{f"{self.met_field}__gt": F(self.due_field)})

    def with_met_on_time(self, queryset=None, name="met_on_time"):
        """The queryset (the kind's model by default) annotated with `name`: `met_on_time` in SQL."""
        if queryset is None:
            queryset = self.model_class._default_manager.all()
        not_met = Q(**{f"{self.met_field}__isnull": True}) | Q(**{f"{self.due_field}__isnull": True})
        return queryset.annotate(
            **{
                name: Case(
                    When(not_met, then=Value(None)),
                    When(self.met_on_time_q(), then=Value(True)),
                    default=Value(False),
                    output_field=BooleanField(null=True),
                )
            }
        )

    def title(self, obj):
        return str(obj)[:255]

    def url(self, obj):
        get_url = getattr(obj, "get_absolute_url", None)
        return get_url() if get_url else ""

    def defaults(self):
        return {
            "warning_lead_days": self.warning_lead_days,
            "long_deadline_days": self.long_deadline_days,
            "long_warning_lead_days": self.long_warning_lead_days,
            "escalation_delay_days": self.escalation_delay_days,
            "is_active": True,
        }


_kinds: dict[str, DeadlineKind] = {}


def register(kind):
    existing = _kinds.get(kind.slug)
    if existing is not None and existing != kind:
        raise ValueError(f"Deadline kind {kind.slug!r} is registered twice with different definitions.")
    _kinds[kind.slug] = kind
    return kind


def get(slug):
    return _kinds[slug]


def all_kinds():
    return list(_kinds.values())


def choices():
    return [(kind.slug, kind.label) for kind in _kinds.values()]
