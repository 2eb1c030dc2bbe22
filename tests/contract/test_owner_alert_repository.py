"""Contract: OwnerAlertRepository — one alert per dedup key, newest first."""

from __future__ import annotations

from application.ports.owner_alert_repository import OwnerAlert
from application.ports.unit_of_work import UnitOfWorkFactory

from .builders import at, committed_salons, new_id


def alert(salon_id: str, minutes: int, kind: str = "meta_token_invalid") -> OwnerAlert:
    return OwnerAlert(new_id(), salon_id, kind, f"alert at {minutes}", at(minutes))


async def test_alerts_dedup_and_newest_first(uow_factory: UnitOfWorkFactory) -> None:
    a, b = await committed_salons(uow_factory, 2)
    first, dup = alert(a, 0), alert(a, 1, kind="meta_data_access_expiring")
    async with uow_factory(write=True) as uow:
        assert await uow.alerts.add_alert(first, "token:a") is True
        await uow.commit()
    async with uow_factory(write=True) as uow:
        assert await uow.alerts.add_alert(dup, "token:a") is False
        assert await uow.alerts.add_alert(alert(a, 5), "other:a") is True  # unit survives
        await uow.commit()
    later, oldest = alert(a, 9), alert(a, -9)
    async with uow_factory(write=True) as uow:
        for item in (later, oldest, alert(b, 20)):
            assert await uow.alerts.add_alert(item, item.id)
        await uow.commit()
    async with uow_factory() as uow:
        listed = await uow.alerts.alerts(a)
        assert [x.created_at for x in listed] == [at(9), at(5), at(0), at(-9)]
        assert listed[0] == later and listed[2] == first and listed[3] == oldest
        assert dup.id not in {x.id for x in listed}
        assert [x.id for x in await uow.alerts.alerts(a, limit=2)] == [later.id, listed[1].id]
        assert list(await uow.alerts.alerts(new_id())) == []
