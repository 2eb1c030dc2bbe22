"""Builders for the partner adapters bootstrap wires: Meta (the Graph adapter and, embedded,
the built-in sandbox answering it in process) and texting (the built-in SMS/WhatsApp sandbox,
a Twilio-style API, or none). Only `entrypoints/bootstrap.py` calls them."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

import httpx
from litestar import Litestar

from adapters.outbound.meta.client import HttpxMetaGraph
from adapters.outbound.texting.twilio import TwilioTextMessageSender
from application.meta.config import MetaApp
from application.ports.meta_graph import MetaGraph
from application.ports.text_messages import TextMessageSender
from domain.meta import MetaMode
from entrypoints.meta_sandbox import create_sandbox_app
from entrypoints.settings import Settings
from entrypoints.texting_sandbox.app import create_texting_sandbox_app

SANDBOX_MOUNT = "/_meta-sandbox"  # where `serve` mounts the built-in Meta sandbox
TEXTING_SANDBOX_MOUNT = "/_texting-sandbox"  # and the built-in SMS/WhatsApp sandbox
_SANDBOX_BASE = "http://meta-sandbox.internal"  # in-process: no socket, no port
_TEXTING_BASE = "http://texting-sandbox.internal"

T = TypeVar("T")


@dataclass(frozen=True)
class Partner(Generic[T]):
    """An adapter for a partner, the built-in sandbox behind it (embedded mode) and the HTTP
    client to close on shutdown (None when a test passed its own adapter)."""

    adapter: T
    sandbox: Litestar | None
    client: httpx.AsyncClient | None


def meta_app(settings: Settings) -> MetaApp:
    meta = settings.meta
    return MetaApp(
        app_id=meta.app_id,
        app_secret=meta.app_secret,
        mode=MetaMode(meta.mode),
        dialog_url=meta.dialog_url or f"{settings.public_url}{SANDBOX_MOUNT}",
        version=meta.api_version,
        public_url=settings.public_url,
        configured=meta.configured,
    )


def meta_graph(settings: Settings, graph: MetaGraph | None) -> Partner[MetaGraph]:
    """The Graph adapter; with the built-in sandbox it answers in process (httpx's ASGI
    transport) while browsers reach the same sandbox's login dialog at PUBLIC_URL/_meta-sandbox."""
    meta = settings.meta
    sandbox: Litestar | None = None
    if meta.builtin_sandbox:
        sandbox = create_sandbox_app(app_id=meta.app_id, app_secret=meta.app_secret)
    if graph is not None:
        return Partner(graph, sandbox, None)
    timeout = httpx.Timeout(meta.timeout_s, connect=min(meta.timeout_s, 5.0))
    if sandbox is not None:
        asgi = httpx.ASGITransport(app=sandbox)  # type: ignore[arg-type]  # Litestar is ASGI
        client = httpx.AsyncClient(transport=asgi, timeout=timeout)
    else:
        client = httpx.AsyncClient(timeout=timeout)
    adapter = HttpxMetaGraph(
        client,
        base_url=meta.graph_url or _SANDBOX_BASE,
        app_id=meta.app_id,
        app_secret=meta.app_secret,
        version=meta.api_version,
        timeout=meta.timeout_s,
    )
    return Partner(adapter, sandbox, client)


def text_sender(
    settings: Settings, sender: TextMessageSender | None
) -> Partner[TextMessageSender | None]:
    texting = settings.texting
    if sender is not None or texting.provider == "off":
        return Partner(sender, None, None)
    sandbox: Litestar | None = None
    if texting.provider == "sandbox":
        sandbox = create_texting_sandbox_app()
        asgi = httpx.ASGITransport(app=sandbox)  # type: ignore[arg-type]  # Litestar is ASGI
        client = httpx.AsyncClient(transport=asgi, timeout=10.0)
        base = _TEXTING_BASE
    else:
        client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        base = texting.base_url or "https://api.twilio.com"
    adapter = TwilioTextMessageSender(
        client,
        base_url=base,
        account_sid=texting.account_sid,
        auth_token=texting.auth_token,
        sms_from=texting.sms_from,
        whatsapp_from=texting.whatsapp_from,
    )
    return Partner(adapter, sandbox, client)
