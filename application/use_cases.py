"""The registry of use cases that inbound adapters call; built by the composition root."""

from __future__ import annotations

from dataclasses import dataclass

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
from application.messaging.links import MessagingViews
from application.meta.cleanups import MetaCleanups
from application.meta.disconnect import Disconnect
from application.meta.health import TokenChecks
from application.meta.login import MetaLogin
from application.meta.page_picker import SelectPage
from application.meta.privacy import MetaPrivacy
from application.meta.rotation import RotateTokenKeys
from application.meta.status import ConnectionStatus
from application.meta.sync_now import SyncNow
from application.salons.manage_salon import ManageSalon, SetTier
from application.verification.verify_phone import PhoneVerification
from application.webhooks.process import WebhookProcessor
from application.webhooks.receive import ReceiveWebhook


@dataclass(frozen=True, slots=True)
class UseCases:
    sign_up: SignUp
    log_in: LogIn
    log_out: LogOut
    authenticate: Authenticate
    salons: ManageSalon
    set_tier: SetTier
    services: ManageServices
    staff: ManageStaff
    browse: Browse
    book: BookAppointment
    manage_booking: ManageBooking
    salon_bookings: SalonBookings
    phone_verification: PhoneVerification
    audit: AuditQuery
    meta_login: MetaLogin
    meta_select_page: SelectPage
    meta_status: ConnectionStatus
    meta_sync_now: SyncNow
    meta_disconnect: Disconnect
    meta_privacy: MetaPrivacy
    meta_cleanups: MetaCleanups
    meta_token_checks: TokenChecks
    rotate_token_keys: RotateTokenKeys
    webhooks: ReceiveWebhook
    webhook_events: WebhookProcessor
    messaging: MessagingViews
    customer_data_rights: CustomerDataRights
    analytics: SalonAnalytics
