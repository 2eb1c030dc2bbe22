"""Contract: MetaDeletionRepository — data-deletion requests by confirmation code."""

from __future__ import annotations

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.meta import DataDeletionRequest

from .builders import IST, at


async def test_deletion_request_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    done = DataDeletionRequest("code-1", "a" * 64, "completed", 2, at(0).astimezone(IST), at(1))
    open_ = DataDeletionRequest("code-2", "b" * 64, "pending", 0, at(3), None)
    async with uow_factory(write=True) as uow:
        await uow.meta_deletions.add_deletion_request(done)
        await uow.meta_deletions.add_deletion_request(open_)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.meta_deletions.get_deletion_request("code-1") == done
        assert await uow.meta_deletions.get_deletion_request("code-2") == open_
        assert await uow.meta_deletions.get_deletion_request("code-3") is None
