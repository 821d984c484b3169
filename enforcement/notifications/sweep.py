"""The reminder sweep (PRODUCT §8): for every registered deadline kind and level, select the live records
whose reminder is due and has not been made, in batches; make the `Reminder` rows and their `Delivery`
rows idempotently; send the deliveries once the batch has committed.

When each level is due (all in working days of the calendar, 行政处罚法 Art. 85):
- `warning`: from the start of the working day `lead` working days before the deadline's date, while the
  deadline is still ahead (lead = 1, or 5 when the deadline lies ≥ 30 days after the period's start);
- `overdue`: once the deadline has passed;
- `escalated`: once the end of the `delay`-th working day after the deadline's date has passed too.

The reminders are derived from the records, so a late, retried or doubled sweep produces exactly the same
rows. What a sweep reads is a matter of cost only: a full sweep reads every live record in its warning
period or overdue (and finds, by the anti-join on the reminders' key, the few without their reminder);
between full sweeps a sweep reads only the records that became due since the last finished sweep (the
cutoffs moved: a new working day, the minutes since) or changed since (`DeadlineKind.changed_field`,
less REMINDER_CHANGE_MARGIN_SECONDS for transactions still open then). Whatever escapes that — a change
written around the ORM, an open transaction longer than the margin — the next full sweep makes, at most
REMINDER_FULL_SWEEP_SECONDS later. `SweepMark` keeps the moments per kind; a sweep that fails part-way
moves nothing, so the next one reads from the same moment."""

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import connection, transaction
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from enforcement.workdays.calendar import get_calendar, start_of_day

from . import registry
from .delivery import enqueue_deliveries, requeue_at
from .models import Delivery, DeliveryStatus, Reminder, ReminderLevel, ReminderSetting, SweepMark
from .recipients import RecipientResolver

logger = logging.getLogger(__name__)

BATCH_SIZE = 1000
ONE_DAY = timedelta(days=1)
LEVELS = (ReminderLevel.WARNING, ReminderLevel.OVERDUE, ReminderLevel.ESCALATED)


@dataclass
class SweepResult:
    reminders: int = 0
    deliveries: int = 0
    per_kind: dict = field(default_factory=dict)
    full: list = field(default_factory=list)  # the kinds this sweep read in full

    def add(self, kind, level, reminders, deliveries):
        self.reminders += reminders
        self.deliveries += deliveries
        key = f"{kind}:{level}"
        made = self.per_kind.get(key, 0) + reminders
        self.per_kind[key] = made

    def as_dict(self):
        return {
            "reminders": self.reminders,
            "deliveries": self.deliveries,
            "per_kind": self.per_kind,
            "full": self.full,
        }


def effective_settings():
    """{kind slug: settings dict}: the kind's defaults overridden by the administrators' row, if any."""
    rows = {row.kind: row for row in ReminderSetting.objects.all()}
    result = {}
    for kind in registry.all_kinds():
        values = kind.defaults()
        row = rows.get(kind.slug)
        if row is not None:
            values.update({name: getattr(row, name) for name in values})
        result[kind.slug] = values
    return result


# --- when is each level due: date cutoffs, so the database can compare on the indexed due field ---------
def warning_cutoff(today, lead, calendar):
    """Deadlines before this moment are in their warning period today. A deadline on date D is warned
    from the `lead`-th working day before D; that day is on or before today exactly when D is no later
    than the `lead`-th working day after today."""
    last_date = today if lead == 0 else calendar.add_working_days(today, lead)
    return start_of_day(last_date + ONE_DAY)


def escalation_cutoff(now, delay, calendar):
    """Deadlines before this moment are escalated now: the end of the `delay`-th working day after the
    deadline's date D has passed, i.e. D is before the `delay`-th working day counted back from
    yesterday."""
    if delay == 0:
        return now
    day = timezone.localtime(now).date()
    found = 0
    while found < delay:
        day -= ONE_DAY
        if calendar.is_working_day(day):
            found += 1
    return min(start_of_day(day), now)


