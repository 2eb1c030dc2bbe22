"""One Graph call through the sandbox, the same for every route: read the request as Meta
does, log it, apply the switched-on failures, run the endpoint, answer with Meta's headers."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar import Request, Response

from .failures import inject
from .graph import VERSION
from .graph_errors import GraphError, Reply
from .graph_fallback import fallback
from .responses import json_response
from .sandbox import Sandbox

DEFAULT_VERSION = "v26.0"  # what a v-less call gets


@dataclass
class GraphCall:
    """The request as the endpoints see it; `query` is flat (last value wins) and holds the
    form body and the bearer token too, as Meta reads them."""

    method: str
    segments: list[str]  # the path without its version
    version: str | None
    query: dict[str, str]
    body: dict[str, Any] = field(default_factory=dict)
    base_url: str = ""

    @property
    def path(self) -> str:
        return "/" + "/".join(self.segments)


def versioned(path: str) -> list[str]:
    """A route's paths: as given (v-less) and under any `/{version}`."""
    return [path, "/{version:str}" + path]


def split_path(path: str) -> tuple[str | None, list[str]]:
    """`/v26.0/me/accounts` → ("v26.0", ["me", "accounts"]); unversioned paths are Graph
    paths too (`/me` → (None, ["me"]))."""
    parts = [s for s in path.split("/") if s]
    if parts and VERSION.match(parts[0]):
        return parts[0], parts[1:]
    return None, parts


def finish(call: GraphCall, reply: Reply, headers: dict[str, str]) -> Response[bytes]:
    """Meta's headers on every Graph answer."""
    headers.update(reply.headers)
    headers.setdefault(
        "X-App-Usage",
        msgspec.json.encode({"call_count": 1, "total_cputime": 1, "total_time": 1}).decode(),
    )
    headers["x-fb-trace-id"] = secrets.token_urlsafe(8)
    headers["facebook-api-version"] = call.version or DEFAULT_VERSION
    return json_response(reply.status, reply.body, headers)


def record(sandbox: Sandbox, call: GraphCall) -> None:
    sandbox.state.requests.append(
        {
            "method": call.method,
            "path": call.path,
            "params": sorted(k for k in call.query if k != "access_token"),
            "at": sandbox.state.now(),
        }
    )


def with_token(call: GraphCall, authorization: str) -> GraphCall:
    if "access_token" not in call.query and "access_token" in call.body:
        call.query["access_token"] = str(call.body["access_token"])
    if authorization.lower().startswith("bearer ") and "access_token" not in call.query:
        call.query["access_token"] = authorization[7:].strip()
    return call


async def read_call(request: Request[Any, Any, Any]) -> GraphCall | Response[bytes]:
    """The call, or Meta's 400 for a JSON body that does not parse."""
    version, segments = split_path(request.scope["path"])
    query = {k: v for k, v in request.query_params.items()}
    body: dict[str, Any] = {}
    raw = await request.body()
    if raw:
        if "json" in request.headers.get("content-type", ""):
            try:
                decoded = msgspec.json.decode(raw)
            except msgspec.DecodeError:
                invalid = GraphError("(#100) Invalid JSON body", 100)
                return json_response(400, invalid.envelope())
            if isinstance(decoded, dict):
                body = decoded
        else:
            form = {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}
            body = dict(form)
            query.update(form)
    base_url = str(request.base_url).rstrip("/") + ("/" + version if version else "")
    call = GraphCall(request.method, segments, version, query, body, base_url)
    return with_token(call, request.headers.get("authorization", ""))


Endpoint = Callable[[GraphCall], Reply]


async def answer(
    request: Request[Any, Any, Any], sandbox: Sandbox, shape: int, endpoint: Endpoint
) -> Response[bytes]:
    """Run `endpoint` for a path of `shape` segments (without the version). A path of another
    length reached this route only because its first segment looked like a version (or was
    not one): it answers what Meta answers for that path instead (`fallback`)."""
    call = await read_call(request)
    if isinstance(call, Response):
        return call
    record(sandbox, call)
    headers: dict[str, str] = {}
    try:
        await inject(sandbox.state, call.path, call.segments, headers)
        if len(call.segments) == shape:
            reply = endpoint(call)
        else:
            reply = fallback(sandbox.graph, call.method, call.segments, call.query)
    except GraphError as exc:
        reply = exc.reply()
    except Exception as exc:  # a bug in the sandbox still answers like Meta
        reply = GraphError(
            f"An unknown error has occurred. ({type(exc).__name__})",
            1,
            type_="OAuthException",
            status=500,
            transient=True,
        ).reply()
    if reply.status == 200 and call.segments[-1:] == ["messages"] and call.method == "POST":
        sandbox.echo(call.segments[0])
    return finish(call, reply, headers)
