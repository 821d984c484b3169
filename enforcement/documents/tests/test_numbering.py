"""The gapless counter: consecutive numbers per key, none lost to a rollback, none shared under
concurrency, and never taken outside the caller's transaction."""

import threading
import time

import pytest
from django.db import connection, transaction

from enforcement.documents.models import NumberCounter
from enforcement.documents.numbering import NumberingOutsideTransaction, next_number

pytestmark = pytest.mark.django_db


class Boom(Exception):
    pass


def take(scope="complaint", **key):
    key.setdefault("period", "2026-11-25")
    with transaction.atomic():
        return next_number(scope, **key)


def test_numbers_follow_one_another():
    assert [take() for _ in range(3)] == [1, 2, 3]
    assert NumberCounter.objects.get(scope="complaint", period="2026-11-25").last == 3


def test_each_key_counts_on_its_own(district_a, district_b):
    assert take() == 1
    assert take(period="2026-11-26") == 1  # another day
    assert take("penalty_decision") == 1  # another kind
    assert take("penalty_decision", unit=district_a, period="2026") == 1  # one per unit and year
    assert take("penalty_decision", unit=district_b, period="2026") == 1
    assert take("penalty_decision", unit=district_a, period="2026") == 2
    assert take("penalty_decision", period="2026") == 1  # city-wide: no unit
    assert take() == 2
    assert NumberCounter.objects.count() == 6


def test_a_rolled_back_transaction_leaves_no_gap():
    assert take() == 1
    with pytest.raises(Boom), transaction.atomic():
        lost = next_number("complaint", period="2026-11-25")
        raise Boom  # the record that was to carry the number fails to save
    assert lost == 2
    assert take() == lost


def test_the_first_number_of_a_key_rolled_back_is_given_again():
    with pytest.raises(Boom), transaction.atomic():
        assert next_number("complaint", period="2026-12-01") == 1
        raise Boom
    assert take(period="2026-12-01") == 1


@pytest.mark.django_db(transaction=True)
def test_refuses_outside_a_transaction():
    assert not connection.in_atomic_block
    with pytest.raises(NumberingOutsideTransaction):
        next_number("complaint", period="2026-11-25")
    assert not NumberCounter.objects.exists()


@pytest.mark.django_db(transaction=True)
def test_concurrent_callers_get_distinct_consecutive_numbers():
    """Threads on their own connections: they queue on the counter row's lock. (SQLite has no row locks
    and lets one writer in at a time, so this is a PostgreSQL test.)"""
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL's row locks")
    callers = 8
    numbers, errors, barrier = [], [], threading.Barrier(callers)

    def caller():
        try:
            barrier.wait()
            with transaction.atomic():
                number = next_number("complaint", period="2026-11-25")
                time.sleep(0.01)  # hold the lock a moment, as a caller saving its record does
                numbers.append(number)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=caller) for _ in range(callers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert sorted(numbers) == list(range(1, callers + 1))
    assert NumberCounter.objects.get().last == callers
