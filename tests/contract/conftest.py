"""Fixtures of the contract suites. Each section belongs to one port; add new sections below."""

from __future__ import annotations

import asyncio
import base64
import re
import secrets
from collections.abc import AsyncIterator, Iterator, Sequence
from typing import Any

import dramatiq
import httpx
import pytest
from dramatiq.brokers.redis import RedisBroker
from dramatiq.middleware import AgeLimit, AsyncIO, Retries, ShutdownNotifications

from adapters.inbound.workers.dramatiq_actors import declare_actors
from adapters.outbound.crypto import AesGcmTokenVault
from adapters.outbound.memory.otp_sender import InMemoryOtpSender
from adapters.outbound.memory.text_messages import InMemoryTextMessageSender
from adapters.outbound.memory.token_vault import InMemoryTokenVault
from adapters.outbound.messaging.channels import LogCustomerMessenger, RoutedCustomerMessenger
from adapters.outbound.meta.client import HttpxMetaGraph
from adapters.outbound.persistence import Database
from adapters.outbound.persistence.otp_sender import SqlaOtpSender
from adapters.outbound.queue.dramatiq_queue import QUEUE_NAME, DramatiqJobQueue
from adapters.outbound.queue.in_process import InProcessJobQueue
from adapters.outbound.texting import TwilioTextMessageSender
from adapters.outbound.texting.otp import TextOtpSender
from application.ports.token_vault import TokenVault
from domain.messaging import Channel
from entrypoints.meta_sandbox import DEFAULT_APP_ID, DEFAULT_APP_SECRET, create_sandbox_app
from entrypoints.texting_sandbox import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_SMS_FROM,
    DEFAULT_WHATSAPP_FROM,
    create_texting_sandbox_app,
)

from ..integration.meta_sandbox_fixtures import app_in_thread
from .job_queue_harness import QueueCase, RecordingRunner
from .messaging_harness import (
    Addresses,
    Delivered,
    MessengerCase,
    OtpCase,
    RefusingMessengerCase,
    TextCase,
)
from .token_vault_harness import VaultCase

# --- messaging: CustomerMessenger and TextMessageSender, over every adapter ---
#
# The httpx adapters run against the Meta and texting sandboxes served by uvicorn over real
# HTTP (as in tests/integration), reset before each test; what reached the customer is read
# back from the sandbox's control API. The log and in-memory adapters are read from their log.

PHONE = "+919876543210"
CUSTOMER = "riya"  # a seeded customer of the Meta sandbox


@pytest.fixture(scope="session")
def meta_sandbox_url() -> Iterator[str]:
    with app_in_thread(create_sandbox_app(), "Meta sandbox") as url:
        yield url


@pytest.fixture(scope="session")
def texting_sandbox_url() -> Iterator[str]:
    with app_in_thread(create_texting_sandbox_app(), "texting sandbox") as url:
        yield url


@pytest.fixture
def meta_control(meta_sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=meta_sandbox_url, timeout=10) as client:
        assert client.post("/_sandbox/reset").status_code == 200
        yield client


@pytest.fixture
def texting_control(texting_sandbox_url: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=texting_sandbox_url, timeout=10) as client:
        assert client.post("/_sandbox/reset").status_code == 200
        yield client


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient() as client:
        yield client


def _twilio(http: httpx.AsyncClient, url: str) -> TwilioTextMessageSender:
    return TwilioTextMessageSender(
        http,
        base_url=url,
        account_sid=DEFAULT_ACCOUNT_SID,
        auth_token=DEFAULT_AUTH_TOKEN,
        sms_from=DEFAULT_SMS_FROM,
        whatsapp_from=DEFAULT_WHATSAPP_FROM,
    )


def _texts_received(control: httpx.Client) -> list[tuple[str, str, str, str]]:
    got = control.get("/_sandbox/messages").json()["messages"]
    return [
        (m["channel"], str(m["to"]).removeprefix("whatsapp:"), m["body"], m["sid"]) for m in got
    ]


def _text_outage(control: httpx.Client) -> None:
    assert control.post("/_sandbox/failures", json={"status": 503, "times": 1}).status_code == 200


def _carrier_stop(control: httpx.Client, phone: str) -> None:
    assert control.post("/_sandbox/opt-outs", json={"phone": phone}).status_code == 201


