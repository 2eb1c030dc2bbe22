"""Check and time the candidate optimizations of bench/patched_server.py in-process.

On a freshly seeded salon (bench/seeding.py), for every (service, start date) pair:
  - `compute_slots` with the original `_grid` and with the memoized one: identical output?
    time per 7-day call for each;
  - `alternatives` (original, 15 days) and the outward search, for targets spread over the
    booked weeks (on-grid, off-grid, taken and free): identical output? time per call.

    .venv/bin/python bench/experiments.py --db postgres
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from loadtools import percentile, table
from seeding import SECRET_KEY, SERVER_CORE, Seeded, database, seed_sync, workdir


async def run(seeded: Seeded, samples: int) -> list[list[object]]:
    import patched_server

    import domain.availability as availability
    from application.booking import slots as slot_module
    from application.booking.slots import Occupancy, day_window, qualified
    from domain.availability import SlotQuery, compute_slots
    from entrypoints.bootstrap import bootstrap
    from entrypoints.settings import Settings

    container = bootstrap(
        Settings(database_url=seeded.database_url, secret_key=SECRET_KEY.encode())
    )
    uow_factory = container.use_cases.browse._uow
    now = container.clock.now()
    original_grid = availability._grid
    patched_server.patch_grid()
    cached_grid = availability._grid
    rows: list[list[object]] = []

    # compute_slots, original vs memoized grid
    t_orig: list[float] = []
    t_new: list[float] = []
    mismatches = 0
    async with uow_factory() as uow:
        salon = await uow.salons.get(seeded.salon_id)
        staff = await uow.catalog.staff(seeded.salon_id)
        inputs = []
        for service_seed in seeded.services:
            service = await uow.catalog.get_service(service_seed.id)
            ids = [s.id for s in qualified(staff, service)]
            occupancy = Occupancy.of(service)
            for d in range(21):
                first = seeded.first_day + timedelta(days=d)
                window = day_window(salon, first, 7, occupancy)
                cals = await slot_module.calendars(uow, ids, *window)
                query = SlotQuery(
                    tz=salon.zone,
                    first_date=first,
                    days=7,
                    duration=occupancy.duration,
                    buffer_after=occupancy.buffer_after,
                    step_minutes=salon.policy.slot_step_minutes,
                    earliest=now + timedelta(minutes=salon.policy.lead_time_minutes),
                    latest=now + timedelta(days=salon.policy.horizon_days),
                )
                inputs.append((query, cals))
    for query, cals in inputs:
        availability._grid = original_grid
        t = time.perf_counter()
        a = compute_slots(query, cals)
        t_orig.append((time.perf_counter() - t) * 1000)
        availability._grid = cached_grid
        t = time.perf_counter()
        b = compute_slots(query, cals)
        t_new.append((time.perf_counter() - t) * 1000)
        mismatches += a != b
    for name, v in (
        ("compute_slots 7 days, original _grid", t_orig),
        ("compute_slots 7 days, memoized _grid", t_new),
    ):
        rows.append(
            [
                name,
                f"{statistics.median(v):.3f}",
                f"{percentile(v, 99):.3f}",
                len(v),
                f"{mismatches} mismatches" if "memoized" in name else "",
            ]
        )

    # alternatives, original vs outward search (both with the original grid)
    availability._grid = original_grid
    outward = patched_server.outward_alternatives()
    rng = random.Random(3)
    tz = salon.zone
    targets = []
    for _ in range(samples):
        day = seeded.first_day + timedelta(days=rng.randrange(-3, 40))
        minute = rng.randrange(0, 24 * 60)
        local = datetime.combine(day, datetime.min.time(), tzinfo=tz) + timedelta(minutes=minute)
        targets.append((rng.choice(seeded.services).id, local.astimezone(UTC)))
    a_orig: list[float] = []
    a_new: list[float] = []
    alt_mismatch = 0
    async with uow_factory() as uow:
        for service_id, target in targets:
            service = await uow.catalog.get_service(service_id)
            ids = [s.id for s in qualified(staff, service)]
            occupancy = Occupancy.of(service)
            t = time.perf_counter()
            a = await slot_module.alternatives(uow, salon, occupancy, ids, target, now)
            a_orig.append((time.perf_counter() - t) * 1000)
            t = time.perf_counter()
            b = await outward(uow, salon, occupancy, ids, target, now)
            a_new.append((time.perf_counter() - t) * 1000)
            alt_mismatch += a != b
    for name, v in (
        ("alternatives, original (15 days)", a_orig),
        ("alternatives, outward search", a_new),
    ):
        rows.append(
            [
                name,
                f"{statistics.median(v):.3f}",
                f"{percentile(v, 99):.3f}",
                len(v),
                f"{alt_mismatch} mismatches" if "outward" in name else "",
            ]
        )
    availability._grid = original_grid
    await container.close()
    return rows


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default="postgres")
    p.add_argument("--samples", type=int, default=300)
    args = p.parse_args()
    os.sched_setaffinity(0, {SERVER_CORE})
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        with workdir() as tmp, database(kind, tmp) as url:
            seeded = seed_sync(url)
            rows = asyncio.run(run(seeded, args.samples))
        print(f"\n## {kind}: candidate optimizations, in-process (ms per call)")
        print(table(["what", "median", "p99", "n", "same output"], rows))
    return 0


if __name__ == "__main__":
    sys.exit(main())
