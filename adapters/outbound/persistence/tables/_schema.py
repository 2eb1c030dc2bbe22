"""The shared MetaData (with its naming convention) every table module registers on."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy import Column, MetaData, String

NAMING_CONVENTION: Final = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

metadata = MetaData(naming_convention=NAMING_CONVENTION)


def id_column(name: str = "id", *args: Any, **kwargs: Any) -> Column[str]:
    """A UUID-string id column."""
    return Column(name, String(36), *args, **kwargs)
