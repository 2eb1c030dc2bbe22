"""The one composition root: settings in, a wired object graph out.

The HTTP app, the CLI and the tests all call `bootstrap`; keyword overrides replace any adapter
(tests pass fakes). Nothing here runs at import time.
"""

from __future__ import annotations

import os
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from litestar import Litestar
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from adapters.inbound.webhooks.meta_delivery import MetaDeliveryParser
from adapters.outbound.crypto import AesGcmTokenVault
from adapters.outbound.health import RedisPing
from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.otp_sender import InMemoryOtpSender
from adapters.outbound.messaging.channels import ChannelsCustomerMessenger, LogCustomerMessenger
from adapters.outbound.meta.client import HttpxMetaGraph
from adapters.outbound.metrics import PrometheusMetrics
from adapters.outbound.persistence.database import Database
from adapters.outbound.persistence.otp_outbox import SqlaOtpOutbox
from adapters.outbound.queue.in_process import InProcessJobQueue
from adapters.outbound.ratelimit import InMemoryRateLimiter, RedisRateLimiter
from adapters.outbound.system.clock import SystemClock
from adapters.outbound.system.password_hasher import ScryptPasswordHasher
from adapters.outbound.system.phone_numbers import LibPhoneNumbers
from adapters.outbound.texting.otp import TextOtpSender
from adapters.outbound.texting.twilio import TwilioTextMessageSender
from application.accounts.log_in import Authenticate, LogIn, LogOut
from application.accounts.sign_up import SignUp
from application.analytics.salon_analytics import SalonAnalytics
from application.audit_query import AuditQuery
from application.booking.book_appointment import BookAppointment
from application.booking.browse import Browse
from application.booking.manage_booking import ManageBooking
from application.booking.salon_bookings import SalonBookings
from application.catalog.manage_services import ManageServices
from application.catalog.manage_staff import ManageStaff
from application.customers.data_rights import CustomerDataRights
from application.jobs.relay import JobRunner, OutboxRelay
from application.jobs.wakeup import Wakeup
from application.messaging.compose import Composer
from application.messaging.dispatch import SendMessages
from application.messaging.links import MessagingViews
from application.messaging.refs import BookingRefs
from application.messaging.reminders import QueueReminders
from application.meta.cleanups import MetaCleanups
from application.meta.config import MetaApp
from application.meta.connect_page import ConnectPage
from application.meta.disconnect import AccessLost, Disconnect
from application.meta.health import TokenChecks
from application.meta.login import MetaLogin
from application.meta.page_picker import SelectPage
from application.meta.privacy import MetaPrivacy
from application.meta.rotation import RotateTokenKeys
from application.meta.signing import StateSigner
from application.meta.status import ConnectionStatus
from application.meta.sync import SyncMeta
from application.meta.sync_now import SyncNow
from application.ports.clock import Clock
from application.ports.customer_messenger import CustomerMessenger
from application.ports.job_queue import JobQueue
from application.ports.meta_graph import MetaGraph
from application.ports.metrics import Metrics
from application.ports.otp_sender import OtpSender
from application.ports.password_hasher import PasswordHasher
from application.ports.phone_numbers import PhoneNumbers
from application.ports.rate_limiter import RateLimiter
from application.ports.text_messages import TextMessageSender
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWorkFactory
from application.salons.manage_salon import ManageSalon, SetTier
from application.use_cases import UseCases
from application.verification.verify_phone import PhoneVerification
from application.webhooks.process import WebhookProcessor
from application.webhooks.receive import ReceiveWebhook
from application.webhooks.routing import meta_event_handlers
from domain.messaging import Channel
from domain.meta import MetaMode
from entrypoints.meta_sandbox import create_sandbox_app
from entrypoints.settings import Settings
from entrypoints.texting_sandbox.app import create_texting_sandbox_app