@dataclass(frozen=True)
class LevelConditions:
    """For one kind at one moment: the condition on its records under which each level is due."""

    warning: Q
    overdue: Q
    escalated: Q
    overdue_only: Q  # overdue and not yet escalated: one range of deadlines
    upper_bound: datetime  # every due record's deadline is before this
    # The moments themselves, so that a later sweep can tell what became due in between.
    now: datetime
    short_cutoff: datetime
    long_cutoff: datetime | None
    short_span: Q  # the records whose deadline is short (all of them when the kind has no start field)
    long_span: Q | None
    escalate_before: datetime

    def for_level(self, level):
        return {
            ReminderLevel.WARNING: self.warning,
            ReminderLevel.OVERDUE: self.overdue,
            ReminderLevel.ESCALATED: self.escalated,
        }[level]


def level_conditions(kind, conf, now, calendar):
    today = timezone.localtime(now).date()
    short_cutoff = warning_cutoff(today, conf["warning_lead_days"], calendar)
    long_cutoff = None
    if kind.start_field:
        long_cutoff = warning_cutoff(today, conf["long_warning_lead_days"], calendar)
    upper = short_cutoff if long_cutoff is None else max(short_cutoff, long_cutoff)
    escalate_before = escalation_cutoff(now, conf["escalation_delay_days"], calendar)
    return conditions_at(kind, conf, now, short_cutoff, long_cutoff, upper, escalate_before)


def conditions_at(kind, conf, now, short_cutoff, long_cutoff, upper_bound, escalate_before):
    """The conditions for the given moments (`level_conditions` computes them from the clock)."""
    due = kind.due_field
    window = Q(**{f"{due}__lt": short_cutoff})
    short_span = long_span = None
    if kind.start_field:
        long_after = F(kind.start_field) + timedelta(days=conf["long_deadline_days"])
        short_span = Q(**{f"{kind.start_field}__isnull": True}) | Q(**{f"{due}__lt": long_after})
        long_span = Q(**{f"{due}__gte": long_after})
        window = (window & short_span) | (Q(**{f"{due}__lt": long_cutoff}) & long_span)
    return LevelConditions(
        # A warning only while the deadline is ahead: once it has passed, the overdue notice says more.
        warning=Q(**{f"{due}__gt": now}) & window,
        overdue=Q(**{f"{due}__lte": now}),
        escalated=Q(**{f"{due}__lte": now, f"{due}__lt": escalate_before}),
        overdue_only=Q(**{f"{due}__lte": now, f"{due}__gte": escalate_before}),  # escalate_before ≤ now
        upper_bound=upper_bound,
        now=now,
        short_cutoff=short_cutoff,
        long_cutoff=long_cutoff,
        short_span=short_span or Q(),
        long_span=long_span,
        escalate_before=escalate_before,
    )


def newly_due(kind, before, after, shape=None):
    """[(part, level, condition)]: the deadlines whose reminder is due at `after.now` but was not at
    `before.now` (earlier), each as a narrow index range of the due field; empty ranges are left out, so
    on most sweeps only the minutes since the last one remain. Every cutoff moves forward with the clock,
    so what was due then is still due now, unless the record changed (a separate part of the sweep reads
    those). `shape` (the part names) keeps exactly those parts, whatever the moments (the SQL cache's
    probe)."""
    due = kind.due_field

    def wanted(part, start, end):
        return part in shape if shape is not None else start < end

    ahead = Q(**{f"{due}__gt": after.now})
    parts = []
    if wanted("short", before.short_cutoff, after.short_cutoff):
        short = Q(**{f"{due}__gte": before.short_cutoff, f"{due}__lt": after.short_cutoff})
        parts.append(("short", ReminderLevel.WARNING, ahead & short & after.short_span))
    if after.long_span is not None and wanted("long", before.long_cutoff, after.long_cutoff):
        long = Q(**{f"{due}__gte": before.long_cutoff, f"{due}__lt": after.long_cutoff})
        parts.append(("long", ReminderLevel.WARNING, ahead & long & after.long_span))
    # Overdue since the last sweep, not yet escalated (a deadline that passed long ago and is escalated
    # now too is in the next range, and escalation makes the overdue notice first).
    if wanted("overdue", before.now, after.now):
        overdue = Q(
            **{f"{due}__gt": before.now, f"{due}__lte": after.now, f"{due}__gte": after.escalate_before}
        )
        parts.append(("overdue", ReminderLevel.OVERDUE, overdue))
    if wanted("escalated", before.escalate_before, after.escalate_before):
        escalated = Q(**{f"{due}__gte": before.escalate_before, f"{due}__lt": after.escalate_before})
        parts.append(("escalated", ReminderLevel.ESCALATED, escalated))
    return parts


