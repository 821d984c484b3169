"""Where a change comes from (UI, API, task, command), carried in a context variable so that services
need not thread it through every call. The middleware sets it per request; tasks use `audit_source`."""

import contextlib
import contextvars

_source = contextvars.ContextVar("audit_source", default="system")


def current_source():
    return _source.get()


@contextlib.contextmanager
def audit_source(source):
    token = _source.set(source)
    try:
        yield
    finally:
        _source.reset(token)


def set_source(source):
    return _source.set(source)


def reset_source(token):
    _source.reset(token)
