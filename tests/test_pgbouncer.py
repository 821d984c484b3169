"""Many web and worker processes share PostgreSQL through PgBouncer in transaction mode (var/readme/pooling.md):
tried against a real PgBouncer (Debian's `pgbouncer`, which bin/ensure-system-packages installs), started here
from a temporary configuration on a free port in front of the test database, and always stopped.

In transaction mode consecutive transactions of one client connection may run on different server
connections. A server-side cursor (what `.iterator()` uses, e.g. the streamed CSV export) is declared in one
and fetched from in the next, so it fails with "cursor … does not exist"; DATABASE_POOLER=pgbouncer turns
them off (DISABLE_SERVER_SIDE_CURSORS). The app runs in a process of its own, configured from the environment
as a deployment is, and reaches the database only through PgBouncer. PostgreSQL only."""

import json
import os
import pwd
import shutil
import socket
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from complaints.tests.factories import ComplaintFactory

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="PgBouncer pools PostgreSQL connections"),
    pytest.mark.django_db(transaction=True),  # the app's process, through PgBouncer, sees the committed data
]

PGBOUNCER = shutil.which("pgbouncer") or "/usr/sbin/pgbouncer"
RUN_AS = "postgres"  # PgBouncer refuses to run as root; Debian's PostgreSQL package made this user


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PgBouncer:
    """`pgbouncer` in transaction mode on `port`, in front of the test run's PostgreSQL server."""

    def __init__(self):
        if not Path(PGBOUNCER).exists():
            pytest.fail(
                "pgbouncer is not installed: run bin/ensure-system-packages (Debian package pgbouncer)"
            )
        db = connection.settings_dict
        self.user, self.port = db["USER"] or "postgres", free_port()
        self.folder = Path(tempfile.mkdtemp(prefix="chengguan-pgbouncer-"))
        (self.folder / "userlist.txt").write_text(f'"{self.user}" ""\n')
        (self.folder / "pgbouncer.ini").write_text(
            textwrap.dedent(f"""\
            [databases]
            * = host={db["HOST"] or "127.0.0.1"} port={db["PORT"] or 5432}
            [pgbouncer]
            listen_addr = 127.0.0.1
            listen_port = {self.port}
            unix_socket_dir =
            auth_type = trust
            auth_file = {self.folder / "userlist.txt"}
            pool_mode = transaction
            default_pool_size = 5
            max_client_conn = 50
            ; hand out the idle server connections in turn, as a busy pool does
            server_round_robin = 1
            ignore_startup_parameters = extra_float_digits
            """)
        )
        command = [PGBOUNCER, str(self.folder / "pgbouncer.ini")]
        if os.geteuid() == 0:
            account = pwd.getpwnam(RUN_AS)
            os.chown(self.folder, account.pw_uid, account.pw_gid)
            command = ["runuser", "-u", RUN_AS, "--", *command]
        self.log = self.folder / "pgbouncer.log"
        with open(self.log, "wb") as log:
            self.process = subprocess.Popen(
                command, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                return
            except OSError:
                time.sleep(0.1)
        self.stop()
        pytest.fail(f"pgbouncer did not listen on {self.port}: {self.log.read_text()}")

    def url(self):
        db = connection.settings_dict
        credentials = self.user + (f":{db['PASSWORD']}" if db["PASSWORD"] else "")
        return f"postgres://{credentials}@127.0.0.1:{self.port}/{db['NAME']}"

    def stop(self):
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, 9)
                self.process.wait(10)
        shutil.rmtree(self.folder, ignore_errors=True)


@pytest.fixture
def pgbouncer():
    bouncer = PgBouncer()
    try:
        yield bouncer
    finally:
        bouncer.stop()


# The app in a process of its own: a logged-in user's complaint list and CSV export, through PgBouncer.
APP = """
    import json, sys
    import django
    django.setup()
    import psycopg2
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.test import Client
    from django.test.utils import setup_test_environment

    setup_test_environment()
    # Three clients in a transaction at once make PgBouncer open three server connections, which then wait
    # idle in its pool: the app's transactions are handed to them in turn (server_round_robin), as under load.
    holders = [psycopg2.connect(sys.argv[2]) for _ in range(3)]
    for holder in holders:
        holder.cursor().execute("SELECT 1")
    for holder in holders:
        holder.rollback()  # ended cleanly, the server connection returns to the pool (closed in one, it is dropped)
        holder.close()

    result = {"server_side_cursors": not connection.settings_dict["DISABLE_SERVER_SIDE_CURSORS"],
              "health_checks": connection.settings_dict["CONN_HEALTH_CHECKS"]}
    backends = set()
    for _ in range(4):
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            backends.add(cursor.fetchone()[0])
    result["backends"] = len(backends)  # one client connection of Django's, served by several servers
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(get_user_model().objects.get(username=sys.argv[1]))
    page = client.get("/complaints/")
    result["list"] = [page.status_code, page.content.decode()]
    try:
        export = client.get("/complaints/export.csv")
        result["export"] = [export.status_code, b"".join(export.streaming_content).decode("utf-8-sig")]
    except Exception as exc:
        result["export_error"] = f"{type(exc).__name__}: {exc}"
    print(json.dumps(result))
"""


def run_app(bouncer, username, **variables):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "TEST_DB_NAME", "DATABASE_POOLER", "DATABASE_REPLICA_URL"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "enforcement.settings.test",
        "DATABASE_URL": bouncer.url(),
        "DB_CONN_MAX_AGE": "60",
        **variables,
    }
    dsn = bouncer.url()
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(APP), username, dsn],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.fixture
def complaints(district_a):
    return [ComplaintFactory(unit=district_a).number for _ in range(5)]


def test_with_the_pooler_setting_the_list_and_the_streamed_export_work_through_pgbouncer(
    pgbouncer, complaints, admin_a
):
    result = run_app(pgbouncer, admin_a.username, DATABASE_POOLER="pgbouncer")
    assert result["server_side_cursors"] is False and result["health_checks"] is True
    assert result["backends"] > 1, (
        "PgBouncer in transaction mode hands one client's transactions to several servers"
    )
    status, html = result["list"]
    assert status == 200
    assert all(number in html for number in complaints)
    assert "export_error" not in result, result.get("export_error")
    status, csv = result["export"]
    assert status == 200
    lines = csv.splitlines()
    assert lines[0].startswith("Number,Received at")
    assert sorted(line.split(",")[0] for line in lines[1:]) == sorted(complaints)


def test_with_server_side_cursors_left_on_the_export_fails_through_pgbouncer(pgbouncer, complaints, admin_a):
    result = run_app(pgbouncer, admin_a.username, DATABASE_POOLER="")
    assert result["server_side_cursors"] is True
    assert result["list"][0] == 200  # the list reads a page at once: no cursor to lose
    assert "export" not in result
    assert "does not exist" in result["export_error"] and "_django_curs_" in result["export_error"]
