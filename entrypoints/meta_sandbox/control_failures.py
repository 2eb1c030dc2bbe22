"""Control routes that switch failures on: error rules for Graph calls, and dying tokens."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Response, delete, post

from .responses import json_response
from .state import FailureRule, SandboxState

THROTTLE_CODES = {4, 17, 32, 613, 80001, 80002, 80006}


@post("/failures")
async def add_failure(sandbox_state: SandboxState, args: dict[str, Any]) -> Response[bytes]:
    kind = str(args["kind"])
    if kind == "token_death":
        return kill_tokens(sandbox_state, args)
    if kind not in ("permission", "throttle", "server_error", "latency"):
        raise ValueError(f"unknown kind {kind}")
    code = int(args.get("code", 0))
    if kind == "throttle" and code not in THROTTLE_CODES:
        raise ValueError(f"throttle code must be one of {sorted(THROTTLE_CODES)}")
    rule = FailureRule(
        id="rule_" + secrets.token_hex(4),
        kind=kind,
        code=code,
        subcode=args.get("subcode"),
        status=int(args.get("status", 500)),
        latency_ms=int(args.get("latency_ms", 0)),
        path=args.get("path"),
        remaining=args.get("times"),
        after=int(args.get("after", 0)),
    )
    sandbox_state.rules.append(rule)
    return json_response(201, {"id": rule.id})


@delete("/failures", status_code=200)
async def clear_failures(sandbox_state: SandboxState) -> Response[bytes]:
    sandbox_state.rules.clear()
    return json_response(200, {"cleared": True})


@post("/tokens/data-access")
async def data_access(sandbox_state: SandboxState, args: dict[str, Any]) -> Response[bytes]:
    token = sandbox_state.tokens[str(args["token"])]
    token.data_access_expires_at = sandbox_state.now() + int(args["expires_in"])
    return json_response(200, {"data_access_expires_at": token.data_access_expires_at})


@post("/tokens/kill")
async def kill(sandbox_state: SandboxState, args: dict[str, Any]) -> Response[bytes]:
    return kill_tokens(sandbox_state, args)


def kill_tokens(state: SandboxState, args: dict[str, Any]) -> Response[bytes]:
    """Kill one token (`token`) or all, with `subcode` (460 by default)."""
    subcode = int(args.get("subcode", 460))
    target = args.get("token")
    killed = 0
    for token in state.tokens.values():
        if target is None or token.value == target:
            token.dead_subcode = subcode
            killed += 1
    if target is not None and killed == 0:
        raise ValueError("unknown token")
    return json_response(200, {"killed": killed, "subcode": subcode})


FAILURE_ROUTES = [add_failure, clear_failures, data_access, kill]
