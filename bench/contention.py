"""Benchmark (b): booking creation under contention on PostgreSQL, beside a bare POST endpoint.

A fresh PostgreSQL database is seeded through the application (bench/seeding.py), the salon's
policy gets `verify_new_customers=false` through `PATCH /api/salons/{id}`, and `salonhub serve`
runs pinned to core 0. The client (this process, pinned to core 1) is a minimal asyncio
HTTP/1.1 client holding 100 open keep-alive connections; each round it sends 100
`POST /api/book/social/create` at once (every racer a new phone number) and waits for all:

  any-staff  one start, no staff_id, a service all 20 staff perform and all 20 are free for:
             exactly 20 bookings can be made (one per staff member)
  one-staff  one staff member, the first 20 free starts of a 15-minute service (5 racers per
             start, staff_id given): exactly 20 bookings can be made

Each round takes fresh slots (found through the availability route) and checks that exactly 20
answers are 201 and 80 are 409 `slot_unavailable`, then re-reads the day through the admin list
to check 20 stored bookings and no overlap. The bare endpoint (bench/bare_app.py `POST /bare`,
same uvicorn settings, core 0) gets the same 100-request bursts in the same run.

    .venv/bin/python bench/contention.py                 # 5 rounds of each scenario
    .venv/bin/python bench/contention.py --rounds 3 --profile
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import resource
import sys
import time
import urllib.request
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from loadtools import (
    Answer,
    CpuMeter,
    CpuReport,
    RawClient,
    RawConnection,
    burst_stats,
    percentile,
    pin_self_to_client_core,
    table,
    top_frames,
    wait_for_quiet,
)
from seeding import (
    RESULTS,
    Seeded,
    bare_server,
    database,
    log,
    machine_summary,
    salonhub_server,
    seed_sync,
    workdir,
)

RACERS = 100
WINNERS = 20
TARGET_P99_MS = 100.0
ALL_STAFF_WEEKDAYS = (1, 2, 3, 4)  # Tue-Fri: every hours pattern in seeding.py works then
SOURCES = ("instagram", "facebook", "messenger", "web")


@dataclass
class Round:
    scenario: str
    answers: list[Answer]
    statuses: Counter[int]
    codes: Counter[str]
    stored: int
    overlaps: int
    ok: bool
    detail: str
    cpu: CpuReport | None = None


class Bench:
    """Plans fresh slots (state kept across server variants) and runs rounds against one app."""

    def __init__(self, seeded: Seeded) -> None:
        self.seeded = seeded
        self.auth = {"Authorization": f"Bearer {seeded.owner_token}"}
        self.phone_counter = 0
        self.any_day = seeded.last_booked_day + timedelta(days=1)
        self.one_day = seeded.last_booked_day + timedelta(days=12)
        self.one_staff_index = 0
        self.admin: RawConnection | None = None

    async def attach(self, app_url: str) -> None:
        if self.admin is not None:
            await self.admin.close()
        host, port = app_url.removeprefix("http://").split(":")
        self.admin = RawConnection(host, int(port))
        await self.admin.open()

    def phone(self) -> str:
        self.phone_counter += 1
        return f"97{self.phone_counter:08d}"

    async def get_json(self, path: str) -> object:
        assert self.admin is not None
        answer = await self.admin.request("GET", path, headers=self.auth)
        if answer.status != 200:
            raise RuntimeError(f"GET {path}: {answer.status} {answer.body[:300]!r}")
        return answer.json()

    async def slots(self, service_id: str, day: date, staff_id: str | None = None) -> list[dict]:
        path = (
            f"/api/book/social/{self.seeded.salon_id}/availability?service_id={service_id}"
            f"&date={day.isoformat()}&days=1"
        )
        if staff_id:
            path += f"&staff_id={staff_id}"
        body = await self.get_json(path)
        assert isinstance(body, dict)
        return list(body["slots"])

    def body(self, service_id: str, start: str, staff_id: str | None) -> dict[str, object]:
        n = self.phone_counter + 1
        payload: dict[str, object] = {
            "salon_id": self.seeded.salon_id,
            "service_id": service_id,
            "start": start,
            "customer": {"name": f"Racer {n}", "phone": self.phone()},
            "source": SOURCES[n % len(SOURCES)],
        }
        if staff_id is not None:
            payload["staff_id"] = staff_id
        return payload

    async def plan_any_staff(self) -> tuple[list[tuple[str, str, object]], date, set[str]]:
        """100 racers for one start that all 20 staff are free at (no staff_id)."""
        service_id = self.seeded.everyone_service_ids[1]
        horizon = self.seeded.first_day + timedelta(days=55)
        while self.any_day < horizon:
            if self.any_day.weekday() in ALL_STAFF_WEEKDAYS:
                for slot in await self.slots(service_id, self.any_day):
                    if len(slot["staff_ids"]) == len(self.seeded.staff_ids):
                        requests = [
                            (
                                "POST",
                                "/api/book/social/create",
                                self.body(service_id, slot["start"], None),
                            )
                            for _ in range(RACERS)
                        ]
                        return requests, self.any_day, {slot["start"]}
            self.any_day += timedelta(days=1)
        raise RuntimeError("no fresh any-staff slot left inside the horizon")

    async def plan_one_staff(self) -> tuple[list[tuple[str, str, object]], date, set[str]]:
        """100 racers over the first 20 free starts of one staff member (5 per start)."""
        service_id = self.seeded.everyone_service_ids[0]  # 15 min, no buffer: starts don't overlap
        horizon = self.seeded.first_day + timedelta(days=55)
        while self.one_day < horizon:
            for _ in range(len(self.seeded.staff_ids)):
                staff_id = self.seeded.staff_ids[self.one_staff_index % len(self.seeded.staff_ids)]
                self.one_staff_index += 1
                free = await self.slots(service_id, self.one_day, staff_id)
                if len(free) >= WINNERS:
                    starts = [s["start"] for s in free[:WINNERS]]
                    requests = [
                        (
                            "POST",
                            "/api/book/social/create",
                            self.body(service_id, starts[i % WINNERS], staff_id),
                        )
                        for i in range(RACERS)
                    ]
                    return requests, self.one_day, set(starts)
            self.one_day += timedelta(days=1)
        raise RuntimeError("no fresh one-staff slots left inside the horizon")

    async def check_day(self, day: date, starts: set[str], staff_id: str | None) -> tuple[int, int]:
        """Stored active bookings at `starts` that day (of `staff_id` when given), and
        overlapping pairs per staff member over the whole day."""
        tz_day_from = f"{day.isoformat()}T00:00:00%2B05:30"
        tz_day_to = f"{(day + timedelta(days=1)).isoformat()}T00:00:00%2B05:30"
        body = await self.get_json(
            f"/api/salons/{self.seeded.salon_id}/bookings?from={tz_day_from}&to={tz_day_to}"
        )
        assert isinstance(body, dict)
        active = [b for b in body["items"] if b["status"] in ("pending", "confirmed")]
        stored = sum(
            1
            for b in active
            if b["start"] in starts and (staff_id is None or b["staff_id"] == staff_id)
        )
        overlaps = 0
        by_staff: dict[str, list[tuple[datetime, datetime]]] = {}
        for b in active:
            by_staff.setdefault(b["staff_id"], []).append(
                (datetime.fromisoformat(b["start"]), datetime.fromisoformat(b["end"]))
            )
        for spans in by_staff.values():
            spans.sort()
            overlaps += sum(1 for a, b in itertools.pairwise(spans) if b[0] < a[1])
        return stored, overlaps

    async def round(self, client: RawClient, scenario: str, meter: CpuMeter | None = None) -> Round:
        plan = self.plan_any_staff if scenario == "any-staff" else self.plan_one_staff
        requests, day, starts = await plan()
        staff_id = requests[0][2].get("staff_id")  # type: ignore[union-attr]
        await client.reconnect("/health")
        answers, cpu = await metered_burst(client, requests, meter)
        statuses = Counter(a.status for a in answers)
        codes: Counter[str] = Counter()
        for a in answers:
            if a.status != 201:
                try:
                    body = a.json()
                    codes[body["error"]["code"]] += 1  # type: ignore[index]
                except (ValueError, KeyError, TypeError):
                    codes["(unparseable)"] += 1
        stored, overlaps = await self.check_day(day, starts, staff_id)
        ok = (
            statuses.get(201, 0) == WINNERS
            and statuses.get(409, 0) == RACERS - WINNERS
            and codes.get("slot_unavailable", 0) == RACERS - WINNERS
            and stored == WINNERS
            and overlaps == 0
        )
        ordered = sorted(starts)
        detail = f"{day} {ordered[0][11:16]}"
        if len(ordered) > 1:
            detail += f"..{ordered[-1][11:16]}"
        return Round(scenario, answers, statuses, codes, stored, overlaps, ok, detail, cpu)


def _self_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


async def metered_burst(
    client: RawClient, requests: list[tuple[str, str, object]], meter: CpuMeter | None
) -> tuple[list[Answer], CpuReport | None]:
    if meter is None:
        return await client.burst(requests), None
    meter.start()
    mine = _self_cpu()
    answers = await client.burst(requests)
    return answers, meter.stop(_self_cpu() - mine)


async def bare_round(
    client: RawClient, meter: CpuMeter | None = None
) -> tuple[list[Answer], CpuReport | None]:
    body = {
        "salon_id": "x",
        "service_id": "y",
        "start": "2026-01-01T10:00:00+05:30",
        "customer": {"name": "Racer", "phone": "9700000000"},
        "source": "web",
    }
    await client.reconnect("/bare")
    answers, cpu = await metered_burst(client, [("POST", "/bare", body)] * RACERS, meter)
    bad = [a.status for a in answers if a.status != 201]
    if bad:
        raise RuntimeError(f"bare POST answered {bad[:5]}")
    return answers, cpu


async def serial_latencies(bench: Bench, count: int) -> tuple[list[float], list[float]]:
    """One request at a time: `count` winning creates on fresh starts, then the same bodies
    again with new phones (each now a 409 with alternatives)."""
    requests, _day, _starts = await bench.plan_one_staff()
    distinct = {}
    for method, path, body in requests:
        distinct.setdefault(body["start"], (method, path, body))  # type: ignore[index]
    picked = list(distinct.values())[:count]
    win, lose = [], []
    assert bench.admin is not None
    for method, path, body in picked:
        answer = await bench.admin.request(method, path, body)
        if answer.status != 201:
            raise RuntimeError(f"serial create answered {answer.status}: {answer.body[:200]!r}")
        win.append(answer.ms)
    for method, path, body in picked:
        again = dict(body)  # type: ignore[arg-type]
        again["customer"] = {"name": "Late", "phone": bench.phone()}
        answer = await bench.admin.request(method, path, again)
        if answer.status != 409:
            raise RuntimeError(f"serial loser answered {answer.status}")
        lose.append(answer.ms)
    return win, lose


def patch_policy(seeded: Seeded, base_url: str) -> None:
    request = urllib.request.Request(
        f"{base_url}/api/salons/{seeded.salon_id}",
        data=json.dumps({"policy": {"verify_new_customers": False}}).encode(),
        method="PATCH",
        headers={
            "Authorization": f"Bearer {seeded.owner_token}",
            "Content-Type": "application/json",
        },
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        policy = json.loads(answer.read())["policy"]
    if policy["verify_new_customers"] is not False:
        raise RuntimeError(f"policy not updated: {policy}")


async def run(
    bench: Bench,
    app_url: str,
    bare_url: str,
    args: argparse.Namespace,
    app_pid: int,
    bare_pid: int,
    profile_name: str,
) -> dict[str, object]:
    app_meter = CpuMeter(app_pid, bench.seeded.database_url.rsplit("/", 1)[1])
    bare_meter = CpuMeter(bare_pid)
    await bench.attach(app_url)
    results: dict[str, object] = {}
    async with RawClient(app_url, RACERS) as app_client, RawClient(bare_url, RACERS) as bare_client:
        await app_client.warm("/health")
        await bare_client.warm("/bare")
        # warm the app's create path (statement caches, pool) on slots outside the measured ones
        _warm_win, _warm_lose = await serial_latencies(bench, 5)
        serial_win, serial_lose = await serial_latencies(bench, args.serial)
        results["serial"] = (serial_win, serial_lose)
        rounds: list[Round] = []
        bare: list[list[Answer]] = []
        bare_cpu: list[CpuReport | None] = []
        for i in range(args.rounds):
            for scenario in args.scenarios:
                quiet = await asyncio.to_thread(wait_for_quiet, args.quiet_wait)
                r = await bench.round(app_client, scenario, app_meter)
                rounds.append(r)
                st = burst_stats([r.answers])
                log(
                    f"  round {i + 1} {scenario:<9} {r.detail}: {dict(r.statuses)} "
                    f"codes {dict(r.codes)} "
                    f"stored {r.stored} overlaps {r.overlaps} -> {'OK' if r.ok else 'FAILED'}; "
                    f"{st.rps:.0f} req/s p50 {st.p50_ms:.0f} ms p99 {st.p99_ms:.0f} ms"
                    f" | idle-before {quiet:.2f} cpu: {r.cpu.short() if r.cpu else '?'}"
                )
            await asyncio.to_thread(wait_for_quiet, args.quiet_wait)
            b, cpu = await bare_round(bare_client, bare_meter)
            bare.append(b)
            bare_cpu.append(cpu)
        results["bare_cpu"] = bare_cpu
        results["rounds"] = rounds
        results["bare"] = bare
        if args.profile:
            results["profile"] = await profile_rounds(
                bench, app_client, app_pid, args, profile_name
            )
    if bench.admin is not None:
        await bench.admin.close()
        bench.admin = None
    return results


async def profile_rounds(
    bench: Bench, client: RawClient, pid: int, args: argparse.Namespace, name: str
) -> str:
    """Keep racing (alternating scenarios) while py-spy records the server."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-c",
        "import sys; sys.path.insert(0, sys.argv[1]); import loadtools; "
        "loadtools.profile_pid(int(sys.argv[2]), sys.argv[4], int(sys.argv[3]))",
        str(RESULTS.parent),
        str(pid),
        str(args.profile_seconds),
        name,
    )
    n = 0
    while proc.returncode is None:
        scenario = args.scenarios[n % len(args.scenarios)]
        try:
            r = await bench.round(client, scenario)
        except RuntimeError as exc:  # ran out of fresh slots
            log(f"  profiling load stopped: {exc}")
            break
        n += 1
        if not r.ok:
            log(f"  profiled round {n} {scenario}: {dict(r.statuses)} {dict(r.codes)}")
    await proc.wait()
    log(f"  profiled {n} rounds")
    summary = top_frames(RESULTS / f"{name}.collapsed.txt")
    (RESULTS / f"{name}.top.txt").write_text(summary + "\n")
    return summary


