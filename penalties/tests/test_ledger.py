"""The arithmetic of penalties/ledger.py, without a database: a fine of 1,000 yuan due on day D, its
surcharge of 3 % a day at the edges (Art. 72), partial payments, pauses (Art. 73), schedules (Art. 66),
variation and revocation, rounding half up, and the refusals."""

import itertools
from decimal import Decimal

import pytest

from penalties import ledger

D = 700_000  # the due day (an ordinal; any integer works)
SERVED = D - 15
FINE = 100_000  # 1,000.00 yuan in fen
RATE = 300  # 3 % a day


def single(fine_fen=FINE, due=D, from_day=SERVED):
    return ledger.Schedule(from_day, (ledger.Instalment(due, fine_fen),), fine_fen)


def replay(upto, *, schedules=None, payments=(), pauses=(), revoked_from=None):
    return ledger.replay(
        schedules or [single()],
        [ledger.Payment(day, fen) for day, fen in payments],
        list(pauses),
        rate_bp=RATE,
        upto=upto,
        revoked_from=revoked_from,
    )


def yuan(fen):
    return ledger.to_yuan(fen)


# --- the surcharge at its edges (Art. 72) ---------------------------------------------------------------------
@pytest.mark.parametrize(
    ("late_days", "surcharge"),
    [(-15, "0.00"), (0, "0.00"), (1, "30.00"), (33, "990.00"), (34, "1000.00"), (400, "1000.00")],
)
def test_the_surcharge_is_3_percent_a_day_from_the_day_after_the_due_date_capped_at_the_fine(
    late_days, surcharge
):
    state = replay(D + late_days)
    assert yuan(state.surcharge_fen()) == Decimal(surcharge)
    assert yuan(state.owed_fen()) == Decimal("1000.00") + Decimal(surcharge)
    # The state of the due day, run forward, gives the same figure as the replay to that day.
    assert replay(D).surcharge_fen(D + late_days) == state.surcharge_fen()


def test_paid_in_full_on_the_due_date_nothing_more_is_owed():
    state = replay(D + 30, payments=[(D, FINE)])
    assert (state.surcharge_fen(), state.owed_fen(), state.fine_paid_fen) == (0, 0, FINE)


def test_paid_the_day_after_one_day_counts():
    with pytest.raises(ledger.Overpayment):
        replay(D + 1, payments=[(D + 1, FINE + 3_001)])
    state = replay(D + 10, payments=[(D + 1, FINE + 3_000)])
    assert (state.surcharge_fen(), state.owed_fen(), state.surcharge_paid_fen) == (3_000, 0, 3_000)


@pytest.mark.parametrize(
    ("fine", "one_day"),
    [
        ("333.33", "10.00"),  # 9.9999 → 10.00
        ("0.50", "0.02"),  # 0.015 → 0.02
        ("0.49", "0.01"),  # 0.0147 → 0.01
        ("0.16", "0.00"),  # 0.0048 → 0.00
        ("0.17", "0.01"),  # 0.0051 → 0.01
    ],
)
def test_the_surcharge_is_rounded_half_up_to_the_fen(fine, one_day):
    fen = ledger.to_fen(Decimal(fine))
    state = replay(D + 1, schedules=[single(fen)])
    assert yuan(state.surcharge_fen()) == Decimal(one_day)


def test_rounding_is_of_the_running_total_not_of_each_day():
    # 0.16 yuan: 0.0048 a day; rounded each day it would stay 0; over 3 days 0.0144 → 0.01.
    state = replay(D + 3, schedules=[single(16)])
    assert state.surcharge_fen() == 1


# --- partial payments --------------------------------------------------------------------------------------------
def test_a_partial_payment_on_day_5_then_the_surcharge_runs_on_the_700_unpaid():
    state = replay(D + 5, payments=[(D + 5, 30_000)])
    assert state.fine_outstanding_fen == 70_000
    assert yuan(state.surcharge_fen()) == Decimal("150.00")  # day 5 still counts the 1,000
    assert yuan(state.surcharge_fen(D + 6)) == Decimal("171.00")  # + 3 % of 700
    assert yuan(state.owed_fen(D + 6)) == Decimal("871.00")
    later = replay(D + 6, payments=[(D + 5, 30_000)])
    assert later.surcharge_fen() == state.surcharge_fen(D + 6)
    # The cap is still the fine: 150 + 21 × 41 = 1,011 → 1,000 on day 46; 990 on day 45.
    assert yuan(state.surcharge_fen(D + 45)) == Decimal("990.00")
    assert yuan(state.surcharge_fen(D + 46)) == Decimal("1000.00")


def test_what_is_paid_beyond_the_fine_pays_the_surcharge():
    state = replay(D + 10, payments=[(D + 2, FINE + 1_000)])
    assert state.fine_outstanding_fen == 0 and state.surcharge_paid_fen == 1_000
    assert yuan(state.surcharge_fen()) == Decimal("60.00")  # nothing runs once the fine is paid
    assert yuan(state.owed_fen()) == Decimal("50.00")