@pytest.fixture(params=["twilio", "memory"])
def text_case(request: pytest.FixtureRequest) -> TextCase:
    if request.param == "memory":
        memory = InMemoryTextMessageSender()
        return TextCase(
            "memory",
            memory,
            lambda: list(memory.sent),
            lambda: memory.fail_next(1, permanent=False),
            lambda phone: memory.fail_next(1, permanent=True, code=21610),
        )
    control: httpx.Client = request.getfixturevalue("texting_control")
    url: str = request.getfixturevalue("texting_sandbox_url")
    http: httpx.AsyncClient = request.getfixturevalue("http")
    return TextCase(
        "twilio",
        _twilio(http, url),
        lambda: _texts_received(control),
        lambda: _text_outage(control),
        lambda phone: _carrier_stop(control, phone),
    )


def _meta_addresses(meta: httpx.Client) -> Addresses:
    page = meta.get("/_sandbox/seed").json()["pages"][0]
    assert page["instagram_business_account"] is not None
    return Addresses(
        page_id=page["id"],
        page_token=page["access_token"],
        psid="7100000000000001",  # riya on that Page
        igsid="1780000000000001",  # riya on its Instagram account
        phone=PHONE,
    )


def _sent_by_meta(meta: httpx.Client) -> list[Delivered]:
    found = []
    for m in meta.get("/_sandbox/sent").json()["messages"]:
        body: dict[str, Any] = m["message"]
        utility = m["messaging_type"] == "UTILITY"
        found.append(
            Delivered(
                Channel.UTILITY if utility else Channel(m["platform"]),
                m["recipient_id"],
                None if utility else body.get("text"),
                tuple(q["payload"] for q in body.get("quick_replies") or []),
                m["message_id"],
                m["tag"],
            )
        )
    return found


def _routed(request: pytest.FixtureRequest) -> RefusingMessengerCase:
    meta: httpx.Client = request.getfixturevalue("meta_control")
    texts: httpx.Client = request.getfixturevalue("texting_control")
    http: httpx.AsyncClient = request.getfixturevalue("http")

    async def no_sleep(_: float) -> None:
        return None

    graph = HttpxMetaGraph(
        http,
        base_url=request.getfixturevalue("meta_sandbox_url"),
        app_id=DEFAULT_APP_ID,
        app_secret=DEFAULT_APP_SECRET,
        sleep=no_sleep,
    )
    to = _meta_addresses(meta)
    texter = _twilio(http, request.getfixturevalue("texting_sandbox_url"))

    def delivered() -> list[Delivered]:
        by_text = [
            Delivered(Channel(channel), phone, body, (), sid)
            for channel, phone, body, sid in _texts_received(texts)
        ]
        return _sent_by_meta(meta) + by_text

    def open_window() -> None:
        for platform in ("messenger", "instagram"):
            r = meta.post(
                "/_sandbox/phone",
                json={"page_id": to.page_id, "customer": CUSTOMER, "platform": platform},
            )
            assert r.status_code == 200, r.text

    def meta_outage() -> None:
        r = meta.post("/_sandbox/failures", json={"kind": "server_error", "status": 503})
        assert r.status_code == 201, r.text

    return RefusingMessengerCase(
        "routed",
        RoutedCustomerMessenger(graph, texter),
        delivered,
        to,
        open_window,
        meta_outage,
        lambda: _text_outage(texts),
        lambda phone: _carrier_stop(texts, phone),
    )


def _logged() -> MessengerCase:
    log = LogCustomerMessenger()
    to = Addresses("page-1", "page-token", "psid-1", "igsid-1", PHONE)

    def delivered() -> list[Delivered]:
        return [
            Delivered(
                m.channel,
                m.to,
                None if m.channel is Channel.UTILITY else m.text,
                tuple(r.payload for r in m.quick_replies),
                None,
            )
            for m in log.sent
        ]

    return MessengerCase("log", log, delivered, to, lambda: None)


@pytest.fixture(params=["routed", "log"])
def messenger_case(request: pytest.FixtureRequest) -> MessengerCase:
    return _routed(request) if request.param == "routed" else _logged()


@pytest.fixture(params=["routed"])
def refusing_case(request: pytest.FixtureRequest) -> RefusingMessengerCase:
    """Every adapter that reaches a provider (the log adapter sends nothing, so nothing can
    refuse it)."""
    return _routed(request)


# --- job queue: JobQueue, over every adapter ---
#
# Dramatiq runs as in production, on the real Redis: the queue enqueues by actor name on a
# broker that declares no actors (as `serve` does); a Dramatiq worker on a second broker
# declares the actors (as `salonhub worker` does) and runs them. Both use the test's own
# Redis namespace. In-process jobs run on this test's event loop.


