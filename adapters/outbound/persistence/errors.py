"""Named database constraints mapped to domain errors, in one place.

Every write that can break a constraint runs inside `guarded_write`, so no raw IntegrityError
leaves the adapter and the unit of work stays usable after the error (a savepoint is rolled
back, not the transaction).
"""

from __future__ import annotations

import logging
import re
from collections.abc import AsyncIterator, Callable, Mapping
from contextlib import asynccontextmanager
from typing import Final

from sqlalchemy import PrimaryKeyConstraint, UniqueConstraint
from sqlalchemy.exc import DBAPIError, IntegrityError
from sqlalchemy.ext.asyncio import AsyncConnection

from domain.errors import Conflict, DomainError, SlotUnavailable

from .tables import BOOKINGS_NO_OVERLAP, metadata

logger = logging.getLogger(__name__)


def _conflict(message: str) -> Callable[[], DomainError]:
    return lambda: Conflict(message)


CONSTRAINT_TO_ERROR: Final[Mapping[str, Callable[[], DomainError]]] = {
    BOOKINGS_NO_OVERLAP: lambda: SlotUnavailable("That time was just taken."),
    "uq_owners_email": _conflict("An account with that email exists."),
    "uq_salons_slug": _conflict("That salon address (slug) is taken."),
    "uq_customers_salon_id_phone": _conflict("A customer with that phone number exists."),
    "uq_bookings_manage_token_hash": _conflict("That manage token is already in use."),
    "pk_idempotency_keys": _conflict("That idempotency key is already stored."),
    "pk_auth_tokens": _conflict("That token is already stored."),
    "pk_otp_grants": _conflict("That OTP grant is already stored."),
    "pk_audit_log": _conflict("That audit entry is already recorded."),
    "uq_meta_integrations_page_id": _conflict(
        "That Facebook Page is already connected to another SalonHub salon."
    ),
    "pk_meta_integrations": _conflict("That salon's Meta integration is already stored."),
    "pk_meta_cleanups": _conflict("That Meta cleanup is already stored."),
    "pk_meta_oauth_states": _conflict("That login state is already stored."),
    "pk_meta_data_deletions": _conflict("That confirmation code is already stored."),
    "pk_owner_alerts": _conflict("That alert is already stored."),
    "uq_owner_alerts_dedup_key": _conflict("That alert was already raised."),
    "uq_bookings_salon_id_external_ref": _conflict(
        "That Facebook appointment already has a booking."
    ),
    "uq_customer_contacts_salon_id_platform_scoped_id": _conflict(
        "That Messenger/Instagram contact is already stored."
    ),
    "uq_messages_dedup_key": _conflict("That message is already queued."),
    "pk_customer_contacts": _conflict("That contact is already stored."),
    "pk_customer_consents": _conflict("That consent is already recorded."),
    "pk_messages": _conflict("That message is already stored."),
    "pk_meta_sync": _conflict("That salon's sync state is already stored."),
}
UNKNOWN_CONSTRAINT: Final = _conflict("The change conflicts with stored data.")

# SQLite names no constraint in its message, only the columns: recover the name from them.
_SQLITE_UNIQUE = re.compile(r"UNIQUE constraint failed: (.+)$")
_PG_CONSTRAINT = re.compile(r'constraint "([^"]+)"')
_PG_DEADLOCK_DETECTED = "40P01"


def _unique_names_by_columns() -> dict[tuple[str, ...], str]:
    names: dict[tuple[str, ...], str] = {}
    for table in metadata.tables.values():
        for constraint in table.constraints:
            if isinstance(constraint, UniqueConstraint | PrimaryKeyConstraint) and isinstance(
                constraint.name, str
            ):
                key = tuple(f"{table.name}.{column.name}" for column in constraint.columns)
                names[key] = constraint.name
    return names


_SQLITE_NAMES: Final = _unique_names_by_columns()


def constraint_name(error: IntegrityError) -> str | None:
    """The name of the violated constraint, when the driver tells it."""
    orig = error.orig
    for candidate in (orig, getattr(orig, "__cause__", None)):
        name = getattr(candidate, "constraint_name", None)
        if isinstance(name, str):
            return name
    message = str(orig)
    if match := _PG_CONSTRAINT.search(message):
        return match.group(1)
    if match := _SQLITE_UNIQUE.search(message.strip()):
        columns = tuple(part.strip() for part in match.group(1).split(","))
        return _SQLITE_NAMES.get(columns)
    return None


def domain_error(error: IntegrityError) -> DomainError:
    """The domain error for a constraint violation (a generic Conflict when unmapped)."""
    name = constraint_name(error)
    factory = CONSTRAINT_TO_ERROR.get(name) if name is not None else None
    if factory is None:
        logger.warning("unmapped integrity error (constraint %s): %s", name, error.orig)
        return UNKNOWN_CONSTRAINT()
    return factory()


@asynccontextmanager
async def guarded_write(connection: AsyncConnection) -> AsyncIterator[None]:
    """Run writes in a savepoint; a constraint violation becomes its domain error."""
    try:
        async with connection.begin_nested():
            yield
    except IntegrityError as exc:
        raise domain_error(exc) from exc


def _is_deadlock(error: DBAPIError) -> bool:
    orig = error.orig
    codes = {
        getattr(orig, "pgcode", None),
        getattr(getattr(orig, "__cause__", None), "sqlstate", None),
    }
    return _PG_DEADLOCK_DETECTED in codes


@asynccontextmanager
async def guarded_booking_write(connection: AsyncConnection) -> AsyncIterator[None]:
    """`guarded_write` for bookings; a deadlock is also refused as SlotUnavailable.

    The per-staff lock keeps racing booking writes from deadlocking; should an unforeseen
    cycle still involve a booking write, its only cause is a competing booking in flight, so
    the savepoint is rolled back (the unit stays usable) and the slot is reported taken.
    """
    try:
        async with guarded_write(connection):
            yield
    except DBAPIError as exc:
        if not _is_deadlock(exc):
            raise
        logger.warning("deadlock on a booking write; answered as slot unavailable")
        raise CONSTRAINT_TO_ERROR[BOOKINGS_NO_OVERLAP]() from exc
