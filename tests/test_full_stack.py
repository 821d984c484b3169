"""The README's production section tried as written (issue 15's "Done when"): on this machine, a PostgreSQL
database of its own with a streaming replica (bin/replica), a Redis of its own, an S3-compatible store (moto's
server), two gunicorn web processes, two Celery workers and two beats (celery-redbeat), all started as the
README says, with the production settings and only the environment it names. Then, over HTTP only:

- a complaint with an evidence photo goes through its loop (accept, dispatch, start, reply, visit, close),
  alternating the two web processes; the photo is in the bucket and its download is a 302 to a signed URL
  that serves the same bytes;
- another user's list is read from the replica: the page says so, and with the replica's replay paused a
  complaint saved a moment ago is missing from it while its own page (the primary) has it;
- an overdue complaint gets each of its reminders once, from two beats (one holds the lock) and two workers;
- /health/ready/ on each web process reports every part ok; with the replica stopped the lists still answer
  (from the primary) and readiness stays 200; with Redis stopped readiness answers 503 naming the cache
  and the broker, while the lists, a record, a new complaint and signing in answer as before (no 500);
- Redis started again, empty: readiness is 200 again, a beat sends the sweep again, and the notice of a step
  taken during the outage (kept in the database) reaches a worker through the broker.

Nothing of the test process's own Django is used: every request goes to the gunicorn ports, and the checks of
the database are plain SQL. Needs PostgreSQL (DATABASE_URL, or FULLSTACK_DATABASE_URL naming the server) and
the rights bin/replica needs. Skipped with the reason when something is missing, unless FULLSTACK_TEST=1
(then that is a failure). Every process is killed by its process group, the replica stopped, the database
dropped and the temporary directory removed, whatever happens. About 90 s on two cores, part of it
`collectstatic` (the production settings need its manifest: the Dockerfile runs it when the image is built)."""

import json
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlsplit

import boto3
import psycopg2
import pytest
import redis
import requests
from django.conf import settings

from enforcement.files.testing import jpeg_bytes

pytestmark = pytest.mark.worker

BASE_DIR = Path(settings.BASE_DIR)
BIN = Path(sys.executable).parent
REPLICA = BASE_DIR / "bin" / "replica"
PASSWORD = "Demo-2026!"  # the demo logins' password (enforcement/org/management/commands/seed_demo.py)
NOTE = "Figures may be a few seconds behind."
STICKY = "primary_reads_until"  # enforcement/replicas.py's cookie
MAX_COPY_BYTES = float(os.environ.get("REPLICA_MAX_COPY_GB", "1")) * 2**30
S3_KEYS = {
    "S3_ACCESS_KEY_ID": "fullstack",
    "S3_SECRET_ACCESS_KEY": "fullstack-secret",
    "S3_REGION": "us-east-1",
}
SWEEP_SECONDS = 2
# The test's own sessions (Stack.sql), told apart from the processes': a closed one's backend may still be
# listed for a moment after the next has begun.
TEST_SESSION = "fullstack-test"
# The demo city's people (enforcement/org/demo.py) and two of its rows.
INTAKE, OFFICER, HEAD = "chancheng.intake", "chancheng.officer", "chancheng.bureau_head"
SQUADRON, CATEGORY = "chancheng-zumiao", "0503"
SEED = (
    "from enforcement.audit.context import audit_source\n"
    "from enforcement.catalog import demo as catalog\n"
    "from enforcement.org import demo as org\n"
    "with audit_source('system'):\n"
    f"    org.seed({PASSWORD!r})\n"
    "    catalog.seed()\n"
)


def give_up(reason):
    if os.environ.get("FULLSTACK_TEST") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(condition, what, seconds=60, interval=0.2):
    deadline = time.monotonic() + seconds
    while True:
        try:
            value = condition()
            if value:
                return value
        except (OSError, requests.RequestException, redis.RedisError, psycopg2.Error):
            pass
        # `what` may be a callable: what it says is read at the failure (the state that was waited for).
        assert time.monotonic() < deadline, f"timed out waiting for {what() if callable(what) else what}"
        time.sleep(interval)


