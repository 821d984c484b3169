"""The reminders with a real Celery worker (a subprocess, `celery -A enforcement worker`) on a real Redis
broker and on the embedded filesystem transport (issue 4's proof):

- sweeps run twice and concurrently in two worker processes → one reminder per (object, kind, moment,
  level), each delivery sent once;
- the worker killed (SIGKILL) in the middle of a sweep and started again → nothing lost, nothing doubled;
- Redis stopped while a complaint is saved → the save succeeds, and the reminder comes once Redis is back;
- the embedded transport (`make run`) runs the same tasks, beat included; the clock moved through the task
  across National Day 2026 warns on the right working day.

Each test starts its own throwaway `redis-server` on a free port (the machine's shared Redis is never
touched) and commits its data (transactional_db), so the worker, connected to the same test database,
sees it. On SQLite the test database is a file for that reason (enforcement/settings/test.py)."""

import os
import signal
import socket
import subprocess
import sys
import time
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.db.models import Count
from django.utils import timezone
from kombu import Connection

from complaints.choices import Channel as ComplaintChannel
from complaints.choices import ComplaintStatus
from complaints.models import Complaint
from complaints.services import register_complaint
from enforcement.catalog.tests.factories import ViolationCategoryFactory
from enforcement.celery import app
from enforcement.notifications.models import Channel, Delivery, DeliveryStatus, Notification, Reminder
from enforcement.notifications.tests.conftest import end_of, local, people  # noqa: F401 — fixture

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(settings.BASE_DIR)
CELERY = str(Path(sys.executable).with_name("celery"))
SWEEP = "enforcement.notifications.tasks.send_due_reminders_task"


