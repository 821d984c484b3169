"""What complaints count in the monthly statistics (PRODUCT §9).

Every figure is of the complaints RECEIVED in the month (local `received_at`), in the unit that holds each
now, by its category and channel, merged duplicates left out (`Complaint.objects.counted()`): "closed" is
"of March's complaints, those now closed", so a March complaint closed in April raises March's figure (a
locked March then shows the correction). One grouped query per grain counts them all.

The digital city-management loop (数字城管) is the patrol channel's own family: finds collected, fixed on
the spot (快速上报结案), dispatched (立案派遣) and, of those dispatched, closed (结案) — the summaries'
"结案率 99.53 %" is closed ÷ dispatched.
"""

from django.db.models import Count, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from enforcement.stats.measures import Measure, Rate, Source, Tally

from .choices import DELEGATE_CHANNELS, Channel, ComplaintStatus, Satisfaction
from .models import Complaint

S = ComplaintStatus
COMPLAINTS, PATROL = "complaints", "patrol"


def _in_month(period):
    return Q(received_at__gte=period.start, received_at__lt=period.end)


CLOSED = Q(status=S.CLOSED)
REJECTED = Q(status=S.REJECTED)
# 受理: accepted, or a patrol find fixed on the spot (it is closed at once, without an acceptance step).
ACCEPTED = (Q(accepted_at__isnull=False) | Q(on_the_spot=True)) & ~REJECTED
# The answer is the reply; a find fixed on the spot has none, and its closing is its answer. No reply
# deadline (none was ever set) means it cannot be late.
NO_DEADLINE = Q(reply_due_at__isnull=True)
REPLIED_IN_TIME = Q(replied_at__lte=F("reply_due_at"))
CLOSED_UNREPLIED_IN_TIME = Q(replied_at__isnull=True, closed_at__lte=F("reply_due_at"))
ON_TIME = CLOSED & (NO_DEADLINE | REPLIED_IN_TIME | CLOSED_UNREPLIED_IN_TIME)
ANSWERS = (Satisfaction.SATISFIED, Satisfaction.BASICALLY_SATISFIED, Satisfaction.UNSATISFIED)
IS_PATROL = Q(channel=Channel.PATROL)


def _overdue(now):
    """Answered after the reply deadline, or unanswered with it passed at `now` (a rejection answers no
    reply deadline: 不予受理 is answered within the acceptance period instead)."""
    late = Q(replied_at__gt=F("reply_due_at")) | Q(replied_at__isnull=True, closed_at__gt=F("reply_due_at"))
    waiting = Q(replied_at__isnull=True, closed_at__isnull=True, reply_due_at__lt=now)
    return ~REJECTED & ~NO_DEADLINE & (late | waiting)


def _count(condition=None):
    return Count("id", filter=condition)


def _public(condition=None):
    """A count of the public's complaints (群众投诉: every channel but patrol, whose finds are the digital
    city-management loop's own family)."""
    return _count(~IS_PATROL & condition if condition is not None else ~IS_PATROL)


def tallies(period):
    """One grouped count over the month's counted complaints: every measure is a filtered Count."""
    yield Tally(
        Complaint.objects.counted().filter(_in_month(period)),
        {
            "complaints_received": _public(),
            "complaints_accepted": _public(ACCEPTED),
            "complaints_rejected": _public(REJECTED),
            "complaints_closed": _public(CLOSED),
            "complaints_closed_on_time": _public(ON_TIME),
            "complaints_overdue": _public(_overdue(timezone.now())),
            "complaints_reopened": _public(Q(reopen_count__gt=0)),
            "complaints_visited": _public(Q(satisfaction__in=ANSWERS)),
            "complaints_satisfied": _public(Q(satisfaction=Satisfaction.SATISFIED)),
            "complaints_basically_satisfied": _public(Q(satisfaction=Satisfaction.BASICALLY_SATISFIED)),
            "complaints_unsatisfied": _public(Q(satisfaction=Satisfaction.UNSATISFIED)),
            "complaints_npc_motions": _count(Q(channel=Channel.NPC_MOTION)),
            "complaints_cppcc_proposals": _count(Q(channel=Channel.CPPCC_PROPOSAL)),
            "complaints_npc_cppcc_closed": _count(Q(channel__in=sorted(DELEGATE_CHANNELS)) & CLOSED),
            "patrol_collected": _count(IS_PATROL),
            "patrol_closed_on_the_spot": _count(IS_PATROL & Q(on_the_spot=True)),
            "patrol_dispatched": _count(IS_PATROL & Q(dispatched_at__isnull=False)),
            "patrol_closed": _count(IS_PATROL & Q(dispatched_at__isnull=False) & CLOSED),
        },
        channel="channel",
        person="handler_id",
        # A city's month (50,000 complaints) grouped at the finest level sorts 6 MB: in memory, not on disk
        # (a third less time, bench_stats).
        work_mem="16MB",
    )


