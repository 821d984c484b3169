"""Complaint statuses, channels and the workflow's transition table — declared once, as data.

`TRANSITIONS` is the only place that says which action moves a complaint from which statuses to which,
who may take it and what it needs. The model derives `allowed_actions(user)` from it, the services check
it, the API builds its `POST /api/v1/complaints/<id>/<action>/` routes and the UI its buttons from it.
"""

from dataclasses import dataclass, field

from django.db import models
from django.utils.translation import gettext_lazy as _

from enforcement.org.choices import Role


class ComplaintStatus(models.TextChoices):
    RECEIVED = "received", _("Received")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    DISPATCHED = "dispatched", _("Dispatched")
    IN_PROGRESS = "in_progress", _("In progress")
    REPLIED = "replied", _("Replied")
    VISITED = "visited", _("Visited")
    CLOSED = "closed", _("Closed")
    MERGED = "merged", _("Merged into another")


S = ComplaintStatus

OPEN_STATUSES = frozenset({S.RECEIVED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS, S.REPLIED, S.VISITED})
FINAL_STATUSES = frozenset({S.REJECTED, S.CLOSED, S.MERGED})

# Where each due moment is live (the reminders' sweeps select on status + due moment).
ACCEPT_LIVE = frozenset({S.RECEIVED})
REPLY_LIVE = frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS})
VISIT_LIVE = frozenset({S.REPLIED})


class Channel(models.TextChoices):
    HOTLINE_12345 = "hotline_12345", _("12345 hotline")
    HOTLINE_BUREAU = "hotline_bureau", _("Bureau hotline")
    MAYOR_HOTLINE = "mayor_hotline", _("Mayor's hotline")
    LETTER = "letter", _("Letter")
    VISIT = "visit", _("Visit in person")
    WEB = "web", _("Web")
    NPC_MOTION = "npc_motion", _("NPC motion or suggestion")
    CPPCC_PROPOSAL = "cppcc_proposal", _("CPPCC proposal")
    PETITION = "petition", _("Petition")
    MEDIA = "media", _("Media")
    PATROL = "patrol", _("Patrol")


# 信访 in the sense of the Regulations on Letters and Visits (信访工作条例): written acceptance, 60-day handling.
PETITION_CHANNELS = frozenset({Channel.PETITION, Channel.LETTER, Channel.VISIT})
HOTLINE_CHANNELS = frozenset({Channel.HOTLINE_12345, Channel.HOTLINE_BUREAU, Channel.MAYOR_HOTLINE})
DELEGATE_CHANNELS = frozenset({Channel.NPC_MOTION, Channel.CPPCC_PROPOSAL})


class Satisfaction(models.TextChoices):
    SATISFIED = "satisfied", _("Satisfied")
    BASICALLY_SATISFIED = "basically_satisfied", _("Basically satisfied")
    UNSATISFIED = "unsatisfied", _("Unsatisfied")
    UNREACHABLE = "unreachable", _("Could not be reached")


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", _("Photo")
    AUDIO = "audio", _("Audio")
    PDF = "pdf", _("PDF document")


