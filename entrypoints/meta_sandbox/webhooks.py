"""The sending side of Meta webhooks: signed POSTs to the callback, retried with backoff."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import secrets
import time
from typing import Any

import httpx
import msgspec

from .state import Delivery, SandboxState, WebhookConfig


def sign(body: bytes, app_secret: str) -> str:
    return "sha256=" + hmac.new(app_secret.encode(), body, hashlib.sha256).hexdigest()


class WebhookSender:
    def __init__(self, state: SandboxState) -> None:
        self.state = state
        self.tasks: set[asyncio.Task[None]] = set()

    def enqueue(self, payload: dict[str, Any]) -> Delivery:
        body = msgspec.json.encode(payload)
        delivery = Delivery(
            id="dlv_" + secrets.token_hex(8),
            body=body,
            signature=sign(body, self.state.app_secret),
        )
        self.state.deliveries[delivery.id] = delivery
        return delivery

    def start(self, delivery: Delivery) -> asyncio.Task[None]:
        task = asyncio.get_running_loop().create_task(self.deliver(delivery))
        self.tasks.add(task)
        task.add_done_callback(self.tasks.discard)
        return task

    async def deliver(self, delivery: Delivery) -> None:
        config = self.state.webhook
        if config is None:
            delivery.status = "failed"
            delivery.attempts.append({"at": time.time(), "error": "no callback configured"})
            return
        delay = config.base_delay
        async with httpx.AsyncClient(timeout=config.timeout) as client:
            for attempt in range(1, config.max_attempts + 1):
                record: dict[str, Any] = {"attempt": attempt, "at": time.time()}
                try:
                    r = await client.post(
                        config.callback_url,
                        content=delivery.body,
                        headers={
                            "Content-Type": "application/json",
                            "X-Hub-Signature-256": delivery.signature,
                            "User-Agent": "facebookexternalua",
                        },
                    )
                    record["status"] = r.status_code
                    ok = 200 <= r.status_code < 300
                except httpx.HTTPError as exc:
                    record["error"] = f"{type(exc).__name__}: {exc}"
                    ok = False
                delivery.attempts.append(record)
                if ok:
                    delivery.status = "delivered"
                    return
                if attempt < config.max_attempts:
                    await asyncio.sleep(delay)
                    delay = min(delay * config.factor, config.max_delay)
        delivery.status = "failed"
        if config.unsubscribe_on_failure:
            self.unsubscribe_failing(delivery)

    def unsubscribe_failing(self, delivery: Delivery) -> None:
        """Messaging webhooks that keep failing unsubscribe the app from the Page (as after 1 h
        of failures at Meta; here after the last retry)."""
        s = self.state
        try:
            envelope = msgspec.json.decode(delivery.body)
        except msgspec.DecodeError:
            return
        if not isinstance(envelope, dict) or envelope.get("object") not in ("page", "instagram"):
            return
        by_ig = {p.ig.id: p.id for p in s.pages.values() if p.ig is not None}
        for entry in envelope.get("entry") or []:
            if not isinstance(entry, dict) or not entry.get("messaging"):
                continue
            page_id = by_ig.get(str(entry.get("id")), str(entry.get("id")))
            if s.subscriptions.pop(page_id, None) is not None:
                s.subscription_log.append(
                    {
                        "action": "auto_unsubscribe",
                        "page_id": page_id,
                        "at": s.now(),
                        "reason": "webhook delivery kept failing",
                        "delivery_id": delivery.id,
                    }
                )

    async def post_signed_request(self, url: str, user_id: str) -> dict[str, Any]:
        """A deauthorize or data-deletion callback: a form POST of `signed_request`."""
        payload = msgspec.json.encode(
            {"user_id": user_id, "algorithm": "HMAC-SHA256", "issued_at": self.state.now()}
        )
        segment = _b64url(payload)
        sig = hmac.new(self.state.app_secret.encode(), segment.encode(), hashlib.sha256).digest()
        signed_request = _b64url(sig) + "." + segment
        try:
            async with httpx.AsyncClient(timeout=10) as client:
                r = await client.post(url, data={"signed_request": signed_request})
        except httpx.HTTPError as exc:
            return {"signed_request": signed_request, "error": str(exc)}
        return {"signed_request": signed_request, "status": r.status_code, "body": r.text}

    async def verify(self, config: WebhookConfig, verify_token: str) -> dict[str, Any]:
        """Meta's subscription handshake: GET the callback with hub.* and expect the challenge."""
        challenge = secrets.token_hex(8)
        params = {
            "hub.mode": "subscribe",
            "hub.verify_token": verify_token,
            "hub.challenge": challenge,
        }
        try:
            async with httpx.AsyncClient(timeout=config.timeout) as client:
                r = await client.get(config.callback_url, params=params)
        except httpx.HTTPError as exc:
            return {"verified": False, "error": str(exc)}
        ok = r.status_code == 200 and r.text == challenge
        return {"verified": ok, "status": r.status_code}


def messaging_envelope(
    object_: str, entry_id: str, event: dict[str, Any], now_ms: int
) -> dict[str, Any]:
    return {
        "object": object_,
        "entry": [{"id": entry_id, "time": now_ms, "messaging": [event]}],
    }


def _b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
