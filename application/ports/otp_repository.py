from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.otp import OtpChallenge, OtpDelivery, OtpGrant


class OtpRepository(Protocol):
    """OTP challenges (one per salon and phone, replaced on save), single-use grants, and the
    codes waiting to be texted (the OTP outbox).

    `consume_grant` is atomic: of concurrent calls for one token, at most one returns True
    (a conditional delete, not a read-then-write). It checks salon, phone and expiry.
    `take_delivery` is atomic the same way: of concurrent calls for one id, at most one gets
    the delivery, and only once it is due; it is removed as it is taken.
    `due_deliveries` lists the ids due at `now`, oldest first.
    """

    async def challenge(self, salon_id: str, phone: str) -> OtpChallenge | None: ...

    async def save_challenge(self, challenge: OtpChallenge) -> None: ...

    async def add_grant(self, grant: OtpGrant) -> None: ...

    async def consume_grant(
        self, token_hash: str, salon_id: str, phone: str, now: datetime
    ) -> bool: ...

    async def add_delivery(self, delivery: OtpDelivery) -> None: ...

    async def due_deliveries(self, now: datetime, limit: int) -> list[str]: ...

    async def take_delivery(self, delivery_id: str, now: datetime) -> OtpDelivery | None: ...
