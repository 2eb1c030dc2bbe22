"""Phone verification for new customers: send a 6-digit code, check it, grant one booking.

Codes are stored as keyed hashes, live 10 minutes; 5 wrong tries lock the phone for 15 minutes.
The code is written to the OTP outbox in the challenge's transaction and texted by a worker
after commit (`send_codes.py`); the relay is woken so the text leaves at once.
"""

from __future__ import annotations

import hashlib
import hmac
import math
import secrets
from datetime import datetime

from application.jobs.wakeup import Wakeup
from application.ports.clock import Clock
from application.ports.phone_numbers import PhoneNumbers
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import hash_secret, new_id, new_secret
from application.tenancy import public_salon
from domain.errors import RateLimited, ValidationFailed
from domain.otp import CODE_TTL, GRANT_TTL, OtpChallenge, OtpDelivery, OtpGrant


def _retry_after(until: datetime, now: datetime) -> int:
    return max(1, math.ceil((until - now).total_seconds()))


class PhoneVerification:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        phones: PhoneNumbers,
        wakeup: Wakeup,
        secret_key: bytes,
    ) -> None:
        self._uow, self._clock, self._phones = uow, clock, phones
        self._wakeup, self._key = wakeup, secret_key

    def _hash(self, salon_id: str, phone: str, code: str) -> str:
        message = f"{salon_id}|{phone}|{code}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    async def start(self, salon_id: str, raw_phone: str) -> None:
        now = self._clock.now()
        code = f"{secrets.randbelow(1_000_000):06d}"
        async with self._uow(write=True) as uow:
            salon = await public_salon(uow, salon_id)
            phone = self._phones.to_e164(raw_phone, salon.country) if len(raw_phone) <= 40 else None
            if phone is None:
                raise ValidationFailed(
                    "Invalid phone number.",
                    {"phone": f"not a valid phone number for {salon.country}"},
                )
            current = await uow.otp.challenge(salon_id, phone)
            if current is not None and current.locked_until is not None and current.locked(now):
                raise RateLimited(
                    "Too many wrong codes; try again later.",
                    _retry_after(current.locked_until, now),
                )
            # Wrong tries carry over to a new code, so asking again does not reset the count.
            tries = current.failed_attempts if current is not None else 0
            await uow.otp.save_challenge(
                OtpChallenge(
                    salon_id=salon_id,
                    phone=phone,
                    code_hash=self._hash(salon_id, phone, code),
                    expires_at=now + CODE_TTL,
                    failed_attempts=tries,
                    locked_until=None,
                )
            )
            await uow.otp.add_delivery(
                OtpDelivery(
                    id=new_id(),
                    salon_id=salon_id,
                    phone=phone,
                    code=code,
                    due_at=now,
                    expires_at=now + CODE_TTL,
                )
            )
            await uow.commit()
        self._wakeup.notify()

    async def verify(self, salon_id: str, raw_phone: str, code: str) -> str:
        """An otp_token good for one booking within 30 minutes."""
        now = self._clock.now()
        wrong = ValidationFailed(
            "The code is wrong or has expired.", {"code": "wrong or expired code"}
        )
        async with self._uow(write=True) as uow:
            salon = await public_salon(uow, salon_id)
            phone = self._phones.to_e164(raw_phone, salon.country) if len(raw_phone) <= 40 else None
            if phone is None:
                raise ValidationFailed(
                    "Invalid phone number.",
                    {"phone": f"not a valid phone number for {salon.country}"},
                )
            challenge = await uow.otp.challenge(salon_id, phone)
            if challenge is None:
                raise wrong
            if challenge.locked_until is not None and challenge.locked(now):
                raise RateLimited(
                    "Too many wrong codes; try again later.",
                    _retry_after(challenge.locked_until, now),
                )
            expected = challenge.code_hash
            if now >= challenge.expires_at or not hmac.compare_digest(
                expected, self._hash(salon_id, phone, code.strip())
            ):
                await uow.otp.save_challenge(challenge.after_wrong_try(now))
                await uow.commit()
                raise wrong
            token = new_secret()
            await uow.otp.save_challenge(
                OtpChallenge(
                    salon_id=salon_id,
                    phone=phone,
                    code_hash="",
                    expires_at=now,
                    failed_attempts=0,
                    locked_until=None,
                )
            )
            await uow.otp.add_grant(
                OtpGrant(
                    token_hash=hash_secret(token),
                    salon_id=salon_id,
                    phone=phone,
                    expires_at=now + GRANT_TTL,
                )
            )
            await uow.commit()
        return token
