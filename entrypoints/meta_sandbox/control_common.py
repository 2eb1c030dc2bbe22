"""What every `/_sandbox` control route shares: the JSON body, the 400 for bad input and the
404 for a route that is not there (any of the sandbox's methods on an unknown control path)."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Request, Response, route

from .responses import json_response

CONTROL_PREFIX = "/_sandbox/"
ARGS_KEY = "sandbox_control_args"


async def read_args(request: Request[Any, Any, Any]) -> Response[bytes] | None:
    """`before_request`: the JSON body (an object, else `{}`), or a 400 for invalid JSON."""
    raw = await request.body()
    args: dict[str, Any] = {}
    if raw:
        try:
            decoded = msgspec.json.decode(raw)
        except msgspec.DecodeError:
            return json_response(400, {"error": "invalid JSON"})
        if isinstance(decoded, dict):
            args = decoded
    request.state[ARGS_KEY] = args
    return None


async def provide_args(request: Request[Any, Any, Any]) -> dict[str, Any]:
    """The `args` dependency: the body `read_args` decoded."""
    args: dict[str, Any] = request.state[ARGS_KEY]
    return args


def bad_input(_: Request[Any, Any, Any], exc: Exception) -> Response[bytes]:
    """A missing key or a bad value in a control call answers 400 with what was wrong."""
    return json_response(400, {"error": f"{type(exc).__name__}: {exc}"})


def is_control_path(path: str) -> bool:
    return path.startswith(CONTROL_PREFIX) and bool(path[len(CONTROL_PREFIX) :].strip("/"))


def no_control_route(method: str, path: str) -> Response[bytes]:
    rest = path[len(CONTROL_PREFIX) :].strip("/")
    return json_response(404, {"error": f"no control route {method} /_sandbox/{rest}"})


@route("/{rest:path}", http_method=["GET", "POST", "DELETE", "PUT"])
async def unknown_control_route(request: Request[Any, Any, Any], rest: str) -> Response[bytes]:
    """Any other path under `/_sandbox/` (the named routes match first)."""
    return no_control_route(request.method, request.scope["path"])
