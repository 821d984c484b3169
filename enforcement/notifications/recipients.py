"""Who receives a reminder, and over which channels (PRODUCT §8):
- `warning` → whoever holds the record: its handler, or if none, the kind's fallback roles (the intake
  desk) in its unit or the nearest unit above that has them;
- `overdue` → the same, plus the unit's supervisors (squad leaders; the bureau head where a unit has no
  squad leader; the nearest unit above if it has neither);
- `escalated` → the supervisors one level further up: those of the parent unit (or the nearest above).

Channels: the in-app inbox always, email when the user has an address and email is on, the SMS webhook
when it is configured and the user has a phone number — each minus what the user switched off, except
for escalations, which supervisors cannot switch off.

A resolver lives for one sweep and answers from a few set-based queries, cached per unit and user."""


from django.conf import settings
from django.contrib.auth import get_user_model

from enforcement.org.choices import Role
from enforcement.org.models import OrgUnit

from .models import Channel, NotificationPreference, ReminderLevel

SUPERVISOR_ROLES = (Role.SQUAD_LEADER, Role.BUREAU_HEAD)
# Who is preferred among a unit's supervisors for an overdue notice (the squad leader runs the squad).
OVERDUE_ROLE_ORDER = (Role.SQUAD_LEADER, Role.BUREAU_HEAD)


def email_enabled():
    return settings.NOTIFICATIONS_EMAIL_ENABLED


def webhook_enabled():
    return bool(settings.NOTIFICATIONS_WEBHOOK_URL)


# Levels users may switch off per channel; escalations to supervisors cannot be switched off.
OPTIONAL_LEVELS = (ReminderLevel.WARNING, ReminderLevel.OVERDUE)


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
    def __init__(self):
        self._units = {}  # unit id → (parent id, [ancestor ids from the unit up])
        self._members = {}  # unit id → {role: [user ids]}
        self._users = {}  # user id → (email, phone) for active users
        self._prefs = {}  # user id → {(channel, level): enabled}

    # --- who ------------------------------------------------------------------------------------
    def recipients(self, kind, level, objects):
        """{object pk: [user ids]} for a batch of records of one kind."""
        meta = kind.model_class._meta
        unit_attname = meta.get_field(kind.unit_field).attname
        handler_attname = meta.get_field(kind.handler_field).attname if kind.handler_field else None
        unit_ids = {getattr(obj, unit_attname) for obj in objects} - {None}
        handler_ids = {getattr(obj, handler_attname) for obj in objects} - {None} if handler_attname else set()
        self._load_units(unit_ids)
        self._load_users(handler_ids)

        result = {}
        for obj in objects:
            unit_id = getattr(obj, unit_attname)
            people = []
            if level in (ReminderLevel.WARNING, ReminderLevel.OVERDUE):
                handler_id = getattr(obj, handler_attname) if handler_attname else None
                if handler_id in self._users:
                    people.append(handler_id)
                else:
                    people.extend(self._nearest(unit_id, kind.fallback_roles))
            if level == ReminderLevel.OVERDUE:
                people.extend(self._nearest(unit_id, OVERDUE_ROLE_ORDER, first_role_only=True))
            elif level == ReminderLevel.ESCALATED:
                parent_id = self._units.get(unit_id, (None, []))[0]
                people.extend(self._nearest(parent_id or unit_id, SUPERVISOR_ROLES))
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

    def _load_units(self, unit_ids):
        missing = set(unit_ids) - set(self._units)
        if not missing:
            return
        ancestor_ids = set()
        for pk, parent_id, path in OrgUnit.objects.filter(pk__in=missing).values_list("pk", "parent_id", "path"):
            chain = [int(part) for part in path.split(".") if part][::-1]  # the unit first, the root last
            self._units[pk] = (parent_id, chain)
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
            .objects.filter(unit_id__in=missing, is_active=True, role_assignments__role__in=self._member_roles())
            .values_list("unit_id", "role_assignments__role", "pk", "email", "phone")
            .order_by("pk")
        )
        for unit_id, role, user_id, email, phone in rows:
            self._members[unit_id].setdefault(role, []).append(user_id)
            self._users[user_id] = (email, phone)

    def _member_roles(self):
        from . import registry

        roles = set(SUPERVISOR_ROLES)
        for kind in registry.all_kinds():
            roles.update(kind.fallback_roles)
        return roles

    def _load_users(self, user_ids):
        missing = set(user_ids) - set(self._users)
        if missing:
            rows = get_user_model().objects.filter(pk__in=missing, is_active=True).values_list("pk", "email", "phone")
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
