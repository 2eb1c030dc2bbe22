"""Log in with email and password; authenticate bearer tokens; log out (revoke)."""

from __future__ import annotations

from application.actor import Actor
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.unit_of_work import UnitOfWorkFactory
from application.security import hash_secret, new_secret
from domain.errors import Unauthorized


class LogIn:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher) -> None:
        self._uow, self._clock, self._hasher = uow, clock, hasher
        # Verified against when the email is unknown, so both failures cost one verify. Made
        # once, up front: hashing on the unknown-email path would make it the slower one.
        self._dummy_hash = hasher.hash("not-a-real-password")

    async def __call__(self, *, email: str, password: str) -> str:
        """A new bearer token, or Unauthorized (same answer for unknown email and bad password)."""
        async with self._uow() as uow:
            owner = await uow.accounts.owner_by_email(email.strip().lower())
        if owner is None:
            self._hasher.verify(password, self._dummy_hash)
            raise Unauthorized("Wrong email or password.")
        if not self._hasher.verify(password, owner.password_hash):
            raise Unauthorized("Wrong email or password.")
        token = new_secret()
        async with self._uow(write=True) as uow:
            await uow.accounts.add_token(hash_secret(token), owner.id, self._clock.now())
            await uow.commit()
        return token


class Authenticate:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, token: str) -> Actor:
        if not token:
            raise Unauthorized("Missing credentials.")
        async with self._uow() as uow:
            owner_id = await uow.accounts.owner_id_for_token(hash_secret(token))
        if owner_id is None:
            raise Unauthorized("Invalid or revoked token.")
        return Actor(owner_id=owner_id)


class LogOut:
    def __init__(self, uow: UnitOfWorkFactory) -> None:
        self._uow = uow

    async def __call__(self, token: str) -> None:
        async with self._uow(write=True) as uow:
            await uow.accounts.revoke_token(hash_secret(token))
            await uow.commit()
