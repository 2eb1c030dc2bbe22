"""HttpxMetaGraph's Send API calls: text (with quick replies) and Utility Messages."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from adapters.outbound.meta import wire
from adapters.outbound.meta.calls import GraphCalls, _seg
from application.ports.meta_graph import MessagingType, QuickReply, SentMessage


class MessagingCalls(GraphCalls):
    """The MetaGraph port's messaging calls."""

    async def send_message(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        recipient_id: str,
        text: str,
        messaging_type: MessagingType = "RESPONSE",
        tag: str | None = None,
        quick_replies: Sequence[QuickReply] = (),
        metadata: str | None = None,
    ) -> SentMessage:
        message: dict[str, Any] = {"text": text}
        if quick_replies:
            message["quick_replies"] = [
                {"content_type": "text", "title": q.title, "payload": q.payload}
                for q in quick_replies
            ]
        if metadata is not None:
            message["metadata"] = metadata
        body: dict[str, Any] = {
            "recipient": {"id": recipient_id},
            "messaging_type": messaging_type,
            "message": message,
        }
        if tag is not None:
            body["tag"] = tag
        return await self._post_message(page_id, page_token, key, body)

    async def send_utility(
        self,
        page_id: str,
        page_token: str,
        *,
        key: str,
        recipient_id: str,
        template: str,
        language: str,
        values: Sequence[str],
    ) -> SentMessage:
        body: dict[str, Any] = {
            "recipient": {"id": recipient_id},
            "messaging_type": "UTILITY",
            "message": {
                "attachment": {
                    "type": "template",
                    "payload": {
                        "template_type": "utility",
                        "template_name": template,
                        "language": language,
                        "parameters": [{"type": "text", "text": v} for v in values],
                    },
                }
            },
        }
        return await self._post_message(page_id, page_token, key, body)

    async def _post_message(
        self, page_id: str, page_token: str, key: str, body: dict[str, Any]
    ) -> SentMessage:
        """POST /{page-id}/messages: not retried (a retry could deliver twice)."""
        got = await self._call(
            "POST",
            f"{_seg(page_id)}/messages",
            key,
            {"access_token": page_token},
            wire.SEND,
            body=body,
            idempotent=False,
        )
        return SentMessage(got.recipient_id, got.message_id)
