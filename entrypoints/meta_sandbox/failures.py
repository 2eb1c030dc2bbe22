"""The switched-on failure rules (`/_sandbox/failures`) applied to one Graph call."""

from __future__ import annotations

import asyncio

import msgspec

from .graph_errors import BUC_TYPES, GraphError, throttle_error
from .state import FailureRule, SandboxState


async def inject(
    state: SandboxState, path: str, segments: list[str], headers: dict[str, str]
) -> None:
    """Apply the switched-on failure rules (in order) to one Graph call."""
    for rule in _matching(state, path):
        if rule.kind == "latency":
            await asyncio.sleep(rule.latency_ms / 1000)
            continue
        _apply(rule, _page_id(state, segments), headers)


def inject_now(
    state: SandboxState, path: str, segments: list[str], headers: dict[str, str]
) -> None:
    """`inject` without the latency rules, for a call answered where no one can wait (an
    exception handler: Litestar found no route for it)."""
    for rule in _matching(state, path):
        if rule.kind != "latency":
            _apply(rule, _page_id(state, segments), headers)


def _matching(state: SandboxState, path: str) -> list[FailureRule]:
    return [rule for rule in list(state.rules) if not rule.path or rule.path in path]


def _page_id(state: SandboxState, segments: list[str]) -> str:
    page_id = next((s for s in segments if s in state.pages), None)
    return page_id or next(iter(state.pages), "0")


def _apply(rule: FailureRule, page_id: str, headers: dict[str, str]) -> None:
    """One non-latency rule: throttle usage headers, then its error (if it is due)."""
    rule.seen += 1
    if rule.kind == "throttle":
        pct = 100 if rule.seen > rule.after else int(100 * rule.seen / (rule.after + 1))
        usage = {
            "call_count": pct,
            "total_cputime": max(1, pct // 2),
            "total_time": max(1, pct // 2),
        }
        if rule.code in BUC_TYPES:
            buc = {
                page_id: [
                    {
                        "type": BUC_TYPES[rule.code],
                        "call_count": pct,
                        "total_cputime": max(1, pct // 2),
                        "total_time": max(1, pct // 2),
                        "estimated_time_to_regain_access": 5 if pct >= 100 else 0,
                    }
                ]
            }
            headers["X-Business-Use-Case-Usage"] = msgspec.json.encode(buc).decode()
        else:
            headers["X-App-Usage"] = msgspec.json.encode(usage).decode()
        if rule.seen <= rule.after:
            return
    if rule.remaining is not None:
        if rule.remaining <= 0:
            return
        rule.remaining -= 1
    if rule.kind == "throttle":
        raise throttle_error(rule.code)
    if rule.kind == "permission":
        code = rule.code or 10
        message = (
            "(#10) Application does not have permission for this action"
            if code == 10
            else f"(#{code}) Requires pages_messaging permission to manage the object"
        )
        raise GraphError(message, code, subcode=rule.subcode)
    if rule.kind == "server_error":
        raise GraphError(
            "An unexpected error has occurred. Please retry your request later.",
            rule.code or 2,
            status=rule.status,
            transient=True,
        )
