"""Beat on two hosts (issue 15, var/readme/beat.md): with REDIS_URL the schedule and a lock live in Redis
(celery-redbeat), so of two real `celery beat` processes one sends the sweeps and the other waits, taking
over when the first dies; and beyond the lock, the sweep task run twice for the same moment (one after the
other, and at once from two threads) makes each reminder once.

The beat processes talk to the machine's Redis (REDIS_URL; CI sets it), each test under a key prefix and a
queue of its own, so runs sharing the server never see each other's lock or messages. Without REDIS_URL the
file scheduler is used and exactly one beat may run: those tests skip (the thread test runs everywhere)."""

import base64
import json
import os
import signal
import subprocess
import threading
import time
import uuid
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.utils import timezone

from enforcement.notifications.models import Delivery, DeliveryStatus
from enforcement.notifications.tasks import send_due_reminders_task
from enforcement.notifications.tests.conftest import end_of, local, people  # noqa: F401 — fixture
from tests.test_reminders_worker import (
    BASE_DIR,
    CELERY,
    DELIVERIES_EACH,
    OVERDUE_AND_ESCALATED,
    SWEEP,
    RedisServer,
    Worker,
    all_sent,
    assert_exactly_once,
    database_url,
    overdue_complaints,
    wait_for,
)

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]
needs_redis = pytest.mark.skipif(not settings.REDIS_URL, reason="celery-redbeat's lock needs REDIS_URL")
FAST = {"REMINDER_SWEEP_SECONDS": "1", "BEAT_MAX_INTERVAL": "1", "REDBEAT_LOCK_TIMEOUT": "4"}


@pytest.fixture
def lane():
    """A key prefix and a queue of this test's own on the shared Redis; both removed afterwards."""
    name = f"chengguan-test-beat-{uuid.uuid4().hex[:10]}"
    client = redis.Redis.from_url(settings.REDIS_URL)
    env = {**FAST, "REDBEAT_KEY_PREFIX": name, "CELERY_TASK_DEFAULT_QUEUE": f"{name}-queue"}
    yield {"env": env, "prefix": name, "queue": f"{name}-queue", "redis": client}
    keys = list(client.scan_iter(f"{name}*"))
    if keys:
        client.delete(*keys)


class Beat:
    """`celery -A enforcement beat` (the RedBeat scheduler, chosen by the settings when REDIS_URL is set)."""

    def __init__(self, name, tmp_path, env, redis_url=None):
        self.log_path = tmp_path / f"{name}.log"
        environment = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "TEST_DB_NAME"}}
        environment.update(
            {
                "DJANGO_SETTINGS_MODULE": "enforcement.settings.test",
                "DATABASE_URL": database_url(),
                "VAR_DIR": str(tmp_path / "var"),
                "REDIS_URL": redis_url or settings.REDIS_URL,
                **env,
            }
        )
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                [CELERY, "-A", "enforcement", "beat", "--loglevel=DEBUG"],
                cwd=BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: "beat: Starting" in self.log() or self.process.poll() is not None, f"beat {name}", 60
        )
        assert self.process.poll() is None, self.log()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def holds_lock(self):
        return "beat: Acquired lock" in self.log()

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)


@pytest.fixture
def processes(tmp_path):
    started = []

    def start(kind, name, env, redis_url=None):
        if kind == "beat":
            process = Beat(name, tmp_path, env, redis_url)
        else:
            process = Worker(name, tmp_path, broker=redis_url or settings.REDIS_URL, env=env)
        started.append(process)
        return process

    start.started = started
    yield start
    for process in started:
        process.stop() if isinstance(process, Worker) else process.kill()


def sweeps_sent(lane):
    """The pid of the process that published each sweep message on the lane's queue, oldest first."""
    origins = []
    for raw in reversed(lane["redis"].lrange(lane["queue"], 0, -1)):  # kombu LPUSHes: the last is the oldest
        message = json.loads(raw)
        if message["headers"]["task"] == SWEEP:
            origins.append(int(message["headers"]["origin"].split("@")[0].removeprefix("gen")))
            assert json.loads(base64.b64decode(message["body"]))[1] == {}  # beat's own sweep: no moment given
    return origins


@needs_redis
def test_of_two_beats_one_holds_the_lock_and_sends_the_other_takes_over_when_it_dies(lane, processes):
    first = processes("beat", "beat-one", lane["env"])
    wait_for(first.holds_lock, "the first beat to take the lock", 20)
    second = processes("beat", "beat-two", lane["env"])
    time.sleep(5)  # five sweep periods with both beats running
    assert not second.holds_lock(), second.log()
    assert "Sending due task send-due-reminders" in first.log()
    assert "Sending due task" not in second.log(), second.log()
    sent = sweeps_sent(lane)
    assert len(sent) >= 4 and set(sent) == {first.process.pid}, sent  # one sender, once per period
    assert lane["redis"].ttl(f"{lane['prefix']}:lock") > 0

    first.kill()  # the host dies without releasing: the lock expires (4 s) and the standby takes it
    killed_at = len(sweeps_sent(lane))
    wait_for(second.holds_lock, "the second beat to take over", 20)
    wait_for(lambda: len(sweeps_sent(lane)) >= killed_at + 2, "the second beat's sweeps", 20)
    sent = sweeps_sent(lane)
    assert set(sent[:killed_at]) == {first.process.pid} and set(sent[killed_at:]) == {second.process.pid}, (
        sent
    )


