"""Read replicas: which reads may go to a streaming replica of PostgreSQL (DATABASE_REPLICA_URL), and which
stay on the primary.

Only a read a view declares with `replica_reads` (the complaint list and its CSV export, the documents list,
the approvals inbox, in the browser and the API) goes to the replica. Everything else reads the primary:
every write (a replica is read-only), every `select_for_update`, every sweep and claim (they run in
workers and commands, never inside `replica_reads`), every document number (numbering locks its counter
row, a write). Inside a declared read the primary still answers:

- inside a transaction (`transaction.atomic`) on the primary — its reads belong to its snapshot and must see
  its own writes;
- after a write in the same request or block — the rest of it reads what it wrote;
- for `REPLICA_STICKY_SECONDS` after the user saved something (an unsafe request that wrote): a cookie
  set on that response pins their next reads, so the list they are sent back to shows what they just saved
  even while the replica replays it;
- while the replica is unreachable or more than `REPLICA_MAX_LAG_SECONDS` behind (checked at most every
  `REPLICA_CHECK_SECONDS` per process): the lists are slower, never wrong by more than that, never an error.

Without DATABASE_REPLICA_URL there is no replica alias and every read goes to "default", as before.
"""

import contextlib
import contextvars
import copy
import functools
import logging
import time
from dataclasses import dataclass

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections

REPLICA = "replica"
COOKIE = "primary_reads_until"
SAFE_METHODS = ("GET", "HEAD", "OPTIONS", "TRACE")

logger = logging.getLogger(__name__)


@dataclass
class _Scope:
    """One `replica_reads` block: whether it may use the replica at all, and whether it has written."""

    pinned: bool
    wrote: bool = False


@dataclass
class _Request:
    pinned: bool
    wrote: bool = False


_scope = contextvars.ContextVar("replica_scope", default=None)
_request = contextvars.ContextVar("replica_request", default=None)
_checked = {"at": float("-inf"), "usable": False}  # this process's last look at the replica


def replica_configured():
    return REPLICA in connections.settings


def _in_transaction():
    """A transaction.atomic block of the code (not the one a test case wraps every test in)."""
    blocks = connections[DEFAULT_DB_ALIAS].atomic_blocks
    return any(not getattr(block, "_from_testcase", False) for block in blocks)


def replica_lag():
    """Seconds the replica is behind the primary (0 when it has replayed all it received), or None when it
    cannot be asked. Another engine than PostgreSQL (a test mirror of SQLite) counts as up to date."""
    connection = connections[REPLICA]
    if connection.vendor != "postgresql":
        return 0.0
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0"
                " ELSE COALESCE(EXTRACT(EPOCH FROM now() - pg_last_xact_replay_timestamp()), 0) END"
            )
            return float(cursor.fetchone()[0])
    except DatabaseError as exc:
        logger.warning("read replica unreachable, lists read the primary: %s", exc)
        connection.close()
        return None


def replica_usable():
    """Whether declared reads may go to the replica now; asked at most every REPLICA_CHECK_SECONDS."""
    if not replica_configured():
        return False
    now = time.monotonic()
    if now - _checked["at"] >= settings.REPLICA_CHECK_SECONDS:
        lag = replica_lag()
        usable = lag is not None and lag <= settings.REPLICA_MAX_LAG_SECONDS
        if lag is not None and not usable:
            logger.warning(
                "read replica %.1f s behind (limit %s s), lists read the primary",
                lag,
                settings.REPLICA_MAX_LAG_SECONDS,
            )
        _checked.update(at=now, usable=usable)
    return _checked["usable"]


def forget_replica_check():
    """The next declared read asks the replica again (tests; after a failover)."""
    _checked.update(at=float("-inf"), usable=False)


