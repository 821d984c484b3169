"""Redis behind Sentinel as the broker (issue 15), tried for real: this module starts its own Redis master, a
replica of it and two Sentinels watching them (throwaway `redis-server` processes on free ports; the
machine's shared Redis is never touched), and names the broker as README's "The broker" does:
CELERY_BROKER_URL='sentinel://…;sentinel://…' with {"master_name": "mymaster"} as the transport options.

- readiness says the broker is ok; 503 when the Sentinels know no such master, or none answers;
- a real worker on it renders an issued document's PDF from the "heavy" queue, then, still the same
  process, the next one after each of two failovers: SENTINEL FAILOVER (the replica promoted; the worker
  moves when the Sentinels demote the old master, which drops its connections, within their 10 s round),
  and the master killed (the worker retries, 2, 4, 6… s apart, until a Sentinel names the new master).
  The tasks sent meanwhile wait on the new master. Nothing but the Sentinel URL and the master's name is
  configured: kombu asks the Sentinels where the master is on each (re)connection.

Skipped where no `redis-server` is installed."""

import json
import shutil
import subprocess
import time

import pytest
import redis
from django.test import Client
from kombu import Connection

from complaints.choices import ComplaintStatus
from complaints.tests.factories import ComplaintFactory
from enforcement.celery import app
from enforcement.documents.models import Document
from enforcement.documents.services import issue_document
from tests.test_reminders_worker import Worker, free_port, wait_for

REDIS_SERVER = shutil.which("redis-server")
MASTER_NAME = "mymaster"
TASK = "enforcement.documents.tasks.render_document_pdf_task"

pytestmark = [
    pytest.mark.skipif(REDIS_SERVER is None, reason="no redis-server installed to run a Sentinel group with"),
]