def _due_ranges(conditions):
    """[(level, condition)] over deadline ranges that do not overlap: in the warning period, overdue and
    not yet escalated, escalated. A record escalated for its current deadline is finished (the sweep never
    escalates without the overdue notice), so the overdue backlog is read once per full sweep."""
    return [
        (ReminderLevel.WARNING, conditions.warning),
        (ReminderLevel.OVERDUE, conditions.overdue_only),
        (ReminderLevel.ESCALATED, conditions.escalated),
    ]


def _made(kind, level, content_type):
    """The reminder of this level for the outer record's current deadline."""
    return Reminder.objects.filter(
        kind=kind.slug,
        level=level,
        object_id=OuterRef("pk"),
        due_at=OuterRef(kind.due_field),
        content_type=content_type,
    )


def _changed_since(since):
    return since.now - timedelta(seconds=settings.REMINDER_CHANGE_MARGIN_SECONDS)


def candidates(kind, conditions, content_type, since=None, *, shape=None, changed_since=None):
    """The ids to sweep: all due and not made (`since` None: a full sweep), or those among what became
    due or changed since the `LevelConditions` of the last finished sweep."""
    if since is None:
        return full_candidates(kind, conditions, content_type)
    live = kind.live_queryset().order_by()
    parts = [
        live.filter(condition).filter(~Exists(_made(kind, level, content_type)))
        for _part, level, condition in newly_due(kind, since, conditions, shape)
    ]
    # Changed since: a few rows of the changed field's index, each tested against every level (less the
    # margin for transactions still open at the last sweep).
    due_and_not_made = Q()
    for level, condition in _due_ranges(conditions):
        due_and_not_made |= condition & ~Exists(_made(kind, level, content_type))
    changed_since = changed_since or _changed_since(since)
    parts.append(live.filter(**{f"{kind.changed_field}__gte": changed_since}).filter(due_and_not_made))
    first, *rest = [part.values_list("pk", flat=True) for part in parts]
    return first.union(*rest, all=True)


def full_candidates(kind, conditions, content_type):
    """Ids of the live records with a reminder due and not made: one statement per kind, the UNION ALL of
    one range of its (status, due field) index per level (`_due_ranges`), each with its own anti-join on
    the reminders' key — so the planner probes the index per row where few rows are due and hashes where
    many are, level by level, whatever the size of the reminders' history."""
    live = kind.live_queryset().order_by()
    # The upper bound keeps the warning's index range closed (the others are closed by `now`).
    closed = Q(**{f"{kind.due_field}__lt": conditions.upper_bound})
    parts = [
        live.filter(condition & closed if level == ReminderLevel.WARNING else condition).filter(
            ~Exists(_made(kind, level, content_type))
        )
        for level, condition in _due_ranges(conditions)
    ]
    first, *rest = [part.values_list("pk", flat=True) for part in parts]
    return first.union(*rest, all=True)


