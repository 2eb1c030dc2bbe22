"""Litestar's own 404/405, answered as the sandbox answers: Meta's Graph envelope for Graph
paths, the control API's 404 under `/_sandbox/`, Litestar's default for the rest."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response
from litestar.exceptions import MethodNotAllowedException
from litestar.exceptions.responses import create_exception_response

from .control_common import is_control_path, no_control_route
from .failures import inject_now
from .graph_call import GraphCall, finish, record, split_path, with_token
from .graph_errors import GraphError
from .graph_fallback import fallback
from .sandbox import Sandbox

METHODS: list[Any] = ["GET", "POST", "DELETE", "PUT"]  # the methods the sandbox serves


def not_routed(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """A Graph call Litestar found no route (or method) for. Exception handlers cannot await,
    so the call is logged with its query only and latency rules are not applied to it."""
    path = request.scope["path"]
    if request.method not in METHODS:  # never served, on any path: Litestar's 405
        return create_exception_response(
            request, MethodNotAllowedException(headers={"allow": ", ".join([*METHODS, "OPTIONS"])})
        )
    if is_control_path(path):
        return no_control_route(request.method, path)
    version, segments = split_path(path)
    if version is None and segments in ([], ["_sandbox"]):
        return create_exception_response(request, exc)  # `/`, `/_sandbox`: not Graph paths
    sandbox: Sandbox = request.app.state["sandbox"]
    query = {k: v for k, v in request.query_params.items()}
    base_url = str(request.base_url).rstrip("/") + ("/" + version if version else "")
    call = GraphCall(request.method, segments, version, query, {}, base_url)
    call = with_token(call, request.headers.get("authorization", ""))
    record(sandbox, call)
    headers: dict[str, str] = {}
    try:
        inject_now(sandbox.state, call.path, call.segments, headers)
        reply = fallback(sandbox.graph, call.method, call.segments, call.query)
    except GraphError as error:
        reply = error.reply()
    return finish(call, reply, headers)
