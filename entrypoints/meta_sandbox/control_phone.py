"""The `/_sandbox/phone` control route: a test user acts on their phone (messages, taps a
postback, books a Meta-native appointment, follows an m.me ref), opening the 24-hour window."""

from __future__ import annotations

import secrets
from typing import Any

from litestar import Response, post

from .responses import json_response
from .state import SandboxState
from .webhooks import WebhookSender, messaging_envelope


@post("/phone")
async def phone(
    sandbox_state: SandboxState, webhook_sender: WebhookSender, args: dict[str, Any]
) -> Response[bytes]:
    """A test user acts on their phone: messages, taps a postback or follows an m.me ref."""
    s = sandbox_state
    page_id = str(args["page_id"])
    if page_id not in s.pages:
        raise ValueError("unknown page")
    customer = s.find_customer(str(args["customer"]))
    if customer is None:
        raise ValueError("unknown customer")
    platform = str(args.get("platform", "messenger"))
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
    kind = str(args.get("kind", "message"))
    ref = args.get("ref")
    referral = {"ref": ref, "source": "SHORTLINK", "type": "OPEN_THREAD"} if ref else None
    if kind == "message":
        message: dict[str, Any] = {
            "mid": "m_" + secrets.token_urlsafe(24),
            "text": str(args.get("text", "Hi")),
        }
        if args.get("attachment"):
            message["attachments"] = [args["attachment"]]
        if isinstance(args.get("quick_reply"), dict):  # a tap on a quick reply
            message["quick_reply"] = {"payload": str(args["quick_reply"].get("payload", ""))}
        if referral:
            message["referral"] = referral
        event["message"] = message
    elif kind == "appointment":  # a Meta-native Page appointment, as a message attachment
        start = int(args.get("start_time", now + 86400))
        payload = {
            "booking_id": str(args.get("booking_id") or secrets.token_hex(6)),
            "status": str(args.get("status", "requested")),
            "start_time": start,
            "end_time": int(args.get("end_time", start + 3600)),
            "timezone": str(args.get("timezone", "Asia/Kolkata")),
        }
        event["message"] = {
            "mid": "m_" + secrets.token_urlsafe(24),
            "attachments": [{"type": "appointment_booking", "payload": payload}],
        }
    elif kind == "postback":
        event["postback"] = {
            "mid": "m_" + secrets.token_urlsafe(24),
            "title": str(args.get("title", "Book Now")),
            "payload": str(args.get("payload", "")),
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
        delivery = webhook_sender.enqueue(
            messaging_envelope(
                obj,
                page.ig.id if obj == "instagram" and page.ig else page_id,
                event,
                now * 1000,
            )
        )
        webhook_sender.start(delivery)
        result["delivery_id"] = delivery.id
    return json_response(200, result)
