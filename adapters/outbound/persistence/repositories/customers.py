"""Customers of a salon, unique by (salon_id, phone) when they have a phone."""

from __future__ import annotations

from typing import Any

from sqlalchemy import RowMapping, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from application.ports.customer_repository import CustomerRepository
from domain.booking import Customer

from ..errors import guarded_write
from ..tables import customers
from ._sql import dialect_insert


def _customer(row: RowMapping) -> Customer:
    return Customer(
        id=row["id"],
        salon_id=row["salon_id"],
        name=row["name"],
        phone=row["phone"],
        email=row["email"],
        erased_at=row["erased_at"],
    )


def _values(customer: Customer) -> dict[str, Any]:
    return {
        "id": customer.id,
        "salon_id": customer.salon_id,
        "name": customer.name,
        "phone": customer.phone,
        "email": customer.email,
        "erased_at": customer.erased_at,
    }


class SqlaCustomerRepository(CustomerRepository):
    """`get_or_add` inserts with ON CONFLICT DO NOTHING, then reads the row that won.

    Phones are unique per salon, and NULLs are distinct on both backends: any number of
    phone-less customers (known by a Messenger/Instagram id) may share a salon.
    """

    def __init__(self, connection: AsyncConnection) -> None:
        self._conn = connection

    async def get(self, customer_id: str) -> Customer | None:
        result = await self._conn.execute(select(customers).where(customers.c.id == customer_id))
        row = result.mappings().first()
        return None if row is None else _customer(row)

    async def get_by_phone(self, salon_id: str, phone: str) -> Customer | None:
        result = await self._conn.execute(
            select(customers).where(customers.c.salon_id == salon_id, customers.c.phone == phone)
        )
        row = result.mappings().first()
        return None if row is None else _customer(row)

    async def get_or_add(self, customer: Customer) -> Customer:
        if customer.phone is None:
            raise ValueError("get_or_add finds customers by phone; add() one without a phone")
        statement = (
            dialect_insert(self._conn, customers)
            .values(_values(customer))
            .on_conflict_do_nothing(index_elements=[customers.c.salon_id, customers.c.phone])
        )
        async with guarded_write(self._conn):
            await self._conn.execute(statement)
        stored = await self.get_by_phone(customer.salon_id, customer.phone)
        if stored is None:  # pragma: no cover - the row was just inserted or already there
            raise RuntimeError("customer vanished after get_or_add")
        return stored

    async def add(self, customer: Customer) -> None:
        async with guarded_write(self._conn):
            await self._conn.execute(customers.insert().values(_values(customer)))

    async def update(self, customer: Customer) -> None:
        values = _values(customer)
        del values["id"], values["salon_id"]
        statement = update(customers).where(customers.c.id == customer.id).values(values)
        async with guarded_write(self._conn):
            await self._conn.execute(statement)
