"""The earlier rounds of a reopened complaint, read back from its audit trail. A reopen starts a new round
of handling (the record's reply and visit fields then describe the current round), so the replies and the
unsatisfied visits before it are kept where history is kept: in the events of `reply`, `record_visit` and
`reopen` (whose `before` also holds the cleared values, for the statistics' "reopened after an unsatisfied
visit")."""

from dataclasses import dataclass
from datetime import datetime

from django.utils.dateparse import parse_datetime

from enforcement.audit.models import AuditEvent

from .choices import Satisfaction

ROUND_STEPS = ("reply", "record_visit", "reopen")


@dataclass
class Round:
    reply_text: str = ""
    replied_at: datetime | None = None
    replied_by: object = None
    satisfaction: str = ""
    visit_note: str = ""
    visited_at: datetime | None = None
    reopened_at: datetime | None = None
    reopened_by: object = None
    reopen_reason: str = ""

    def get_satisfaction_display(self):
        return Satisfaction(self.satisfaction).label if self.satisfaction in Satisfaction.values else ""


def _moment(value):
    return parse_datetime(value) if isinstance(value, str) else None


def earlier_rounds(complaint):
    """The rounds that ended in a reopen, oldest first (none, without a query, if it was never reopened)."""
    if not complaint.reopen_count:
        return []
    events = (
        AuditEvent.objects.for_object(complaint)
        .filter(verb__in=ROUND_STEPS)
        .select_related("actor")
        .order_by("at", "id")
    )
    rounds, current, text = [], Round(), ""
    for event in events:
        after = event.after or {}
        if event.verb == "reply":
            text = after.get("reply_text", text)  # an unchanged text is not in the event's diff
            current.reply_text, current.replied_by = text, event.actor
            current.replied_at = _moment(after.get("replied_at")) or event.at
        elif event.verb == "record_visit":
            current.satisfaction = after.get("satisfaction", current.satisfaction)
            current.visit_note = event.note
            current.visited_at = _moment(after.get("visited_at")) or event.at
        else:
            current.reopened_at, current.reopened_by, current.reopen_reason = (
                event.at,
                event.actor,
                event.note,
            )
            rounds.append(current)
            current = Round()
    return rounds