# --- the candidate statement, compiled once per kind and shape --------------------------------------
# Building and compiling a kind's candidate queryset costs Django about 5 ms, several times what the
# database takes when nothing is due; twelve kinds swept every minute made the sweep miss its 50 ms. The
# statement differs from one sweep to the next only in its moments, so each (kind, shape) is compiled once
# per process from a probe — the same conditions built on distinct made-up moments — and each parameter
# that is one of those moments is filled with the sweep's own. A statement with a moment it cannot place
# is never cached (it is compiled every time, as before).
_MOMENTS = ("now", "short_cutoff", "long_cutoff", "upper_bound", "escalate_before")
_PROBE_BASE = datetime(1901, 1, 1, tzinfo=UTC)
_statements = {}


def _probe(kind, conf, offset):
    values = {
        name: _PROBE_BASE + timedelta(days=offset + index, seconds=17 * (offset + index) + 1)
        for index, name in enumerate(_MOMENTS)
    }
    if not kind.start_field:
        values["long_cutoff"] = None
    return conditions_at(kind, conf, **values)


def _moments(conditions):
    return [getattr(conditions, name) for name in _MOMENTS]


def candidate_ids(kind, conf, conditions, content_type, since=None):
    """The ids `candidates` selects, from the statement cached for this kind and shape."""
    shape = None if since is None else tuple(part for part, _l, _c in newly_due(kind, since, conditions))
    key = (connection.alias, kind.slug, content_type.pk, tuple(sorted(conf.items())), shape)
    statement = _statements.get(key)
    if statement is None:
        statement = _statements[key] = _compile(kind, conf, content_type, shape)
    if statement is False:
        query = candidates(kind, conditions, content_type, since)
        return list(query)
    sql, slots = statement
    values = {("after", n): v for n, v in zip(_MOMENTS, _moments(conditions), strict=True)}
    if since is not None:
        values.update({("before", n): v for n, v in zip(_MOMENTS, _moments(since), strict=True)})
        values[("changed", "since")] = _changed_since(since)
    params = [db_datetime(values[slot[1]]) if slot[0] == "moment" else slot[1] for slot in slots]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [pk for (pk,) in cursor.fetchall()]


def _compile(kind, conf, content_type, shape):
    """(sql, slots) for the kind's candidates in this shape, each slot ("moment", key) or ("value", v);
    False when a parameter looks like a moment but is none of the probe's."""
    after = _probe(kind, conf, 0)
    probes = {("after", n): v for n, v in zip(_MOMENTS, _moments(after), strict=True)}
    if shape is None:
        query = candidates(kind, after, content_type)
    else:
        before = _probe(kind, conf, len(_MOMENTS))
        changed = _PROBE_BASE - timedelta(days=1, seconds=7)
        probes.update({("before", n): v for n, v in zip(_MOMENTS, _moments(before), strict=True)})
        probes[("changed", "since")] = changed
        query = candidates(kind, after, content_type, before, shape=shape, changed_since=changed)
    adapted = {db_datetime(v): key for key, v in probes.items() if v is not None}
    sql, params = query.query.get_compiler(connection=connection).as_sql()
    slots = []
    for param in params:
        key = adapted.get(param) if isinstance(param, (str, datetime)) else None
        if key is not None:
            slots.append(("moment", key))
        elif isinstance(param, datetime) or (isinstance(param, str) and param.startswith("1901-")):
            return False
        else:
            slots.append(("value", param))
    return sql, slots


# --- the sweep ----------------------------------------------------------------------------------------
def _fingerprint(conf, calendar):
    """What the cutoffs depend on besides the clock: a sweep after a change reads in full."""
    return hashlib.sha256(repr((sorted(conf.items()), calendar.fingerprint)).encode()).hexdigest()


def _reads_in_full(kind, mark, now, fingerprint):
    return (
        kind.changed_field is None
        or mark is None
        or now < mark.swept_at  # the clock went back (a replay, a test): nothing to count from
        or now - mark.full_at >= timedelta(seconds=settings.REMINDER_FULL_SWEEP_SECONDS)
        or mark.fingerprint != fingerprint
    )


