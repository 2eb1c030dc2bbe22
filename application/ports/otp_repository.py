from __future__ import annotations

from datetime import datetime
from typing import Protocol

from domain.otp import OtpChallenge, OtpGrant


class OtpRepository(Protocol):
    """OTP challenges (one per salon and phone, replaced on save) and single-use grants.

    `consume_grant` is atomic: of concurrent calls for one token, at most one returns True
    (a conditional delete, not a read-then-write). It checks salon, phone and expiry.
    """

    async def challenge(self, salon_id: str, phone: str) -> OtpChallenge | None: ...

    async def save_challenge(self, challenge: OtpChallenge) -> None: ...

    async def add_grant(self, grant: OtpGrant) -> None: ...

    async def consume_grant(
        self, token_hash: str, salon_id: str, phone: str, now: datetime
    ) -> bool: ...
