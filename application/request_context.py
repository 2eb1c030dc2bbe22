"""The id of the request (or job) being served, for logs and the audit log.

Inbound adapters set it (`with request_scope(id): ...`); use cases and outbound adapters read it.
A ContextVar follows the asyncio task, so concurrent requests never see each other's id.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

_request_id: ContextVar[str | None] = ContextVar("salonhub_request_id", default=None)


def current_request_id() -> str | None:
    return _request_id.get()


@contextmanager
def request_scope(request_id: str) -> Iterator[None]:
    token = _request_id.set(request_id)
    try:
        yield
    finally:
        _request_id.reset(token)
