"""Racing clients against two server processes sharing one database: never a double booking."""

from __future__ import annotations

import asyncio
import itertools
from collections import Counter
from datetime import datetime

import httpx

from .servers import SalonFixture, booking_body, make_salon


async def _race(servers: list[str], bodies: list[dict[str, object]]) -> list[httpx.Response]:
    """Fire every body at once, alternating between the server processes."""
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=0)
    clients = [httpx.AsyncClient(base_url=u, timeout=60, limits=limits) for u in servers]
    try:
        targets = itertools.cycle(clients)
        return await asyncio.gather(
            *(next(targets).post("/api/book/social/create", json=b) for b in bodies)
        )
    finally:
        for c in clients:
            await c.aclose()


def _active(client: httpx.Client, s: SalonFixture) -> list[dict[str, object]]:
    items = client.get(f"/api/salons/{s.salon_id}/bookings", headers=s.auth).json()["items"]
    return [b for b in items if b["status"] in ("pending", "confirmed")]


def _no_overlaps(bookings: list[dict[str, object]]) -> None:
    """Occupied intervals ([start, end + 15 min buffer)) of one staff member never overlap."""
    by_staff: dict[object, list[tuple[datetime, datetime]]] = {}
    for b in bookings:
        start = datetime.fromisoformat(str(b["start"]))
        end = datetime.fromisoformat(str(b["end"]))
        by_staff.setdefault(b["staff_id"], []).append((start, end))
    for spans in by_staff.values():
        spans.sort()
        for (_, end), (nxt, _) in itertools.pairwise(spans):
            assert end <= nxt


def test_sixty_clients_race_for_one_slot_and_exactly_three_win(
    client: httpx.Client, servers: list[str]
) -> None:
    s = make_salon(client, staff=3)
    start = s.at("11:00")
    bodies = [booking_body(s, start, phone=f"98765{n:05d}") for n in range(60)]
    responses = asyncio.run(_race(servers, bodies))
    statuses = Counter(r.status_code for r in responses)
    assert statuses == {201: 3, 409: 57}, statuses
    assert all(
        r.json()["error"]["code"] == "slot_unavailable" for r in responses if r.status_code == 409
    )
    winners = [r.json()["booking"] for r in responses if r.status_code == 201]
    assert sorted(str(b["staff_id"]) for b in winners) == s.staff
    active = _active(client, s)
    assert len(active) == 3
    _no_overlaps(active)


def test_overlapping_starts_for_one_staff_member_never_double_book(
    client: httpx.Client, servers: list[str]
) -> None:
    s = make_salon(client, staff=1)
    # 60 min + 15 min buffer; starts every 15 min from 10:00 to 12:45 all overlap their neighbours.
    starts = [s.at(f"{10 + m // 60}:{m % 60:02d}") for m in range(0, 180, 15)]
    bodies = [
        booking_body(s, starts[n % len(starts)], phone=f"98766{n:05d}", staff_id=s.staff[0])
        for n in range(60)
    ]
    responses = asyncio.run(_race(servers, bodies))
    assert all(r.status_code in (201, 409) for r in responses), Counter(
        r.status_code for r in responses
    )
    active = _active(client, s)
    assert len(active) == sum(r.status_code == 201 for r in responses) >= 1
    _no_overlaps(active)


def test_racing_idempotent_retries_make_one_booking(
    client: httpx.Client, servers: list[str]
) -> None:
    s = make_salon(client, staff=3)
    body = booking_body(s, s.at("15:00"))

    async def go() -> list[httpx.Response]:
        async with httpx.AsyncClient(timeout=60) as c:
            return await asyncio.gather(
                *(
                    c.post(
                        f"{servers[n % 2]}/api/book/social/create",
                        json=body,
                        headers={"Idempotency-Key": "race-key"},
                    )
                    for n in range(20)
                )
            )

    responses = asyncio.run(go())
    assert {r.status_code for r in responses} == {201}
    assert len({r.json()["booking"]["id"] for r in responses}) == 1
    assert len(_active(client, s)) == 1
