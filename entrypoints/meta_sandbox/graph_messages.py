"""Graph's Send API: `/{page-id|ig-id|me}/messages`, the 24-hour window and Utility Messages."""

from __future__ import annotations

import secrets
from collections.abc import Mapping
from typing import Any

from .fields import as_json
from .graph_auth import GraphAuth
from .graph_errors import GraphError, Reply
from .state import Page

SUNSET_TAGS = {"CONFIRMED_EVENT_UPDATE", "ACCOUNT_UPDATE", "POST_PURCHASE_UPDATE"}
WINDOW_SECONDS = 24 * 3600
HUMAN_AGENT_SECONDS = 7 * 24 * 3600


class MessageEndpoints(GraphAuth):
    """Sending as a Page, on Messenger or Instagram."""

    def send_message(
        self, page_id: str, query: Mapping[str, str], body: Mapping[str, Any]
    ) -> Reply:
        page = self.page(page_id, "POST")
        self.page_token(query, page)
        s = self.state
        recipient = as_json(body.get("recipient")) or {}
        message = as_json(body.get("message")) or {}
        rid = str(recipient.get("id", "")) if isinstance(recipient, Mapping) else ""
        if not isinstance(message, Mapping) or not ("text" in message or "attachment" in message):
            raise GraphError("(#100) The parameter message is required", 100)
        messaging_type = str(body.get("messaging_type") or "RESPONSE")
        tag = body.get("tag")
        if messaging_type == "UTILITY":
            return self.send_utility(page, rid, message)
        if messaging_type not in ("RESPONSE", "UPDATE", "MESSAGE_TAG"):
            raise GraphError(
                "(#100) Param messaging_type must be one of {RESPONSE, UPDATE, MESSAGE_TAG, "
                "UTILITY}",
                100,
            )
        if messaging_type == "MESSAGE_TAG" and not tag:
            raise GraphError("(#100) Param tag is required for messaging_type MESSAGE_TAG", 100)
        if tag in SUNSET_TAGS:
            raise GraphError(
                f"(#100) The tag {tag} is no longer supported. Use Utility Messages instead.",
                100,
                subcode=2018344,
            )
        text = message.get("text")
        if isinstance(text, str) and len(text) >= 2000:
            raise GraphError(
                "(#100) Length of param message[text] must be less than or equal to 2000", 100
            )
        meta = message.get("metadata")
        if isinstance(meta, str) and len(meta) >= 1000:
            raise GraphError("(#100) Length of param message[metadata] must be less than 1000", 100)
        customers = s.recipient_ids(page_id)
        if rid not in customers:
            raise GraphError("(#100) No matching user found", 100, subcode=2018001)
        is_ig = page.ig is not None and customers[rid].igsid == rid
        last = s.last_interaction.get((page_id, rid))
        age = None if last is None else s.now() - last
        inside = age is not None and age <= WINDOW_SECONDS
        if tag == "HUMAN_AGENT":
            inside = age is not None and age <= HUMAN_AGENT_SECONDS
        elif tag is not None and is_ig:
            raise GraphError("(#100) Instagram allows only the HUMAN_AGENT tag", 100)
        if not inside:
            raise GraphError(
                "(#10) This message is sent outside of allowed window. Learn more about the new "
                "policy here: https://developers.facebook.com/docs/messenger-platform/policy-"
                "overview",
                10,
                subcode=2018278,
            )
        mid = "m_" + secrets.token_urlsafe(24)
        s.sent_messages.append(
            {
                "page_id": page_id,
                "platform": "instagram" if is_ig else "messenger",
                "recipient_id": rid,
                "messaging_type": messaging_type,
                "tag": tag,
                "message": dict(message),
                "message_id": mid,
                "at": s.now(),
            }
        )
        return Reply(200, {"recipient_id": rid, "message_id": mid})

    def send_utility(self, page: Page, rid: str, message: Mapping[str, Any]) -> Reply:
        """A Utility Message: a template, allowed outside the window, Messenger only, and
        only for Pages in a market Meta enabled (the sandbox's `utility_markets` control)."""
        s = self.state
        attachment = message.get("attachment")
        payload = attachment.get("payload") if isinstance(attachment, Mapping) else None
        if not isinstance(payload, Mapping) or payload.get("template_type") != "utility":
            raise GraphError("(#100) A UTILITY message needs a utility template attachment", 100)
        if not payload.get("template_name"):
            raise GraphError("(#100) Param template_name is required", 100)
        customers = s.recipient_ids(page.id)
        if rid not in customers or customers[rid].igsid == rid:
            raise GraphError("(#100) No matching user found", 100, subcode=2018001)
        if page.id in s.utility_blocked_pages:
            raise GraphError("(#10) Utility Messages are not available for this Page's market", 10)
        mid = "m_" + secrets.token_urlsafe(24)
        s.sent_messages.append(
            {
                "page_id": page.id,
                "platform": "messenger",
                "recipient_id": rid,
                "messaging_type": "UTILITY",
                "tag": None,
                "message": dict(message),
                "message_id": mid,
                "at": s.now(),
            }
        )
        return Reply(200, {"recipient_id": rid, "message_id": mid})
