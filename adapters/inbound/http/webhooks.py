"""`GET/POST /api/webhooks/meta`: Meta's verification handshake and deliveries.

The POST reads the raw bytes (the signature covers them exactly), has the webhook adapter check
and split them, and answers 200 once the delivery is stored; processing happens after commit,
elsewhere.
"""

from __future__ import annotations

from typing import Annotated, Any

import msgspec
from litestar import Controller, MediaType, Request, get, post
from litestar.datastructures import State
from litestar.di import Provide
from litestar.params import Parameter, QueryParameter

from application.actor import Actor
from application.ports.webhook_inbox import StoredEvent
from application.use_cases import UseCases
from domain.errors import ValidationFailed

from ..webhooks.meta_delivery import MetaDeliveryParser
from .dependencies import provide_actor

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
    async def deliver(
        self, request: Request[Any, Any, Any], state: State, use_cases: UseCases
    ) -> WebhookReceipt:
        parser: MetaDeliveryParser = state.meta_deliveries
        body, events = parser.parse(
            await request.body(), request.headers.get("x-hub-signature-256")
        )
        receipt = await use_cases.webhooks.receive(
            body, events, {k.lower(): v for k, v in request.headers.items()}
        )
        return WebhookReceipt(received=receipt.events, stored=receipt.stored)


class WebhookEventOut(msgspec.Struct, kw_only=True):
    id: str
    received_at: str
    kind: str
    status: str
    error: str | None
    attempts: int


class WebhookEventsOut(msgspec.Struct, kw_only=True):
    items: list[WebhookEventOut]


class ReplayOut(msgspec.Struct, kw_only=True):
    id: str
    status: str


def _event_out(event: StoredEvent) -> WebhookEventOut:
    return WebhookEventOut(
        id=event.id,
        received_at=event.received_at.isoformat(),
        kind=event.event.label,
        status=event.status,
        error=event.reason if event.status == "failed" else None,
        attempts=event.attempts,
    )


class WebhookEventsController(Controller):
    """The salon's webhook events that failed, and their replay (owners, bearer token)."""

    path = "/api/salons/{salon_id:str}/webhook-events"
    tags = ["webhooks"]
    dependencies = {"actor": Provide(provide_actor)}

    @get("")
    async def list_events(
        self,
        salon_id: str,
        actor: Actor,
        use_cases: UseCases,
        status: Annotated[str, QueryParameter(required=False, enum=["failed"])] = "failed",
    ) -> WebhookEventsOut:
        """Failed events, newest first (`status=failed`, the only status listed here)."""
        if status != "failed":
            raise ValidationFailed("Only failed events are listed.", {"status": "must be failed"})
        events = await use_cases.webhook_events.failed(actor, salon_id)
        return WebhookEventsOut(items=[_event_out(e) for e in events])

    @post("/{event_id:str}/replay", status_code=202)
    async def replay(
        self, salon_id: str, event_id: str, actor: Actor, use_cases: UseCases
    ) -> ReplayOut:
        again = await use_cases.webhook_events.replay(actor, salon_id, event_id)
        return ReplayOut(id=again.id, status=again.status)