def cpu_cell(cpu: CpuReport | None) -> str:
    if cpu is None:
        return "?"
    return f"{cpu.server_main + cpu.server_threads:.2f}/{cpu.postgres:.2f}/{cpu.background:.2f}"


def cpu_ms(cpu: CpuReport | None, requests: int) -> str:
    if cpu is None:
        return "?"
    return f"{cpu.server_ms_per(requests):.1f} / {cpu.pg_ms_per(requests):.1f}"


def mean_cpu_ms(cpus: list[CpuReport | None], requests_each: int) -> str:
    known = [c for c in cpus if c is not None]
    if not known:
        return "?"
    srv = sum(c.server_ms_per(requests_each) for c in known) / len(known)
    pg = sum(c.pg_ms_per(requests_each) for c in known) / len(known)
    return f"{srv:.1f} / {pg:.1f}"


def report(variant: str, results: dict[str, object], args: argparse.Namespace) -> tuple[str, bool]:
    rounds: list[Round] = results["rounds"]  # type: ignore[assignment]
    bare: list[list[Answer]] = results["bare"]  # type: ignore[assignment]
    bare_cpu: list[CpuReport | None] = results["bare_cpu"]  # type: ignore[assignment]
    bare_all = burst_stats(bare)
    rows = []
    for i, r in enumerate(rounds):
        st = burst_stats([r.answers])
        rows.append(
            [
                r.scenario,
                i // len(args.scenarios) + 1,
                r.detail,
                st.requests,
                f"{st.seconds * 1000:.0f}",
                f"{st.rps:.1f}",
                f"{WINNERS / st.seconds:.1f}",
                f"{st.p50_ms:.1f}",
                f"{st.p99_ms:.1f}",
                f"{st.max_ms:.1f}",
                r.statuses.get(201, 0),
                r.codes.get("slot_unavailable", 0),
                r.stored,
                r.overlaps,
                "yes" if r.ok else "NO",
                cpu_cell(r.cpu),
                cpu_ms(r.cpu, st.requests),
            ]
        )
    for i, b in enumerate(bare):
        st = burst_stats([b])
        rows.append(
            [
                "bare POST /bare",
                i + 1,
                "",
                st.requests,
                f"{st.seconds * 1000:.0f}",
                f"{st.rps:.1f}",
                "",
                f"{st.p50_ms:.1f}",
                f"{st.p99_ms:.1f}",
                f"{st.max_ms:.1f}",
                st.requests,
                0,
                "",
                "",
                "",
                cpu_cell(bare_cpu[i]),
                cpu_ms(bare_cpu[i], st.requests),
            ]
        )
    headers = [
        "scenario",
        "round",
        "slot(s)",
        "requests",
        "burst ms",
        "req/s",
        "bookings/s",
        "p50 ms",
        "p99 ms",
        "max ms",
        "201",
        "409 slot_unavailable",
        "stored",
        "overlaps",
        "exactly 20",
        "CPU srv/pg/bg (cores)",
        "CPU ms/req srv / pg",
    ]
    summary_rows = []
    for scenario in args.scenarios:
        mine = [r for r in rounds if r.scenario == scenario]
        st = burst_stats([r.answers for r in mine])
        winners = [a.ms for r in mine for a in r.answers if a.status == 201]
        losers = [a.ms for r in mine for a in r.answers if a.status == 409]
        ratio = st.rps / bare_all.rps if bare_all.rps else 0.0
        verdict = (
            "met"
            if st.p99_ms < TARGET_P99_MS
            else f"MISSED x{st.p99_ms / TARGET_P99_MS:.1f} (+{st.p99_ms - TARGET_P99_MS:.0f} ms)"
        )
        summary_rows.append(
            [
                scenario,
                len(mine),
                st.requests,
                f"{st.rps:.1f}",
                f"{st.p50_ms:.1f}",
                f"{st.p99_ms:.1f}",
                f"{percentile(winners, 50):.1f}",
                f"{percentile(losers, 50):.1f}",
                f"{sum(r.ok for r in mine)}/{len(mine)}",
                f"{ratio:.3f}",
                mean_cpu_ms([r.cpu for r in mine], RACERS),
                verdict,
            ]
        )
    summary_rows.append(
        [
            "bare POST /bare",
            len(bare),
            bare_all.requests,
            f"{bare_all.rps:.1f}",
            f"{bare_all.p50_ms:.1f}",
            f"{bare_all.p99_ms:.1f}",
            "",
            "",
            "",
            "1.000",
            mean_cpu_ms(bare_cpu, RACERS),
            "",
        ]
    )
    summary_headers = [
        "scenario",
        "rounds",
        "requests",
        "req/s",
        "p50 ms",
        "p99 ms",
        "p50 of 201s",
        "p50 of 409s",
        "rounds with exactly 20",
        "ratio to bare",
        "CPU ms/req srv / pg",
        "target p99 < 100 ms",
    ]
    win, lose = results["serial"]  # type: ignore[misc]
    serial = (
        f"uncontended, one request at a time ({len(win)} each): create 201 p50 "
        f"{percentile(win, 50):.1f} ms p99 {percentile(win, 99):.1f} ms; taken slot 409 "
        f"(with alternatives) p50 {percentile(lose, 50):.1f} ms p99 "
        f"{percentile(lose, 99):.1f} ms"
    )
    text = (
        f"### server: {variant}\n\nper round:\n\n{table(headers, rows)}\n\nsummary:\n\n"
        f"{table(summary_headers, summary_rows)}\n\n{serial}\n"
    )
    return text, all(r.ok for r in rounds)


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--rounds", type=int, default=5)
    p.add_argument("--scenarios", default="any-staff,one-staff")
    p.add_argument("--serial", type=int, default=20, help="one-at-a-time creates for reference")
    p.add_argument(
        "--variants",
        default="baseline",
        help="comma list: baseline (the app as is) and/or patch sets for "
        "bench/patched_server.py, e.g. baseline,all or baseline,alternatives+place",
    )
    p.add_argument("--profile", action="store_true")
    p.add_argument("--profile-seconds", type=int, default=20)
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=30.0,
        help="before each burst wait up to this long for other load to stop",
    )
    args = p.parse_args()
    args.scenarios = [s.strip() for s in args.scenarios.split(",") if s.strip()]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]
    print("# booking-creation contention benchmark (PostgreSQL)")
    print(machine_summary())
    pin_self_to_client_core()
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(
        f"load tool: asyncio raw HTTP/1.1 client (this process, pinned to core 1), "
        f"{RACERS} keep-alive connections, {RACERS} simultaneous POSTs per round; "
        f"servers pinned to core 0; {args.rounds} rounds x {args.scenarios}"
    )
    texts: list[str] = []
    profiles: dict[str, str] = {}
    all_ok = True
    with workdir() as tmp, bare_server(tmp) as bare, database("postgres", tmp) as url:
        seeded = seed_sync(url)
        bench = Bench(seeded)
        for n, variant in enumerate(variants):
            patches = None if variant == "baseline" else variant.replace("+", ",")
            with salonhub_server(url, tmp, patches=patches) as app:
                if n == 0:
                    patch_policy(seeded, app.url)
                log(f"server variant: {variant}")
                name = "contention-postgres" + ("" if patches is None else f"-{variant}")
                results = asyncio.run(run(bench, app.url, bare.url, args, app.pid, bare.pid, name))
            text, ok = report(variant, results, args)
            all_ok &= ok
            texts.append(text)
            if "profile" in results:
                profiles[name] = results["profile"]  # type: ignore[assignment]
    out = "\n".join(texts)
    print()
    print(out)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    (RESULTS / f"contention-{stamp}.md").write_text(out)
    for name, summary in profiles.items():
        print(f"\n## py-spy profile, booking create under contention (results/{name}.svg)")
        print(summary)
    print(f"\nexactly {WINNERS} of {RACERS} succeeded in every round: {'yes' if all_ok else 'NO'}")
    return 0 if all_ok else 1


if __name__ == "__main__":
    sys.exit(main())