def server_url():
    """The PostgreSQL server to make the database on: FULLSTACK_DATABASE_URL, else the tests' DATABASE_URL."""
    url = os.environ.get("FULLSTACK_DATABASE_URL") or os.environ.get("DATABASE_URL", "")
    if not url.startswith(("postgres://", "postgresql://")):
        give_up("the full stack needs PostgreSQL: set DATABASE_URL (or FULLSTACK_DATABASE_URL) to its server")
    parts = urlsplit(url)
    return {
        "host": parts.hostname or "127.0.0.1",
        "port": parts.port or 5432,
        "user": parts.username or "postgres",
        "password": parts.password or "",
    }


class Stack:
    """The processes and the data of one run, and their removal."""

    def __init__(self):
        self.tmp = Path(tempfile.mkdtemp(prefix="chengguan-fullstack-"))
        self.processes = {}  # name: (Popen, log path)
        self.database = None
        self.role = None  # the application's database role (grant_app_role), the server's: dropped at the end
        self.replica_env = None
        self.pg = None
        self.ok = False  # set by the test at its end: otherwise the processes' logs are printed

    # --- processes ------------------------------------------------------------------------------------------
    def start(self, name, command, env, cwd=BASE_DIR):
        log = self.tmp / f"{name}.log"
        with open(log, "ab") as out:
            process = subprocess.Popen(
                command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        self.processes[name] = (process, log)
        return process

    def log(self, name):
        return self.processes[name][1].read_text(errors="replace")

    def alive(self, name):
        return self.processes[name][0].poll() is None

    def wait_log(self, name, text, what, seconds=90):
        wait_for(lambda: text in self.log(name) or not self.alive(name), what, seconds)
        assert self.alive(name), f"{name} exited:\n{self.log(name)[-3000:]}"

    def finish(self, name, seconds=300):
        """Waits for a one-off command (migrate, collectstatic) and says what went wrong if it failed."""
        process, _log = self.processes[name]
        try:
            code = process.wait(seconds)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{name} took over {seconds} s:\n{self.log(name)[-2000:]}") from None
        assert code == 0, f"{name} failed ({code}):\n{self.log(name)[-3000:]}"

    def kill(self, name):
        process, _log = self.processes[name]
        if process.poll() is None:
            try:
                os.killpg(process.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        process.wait(15)

    # --- databases ------------------------------------------------------------------------------------------
    def sql(self, query, params=(), *, port=None):
        """Rows of one statement on the stack's database (or, by `port`, on the replica)."""
        connection = psycopg2.connect(
            dbname=self.database,
            connect_timeout=5,
            application_name=TEST_SESSION,
            **{**self.pg, "port": port or self.pg["port"]},
        )
        connection.autocommit = True
        try:
            with connection.cursor() as cursor:
                cursor.execute(query, params)
                return cursor.fetchall() if cursor.description else []
        finally:
            connection.close()

    def close(self, failed):
        if failed:  # what each process said, for the failure's report
            for name in self.processes:
                print(f"--- {name} (tail) ---\n{self.log(name)[-2500:]}")
        for name in reversed(list(self.processes)):
            self.kill(name)
        if self.replica_env is not None:
            subprocess.run([str(REPLICA), "stop"], env=self.replica_env, capture_output=True, timeout=90)
        if self.database:
            admin = psycopg2.connect(dbname="postgres", connect_timeout=5, **self.pg)
            admin.autocommit = True
            with admin.cursor() as cursor:
                cursor.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
                if self.role:  # its grants went with the database
                    cursor.execute(f'DROP ROLE IF EXISTS "{self.role}"')
            admin.close()
        shutil.rmtree(self.tmp, ignore_errors=True)


@pytest.fixture
def stack():
    pg = server_url()
    try:
        admin = psycopg2.connect(dbname="postgres", connect_timeout=5, **pg)
    except psycopg2.OperationalError as exc:
        give_up(f"no PostgreSQL at {pg['host']}:{pg['port']}: {exc}".strip())
    admin.autocommit = True
    with admin.cursor() as cursor:
        # pg_basebackup copies the whole cluster: a benchmark's database of several GB would take minutes.
        cursor.execute("SELECT sum(pg_database_size(oid)) FROM pg_database")
        size = cursor.fetchone()[0]
    if size > MAX_COPY_BYTES:
        admin.close()
        give_up(
            f"the PostgreSQL cluster holds {size / 2**30:.1f} GB and pg_basebackup would copy all of it; "
            "drop the large databases (e.g. the benchmark's) or set REPLICA_MAX_COPY_GB"
        )
    if not shutil.which("redis-server"):
        admin.close()
        give_up("redis-server is not installed (bin/ensure-system-packages)")
    stack = Stack()
    stack.pg = pg
    try:
        stack.database = f"cg_fullstack_{secrets.token_hex(4)}"
        stack.role = f"{stack.database}_app"
        with admin.cursor() as cursor:
            cursor.execute(f'CREATE DATABASE "{stack.database}"')
        admin.close()
        yield stack
    finally:
        stack.close(failed=not stack.ok)


# --- the browser and the API, over HTTP ----------------------------------------------------------------------
class Browser:
    """A signed-in browser session against one web process. The production cookies are `Secure`, which
    requests keeps from a plain-HTTP address (the TLS proxy is not part of this run): they are sent anyway."""

    def __init__(self, base, username):
        self.base = base
        self.session = requests.Session()
        self.session.headers["Accept-Language"] = "en"
        page = self.get("/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        signed_in = self.session.post(
            f"{base}/login/",
            {"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
            headers={"Referer": f"{base}/login/"},
            allow_redirects=False,
            timeout=30,
        )
        self._unsecure()
        assert signed_in.status_code == 302, signed_in.text[-2000:]

    def _unsecure(self):
        for cookie in self.session.cookies:
            cookie.secure = False

    def get(self, path):
        response = self.session.get(f"{self.base}{path}", timeout=30)
        self._unsecure()
        return response


def token(base, username):
    response = requests.post(
        f"{base}/api/v1/auth/token/", json={"username": username, "password": PASSWORD}, timeout=30
    )
    assert response.status_code == 200, response.text
    return {"Authorization": f"Token {response.json()['token']}", "Accept-Language": "en"}


def api(method, base, path, who, **kwargs):
    return requests.request(method, f"{base}/api/v1{path}", headers=who, timeout=30, **kwargs)


def step(base, who, complaint_id, action, **data):
    response = api("POST", base, f"/complaints/{complaint_id}/{action}/", who, json=data)
    assert response.status_code == 200, (action, base, response.text)
    return response.json()


def numbers_listed(base, who):
    response = api("GET", base, "/complaints/", who)
    assert response.status_code == 200, response.text
    return {row["number"] for row in response.json()["results"]}


def mine(path):
    return path.startswith(str(BASE_DIR)) and "/.venv/" not in path


def where_it_failed(log):
    """For each logged 500: the request's path, the last of the project's own frames and the error."""
    for line in log.splitlines():
        if not line.startswith("{") or '"exception"' not in line:
            continue
        record = json.loads(line)
        frames = re.findall(r'File "([^"]+)", line (\d+), in (\w+)', record["exception"])
        own = [f"{Path(f).relative_to(BASE_DIR)}:{n} {fn}" for f, n, fn in frames if mine(f)]
        yield f"{record['message']} <- {own[-1] if own else '?'} <- {record['exception'].splitlines()[-1][:120]}"


def ready(base):
    response = requests.get(f"{base}/health/ready/", timeout=30)
    return response.status_code, response.json()


# --- the test --------------------------------------------------------------------------------------------------
def test_the_production_stack_on_one_machine(stack):
    started = time.monotonic()
    tmp, pg = stack.tmp, stack.pg
    redis_port, s3_port, replica_port = free_port(), free_port(), free_port()
    web_ports = [free_port(), free_port()]
    webs = [f"http://127.0.0.1:{port}" for port in web_ports]
    bucket = f"evidence-{secrets.token_hex(4)}"
    primary = f"postgres://{pg['user']}" + (f":{pg['password']}" if pg["password"] else "")
    primary += f"@{pg['host']}:{pg['port']}"

    # Redis and the object store: processes of their own, on free ports (the machine's Redis is not touched).
    stack.start(
        "redis",
        [
            "redis-server",
            "--port",
            str(redis_port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
        ],
        {"PATH": os.environ["PATH"]},
        cwd=tmp,
    )
    stack.start(
        "s3", [str(BIN / "moto_server"), "-H", "127.0.0.1", "-p", str(s3_port)], {**os.environ}, cwd=tmp
    )

    # The production settings, from the environment only: what the README's Production section names.
    env = {
        "PATH": os.environ["PATH"],
        "HOME": str(tmp),
        "LANG": "C.UTF-8",
        "PYTHONUNBUFFERED": "1",
        "DJANGO_SETTINGS_MODULE": "enforcement.settings.production",
        "DJANGO_SECRET_KEY": secrets.token_hex(32),
        "DATABASE_URL": f"{primary}/{stack.database}",
        "SITE_URL": webs[0],  # README: https://…; no TLS proxy here, so plain HTTP (the settings allow it)
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DJANGO_CSRF_TRUSTED_ORIGINS": ",".join(webs),
        "DJANGO_SECURE_SSL_REDIRECT": "0",  # no TLS proxy in front
        "REDIS_URL": f"redis://127.0.0.1:{redis_port}/0",
        "STORAGE_BACKEND": "s3",
        "S3_BUCKET": bucket,
        "S3_ENDPOINT_URL": f"http://127.0.0.1:{s3_port}",
        "S3_ADDRESSING_STYLE": "path",
        **S3_KEYS,
        "VAR_DIR": str(tmp / "var"),
        "STATIC_ROOT": str(tmp / "static"),
        # Faster than production, so the test needs seconds: a sweep every 2 s, the lock renewed every second.
        "REMINDER_SWEEP_SECONDS": str(SWEEP_SECONDS),
        "BEAT_MAX_INTERVAL": "1",
    }
    # The Dockerfile collects the static files when the image is built; outside the image it must be run.
    stack.start("collectstatic", [str(BIN / "python"), "manage.py", "collectstatic", "--noinput", "-v0"], env)
    stack.start("migrate", [str(BIN / "python"), "manage.py", "migrate", "--noinput", "-v0"], env)
    stack.replica_env = {
        **os.environ,
        "PRIMARY_HOST": pg["host"],
        "PRIMARY_PORT": str(pg["port"]),
        "REPLICA_PORT": str(replica_port),
        "PG_USER": pg["user"],
    }
    replica_start = stack.start("replica", [str(REPLICA), "start"], stack.replica_env)
    env["DATABASE_REPLICA_URL"] = f"postgres://{pg['user']}@127.0.0.1:{replica_port}/{stack.database}"

    wait_for(lambda: redis.Redis(port=redis_port).ping(), "redis-server")
    wait_for(lambda: requests.get(env["S3_ENDPOINT_URL"], timeout=2).ok, "the S3 server")
    s3 = boto3.client(
        "s3",
        endpoint_url=env["S3_ENDPOINT_URL"],
        region_name=S3_KEYS["S3_REGION"],
        aws_access_key_id=S3_KEYS["S3_ACCESS_KEY_ID"],
        aws_secret_access_key=S3_KEYS["S3_SECRET_ACCESS_KEY"],
    )
    s3.create_bucket(Bucket=bucket)  # private: no policy

    stack.finish("migrate")
    # As the README's docker-compose does: the owner migrates and grants; every process connects as the role
    # that owns no table. The seed is an administrative load: the owner's.
    app_password = secrets.token_hex(12)
    stack.start(
        "grant",
        [str(BIN / "python"), "manage.py", "grant_app_role", stack.role, "--password-env", "APP_DB_PASSWORD"],
        {**env, "APP_DB_PASSWORD": app_password},
    )
    stack.finish("grant")
    stack.start("seed", [str(BIN / "python"), "manage.py", "shell", "-c", SEED], env)
    stack.finish("seed")
    app = f"postgres://{stack.role}:{app_password}"
    env["DATABASE_URL"] = f"{app}@{pg['host']}:{pg['port']}/{stack.database}"
    env["DATABASE_REPLICA_URL"] = f"{app}@127.0.0.1:{replica_port}/{stack.database}"
    try:
        code = replica_start.wait(120)
    except subprocess.TimeoutExpired:
        code = None
    if code != 0:
        give_up(f"bin/replica could not start a replica: {stack.log('replica')[-400:]}")

    # Two workers (both take the default queue; the second the PDFs' too) and two beats, as on two hosts.
    celery = str(BIN / "celery")
    for n, queues in ((1, "celery"), (2, "celery,heavy")):
        stack.start(
            f"worker-{n}",
            [celery, "-A", "enforcement", "worker", "-Q", queues, "-n", f"worker{n}@%h", "--concurrency=1"]
            + ["--loglevel=INFO"],
            env,
        )
    for n in (1, 2):
        stack.start(f"beat-{n}", [celery, "-A", "enforcement", "beat", "--loglevel=INFO"], env)

    # Two web processes: the Dockerfile's command, each on a port of its own (two hosts behind the balancer).
    stack.finish("collectstatic")
    for n, port in enumerate(web_ports, 1):
        stack.start(
            f"web-{n}",
            [str(BIN / "gunicorn"), "enforcement.wsgi:application", "--bind", f"127.0.0.1:{port}"]
            + ["--no-control-socket", "--access-logfile", "-"],
            {**env, "WEB_CONCURRENCY": "2"},
        )
    for n, base in enumerate(webs, 1):
        wait_for(lambda base=base: requests.get(f"{base}/health/live/", timeout=2).ok, f"web {n}", 90)
    for name in ("worker-1", "worker-2"):
        stack.wait_log(name, " ready.", name)
    for name in ("beat-1", "beat-2"):
        stack.wait_log(name, "beat: Starting", name)
    print(f"stack up after {time.monotonic() - started:.0f} s")
    # Every table is the owner's; the processes' sessions are the app role's.
    owners = stack.sql("SELECT DISTINCT tableowner FROM pg_tables WHERE schemaname = 'public'")
    assert owners == [(pg["user"],)], owners

    def sessions():
        return stack.sql(
            "SELECT DISTINCT usename FROM pg_stat_activity WHERE datname = %s AND application_name <> %s",
            [stack.database, TEST_SESSION],
        )

    # The workers' sweeps, every 2 s, each on a connection of its own: read the sessions once they are seen.
    seen = wait_for(sessions, "the processes' database sessions")
    assert seen == [(stack.role,)], seen

    # Readiness on each web process: every part, the replica included.
    for base in webs:
        status, parts = ready(base)
        assert status == 200 and parts == {
            "database": "ok",
            "cache": "ok",
            "broker": "ok",
            "storage": "ok",
            "static": "ok",
            "replica": "ok",
        }, (base, parts)

    # --- a complaint with evidence through its loop, alternating the two web processes --------------------
    intake, officer, head = token(webs[0], INTAKE), token(webs[1], OFFICER), token(webs[0], HEAD)
    [(squadron,)] = stack.sql("SELECT id FROM org_orgunit WHERE code = %s", [SQUADRON])
    [(category,)] = stack.sql("SELECT id FROM catalog_violationcategory WHERE code = %s", [CATEGORY])

    def complaint_body(address):
        return {
            "channel": "hotline_12345",
            "category": category,
            "description": "夜间23点后工地仍在打桩。",
            "address": address,
            "lat": "23.027000",
            "lng": "113.112000",
            "complainant_name": "黄丽华",
            "complainant_phone": "13922223333",
        }

    def register(base, address):
        response = api("POST", base, "/complaints/", intake, json=complaint_body(address))
        assert response.status_code == 201, response.text
        return response.json()

    complaint = register(webs[0], "禅城区汾江中路120号")
    photo = jpeg_bytes(size=(64, 48))
    attached = api(
        "POST",
        webs[1],
        f"/complaints/{complaint['id']}/attachments/",
        intake,
        files={"file": ("现场.jpg", photo, "image/jpeg")},
        data={"stage": "evidence"},
    )
    assert attached.status_code == 201, attached.text
    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=bucket).get("Contents", [])]
    assert len(keys) == 1 and keys[0].startswith("complaints/"), keys  # in the bucket, not on a disk
    assert s3.get_object(Bucket=bucket, Key=keys[0])["Body"].read() == photo
    assert env["S3_ENDPOINT_URL"] not in attached.text

    def downloaded(base, who):
        """The evidence through the app's scope check: a 302 to a signed URL of that object, which serves it."""
        answer = requests.get(
            f"{base}{attached.json()['url']}", headers=who, allow_redirects=False, timeout=30
        )
        assert answer.status_code == 302, answer.text
        signed = answer.headers["Location"]
        assert (
            signed.startswith(f"{env['S3_ENDPOINT_URL']}/{bucket}/{keys[0]}?") and "X-Amz-Signature" in signed
        )
        fetched = requests.get(signed, timeout=10)
        assert fetched.status_code == 200 and fetched.content == photo
        assert requests.get(signed.split("?")[0], timeout=10).status_code == 403  # the bucket is private
        return True

    assert downloaded(webs[0], intake)
    # Not yet the officer's: out of scope, 404 and no URL.
    assert requests.get(f"{webs[0]}{attached.json()['url']}", headers=officer, timeout=30).status_code == 404

    step(webs[1], intake, complaint["id"], "accept")
    assert step(webs[0], intake, complaint["id"], "dispatch", unit=squadron)["unit"]["id"] == squadron
    assert downloaded(webs[1], officer)  # dispatched to the officer's squadron: now in scope
    step(webs[1], officer, complaint["id"], "start")
    step(webs[0], officer, complaint["id"], "reply", reply_text="已责令施工单位停止夜间施工。")
    step(webs[1], intake, complaint["id"], "record_visit", satisfaction="satisfied")
    closed = step(webs[0], intake, complaint["id"], "close")
    assert closed["status"] == "closed" and closed["allowed_actions"] == []
    steps = stack.sql(
        "SELECT verb FROM audit_auditevent WHERE object_id = %s AND action = 'transition' ORDER BY at, id",
        [str(complaint["id"])],
    )
    assert [verb for (verb,) in steps] == ["accept", "dispatch", "start", "reply", "record_visit", "close"]

    # --- the other web process's list, from the replica -----------------------------------------------------
    def replayed():
        [(target,)] = stack.sql("SELECT pg_current_wal_lsn()::text")
        wait_for(
            lambda: stack.sql("SELECT pg_last_wal_replay_lsn() >= %s::pg_lsn", [target], port=replica_port)[
                0
            ][0],
            "the replica to replay",
            30,
        )

    replayed()
    colleague = Browser(webs[1], HEAD)
    # Signing in wrote (the session, the last login): for REPLICA_STICKY_SECONDS this browser reads the
    # primary, and the list says nothing of a replica.
    assert colleague.session.cookies.get(STICKY)
    page = colleague.get("/complaints/")
    assert page.status_code == 200 and complaint["number"] in page.text and NOTE not in page.text
    colleague.session.cookies.clear(domain="127.0.0.1", path="/", name=STICKY)  # as once it has expired
    page = colleague.get("/complaints/")
    assert page.status_code == 200 and complaint["number"] in page.text and NOTE in page.text

    # The replica falls behind (its replay paused): a complaint just saved on web 1 is missing from the lists
    # of web 2 (read from the replica) but on its own page there (the primary).
    stack.sql("SELECT pg_wal_replay_pause()::text", port=replica_port)
    wait_for(
        lambda: stack.sql("SELECT pg_get_wal_replay_pause_state()", port=replica_port)[0][0] == "paused",
        "the pause",
    )
    late = register(webs[0], "禅城区祖庙路8号")
    listed = numbers_listed(webs[1], head)
    assert complaint["number"] in listed and late["number"] not in listed, listed
    assert late["number"] not in colleague.get("/complaints/").text
    detail = api("GET", webs[1], f"/complaints/{late['id']}/", head)
    assert detail.status_code == 200 and detail.json()["number"] == late["number"]
    stack.sql("SELECT pg_wal_replay_resume()::text", port=replica_port)
    replayed()
    assert late["number"] in numbers_listed(webs[1], head)

    # --- reminders: two beats and two workers send each once ------------------------------------------------
    overdue = register(webs[1], "禅城区季华路66号")
    step(webs[0], intake, overdue["id"], "accept")
    step(webs[1], intake, overdue["id"], "dispatch", unit=squadron)
    step(webs[0], officer, overdue["id"], "start")
    # Its reply deadline twenty days ago: overdue, and escalated (the sweep's incremental read finds it by
    # updated_at). Its reply's reminders only: a sweep between its registration and its acceptance warns of
    # the acceptance, due the next working day.
    stack.sql(
        "UPDATE complaints_complaint SET reply_due_at = now() - interval '20 days', "
        "due_at = now() - interval '20 days', updated_at = now() WHERE id = %s",
        [overdue["id"]],
    )
    reminders_sql = (
        "SELECT r.kind, r.level, r.due_at FROM notifications_reminder r "
        "JOIN django_content_type t ON t.id = r.content_type_id "
        "WHERE t.app_label = 'complaints' AND t.model = 'complaint' AND r.object_id = %s "
        "AND r.kind = 'complaint_reply' ORDER BY r.level"
    )
    deliveries_sql = (
        "SELECT d.id, d.channel, d.status, d.attempts, d.user_id FROM notifications_delivery d "
        "JOIN notifications_reminder r ON r.id = d.reminder_id "
        "JOIN django_content_type t ON t.id = r.content_type_id "
        "WHERE t.app_label = 'complaints' AND t.model = 'complaint' AND r.object_id = %s "
        "AND r.kind = 'complaint_reply'"
    )

    def all_sent():
        levels = [level for _kind, level, _due in stack.sql(reminders_sql, [overdue["id"]])]
        deliveries = stack.sql(deliveries_sql, [overdue["id"]])
        return levels == ["escalated", "overdue"] and deliveries and all(d[2] == "sent" for d in deliveries)

    wait_for(
        all_sent,
        lambda: (
            "the overdue complaint's reminders to be sent: reminders "
            f"{stack.sql(reminders_sql, [overdue['id']])}, deliveries {stack.sql(deliveries_sql, [overdue['id']])}"
        ),
        60,
    )
    time.sleep(3 * SWEEP_SECONDS)  # three more sweeps: they find nothing new
    reminders = stack.sql(reminders_sql, [overdue["id"]])
    assert [(kind, level) for kind, level, _due in reminders] == [
        ("complaint_reply", "escalated"),
        ("complaint_reply", "overdue"),
    ]
    deliveries = stack.sql(deliveries_sql, [overdue["id"]])
    assert {(status, attempts) for _id, _channel, status, attempts, _user in deliveries} == {("sent", 1)}
    inbox = sorted(d[0] for d in deliveries if d[1] == "inbox")
    notified = stack.sql(
        "SELECT delivery_id FROM notifications_notification WHERE delivery_id = ANY(%s) ORDER BY delivery_id",
        [inbox],
    )
    assert inbox and [delivery for (delivery,) in notified] == inbox  # one inbox notice per delivery
    assert sum("Acquired lock" in stack.log(name) for name in ("beat-1", "beat-2")) == 1
    sweeps = [stack.log(name).count("send_due_reminders_task[") for name in ("worker-1", "worker-2")]
    assert sum(sweeps) > 0, sweeps

    # --- the replica stops: the lists read the primary; readiness reports it and stays 200 ------------------
    stopped = subprocess.run(
        [str(REPLICA), "stop"], env=stack.replica_env, capture_output=True, text=True, timeout=90
    )
    assert stopped.returncode == 0, stopped.stderr
    stack.replica_env = None
    for base in webs:
        assert {complaint["number"], late["number"]} <= numbers_listed(base, head)
    page = colleague.get("/complaints/")
    assert page.status_code == 200 and late["number"] in page.text and NOTE not in page.text
    for base in webs:
        status, parts = ready(base)
        assert status == 200 and parts["replica"].startswith("error") and parts["database"] == "ok", parts

    # --- Redis stops: readiness answers 503 naming the cache and the broker; the pages ride it out ----------
    redis_command = stack.processes["redis"][0].args
    stack.kill("redis")
    for base in webs:
        status, parts = ready(base)
        assert status == 503, parts
        assert parts["cache"] != "ok" and parts["broker"] != "ok", parts
        assert parts["database"] == parts["storage"] == "ok", parts
        assert requests.get(f"{base}/health/live/", timeout=10).status_code == 200
    # Without the cache the lists read through and the throttles count nothing; what a save would queue is
    # logged, not raised (enforcement.celery.send): every answer as with Redis.
    outage, answers = {}, {}
    for what, call in {
        "browser list": lambda: colleague.get("/complaints/"),
        "record page": lambda: colleague.get(f"/complaints/{complaint['id']}/"),
        "API list": lambda: api("GET", webs[0], "/complaints/", head),
        "API detail": lambda: api("GET", webs[0], f"/complaints/{complaint['id']}/", head),
        "API create": lambda: api("POST", webs[1], "/complaints/", intake, json=complaint_body("人民路1号")),
        "API token": lambda: requests.post(
            f"{webs[1]}/api/v1/auth/token/", json={"username": HEAD, "password": PASSWORD}, timeout=30
        ),
    }.items():
        began = time.monotonic()
        answers[what] = call()
        outage[what] = f"{answers[what].status_code} in {time.monotonic() - began:.1f} s"
    print(f"with Redis stopped: {json.dumps(outage, ensure_ascii=False)}")
    errors = sorted(set(where_it_failed(stack.log("web-1") + stack.log("web-2"))))
    assert not errors, "\n".join(errors)
    assert {what: answer.status_code for what, answer in answers.items()} == {
        "browser list": 200,
        "record page": 200,
        "API list": 200,
        "API detail": 200,
        "API create": 201,
        "API token": 200,
    }, outage
    during = answers["API create"].json()
    assert stack.sql("SELECT count(*) FROM complaints_complaint WHERE id = %s", [during["id"]]) == [(1,)]
    # A step taken meanwhile stands; its notice, not queued, is kept in the database for the retry sweep.
    step(webs[0], intake, during["id"], "accept")
    step(webs[1], intake, during["id"], "dispatch", unit=squadron)
    kept = "SELECT count(*) FROM notifications_unsenteventnotice"
    assert stack.sql(kept)[0][0] >= 1

    # --- Redis back (empty: it keeps nothing on disk): readiness 200 again, the beats and workers carry on ---
    beat_logs = {name: len(stack.log(name)) for name in ("beat-1", "beat-2")}
    stack.start("redis", redis_command, {"PATH": os.environ["PATH"]}, cwd=tmp)
    wait_for(lambda: redis.Redis(port=redis_port).ping(), "redis-server again")
    for base in webs:
        wait_for(lambda base=base: ready(base)[0] == 200, "readiness after Redis came back", 60)
    wait_for(
        lambda: any("send-due-reminders" in stack.log(name)[size:] for name, size in beat_logs.items()),
        "a beat to send the sweep again",
        90,
    )
    # The dispatch's notice: queued by the retry sweep once the broker answers, made by a worker.
    wait_for(
        lambda: (
            stack.sql(
                "SELECT count(*) FROM notifications_eventnotice WHERE object_id = %s AND action = 'dispatch'",
                [during["id"]],
            )[0][0]
            > 0
        ),
        "the dispatch's notice from a worker",
        60,
    )
    # The sweep deletes the rows it queued once the broker took them all: a moment after the worker may start.
    wait_for(lambda: stack.sql(kept) == [(0,)], "the kept notices to be cleared", 30)
    assert all(stack.alive(name) for name in ("web-1", "web-2", "beat-1", "beat-2")), "a process exited"
    print(f"full stack run: {time.monotonic() - started:.0f} s")
    stack.ok = True