def test_payments_in_any_order_give_the_same_state():
    payments = [(D + 7, 10_000), (D + 2, 25_000), (D + 2, 5_000), (D + 20, 30_000), (D - 3, 1_000)]

    def figures(state):  # the split of each payment follows the order of same-day payments, not the totals
        return repr({key: value for key, value in state.__dict__.items() if key != "splits"})

    states = {figures(replay(D + 30, payments=list(order))) for order in itertools.permutations(payments)}
    assert len(states) == 1
    state = replay(D + 30, payments=payments)
    assert state.fine_paid_fen == 71_000 and state.fine_outstanding_fen == 29_000


# --- pauses (Art. 73) --------------------------------------------------------------------------------------------
def test_a_reconsideration_pending_pauses_the_surcharge_and_it_resumes_after():
    pause = [(D + 3, D + 20)]
    assert yuan(replay(D + 3, pauses=pause).surcharge_fen()) == Decimal("90.00")
    for day in range(D + 4, D + 21):
        assert yuan(replay(day, pauses=pause).surcharge_fen()) == Decimal("90.00"), day - D
    assert yuan(replay(D + 21, pauses=pause).surcharge_fen()) == Decimal("120.00")
    # From the stored state of day 20 the running figure resumes too.
    assert yuan(replay(D + 20, pauses=pause).surcharge_fen(D + 22)) == Decimal("150.00")


def test_a_pause_still_open_stops_the_figure_for_good():
    state = replay(D + 10, pauses=[(D + 3, None)])
    assert state.paused
    assert yuan(state.surcharge_fen(D + 300)) == Decimal("90.00")


def test_two_overlapping_pauses_count_nothing_until_both_end():
    pauses = [(D + 3, D + 20), (D + 10, D + 30)]
    assert yuan(replay(D + 25, pauses=pauses).surcharge_fen()) == Decimal("90.00")
    assert yuan(replay(D + 30, pauses=pauses).surcharge_fen()) == Decimal("90.00")
    assert yuan(replay(D + 31, pauses=pauses).surcharge_fen()) == Decimal("120.00")
    # Either order of filing.
    assert replay(D + 31, pauses=pauses[::-1]).surcharge_fen() == 12_000


def test_a_pause_before_the_due_date_moves_nothing_after_it_ends():
    state = replay(D + 2, pauses=[(SERVED + 1, D - 5)])
    assert yuan(state.surcharge_fen()) == Decimal("60.00")


# --- schedules (Art. 66) -----------------------------------------------------------------------------------------
def test_split_schedule_gives_the_odd_fen_to_the_first_instalments():
    items = ledger.split_schedule(SERVED, 100_001, [D + 60, D, D + 30])
    assert [i.due_day for i in items] == [D, D + 30, D + 60]
    assert [i.amount_fen for i in items] == [33_334, 33_334, 33_333]
    assert sum(i.amount_fen for i in items) == 100_001
    assert [i.amount_fen for i in ledger.split_schedule(SERVED, 5, [D, D + 1])] == [3, 2]


def test_each_instalment_is_late_only_after_its_own_due_date():
    schedule = ledger.Schedule(SERVED, ledger.split_schedule(SERVED, FINE, [D, D + 30]), FINE)
    state = replay(D + 10, schedules=[schedule], payments=[(D, 50_000)])
    assert state.surcharge_fen() == 0
    assert state.surcharge_fen(D + 30) == 0
    assert yuan(state.surcharge_fen(D + 31)) == Decimal("15.00")  # 3 % of the second 500
    # The first one unpaid: late from D + 1 on its 500 only, then on both after D + 30.
    unpaid = replay(D + 32, schedules=[schedule])
    assert yuan(unpaid.surcharge_fen()) == Decimal("15.00") * 32 + Decimal("15.00") * 2


def test_a_payment_pays_the_earliest_instalment_first():
    schedule = ledger.Schedule(SERVED, ledger.split_schedule(SERVED, FINE, [D, D + 30]), FINE)
    state = replay(D, schedules=[schedule], payments=[(D, 60_000)])
    assert state.outstanding == [(D, 0), (D + 30, 40_000)]


def test_a_deferral_approved_after_10_days_late_keeps_the_30_percent_and_accrues_from_its_own_dates():
    deferral = ledger.Schedule(D + 10, ledger.split_schedule(D + 10, FINE, [D + 20, D + 30]), FINE)
    schedules = [single(), deferral]
    assert yuan(replay(D + 10, schedules=schedules).surcharge_fen()) == Decimal("300.00")
    assert yuan(replay(D + 20, schedules=schedules).surcharge_fen()) == Decimal("300.00")
    assert yuan(replay(D + 21, schedules=schedules).surcharge_fen()) == Decimal("315.00")
    # Day 31: 300 + 11 days × 15 (the first 500) + 1 day × 15 (the second).
    assert yuan(replay(D + 31, schedules=schedules).surcharge_fen()) == Decimal("480.00")
    assert yuan(replay(D + 10, schedules=schedules).surcharge_fen(D + 31)) == Decimal("480.00")