def send_due_reminders(now=None, *, batch_size=BATCH_SIZE, kinds=None, full=False):
    """One sweep over every kind and level. Safe to run any number of times, concurrently too. `full`
    reads every live record in its warning period or overdue, whatever the last sweep read."""
    now = now or timezone.now()
    calendar = get_calendar()
    confs = effective_settings()
    result = SweepResult()
    resolver = RecipientResolver()
    work, swept = [], []
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # Short indexed queries whose cost estimates can still cross jit_above_cost and the parallel
            # thresholds: compiling them, or starting workers for them, takes longer than running them.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off; SET LOCAL max_parallel_workers_per_gather = 0")
        marks = {mark.kind: mark for mark in SweepMark.objects.all()}
        for kind in kinds or registry.all_kinds():
            conf = confs[kind.slug]
            if not conf["is_active"]:
                continue
            content_type = ContentType.objects.get_for_model(kind.model_class)
            conditions = level_conditions(kind, conf, now, calendar)
            fingerprint = _fingerprint(conf, calendar)
            mark = marks.get(kind.slug)
            since = None
            if full or _reads_in_full(kind, mark, now, fingerprint):
                result.full.append(kind.slug)
            else:
                since = level_conditions(kind, conf, mark.swept_at, calendar)
            # No ORDER BY/LIMIT in the candidate query: it would tempt the planner into walking the primary
            # key of the whole table. The ids are few (what is due and not yet made); batches follow.
            work.append(
                (
                    kind,
                    conditions,
                    content_type,
                    sorted(set(candidate_ids(kind, conf, conditions, content_type, since))),
                )
            )
            swept.append((kind.slug, since is None, fingerprint))
    for kind, conditions, content_type, ids in work:
        for start in range(0, len(ids), batch_size):
            # Each batch is its own transaction, so a worker killed mid-sweep keeps the batches it
            # finished and the next sweep selects exactly what is left.
            with transaction.atomic():
                _sweep_batch(
                    kind, conditions, ids[start : start + batch_size], content_type, now, resolver, result
                )
    _mark_swept(now, swept, unmarked={slug for slug, _f, _p in swept} - set(marks))
    if result.reminders:
        logger.info(
            "Reminder sweep at %s: %s reminders, %s deliveries", now, result.reminders, result.deliveries
        )
    return result


def _mark_swept(now, swept, unmarked=None):
    """Records that every reminder due at `now` exists for the kinds swept (`[(slug, full, fingerprint)]`;
    their batches have committed). Marks only move forward: of two sweeps at once, the later moment stays.
    Between full sweeps this is one UPDATE (the sweep runs every minute: a read-lock-write of every mark
    cost more than the candidate queries)."""
    if not swept:
        return
    slugs = [slug for slug, _full, _print in swept]
    with transaction.atomic():
        # A kind swept for the first time (`unmarked`: those without a mark when the sweep began; None: any);
        # a concurrent sweep may create it first (then its row stays).
        new = [
            SweepMark(kind=slug, swept_at=now, full_at=now, fingerprint=fp)
            for slug, _f, fp in swept
            if unmarked is None or slug in unmarked
        ]
        if new:
            SweepMark.objects.bulk_create(new, ignore_conflicts=True)
        SweepMark.objects.filter(kind__in=slugs, swept_at__lt=now).update(swept_at=now)
        fulls = {}
        for slug, full, fingerprint in swept:
            if full:
                fulls.setdefault(fingerprint, []).append(slug)
        for fingerprint, kinds in fulls.items():
            # A full sweep vouches for the settings and calendar it read with.
            SweepMark.objects.filter(kind__in=kinds, full_at__lte=now).update(
                full_at=now, fingerprint=fingerprint
            )


def _sweep_batch(kind, conditions, ids, content_type, now, resolver, result):
    live = kind.live_queryset().filter(pk__in=ids).order_by("pk")
    for level in LEVELS:
        # Re-read with the level's whole condition: a record met or moved since the ids were read drops out.
        objects = list(
            live.filter(conditions.for_level(level)).filter(~Exists(_made(kind, level, content_type)))
        )
        if not objects:
            continue
        if level == ReminderLevel.ESCALATED:
            # Never an escalation without the overdue notice (_due_ranges relies on it).
            _make_reminders(kind, ReminderLevel.OVERDUE, objects, content_type, now, resolver, result)
        _make_reminders(kind, level, objects, content_type, now, resolver, result)


