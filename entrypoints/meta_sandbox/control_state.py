"""Control routes over the sandbox's state: seed, reset, the clock, minted codes, what was sent
and requested, and which Pages may send Utility Messages."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Response, get, post

from .responses import json_response
from .state import DEFAULT_SCOPES, AuthCode, SandboxState


@get("/seed")
async def seed(sandbox_state: SandboxState) -> Response[bytes]:
    s = sandbox_state
    return json_response(
        200,
        {
            "app_id": s.app_id,
            "user": {"id": s.user.id, "name": s.user.name},
            "pages": [
                {
                    "id": p.id,
                    "name": p.name,
                    "access_token": s.page_tokens.get(p.id),
                    "instagram_business_account": (
                        {"id": p.ig.id, "username": p.ig.username} if p.ig else None
                    ),
                }
                for p in s.pages.values()
            ],
            "customers": [
                {"key": c.key, "name": c.name, "psids": c.psids, "igsid": c.igsid}
                for c in s.customers
            ],
        },
    )


@post("/reset")
async def reset(sandbox_state: SandboxState) -> Response[bytes]:
    sandbox_state.reset()
    return json_response(200, {"reset": True})


@post("/clock")
async def clock(sandbox_state: SandboxState, args: dict[str, Any]) -> Response[bytes]:
    sandbox_state.clock_offset += int(args["advance_seconds"])
    return json_response(200, {"now": sandbox_state.now()})


@post("/codes")
async def codes(sandbox_state: SandboxState, args: dict[str, Any]) -> Response[bytes]:
    """Mint an authorization code without the dialog."""
    s = sandbox_state
    minted = AuthCode(
        code="AQ" + secrets.token_urlsafe(64),
        user_id=s.user.id,
        redirect_uri=str(args["redirect_uri"]),
        scopes=list(args.get("scopes") or DEFAULT_SCOPES),
        page_ids=list(args.get("page_ids") or s.user.page_ids),
        expires_at=s.now() + 600,
    )
    s.codes[minted.code] = minted
    return json_response(201, {"code": minted.code})


@get("/sent")
async def sent(sandbox_state: SandboxState) -> Response[bytes]:
    s = sandbox_state
    return json_response(
        200,
        {
            "messages": s.sent_messages,
            "subscriptions": s.subscriptions,
            "subscription_log": s.subscription_log,
            "installs": s.installs,
            "install_log": s.install_log,
            "revocations": s.revocations,
            "inbound": s.inbound,
            "messenger_profiles": s.messenger_profiles,
            "profile_log": s.profile_log,
        },
    )


@get("/requests")
async def requests(sandbox_state: SandboxState) -> Response[bytes]:
    return json_response(200, {"requests": sandbox_state.requests})


@post("/utility")
async def utility(sandbox_state: SandboxState, args: dict[str, Any]) -> Response[bytes]:
    s = sandbox_state
    page_id = str(args["page_id"])
    if args.get("allowed", True):
        s.utility_blocked_pages.discard(page_id)
    else:
        s.utility_blocked_pages.add(page_id)
    return json_response(200, {"blocked": sorted(s.utility_blocked_pages)})


STATE_ROUTES = [seed, reset, clock, codes, sent, requests, utility]
