"""The arithmetic of a fine's execution, pure and exact: what is owed on a given day, given the fine, its
payment schedule, the payments and the pauses. One function (`replay`) computes it for the case page, the
API, the exports and the statistics; lists read the same figure from the state it stores, in SQL
(`penalties.models.ExecutionQuerySet.with_money`), and the tests hold the two equal day by day.

The law (行政处罚法):
- Art. 67: the fine is paid within `payment_days` (15) of service — the due date of the first instalment.
- Art. 72(1): from the day after a due date, a surcharge (加处罚款) of `late_surcharge_percent_per_day` (3 %)
  of what is still unpaid of the fine, per day; the surcharge is never more than the fine. A payment made
  on day D still counts D: paid on the due date, nothing; the next day, one day.
- Art. 73: no surcharge is counted while a reconsideration or a lawsuit is pending.
- Art. 66: with an approved deferral or instalments the schedule changes from the day it is approved; each
  instalment is late only after its own due date.

Money is held in integers: fen (分) for amounts, and micro-yuan (10⁻⁶ yuan = fen × basis points of the daily
rate) for the running surcharge, so that SQLite and PostgreSQL compute exactly what Python does. The
surcharge owed is the micro-yuan total rounded half up to the fen, capped at the fine.

Days are ordinals (`date.toordinal()`), so a database subtracts them as integers on every backend."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

MICRO_PER_FEN = 10_000  # fen × basis points → micro-yuan
CENT = Decimal("0.01")


def to_fen(amount):
    """Decimal yuan (2 places at most) → int fen. A float is a bug."""
    if isinstance(amount, float):
        raise TypeError("Money is Decimal, never float.")
    fen = Decimal(amount) * 100
    if fen != fen.to_integral_value():
        raise ValueError("An amount in yuan has at most two decimal places.")
    return int(fen)


def to_yuan(fen):
    return (Decimal(int(fen)) / 100).quantize(CENT)


def rate_basis_points(percent_per_day):
    """3 (%) → 300; the rate has at most two decimals (e.g. 2.5 % → 250)."""
    points = Decimal(percent_per_day) * 100
    if points != points.to_integral_value():
        raise ValueError("The daily surcharge rate has at most two decimal places.")
    return int(points)


def day_number(day):
    return day.toordinal() if isinstance(day, date) else int(day)


def rounded_fen(micro):
    """Micro-yuan → fen, half up (never negative here)."""
    return (int(micro) + MICRO_PER_FEN // 2) // MICRO_PER_FEN


@dataclass(frozen=True)
class Instalment:
    due_day: int  # the last day to pay without surcharge
    amount_fen: int


@dataclass(frozen=True)
class Schedule:
    """The instalments in force from `from_day` (the original one from service, or an approved deferral's).
    Its amounts cover what was unpaid of the fine on that day; a varied fine's schedule covers the new fine."""

    from_day: int
    instalments: tuple  # of Instalment, in due order
    fine_fen: int  # the fine in force from `from_day` (a variation changes it; it caps the surcharge)


@dataclass(frozen=True)
class Payment:
    day: int
    amount_fen: int
    row: object = field(default=None, compare=False, repr=False)  # the record it stands for, if any


@dataclass
class State:
    """What the execution stands at on `day` (after the payments of that day). `outstanding` are the unpaid
    fen of each instalment of the schedule in force; `running(today)` continues from here while nothing
    else happens."""

    day: int
    fine_fen: int
    outstanding: list = field(default_factory=list)  # [(due_day, fen)], the schedule in force
    accrued_micro: int = 0
    fine_paid_fen: int = 0
    surcharge_paid_fen: int = 0
    paused: bool = False
    stopped: bool = False  # revoked: no surcharge at all
    rate_bp: int = 300
    splits: list = field(default_factory=list)  # [(Payment, fen of it that paid the surcharge)], in order

    @property
    def fine_outstanding_fen(self):
        return sum(fen for _due, fen in self.outstanding)

    def running_micro(self, today):
        """The surcharge accrued after `self.day` up to `today` on what is outstanding (nothing if paused)."""
        if self.paused or self.stopped:
            return 0
        today = day_number(today)
        return self.rate_bp * sum(fen * max(0, today - max(due, self.day)) for due, fen in self.outstanding)

    def surcharge_fen(self, today=None):
        """The surcharge to date (rounded, capped at the fine); 0 once revoked."""
        if self.stopped:
            return 0
        micro = self.accrued_micro + self.running_micro(self.day if today is None else today)
        return min(self.fine_fen, rounded_fen(micro))

    def owed_fen(self, today=None):
        """The fine still unpaid plus the surcharge to date not yet paid."""
        if self.stopped:
            return 0
        surcharge_due = max(0, self.surcharge_fen(today) - self.surcharge_paid_fen)
        return self.fine_outstanding_fen + surcharge_due


class Overpayment(ValueError):
    def __init__(self, day, amount_fen, owed_fen):
        super().__init__(f"{amount_fen} fen paid on day {day}, {owed_fen} owed")
        self.day, self.amount_fen, self.owed_fen = day, amount_fen, owed_fen


def replay(schedules, payments, pauses, *, rate_bp, upto, revoked_from=None):
    """The state on day `upto`, from the whole history:
    - `schedules`: [Schedule], the first from service, each later one from its `from_day` (deferral, variation);
    - `payments`: [Payment] in any order (several on one day add up);
    - `pauses`: [(start_day, end_day or None)], a reconsideration or lawsuit pending from start to end
      (no surcharge counted for the days after `start` up to `end`);
    - `revoked_from`: the day the penalty was revoked: nothing is owed from then.
    Raises Overpayment when a payment is larger than what was owed on its day."""
    upto = day_number(upto)
    schedules = sorted(schedules, key=lambda s: s.from_day)
    first = schedules[0]
    state = State(
        day=first.from_day,
        fine_fen=first.fine_fen,
        outstanding=[(i.due_day, i.amount_fen) for i in first.instalments],
        rate_bp=rate_bp,
    )
    events = []  # (day, order, kind, payload): pauses change before payments of the same day count
    for s in schedules[1:]:
        # A new schedule shares what is unpaid of its fine when it comes into force, after that day's
        # payments: a payment recorded later but dated before it is counted first, never twice or lost.
        events.append((s.from_day, 4, "schedule", s))
    for start, end in pauses:
        events.append((day_number(start), 1, "pause", None))
        if end is not None:
            events.append((day_number(end), 1, "resume", None))
    if revoked_from is not None:
        events.append((day_number(revoked_from), 5, "revoke", None))  # after that day's payments
    for p in payments:
        events.append((p.day, 3, "payment", p))
    events.sort(key=lambda e: (e[0], e[1]))
    open_pauses = 0
    for day, _order, kind, payload in events:
        if day > upto:
            break
        _advance(state, day)
        if kind == "schedule":
            state.fine_fen = payload.fine_fen
            unpaid = max(0, payload.fine_fen - state.fine_paid_fen)
            due_days = [i.due_day for i in payload.instalments]
            state.outstanding = [(i.due_day, i.amount_fen) for i in split_schedule(day, unpaid, due_days)]
        elif kind == "pause":
            open_pauses += 1
            state.paused = True
        elif kind == "resume":
            open_pauses = max(0, open_pauses - 1)
            state.paused = open_pauses > 0
        elif kind == "revoke":
            state.stopped = True
        elif kind == "payment":
            _pay(state, payload)
    _advance(state, upto)
    return state


def _advance(state, day):
    if day > state.day:
        state.accrued_micro += state.running_micro(day)
        state.day = day


def _pay(state, payment):
    owed = state.owed_fen()
    if payment.amount_fen > owed:
        raise Overpayment(payment.day, payment.amount_fen, owed)
    left = payment.amount_fen
    paid_down = []
    for due, fen in state.outstanding:  # the earliest instalment first
        take = min(fen, left)
        left -= take
        paid_down.append((due, fen - take))
    state.fine_paid_fen += payment.amount_fen - left
    state.outstanding = paid_down
    state.surcharge_paid_fen += left  # what is left pays the surcharge
    state.splits.append((payment, left))


def split_schedule(from_day, outstanding_fen, due_days):
    """An approved schedule's instalments: `outstanding_fen` shared as evenly as fen allow over `due_days`
    (the first instalments take the odd fen)."""
    due_days = sorted(day_number(d) for d in due_days)
    count = len(due_days)
    base, odd = divmod(outstanding_fen, count)
    return tuple(Instalment(due, base + (1 if index < odd else 0)) for index, due in enumerate(due_days))
