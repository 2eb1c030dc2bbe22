"""OTP challenges (one per salon and phone), single-use grants and codes waiting to be texted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.otp_repository import OtpRepository
from domain.otp import OtpChallenge, OtpDelivery, OtpGrant

from ..errors import guarded_write
from ..tables import otp_challenges, otp_deliveries, otp_grants
from ._sql import dialect_insert


class SqlaOtpRepository(OtpRepository):
    """`save_challenge` upserts; `consume_grant` and `take_delivery` are each one conditional
    DELETE (atomic)."""

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def challenge(self, salon_id: str, phone: str) -> OtpChallenge | None:
        result = await self._conn.execute(
            select(otp_challenges).where(
                otp_challenges.c.salon_id == salon_id, otp_challenges.c.phone == phone
            )
        )
        row = result.mappings().first()
        if row is None:
            return None
        return OtpChallenge(
            salon_id=row["salon_id"],
            phone=row["phone"],
            code_hash=row["code_hash"],
            expires_at=row["expires_at"],
            failed_attempts=row["failed_attempts"],
            locked_until=row["locked_until"],
        )

    async def save_challenge(self, challenge: OtpChallenge) -> None:
        changes = {
            "code_hash": challenge.code_hash,
            "expires_at": challenge.expires_at,
            "failed_attempts": challenge.failed_attempts,
            "locked_until": challenge.locked_until,
        }
        statement = (
            dialect_insert(self._conn, otp_challenges)
            .values(salon_id=challenge.salon_id, phone=challenge.phone, **changes)
            .on_conflict_do_update(
                index_elements=[otp_challenges.c.salon_id, otp_challenges.c.phone], set_=changes
            )
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def add_grant(self, grant: OtpGrant) -> None:
        statement = insert(otp_grants).values(
            token_hash=grant.token_hash,
            salon_id=grant.salon_id,
            phone=grant.phone,
            expires_at=grant.expires_at,
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def consume_grant(
        self, token_hash: str, salon_id: str, phone: str, now: datetime
    ) -> bool:
        result = await self._conn.execute(
            delete(otp_grants).where(
                otp_grants.c.token_hash == token_hash,
                otp_grants.c.salon_id == salon_id,
                otp_grants.c.phone == phone,
                otp_grants.c.expires_at > now,
            )
        )
        return result.rowcount == 1

    async def add_delivery(self, delivery: OtpDelivery) -> None:
        statement = insert(otp_deliveries).values(
            id=delivery.id,
            salon_id=delivery.salon_id,
            phone=delivery.phone,
            code=delivery.code,
            due_at=delivery.due_at,
            expires_at=delivery.expires_at,
            attempts=delivery.attempts,
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)

    async def due_deliveries(self, now: datetime, limit: int) -> list[str]:
        result = await self._conn.execute(
            select(otp_deliveries.c.id)
            .where(otp_deliveries.c.due_at <= now)
            .order_by(otp_deliveries.c.due_at, otp_deliveries.c.id)
            .limit(limit)
        )
        return list(result.scalars())

    async def take_delivery(self, delivery_id: str, now: datetime) -> OtpDelivery | None:
        result = await self._conn.execute(
            delete(otp_deliveries)
            .where(otp_deliveries.c.id == delivery_id, otp_deliveries.c.due_at <= now)
            .returning(*otp_deliveries.c)
        )
        row = result.mappings().first()
        return None if row is None else OtpDelivery(**row)
