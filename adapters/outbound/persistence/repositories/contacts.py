"""Customers' page-scoped Messenger/Instagram ids, their consent history, assistant state."""

from __future__ import annotations

import itertools
import json
import secrets
import time
import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import RowMapping, case, delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.contact_book import ContactBook
from domain.messaging import Channel, Consent, Contact

from ..errors import guarded_write
from ..tables import customer_consents, customer_contacts
from ._sql import dialect_insert

_C = customer_contacts.c
_K = customer_consents.c
_TICKS = itertools.count()


def ordered_id() -> str:
    """A UUID-shaped id that sorts after those made before it in this process, so consents
    recorded at the same instant keep the order they were recorded in."""
    stamp = time.time_ns() + next(_TICKS)  # strictly increasing, even within one tick
    return str(uuid.UUID(int=(stamp << 64) | secrets.randbits(64)))


def _state_json(state: Mapping[str, Any] | None) -> str | None:
    return None if state is None else json.dumps(dict(state), separators=(",", ":"))


def _contact(row: RowMapping) -> Contact:
    state = row["assistant_state"]
    return Contact(
        id=row["id"],
        salon_id=row["salon_id"],
        customer_id=row["customer_id"],
        platform=Channel(row["platform"]),
        page_id=row["page_id"],
        scoped_id=row["scoped_id"],
        last_inbound_at=row["last_inbound_at"],
        created_at=row["created_at"],
        assistant_state=None if state is None else json.loads(state),
        assistant_expires_at=row["assistant_expires_at"],
    )


class SqlaContactBook(ContactBook):
    """`touch` is one INSERT .. ON CONFLICT DO UPDATE on (salon, platform, scoped id): racing
    callers create one row (PostgreSQL waits on the winner's insert; SQLite's writer holds the
    lock), and the update only moves `last_inbound_at` forward and fills a missing customer."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def get(self, salon_id: str, platform: Channel, scoped_id: str) -> Contact | None:
        result = await self._conn.execute(
            select(customer_contacts).where(
                _C.salon_id == salon_id, _C.platform == platform.value, _C.scoped_id == scoped_id
            )
        )
        row = result.mappings().first()
        return None if row is None else _contact(row)

    async def touch(self, contact: Contact) -> Contact:
        insert = dialect_insert(self._conn, customer_contacts).values(
            id=contact.id,
            salon_id=contact.salon_id,
            customer_id=contact.customer_id,
            platform=contact.platform.value,
            page_id=contact.page_id,
            scoped_id=contact.scoped_id,
            last_inbound_at=contact.last_inbound_at,
            created_at=contact.created_at,
            assistant_state=_state_json(contact.assistant_state),
            assistant_expires_at=contact.assistant_expires_at,
        )
        new = insert.excluded
        statement = insert.on_conflict_do_update(
            index_elements=[_C.salon_id, _C.platform, _C.scoped_id],
            set_={
                # Never backwards; a NULL on either side keeps the other.
                "last_inbound_at": case(
                    (new.last_inbound_at.is_(None), _C.last_inbound_at),
                    (_C.last_inbound_at.is_(None), new.last_inbound_at),
                    (new.last_inbound_at > _C.last_inbound_at, new.last_inbound_at),
                    else_=_C.last_inbound_at,
                ),
                "customer_id": func.coalesce(_C.customer_id, new.customer_id),
            },
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)
        stored = await self.get(contact.salon_id, contact.platform, contact.scoped_id)
        if stored is None:  # pragma: no cover - the row was just written
            raise RuntimeError("contact vanished after touch")
        return stored

    async def link(self, contact_id: str, customer_id: str) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(
                update(customer_contacts).where(_C.id == contact_id).values(customer_id=customer_id)
            )

    async def for_customer(self, customer_id: str) -> Sequence[Contact]:
        result = await self._conn.execute(
            select(customer_contacts)
            .where(_C.customer_id == customer_id)
            .order_by(_C.created_at, _C.id)
        )
        return [_contact(row) for row in result.mappings()]

    async def save_assistant(
        self, contact_id: str, state: Mapping[str, Any] | None, expires_at: datetime | None
    ) -> None:
        await self._conn.execute(
            update(customer_contacts)
            .where(_C.id == contact_id)
            .values(assistant_state=_state_json(state), assistant_expires_at=expires_at)
        )

    async def add_consent(self, salon_id: str, consent: Consent) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(
                customer_consents.insert().values(
                    id=ordered_id(),
                    salon_id=salon_id,
                    customer_id=consent.customer_id,
                    channel=consent.channel.value,
                    granted=consent.granted,
                    source=consent.source,
                    at=consent.at,
                )
            )

    async def consents(self, customer_id: str) -> Sequence[Consent]:
        result = await self._conn.execute(
            select(customer_consents).where(_K.customer_id == customer_id).order_by(_K.at, _K.id)
        )
        return [
            Consent(
                customer_id=row["customer_id"],
                channel=Channel(row["channel"]),
                granted=bool(row["granted"]),
                source=row["source"],
                at=row["at"],
            )
            for row in result.mappings()
        ]

    async def forget_customer(self, customer_id: str) -> None:
        await self._conn.execute(delete(customer_consents).where(_K.customer_id == customer_id))
        await self._conn.execute(delete(customer_contacts).where(_C.customer_id == customer_id))
