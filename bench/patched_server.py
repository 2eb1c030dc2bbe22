"""`salonhub serve` with candidate optimizations monkeypatched in, to measure what they would gain.

Nothing in the application is edited: this process imports the application, replaces a few
functions in memory, then runs the unchanged CLI (`entrypoints.cli.main(["serve", ...])`).
Each patch keeps the observable behaviour identical (bench/experiments.py checks that on the
seeded salon). Which patches: env `BENCH_PATCHES` (comma list, default "all"):

  grid          domain/availability.py `_grid`: memoize the day's grid per (date, zone, step)
                (lru_cache; the grid depends on nothing else). Returned as a tuple.
  alternatives  application/booking/slots.py `alternatives`: search outward from the asked day
                (that day, then +-1, +-3, +-7 days) and stop as soon as the 5 nearest are proven
                nearest, instead of computing all 15 days for every 409.
  place         application/booking/placing.py `place`: after a refused attempt, re-read which of
                the remaining candidates are now occupied at that time (one query) and skip them,
                instead of trying (lock + insert + rollback) every one in turn.
  sqlite_pool   adapters/outbound/persistence/database.py `Database.connect`: SQLite reader pool
                of 2 (+2 overflow) instead of 10 (+10): fewer aiosqlite threads fighting the
                event loop for the GIL and the core.
  present       adapters/inbound/http/presenters.py `local`: memoize instant -> offset string
                (grid instants repeat across requests and services).
  cache         NOT a correct change, an upper bound: `Browse.availability` answers are kept
                30 s per (salon, service, date, days, staff) with no invalidation, and
                `presenters.slots` output is kept with them. Measures what a cache hit costs
                (a real cache needs invalidation on writes: see bench/README.md).

"all" = grid, alternatives, place, present (the behaviour-preserving ones).

    BENCH_PATCHES=grid,alternatives .venv/bin/python bench/patched_server.py serve --port 8001
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

ALL = ("grid", "alternatives", "place", "present")


def patch_grid() -> None:
    import domain.availability as availability

    original = availability._grid

    @functools.lru_cache(maxsize=16384)
    def cached(day: date, tz: ZoneInfo, step_minutes: int) -> tuple[datetime, ...]:
        return tuple(original(day, tz, step_minutes))

    availability._grid = cached  # type: ignore[assignment]


def outward_alternatives() -> Callable[..., Any]:
    from application.booking import slots as slot_module
    from domain.availability import nearest

    async def alternatives(
        uow: Any,
        salon: Any,
        occupancy: Any,
        staff_ids: Sequence[str],
        target: datetime,
        now: datetime,
        exclude_booking_id: str | None = None,
    ) -> list[Any]:
        zone = salon.zone
        span = slot_module.ALTERNATIVES_SEARCH_DAYS
        today = now.astimezone(zone).date()
        target_day = target.astimezone(zone).date()
        first = max(target_day - timedelta(days=span), today)
        last_allowed = (now + timedelta(days=salon.policy.horizon_days)).astimezone(zone).date()
        last = min(target_day + timedelta(days=span), last_allowed)
        if last < first:
            first, last = today, min(today + timedelta(days=span), last_allowed)
        center = min(max(target_day, first), last)
        limit = slot_module.MAX_ALTERNATIVES
        for k in (0, 1, 3, span):
            lo = max(first, center - timedelta(days=k))
            hi = min(last, center + timedelta(days=k))
            found = await slot_module.offered_slots(
                uow, salon, occupancy, staff_ids, lo, (hi - lo).days + 1, now, exclude_booking_id
            )
            best = nearest(found, target, limit)
            if lo == first and hi == last:
                return best
            if len(best) == limit:
                # Slots outside [lo, hi] start before lo's local midnight or at/after the local
                # midnight ending hi: if the 5th nearest is strictly closer than both edges,
                # nothing outside can displace it (ties cannot occur either).
                edge_lo = datetime.combine(lo, datetime.min.time(), tzinfo=zone)
                edge_hi = datetime.combine(hi + timedelta(days=1), datetime.min.time(), tzinfo=zone)
                worst = abs(best[-1].start - target)
                lo_ok = lo == first or worst < target - edge_lo
                hi_ok = hi == last or worst < edge_hi - target
                if lo_ok and hi_ok:
                    return best
        raise AssertionError("unreachable: the last window is the whole range")

    return alternatives


def patch_alternatives() -> None:
    import application.booking.book_appointment as book
    import application.booking.manage_booking as manage
    import application.booking.salon_bookings as salon_bookings
    import application.booking.slots as slot_module

    patched = outward_alternatives()
    for module in (slot_module, book, manage, salon_bookings):
        if hasattr(module, "alternatives"):
            module.alternatives = patched  # type: ignore[attr-defined]


def patch_place() -> None:
    import application.booking.book_appointment as book
    import application.booking.manage_booking as manage
    import application.booking.placing as placing
    import application.booking.salon_bookings as salon_bookings
    from domain.errors import SlotUnavailable

    async def place(
        uow: Any,
        staff_ids: Sequence[str],
        make: Callable[[str], Any],
        *,
        update: bool = False,
    ) -> Any:
        remaining = list(staff_ids)
        while remaining:
            booking = make(remaining.pop(0))
            try:
                if update:
                    await uow.bookings.update(booking)
                else:
                    await uow.bookings.add(booking)
            except SlotUnavailable:
                if remaining:
                    # Someone just took this staff member; others may have gone too.
                    taken = await uow.bookings.occupied(
                        remaining,
                        booking.start,
                        booking.occupied_until,
                        booking.id if update else None,
                    )
                    remaining = [sid for sid in remaining if not taken.get(sid)]
                continue
            return booking
        return None

    for module in (placing, book, manage, salon_bookings):
        if hasattr(module, "place"):
            module.place = place  # type: ignore[attr-defined]


def patch_sqlite_pool() -> None:
    from adapters.outbound.persistence.database import Database

    original = Database.connect.__func__  # type: ignore[attr-defined]

    def connect(
        cls: type[Database], url: str, *, pool_size: int = 10, max_overflow: int = 10
    ) -> Database:
        if url.startswith("sqlite"):
            pool_size, max_overflow = min(pool_size, 2), min(max_overflow, 2)
        return original(cls, url, pool_size=pool_size, max_overflow=max_overflow)  # type: ignore[no-any-return]

    Database.connect = classmethod(connect)  # type: ignore[assignment,method-assign]


def patch_present() -> None:
    import adapters.inbound.http.presenters as presenters

    original = presenters.local

    @functools.lru_cache(maxsize=65536)
    def cached(instant: datetime, tz: Any) -> str:
        return original(instant, tz)

    presenters.local = cached  # type: ignore[assignment]


def patch_cache(ttl_s: float = 30.0) -> None:
    import time

    import adapters.inbound.http.presenters as presenters
    from application.booking.browse import Browse

    original = Browse.availability
    answers: dict[tuple[Any, ...], tuple[float, Any]] = {}

    async def availability(self: Browse, *args: Any, **kwargs: Any) -> Any:
        key = (args, tuple(sorted(kwargs.items())))
        hit = answers.get(key)
        now = time.monotonic()
        if hit is not None and now - hit[0] < ttl_s:
            return hit[1]
        value = await original(self, *args, **kwargs)
        answers[key] = (now, value)
        return value

    Browse.availability = availability  # type: ignore[method-assign]
    slots_original = presenters.slots
    presented: dict[int, tuple[Any, Any]] = {}

    def slots(items: Any, tz: str) -> Any:
        hit = presented.get(id(items))
        if hit is not None and hit[0] is items:
            return hit[1]
        value = slots_original(items, tz)
        presented[id(items)] = (items, value)
        return value

    presenters.slots = slots  # type: ignore[assignment]


PATCHES = {
    "grid": patch_grid,
    "alternatives": patch_alternatives,
    "place": patch_place,
    "sqlite_pool": patch_sqlite_pool,
    "present": patch_present,
    "cache": patch_cache,
}


def apply(names: Sequence[str]) -> list[str]:
    applied = []
    for name in names:
        PATCHES[name]()
        applied.append(name)
    return applied


def selected() -> list[str]:
    raw = os.environ.get("BENCH_PATCHES", "all").strip()
    names = list(ALL) if raw in ("", "all") else [n.strip() for n in raw.split(",") if n.strip()]
    unknown = [n for n in names if n not in PATCHES]
    if unknown:
        raise SystemExit(f"unknown BENCH_PATCHES: {unknown}; known: {list(PATCHES)}")
    return names


if __name__ == "__main__":
    applied = apply(selected())
    print(f"bench/patched_server.py: patches applied: {', '.join(applied)}", file=sys.stderr)
    from entrypoints.cli import main

    sys.exit(main(sys.argv[1:]))
