"""The request id of whatever an inbound adapter is serving: an HTTP request today, a job later.

`serving(request_id)` is the one way in: it sets `application.request_context` (read by use cases
and outbound adapters, e.g. the audit log) and binds `request_id` into structlog's contextvars, so
every log line written while serving carries it. A worker will do the same with the id carried
in the job's payload (`with serving(payload.request_id): ...`), the enqueuing side having read it
with `current_request_id()`: that is how the id propagates from a request to its jobs.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import structlog

from application.request_context import request_scope

REQUEST_ID_HEADER = "X-Request-ID"
_SANE = re.compile(r"[A-Za-z0-9._-]{1,64}")


def accepted_request_id(value: str | None) -> str | None:
    """The caller's id when it is a sane token (≤ 64 of [A-Za-z0-9._-]), else None."""
    if value is None or _SANE.fullmatch(value) is None:
        return None
    return value


def new_request_id() -> str:
    return uuid.uuid4().hex


@contextmanager
def serving(request_id: str | None = None) -> Iterator[str]:
    """Serve under `request_id` (a fresh one when it is missing or not sane); yields the id."""
    rid = accepted_request_id(request_id) or new_request_id()
    with request_scope(rid), structlog.contextvars.bound_contextvars(request_id=rid):
        yield rid
