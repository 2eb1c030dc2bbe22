"""Log-in failures look the same from outside: same answer, same work."""

from __future__ import annotations

import pytest

from adapters.outbound.memory import InMemoryUnitOfWorkFactory
from adapters.outbound.memory.clock import FixedClock
from adapters.outbound.system.password_hasher import ScryptPasswordHasher
from adapters.outbound.system.phone_numbers import LibPhoneNumbers
from application.accounts.log_in import LogIn
from application.accounts.sign_up import SignUp
from domain.errors import Unauthorized


class CountingHasher(ScryptPasswordHasher):
    """The real hasher (cheap parameters), counting what it is asked to do."""

    def __init__(self) -> None:
        super().__init__(n=2**4)
        self.hashes = self.verifies = 0

    def hash(self, password: str) -> str:
        self.hashes += 1
        return super().hash(password)

    def verify(self, password: str, password_hash: str) -> bool:
        self.verifies += 1
        return super().verify(password, password_hash)


async def test_unknown_email_and_wrong_password_cost_one_verify_each() -> None:
    uow, clock, hasher = InMemoryUnitOfWorkFactory(), FixedClock(), CountingHasher()
    await SignUp(uow, clock, hasher, LibPhoneNumbers())(
        email="o@example.com", password="0123456789", salon_name="S", timezone="UTC"
    )
    log_in = LogIn(uow, clock, hasher)
    for email, password in (("nobody@example.com", "0123456789"), ("o@example.com", "wrong!")):
        before = (hasher.hashes, hasher.verifies)
        with pytest.raises(Unauthorized) as refused:
            await log_in(email=email, password=password)
        assert refused.value.message == "Wrong email or password."
        assert (hasher.hashes, hasher.verifies) == (before[0], before[1] + 1)
    assert await log_in(email=" O@Example.com ", password="0123456789")