def _dramatiq_broker(redis_url: str, namespace: str) -> RedisBroker:
    """As entrypoints/broker.py builds it, in the test's namespace and without retries."""
    return RedisBroker(  # type: ignore[no-untyped-call]
        url=redis_url,
        namespace=namespace,
        middleware=[AgeLimit(), ShutdownNotifications(), Retries(max_retries=0), AsyncIO()],
    )


@pytest.fixture(params=[pytest.param("dramatiq", marks=pytest.mark.redis), "in_process"])
async def queue_case(request: pytest.FixtureRequest) -> AsyncIterator[QueueCase]:
    runner = RecordingRunner()
    if request.param == "in_process":
        in_process = InProcessJobQueue(runner)
        yield QueueCase("in_process", in_process, runner, runs_here=True)
        runner.release()
        await in_process.drain()
        return
    redis_url: str = request.getfixturevalue("redis_url")
    namespace = request.getfixturevalue("redis_prefix").rstrip(":")
    sender, consumer = (_dramatiq_broker(redis_url, namespace) for _ in range(2))
    declare_actors(consumer, runner, queue_name=QUEUE_NAME, max_retries=0)
    worker = dramatiq.Worker(consumer, worker_threads=2, worker_timeout=100)
    worker.start()
    try:
        yield QueueCase("dramatiq", DramatiqJobQueue(sender), runner, runs_here=False)
    finally:
        runner.release()
        await asyncio.to_thread(worker.stop)
        sender.close()
        consumer.close()


# --- end job queue ---


# --- token vault: TokenVault, over every adapter ---


def _aes_gcm_case() -> VaultCase:
    keys: dict[str, bytes] = {}

    def with_ring(names: Sequence[str]) -> TokenVault:
        return AesGcmTokenVault([keys.setdefault(n, secrets.token_bytes(32)) for n in names])

    def key_material() -> list[str]:
        return [
            spelling
            for key in keys.values()
            for spelling in (
                key.hex(),
                base64.b64encode(key).decode(),
                base64.urlsafe_b64encode(key).decode().rstrip("="),
                repr(key),
            )
        ]

    return VaultCase("aes_gcm", with_ring, key_material)


def _memory_case() -> VaultCase:
    vault = InMemoryTokenVault()

    def with_ring(names: Sequence[str]) -> TokenVault:
        vault.keys = list(names)  # its handles open only in the instance that made them
        return vault

    # The fake's keys are labels, not secrets: it holds plaintexts, not key material.
    return VaultCase("memory", with_ring, list)


@pytest.fixture(params=["aes_gcm", "memory"])
def vault_case(request: pytest.FixtureRequest) -> VaultCase:
    return _aes_gcm_case() if request.param == "aes_gcm" else _memory_case()


# --- end token vault ---
@pytest.fixture
async def sqla_otp_sender(sqlite_db_url: str) -> AsyncIterator[SqlaOtpSender]:
    database = Database.connect(sqlite_db_url)
    try:
        yield SqlaOtpSender(database)
    finally:
        await database.dispose()


@pytest.fixture(params=["text"])
def failing_otp_case(request: pytest.FixtureRequest) -> OtpCase:
    """The OtpSender adapters that can fail to deliver (the others keep codes locally)."""
    return _otp_case(request.param, request)


@pytest.fixture(params=["memory", "sqla", "text"])
def otp_case(request: pytest.FixtureRequest) -> OtpCase:
    return _otp_case(request.param, request)


def _otp_case(name: str, request: pytest.FixtureRequest) -> OtpCase:
    if name == "memory":
        memory = InMemoryOtpSender()

        async def kept(salon_id: str, phone: str) -> list[str]:
            return [c for s, p, c in memory.sent if (s, p) == (salon_id, phone)]

        return OtpCase("memory", memory, kept, None)
    if name == "sqla":
        inbox: SqlaOtpSender = request.getfixturevalue("sqla_otp_sender")

        async def stored(salon_id: str, phone: str) -> list[str]:
            return [r["code"] for r in reversed(await inbox.recent(salon_id, phone))]

        return OtpCase("sqla", inbox, stored, None)
    control: httpx.Client = request.getfixturevalue("texting_control")
    url: str = request.getfixturevalue("texting_sandbox_url")
    texts = TextOtpSender(_twilio(request.getfixturevalue("http"), url))

    async def texted(salon_id: str, phone: str) -> list[str]:
        bodies = [body for _, to, body, _ in _texts_received(control) if to == phone]
        return [m for body in bodies for m in re.findall(r"\b\d{6}\b", body)]

    return OtpCase("text", texts, texted, lambda: _text_outage(control))
