"""Structured JSON logs, configured once per process by the entrypoint (the CLI before serving).

Our modules keep using `logging.getLogger(__name__)`; stdlib records (ours, uvicorn's,
SQLAlchemy's) and structlog loggers alike go through one `ProcessorFormatter`, so every line is
one JSON object with `timestamp`, `level`, `logger`, `event`, any `extra=` fields, the
`request_id` bound by the inbound adapter (structlog contextvars), and nothing that `redact`
masks (phones, emails, secrets).
"""

from __future__ import annotations

import logging
import sys
from typing import IO, Any

import structlog

from adapters.outbound.meta.redaction import install_httpx_log_filter
from entrypoints.redaction import redact

_NOISY = ("uvicorn", "uvicorn.error", "uvicorn.access", "sqlalchemy", "alembic")


def parse_level(name: str) -> int:
    level = logging.getLevelName(name.strip().upper())
    if not isinstance(level, int):
        raise ValueError(f"unknown log level {name!r} (use debug, info, warning or error)")
    return level


def configure_logging(level: int | str = logging.INFO, *, stream: IO[str] | None = None) -> None:
    """Route every logger to one JSON handler on `stream` (stderr). Safe to call again."""
    if isinstance(level, str):
        level = parse_level(level)
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        # Only for records from the stdlib: their `extra=` fields become keys of the line.
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            redact,
            structlog.processors.JSONRenderer(),
        ],
    )
    handler = logging.StreamHandler(stream or sys.stderr)
    handler.setFormatter(formatter)
    handler.setLevel(level)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _NOISY:
        # Their own handlers (uvicorn's default config) would bypass ours: propagate instead.
        # Their level too: uvicorn sets its own when it configures itself, and a level left over
        # from an earlier setup would silently drop lines ours lets through.
        named = logging.getLogger(name)
        named.handlers.clear()
        named.propagate = True
        named.setLevel(logging.NOTSET)
    # SQLAlchemy logs every statement at INFO when its logger is enabled: warnings only.
    logging.getLogger("sqlalchemy").setLevel(max(level, logging.WARNING))
    # httpx logs each request URL, query string included (Graph tokens ride there): redact it.
    # (The Graph adapter installs the same filter too, for processes that never come here.)
    install_httpx_log_filter()
