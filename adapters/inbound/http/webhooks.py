"""`GET/POST /api/webhooks/meta`: Meta's verification handshake and deliveries.

The POST reads the raw bytes (the signature covers them exactly), and answers 200 once the
delivery is stored; processing happens after commit, elsewhere.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, get, post
from litestar.params import Parameter

from application.use_cases import UseCases

HubText = Annotated[str | None, Parameter(required=False, max_length=2048)]


class WebhookReceipt(msgspec.Struct, kw_only=True):
    received: int
    stored: int


class MetaWebhookController(Controller):
    path = "/api/webhooks/meta"
    tags = ["webhooks"]

    @get("", media_type=MediaType.TEXT)
    async def verify(
        self,
        use_cases: UseCases,
        mode: Annotated[
            str | None, Parameter(query="hub.mode", required=False, max_length=64)
        ] = None,
        token: Annotated[
            str | None, Parameter(query="hub.verify_token", required=False, max_length=2048)
        ] = None,
        challenge: Annotated[
            str | None, Parameter(query="hub.challenge", required=False, max_length=2048)
        ] = None,
    ) -> str:
        """The subscription handshake: the challenge as text when the verify token matches."""
        return use_cases.webhooks.verify_subscription(mode, token, challenge)

    @post("", status_code=200)
    async def deliver(self, request: Request[Any, Any, Any], use_cases: UseCases) -> WebhookReceipt:
        raw = await request.body()
        receipt = await use_cases.webhooks.receive(
            raw,
            request.headers.get("x-hub-signature-256"),
            {k.lower(): v for k, v in request.headers.items()},
        )
        return WebhookReceipt(received=receipt.events, stored=receipt.stored)
