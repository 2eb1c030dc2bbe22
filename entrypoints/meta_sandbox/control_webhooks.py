"""Control routes for what Meta posts to the app: the webhook callback (verify, deliver, the
delivery log) and the user removing the app (deauthorize / data-deletion callbacks)."""

from __future__ import annotations

from typing import Any

from litestar import Response, get, post, put

from .responses import json_response
from .state import SandboxState, WebhookConfig
from .webhooks import WebhookSender


@put("/webhooks")
async def configure(
    sandbox_state: SandboxState, webhook_sender: WebhookSender, args: dict[str, Any]
) -> Response[bytes]:
    config = WebhookConfig(
        callback_url=str(args["callback_url"]),
        max_attempts=max(1, min(20, int(args.get("max_attempts", 5)))),
        base_delay=float(args.get("base_delay", 1.0)),
        factor=float(args.get("factor", 2.0)),
        max_delay=float(args.get("max_delay", 60.0)),
        timeout=float(args.get("timeout", 5.0)),
        unsubscribe_on_failure=bool(args.get("unsubscribe_on_failure", True)),
    )
    sandbox_state.webhook = config
    result: dict[str, Any] = {"callback_url": config.callback_url}
    if args.get("verify_token"):
        result.update(await webhook_sender.verify(config, str(args["verify_token"])))
    return json_response(200, result)


@post("/webhooks/deliver")
async def deliver(
    sandbox_state: SandboxState, webhook_sender: WebhookSender, args: dict[str, Any]
) -> Response[bytes]:
    payload = args["payload"]
    if not isinstance(payload, dict) or "object" not in payload:
        raise ValueError("payload must be a Meta envelope with object and entry")
    delivery = webhook_sender.enqueue(payload)
    task = webhook_sender.start(delivery)
    if args.get("wait"):
        await task
    return json_response(202, delivery_view(sandbox_state, delivery.id))


@get("/webhooks/deliveries")
async def deliveries(sandbox_state: SandboxState) -> Response[bytes]:
    views = [delivery_view(sandbox_state, d) for d in sandbox_state.deliveries]
    return json_response(200, {"deliveries": views})


@post(["/deauthorize", "/data-deletion"])
async def remove_app(
    sandbox_state: SandboxState, webhook_sender: WebhookSender, args: dict[str, Any]
) -> Response[bytes]:
    """The user removes the app in their settings: tokens die (458), then the app's
    deauthorize / data-deletion callback gets a signed_request form POST."""
    s = sandbox_state
    for token in s.tokens.values():
        if token.user_id == s.user.id and token.dead_subcode is None:
            token.dead_subcode = 458
    s.subscriptions.clear()
    posted = await webhook_sender.post_signed_request(str(args["url"]), s.user.id)
    return json_response(200, posted)


def delivery_view(state: SandboxState, delivery_id: str) -> dict[str, Any]:
    d = state.deliveries[delivery_id]
    return {
        "id": d.id,
        "status": d.status,
        "signature": d.signature,
        "body": d.body.decode(),
        "attempts": d.attempts,
    }


WEBHOOK_ROUTES = [configure, deliver, deliveries, remove_app]
