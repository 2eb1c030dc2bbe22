"""What each kind of Meta event does: one handler, or a reason to ignore it, per EventKind.

The kinds and how they are recognised are the domain's table (domain/webhook_kinds.py); this is
the application's half. `WebhookProcessor` refuses a table that leaves a kind out, so a new
kind is a row there and a route here.
"""

from __future__ import annotations

from collections.abc import Mapping

from application.booking.book_appointment import BookAppointment
from application.booking.manage_booking import ManageBooking
from application.messaging.assistant import Assistant
from application.messaging.refs import BookingRefs
from application.meta.disconnect import AccessLost
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.webhooks.access import MetaAccessHandlers
from application.webhooks.appointments import MetaAppointments
from application.webhooks.conversations import Conversations
from application.webhooks.echoes import Echoes
from application.webhooks.process import Handler, ignore, unhandled
from domain.webhook_kinds import EventKind


def meta_event_handlers(
    uow: UnitOfWorkFactory,
    clock: Clock,
    refs: BookingRefs,
    book: BookAppointment,
    manage_booking: ManageBooking,
    access_lost: AccessLost,
) -> Mapping[EventKind, Handler]:
    conversations = Conversations(uow, clock, refs, Assistant(uow, clock, book, manage_booking))
    appointments = MetaAppointments(uow, clock, book, conversations, manage_booking)
    access = MetaAccessHandlers(uow, access_lost)
    return {
        EventKind.MESSAGE: conversations.message,
        EventKind.POSTBACK: conversations.postback,
        EventKind.REFERRAL: conversations.referral,
        EventKind.APPOINTMENT: appointments,
        EventKind.ECHO: Echoes(uow, clock, appointments),
        EventKind.PERMISSION_CHANGE: access.permissions,
        EventKind.APP_CHANGE: access.application,
        EventKind.READ: ignore("read receipts are not used"),
        EventKind.DELIVERY: ignore("delivery reports are not used"),
        EventKind.REACTION: ignore("reactions are not used"),
        EventKind.OPTIN: unhandled,
        EventKind.ACCOUNT_LINKING: unhandled,
        EventKind.POLICY_ENFORCEMENT: unhandled,
        EventKind.OTHER_CHANGE: unhandled,
        EventKind.UNKNOWN: ignore("not an event SalonHub knows; kept in the inbox"),
    }
