"""Contract: CatalogRepository — services and staff, creation order, active filters."""

from __future__ import annotations

from dataclasses import replace

from application.ports.unit_of_work import UnitOfWorkFactory
from domain.catalog import Service, Staff
from domain.salon import Location

from .builders import add_salon, make_service, make_staff, new_id


async def add_services(uow_factory: UnitOfWorkFactory, *services: Service) -> None:
    async with uow_factory(write=True) as uow:
        for service in services:
            await uow.catalog.add_service(service)
        await uow.commit()


async def add_staff(uow_factory: UnitOfWorkFactory, *members: Staff) -> None:
    async with uow_factory(write=True) as uow:
        for member in members:
            await uow.catalog.add_staff(member)
        await uow.commit()


async def test_service_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    plain = make_service(salon.id)
    full = make_service(
        salon.id,
        name="Bridal makeup",
        duration_minutes=720,
        price_minor=10**12,
        currency="USD",
        buffer_after_minutes=240,
        description="Everything, twice.",
        active=False,
        category="Bridal",
    )
    await add_services(uow_factory, plain, full)
    async with uow_factory() as uow:
        assert await uow.catalog.get_service(plain.id) == plain
        assert await uow.catalog.get_service(full.id) == full
        assert await uow.catalog.get_service(new_id()) is None


async def test_services_list_in_creation_order_with_active_filter(
    uow_factory: UnitOfWorkFactory,
) -> None:
    salon = await add_salon(uow_factory)
    other = await add_salon(uow_factory)
    names = ["Cut", "Colour", "Blow-dry", "Shave", "Nails"]
    made = [make_service(salon.id, name=name) for name in names]
    made[1] = replace(made[1], active=False)
    await add_services(uow_factory, made[0], made[1])
    await add_services(uow_factory, make_service(other.id), made[2], made[3])
    await add_services(uow_factory, made[4])
    async with uow_factory() as uow:
        assert list(await uow.catalog.services(salon.id, include_inactive=True)) == made
        assert list(await uow.catalog.services(salon.id)) == [made[0], *made[2:]]
        assert list(await uow.catalog.services(new_id())) == []


async def test_update_service_keeps_its_place(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    first, second = make_service(salon.id, name="A"), make_service(salon.id, name="B")
    await add_services(uow_factory, first, second)
    changed = replace(
        first,
        name="A+",
        duration_minutes=90,
        buffer_after_minutes=10,
        description="new",
        price_minor=1,
        currency="EUR",
    )
    deactivated = replace(second, active=False)
    async with uow_factory(write=True) as uow:
        await uow.catalog.update_service(changed)
        await uow.catalog.update_service(deactivated)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.catalog.get_service(first.id) == changed
        assert list(await uow.catalog.services(salon.id, include_inactive=True)) == [
            changed,
            deactivated,
        ]
        assert list(await uow.catalog.services(salon.id)) == [changed]


async def test_staff_round_trip_keeps_service_order_and_location(
    uow_factory: UnitOfWorkFactory,
) -> None:
    salon = await add_salon(uow_factory)
    services = [make_service(salon.id, name=f"S{i}") for i in range(3)]
    await add_services(uow_factory, *services)
    location = Location(id=new_id(), salon_id=salon.id, name="Main", address=None, timezone=None)
    async with uow_factory(write=True) as uow:
        await uow.salons.add_location(location)
        await uow.commit()
    ordered = (services[2].id, services[0].id, services[1].id)
    with_location = make_staff(salon.id, ordered, location_id=location.id)
    without_services = make_staff(salon.id, (), name="Trainee", active=False)
    await add_staff(uow_factory, with_location, without_services)
    async with uow_factory() as uow:
        assert await uow.catalog.get_staff(with_location.id) == with_location
        assert await uow.catalog.get_staff(without_services.id) == without_services
        assert await uow.catalog.get_staff(new_id()) is None


async def test_update_staff_replaces_services_and_flags(uow_factory: UnitOfWorkFactory) -> None:
    salon = await add_salon(uow_factory)
    a, b, c = (make_service(salon.id, name=n) for n in "abc")
    await add_services(uow_factory, a, b, c)
    member = make_staff(salon.id, (a.id, b.id))
    await add_staff(uow_factory, member)
    changed = replace(member, name="Asha K", service_ids=(c.id, a.id), active=False)
    async with uow_factory(write=True) as uow:
        await uow.catalog.update_staff(changed)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.catalog.get_staff(member.id) == changed
    emptied = replace(changed, service_ids=(), active=True)
    async with uow_factory(write=True) as uow:
        await uow.catalog.update_staff(emptied)
        await uow.commit()
    async with uow_factory() as uow:
        assert await uow.catalog.get_staff(member.id) == emptied


async def test_staff_list_in_creation_order_with_active_filter(
    uow_factory: UnitOfWorkFactory,
) -> None:
    salon = await add_salon(uow_factory)
    other = await add_salon(uow_factory)
    service = make_service(salon.id)
    await add_services(uow_factory, service)
    made = [make_staff(salon.id, (service.id,), name=n) for n in ["Zoe", "Asha", "Mia", "Bela"]]
    made[2] = replace(made[2], active=False, service_ids=())
    await add_staff(uow_factory, made[0], made[1])
    await add_staff(uow_factory, make_staff(other.id), made[2], made[3])
    async with uow_factory(write=True) as uow:  # updating keeps the creation order
        await uow.catalog.update_staff(replace(made[0], name="Zoë"))
        await uow.commit()
    made[0] = replace(made[0], name="Zoë")
    async with uow_factory() as uow:
        assert list(await uow.catalog.staff(salon.id, include_inactive=True)) == made
        assert list(await uow.catalog.staff(salon.id)) == [made[0], made[1], made[3]]
        assert list(await uow.catalog.staff(new_id())) == []
