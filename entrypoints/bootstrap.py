"""The one composition root: settings in, a wired object graph out.

The HTTP app, the CLI and the tests all call `bootstrap`; keyword overrides replace any adapter
(tests pass fakes). Nothing here runs at import time.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import timedelta

import httpx
from litestar import Litestar
from litestar.types import ControllerRouterHandler
from prometheus_client import CollectorRegistry
from redis.asyncio import Redis

from adapters.inbound.http.mounts import sandbox_mount
from adapters.inbound.http.rate_limits import Throttle, parse_networks
from adapters.inbound.webhooks.meta_delivery import MetaDeliveryParser
from adapters.outbound.crypto import AesGcmTokenVault
from adapters.outbound.messaging.channels import LogCustomerMessenger, RoutedCustomerMessenger
from adapters.outbound.metrics import PrometheusMetrics
from adapters.outbound.persistence.database import Database
from adapters.outbound.system.clock import SystemClock
from adapters.outbound.system.password_hasher import ScryptPasswordHasher
from adapters.outbound.system.phone_numbers import LibPhoneNumbers
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
from application.verification.send_codes import SendOtpCodes
from application.verification.verify_phone import PhoneVerification
from application.webhooks.process import WebhookProcessor
from application.webhooks.receive import ReceiveWebhook
from application.webhooks.routing import meta_event_handlers
from domain.messaging import Channel
from entrypoints import infrastructure, partners
from entrypoints.infrastructure import MEMORY_URL as MEMORY_URL  # re-exported for callers
from entrypoints.infrastructure import HealthCheck
from entrypoints.partners import SANDBOX_MOUNT, TEXTING_SANDBOX_MOUNT
from entrypoints.settings import Settings


@dataclass
class Container:
    """Everything a process needs, built once by `bootstrap`; `async with` closes it (drains
    the job queue, then closes clients, Redis, the limiter and the database)."""

    settings: Settings
    use_cases: UseCases
    clock: Clock
    otp_sender: OtpSender
    metrics: Metrics
    metrics_registry: CollectorRegistry  # rendered at /metrics, beside the HTTP metrics
    wakeup: Wakeup  # wakes this process's relay when work was committed
    meta_deliveries: MetaDeliveryParser  # checks and splits Meta's webhook deliveries
    meta_graph: MetaGraph
    token_vault: TokenVault
    job_queue: JobQueue
    relay: OutboxRelay
    jobs: JobRunner
    reminders: QueueReminders
    send_messages: SendMessages
    messenger: CustomerMessenger
    meta_sync: SyncMeta
    throttle: Throttle  # the HTTP rate limits over `rate_limiter`
    http_handlers: list[ControllerRouterHandler]  # embedded extras: sandboxes, the OTP outbox
    database: Database | None = None  # None: in memory
    health_checks: dict[str, HealthCheck] = field(default_factory=dict)
    rate_limiter: RateLimiter | None = None  # None: SALONHUB_RATE_LIMITS=off
    redis: Redis | None = None  # set when SALONHUB_REDIS_URL is
    meta_sandbox: Litestar | None = None  # the built-in sandbox app, mounted by `serve`
    texting_sandbox: Litestar | None = None  # the built-in SMS/WhatsApp sandbox (embedded)
    clients: tuple[httpx.AsyncClient, ...] = ()  # the partners' HTTP clients we made

    async def __aenter__(self) -> Container:
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def close(self) -> None:
        await self.job_queue.drain()
        for client in self.clients:
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
    stored = infrastructure.storage(settings, uow)
    uow = stored.uow
    registry = CollectorRegistry()
    if metrics is None:
        metrics = PrometheusMetrics(registry)
    clock = clock or SystemClock()
    phones = phones or LibPhoneNumbers()
    hasher = hasher or ScryptPasswordHasher()
    texting = partners.text_sender(settings, text_sender)
    handlers: list[ControllerRouterHandler] = []
    if otp_sender is None:
        otp_sender, handlers = infrastructure.otp_sender(settings, stored.database, texting.adapter)
    # load_settings always gives keys; Settings built in code without any (tests) get a key
    # for this process only.
    vault = token_vault or AesGcmTokenVault(settings.encryption_keys or (os.urandom(32),))
    meta_app = partners.meta_app(settings)
    meta = partners.meta_graph(settings, meta_graph)
    graph = meta.adapter
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
            else RoutedCustomerMessenger(graph, texting.adapter)
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
    event_handlers = meta_event_handlers(uow, clock, refs, book, manage_booking, access_lost)
    webhook_events = WebhookProcessor(
        uow, clock, event_handlers, lease=timedelta(seconds=settings.lease_s)
    )
    meta_sync = SyncMeta(uow, clock, graph, vault, meta_app, metrics)
    otp_codes = SendOtpCodes(uow, clock, otp_sender)
    jobs = JobRunner(webhook_events, send_messages, meta_sync, otp_codes)
    if job_queue is None:
        job_queue = infrastructure.job_queue(settings, jobs)
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
        phone_verification=PhoneVerification(uow, clock, phones, wakeup, settings.secret_key),
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
    limiter = rate_limiter or infrastructure.rate_limiter(settings)
    for path, sandbox in ((SANDBOX_MOUNT, meta.sandbox), (TEXTING_SANDBOX_MOUNT, texting.sandbox)):
        if sandbox is not None:
            handlers.append(sandbox_mount(sandbox, path))
    return Container(
        settings=settings,
        use_cases=use_cases,
        clock=clock,
        otp_sender=otp_sender,
        metrics=metrics,
        metrics_registry=registry,
        wakeup=wakeup,
        meta_deliveries=MetaDeliveryParser(settings.meta.app_secret),
        meta_graph=graph,
        token_vault=vault,
        job_queue=job_queue,
        relay=OutboxRelay(
            webhook_events,
            send_messages,
            job_queue,
            meta_sync=meta_sync,
            otp_codes=otp_codes,
            webhooks_in_batches=settings.workers == "inprocess",
        ),
        jobs=jobs,
        reminders=QueueReminders(uow, clock),
        send_messages=send_messages,
        messenger=messenger,
        meta_sync=meta_sync,
        throttle=Throttle(
            limiter,
            settings.rate_limit_rules,
            trusted_proxies=parse_networks(settings.trusted_proxies),
            key_secret=settings.secret_key,
            metrics=metrics,
        ),
        http_handlers=handlers,
        database=stored.database,
        health_checks=stored.health_checks,
        rate_limiter=limiter,
        redis=stored.redis,
        meta_sandbox=meta.sandbox,
        texting_sandbox=texting.sandbox,
        clients=tuple(c for c in (meta.client, texting.client) if c is not None),
    )
