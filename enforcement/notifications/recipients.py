"""Who receives a reminder, and over which channels (PRODUCT §8):
- `warning` → whoever holds the record: the active users of the kind's `handler_fields` (a complaint's
  handler; a case's two investigating officers) and of its `recipients` hook, or if none, the kind's
  fallback roles (the intake desk) in its unit or the nearest unit above that has them;
- `overdue` → the same, plus the unit's supervisors (squad leaders; the bureau head where a unit has no
  squad leader; the nearest unit above if it has neither);
- `escalated` → the supervisors one level further up: those of the parent unit (or the nearest above),
  and whoever the kind's hook names for that level. An external responsible unit (外部责任单位) has no
  supervisors of its own — its overdue notices reach the dispatching unit's — so it escalates from there.

Channels: the in-app inbox always, email when the user has an address and email is on, the SMS webhook
when it is configured and the user has a phone number — each minus what the user switched off, except
for escalations, which supervisors cannot switch off.

Event notices (events.py) ask the same resolver who holds a record or has a role nearest to its unit, and
the channels of level `events`, which users may switch off like warnings.

A resolver lives for one sweep (or one event) and answers from a few set-based queries, cached per unit
and user."""

from django.conf import settings
from django.contrib.auth import get_user_model

from enforcement.org.choices import LINE_SUPERVISOR_ROLES, Role, UnitLevel
from enforcement.org.models import OrgUnit

from .models import Channel, NotificationLevel, NotificationPreference, ReminderLevel

# A unit's line supervisors in the order of `Role` (the squad leader before the bureau head): an overdue
# notice goes to the first one a unit has (the squad leader runs the squad), an escalation to all of them.
SUPERVISOR_ORDER = tuple(sorted(LINE_SUPERVISOR_ROLES, key=list(Role).index))


def email_enabled():
    return settings.NOTIFICATIONS_EMAIL_ENABLED


def webhook_enabled():
    return bool(settings.NOTIFICATIONS_WEBHOOK_URL)


# Levels users may switch off per channel; escalations to supervisors cannot be switched off.
OPTIONAL_LEVELS = (NotificationLevel.WARNING, NotificationLevel.OVERDUE, NotificationLevel.EVENTS)


def reachable_channels(email, phone):
    """The channels that can reach someone with this address and number, in display order."""
    channels = [Channel.INBOX]
    if email_enabled() and email:
        channels.append(Channel.EMAIL)
    if webhook_enabled() and phone:
        channels.append(Channel.WEBHOOK)
    return channels


def available_channels(user):
    return reachable_channels(user.email, user.phone)


