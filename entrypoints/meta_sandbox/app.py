"""The sandbox as a Litestar app: Graph paths, the login dialog and the `/_sandbox` control API."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar import Litestar, Request, Response, route
from litestar.di import Provide
from litestar.exceptions.responses import create_exception_response

from .control import control_router
from .control_common import is_control_path, no_control_route
from .dialog import dialog
from .failures import inject
from .graph import VERSION, Graph, GraphError, unsupported
from .responses import json_response
from .state import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    SandboxState,
)
from .webhooks import WebhookSender, messaging_envelope

METHODS: list[Any] = ["GET", "POST", "DELETE", "PUT"]


class Sandbox:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.graph = Graph(state)
        self.sender = WebhookSender(state)

    # --- the Graph side ---

    async def graph_request(self, request: Request[Any, Any, Any], version: str, rest: str) -> Any:
        segments = [s for s in rest.split("/") if s]
        if not VERSION.match(version):
            # Unversioned paths are still Graph paths (v-less calls use the app's default)
            segments = [version, *segments]
        if segments[:2] == ["dialog", "oauth"]:
            return await dialog(self.state, request, version if VERSION.match(version) else "v26.0")
        params = {k: v for k, v in request.query_params.items()}
        body: dict[str, Any] = {}
        raw = await request.body()
        if raw:
            if "json" in request.headers.get("content-type", ""):
                try:
                    decoded = msgspec.json.decode(raw)
                except msgspec.DecodeError:
                    return json_response(
                        400, GraphError("(#100) Invalid JSON body", 100).envelope()
                    )
                if isinstance(decoded, dict):
                    body = decoded
            else:
                form = {k: v[-1] for k, v in parse_qs(raw.decode(errors="replace")).items()}
                body = dict(form)
                params.update(form)
        if "access_token" not in params and "access_token" in body:
            params["access_token"] = str(body["access_token"])
        auth = request.headers.get("authorization", "")
        if auth.lower().startswith("bearer ") and "access_token" not in params:
            params["access_token"] = auth[7:].strip()
        path = "/" + "/".join(segments)
        self.state.requests.append(
            {
                "method": request.method,
                "path": path,
                "params": sorted(k for k in params if k != "access_token"),
                "at": self.state.now(),
            }
        )
        headers: dict[str, str] = {}
        try:
            await inject(self.state, path, segments, headers)
            reply = self.graph.handle(
                request.method,
                segments,
                params,
                body,
                str(request.base_url).rstrip("/")
                + ("/" + version if VERSION.match(version) else ""),
            )
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
        if reply.status == 200 and segments[-1:] == ["messages"] and request.method == "POST":
            self.echo(segments[0])
        headers.update(reply.headers)
        headers.setdefault(
            "X-App-Usage",
            msgspec.json.encode({"call_count": 1, "total_cputime": 1, "total_time": 1}).decode(),
        )
        headers["x-fb-trace-id"] = secrets.token_urlsafe(8)
        headers["facebook-api-version"] = version if VERSION.match(version) else "v26.0"
        return json_response(reply.status, reply.body, headers)

    def echo(self, page_id: str) -> None:
        """Meta echoes what a Page sent (`message_echoes`), with our `metadata`."""
        s = self.state
        if s.webhook is None or not s.sent_messages or page_id not in s.subscriptions:
            return
        sent = s.sent_messages[-1]
        page = s.pages.get(page_id)
        is_ig = sent["platform"] == "instagram" and page is not None and page.ig is not None
        me = page.ig.id if is_ig and page and page.ig else page_id
        message = {"mid": sent["message_id"], "is_echo": True, "app_id": s.app_id}
        for key in ("text", "metadata", "attachment"):
            if key in sent["message"]:
                message[key] = sent["message"][key]
        event = {
            "sender": {"id": me},
            "recipient": {"id": sent["recipient_id"]},
            "timestamp": s.now() * 1000,
            "message": message,
        }
        obj = "instagram" if is_ig else "page"
        self.sender.start(self.sender.enqueue(messaging_envelope(obj, me, event, s.now() * 1000)))


def not_routed(request: Request[Any, Any, Any], exc: Exception) -> Response[Any]:
    """Litestar's 404/405: on a control path (any of METHODS), the control API's own 404."""
    path = request.scope["path"]
    if request.method in METHODS and is_control_path(path):
        return no_control_route(request.method, path)
    return create_exception_response(request, exc)


def create_sandbox_app(
    state: SandboxState | None = None,
    *,
    app_id: str = DEFAULT_APP_ID,
    app_secret: str = DEFAULT_APP_SECRET,
) -> Litestar:
    """The sandbox app. With `state` given, its app id/secret are used and the keywords ignored."""
    sandbox = Sandbox(state or SandboxState.seeded(app_id=app_id, app_secret=app_secret))

    @route("/{version:str}/{rest:path}", http_method=METHODS)
    async def versioned(request: Request[Any, Any, Any], version: str, rest: str) -> Any:
        return await sandbox.graph_request(request, version, rest)

    @route("/{version:str}", http_method=METHODS)
    async def bare(request: Request[Any, Any, Any], version: str) -> Any:
        if not VERSION.match(version):
            return await sandbox.graph_request(request, version, "")
        return json_response(400, unsupported(request.method, version).envelope())

    app = Litestar(
        route_handlers=[control_router(), versioned, bare],
        dependencies={
            "sandbox_state": Provide(lambda: sandbox.state, sync_to_thread=False),
            "webhook_sender": Provide(lambda: sandbox.sender, sync_to_thread=False),
        },
        exception_handlers={404: not_routed, 405: not_routed},
        debug=False,
        openapi_config=None,
        logging_config=None,  # the host process (salonhub serve) owns logging
    )
    app.state["sandbox"] = sandbox
    return app


def run(port: int, host: str = "127.0.0.1", state: SandboxState | None = None) -> None:
    """Serve the sandbox with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_sandbox_app(state), host=host, port=port, log_level="warning")
