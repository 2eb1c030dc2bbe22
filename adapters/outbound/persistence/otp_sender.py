"""Embedded-mode OTP delivery: instead of a text, each code lands in the `otp_outbox` table (the
demo phone's inbox, read back at /api/dev/otp-outbox by the demo and the tests)."""

from __future__ import annotations

import logging
import uuid
from datetime import UTC, datetime

from sqlalchemy import insert, select

from application.ports.otp_sender import OtpSender

from .database import Database
from .tables import otp_outbox

logger = logging.getLogger(__name__)


def mask_phone(phone: str) -> str:
    """'+919876543210' -> '+91********10': enough to tell numbers apart in a log, no more."""
    if len(phone) <= 5:
        return "*" * len(phone)
    return phone[:3] + "*" * (len(phone) - 5) + phone[-2:]


class SqlaOtpSender(OtpSender):
    """Stores each code in `otp_outbox` (its own short transaction) instead of sending an SMS.

    The log line names a masked phone only, never the code.
    """

    def __init__(self, database: Database) -> None:
        self._database = database

    async def send(self, salon_id: str, phone: str, code: str) -> None:
        async with self._database.engine(write=True).begin() as connection:
            await connection.execute(
                insert(otp_outbox).values(
                    id=str(uuid.uuid4()),
                    salon_id=salon_id,
                    phone=phone,
                    code=code,
                    created_at=datetime.now(UTC),
                )
            )
        logger.info("otp for %s", mask_phone(phone))

    async def recent(
        self, salon_id: str, phone: str | None = None, limit: int = 20
    ) -> list[dict[str, str]]:
        """The latest codes sent for a salon (optionally one phone), newest first."""
        query = select(otp_outbox.c.phone, otp_outbox.c.code, otp_outbox.c.created_at).where(
            otp_outbox.c.salon_id == salon_id
        )
        if phone is not None:
            query = query.where(otp_outbox.c.phone == phone)
        query = query.order_by(otp_outbox.c.created_at.desc(), otp_outbox.c.id.desc()).limit(limit)
        async with self._database.engine().connect() as connection:
            result = await connection.execute(query)
            return [
                {"phone": row_phone, "code": code, "created_at": created_at.isoformat()}
                for row_phone, code, created_at in result
            ]