class RecipientResolver:
    """`roles`: roles to find in units besides those the deadline kinds need (an event's declaration's)."""

    def __init__(self, roles=()):
        self._roles = frozenset(roles)
        self._units = {}  # unit id → (parent id, [ancestor ids from the unit up])
        self._external = set()  # ids of external responsible units among them
        self._members = {}  # unit id → {role: [user ids]}
        self._users = {}  # user id → (email, phone) for active users
        self._prefs = {}  # user id → {(channel, level): enabled}

    # --- who ------------------------------------------------------------------------------------
    def recipients(self, kind, level, objects):
        """{object pk: [user ids]} for a batch of records of one kind: whatever the batch's size, one call
        of the kind's `recipients` hook and the same few queries."""
        meta = kind.model_class._meta
        unit_attname = meta.get_field(kind.unit_field).attname
        handler_attnames = [meta.get_field(name).attname for name in kind.handler_fields]
        named = kind.named_recipients(level, objects)
        holders = {
            obj.pk: [getattr(obj, attname) for attname in handler_attnames] + list(named.get(obj.pk, ()))
            for obj in objects
        }
        self._load_units({getattr(obj, unit_attname) for obj in objects} - {None})
        self._load_users({user_id for ids in holders.values() for user_id in ids} - {None})

        result = {}
        for obj in objects:
            unit_id = getattr(obj, unit_attname)
            people = []
            if level in (ReminderLevel.WARNING, ReminderLevel.OVERDUE):
                active = [user_id for user_id in holders[obj.pk] if user_id in self._users]
                people.extend(active or self._nearest(unit_id, kind.fallback_roles))
            if level == ReminderLevel.OVERDUE:
                people.extend(self._nearest(unit_id, SUPERVISOR_ORDER, first_role_only=True))
            elif level == ReminderLevel.ESCALATED:
                parent_id, chain = self._units.get(unit_id, (None, []))
                if unit_id in self._external and len(chain) > 2:
                    parent_id = chain[2]  # above the unit that dispatched to it
                people.extend(self._nearest(parent_id or unit_id, SUPERVISOR_ORDER))
                people.extend(user_id for user_id in named.get(obj.pk, ()) if user_id in self._users)
            result[obj.pk] = list(dict.fromkeys(people))
        self._load_users({user_id for ids in result.values() for user_id in ids})
        return result

    def _nearest(self, unit_id, roles, first_role_only=False):
        """Active users with `roles` in the unit, else in the nearest unit above that has any."""
        if unit_id is None:
            return []
        self._load_units({unit_id})
        for ancestor_id in self._units.get(unit_id, (None, []))[1]:
            members = self._members.get(ancestor_id, {})
            if first_role_only:
                for role in roles:
                    if members.get(role):
                        return members[role]
            else:
                found = [user_id for role in roles for user_id in members.get(role, ())]
                if found:
                    return list(dict.fromkeys(found))
        return []

    def nearest(self, unit_id, roles, *, exclude=()):
        """The active users with the first of `roles` (in their order) that the unit has, else the nearest
        unit above that has one — leaving out `exclude`, who may not act (a squad leader who asked for the
        approval): then the next role, or the unit above, is asked. Their units are the record's or above
        it, so the record is in their scope."""
        if unit_id is None:
            return []
        self._load_units({unit_id})
        exclude = set(exclude)
        for ancestor_id in self._units.get(unit_id, (None, []))[1]:
            members = self._members.get(ancestor_id, {})
            for role in roles:
                found = [user_id for user_id in members.get(role, ()) if user_id not in exclude]
                if found:
                    self._load_preferences(found)
                    return found
        return []

    def active(self, user_ids):
        """Those of `user_ids` who are active users, in their order (their channels then known)."""
        self._load_users(set(user_ids) - {None})
        return [user_id for user_id in dict.fromkeys(user_ids) if user_id in self._users]

    def _load_units(self, unit_ids):
        missing = set(unit_ids) - set(self._units)
        if not missing:
            return
        ancestor_ids = set()
        rows = OrgUnit.objects.filter(pk__in=missing).values_list("pk", "parent_id", "path", "level")
        for pk, parent_id, path, level in rows:
            chain = [int(part) for part in path.split(".") if part][::-1]  # the unit first, the root last
            self._units[pk] = (parent_id, chain)
            if level == UnitLevel.EXTERNAL:
                self._external.add(pk)
            ancestor_ids.update(chain)
        for pk in missing - set(self._units):
            self._units[pk] = (None, [])
        self._load_members(ancestor_ids)

    def _load_members(self, unit_ids):
        missing = set(unit_ids) - set(self._members)
        if not missing:
            return
        for unit_id in missing:
            self._members[unit_id] = {}
        rows = (
            get_user_model()
            .objects.filter(
                unit_id__in=missing, is_active=True, role_assignments__role__in=self._member_roles()
            )
            .values_list("unit_id", "role_assignments__role", "pk", "email", "phone")
            .order_by("pk")
        )
        for unit_id, role, user_id, email, phone in rows:
            self._members[unit_id].setdefault(role, []).append(user_id)
            self._users[user_id] = (email, phone)

    def _member_roles(self):
        from . import registry

        roles = set(LINE_SUPERVISOR_ROLES) | self._roles
        for kind in registry.all_kinds():
            roles.update(kind.fallback_roles)
        return roles

    def _load_users(self, user_ids):
        missing = set(user_ids) - set(self._users)
        if missing:
            rows = (
                get_user_model()
                .objects.filter(pk__in=missing, is_active=True)
                .values_list("pk", "email", "phone")
            )
            for user_id, email, phone in rows:
                self._users[user_id] = (email, phone)
        self._load_preferences(user_ids)

    def _load_preferences(self, user_ids):
        missing = set(user_ids) - set(self._prefs)
        if not missing:
            return
        for user_id in missing:
            self._prefs[user_id] = {}
        rows = NotificationPreference.objects.filter(user_id__in=missing).values_list(
            "user_id", "channel", "level", "enabled"
        )
        for user_id, channel, level, enabled in rows:
            self._prefs[user_id][(channel, level)] = enabled

    # --- how ------------------------------------------------------------------------------------
    def channels_for(self, user_id, level):
        channels = reachable_channels(*self._users.get(user_id, ("", "")))
        if level not in OPTIONAL_LEVELS:
            return channels
        prefs = self._prefs.get(user_id, {})
        return [channel for channel in channels if prefs.get((channel, level), True)]
