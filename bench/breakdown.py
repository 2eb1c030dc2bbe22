"""Where one 7-day availability answer spends its time, in-process (no HTTP), stage by stage.

Seeds the benchmark salon (bench/seeding.py) on each database, then for every
(service, start date) pair runs, pinned to one core:

  use case   `use_cases.browse.availability(...)` end to end (what the route awaits)
  db: ...    each read the use case makes, one by one, in one read unit of work
  compute    `domain.availability.compute_slots` on the loaded calendars
  present    `presenters.slots` (instants -> salon-offset strings) + msgspec JSON encoding

and prints the median / p90 / p99 of each stage in milliseconds, plus the rows and slots seen.
HTTP + framework overhead is then the HTTP c=1 latency (bench/availability.py) minus these.

    .venv/bin/python bench/breakdown.py --db sqlite,postgres --repeat 2
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import sys
import time
from collections import defaultdict
from datetime import timedelta

from loadtools import percentile, table
from seeding import SECRET_KEY, SERVER_CORE, Seeded, database, log, seed_sync, workdir

START_DATES = 21
DAYS = 7


async def run(seeded: Seeded, repeat: int) -> tuple[dict[str, list[float]], dict[str, float]]:
    import msgspec

    from adapters.inbound.http import presenters
    from adapters.inbound.http.schemas.booking import AvailabilityOut
    from application.booking.slots import Occupancy, day_window, qualified
    from domain.availability import SlotQuery, StaffCalendar, compute_slots
    from entrypoints.bootstrap import bootstrap
    from entrypoints.settings import Settings

    container = bootstrap(
        Settings(database_url=seeded.database_url, secret_key=SECRET_KEY.encode())
    )
    uc = container.use_cases
    uow_factory = container.use_cases.browse._uow  # the same factory the use case uses
    times: dict[str, list[float]] = defaultdict(list)
    counts: dict[str, list[int]] = defaultdict(list)
    pairs = [
        (service.id, seeded.first_day + timedelta(days=d))
        for service in seeded.services
        for d in range(START_DATES)
    ]
    # one untimed pass to warm SQLAlchemy's statement cache and the pools
    for service_id, first in pairs[:10]:
        await uc.browse.availability(seeded.salon_id, service_id, first, DAYS)

    def tick(name: str, began: float) -> float:
        now = time.perf_counter()
        times[name].append((now - began) * 1000)
        return now

    for _ in range(repeat):
        for service_id, first in pairs:
            t = time.perf_counter()
            salon, _slots = await uc.browse.availability(seeded.salon_id, service_id, first, DAYS)
            tick("use case (total)", t)

            t = time.perf_counter()
            async with uow_factory() as uow:
                t = tick("db: open unit of work (BEGIN)", t)
                salon = await uow.salons.get(seeded.salon_id)
                t = tick("db: salons.get", t)
                service = await uow.catalog.get_service(service_id)
                t = tick("db: catalog.get_service", t)
                staff = await uow.catalog.staff(seeded.salon_id)
                t = tick("db: catalog.staff (+ staff_services)", t)
                assert salon is not None and service is not None
                ids = [s.id for s in qualified(staff, service)]
                occupancy = Occupancy.of(service)
                window = day_window(salon, first, DAYS, occupancy)
                weekly = await uow.schedules.weekly(ids)
                t = tick("db: schedules.weekly", t)
                off = await uow.schedules.time_off_between(ids, *window)
                t = tick("db: schedules.time_off_between", t)
                busy = await uow.bookings.occupied(ids, *window)
                t = tick("db: bookings.occupied", t)
            tick("db: close unit of work (ROLLBACK)", t)
            counts["occupied rows"].append(sum(len(v) for v in busy.values()))
            counts["qualified staff"].append(len(ids))

            now = container.clock.now()
            policy = salon.policy
            query = SlotQuery(
                tz=salon.zone,
                first_date=first,
                days=DAYS,
                duration=occupancy.duration,
                buffer_after=occupancy.buffer_after,
                step_minutes=policy.slot_step_minutes,
                earliest=now + timedelta(minutes=policy.lead_time_minutes),
                latest=now + timedelta(days=policy.horizon_days),
            )
            cals = [
                StaffCalendar(sid, weekly[sid], [*off.get(sid, ()), *busy.get(sid, ())])
                for sid in ids
            ]
            t = time.perf_counter()
            computed = compute_slots(query, cals)
            t = tick("compute_slots", t)
            body = AvailabilityOut(
                timezone=salon.timezone, slots=presenters.slots(computed, salon.timezone)
            )
            t = tick("present: presenters.slots", t)
            encoded = msgspec.json.encode(body)
            tick("present: msgspec encode", t)
            counts["slots"].append(len(computed))
            counts["staff ids listed"].append(sum(len(s.staff_ids) for s in computed))
            counts["JSON KiB"].append(len(encoded) // 1024)
    await container.close()
    return times, {k: statistics.mean(v) for k, v in counts.items()}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default="sqlite,postgres")
    p.add_argument(
        "--repeat", type=int, default=1, help="passes over the 630 (service, date) pairs"
    )
    args = p.parse_args()
    os.sched_setaffinity(0, {SERVER_CORE})
    for kind in [k.strip() for k in args.db.split(",") if k.strip()]:
        with workdir() as tmp, database(kind, tmp) as url:
            seeded = seed_sync(url)
            times, counts = asyncio.run(run(seeded, args.repeat))
        rows = [
            [
                name,
                f"{statistics.median(v):.3f}",
                f"{percentile(v, 90):.3f}",
                f"{percentile(v, 99):.3f}",
                len(v),
            ]
            for name, v in times.items()
        ]
        db_total = [
            sum(vals)
            for vals in zip(*(v for n, v in times.items() if n.startswith("db:")), strict=True)
        ]
        rows.append(
            [
                "(sum of db: stages)",
                f"{statistics.median(db_total):.3f}",
                f"{percentile(db_total, 90):.3f}",
                f"{percentile(db_total, 99):.3f}",
                len(db_total),
            ]
        )
        print(f"\n## {kind}: in-process stages of a {DAYS}-day availability answer (ms)")
        print(table(["stage", "median", "p90", "p99", "n"], rows))
        print("means: " + ", ".join(f"{k} {v:.0f}" for k, v in counts.items()))
        log(f"{kind} done")
    return 0


if __name__ == "__main__":
    sys.exit(main())
