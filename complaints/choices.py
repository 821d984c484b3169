"""Complaint statuses, channels and the workflow's transition table — declared once, as data.

`TRANSITIONS` is the only place that says which action moves a complaint from which statuses to which,
who may take it and what it needs; `workflow.py` hands it to the platform's engine (enforcement/workflow),
from which come `allowed_actions(user)`, the services' checks, the API's
`POST /api/v1/complaints/<id>/<action>/` routes and the page's buttons.
"""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from enforcement.org.choices import HANDLER_ROLES, INTAKE_ROLES, LINE_SUPERVISOR_ROLES, RECEIVER_ROLES, Role
from enforcement.workflow.table import Guard, Transition


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
    UNDER_REVIEW = "under_review", _("Under review")  # 复查中 (信访工作条例 Art. 35)
    UNDER_RECHECK = "under_recheck", _("Under second review")  # 复核中 (Art. 36)


S = ComplaintStatus

OPEN_STATUSES = frozenset(
    {
        S.RECEIVED,
        S.ACCEPTED,
        S.DISPATCHED,
        S.IN_PROGRESS,
        S.REPLIED,
        S.VISITED,
        S.UNDER_REVIEW,
        S.UNDER_RECHECK,
    }
)
FINAL_STATUSES = frozenset({S.REJECTED, S.CLOSED, S.MERGED})

# Where each due moment is live (the reminders' sweeps select on status + due moment).
ACCEPT_LIVE = frozenset({S.RECEIVED})
REPLY_LIVE = frozenset({S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS})
VISIT_LIVE = frozenset({S.REPLIED})
REVIEW_LIVE = frozenset({S.UNDER_REVIEW})
RECHECK_LIVE = frozenset({S.UNDER_RECHECK})


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


