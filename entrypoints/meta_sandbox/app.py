"""The sandbox as a Litestar app: Graph paths, the login dialog and the `/_sandbox` control API."""

from __future__ import annotations

import asyncio
import html
import secrets
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit, urlunsplit

import msgspec
from litestar import Litestar, Request, Response, route

from .graph import BUC_TYPES, VERSION, Graph, GraphError, throttle_error, unsupported
from .state import (
    DEFAULT_APP_ID,
    DEFAULT_APP_SECRET,
    DEFAULT_SCOPES,
    AuthCode,
    FailureRule,
    SandboxState,
    WebhookConfig,
)
from .webhooks import WebhookSender, messaging_envelope

METHODS: list[Any] = ["GET", "POST", "DELETE", "PUT"]
THROTTLE_CODES = {4, 17, 32, 613, 80001, 80002, 80006}


def _json(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[bytes]:
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers=headers or {},
    )


def _html(status: int, body: str) -> Response[str]:
    return Response(content=body, status_code=status, media_type="text/html")


def _redirect(url: str, params: dict[str, str]) -> Response[bytes]:
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode(params)
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return Response(content=b"", status_code=302, headers={"Location": location})


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
                    return _json(400, GraphError("(#100) Invalid JSON body", 100).envelope())
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
        return _json(reply.status, reply.body, headers)

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
            return _html(
                400,
                "<!doctype html><title>Error</title><h1>Invalid App ID</h1>"
                "<p>The provided app ID does not look like a valid app ID.</p>",
            )
        if not redirect_uri.startswith(("http://", "https://")):
            return _html(
                400,
                "<!doctype html><title>Error</title><h1>URL blocked</h1><p>This "
                "redirect failed because the redirect URI is not whitelisted.</p>",
            )
        if q.get("response_type", "code") != "code":
            return _html(400, "<!doctype html><h1>Unsupported response_type</h1>")
        scopes = [x for x in q.get("scope", "").replace(" ", ",").split(",") if x]
        extras: dict[str, Any] | None = None
        if q.get("extras"):
            try:
                decoded = msgspec.json.decode(q["extras"])
            except msgspec.DecodeError:
                return _html(400, "<!doctype html><h1>Invalid extras</h1>")
            if not isinstance(decoded, dict) or "setup" not in decoded:
                return _html(400, "<!doctype html><h1>Invalid extras: setup is required</h1>")
            extras = decoded
        state_param = q.get("state", "")
        if request.method == "GET":
            return _html(200, self.dialog_page(version, q, scopes, extras))
        if q.get("action") != "approve":
            return _redirect(
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
        return _redirect(redirect_uri, {"code": code.code, "state": state_param})

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

    # --- the control API ---

    async def control(self, request: Request[Any, Any, Any], rest: str) -> Any:
        key = (request.method, rest.strip("/"))
        raw = await request.body()
        data: dict[str, Any] = {}
        if raw:
            try:
                decoded = msgspec.json.decode(raw)
            except msgspec.DecodeError:
                return _json(400, {"error": "invalid JSON"})
            if isinstance(decoded, dict):
                data = decoded
        try:
            return await self.control_route(key, data)
        except (KeyError, ValueError, TypeError) as exc:
            return _json(400, {"error": f"{type(exc).__name__}: {exc}"})

    async def control_route(self, key: tuple[str, str], data: dict[str, Any]) -> Any:
        s = self.state
        match key:
            case ("GET", "seed"):
                return _json(
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
            case ("POST", "reset"):
                s.reset()
                return _json(200, {"reset": True})
            case ("POST", "failures"):
                kind = str(data["kind"])
                if kind == "token_death":
                    return self.kill_tokens(data)
                if kind not in ("permission", "throttle", "server_error", "latency"):
                    raise ValueError(f"unknown kind {kind}")
                code = int(data.get("code", 0))
                if kind == "throttle" and code not in THROTTLE_CODES:
                    raise ValueError(f"throttle code must be one of {sorted(THROTTLE_CODES)}")
                rule = FailureRule(
                    id="rule_" + secrets.token_hex(4),
                    kind=kind,
                    code=code,
                    subcode=data.get("subcode"),
                    status=int(data.get("status", 500)),
                    latency_ms=int(data.get("latency_ms", 0)),
                    path=data.get("path"),
                    remaining=data.get("times"),
                    after=int(data.get("after", 0)),
                )
                s.rules.append(rule)
                return _json(201, {"id": rule.id})
            case ("DELETE", "failures"):
                s.rules.clear()
                return _json(200, {"cleared": True})
            case ("POST", "tokens/data-access"):
                token = s.tokens[str(data["token"])]
                token.data_access_expires_at = s.now() + int(data["expires_in"])
                return _json(200, {"data_access_expires_at": token.data_access_expires_at})
            case ("POST", "tokens/kill"):
                return self.kill_tokens(data)
            case ("POST", "clock"):
                s.clock_offset += int(data["advance_seconds"])
                return _json(200, {"now": s.now()})
            case ("POST", "codes"):
                minted = AuthCode(
                    code="AQ" + secrets.token_urlsafe(64),
                    user_id=s.user.id,
                    redirect_uri=str(data["redirect_uri"]),
                    scopes=list(data.get("scopes") or DEFAULT_SCOPES),
                    page_ids=list(data.get("page_ids") or s.user.page_ids),
                    expires_at=s.now() + 600,
                )
                s.codes[minted.code] = minted
                return _json(201, {"code": minted.code})
            case ("GET", "sent"):
                return _json(
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
            case ("POST", "utility"):
                page_id = str(data["page_id"])
                if data.get("allowed", True):
                    s.utility_blocked_pages.discard(page_id)
                else:
                    s.utility_blocked_pages.add(page_id)
                return _json(200, {"blocked": sorted(s.utility_blocked_pages)})
            case ("GET", "requests"):
                return _json(200, {"requests": s.requests})
            case ("POST", "phone"):
                return self.phone(data)
            case ("PUT", "webhooks"):
                config = WebhookConfig(
                    callback_url=str(data["callback_url"]),
                    max_attempts=max(1, min(20, int(data.get("max_attempts", 5)))),
                    base_delay=float(data.get("base_delay", 1.0)),
                    factor=float(data.get("factor", 2.0)),
                    max_delay=float(data.get("max_delay", 60.0)),
                    timeout=float(data.get("timeout", 5.0)),
                    unsubscribe_on_failure=bool(data.get("unsubscribe_on_failure", True)),
                )
                s.webhook = config
                result: dict[str, Any] = {"callback_url": config.callback_url}
                if data.get("verify_token"):
                    result.update(await self.sender.verify(config, str(data["verify_token"])))
                return _json(200, result)
            case ("POST", "webhooks/deliver"):
                payload = data["payload"]
                if not isinstance(payload, dict) or "object" not in payload:
                    raise ValueError("payload must be a Meta envelope with object and entry")
                delivery = self.sender.enqueue(payload)
                task = self.sender.start(delivery)
                if data.get("wait"):
                    await task
                return _json(202, self.delivery_view(delivery.id))
            case ("POST", "deauthorize") | ("POST", "data-deletion"):
                # The user removes the app in their settings: tokens die (458), then the
                # app's deauthorize / data-deletion callback gets a signed_request form POST.
                for token in s.tokens.values():
                    if token.user_id == s.user.id and token.dead_subcode is None:
                        token.dead_subcode = 458
                s.subscriptions.clear()
                posted = await self.sender.post_signed_request(str(data["url"]), s.user.id)
                return _json(200, posted)
            case ("GET", "webhooks/deliveries"):
                return _json(200, {"deliveries": [self.delivery_view(d) for d in s.deliveries]})
        return _json(404, {"error": f"no control route {key[0]} /_sandbox/{key[1]}"})

    def delivery_view(self, delivery_id: str) -> dict[str, Any]:
        d = self.state.deliveries[delivery_id]
        return {
            "id": d.id,
            "status": d.status,
            "signature": d.signature,
            "body": d.body.decode(),
            "attempts": d.attempts,
        }

    def kill_tokens(self, data: dict[str, Any]) -> Response[bytes]:
        subcode = int(data.get("subcode", 460))
        target = data.get("token")
        killed = 0
        for token in self.state.tokens.values():
            if target is None or token.value == target:
                token.dead_subcode = subcode
                killed += 1
        if target is not None and killed == 0:
            raise ValueError("unknown token")
        return _json(200, {"killed": killed, "subcode": subcode})

    def phone(self, data: dict[str, Any]) -> Response[bytes]:
        """A test user acts on their phone: messages, taps a postback or follows an m.me ref."""
        s = self.state
        page_id = str(data["page_id"])
        if page_id not in s.pages:
            raise ValueError("unknown page")
        customer = s.find_customer(str(data["customer"]))
        if customer is None:
            raise ValueError("unknown customer")
        platform = str(data.get("platform", "messenger"))
        page = s.pages[page_id]
        if platform == "instagram":
            if page.ig is None or customer.igsid is None:
                raise ValueError("this Page has no Instagram account")
            sender, recipient, obj = customer.igsid, page.ig.id, "instagram"
        else:
            sender, recipient, obj = customer.psids[page_id], page_id, "page"
        now = s.now()
        s.last_interaction[(page_id, sender)] = now
        event: dict[str, Any] = {
            "sender": {"id": sender},
            "recipient": {"id": recipient},
            "timestamp": now * 1000,
        }
        kind = str(data.get("kind", "message"))
        ref = data.get("ref")
        referral = {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"} if ref else None
        if kind == "message":
            message: dict[str, Any] = {
                "mid": "m_" + secrets.token_urlsafe(24),
                "text": str(data.get("text", "Hi")),
            }
            if data.get("attachment"):
                message["attachments"] = [data["attachment"]]
            if isinstance(data.get("quick_reply"), dict):  # a tap on a quick reply
                message["quick_reply"] = {"payload": str(data["quick_reply"].get("payload", ""))}
            if referral:
                message["referral"] = referral
            event["message"] = message
        elif kind == "appointment":  # a Meta-native Page appointment, as a message attachment
            start = int(data.get("start_time", now + 86400))
            payload = {
                "booking_id": str(data.get("booking_id") or secrets.token_hex(6)),
                "status": str(data.get("status", "requested")),
                "start_time": start,
                "end_time": int(data.get("end_time", start + 3600)),
                "timezone": str(data.get("timezone", "Asia/Kolkata")),
            }
            event["message"] = {
                "mid": "m_" + secrets.token_urlsafe(24),
                "attachments": [{"type": "appointment_booking", "payload": payload}],
            }
        elif kind == "postback":
            event["postback"] = {
                "mid": "m_" + secrets.token_urlsafe(24),
                "title": str(data.get("title", "Book Now")),
                "payload": str(data.get("payload", "")),
            }
            if referral:
                event["postback"]["referral"] = referral
        elif kind == "referral":
            if not referral:
                raise ValueError("a referral needs ref")
            event["referral"] = referral
        else:
            raise ValueError(f"unknown kind {kind}")
        s.inbound.append({"page_id": page_id, "platform": platform, "event": event})
        result: dict[str, Any] = {"event": event, "window_open_until": now + 24 * 3600}
        if s.webhook is not None and page_id in s.subscriptions:
            delivery = self.sender.enqueue(
                messaging_envelope(
                    obj,
                    page.ig.id if obj == "instagram" and page.ig else page_id,
                    event,
                    now * 1000,
                )
            )
            self.sender.start(delivery)
            result["delivery_id"] = delivery.id
        return _json(200, result)


def create_sandbox_app(
    state: SandboxState | None = None,
    *,
    app_id: str = DEFAULT_APP_ID,
    app_secret: str = DEFAULT_APP_SECRET,
) -> Litestar:
    """The sandbox app. With `state` given, its app id/secret are used and the keywords ignored."""
    sandbox = Sandbox(state or SandboxState.seeded(app_id=app_id, app_secret=app_secret))

    @route("/_sandbox/{rest:path}", http_method=METHODS)
    async def control(request: Request[Any, Any, Any], rest: str) -> Any:
        return await sandbox.control(request, rest)

    @route("/{version:str}/{rest:path}", http_method=METHODS)
    async def versioned(request: Request[Any, Any, Any], version: str, rest: str) -> Any:
        if version == "_sandbox":
            return await sandbox.control(request, rest)
        return await sandbox.graph_request(request, version, rest)

    @route("/{version:str}", http_method=METHODS)
    async def bare(request: Request[Any, Any, Any], version: str) -> Any:
        if not VERSION.match(version):
            return await sandbox.graph_request(request, version, "")
        return _json(400, unsupported(request.method, version).envelope())

    app = Litestar(
        route_handlers=[control, versioned, bare],
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
