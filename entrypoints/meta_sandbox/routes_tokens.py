"""Graph routes for tokens: oauth/access_token, me, debug_token, DELETE me/permissions."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, delete, get

from .graph_call import answer, versioned
from .sandbox import Sandbox


@get(versioned("/oauth/access_token"))
async def access_token(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    return await answer(request, sandbox, 2, lambda call: sandbox.graph.access_token(call.query))


@get(versioned("/me"))
async def me(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    return await answer(request, sandbox, 1, lambda call: sandbox.graph.me(call.query))


@get(versioned("/debug_token"))
async def debug_token(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    return await answer(request, sandbox, 1, lambda call: sandbox.graph.debug_token(call.query))


@delete(versioned("/me/permissions"), status_code=200)
async def revoke(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    return await answer(request, sandbox, 2, lambda call: sandbox.graph.revoke(call.query))


TOKEN_ROUTES = [access_token, me, debug_token, revoke]
