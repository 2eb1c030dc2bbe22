"""SQL persistence (SQLAlchemy Core on asyncpg or aiosqlite): tables, repositories, unit of
work, the database handle and Alembic migrations."""

from .database import Database
from .unit_of_work import SqlaUnitOfWork, SqlaUnitOfWorkFactory

__all__ = ["Database", "SqlaUnitOfWork", "SqlaUnitOfWorkFactory"]
