from __future__ import annotations

from typing import Protocol

from domain.booking import Customer


class CustomerRepository(Protocol):
    """Customers of a salon, unique by (salon_id, phone) when they have a phone.

    `get_or_add` is race-safe: of concurrent calls for one phone, one row is created and every
    caller gets it back (an insert that ignores the unique conflict, then a read).
    """

    async def get(self, customer_id: str) -> Customer | None: ...

    async def get_by_phone(self, salon_id: str, phone: str) -> Customer | None: ...

    async def get_or_add(self, customer: Customer) -> Customer: ...

    async def add(self, customer: Customer) -> None:
        """A customer without a phone (known by a Messenger/Instagram id)."""
        ...

    async def update(self, customer: Customer) -> None: ...