MEMORY_URL = "memory://"
SANDBOX_MOUNT = "/_meta-sandbox"  # where `serve` mounts the built-in Meta sandbox
TEXTING_SANDBOX_MOUNT = "/_texting-sandbox"  # and the built-in SMS/WhatsApp sandbox
_SANDBOX_BASE = "http://meta-sandbox.internal"  # in-process: no socket, no port
_TEXTING_BASE = "http://texting-sandbox.internal"
REDIS_TIMEOUT_S = 1.0  # health pings must answer fast, or Redis counts as down


@dataclass
class Container:
    settings: Settings
    use_cases: UseCases
    clock: Clock
    otp_sender: OtpSender
    metrics: Metrics
    metrics_registry: CollectorRegistry  # rendered at /metrics, beside the HTTP metrics
    wakeup: Wakeup  # wakes this process's relay when work was committed
    meta_deliveries: MetaDeliveryParser  # checks and splits Meta's webhook deliveries
    database: Database | None = None
    health_checks: dict[str, Callable[[], Awaitable[bool]]] = field(default_factory=dict)
    rate_limiter: RateLimiter | None = None  # None: SALONHUB_RATE_LIMITS=off
    redis: Redis | None = None  # set when SALONHUB_REDIS_URL is
    meta_graph: MetaGraph | None = None
    token_vault: TokenVault | None = None
    meta_sandbox: Litestar | None = None  # the built-in sandbox app, mounted by `serve`
    http_client: httpx.AsyncClient | None = None
    texting_sandbox: Litestar | None = None  # the built-in SMS/WhatsApp sandbox (embedded)
    text_client: httpx.AsyncClient | None = None
    job_queue: JobQueue | None = None
    relay: OutboxRelay | None = None
    jobs: JobRunner | None = None
    reminders: QueueReminders | None = None
    send_messages: SendMessages | None = None
    messenger: CustomerMessenger | None = None
    meta_sync: SyncMeta | None = None

    async def close(self) -> None:
        if self.job_queue is not None:
            await self.job_queue.drain()
        for client in (self.http_client, self.text_client):
            if client is not None:
                await client.aclose()
        if self.redis is not None:
            await self.redis.aclose()
        if self.rate_limiter is not None:
            await self.rate_limiter.close()
        if self.database is not None:
            await self.database.dispose()


