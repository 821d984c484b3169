"""The API fuzzed against its own OpenAPI schema (schemathesis, in-process through WSGI), once per role,
on the demo city (`seed_demo`): no 5xx, no response that breaks the schema, no status code the schema
does not document. Every operation of the schema is covered, so an endpoint a later issue adds is
fuzzed by construction. Bounded: a few examples per operation, no shrinking, derandomized.

`FUZZ_EXAMPLES` (environment) raises the budget for a longer local run; `FUZZ_RANDOM=1` draws new inputs
each run instead of CI's fixed ones."""

import os
import re
from collections import Counter, defaultdict
from contextlib import contextmanager

import pytest
import schemathesis
from django.core.cache import cache
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.test import Client
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given
from hypothesis import settings as budget
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from enforcement.org.management.commands.seed_demo import DEMO_PASSWORD
from enforcement.org.models import User
from enforcement.org.tokens import ApiToken, digest_of

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "5"))  # about 20 s a role on SQLite
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
# The roles of the issue; the supervisor twice (a squadron's leader and the bureau's head).
ROLES = ["intake", "officer", "squad_leader", "bureau_head", "statistician", "admin"]
STATUSES = Counter()  # what the run answered, printed at the end (pytest -s shows it)
RECORD_PATH = re.compile(r"^(/api/v\d+/[^{}]+/)\{id\}/")
# A body's reference fields by name, and the list their ids are taken from.
REFERENCES = {
    "category": "categories",
    "unit": "org-units",
    "intake_unit": "org-units",
    "parent": "org-units",
    "grid": "grids",
    "handler": "users",
    "user": "users",
    "into": "complaints",
}


def api_schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def login(client, user):
    response = client.post(
        "/api/v1/auth/token/",
        {"username": user.username, "password": DEMO_PASSWORD},
        content_type="application/json",
    )
    assert response.status_code == 200, response.content
    return {"Authorization": f"Token {response.json()['token']}"}


def keep_signed_in(headers, user):
    """A fuzzed logout, or a DELETE of the token list's ids, revokes the run's own token: a new one for the
    next case (issued here, not through the test client, which would undo `connection_kept`)."""
    key = headers["Authorization"].split()[1]
    if not ApiToken.objects.filter(digest=digest_of(key)).exists():
        headers["Authorization"] = f"Token {ApiToken.issue(user)[1]}"


def known_ids(client, headers, list_paths):
    """The ids of the records each list shows this user: a fuzzed `{id}` is then a real record as often
    as a random one (a workflow step on a real complaint, not only 404s)."""
    ids = {}
    for path in list_paths:
        response = client.get(path, headers=headers)
        rows = response.json() if response.status_code == 200 else []
        rows = rows.get("results", []) if isinstance(rows, dict) else rows
        ids[path] = [row["id"] for row in rows if isinstance(row, dict) and "id" in row][:20]
    return ids


def fuzz(operation, headers, ids, references, failures, user):
    """Runs `operation` on a small budget, positive and negative inputs; collects failures by operation."""
    strategy = st.one_of(
        operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE)
    )

    @budget(
        max_examples=EXAMPLES,
        deadline=None,
        database=None,
        derandomize=not os.environ.get("FUZZ_RANDOM"),
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    @given(case=strategy, pick=st.integers(min_value=0, max_value=max(len(ids), 1) * 2))
    def run(case, pick):
        if ids and pick < len(ids) and "id" in (case.path_parameters or {}):
            case.path_parameters["id"] = ids[pick]
        if isinstance(case.body, dict) and pick % 2 == 0:  # real references: a create or a dispatch succeeds
            for name, resource in REFERENCES.items():
                if isinstance(case.body.get(name), int) and references.get(resource):
                    case.body[name] = references[resource][pick % len(references[resource])]
        cache.clear()  # the login throttle and lockouts: a fuzzed login must not lock the next request out
        try:
            response = case.call_and_validate(headers=headers, checks=CHECKS)
            STATUSES[response.status_code] += 1
        except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - collected and reported together below
            failures[f"{operation.method.upper()} {operation.path}"].append(summary(str(exc)))
        keep_signed_in(headers, user)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:  # noqa: BLE001 - hypothesis re-raises what it found
        failures[f"{operation.method.upper()} {operation.path}"].append(summary(str(exc)))


@contextmanager
def connection_kept():
    """Django's handler closes the connection after each request; the test's transaction must outlive
    them. Django's test client disconnects the same signal for each of its requests (and connects it
    again after: so this wraps the WSGI calls only)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


@pytest.mark.django_db(transaction=False)
@pytest.mark.parametrize("role", ROLES)
def test_api_conforms_to_its_schema(role, settings):
    settings.ALLOWED_HOSTS = ["*"]  # schemathesis's WSGI client names its own host
    STATUSES.clear()
    call_command("seed_demo", verbosity=0)
    schema = schemathesis.openapi.from_dict(api_schema())
    schema.app = get_wsgi_application()
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    user = User.objects.with_role(role).order_by("pk").first()
    headers = login(client, user)
    operations = [result.ok() for result in schema.get_all_operations()]
    list_paths = {match.group(1) for op in operations if (match := RECORD_PATH.match(op.path))}
    ids = known_ids(client, headers, sorted(list_paths))
    references = {path.rstrip("/").rsplit("/", 1)[-1]: found for path, found in ids.items()}
    failures = defaultdict(list)
    headers = {**headers, "Accept-Language": "en"}  # one dict for the run: keep_signed_in renews its token
    with connection_kept():
        for operation in operations:
            match = RECORD_PATH.match(operation.path)
            fuzz(
                operation,
                headers,
                ids.get(match.group(1), []) if match else [],
                references,
                failures,
                user,
            )
    print(f"{role}: {len(operations)} operations, statuses {dict(sorted(STATUSES.items()))}")
    assert len(operations) > 80 and STATUSES[200] > 30, STATUSES  # the run reached the API, not only refusals
    assert not failures, "\n\n".join(
        f"{name}:\n" + "\n---\n".join(found[:2]) for name, found in failures.items()
    )


def summary(message):
    """The lines that say what broke (the check, the status and body, the request), not the traceback."""
    keep = [
        line.strip()
        for line in message.splitlines()
        if line.strip().startswith(("- ", "[", "curl", "Received", "Documented", "`"))
    ]
    return "\n".join(keep)[:1200]
