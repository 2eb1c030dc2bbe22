"""Small helpers shared by the repositories."""

from __future__ import annotations

from sqlalchemy import Table, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.selectable import ScalarSelect


def dialect_insert(connection: AsyncConnection, table: Table) -> postgresql.Insert | sqlite.Insert:
    """An INSERT that supports ON CONFLICT on the connection's backend."""
    if connection.dialect.name == "postgresql":
        return postgresql.insert(table)
    return sqlite.insert(table)


def next_position(table: Table, scope: ColumnElement[bool]) -> ScalarSelect[int]:
    """1 + the highest `position` among rows matching `scope` (creation order)."""
    return select(func.coalesce(func.max(table.c.position), 0) + 1).where(scope).scalar_subquery()