def _make_reminders(kind, level, objects, content_type, now, resolver, result):
    """Inserts the reminders that do not exist yet and, for those this call inserted (not a concurrent
    sweep), their deliveries; queues the deliveries once the transaction commits. Plain multi-row INSERTs
    of prepared values: at 1 % of two million records due, model instances would cost more than the
    database work."""
    due = kind.due_field
    unit_attname = kind.model_class._meta.get_field(kind.unit_field).attname
    stamp = db_datetime(now)
    inserted = dict(
        insert_returning(
            Reminder,
            [
                "kind",
                "level",
                "object_id",
                "due_at",
                "content_type_id",
                "unit_id",
                "title",
                "url",
                "created_at",
            ],
            [
                (
                    kind.slug,
                    level,
                    obj.pk,
                    db_datetime(getattr(obj, due)),
                    content_type.pk,
                    getattr(obj, unit_attname),
                    kind.title(obj),
                    kind.url(obj),
                    stamp,
                )
                for obj in objects
            ],
            returning=["object_id", "id"],
            ignore_conflicts=True,
        )
    )  # {object id: reminder id}
    if not inserted:
        return
    made = [obj for obj in objects if obj.pk in inserted]
    recipients = resolver.recipients(kind, level, made)
    for obj in made:
        if not recipients.get(obj.pk):
            logger.warning(
                "Nobody to remind of %s %s (%s, %s): no handler or supervisor found",
                kind.model,
                obj.pk,
                kind.slug,
                level,
            )
    retry_at = db_datetime(requeue_at(now))
    delivery_ids = [
        pk
        for (pk,) in insert_returning(
            Delivery,
            [
                "reminder_id",
                "user_id",
                "channel",
                "status",
                "attempts",
                "last_error",
                "next_attempt_at",
                "created_at",
                "updated_at",
            ],
            [
                (
                    inserted[obj.pk],
                    user_id,
                    channel,
                    DeliveryStatus.PENDING.value,
                    0,
                    "",
                    retry_at,
                    stamp,
                    stamp,
                )
                for obj in made
                for user_id in recipients.get(obj.pk, ())
                for channel in resolver.channels_for(user_id, level)
            ],
            returning=["id"],
        )
    ]
    result.add(kind.slug, level, len(made), len(delivery_ids))
    if delivery_ids:
        transaction.on_commit(lambda: enqueue_deliveries(delivery_ids), robust=True)


def db_datetime(value):
    return connection.ops.adapt_datetimefield_value(value)


INSERT_PARAMETERS = 30_000  # below SQLite's limit of 32,766 parameters per statement


def insert_returning(model, columns, rows, *, returning, ignore_conflicts=False):
    """INSERT … [ON CONFLICT DO NOTHING] RETURNING, in statements of at most INSERT_PARAMETERS values.
    With ON CONFLICT DO NOTHING only the rows this statement inserted come back — not those that existed
    or that a concurrent sweep inserted first (PostgreSQL waits for that sweep to commit, then skips)."""
    if not rows:
        return []
    quote = connection.ops.quote_name
    per_statement = max(1, INSERT_PARAMETERS // len(columns))
    placeholder = "(" + ", ".join(["%s"] * len(columns)) + ")"
    head = f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) VALUES "
    tail = (
        " ON CONFLICT DO NOTHING" if ignore_conflicts else ""
    ) + f" RETURNING {', '.join(quote(c) for c in returning)}"
    out = []
    with connection.cursor() as cursor:
        for start in range(0, len(rows), per_statement):
            chunk = rows[start : start + per_statement]
            cursor.execute(
                head + ", ".join([placeholder] * len(chunk)) + tail, [v for row in chunk for v in row]
            )
            out.extend(cursor.fetchall())
    return out