def bootstrap(
    settings: Settings,
    *,
    uow: UnitOfWorkFactory | None = None,
    clock: Clock | None = None,
    otp_sender: OtpSender | None = None,
    phones: PhoneNumbers | None = None,
    hasher: PasswordHasher | None = None,
    rate_limiter: RateLimiter | None = None,
    metrics: Metrics | None = None,
    meta_graph: MetaGraph | None = None,
    token_vault: TokenVault | None = None,
    text_sender: TextMessageSender | None = None,
    messenger: CustomerMessenger | None = None,
    job_queue: JobQueue | None = None,
) -> Container:
    database: Database | None = None
    checks: dict[str, Callable[[], Awaitable[bool]]] = {}
    if uow is None:
        if settings.database_url == MEMORY_URL:
            uow = InMemoryUnitOfWorkFactory()
        else:
            database = Database.connect(settings.database_url)
            uow = database.uow_factory()
            checks["database"] = database.ping
    if "database" not in checks:
        checks["database"] = _always_ok
    redis: Redis | None = None
    if settings.redis_url is not None:
        redis = Redis.from_url(
            settings.redis_url,
            socket_timeout=REDIS_TIMEOUT_S,
            socket_connect_timeout=REDIS_TIMEOUT_S,
        )
        checks["redis"] = RedisPing(redis, timeout=REDIS_TIMEOUT_S)
    registry = CollectorRegistry()
    if metrics is None:
        metrics = PrometheusMetrics(registry)
    clock = clock or SystemClock()
    phones = phones or LibPhoneNumbers()
    hasher = hasher or ScryptPasswordHasher()
    texts, texting_sandbox, text_client = _texting(settings, text_sender)
    if otp_sender is None:
        if settings.texting.provider == "twilio" and texts is not None:
            otp_sender = TextOtpSender(texts)
        else:  # embedded: codes go to a table the demo can show
            otp_sender = SqlaOtpOutbox(database) if database is not None else InMemoryOtpSender()
    # load_settings always gives keys; Settings built in code without any (tests) get a key
    # for this process only.
    vault = token_vault or AesGcmTokenVault(settings.encryption_keys or (os.urandom(32),))
    meta_app, graph, sandbox, http_client = _meta(settings, meta_graph)
    wakeup = Wakeup()
    token_checks = TokenChecks(uow, clock, graph, vault)
    meta_cleanups = MetaCleanups(uow, clock, graph, vault)
    connect_page = ConnectPage(uow, clock, graph, vault, meta_app, wakeup)
    meta_status = ConnectionStatus(uow, clock, meta_app, token_checks)
    refs = BookingRefs(settings.secret_key)
    if messenger is None:
        messenger = (
            LogCustomerMessenger()
            if settings.messaging == "log"
            else ChannelsCustomerMessenger(graph, texts)
        )
    send_messages = SendMessages(
        uow,
        clock,
        messenger,
        vault,
        Composer(refs, settings.public_url),
        text_channel=Channel(settings.texting.channel),
        lease=timedelta(seconds=settings.lease_s),
    )
    book = BookAppointment(uow, clock, phones, metrics)
    manage_booking = ManageBooking(uow, clock, metrics, refs)
    access_lost = AccessLost(uow, clock, vault, meta_cleanups)
    handlers = meta_event_handlers(uow, clock, refs, book, manage_booking, access_lost)
    webhook_events = WebhookProcessor(
        uow, clock, handlers, lease=timedelta(seconds=settings.lease_s)
    )
    meta_sync = SyncMeta(uow, clock, graph, vault, meta_app, metrics)
    jobs = JobRunner(webhook_events, send_messages, meta_sync)
    if job_queue is None:
        job_queue = _job_queue(settings, jobs)
    use_cases = UseCases(
        sign_up=SignUp(uow, clock, hasher, phones),
        log_in=LogIn(uow, clock, hasher),
        log_out=LogOut(uow),
        authenticate=Authenticate(uow),
        salons=ManageSalon(uow, clock),
        set_tier=SetTier(uow, clock),
        services=ManageServices(uow, clock),
        staff=ManageStaff(uow, clock),
        browse=Browse(uow, clock, metrics),
        book=book,
        manage_booking=manage_booking,
        salon_bookings=SalonBookings(uow, clock, phones, metrics),
        phone_verification=PhoneVerification(uow, clock, phones, otp_sender, settings.secret_key),
        audit=AuditQuery(uow),
        meta_login=MetaLogin(
            uow, clock, graph, vault, meta_app, StateSigner(settings.secret_key), connect_page
        ),
        meta_select_page=SelectPage(uow, graph, vault, meta_app, connect_page, meta_status),
        meta_status=meta_status,
        meta_sync_now=SyncNow(uow, clock, wakeup),
        meta_disconnect=Disconnect(uow, clock, vault, meta_app, meta_cleanups),
        meta_privacy=MetaPrivacy(uow, clock, meta_app),
        meta_cleanups=meta_cleanups,
        meta_token_checks=token_checks,
        rotate_token_keys=RotateTokenKeys(uow, vault),
        webhooks=ReceiveWebhook(uow, clock, wakeup, verify_token=settings.meta.verify_token),
        webhook_events=webhook_events,
        messaging=MessagingViews(uow, clock, refs, manage_booking),
        customer_data_rights=CustomerDataRights(uow, clock),
        analytics=SalonAnalytics(uow, clock),
    )
    return Container(
        settings=settings,
        use_cases=use_cases,
        clock=clock,
        otp_sender=otp_sender,
        metrics=metrics,
        metrics_registry=registry,
        wakeup=wakeup,
        meta_deliveries=MetaDeliveryParser(settings.meta.app_secret),
        database=database,
        health_checks=checks,
        rate_limiter=rate_limiter or _rate_limiter(settings),
        redis=redis,
        meta_graph=graph,
        token_vault=vault,
        meta_sandbox=sandbox,
        http_client=http_client,
        texting_sandbox=texting_sandbox,
        text_client=text_client,
        job_queue=job_queue,
        relay=OutboxRelay(
            webhook_events,
            send_messages,
            job_queue,
            meta_sync=meta_sync,
            webhooks_in_batches=settings.workers == "inprocess",
        ),
        jobs=jobs,
        reminders=QueueReminders(uow, clock),
        send_messages=send_messages,
        messenger=messenger,
        meta_sync=meta_sync,
    )


