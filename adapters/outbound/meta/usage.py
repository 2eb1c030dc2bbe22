"""Meta's usage headers, parsed leniently, and the latest figures kept per integration key.

`X-App-Usage: {"call_count", "total_time", "total_cputime"}` (percent) and
`X-Business-Use-Case-Usage: {"<id>": [{"type", "call_count", "total_cputime", "total_time",
"estimated_time_to_regain_access"}]}` (minutes). Malformed headers are ignored, never fatal.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from application.ports.meta_graph import MetaUsage

_PERCENT_FIELDS = ("call_count", "total_time", "total_cputime")


def _number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value)
        except ValueError:
            return None
    return None


def _max_percent(entry: Mapping[str, Any]) -> float | None:
    found = [n for n in (_number(entry.get(f)) for f in _PERCENT_FIELDS) if n is not None]
    return max(found) if found else None


def _load(raw: str | None) -> Any:
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return None


def parse_app_usage(raw: str | None) -> float | None:
    data = _load(raw)
    return _max_percent(data) if isinstance(data, dict) else None


def parse_business_usage(raw: str | None) -> tuple[float | None, float | None]:
    """(max percent, max regain-access seconds) over every business and use-case entry."""
    data = _load(raw)
    if not isinstance(data, dict):
        return None, None
    entries: Iterable[Any] = (
        e for value in data.values() if isinstance(value, list) for e in value
    )
    percent: float | None = None
    regain: float | None = None
    for entry in entries:
        if not isinstance(entry, dict):
            continue
        p = _max_percent(entry)
        if p is not None:
            percent = p if percent is None else max(percent, p)
        minutes = _number(entry.get("estimated_time_to_regain_access"))
        if minutes is not None and minutes > 0:
            regain = max(regain or 0.0, minutes * 60.0)
    return percent, regain


def parse_usage(headers: Mapping[str, str], observed_at: float) -> MetaUsage | None:
    app = parse_app_usage(headers.get("x-app-usage"))
    business, regain = parse_business_usage(headers.get("x-business-use-case-usage"))
    if app is None and business is None and regain is None:
        return None
    percent = max(p for p in (app, business, 0.0) if p is not None)
    return MetaUsage(
        percent=percent,
        app_percent=app,
        business_percent=business,
        regain_access_seconds=regain,
        observed_at=observed_at,
    )


class UsageTracker:
    """Latest usage per key; decides how long to slow down, and when to refuse locally.

    From `slow_from` percent the caller waits `max_slowdown * (p - slow_from) / (100 - slow_from)`
    seconds. At >= 100 % calls are refused until the regain time Meta gave (else
    `block_seconds`) has passed since the figures were seen; then one call may learn new ones.
    """

    def __init__(
        self,
        clock: Callable[[], float],
        *,
        slow_from: float = 80.0,
        max_slowdown: float = 2.0,
        block_seconds: float = 60.0,
    ) -> None:
        self._clock = clock
        self._slow_from = slow_from
        self._max_slowdown = max_slowdown
        self._block_seconds = block_seconds
        self._latest: dict[str, MetaUsage] = {}

    def record(self, key: str, headers: Mapping[str, str]) -> MetaUsage | None:
        usage = parse_usage(headers, self._clock())
        if usage is not None:
            self._latest[key] = usage
        return usage

    def latest(self, key: str) -> MetaUsage | None:
        return self._latest.get(key)

    def blocked_for(self, key: str) -> float | None:
        """Seconds left before calls for `key` may go out again; None when not blocked."""
        usage = self._latest.get(key)
        if usage is None or usage.percent < 100.0:
            return None
        window = usage.regain_access_seconds or self._block_seconds
        left = usage.observed_at + window - self._clock()
        return left if left > 0 else None

    def slowdown(self, key: str) -> float:
        usage = self._latest.get(key)
        if usage is None or usage.percent < self._slow_from:
            return 0.0
        share = min(usage.percent, 100.0) - self._slow_from
        return self._max_slowdown * share / (100.0 - self._slow_from)
