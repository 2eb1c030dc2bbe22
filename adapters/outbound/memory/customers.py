"""The in-memory CustomerRepository: customers.

It works on a MemoryState, the transaction's working copy.
"""

from __future__ import annotations

from application.ports.customer_repository import CustomerRepository
from domain.booking import Customer
from domain.errors import Conflict

from .store import MemoryState


class InMemoryCustomerRepository(CustomerRepository):
    def __init__(self, state: MemoryState) -> None:
        self._s = state

    async def get(self, customer_id: str) -> Customer | None:
        return self._s.customers.get(customer_id)

    async def get_by_phone(self, salon_id: str, phone: str) -> Customer | None:
        return next(
            (c for c in self._s.customers.values() if c.salon_id == salon_id and c.phone == phone),
            None,
        )

    async def get_or_add(self, customer: Customer) -> Customer:
        if customer.phone is None:
            raise ValueError("get_or_add finds customers by phone; add() one without a phone")
        existing = await self.get_by_phone(customer.salon_id, customer.phone)
        if existing is not None:
            return existing
        self._s.customers[customer.id] = customer
        return customer

    async def add(self, customer: Customer) -> None:
        if customer.id in self._s.customers:
            raise Conflict("That customer is already stored.")
        self._check_phone(customer)
        self._s.customers[customer.id] = customer

    async def update(self, customer: Customer) -> None:
        self._check_phone(customer)
        self._s.customers[customer.id] = customer

    def _check_phone(self, customer: Customer) -> None:
        if customer.phone is None:  # any number of phone-less customers
            return
        clash = next(
            (
                c
                for c in self._s.customers.values()
                if c.salon_id == customer.salon_id and c.phone == customer.phone
            ),
            None,
        )
        if clash is not None and clash.id != customer.id:
            raise Conflict("Another customer of this salon has that phone.")
