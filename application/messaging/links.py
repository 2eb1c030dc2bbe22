"""What the owner and the customer read about messaging: the salon's message log, and the
"Get my confirmation on Messenger / Instagram" links of a booking."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import quote

from application.actor import Actor
from application.booking.manage_booking import ManageBooking
from application.messaging.refs import LINK, BookingRefs
from application.ports.clock import Clock
from application.ports.unit_of_work import UnitOfWorkFactory
from application.tenancy import owned_salon
from domain.errors import NotFound
from domain.messaging import OutboundMessage
from domain.meta import IntegrationStatus

LINK_TTL = timedelta(days=7)  # the link works for a week, and never after the appointment
MAX_LIMIT = 200


@dataclass(frozen=True, slots=True)
class ConfirmationLinks:
    messenger: str | None  # https://m.me/<page id>?ref=<signed booking ref>
    instagram: str | None  # https://ig.me/m/<username>?ref=<signed booking ref>


class MessagingViews:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, refs: BookingRefs, manage: ManageBooking
    ) -> None:
        self._uow, self._clock, self._refs, self._manage = uow, clock, refs, manage

    async def log(
        self, actor: Actor, salon_id: str, limit: int = 50, booking_id: str | None = None
    ) -> Sequence[OutboundMessage]:
        async with self._uow() as uow:
            await owned_salon(uow, actor, salon_id)
            return await uow.messages.for_salon(salon_id, max(1, min(limit, MAX_LIMIT)), booking_id)

    async def confirmation_links(self, manage_token: str) -> ConfirmationLinks:
        view = await self._manage.view(manage_token)
        booking = view.booking
        if not booking.active:
            raise NotFound("This booking is not active.")
        async with self._uow() as uow:
            integration = await uow.meta.get(booking.salon_id)
        if integration is None or integration.status is not IntegrationStatus.ACTIVE:
            return ConfirmationLinks(None, None)
        expires = min(self._clock.now() + LINK_TTL, booking.start)
        ref = quote(self._refs.sign(LINK, booking.id, expires), safe="")
        page = integration.page
        username = integration.instagram.username if integration.instagram else None
        return ConfirmationLinks(
            messenger=f"https://m.me/{page.id}?ref={ref}" if page else None,
            instagram=f"https://ig.me/m/{quote(username)}?ref={ref}" if username else None,
        )
