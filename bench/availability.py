"""Benchmark (a): 7-day availability through HTTP, on SQLite and PostgreSQL, beside a bare app.

For each database: a fresh database is seeded through the application (bench/seeding.py: 20
staff, 30 services, 2,000 bookings), `salonhub serve` is started pinned to core 0, and `wrk`
(pinned to core 1, one thread) requests
`GET /api/book/social/{salon}/availability?service_id=..&date=..&days=7` cycling through every
(service, start date) pair of the booked weeks (bench/paths.lua). Right after, in the same run,
the same `wrk` settings hit the bare Litestar endpoint (bench/bare_app.py, same uvicorn
settings, also pinned to core 0). Each measurement: a warm-up (discarded), then a fixed window.

    .venv/bin/python bench/availability.py                      # both databases, 10 s windows
    .venv/bin/python bench/availability.py --db sqlite --seconds 5 --profile

Load tool: wrk 4.1 (Debian), 1 thread, 16 connections by default, pinned to core 1.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import time
import urllib.request
from datetime import timedelta
from pathlib import Path

from loadtools import (
    WrkResult,
    pin_self_to_client_core,
    profile_pid,
    run_wrk,
    table,
    top_frames,
    wait_for_quiet,
)
from seeding import (
    BENCH,
    CLIENT_CORE,
    RESULTS,
    Seeded,
    bare_server,
    database,
    log,
    machine_summary,
    pin,
    salonhub_server,
    seed_sync,
    workdir,
)

TARGET_P99_MS = 50.0
TARGET_RATIO = 1 / 3
QUERY_DAYS = 7
START_DATES = 21  # start dates first_day .. first_day + 20, so 7-day windows stay in booked weeks


def availability_paths(seeded: Seeded, days: int = QUERY_DAYS) -> list[str]:
    """Every (service, start date) pair, shuffled with a fixed seed."""
    paths = [
        f"/api/book/social/{seeded.salon_id}/availability?service_id={service.id}"
        f"&date={(seeded.first_day + timedelta(days=d)).isoformat()}&days={days}"
        for service in seeded.services
        for d in range(START_DATES)
    ]
    random.Random(7).shuffle(paths)
    return paths


def sample_response(base_url: str, path: str) -> tuple[int, int, int, float]:
    began = time.perf_counter()
    with urllib.request.urlopen(base_url + path, timeout=30) as answer:
        body = answer.read()
        status = answer.status
    ms = (time.perf_counter() - began) * 1000
    slots = len(json.loads(body)["slots"]) if status == 200 else -1
    return status, slots, len(body), ms


def pg_name(url: str) -> str | None:
    return url.rsplit("/", 1)[1] if url.startswith("postgresql") else None


def measure(
    label: str,
    base_url: str,
    paths_file: Path,
    args: argparse.Namespace,
    connections: int,
    server_pid: int,
    pg_database: str | None,
) -> WrkResult:
    quiet = wait_for_quiet(args.quiet_wait)
    run_wrk(
        label, base_url, paths_file, seconds=args.warmup, connections=connections
    )  # warm-up, discarded
    result = run_wrk(
        label,
        base_url,
        paths_file,
        seconds=args.seconds,
        connections=connections,
        server_pid=server_pid,
        pg_database=pg_database,
    )
    log(
        f"  {label:<22} c={connections:<3} {result.rps:8.1f} req/s  p50 {result.p50_ms:7.2f} ms"
        f"  p99 {result.p99_ms:7.2f} ms  non-2xx {result.non_2xx}  errors {result.errors}"
        f"  | idle-before {quiet:.2f}  cpu: {result.cpu.short() if result.cpu else '?'}"
    )
    return result


def profile_under_load(
    server_pid: int, base_url: str, paths_file: Path, name: str, seconds: int, connections: int
) -> str:
    """Keep wrk running against the server while py-spy records it; return the top frames."""
    wrk = subprocess.Popen(
        [
            "wrk",
            "-t1",
            f"-c{connections}",
            f"-d{2 * max(2, seconds // 2) + 6}s",
            "-s",
            str(BENCH / "paths.lua"),
            base_url,
            "--",
            str(paths_file),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        preexec_fn=pin(CLIENT_CORE),
    )
    try:
        time.sleep(2)
        svg, raw = profile_pid(server_pid, name, seconds)
    finally:
        wrk.wait()
    summary = top_frames(raw)
    (RESULTS / f"{name}.top.txt").write_text(summary + "\n")
    log(f"  profile: {svg} and {raw}")
    return summary


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--db", default="sqlite,postgres", help="comma list: sqlite,postgres")
    p.add_argument("--seconds", type=float, default=10.0, help="measurement window per run")
    p.add_argument("--warmup", type=float, default=2.0, help="discarded warm-up per run")
    p.add_argument("--connections", type=int, default=16)
    p.add_argument("--rounds", type=int, default=1, help="repeat app+bare pairs this many times")
    p.add_argument("--no-c1", action="store_true", help="skip the 1-connection latency run")
    p.add_argument(
        "--distinct",
        type=int,
        default=0,
        help="use only the first N of the 630 shuffled (service, date) URLs (0 = all)",
    )
    p.add_argument("--profile", action="store_true", help="py-spy the server after measuring")
    p.add_argument(
        "--variants",
        default="baseline",
        help="comma list: baseline (the app as is) and/or patch sets for bench/patched_server.py"
        " (e.g. baseline,all or baseline,grid+sqlite_pool)",
    )
    p.add_argument("--profile-seconds", type=int, default=20)
    p.add_argument(
        "--quiet-wait",
        type=float,
        default=60.0,
        help="before each measurement wait up to this long for other load to stop",
    )
    args = p.parse_args()
    kinds = [k.strip() for k in args.db.split(",") if k.strip()]
    variants = [v.strip() for v in args.variants.split(",") if v.strip()]

    print("# availability benchmark")
    print(machine_summary())  # before pinning: nproc counts the CPUs this process may use
    pin_self_to_client_core()
    RESULTS.mkdir(parents=True, exist_ok=True)
    print(
        f"load tool: wrk (1 thread, pinned to core {CLIENT_CORE}); servers pinned to core 0; "
        f"{args.warmup:g} s warm-up + {args.seconds:g} s per measurement; "
        f"{args.connections} connections; days={QUERY_DAYS}"
    )

    rows: list[list[object]] = []
    records: list[dict[str, object]] = []
    profiles: dict[str, str] = {}
    with workdir() as tmp, bare_server(tmp) as bare:
        bare_paths = tmp / "bare-paths.txt"
        bare_paths.write_text("/bare\n")
        for kind in kinds:
            with database(kind, tmp) as url:
                seeded = seed_sync(url)
                paths = availability_paths(seeded)[: args.distinct or None]
                paths_file = tmp / f"paths-{kind}.txt"
                paths_file.write_text("\n".join(paths) + "\n")
                for variant in variants:
                    patches = None if variant == "baseline" else variant.replace("+", ",")
                    tag = "" if patches is None else f" [{variant}]"
                    with salonhub_server(url, tmp, patches=patches) as app:
                        status, slots, size, ms = sample_response(app.url, paths[0])
                        log(
                            f"{kind}: sample availability answer: HTTP {status}, {slots} slots, "
                            f"{size / 1024:.1f} KiB, {ms:.1f} ms cold"
                        )
                        sizes = [sample_response(app.url, path) for path in paths[:30]]
                        if any(s[0] != 200 for s in sizes):
                            raise RuntimeError(f"non-200 availability answers: {sizes}")
                        mean_slots = sum(s[1] for s in sizes) / len(sizes)
                        for round_no in range(1, args.rounds + 1):
                            label = f"availability {kind}{tag}"
                            runs = []
                            if not args.no_c1 and round_no == 1:
                                runs.append((label, app.url, paths_file, 1, False))
                            runs.append((label, app.url, paths_file, args.connections, True))
                            runs.append(
                                ("bare GET /bare", bare.url, bare_paths, args.connections, False)
                            )
                            measured = {}
                            for name, base, pf, conns, main_run in runs:
                                is_bare = base == bare.url
                                result = measure(
                                    name,
                                    base,
                                    pf,
                                    args,
                                    conns,
                                    bare.pid if is_bare else app.pid,
                                    None if is_bare else pg_name(url),
                                )
                                cpu = result.cpu
                                measured[(name, conns)] = result
                                records.append(
                                    {
                                        "db": kind,
                                        "round": round_no,
                                        "endpoint": name,
                                        "connections": conns,
                                        "rps": round(result.rps, 1),
                                        "p50_ms": result.p50_ms,
                                        "p90_ms": result.p90_ms,
                                        "p99_ms": result.p99_ms,
                                        "max_ms": result.max_ms,
                                        "requests": result.requests,
                                        "non_2xx": result.non_2xx,
                                        "errors": result.errors,
                                        "kib_per_response": round(result.kib_per_response, 1),
                                        "main": main_run,
                                        "cpu": cpu.__dict__ if cpu else None,
                                        "server_cpu_ms_per_request": (
                                            cpu.server_ms_per(result.requests) if cpu else None
                                        ),
                                    }
                                )
                            avail = measured[(label, args.connections)]
                            base_result = measured[("bare GET /bare", args.connections)]
                            ratio = avail.rps / base_result.rps if base_result.rps else 0.0
                            for (name, conns), r in measured.items():
                                is_main = name == label and conns == args.connections
                                rows.append(
                                    [
                                        kind,
                                        round_no,
                                        name,
                                        conns,
                                        f"{r.rps:.1f}",
                                        f"{r.p50_ms:.2f}",
                                        f"{r.p90_ms:.2f}",
                                        f"{r.p99_ms:.2f}",
                                        f"{r.max_ms:.1f}",
                                        r.requests,
                                        r.non_2xx + r.errors,
                                        f"{r.kib_per_response:.1f}",
                                        cpu_cell(r),
                                        cpu_per_request(r),
                                        f"{r.cpu.background:.2f}" if r.cpu else "?",
                                        f"{ratio:.3f}" if is_main else "",
                                        verdict(r, ratio) if is_main else "",
                                    ]
                                )
                        log(f"{kind}: mean slots per 7-day answer (30 sampled): {mean_slots:.0f}")
                        if args.profile:
                            profiles[kind + tag] = profile_under_load(
                                app.pid,
                                app.url,
                                paths_file,
                                f"availability-{kind}" + ("" if patches is None else f"-{variant}"),
                                args.profile_seconds,
                                args.connections,
                            )

    headers = [
        "db",
        "round",
        "endpoint",
        "conns",
        "req/s",
        "p50 ms",
        "p90 ms",
        "p99 ms",
        "max ms",
        "requests",
        "non-2xx+err",
        "KiB/resp",
        "server CPU cores (main+threads) / pg",
        "CPU ms/req srv / pg",
        "bg CPU cores",
        "rps ratio",
        "targets (p99<50ms, ratio>=0.333)",
    ]
    print()
    print(table(headers, rows))
    stamp = time.strftime("%Y%m%d-%H%M%S")
    out = RESULTS / f"availability-{stamp}.json"
    out.write_text(json.dumps(records, indent=2))
    (RESULTS / f"availability-{stamp}.md").write_text(table(headers, rows) + "\n")
    print(f"\nraw figures: {out}")
    for kind, summary in profiles.items():
        print(f"\n## py-spy profile, availability on {kind}")
        print(summary)
    return 0


def cpu_cell(result: WrkResult) -> str:
    c = result.cpu
    if c is None:
        return "?"
    text = f"{c.server_main:.2f}+{c.server_threads:.2f}"
    return text + (f" / {c.postgres:.2f}" if c.postgres else "")


def cpu_per_request(result: WrkResult) -> str:
    c = result.cpu
    if c is None:
        return "?"
    text = f"{c.server_ms_per(result.requests):.2f}"
    return text + (f" / {c.pg_ms_per(result.requests):.2f}" if c.postgres else "")


def verdict(result: WrkResult, ratio: float) -> str:
    p99_ok = result.p99_ms < TARGET_P99_MS
    ratio_ok = ratio >= TARGET_RATIO
    parts = [
        f"p99 {'met' if p99_ok else f'MISSED x{result.p99_ms / TARGET_P99_MS:.1f}'}",
        "ratio "
        + ("met" if ratio_ok else f"MISSED x{TARGET_RATIO / ratio:.1f}" if ratio else "MISSED"),
    ]
    return ", ".join(parts)


if __name__ == "__main__":
    sys.exit(main())