# --- the outside world: a Redis server and worker processes ------------------------------------------------
def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class RedisServer:
    def __init__(self, tmp_path):
        self.port = free_port()
        self.dir = tmp_path
        self.process = None

    @property
    def url(self):
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
                "--dir",
                str(self.dir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_for(self.ping, "redis-server to answer")

    def ping(self):
        try:
            return redis.Redis(port=self.port, socket_connect_timeout=0.2).ping()
        except redis.ConnectionError:
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait(5)
        self.process = None


@pytest.fixture
def redis_server(tmp_path):
    server = RedisServer(tmp_path)
    server.start()
    yield server
    server.stop()


def database_url():
    db = connection.settings_dict
    if db["ENGINE"].endswith("sqlite3"):
        return f"sqlite:///{db['NAME']}"
    credentials = db["USER"] + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


class Worker:
    """`celery -A enforcement worker` in its own process group (so SIGKILL takes all of it)."""

    def __init__(self, name, tmp_path, *, broker, beat=False, env=None, queues=()):
        self.name = name
        self.log_path = tmp_path / f"{name}.log"
        environment = {
            k: v for k, v in os.environ.items() if k not in {"REDIS_URL", "DATABASE_URL", "TEST_DB_NAME"}
        }
        environment.update(
            {
                "DJANGO_SETTINGS_MODULE": "enforcement.settings.test",
                "DATABASE_URL": database_url(),
                "VAR_DIR": str(tmp_path / "var"),
                "DB_CONN_MAX_AGE": "0",
            }
        )
        if broker.startswith("redis://"):
            environment["REDIS_URL"] = broker
        else:
            environment["CELERY_BROKER_DIR"] = broker
        environment.update(env or {})
        command = [
            CELERY,
            "-A",
            "enforcement",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            f"--hostname={name}@%h",
            "--without-gossip",
            "--without-mingle",
        ]
        if beat:
            command += ["--beat", f"--schedule={tmp_path / f'{name}-beat'}"]
        if queues:  # e.g. ("heavy",): CELERY_TASK_ROUTES' queue of the documents' PDFs
            command += ["-Q", ",".join(queues)]
        with open(self.log_path, "ab") as log:
            self.process = subprocess.Popen(
                command,
                cwd=BASE_DIR,
                env=environment,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        wait_for(
            lambda: " ready." in self.log() or self.process.poll() is not None, f"worker {name} to start", 60
        )
        assert self.process.poll() is None, self.log()

    def log(self):
        return self.log_path.read_text(errors="replace")

    def kill(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(10)

    def stop(self):
        if self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGQUIT)  # cold shutdown: the tests are done with it
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


@pytest.fixture
def workers(tmp_path):
    started = []

    def start(name, **kwargs):
        worker = Worker(name, tmp_path, **kwargs)
        started.append(worker)
        return worker

    yield start
    for worker in started:
        worker.stop()


def wait_for(condition, what, timeout=45, interval=0.05):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(interval)
    raise AssertionError(f"Timed out waiting for {what}; {state()}")


def state():
    if not connection.settings_dict.get("NAME"):
        return ""
    deliveries = dict(Delivery.objects.values_list("status").annotate(n=Count("pk")).order_by())
    return f"reminders: {Reminder.objects.count()}, deliveries by status: {deliveries}"


def publish(broker, task_name, **kwargs):
    """Send a task to the broker the worker listens on (whatever this process's own Celery config says)."""
    if broker.startswith("redis://"):
        conn = Connection(broker)
    else:
        conn = Connection(
            "filesystem://",
            transport_options={
                "data_folder_in": broker,
                "data_folder_out": broker,
                "control_folder": f"{broker}/control",
            },
        )
    with conn:
        app.send_task(task_name, kwargs=kwargs, connection=conn)


# --- the data --------------------------------------------------------------------------------------------
def overdue_complaints(n, unit, handler, received_by, due_at):
    """n complaints held by `handler` whose reply deadline has passed (inserted in one statement)."""
    category = ViolationCategoryFactory()
    stamp = timezone.now()
    Complaint.objects.bulk_create(
        [
            Complaint(
                number=f"TS2099{i:08d}",
                received_at=due_at - timedelta(days=7),
                channel=ComplaintChannel.HOTLINE_12345,
                address=f"中山路{i}号",
                category=category,
                description=f"门前占道经营 {i}",
                unit=unit,
                intake_unit=unit,
                received_by=received_by,
                handler=handler,
                status=ComplaintStatus.IN_PROGRESS,
                reply_due_at=due_at,
                due_at=due_at,
                created_at=stamp,
                updated_at=stamp,
            )
            for i in range(n)
        ]
    )
    return list(Complaint.objects.values_list("pk", flat=True))


def all_sent(expected_deliveries):
    return (
        Delivery.objects.count() == expected_deliveries
        and not Delivery.objects.exclude(status=DeliveryStatus.SENT).exists()
    )


def assert_exactly_once(complaint_ids, levels, deliveries_per_complaint):
    keys = list(Reminder.objects.values_list("object_id", "kind", "due_at", "level"))
    assert len(keys) == len(set(keys)) == len(complaint_ids) * len(levels)
    assert {(oid, level) for oid, _k, _d, level in keys} == {
        (pk, lv) for pk in complaint_ids for lv in levels
    }
    assert Delivery.objects.count() == len(complaint_ids) * deliveries_per_complaint
    # Sent once each: one claim (attempt) per delivery, one notification per inbox delivery.
    assert set(Delivery.objects.values_list("status", "attempts").distinct()) == {("sent", 1)}
    inbox = Delivery.objects.filter(channel=Channel.INBOX)
    assert Notification.objects.count() == inbox.count()
    assert set(Notification.objects.values_list("delivery_id", flat=True)) == set(
        inbox.values_list("pk", flat=True)
    )


# overdue → officer + squad leader, escalated → district head; inbox and email each
OVERDUE_AND_ESCALATED = ("escalated", "overdue")
DELIVERIES_EACH = (2 + 1) * 2


# --- the tests -------------------------------------------------------------------------------------------
def test_sweeps_twice_and_concurrently_in_two_workers_make_one_reminder_each(
    redis_server,
    workers,
    people,  # noqa: F811
    squad_a,  # noqa: F811
):
    ids = overdue_complaints(80, squad_a, people["officer"], people["intake"], end_of(2026, 11, 16))
    first = workers("alpha", broker=redis_server.url)
    second = workers("beta", broker=redis_server.url)
    moment = local(2026, 11, 19, 9).isoformat()
    for _ in range(6):  # retried, doubled, overlapping: six sweeps of the same moment at once
        publish(redis_server.url, SWEEP, now=moment, batch_size=7)

    wait_for(lambda: all_sent(len(ids) * DELIVERIES_EACH), "every delivery to be sent")
    time.sleep(1)  # let any straggling duplicate finish: it must change nothing
    assert_exactly_once(ids, OVERDUE_AND_ESCALATED, DELIVERIES_EACH)
    for worker in (first, second):  # both processes really swept
        assert f"{SWEEP}[" in worker.log(), worker.log()


def test_worker_killed_mid_sweep_and_restarted_loses_and_doubles_nothing(
    redis_server,
    workers,
    people,  # noqa: F811
    squad_a,  # noqa: F811
):
    # Real time here: the restarted worker's beat sweeps "now", as in production.
    ids = overdue_complaints(
        400, squad_a, people["officer"], people["intake"], timezone.now() - timedelta(days=20)
    )
    # A delivery whose task message went down with the worker is queued again after this grace period.
    fast = {"REMINDER_SWEEP_SECONDS": "1", "NOTIFICATIONS_PENDING_GRACE_SECONDS": "3"}
    victim = workers("victim", broker=redis_server.url, env=fast)
    publish(redis_server.url, SWEEP, batch_size=10)
    wait_for(lambda: Reminder.objects.exists(), "the sweep to commit its first batches", interval=0.01)
    victim.kill()
    made_before_kill = Reminder.objects.count()
    assert 0 < made_before_kill < len(ids) * 2, "the worker was not killed mid-sweep"

    # Beat sweeps every second and requeues deliveries whose task went down with the worker.
    workers("phoenix", broker=redis_server.url, beat=True, env=fast)
    wait_for(lambda: all_sent(len(ids) * DELIVERIES_EACH), "the restarted worker to catch up", timeout=90)
    assert_exactly_once(ids, OVERDUE_AND_ESCALATED, DELIVERIES_EACH)


def test_redis_down_while_a_complaint_is_saved_the_reminder_comes_when_it_is_back(
    redis_server,
    workers,
    people,  # noqa: F811
    district_a,  # noqa: F811
):
    worker = workers(
        "steady",
        broker=redis_server.url,
        beat=True,
        env={"REMINDER_SWEEP_SECONDS": "1", "NOTIFICATIONS_PENDING_GRACE_SECONDS": "2"},
    )
    # This process talks to the same broker: anything the save enqueued would meet the dead server.
    previous_broker = app.conf.broker_url
    app.conf.broker_url = redis_server.url
    try:
        redis_server.stop()
        complaint = register_complaint(
            by=people["intake"],
            channel=ComplaintChannel.HOTLINE_12345,
            category=ViolationCategoryFactory(),
            description="夜间施工噪音扰民",
            address="人民路1号",
            unit=district_a,
        )
    finally:
        app.conf.broker_url = previous_broker
    assert Complaint.objects.filter(pk=complaint.pk, status=ComplaintStatus.RECEIVED).exists()
    time.sleep(3)
    assert not Notification.objects.exists()  # no broker: no task reaches the worker

    redis_server.start()  # the same port: the worker reconnects by itself
    # Its beat, on the restarted (empty) Redis, takes its lock and stores its schedule again first
    # (enforcement/beat.py): on a loaded machine that and the reconnection took over a minute once.
    try:
        wait_for(
            lambda: Notification.objects.filter(user=people["intake"]).exists(),
            "the warning after the outage",
            timeout=240,  # twice at 150 s while a 500,000-case bench load shared the two cores
        )
    except AssertionError as exc:  # say what the worker and its beat did meanwhile
        raise AssertionError(f"{exc}\n--- worker log (tail) ---\n{worker.log()[-6000:]}") from None
    reminder = Reminder.objects.get()
    assert (reminder.object_id, reminder.kind, reminder.level) == (
        complaint.pk,
        "complaint_accept",
        "warning",
    )
    assert worker.process.poll() is None


def test_embedded_filesystem_transport_runs_the_beat_sweep_and_the_deliveries(
    tmp_path,
    workers,
    people,  # noqa: F811
    squad_a,  # noqa: F811
):
    broker = str(tmp_path / "broker")
    Path(broker).mkdir()
    ids = overdue_complaints(
        3, squad_a, people["officer"], people["intake"], timezone.now() - timedelta(days=20)
    )
    workers("embedded", broker=broker, beat=True, env={"REMINDER_SWEEP_SECONDS": "1"})
    wait_for(lambda: all_sent(len(ids) * DELIVERIES_EACH), "beat's sweep and every delivery")
    assert_exactly_once(ids, OVERDUE_AND_ESCALATED, DELIVERIES_EACH)


def test_time_travel_through_the_worker_across_national_day(tmp_path, workers, people, squad_a):  # noqa: F811
    broker = str(tmp_path / "broker")
    Path(broker).mkdir()
    # Reply due Thursday 8 October 2026, the first working day after National Day (1–7 October).
    [pk] = overdue_complaints(1, squad_a, people["officer"], people["intake"], end_of(2026, 10, 8))
    Complaint.objects.filter(pk=pk).update(received_at=local(2026, 9, 28, 10))
    workers("traveller", broker=broker)

    def sweep_at(*moment):
        publish(broker, SWEEP, now=local(*moment).isoformat())

    def levels():
        return sorted(Reminder.objects.values_list("level", flat=True))

    sweep_at(2026, 9, 29, 18)
    sweep_at(2026, 9, 30, 8)  # Wednesday 30 September: the working day before
    wait_for(lambda: levels() == ["warning"], "the warning on 30 September")
    for day in (1, 3, 5, 7, 8):  # the holiday and the deadline day itself: nothing new
        sweep_at(2026, 10, day, 12)
    sweep_at(2026, 10, 9, 0, 1)
    wait_for(lambda: levels() == ["overdue", "warning"], "the overdue notice on 9 October")
    sweep_at(2026, 10, 10, 23, 59)  # the make-up working Saturday counts: escalated only after it
    sweep_at(2026, 10, 11, 0, 1)
    wait_for(lambda: levels() == ["escalated", "overdue", "warning"], "the escalation on 11 October")
    wait_for(lambda: all_sent(2 + 4 + 2), "every delivery")
    assert sorted(Notification.objects.values_list("reminder__level", "user__username")) == [
        ("escalated", "head-a"),
        ("overdue", "leader-a1"),
        ("overdue", "officer-a"),
        ("warning", "officer-a"),
    ]
    # Each made by the sweep of its day (a reminder carries its sweep's moment), not by an earlier one.
    assert sorted(Reminder.objects.values_list("level", "created_at")) == [
        ("escalated", local(2026, 10, 11, 0, 1)),
        ("overdue", local(2026, 10, 9, 0, 1)),
        ("warning", local(2026, 9, 30, 8)),
    ]
