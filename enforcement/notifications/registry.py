"""The deadline kinds the reminder sweep watches (PRODUCT §8). Each domain app declares its kinds in a
`deadlines.py` module, found at start-up (like `admin.py`):

    from enforcement.notifications.registry import DeadlineKind, register

    register(DeadlineKind(
        slug="complaint_reply", label=_("Complaint reply"), model="complaints.Complaint",
        due_field="reply_due_at", live_filter=Q(status__in=REPLY_LIVE), start_field="received_at",
    ))

A kind says where its due moment is (`due_field`), in which states it is still to be met
(`live_filter` — the sweep reads only those rows, through an index on (status, due field)), who holds
the record (`handler_field`, else the unit's `fallback_roles`) and which unit it belongs to (`unit_field`,
for overdue notices to its squad leaders and escalation to the unit above). `changed_field` names a
timestamp the record's every save sets (an indexed `updated_at`): with it, most sweeps read only the
records that became due or changed since the last sweep; without it, every sweep of the kind is a full
one. Lead times and delays are defaults; administrators override them per kind (`ReminderSetting`)."""

from dataclasses import dataclass
from functools import cached_property

from django.apps import apps
from django.db.models import Q
from django.utils.functional import Promise

from enforcement.org.choices import Role


@dataclass(frozen=True)
class DeadlineKind:
    slug: str
    label: Promise | str
    model: str  # "app_label.ModelName"
    due_field: str
    live_filter: Q
    # When the period started: decides whether the deadline is "long" (a longer warning lead).
    start_field: str | None = None
    # Set on every save (auto_now) and indexed: lets a sweep find what changed since the last one.
    changed_field: str | None = None
    unit_field: str = "unit"
    handler_field: str | None = "handler"
    # Who is warned when nobody holds the record: these roles in its unit (or the nearest unit above).
    fallback_roles: tuple = (Role.INTAKE,)
    warning_lead_days: int = 1
    long_deadline_days: int = 30
    long_warning_lead_days: int = 5
    escalation_delay_days: int = 2

    @cached_property
    def model_class(self):
        return apps.get_model(self.model)

    def live_queryset(self):
        """The records whose deadline is still to be met (the sweep reads nothing else)."""
        records = self.model_class._default_manager.filter(self.live_filter)
        return records.exclude(**{f"{self.due_field}__isnull": True})

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