def changed(period, unit_ids, since):
    """The month's complaints of those units changed since `since` (a lock's corrections name them)."""
    return (
        Complaint.objects.filter(_in_month(period), unit_id__in=unit_ids, updated_at__gt=since)
        .only("number", "description")  # str() and get_absolute_url()
        .order_by("id")
    )


MEASURES = [
    Measure(
        "complaints_received",
        _("Complaints received"),
        _(
            "Complaints received in the month, by local time of receipt, of every channel but patrol (patrol "
            "finds are counted apart, as the digital city-management loop), in the unit holding each now; "
            "duplicates merged into another are left out."
        ),
        COMPLAINTS,
        by_channel=True,
    ),
    Measure(
        "complaints_accepted",
        _("Complaints accepted"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those accepted: with a time of acceptance; rejected ones are not."
        ),
        COMPLAINTS,
        by_channel=True,
    ),
    Measure(
        "complaints_rejected",
        _("Complaints rejected"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those now rejected (not accepted, the reason sent in writing)."
        ),
        COMPLAINTS,
    ),
    Measure(
        "complaints_closed",
        _("Complaints closed"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those whose status is closed now, whenever they were closed; one reopened or under "
            "review is not."
        ),
        COMPLAINTS,
        by_person=True,  # the assessment (考评) of each officer
        by_channel=True,
    ),
    Measure(
        "complaints_closed_on_time",
        _("Complaints closed on time"),
        _(
            "Of the complaints received in the month now closed, those replied to no later than the reply "
            "deadline as it stands (approved extensions included; after a reopen, the new deadline and "
            "reply); one closed without a reply (fixed on the spot) counts by its closing time, and one "
            "with no reply deadline counts as on time."
        ),
        COMPLAINTS,
        by_person=True,  # the assessment (考评) of each officer
        by_channel=True,
    ),
    Measure(
        "complaints_overdue",
        _("Complaints overdue"),
        _(
            "Of the complaints received in the month (merged duplicates and rejected ones left out), those "
            "replied to (or, without a reply, closed) after the reply deadline as it stands, or not yet "
            "replied to with that deadline passed at the time the figures were computed."
        ),
        COMPLAINTS,
        by_person=True,  # the assessment (考评) of each officer
    ),
    Measure(
        "complaints_reopened",
        _("Complaints reopened"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those reopened at least once for an unsatisfied complainant."
        ),
        COMPLAINTS,
        by_person=True,  # the assessment (考评) of each officer
    ),
    Measure(
        "complaints_visited",
        _("Complaints visited back"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those whose latest follow-up visit got an answer: satisfied, basically satisfied or "
            "unsatisfied; a complainant who could not be reached is not a visit answered."
        ),
        COMPLAINTS,
        by_person=True,  # the assessment (考评) of each officer
    ),
    Measure(
        "complaints_satisfied",
        _("Visits answered satisfied"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those whose latest follow-up visit's answer is satisfied."
        ),
        COMPLAINTS,
        by_person=True,  # the assessment (考评) of each officer
    ),
    Measure(
        "complaints_basically_satisfied",
        _("Visits answered basically satisfied"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those whose latest follow-up visit's answer is basically satisfied."
        ),
        COMPLAINTS,
        by_person=True,  # the assessment (考评) of each officer
    ),
    Measure(
        "complaints_unsatisfied",
        _("Visits answered unsatisfied"),
        _(
            "Of the complaints received in the month (by local time of receipt, merged duplicates left "
            "out), those whose latest follow-up visit's answer is unsatisfied (a reopen clears it until "
            "the next visit)."
        ),
        COMPLAINTS,
    ),
    Measure(
        "complaints_npc_motions",
        _("NPC motions received"),
        _(
            "NPC deputies' motions and suggestions received in the month (channel NPC motion), by local "
            "time of receipt, merged duplicates left out."
        ),
        COMPLAINTS,
    ),
    Measure(
        "complaints_cppcc_proposals",
        _("CPPCC proposals received"),
        _(
            "CPPCC members' proposals received in the month (channel CPPCC proposal), by local time of "
            "receipt, merged duplicates left out."
        ),
        COMPLAINTS,
    ),
    Measure(
        "complaints_npc_cppcc_closed",
        _("NPC motions and CPPCC proposals closed"),
        _(
            "Of the NPC motions and CPPCC proposals received in the month (by local time of receipt, "
            "merged duplicates left out), those whose status is closed now."
        ),
        COMPLAINTS,
    ),
    Measure(
        "patrol_collected",
        _("Patrol finds collected"),
        _(
            "Complaints of the patrol channel (digital city management finds) received in the month, by "
            "local time of receipt, merged duplicates left out."
        ),
        PATROL,
    ),
    Measure(
        "patrol_closed_on_the_spot",
        _("Patrol finds fixed on the spot"),
        _(
            "Of the patrol finds received in the month (by local time of receipt, merged duplicates left "
            "out), those closed as fixed on the spot by the officer who found them."
        ),
        PATROL,
    ),
    Measure(
        "patrol_dispatched",
        _("Patrol finds dispatched"),
        _(
            "Of the patrol finds received in the month (by local time of receipt, merged duplicates left "
            "out), those dispatched to a unit (with a time of dispatch), whenever that was."
        ),
        PATROL,
    ),
    Measure(
        "patrol_closed",
        _("Dispatched patrol finds closed"),
        _(
            "Of the patrol finds received in the month and dispatched to a unit (merged duplicates left "
            "out), those whose status is closed now; finds fixed on the spot are counted apart."
        ),
        PATROL,
    ),
]
RATES = [
    Rate(
        "completion_rate",
        _("Completion rate"),
        _("Complaints closed ÷ complaints received, of the complaints received in the month, in %."),
        COMPLAINTS,
        ("complaints_closed",),
        ("complaints_received",),
    ),
    Rate(
        "on_time_rate",
        _("On-time rate"),
        _("Complaints closed on time ÷ complaints closed, of the complaints received in the month, in %."),
        COMPLAINTS,
        ("complaints_closed_on_time",),
        ("complaints_closed",),
    ),
    Rate(
        "satisfaction_rate",
        _("Satisfaction rate"),
        _(
            "(Visits answered satisfied + basically satisfied) ÷ visits answered, of the complaints "
            "received in the month, in %; complainants who could not be reached are left out of both."
        ),
        COMPLAINTS,
        ("complaints_satisfied", "complaints_basically_satisfied"),
        ("complaints_visited",),
    ),
    Rate(
        "patrol_closure_rate",
        _("Patrol closure rate"),
        _(
            "Dispatched patrol finds closed ÷ patrol finds dispatched, of the finds received in the month, in %."
        ),
        PATROL,
        ("patrol_closed",),
        ("patrol_dispatched",),
        decimals=2,  # the summaries quote 99.53 %
    ),
]


def points(first, last, unit_ids, cell):
    """Where the months' complaints with a location were, counted per cell of `cell` degrees (the
    dashboard's heat layer): the cell's south-west corner and its count, grouped in the database."""
    from django.db.models import DecimalField, ExpressionWrapper
    from django.db.models.functions import Floor

    def corner(field):
        return ExpressionWrapper(
            Floor(F(field) / cell) * cell, output_field=DecimalField(max_digits=12, decimal_places=6)
        )

    rows = (
        Complaint.objects.counted()
        .filter(
            received_at__gte=first.start,
            received_at__lt=last.end,
            unit_id__in=unit_ids,
            lat__isnull=False,
            lng__isnull=False,
        )
        .order_by()
        .values(y=corner("lat"), x=corner("lng"))
        .annotate(n=Count("id"))
    )
    return [(row["y"], row["x"], row["n"]) for row in rows]


SOURCE = Source(
    family=COMPLAINTS,
    measures=MEASURES,
    rates=RATES,
    tallies=tallies,
    changed=changed,
    channels=Channel.choices,
    watch=[(Complaint, lambda c: [timezone.localdate(c.received_at)])],
    points=points,
)
