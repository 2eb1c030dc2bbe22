"""The in-memory OtpRepository: one-time-password challenges, grants and deliveries.

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from datetime import datetime

from application.ports.otp_repository import OtpRepository
from domain.otp import OtpChallenge, OtpDelivery, OtpGrant

from .store import MemoryState


class InMemoryOtpRepository(OtpRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def challenge(self, salon_id: str, phone: str) -> OtpChallenge | None:
        return self._s.challenges.get((salon_id, phone))

    async def save_challenge(self, challenge: OtpChallenge) -> None:
        self._s.challenges[(challenge.salon_id, challenge.phone)] = challenge

    async def add_grant(self, grant: OtpGrant) -> None:
        self._s.grants[grant.token_hash] = grant

    async def consume_grant(
        self, token_hash: str, salon_id: str, phone: str, now: datetime
    ) -> bool:
        grant = self._s.grants.get(token_hash)
        if (
            grant is None
            or grant.salon_id != salon_id
            or grant.phone != phone
            or grant.expires_at <= now
        ):
            return False
        del self._s.grants[token_hash]
        return True

    async def add_delivery(self, delivery: OtpDelivery) -> None:
        self._s.otp_deliveries[delivery.id] = delivery

    async def due_deliveries(self, now: datetime, limit: int) -> list[str]:
        due = sorted((d for d in self._s.otp_deliveries.values() if d.due_at <= now), key=_order)
        return [d.id for d in due[:limit]]

    async def take_delivery(self, delivery_id: str, now: datetime) -> OtpDelivery | None:
        delivery = self._s.otp_deliveries.get(delivery_id)
        if delivery is None or delivery.due_at > now:
            return None
        del self._s.otp_deliveries[delivery_id]
        return delivery


def _order(delivery: OtpDelivery) -> tuple[datetime, str]:
    return delivery.due_at, delivery.id