@contextlib.contextmanager
def replica_alias(**overrides):
    """The "replica" alias for the duration of the block: the primary's settings with `overrides` (HOST,
    PORT…), reading the same database by name. For tests: settings are read once, at start."""
    if replica_configured():
        raise RuntimeError("a replica is configured already (DATABASE_REPLICA_URL)")
    primary = connections[DEFAULT_DB_ALIAS].settings_dict
    connections.settings[REPLICA] = {
        **copy.deepcopy(primary),
        **overrides,
        "TEST": {**primary["TEST"], "MIRROR": DEFAULT_DB_ALIAS},
    }
    forget_replica_check()
    try:
        yield connections[REPLICA]
    finally:
        if hasattr(connections._connections, REPLICA):
            connections[REPLICA].close()
            del connections[REPLICA]
        del connections.settings[REPLICA]
        forget_replica_check()


class _ReplicaReads:
    def __enter__(self):
        request = _request.get()
        pinned = (request is not None and request.pinned) or not replica_usable()
        self.scope = _Scope(pinned=pinned)
        self._token = _scope.set(self.scope)
        return self.scope

    def __exit__(self, *exc):
        _scope.reset(self._token)
        return False


def _within(scope, iterable):
    """A streamed response's chunks, each produced inside `scope` (the view has returned by then)."""
    context = contextvars.copy_context()
    context.run(_scope.set, scope)
    iterator = iter(iterable)
    while True:
        try:
            chunk = context.run(next, iterator)
        except StopIteration:
            return
        yield chunk


def replica_reads(view=None):
    """`@replica_reads` on a view (or a viewset's `list`), or `with replica_reads():` around a read: the
    reads inside may be answered by the replica (see the module's docstring for when they are not). A
    streamed response (the CSV export) reads the replica while it is sent, too."""
    if view is None:
        return _ReplicaReads()

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with _ReplicaReads() as scope:
            response = view(*args, **kwargs)
        if getattr(response, "streaming", False) and not getattr(response, "is_async", False):
            response.streaming_content = _within(scope, response.streaming_content)
        return response

    return wrapper


def reads_replica():
    """Whether a read here would go to the replica (the lists' "figures may be a few seconds behind")."""
    return PrimaryReplicaRouter().db_for_read(None) == REPLICA


class PrimaryReplicaRouter:
    """DATABASE_ROUTERS: writes to the primary always; reads to the replica only inside `replica_reads`."""

    def db_for_read(self, model, **hints):
        scope = _scope.get()
        if scope is None or scope.pinned or scope.wrote or not replica_configured() or _in_transaction():
            return DEFAULT_DB_ALIAS
        return REPLICA

    def db_for_write(self, model, **hints):
        for state in (_scope.get(), _request.get()):
            if state is not None:
                state.wrote = True
        return DEFAULT_DB_ALIAS

    def allow_relation(self, obj1, obj2, **hints):
        return True  # one database, two copies

    def allow_migrate(self, db, app_label, **hints):
        return db == DEFAULT_DB_ALIAS  # the replica follows the primary's schema by streaming


class ReplicaStickinessMiddleware:
    """Read-your-writes across requests: a request that changed something (an unsafe method that wrote to
    the primary) sets a cookie; until it expires, REPLICA_STICKY_SECONDS later, that browser's declared
    reads go to the primary. The cookie only ever sends reads to the primary, so it needs no signature."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not replica_configured():
            return self.get_response(request)
        try:
            pinned = float(request.COOKIES.get(COOKIE, "0")) > time.time()
        except ValueError:
            pinned = False
        state = _Request(pinned=pinned)
        token = _request.set(state)
        try:
            response = self.get_response(request)
        finally:
            _request.reset(token)
        if state.wrote and request.method not in SAFE_METHODS and settings.REPLICA_STICKY_SECONDS > 0:
            seconds = settings.REPLICA_STICKY_SECONDS
            response.set_cookie(
                COOKIE,
                f"{time.time() + seconds:.3f}",
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=settings.SESSION_COOKIE_SECURE,
            )
        return response
