"""Kept database connections (DB_CONN_MAX_AGE) are checked before a request reuses them (CONN_HEALTH_CHECKS,
enforcement/settings/base.py): a connection the server closed in between (a restart, a failover, PgBouncer
or a firewall dropping it) costs the next request nothing. The app runs in a process of its own, as a web
process does; its server connection is ended from outside between two requests. PostgreSQL only."""

import json
import os
import subprocess
import sys
import textwrap

import pytest
from django.conf import settings
from django.db import connection

from tests.test_reminders_worker import database_url

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="health checks of kept PostgreSQL connections"
    ),
    pytest.mark.django_db(transaction=True),  # the app's process sees the committed user
]

APP = """
    import json, sys
    import django
    django.setup()
    import psycopg2
    from django.contrib.auth import get_user_model
    from django.db import connection
    from django.core.handlers.wsgi import WSGIHandler
    from django.test import Client, RequestFactory
    from django.test.utils import setup_test_environment

    setup_test_environment()
    if sys.argv[2] == "off":
        connection.settings_dict["CONN_HEALTH_CHECKS"] = False
    client = Client()
    client.force_login(get_user_model().objects.get(username=sys.argv[1]))
    environ = RequestFactory()._base_environ(PATH_INFO="/complaints/", HTTP_ACCEPT_LANGUAGE="en",
                                             HTTP_COOKIE=client.cookies.output(header="", sep=";"))
    handler = WSGIHandler()  # what gunicorn calls: request_started, then close_old_connections(), as in production

    def get():
        status = []
        b"".join(handler(dict(environ), lambda code, headers, *rest: status.append(code)))
        return int(status[0].split()[0])

    result = {"first": get(), "health_checks": connection.settings_dict["CONN_HEALTH_CHECKS"]}
    kept = connection.connection.info.backend_pid  # kept after the request (CONN_MAX_AGE)
    other = psycopg2.connect(sys.argv[3])
    other.autocommit = True
    other.cursor().execute("SELECT pg_terminate_backend(%s)", [kept])
    other.close()
    try:
        result["second"] = get()
    except Exception as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    result["reconnected"] = connection.connection is not None and connection.connection.info.backend_pid != kept
    print(json.dumps(result))
"""


def run_app(username, health_checks):
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"DATABASE_URL", "TEST_DB_NAME", "DATABASE_POOLER", "DATABASE_REPLICA_URL"}
    }
    environment |= {
        "DJANGO_SETTINGS_MODULE": "enforcement.settings.test",
        "DATABASE_URL": database_url(),
        "DB_CONN_MAX_AGE": "60",
    }
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(APP), username, health_checks, database_url()],
        cwd=settings.BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_a_kept_connection_the_server_closed_is_replaced_before_the_next_request(admin_a):
    result = run_app(admin_a.username, "on")
    assert result == {"first": 200, "health_checks": True, "second": 200, "reconnected": True}


def test_without_health_checks_the_next_request_fails_on_the_dead_connection(admin_a):
    result = run_app(admin_a.username, "off")
    assert result["first"] == 200 and result["health_checks"] is False
    assert result["second"] == 500, "the request ran on the connection the server had closed"
