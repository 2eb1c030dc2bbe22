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


MAX_SEND_ATTEMPTS = 3
SEND_RETRY_DELAY = timedelta(seconds=5)


@dataclass(frozen=True, slots=True)
class OtpDelivery:
    """A code waiting to be texted: written in the transaction that made its challenge and
    sent by a worker after commit (the outbox rule). Removed when taken for sending."""

    id: str
    salon_id: str
    phone: str
    code: str
    due_at: datetime
    expires_at: datetime  # the challenge's: an expired code is never sent
    attempts: int = 0

    def after_failed_send(self, now: datetime) -> OtpDelivery | None:
        """The retry after a transient failure (5 s, then 10 s), or None once it is pointless:
        attempts used up, or the code would expire before it arrives."""
        attempts = self.attempts + 1
        due = now + SEND_RETRY_DELAY * 2 ** (attempts - 1)
        if attempts >= MAX_SEND_ATTEMPTS or due >= self.expires_at:
            return None
        return replace(self, attempts=attempts, due_at=due)
