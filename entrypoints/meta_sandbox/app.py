"""The sandbox as a Litestar app: Graph paths, the login dialog and the `/_sandbox` control API."""

from __future__ import annotations

import asyncio
import html
import secrets
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar import Litestar, Request, Response, route
from litestar.di import Provide
from litestar.exceptions.responses import create_exception_response

from .control import control_router
from .control_common import is_control_path, no_control_route
from .graph import BUC_TYPES, VERSION, Graph, GraphError, throttle_error, unsupported
from .responses import html_response, json_response, redirect
from .state import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_SCOPES,
    AuthCode,
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
            return await self.dialog(request, version if VERSION.match(version) else "v26.0")
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
            await self.inject(path, segments, headers)
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

    async def inject(self, path: str, segments: list[str], headers: dict[str, str]) -> None:
        """Apply the switched-on failure rules (in order) to one Graph call."""
        page_id = next((s for s in segments if s in self.state.pages), None)
        page_id = page_id or next(iter(self.state.pages), "0")
        for rule in list(self.state.rules):
            if rule.path and rule.path not in path:
                continue
            if rule.kind == "latency":
                await asyncio.sleep(rule.latency_ms / 1000)
                continue
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
                    continue
            if rule.remaining is not None:
                if rule.remaining <= 0:
                    continue
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

    # --- the login dialog ---

    async def dialog(self, request: Request[Any, Any, Any], version: str) -> Any:
        s = self.state
        if request.method == "POST":
            form = parse_qs((await request.body()).decode(errors="replace"))
            q = {k: v[-1] for k, v in form.items()}
            chosen = [p for p in form.get("page_ids", []) if p in s.pages]
        else:
            q = {k: v for k, v in request.query_params.items()}
            chosen = []
        client_id, redirect_uri = q.get("client_id", ""), q.get("redirect_uri", "")
        if client_id != s.app_id:
            return html_response(
                400,
                "<!doctype html><title>Error</title><h1>Invalid App ID</h1>"
                "<p>The provided app ID does not look like a valid app ID.</p>",
            )
        if not redirect_uri.startswith(("http://", "https://")):
            return html_response(
                400,
                "<!doctype html><title>Error</title><h1>URL blocked</h1><p>This "
                "redirect failed because the redirect URI is not whitelisted.</p>",
            )
        if q.get("response_type", "code") != "code":
            return html_response(400, "<!doctype html><h1>Unsupported response_type</h1>")
        scopes = [x for x in q.get("scope", "").replace(" ", ",").split(",") if x]
        extras: dict[str, Any] | None = None
        if q.get("extras"):
            try:
                decoded = msgspec.json.decode(q["extras"])
            except msgspec.DecodeError:
                return html_response(400, "<!doctype html><h1>Invalid extras</h1>")
            if not isinstance(decoded, dict) or "setup" not in decoded:
                return html_response(
                    400, "<!doctype html><h1>Invalid extras: setup is required</h1>"
                )
            extras = decoded
        state_param = q.get("state", "")
        if request.method == "GET":
            return html_response(200, self.dialog_page(version, q, scopes, extras))
        if q.get("action") != "approve":
            return redirect(
                redirect_uri,
                {
                    "error": "access_denied",
                    "error_code": "200",
                    "error_reason": "user_denied",
                    "error_description": "Permissions error",
                    "state": state_param,
                },
            )
        code = AuthCode(
            code="AQ" + secrets.token_urlsafe(64),
            user_id=s.user.id,
            redirect_uri=redirect_uri,
            scopes=scopes or list(DEFAULT_SCOPES),
            page_ids=chosen,
            expires_at=s.now() + 600,
        )
        s.codes[code.code] = code
        if extras is not None:
            self.record_install(extras, chosen)
        return redirect(redirect_uri, {"code": code.code, "state": state_param})

    def dialog_page(
        self, version: str, q: dict[str, str], scopes: list[str], extras: dict[str, Any] | None
    ) -> str:
        s, e = self.state, html.escape
        hidden = "".join(
            f'<input type="hidden" name="{e(k)}" value="{e(q[k])}">'
            for k in ("client_id", "redirect_uri", "state", "response_type", "scope", "extras")
            if k in q
        )
        pages = "".join(
            f'<li><label><input type="checkbox" name="page_ids" value="{e(p.id)}" checked> '
            f"{e(p.name)}{' (Instagram @' + e(p.ig.username) + ')' if p.ig else ''}</label></li>"
            for p in (s.pages[i] for i in s.user.page_ids)
        )
        scope_items = "".join(f"<li>{e(x)}</li>" for x in scopes)
        business = ""
        if extras is not None:
            setup = extras.get("setup") or {}
            business = (
                f"<p class='fbe'>Business setup for "
                f"{e(str(setup.get('external_business_id', '')))}</p>"
            )
        return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Log in with Facebook (sandbox)</title></head>
<body>
<h1>{e(s.app_name)} is requesting access</h1>
<p>Logged in as {e(s.user.name)}</p>{business}
<form method="post" action="oauth">
{hidden}
<h2>Choose the Pages</h2><ul>{pages}</ul>
<h2>Requested permissions</h2><ul class="scopes">{scope_items}</ul>
<button type="submit" name="action" value="approve">Continue</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form></body></html>"""

    def record_install(self, extras: dict[str, Any], page_ids: list[str]) -> None:
        s = self.state
        setup = extras.get("setup") or {}
        ext = str(setup.get("external_business_id", ""))
        config = extras.get("business_config") or {}
        install = {
            "business_manager_id": "3000" + secrets.token_hex(6),
            "pages": page_ids,
            "instagram_profiles": [s.pages[p].ig.id for p in page_ids if s.pages[p].ig],  # type: ignore[union-attr]
            "installed_features": [
                {
                    "feature_type": k,
                    "connected_assets": {"page_id": page_ids[0]} if page_ids else {},
                }
                for k in ("page_cta", "ig_cta", "messenger_menu")
                if isinstance(config.get(k), dict) and config[k].get("enabled", True)
            ],
            "token_type": "User",
            "external_business_id": ext,
            "setup": setup,
            "business_config": config,
        }
        s.installs[ext] = install
        s.install_log.append(
            {
                "action": "install",
                "external_business_id": ext,
                "setup": setup,
                "business_config": config,
                "at": s.now(),
            }
        )


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