def until(condition, what, timeout=30):
    """wait_for without its report of the reminders, which reads the database: the module's fixture has none."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"Timed out waiting for {what}")
        time.sleep(0.1)


class SentinelGroup:
    """A master, its replica and two Sentinels (quorum 1), each a `redis-server` of its own in `folder`.

    The first Sentinel calls a master down after 1 s without an answer, and a failover is given 3 s, so one
    after a crash completes within seconds."""

    def __init__(self, folder):
        self.folder = folder
        self.processes = {}  # port: the redis-server listening there
        self.master_port, self.replica_port = free_port(), free_port()
        self.sentinel_ports = [free_port(), free_port()]

    @property
    def url(self):
        return ";".join(f"sentinel://127.0.0.1:{port}" for port in self.sentinel_ports)

    def run(self, port, *arguments):
        with open(self.folder / f"{port}.log", "ab") as log:
            self.processes[port] = subprocess.Popen(
                [REDIS_SERVER, *arguments], stdout=log, stderr=subprocess.STDOUT
            )

    def start(self):
        data = ["--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", str(self.folder)]
        data += ["--repl-diskless-sync-delay", "0"]  # a replica (re)synced at once, not after 5 s
        self.run(self.master_port, "--port", str(self.master_port), *data)
        replica_of = ["--replicaof", "127.0.0.1", str(self.master_port)]
        self.run(self.replica_port, "--port", str(self.replica_port), *data, *replica_of)
        # The replica in sync before the Sentinels start: a Sentinel asks a replica how it is every 10 s, so
        # one first seen out of sync would keep it from being a failover candidate that long.
        until(lambda: self.in_sync(self.replica_port), "the replica to sync with the master")
        # The first Sentinel calls a dead master down sooner than the second, and so asks for (and gets) its
        # vote before the second runs for leader itself: two at once split the vote, and both wait for the
        # failover timeout before trying again.
        for port, down_after in zip(self.sentinel_ports, (1000, 3000), strict=True):
            # A Sentinel rewrites its configuration file (what it learns of replicas and of the other
            # Sentinel), so each has a file of its own in the folder.
            config = self.folder / f"sentinel-{port}.conf"
            config.write_text(
                f"port {port}\nbind 127.0.0.1\ndir {self.folder}\n"
                f"sentinel monitor {MASTER_NAME} 127.0.0.1 {self.master_port} 1\n"
                f"sentinel down-after-milliseconds {MASTER_NAME} {down_after}\n"
                f"sentinel failover-timeout {MASTER_NAME} 3000\n"
            )
            self.run(port, str(config), "--sentinel")
        until(self.ready, "the Sentinels to see the master and its replica")

    def client(self, port):
        return redis.Redis(port=port, socket_timeout=1, socket_connect_timeout=1, decode_responses=True)

    def in_sync(self, port):
        try:
            return self.client(port).info("replication").get("master_link_status") == "up"
        except redis.ConnectionError:
            return False

    def master_port_by(self, sentinel_port):
        try:
            address = self.client(sentinel_port).sentinel_get_master_addr_by_name(MASTER_NAME)
        except redis.ConnectionError:
            return None
        return int(address[1]) if address else None

    def replica_seen_by(self, sentinel_port, replica_port):
        """The Sentinel lists `replica_port` as a replica in good health (a failover candidate)."""
        try:
            replicas = self.client(sentinel_port).sentinel_slaves(MASTER_NAME)
        except redis.ConnectionError:
            return False
        return any(
            r["port"] == replica_port
            and r["is_slave"]
            and not (r["is_sdown"] or r["is_odown"] or r["is_disconnected"] or r["is_master_down"])
            for r in replicas
        )

    def ready(self):
        return all(
            self.master_port_by(port) == self.master_port and self.replica_seen_by(port, self.replica_port)
            for port in self.sentinel_ports
        )

    def switched(self):
        """Every Sentinel names the replica as the master; the two swap their roles here."""
        until(
            lambda: all(self.master_port_by(port) == self.replica_port for port in self.sentinel_ports),
            "every Sentinel to report the replica as the new master",
        )
        self.master_port, self.replica_port = self.replica_port, self.master_port

    def fail_over(self):
        """SENTINEL FAILOVER: the replica is promoted at once. The old master is told to follow it (and drops
        its clients' connections, Sentinel's CLIENT KILL) only when a Sentinel next asks it how it is, within
        10 s: until then it still takes writes from clients connected to it."""
        self.client(self.sentinel_ports[0]).execute_command("SENTINEL", "FAILOVER", MASTER_NAME)
        self.switched()

    def crash_master(self):
        """The master killed (SIGKILL): a Sentinel calls it down after 1 s and promotes the replica."""
        until(self.ready, "the replica to be a failover candidate for every Sentinel")
        process = self.processes.pop(self.master_port)
        process.kill()
        process.wait(5)
        self.switched()

    def stop(self):
        for process in self.processes.values():
            if process.poll() is None:
                process.kill()
            process.wait(5)


@pytest.fixture(scope="module")
def sentinels(tmp_path_factory):
    group = SentinelGroup(tmp_path_factory.mktemp("sentinel"))
    try:
        group.start()
        yield group
    finally:
        group.stop()


@pytest.mark.django_db
def test_readiness_checks_a_broker_behind_sentinel(settings, sentinels):
    settings.CELERY_BROKER_URL = sentinels.url
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"master_name": MASTER_NAME}
    assert json.loads(Client().get("/health/ready/").content)["broker"] == "ok"

    def broker_answer():
        response = Client().get("/health/ready/")
        assert response.status_code == 503, response.content
        return json.loads(response.content)["broker"]

    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"master_name": "no-such-master"}  # the Sentinels know none
    assert broker_answer().startswith("error")
    # The settings' own sentinel_kwargs still reach the Sentinels, next to the probe's: a user these do not know.
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {
        "master_name": MASTER_NAME,
        "sentinel_kwargs": {"username": "nobody", "password": "x"},
    }
    assert broker_answer().startswith("error: ")
    # No Sentinel answers at either address. An error, and at once: the probe asks each Sentinel once (redis-py
    # would retry a refused connection with backoff, about 2.4 s in all, and the answer would be "timeout").
    settings.CELERY_BROKER_URL = f"sentinel://127.0.0.1:{free_port()};sentinel://127.0.0.1:{free_port()}"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"master_name": MASTER_NAME}
    started = time.monotonic()
    assert broker_answer().startswith("error: ")
    elapsed = time.monotonic() - started
    assert elapsed < settings.HEALTH_CHECK_TIMEOUT / 2, f"the probe took {elapsed:.1f} s"


def render(document, sentinels):
    """Sends the document's rendering through the master the Sentinels name, and waits for its PDF."""
    with Connection(sentinels.url, transport_options={"master_name": MASTER_NAME}) as connection:
        app.send_task(TASK, args=[document.pk], connection=connection, queue="heavy")
    wait_for(
        lambda: Document.objects.filter(pk=document.pk).exclude(pdf_sha256="").exists(),
        f"the worker behind Sentinel to render the PDF (master on port {sentinels.master_port})",
        timeout=40,
    )


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_worker_behind_sentinel_renders_documents_across_failovers(
    settings, tmp_path, sentinels, district_a, intake_a
):
    # Issued without a PDF (the rendering queued on this run's own broker, which nobody reads here); each
    # rendering is then sent through the Sentinels' master to the worker that listens there.
    settings.DOCUMENTS_RENDER_ASYNC = True
    documents = []
    for reason in ("重复投诉", "不属于受理范围", "已过时效"):
        complaint = ComplaintFactory(unit=district_a, status=ComplaintStatus.REJECTED, reject_reason=reason)
        documents.append(issue_document(complaint, "refusal_notice", by=intake_a))
    assert not Document.objects.filter(pk__in=[d.pk for d in documents]).exclude(pdf_sha256="").exists()
    worker = Worker(
        "sentinel",
        tmp_path,
        broker=str(tmp_path / "unused-folder"),
        env={
            "CELERY_BROKER_URL": sentinels.url,
            "CELERY_BROKER_TRANSPORT_OPTIONS": json.dumps({"master_name": MASTER_NAME}),
        },
        queues=("heavy",),
    )
    try:
        assert "sentinel://" in worker.log(), worker.log()
        render(documents[0], sentinels)

        sentinels.fail_over()
        render(documents[1], sentinels)

        sentinels.crash_master()
        render(documents[2], sentinels)

        # The same worker throughout, which lost its broker connection twice and found the master again.
        assert worker.process.poll() is None, worker.log()
        assert worker.log().count("Connection to broker lost") >= 2, worker.log()
    finally:
        worker.stop()