class AttachmentStage(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence at intake")
    AFTER = "after", _("After the fix")
    REPLY = "reply", _("With the reply")


class ReplyCountsFrom(models.TextChoices):
    RECEIVED = "received", _("receipt")
    ACCEPTED = "accepted", _("acceptance")


# --- roles -----------------------------------------------------------------------------------------
INTAKE = INTAKE_ROLES
SUPERVISORS = LINE_SUPERVISOR_ROLES
HANDLERS = HANDLER_ROLES
RECEIVERS = RECEIVER_ROLES  # the handlers, and an external unit's liaisons for what was dispatched to it

# Who registers complaints: the intake desk and supervisors on any channel, officers from patrol.
REGISTER_ROLES = INTAKE | SUPERVISORS | {Role.OFFICER}
ANY_CHANNEL_REGISTER_ROLES = INTAKE | SUPERVISORS


# --- the workflow: which action moves a complaint from which statuses to which, who may take it, what it needs.
# Guards say, beyond the status, whether the action applies now — with the words that tell the user why not.
SENT_BACK_ONCE = Guard(
    "can_be_sent_back", _("A complaint can be sent back once, to the unit that dispatched it.")
)
REOPEN_UNSATISFIED = Guard(
    "can_be_reopened", _("Only a complaint whose complainant was unsatisfied can be reopened.")
)
EXTENSION_POSSIBLE = Guard(
    "can_request_extension",
    _("An extension request is already pending, or no further extension is allowed for this complaint."),
)
EXTENSION_DECIDABLE = Guard(
    "can_decide_extension",
    _(
        "There is no pending extension request you may decide: nobody decides their own request, nor one about a "
        "complaint they handle."
    ),
)
# 信访工作条例 Art. 35-36: a petition's reply may be reviewed (复查) one level up within 30 days, the review's
# answer rechecked (复核) one level further up within 30 days; the recheck's answer is final.
REVIEW_POSSIBLE = Guard(
    "can_request_review",
    _(
        "A review can be requested only for a petition, within 30 days of the reply, and only once, by the unit "
        "one level up (Regulations on Petitions, Art. 35)."
    ),
)
RECHECK_POSSIBLE = Guard(
    "can_request_recheck",
    _(
        "A second review can be requested only within 30 days of the review's answer, and only once; its answer "
        "is final (Regulations on Petitions, Art. 35–36)."
    ),
)
FIXED_WITH_PHOTO = Guard(
    "can_close_on_the_spot", _("Only a patrol find with a photo after the fix can be closed on the spot.")
)

TRANSITIONS = {
    "accept": Transition(
        _("Accept"),
        frozenset({S.RECEIVED}),
        S.ACCEPTED,
        INTAKE | SUPERVISORS,
        fields=("note",),
        done=_("Accepted. Now dispatch it to the unit that will handle it."),
    ),
    "reject": Transition(  # 不予受理: the reason goes to the complainant in writing
        pgettext_lazy("complaint", "Reject"),
        frozenset({S.RECEIVED}),
        S.REJECTED,
        INTAKE | SUPERVISORS,
        fields=("reason",),
        required=("reason",),
        style="danger",
        confirm=_("Reject this complaint? The reason is sent to the complainant in writing."),
        done=_("Rejected. Send the complainant the reason in writing."),
    ),
    "dispatch": Transition(  # to a unit in the actor's scope; a district passes it on to a squadron
        _("Dispatch"),
        frozenset({S.ACCEPTED, S.DISPATCHED}),
        S.DISPATCHED,
        INTAKE | SUPERVISORS,
        fields=("unit", "handler", "note"),
        required=("unit",),
        relabel=(lambda c: c.dispatched_at is not None, _("Re-dispatch")),  # 改派
        done=_("Dispatched. The unit has been told."),
    ),
    "send_back": Transition(  # the receiving unit may return it once, with a reason
        _("Send back"),
        frozenset({S.DISPATCHED}),
        S.ACCEPTED,
        RECEIVERS | {Role.BUREAU_HEAD},
        fields=("reason",),
        required=("reason",),
        guard=SENT_BACK_ONCE,
        style="warning",
        confirm=_("Send this complaint back to the unit that dispatched it? This can be done once."),
        done=_("Sent back to the unit that dispatched it."),
    ),
    "start": Transition(
        _("Start handling"),
        frozenset({S.DISPATCHED}),
        S.IN_PROGRESS,
        RECEIVERS,
        fields=("note",),
        done=_("Handling started. Reply to the complainant once it is dealt with."),
    ),
    "reply": Transition(  # 答复
        _("Reply"),
        frozenset({S.IN_PROGRESS}),
        S.REPLIED,
        RECEIVERS | INTAKE | {Role.BUREAU_HEAD},
        fields=("reply_text",),
        required=("reply_text",),
        done=_("Reply recorded. The follow-up visit is next."),
    ),
    "record_visit": Transition(  # 回访
        _("Record follow-up visit"),
        frozenset({S.REPLIED}),
        S.VISITED,
        INTAKE | SUPERVISORS,
        fields=("satisfaction", "note"),
        required=("satisfaction",),
        done=_(
            "Follow-up visit recorded. Close the complaint, or reopen it if the complainant is unsatisfied."
        ),
    ),
    "close": Transition(  # 办结
        pgettext_lazy("complaint", "Close"),
        frozenset({S.VISITED}),
        S.CLOSED,
        INTAKE | SUPERVISORS,
        fields=("note",),
        style="success",
        confirm=_("Close this complaint? It then counts as finished."),
        done=_("Closed."),
    ),
    "reopen": Transition(  # an unsatisfied complainant: back to the unit, counted as a reopen
        _("Reopen"),
        frozenset({S.VISITED, S.CLOSED}),
        S.DISPATCHED,
        INTAKE | SUPERVISORS,
        fields=("reason",),
        required=("reason",),
        guard=REOPEN_UNSATISFIED,
        style="warning",
        confirm=_("Reopen this complaint? It goes back to the unit with a new reply deadline."),
        leads=lambda c: c.satisfaction == Satisfaction.UNSATISFIED,  # then it is the main step, not closing
        done=_("Reopened. It is back with the unit, with a new reply deadline."),
    ),
    "request_extension": Transition(
        _("Request extension"),
        frozenset(REPLY_LIVE),
        None,
        RECEIVERS | INTAKE,
        fields=("reason", "days"),
        required=("reason", "days"),
        guard=EXTENSION_POSSIBLE,
        style="secondary",
        done=_("Extension requested. A supervisor will decide."),
    ),
    "decide_extension": Transition(  # approvals are records of their own; nobody approves their own request
        _("Decide extension"),
        frozenset(REPLY_LIVE),
        None,
        SUPERVISORS,
        fields=("decision", "opinion"),
        required=("decision",),
        guard=EXTENSION_DECIDABLE,
        style="secondary",
        done=_("Extension request decided."),
    ),
    "merge": Transition(  # a duplicate: it points to the surviving record and is not counted twice
        _("Merge into another"),
        frozenset({S.RECEIVED, S.ACCEPTED, S.DISPATCHED, S.IN_PROGRESS}),
        S.MERGED,
        INTAKE | SUPERVISORS,
        fields=("into", "note"),
        required=("into",),
        style="danger",
        confirm=_("Merge this complaint into the one kept? It is then closed as a duplicate."),
        done=_("Merged into the complaint kept; it is not counted twice."),
    ),
    "request_review": Transition(  # 申请复查: by the unit one level up from the one that replied
        _("Request review"),
        frozenset({S.REPLIED, S.VISITED, S.CLOSED}),
        S.UNDER_REVIEW,
        INTAKE | SUPERVISORS,
        fields=("reason", "requested_at"),
        required=("reason",),
        guard=REVIEW_POSSIBLE,
        style="warning",
        confirm=_("Record the complainant's request for a review? It goes to the unit one level up."),
        done=_("Review requested. The unit one level up answers within 30 days."),
    ),
    "answer_review": Transition(  # 复查答复
        _("Answer review"),
        frozenset({S.UNDER_REVIEW}),
        S.CLOSED,
        INTAKE | SUPERVISORS,
        fields=("answer",),
        required=("answer",),
        done=_("Review answered. The complainant may ask for a second review within 30 days."),
    ),
    "request_recheck": Transition(  # 申请复核: one level further up
        _("Request second review"),
        frozenset({S.CLOSED}),
        S.UNDER_RECHECK,
        INTAKE | SUPERVISORS,
        fields=("reason", "requested_at"),
        required=("reason",),
        guard=RECHECK_POSSIBLE,
        style="warning",
        confirm=_("Record the complainant's request for a second review? It goes one level further up."),
        done=_("Second review requested. The unit one level up answers within 30 days."),
    ),
    "answer_recheck": Transition(  # 复核答复: the final answer (Art. 36)
        _("Answer second review"),
        frozenset({S.UNDER_RECHECK}),
        S.CLOSED,
        INTAKE | SUPERVISORS,
        fields=("answer",),
        required=("answer",),
        confirm=_("Record the answer to the second review? It is final: the matter is then closed for good."),
        done=_("Second review answered. The matter is closed for good."),
    ),
    "close_on_the_spot": Transition(  # 当场整改 (快速上报结案): a patrol find fixed at once
        _("Fixed on the spot"),
        frozenset({S.RECEIVED}),
        S.CLOSED,
        HANDLERS,
        fields=("note",),
        required=("note",),
        guard=FIXED_WITH_PHOTO,
        style="success",
        done=_("Closed as fixed on the spot."),
    ),
}