def _meta(
    settings: Settings, graph: MetaGraph | None
) -> tuple[MetaApp, MetaGraph, Litestar | None, httpx.AsyncClient | None]:
    """Our Meta app, the Graph adapter, and (embedded default) the built-in sandbox.

    The built-in sandbox serves the login dialog to browsers at PUBLIC_URL/_meta-sandbox and
    answers the Graph adapter in process (httpx's ASGI transport), so both see one sandbox.
    """
    meta = settings.meta
    sandbox: Litestar | None = None
    if meta.builtin_sandbox:
        sandbox = create_sandbox_app(app_id=meta.app_id, app_secret=meta.app_secret)
    app = MetaApp(
        app_id=meta.app_id,
        app_secret=meta.app_secret,
        mode=MetaMode(meta.mode),
        dialog_url=meta.dialog_url or f"{settings.public_url}{SANDBOX_MOUNT}",
        version=meta.api_version,
        public_url=settings.public_url,
        configured=meta.configured,
    )
    if graph is not None:
        return app, graph, sandbox, None
    timeout = httpx.Timeout(meta.timeout_s, connect=min(meta.timeout_s, 5.0))
    if sandbox is not None:
        asgi = httpx.ASGITransport(app=sandbox)  # type: ignore[arg-type]  # Litestar is ASGI
        client = httpx.AsyncClient(transport=asgi, timeout=timeout)
    else:
        client = httpx.AsyncClient(timeout=timeout)
    graph = HttpxMetaGraph(
        client,
        base_url=meta.graph_url or _SANDBOX_BASE,
        app_id=meta.app_id,
        app_secret=meta.app_secret,
        version=meta.api_version,
        timeout=meta.timeout_s,
    )
    return app, graph, sandbox, client


def _texting(
    settings: Settings, sender: TextMessageSender | None
) -> tuple[TextMessageSender | None, Litestar | None, httpx.AsyncClient | None]:
    """The WhatsApp/SMS sender: the built-in texting sandbox (in process, like the Meta
    one), a Twilio-style API, or none."""
    texting = settings.texting
    if sender is not None or texting.provider == "off":
        return sender, None, None
    sandbox: Litestar | None = None
    if texting.provider == "sandbox":
        sandbox = create_texting_sandbox_app()
        asgi = httpx.ASGITransport(app=sandbox)  # type: ignore[arg-type]  # Litestar is ASGI
        client = httpx.AsyncClient(transport=asgi, timeout=10.0)
        base = _TEXTING_BASE
    else:
        client = httpx.AsyncClient(timeout=httpx.Timeout(10.0, connect=5.0))
        base = texting.base_url or "https://api.twilio.com"
    sender = TwilioTextMessageSender(
        client,
        base_url=base,
        account_sid=texting.account_sid,
        auth_token=texting.auth_token,
        sms_from=texting.sms_from,
        whatsapp_from=texting.whatsapp_from,
    )
    return sender, sandbox, client


def _job_queue(settings: Settings, jobs: JobRunner) -> JobQueue:
    """Dramatiq on Redis (`salonhub worker` runs the jobs), or this process's own loop."""
    if settings.workers == "dramatiq":
        from entrypoints.broker import job_queue_on_redis

        return job_queue_on_redis(settings)
    return InProcessJobQueue(jobs.run)


def _rate_limiter(settings: Settings) -> RateLimiter | None:
    """Shared through Redis when configured (fails open if it is down), else this process only."""
    if not settings.rate_limits:
        return None
    if settings.redis_url is None:
        return InMemoryRateLimiter()
    return RedisRateLimiter(
        settings.redis_url, prefix=settings.rate_limit_prefix, timeout=settings.rate_limit_timeout_s
    )


async def _always_ok() -> bool:
    return True
