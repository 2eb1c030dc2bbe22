"""In-memory ContactBook over a MemoryState (the transaction's working copy)."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from application.ports.contact_book import ContactBook
from domain.errors import Conflict
from domain.messaging import Channel, Consent, Contact

from .store import MemoryState


def as_json(value: Mapping[str, Any]) -> dict[str, Any]:
    """What the SQL store gives back for a JSON column (a fresh copy, tuples become lists)."""
    loaded: dict[str, Any] = json.loads(json.dumps(dict(value)))
    return loaded


def _later(a: datetime | None, b: datetime | None) -> datetime | None:
    if a is None or b is None:
        return a if b is None else b
    return max(a, b)


class InMemoryContactBook(ContactBook):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def get(self, salon_id: str, platform: Channel, scoped_id: str) -> Contact | None:
        return next(
            (
                c
                for c in self._s.contacts.values()
                if c.salon_id == salon_id and c.platform == platform and c.scoped_id == scoped_id
            ),
            None,
        )

    async def touch(self, contact: Contact) -> Contact:
        stored = await self.get(contact.salon_id, contact.platform, contact.scoped_id)
        if stored is None:
            if contact.id in self._s.contacts:
                raise Conflict("That contact id is already stored.")
            state = contact.assistant_state
            stored = replace(contact, assistant_state=None if state is None else as_json(state))
        else:
            stored = replace(
                stored,
                last_inbound_at=_later(stored.last_inbound_at, contact.last_inbound_at),
                customer_id=stored.customer_id or contact.customer_id,
            )
        self._s.contacts[stored.id] = stored
        return stored

    async def link(self, contact_id: str, customer_id: str) -> None:
        contact = self._s.contacts.get(contact_id)
        if contact is not None:
            self._s.contacts[contact_id] = replace(contact, customer_id=customer_id)

    async def for_customer(self, customer_id: str) -> Sequence[Contact]:
        found = [c for c in self._s.contacts.values() if c.customer_id == customer_id]
        return sorted(found, key=lambda c: (c.created_at, c.id))

    async def save_assistant(
        self, contact_id: str, state: Mapping[str, Any] | None, expires_at: datetime | None
    ) -> None:
        contact = self._s.contacts.get(contact_id)
        if contact is not None:
            self._s.contacts[contact_id] = replace(
                contact,
                assistant_state=None if state is None else as_json(state),
                assistant_expires_at=expires_at,
            )

    async def add_consent(self, salon_id: str, consent: Consent) -> None:
        self._s.consents.setdefault(consent.customer_id, []).append(consent)

    async def consents(self, customer_id: str) -> Sequence[Consent]:
        # A stable sort: consents at the same instant keep the order they were added in.
        return sorted(self._s.consents.get(customer_id, []), key=lambda c: c.at)

    async def forget_customer(self, customer_id: str) -> None:
        self._s.consents.pop(customer_id, None)
        for contact_id, contact in list(self._s.contacts.items()):
            if contact.customer_id == customer_id:
                del self._s.contacts[contact_id]
