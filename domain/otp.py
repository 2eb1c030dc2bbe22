"""One-time codes that prove a customer owns a phone number."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

CODE_TTL = timedelta(minutes=10)
GRANT_TTL = timedelta(minutes=30)
LOCK_DURATION = timedelta(minutes=15)
MAX_WRONG_TRIES = 5


@dataclass(frozen=True, slots=True)
class OtpChallenge:
    """The current code for (salon, phone): hashed, expiring, with a wrong-try counter."""

    salon_id: str
    phone: str
    code_hash: str
    expires_at: datetime
    failed_attempts: int
    locked_until: datetime | None

    def locked(self, now: datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def after_wrong_try(self, now: datetime) -> OtpChallenge:
        tries = self.failed_attempts + 1
        if tries >= MAX_WRONG_TRIES:
            return replace(
                self, failed_attempts=0, locked_until=now + LOCK_DURATION, expires_at=now
            )
        return replace(self, failed_attempts=tries)


@dataclass(frozen=True, slots=True)
class OtpGrant:
    """Proof of a verified phone, good for one booking within GRANT_TTL."""

    token_hash: str
    salon_id: str
    phone: str
    expires_at: datetime