def test_a_varied_fine_caps_the_surcharge_at_the_new_fine():
    varied = ledger.Schedule(D + 5, (ledger.Instalment(D + 20, 60_000),), 60_000)
    schedules = [single(), varied]
    state = replay(D + 5, schedules=schedules)
    assert (state.fine_fen, state.fine_outstanding_fen) == (60_000, 60_000)
    assert yuan(state.surcharge_fen()) == Decimal("150.00")  # accrued on the 1,000 until then
    assert yuan(state.surcharge_fen(D + 20)) == Decimal("150.00")
    assert yuan(state.surcharge_fen(D + 21)) == Decimal("168.00")  # 3 % of 600
    assert yuan(state.surcharge_fen(D + 44)) == Decimal("582.00")
    assert yuan(state.surcharge_fen(D + 45)) == Decimal("600.00")
    assert yuan(replay(D + 400, schedules=schedules).surcharge_fen()) == Decimal("600.00")


def test_a_revoked_penalty_owes_nothing():
    state = replay(D + 40, payments=[(D + 1, 20_000)], revoked_from=D + 30)
    assert state.stopped
    assert (state.surcharge_fen(), state.owed_fen(), state.surcharge_fen(D + 400)) == (0, 0, 0)
    with pytest.raises(ledger.Overpayment) as info:
        replay(D + 40, payments=[(D + 35, 1)], revoked_from=D + 30)
    assert info.value.owed_fen == 0


# --- refusals ----------------------------------------------------------------------------------------------------
def test_an_overpayment_is_refused_with_what_was_owed_that_day():
    with pytest.raises(ledger.Overpayment) as info:
        replay(D, payments=[(D, FINE + 1)])
    assert (info.value.owed_fen, info.value.amount_fen, info.value.day) == (FINE, FINE + 1, D)
    with pytest.raises(ledger.Overpayment) as info:
        replay(D + 2, payments=[(D + 2, 60_000), (D + 2, 50_000)])
    assert info.value.owed_fen == 106_000 - 60_000


def test_to_fen_takes_decimals_of_at_most_two_places():
    assert ledger.to_fen(Decimal("1234.50")) == 123_450
    assert ledger.to_fen(Decimal("0.01")) == 1
    assert ledger.to_fen(1000) == 100_000
    assert ledger.to_yuan(123_450) == Decimal("1234.50")
    with pytest.raises(TypeError):
        ledger.to_fen(0.1)
    with pytest.raises(ValueError):
        ledger.to_fen(Decimal("1.234"))
    with pytest.raises(ValueError):
        ledger.rate_basis_points(Decimal("2.555"))
    assert ledger.rate_basis_points(Decimal("2.5")) == 250


# --- a new schedule shares what is unpaid when it comes into force (review of session 6) -----------------
def _fine_schedule(fen=100_000, due=15):
    from penalties.ledger import Instalment, Schedule

    return Schedule(from_day=0, instalments=(Instalment(due, fen),), fine_fen=fen)


def test_a_payment_on_the_day_a_deferral_comes_into_force_is_counted_once():
    from penalties.ledger import Instalment, Payment, Schedule, replay

    deferral = Schedule(
        from_day=10, instalments=(Instalment(40, 40_000), Instalment(70, 40_000)), fine_fen=100_000
    )
    state = replay([_fine_schedule(), deferral], [Payment(10, 20_000)], [], rate_bp=300, upto=10)
    assert state.fine_outstanding_fen == 80_000
    assert state.outstanding == [(40, 40_000), (70, 40_000)]


def test_a_payment_dated_before_a_schedule_but_recorded_after_it_is_not_lost():
    from penalties.ledger import Instalment, Payment, Schedule, replay

    deferral = Schedule(from_day=10, instalments=(Instalment(40, 100_000),), fine_fen=100_000)
    state = replay([_fine_schedule(), deferral], [Payment(5, 10_000)], [], rate_bp=300, upto=20)
    assert (state.fine_paid_fen, state.fine_outstanding_fen) == (10_000, 90_000)


def test_a_fine_varied_on_an_earlier_day_than_a_payment_owes_the_new_fine_less_that_payment():
    from penalties.ledger import Instalment, Payment, Schedule, replay

    varied = Schedule(from_day=20, instalments=(Instalment(15, 80_000),), fine_fen=80_000)
    state = replay([_fine_schedule(), varied], [Payment(30, 30_000)], [(16, 20)], rate_bp=300, upto=30)
    assert state.fine_outstanding_fen == 50_000
