"""Benchmark: Meta webhook ingest (`POST /api/webhooks/meta`), beside a bare POST endpoint.

`salonhub serve` (SQLite, then PostgreSQL; pinned to core 0) receives signed Meta deliveries —
each a Page message batch of `--events` messaging events with fresh `mid`s, about 0.5 KB per
event — from `--connections` keep-alive connections in a closed loop (each connection sends its
next request as soon as the previous answer arrives). Every answer must be 200 with every event
stored (none deduplicated away). The bare app (bench/bare_app.py `POST /bare`, same uvicorn
settings, same core) gets the same bodies from the same client in the same run, for the ratio.
Target (issue 5): p99 under 50 ms for the webhook answer.

    .venv/bin/python bench/webhooks.py                       # both databases, 3,000 deliveries
    .venv/bin/python bench/webhooks.py --db sqlite --requests 1000 --connections 8
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadtools import (
    Answer,
    RawClient,
    RawConnection,
    percentile,
    pin_self_to_client_core,
    table,
)
from seeding import bare_server, database, log, salonhub_server, workdir

from entrypoints.meta_sandbox import DEFAULT_APP_SECRET

PAGE = "101000000000001"


def delivery(n: int, events: int) -> dict[str, object]:
    now = int(time.time() * 1000)
    return {
        "object": "page",
        "entry": [
            {
                "id": PAGE,
                "time": now,
                "messaging": [
                    {
                        "sender": {"id": f"psid-{n % 97}"},
                        "recipient": {"id": PAGE},
                        "timestamp": now + i,
                        "message": {
                            "mid": f"m_bench_{n}_{i}_{now}",
                            "text": "Hi! Do you have a slot for a haircut on Saturday? " * 6,
                        },
                    }
                    for i in range(events)
                ],
            }
        ],
    }


def signature(body: object) -> str:
    raw = json.dumps(body, separators=(",", ":")).encode()  # as RawConnection.encode writes it
    return "sha256=" + hmac.new(DEFAULT_APP_SECRET.encode(), raw, hashlib.sha256).hexdigest()


async def closed_loop(
    base_url: str, path: str, bodies: Sequence[dict[str, object]], connections: int, signed: bool
) -> tuple[list[Answer], float]:
    async with RawClient(base_url, connections) as client:
        queue = list(reversed(bodies))
        answers: list[Answer] = []

        async def worker(conn: RawConnection) -> None:
            while queue:
                body = queue.pop()
                headers = {"X-Hub-Signature-256": signature(body)} if signed else {}
                answers.append(await conn.send(conn.encode("POST", path, body, headers)))

        started = time.perf_counter()
        await asyncio.gather(*(worker(c) for c in client.connections))
        return answers, time.perf_counter() - started


def summary(name: str, answers: list[Answer], seconds: float, events: int) -> list[object]:
    latencies = [a.ms for a in answers]
    bad = [a.status for a in answers if a.status not in (200, 201)]  # the bare POST says 201
    if bad:
        raise SystemExit(f"{name}: {len(bad)} answers were not 200: {bad[:5]}")
    return [
        name,
        len(answers),
        f"{len(answers) / seconds:,.0f}",
        f"{len(answers) * events / seconds:,.0f}",
        f"{percentile(latencies, 50):.1f}",
        f"{percentile(latencies, 99):.1f}",
        f"{max(latencies):.1f}",
    ]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", default="sqlite,postgres")
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument("--events", type=int, default=3, help="messaging events per delivery")
    parser.add_argument("--warmup", type=int, default=200)
    args = parser.parse_args()
    pin_self_to_client_core()
    rows: list[list[object]] = []
    with workdir() as tmp:
        with bare_server(tmp) as bare:
            warm = [delivery(-i - 1, args.events) for i in range(args.warmup)]
            asyncio.run(closed_loop(bare.url, "/bare", warm, args.connections, False))
            bodies = [delivery(i, args.events) for i in range(args.requests)]
            answers, seconds = asyncio.run(
                closed_loop(bare.url, "/bare", bodies, args.connections, False)
            )
            bare_row = summary("bare POST /bare", answers, seconds, args.events)
            rows.append(bare_row)
        for kind in args.db.split(","):
            with database(kind, tmp) as url, salonhub_server(url, tmp) as server:
                log(f"{kind}: warming up")
                warm = [delivery(10_000_000 + i, args.events) for i in range(args.warmup)]
                asyncio.run(
                    closed_loop(server.url, "/api/webhooks/meta", warm, args.connections, True)
                )
                bodies = [delivery(20_000_000 + i, args.events) for i in range(args.requests)]
                answers, seconds = asyncio.run(
                    closed_loop(server.url, "/api/webhooks/meta", bodies, args.connections, True)
                )
                stored = sum(json.loads(a.body)["stored"] for a in answers)
                if stored != args.requests * args.events:
                    raise SystemExit(f"{kind}: stored {stored} of {args.requests * args.events}")
                rows.append(summary(f"webhook ingest ({kind})", answers, seconds, args.events))
    headers = ["endpoint", "requests", "req/s", "events/s", "p50 ms", "p99 ms", "max ms"]
    print(table(headers, rows))
    base = float(str(rows[0][2]).replace(",", ""))
    for row in rows[1:]:
        rps = float(str(row[2]).replace(",", ""))
        print(f"{row[0]}: {rps / base:.2f}x the bare endpoint's throughput")
    print(f"{args.connections} connections, {args.events} events per delivery, closed loop")


if __name__ == "__main__":
    main()