class AttachmentStage(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence at intake")
    AFTER = "after", _("After the fix")
    REPLY = "reply", _("With the reply")


class DeadlineUnit(models.TextChoices):
    WORKING_DAYS = "working_days", _("working days")
    CALENDAR_DAYS = "calendar_days", _("days")
    WORKING_HOURS = "working_hours", _("working hours")


class ReplyCountsFrom(models.TextChoices):
    RECEIVED = "received", _("receipt")
    ACCEPTED = "accepted", _("acceptance")


class ExtensionDecision(models.TextChoices):
    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


# --- roles -----------------------------------------------------------------------------------------
INTAKE = frozenset({Role.INTAKE})
SUPERVISORS = frozenset({Role.SQUAD_LEADER, Role.BUREAU_HEAD})
HANDLERS = frozenset({Role.OFFICER, Role.SQUAD_LEADER})

# Who registers complaints: the intake desk and supervisors on any channel, officers from patrol.
REGISTER_ROLES = INTAKE | SUPERVISORS | {Role.OFFICER}
ANY_CHANNEL_REGISTER_ROLES = INTAKE | SUPERVISORS


@dataclass(frozen=True)
class Transition:
    """One workflow action. `target` None keeps the status (extensions). `fields` are the inputs the
    action takes, `required` those that must be given. `guard` names a `Complaint` method answering
    whether the action applies now beyond the status (e.g. "sent back at most once"), given the user."""

    label: str
    sources: frozenset
    target: str | None
    roles: frozenset
    fields: tuple = ()
    required: tuple = ()
    guard: str = ""
    confirm: bool = False
    style: str = "primary"
    extra: dict = field(default_factory=dict)


TRANSITIONS = {
    "accept": Transition(
        _("Accept"), frozenset({S.RECEIVED}), S.ACCEPTED, INTAKE | SUPERVISORS, fields=("note",),
    ),
    "reject": Transition(  # 不予受理: the reason goes to the complainant in writing
        _("Reject"), frozenset({S.RECEIVED}), S.REJECTED, INTAKE | SUPERVISORS,
        fields=("reason",), required=("reason",), confirm=True, style="danger",
    ),
    "dispatch": Transition(  # to a unit in the actor's scope; a district passes it on to a squadron
        _("Dispatch"), frozenset({S.ACCEPTED, S.DISPATCHED}), S.DISPATCHED, INTAKE | SUPERVISORS,
        fields=("unit", "handler", "note"), required=("unit",),
    ),
    "send_back": Transition(  # the receiving unit may return it once, with a reason
        _("Send back"), frozenset({S.DISPATCHED}), S.ACCEPTED, HANDLERS | {Role.BUREAU_HEAD},
        fields=("reason",), required=("reason",), guard="can_be_sent_back", confirm=True, style="warning",
    ),
    "start": Transition(
        _("Start handling"), frozenset({S.DISPATCHED}), S.IN_PROGRESS, HANDLERS, fields=("note",),
    ),
    "reply": Transition(  # 答复
        _("Reply"), frozenset({S.IN_PROGRESS}), S.REPLIED, HANDLERS | INTAKE | {Role.BUREAU_HEAD},
        fields=("reply_text",), required=("reply_text",),
    ),
    "record_visit": Transition(  # 回访
        _("Record follow-up visit"), frozenset({S.REPLIED}), S.VISITED, INTAKE | SUPERVISORS,
        fields=("satisfaction", "note"), required=("satisfaction",),
    ),
    "close": Transition(
        _("Close"), frozenset({S.VISITED}), S.CLOSED, INTAKE | SUPERVISORS, fields=("note",), style="success",
    ),
    "reopen": Transition(  # an unsatisfied complainant: back to the unit, counted as a reopen
        _("Reopen"), frozenset({S.VISITED, S.CLOSED}), S.DISPATCHED, INTAKE | SUPERVISORS,
        fields=("reason",), required=("reason",), guard="can_be_reopened", confirm=True, style="warning",
    ),
    "request_extension": Transition(
        _("Request extension"), frozenset(REPLY_LIVE), None, HANDLERS | INTAKE,
        fields=("reason", "days"), required=("reason", "days"), guard="can_request_extension",
        style="secondary",
    ),
    "decide_extension": Transition(  # approvals are records of their own; nobody approves their own request
        _("Decide extension"), frozenset(REPLY_LIVE), None, SUPERVISORS,
        fields=("decision", "opinion"), required=("decision",), guard="can_decide_extension",
        style="secondary",
    ),
    "merge": Transition(  # a duplicate: it points to the surviving record and is not counted twice
        _("Merge into another"), frozenset({S.RECEIVED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS}), S.MERGED,
        INTAKE | SUPERVISORS, fields=("into", "note"), required=("into",), confirm=True, style="danger",
    ),
    "close_on_the_spot": Transition(  # 当场整改 (快速上报结案): a patrol find fixed at once
        _("Fixed on the spot"), frozenset({S.RECEIVED}), S.CLOSED, HANDLERS,
        fields=("note",), required=("note",), guard="can_close_on_the_spot", style="success",
    ),
}

ACTION_CHOICES = [(slug, t.label) for slug, t in TRANSITIONS.items()]
