from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any, Protocol

from domain.messaging import Channel, Consent, Contact


class ContactBook(Protocol):
    """Customers' Messenger/Instagram ids per salon, their consent history, and the
    assistant's conversation state. Part of the unit of work (transactional with it).

    `touch` is race-safe: of concurrent calls for one (salon, platform, scoped id) one row is
    created and every caller gets it back; `last_inbound_at` only ever moves forward.
    """

    async def get(self, salon_id: str, platform: Channel, scoped_id: str) -> Contact | None: ...

    async def touch(self, contact: Contact) -> Contact:
        """Insert the contact, or move its `last_inbound_at` forward; returns the stored row."""
        ...

    async def link(self, contact_id: str, customer_id: str) -> None: ...

    async def for_customer(self, customer_id: str) -> Sequence[Contact]: ...

    async def save_assistant(
        self, contact_id: str, state: Mapping[str, Any] | None, expires_at: datetime | None
    ) -> None: ...

    async def add_consent(self, salon_id: str, consent: Consent) -> None: ...

    async def consents(self, customer_id: str) -> Sequence[Consent]:
        """The customer's consent history, oldest first."""
        ...

    async def forget_customer(self, customer_id: str) -> None:
        """Erasure: the customer's contacts (and so their Meta ids) and consent rows go."""
        ...
