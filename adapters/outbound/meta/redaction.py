"""Keep tokens, secrets and OAuth codes out of URLs we log and messages we raise.

httpx itself logs every request URL (query string included) on the `httpx` logger at INFO, so
`install_httpx_log_filter` rewrites those records too.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

import httpx

REDACTED = "[redacted]"
SECRET_PARAMS = frozenset(
    {"access_token", "client_secret", "input_token", "fb_exchange_token", "code"}
)
_IN_TEXT = re.compile(
    r"(?<![\w])(access_token|client_secret|input_token|fb_exchange_token|code)=[^&\s\"'<>]+"
)


def redact_url(url: httpx.URL | str) -> str:
    parsed = httpx.URL(url) if isinstance(url, str) else url
    if not parsed.query:
        return str(parsed)
    params = [(k, REDACTED if k in SECRET_PARAMS else v) for k, v in parsed.params.multi_items()]
    return str(parsed.copy_with(params=params)).replace("%5Bredacted%5D", REDACTED)


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Remove `name=value` secrets and any known secret value from free text."""
    text = _IN_TEXT.sub(lambda m: f"{m.group(1)}={REDACTED}", text)
    for secret in secrets:
        if len(secret) >= 4:
            text = text.replace(secret, REDACTED)
    return text


class _HttpxUrlFilter(logging.Filter):
    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple):
            record.args = tuple(
                redact_url(a) if isinstance(a, httpx.URL) else a for a in record.args
            )
        if isinstance(record.msg, str) and "=" in record.msg:
            record.msg = scrub(record.msg)
        return True


_FILTER = _HttpxUrlFilter()


def install_httpx_log_filter() -> None:
    """Idempotent: redact secret query params in the `httpx` logger's request lines."""
    logger = logging.getLogger("httpx")
    if _FILTER not in logger.filters:
        logger.addFilter(_FILTER)