def owners(sent):
    """The senders in turn: [a, b] when a sent, then b did (and never a again)."""
    return [pid for i, pid in enumerate(sent) if i == 0 or sent[i - 1] != pid]


@needs_redis
def test_a_lost_lock_is_taken_again_by_one_beat_only(lane, processes):
    beats = [processes("beat", name, lane["env"]) for name in ("beat-one", "beat-two")]
    wait_for(lambda: len(sweeps_sent(lane)) >= 3, "the holder's sweeps", 20)
    lane["redis"].delete(f"{lane['prefix']}:lock")  # as if it expired while its holder was stalled
    before = len(sweeps_sent(lane))
    wait_for(lambda: len(sweeps_sent(lane)) >= before + 5, "sweeps after the lock was lost", 20)
    sent = sweeps_sent(lane)
    assert len(owners(sent)) <= 2, sent  # one holder at a time: at most one change of sender, never back
    assert "Not holding the lock" in "".join(beat.log() for beat in beats)
    assert all(beat.process.poll() is None for beat in beats)


def test_two_beats_outlive_a_redis_restart_and_one_sends_afterwards(tmp_path, processes):
    server = RedisServer(tmp_path)
    server.start()
    try:
        lane = {"redis": redis.Redis(port=server.port), "queue": "celery"}
        env = {**FAST, "CELERY_TASK_DEFAULT_QUEUE": "celery"}
        beats = [processes("beat", name, env, server.url) for name in ("beat-one", "beat-two")]
        wait_for(lambda: len(sweeps_sent(lane)) >= 2, "the first sweeps", 20)
        server.stop()  # Redis restarts empty: no lock, no schedule, no messages
        time.sleep(3)
        assert all(beat.process.poll() is None for beat in beats), [beat.log() for beat in beats]
        server.start()
        lane["redis"] = redis.Redis(port=server.port)
        wait_for(lambda: len(sweeps_sent(lane)) >= 5, "sweeps after the restart", 30)
        sent = sweeps_sent(lane)
        assert len(owners(sent)) == 1, sent  # one beat took the lock again; the other waits
        assert all(beat.process.poll() is None for beat in beats)
    finally:
        for process in processes.started:
            process.kill()
        server.stop()


def test_a_beat_started_while_redis_is_down_sends_once_it_is_back(tmp_path, processes):
    """redbeat stores the schedule when its scheduler is made: a beat started during an outage (a worker's
    embedded beat, started a moment after the worker) ended there, and never sent anything again."""
    server = RedisServer(tmp_path)
    server.start()
    url = server.url
    server.stop()
    try:
        env = {**FAST, "CELERY_TASK_DEFAULT_QUEUE": "celery"}
        beat = processes("beat", "beat-early", env, url)
        time.sleep(3)
        assert beat.process.poll() is None, beat.log()  # alive through the outage
        server.start()
        lane = {"redis": redis.Redis(port=server.port), "queue": "celery"}
        wait_for(lambda: len(sweeps_sent(lane)) >= 2, "sweeps once Redis is back", 30)
        assert beat.process.poll() is None
    finally:
        for process in processes.started:
            process.kill()
        server.stop()


@needs_redis
def test_two_beats_and_a_worker_send_each_reminder_once(lane, processes, people, squad_a):  # noqa: F811
    ids = overdue_complaints(
        30, squad_a, people["officer"], people["intake"], timezone.now() - timedelta(days=20)
    )
    beats = [processes("beat", name, lane["env"]) for name in ("beat-east", "beat-west")]
    processes("worker", "sweeper", lane["env"])
    wait_for(lambda: all_sent(len(ids) * DELIVERIES_EACH), "every delivery to be sent", 45)
    time.sleep(3)  # three more sweeps: they find nothing new
    assert_exactly_once(ids, OVERDUE_AND_ESCALATED, DELIVERIES_EACH)
    assert sum(beat.holds_lock() for beat in beats) == 1, [beat.log() for beat in beats]


def test_the_sweep_task_twice_for_one_moment_makes_each_reminder_once(
    people,  # noqa: F811
    squad_a,
    eager_deliveries,  # noqa: F811
):
    ids = overdue_complaints(25, squad_a, people["officer"], people["intake"], end_of(2026, 11, 16))
    moment = local(2026, 11, 19, 9).isoformat()
    send_due_reminders_task(now=moment)
    send_due_reminders_task(now=moment)  # a beat's duplicate, one after the other
    assert_exactly_once(ids, OVERDUE_AND_ESCALATED, DELIVERIES_EACH)


def test_the_sweep_task_from_two_threads_at_once_for_one_moment_makes_each_reminder_once(
    people,  # noqa: F811
    squad_a,
    eager_deliveries,  # noqa: F811
):
    ids = overdue_complaints(25, squad_a, people["officer"], people["intake"], end_of(2026, 11, 16))
    moment = local(2026, 11, 19, 9).isoformat()
    errors, start = [], threading.Barrier(2)

    def sweep():  # two beats' sweeps of the same moment, at once
        try:
            start.wait()
            send_due_reminders_task(now=moment, batch_size=5)
        except Exception as error:  # noqa: BLE001 — reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=sweep) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert_exactly_once(ids, OVERDUE_AND_ESCALATED, DELIVERIES_EACH)
    assert not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()


@pytest.fixture
def eager_deliveries():
    """The deliveries the sweeps queue run in-process (this test has no worker)."""
    from enforcement.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous
