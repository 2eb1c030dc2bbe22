"""Which channel a claimed message goes by, and its address there.

The choice itself is the domain's `choose_route`; this module gathers what it needs from the
unit of work (the salon's current Page and Instagram account, the customer's threads on them,
their consents, the channels Meta already refused for this message) and, once chosen, addresses
the message (a phone, or a page-scoped id with the Page token opened from the vault).
"""

from __future__ import annotations

from datetime import datetime

from application.meta.sealed import open_sealed
from application.ports.customer_messenger import Outgoing
from application.ports.token_vault import TokenVault
from application.ports.unit_of_work import UnitOfWork
from domain.booking import Customer
from domain.messaging import Channel, Contact, OutboundMessage, Route, choose_route, opted_out
from domain.meta import IntegrationStatus, MetaIntegration, token_context
from domain.salon import Salon


async def route_message(
    uow: UnitOfWork,
    message: OutboundMessage,
    now: datetime,
    *,
    salon: Salon,
    customer: Customer | None,
    integration: MetaIntegration | None,
    text_channel: Channel,
) -> Route:
    connected = integration is not None and integration.status is IntegrationStatus.ACTIVE
    # Only threads of the salon's current Page / Instagram account: PSIDs are page-scoped,
    # so ids from a Page the salon no longer has connected reach nobody.
    current = current_accounts(integration)
    contacts = [
        c
        for c in (await uow.contacts.for_customer(customer.id) if customer else [])
        if c.page_id in current
    ]
    thread = await _thread(uow, message)
    if thread is not None and thread.page_id not in current:
        thread = None
    return choose_route(
        message.purpose,
        now,
        contacts=contacts,
        opted_out=(opted_out(await uow.contacts.consents(customer.id)) if customer else set())
        | refused(message),
        market=salon.country,
        phone=customer.phone if customer else None,
        text_channel=text_channel,
        meta_connected=connected,
        thread=thread,
    )


def address(
    vault: TokenVault,
    route: Route,
    message: OutboundMessage,
    integration: MetaIntegration | None,
    phone: str | None,
    text: str,
) -> Outgoing | None:
    """None when it cannot be addressed (no phone, no thread, the Page token will not open)."""
    if route.channel in (Channel.SMS, Channel.WHATSAPP):
        return None if phone is None else Outgoing(route.channel, phone, text, message.salon_id)
    if route.channel is None or route.contact is None or integration is None:
        return None
    token = open_sealed(
        vault,
        integration.page_token_sealed,
        token_context(integration.salon_id, "page_token"),
    )
    if token is None or integration.page is None:
        return None
    return Outgoing(
        route.channel,
        route.contact.scoped_id,
        text,
        key=message.salon_id,
        page_id=integration.page.id,
        page_token=token,
    )


def current_accounts(integration: MetaIntegration | None) -> set[str]:
    if integration is None or integration.status is not IntegrationStatus.ACTIVE:
        return set()
    ids = {integration.page.id} if integration.page else set()
    if integration.instagram is not None:
        ids.add(integration.instagram.id)
    return ids


def refused(message: OutboundMessage) -> set[Channel]:
    """Channels Meta already refused for this message (tried next time: the others)."""
    found: set[Channel] = set()
    for value in message.details.get("refused") or []:
        try:
            found.add(Channel(value))
        except ValueError:
            continue
    return found


async def _thread(uow: UnitOfWork, message: OutboundMessage) -> Contact | None:
    platform, scoped_id = message.details.get("platform"), message.details.get("scoped_id")
    if not isinstance(platform, str) or not isinstance(scoped_id, str):
        return None
    try:
        channel = Channel(platform)
    except ValueError:
        return None
    found = await uow.contacts.get(message.salon_id, channel, scoped_id)
    return found if found is not None and found.id == message.details.get("thread") else None
