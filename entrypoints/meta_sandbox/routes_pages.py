"""Graph routes for Pages and objects: me/accounts and `/{page-id|ig-id|user-id}`."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, get, route

from .graph import VERSION
from .graph_call import GraphCall, answer, versioned
from .graph_errors import Reply, unsupported
from .not_routed import METHODS
from .responses import json_response
from .sandbox import Sandbox


@get(versioned("/me/accounts"))
async def accounts(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    return await answer(
        request,
        sandbox,
        2,
        lambda call: sandbox.graph.accounts(call.query, call.base_url, call.segments),
    )


@route(versioned("/{object_id:str}"), http_method=METHODS, status_code=200)
async def node(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    """GET reads an object; other methods on one are unsupported. A bare `/v26.0` is a 400
    on its own (not logged, no Graph headers), as before."""
    path = request.scope["path"].strip("/")
    if VERSION.match(path):
        return json_response(400, unsupported(request.method, path).envelope())

    def read(call: GraphCall) -> Reply:
        if call.method != "GET":
            raise unsupported(call.method, call.segments[0])
        return sandbox.graph.node(call.segments[0], call.query)

    return await answer(request, sandbox, 1, read)


PAGE_ROUTES = [accounts, node]
