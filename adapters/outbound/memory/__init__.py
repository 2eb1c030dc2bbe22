"""In-memory fakes of every port, for unit tests and contract tests."""

from .unit_of_work import InMemoryUnitOfWork, InMemoryUnitOfWorkFactory

__all__ = ["InMemoryUnitOfWork", "InMemoryUnitOfWorkFactory"]
