"""Benchmark: the booking widget's first load in headless Chromium, on loopback and on Slow 4G.

`salonhub serve` (embedded: SQLite, the demo salon) serves `/book/{slug}`; Playwright drives the
system Chromium (`/usr/bin/chromium`), a fresh browser context (cold cache) per load at a phone
viewport. The widget marks `first-screen` (its first step is drawn) and `slots-visible` (a day's
time slots are on screen) with `performance.mark`; their times are from navigation start.

Two entries:
- *deep link*: `/book/{slug}?src=instagram&service=…&staff=any&step=time` — what a reload,
  back/forward or a "Book a haircut" link opens; the week's slots come inline with the page;
- *entry*: `/book/{slug}?src=instagram` — the "Book Now" button; time to the service list.

Networks: loopback (no emulation) and Chromium's "Slow 4G" preset through the DevTools protocol
(`Network.emulateNetworkConditions`: 562.5 ms latency, 1.6 Mbit/s × 0.9 down, 750 kbit/s × 0.9
up — DevTools' own numbers for that preset). Bytes are the compressed transfer sizes of
everything the page loaded before the mark (Resource Timing `transferSize`).

Baseline, same run, same browser and network: the bare app's `/bare/page` (bench/bare_app.py),
a 270-byte page that marks both at once — the floor any page pays on that network.
Targets (issue 6): slots visible under 300 ms on loopback and under 1.5 s on Slow 4G; the whole
first load under 50 KB compressed; server time under 20 ms (measured over HTTP on loopback).

    .venv/bin/python bench/widget_load.py               # 20 loads a case on loopback, 8 on Slow 4G
    .venv/bin/python bench/widget_load.py --loads 5 --slow-loads 3
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from loadtools import percentile, table
from seeding import PYTHON, ROOT, SECRET_KEY, bare_server, log, salonhub_server, workdir

sys.path.insert(0, str(ROOT))
from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS  # the browser tests' own launch settings

SLOW_4G = {
    "offline": False,
    "latency": 150 * 3.75,
    "downloadThroughput": 1.6 * 1000 * 1000 / 8 * 0.9,
    "uploadThroughput": 750 * 1000 / 8 * 0.9,
}
PHONE = {"width": 390, "height": 844}


def seed_demo(var: Path, database_url: str) -> dict[str, str]:
    env = {
        **os.environ,
        "SALONHUB_DATABASE_URL": database_url,
        "SALONHUB_VAR_DIR": str(var),
        "SALONHUB_SECRET_KEY": SECRET_KEY,
    }
    env.pop("SALONHUB_REDIS_URL", None)
    out = subprocess.run(
        [PYTHON, "-m", "entrypoints.cli", "demo"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    fields = {}
    for line in out.splitlines():
        name, _, value = line.strip().partition(":")
        fields[name.strip()] = value.strip()
    return fields


def load_once(
    browser: Any, url: str, mark: str, network: dict[str, Any] | None
) -> dict[str, float]:
    context = browser.new_context(viewport=PHONE, is_mobile=True, has_touch=True)
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if network is not None:
        cdp.send("Network.emulateNetworkConditions", network)
    page.goto(url, wait_until="commit")
    # Polled from here: the page's CSP forbids the eval a wait_for_function would need. The time
    # read is the mark's own, so the polling interval does not enter the figure.
    deadline = time.monotonic() + 30
    while not page.evaluate("(m) => performance.getEntriesByName(m).length > 0", mark):
        if time.monotonic() > deadline:
            raise TimeoutError(f"no {mark} mark at {url}")
        page.wait_for_timeout(5)
    found = page.evaluate(
        """(mark) => {
          const at = performance.getEntriesByName(mark)[0].startTime;
          const nav = performance.getEntriesByType("navigation")[0];
          const before = performance.getEntriesByType("resource").filter(r => r.startTime < at);
          const bytes = nav.transferSize + before.reduce((n, r) => n + r.transferSize, 0);
          return {ms: at, bytes, requests: 1 + before.length, ttfb: nav.responseStart};
        }""",
        mark,
    )
    context.close()
    return found


def measure(
    browser: Any, url: str, mark: str, network: dict[str, Any] | None, n: int
) -> dict[str, float]:
    load_once(browser, url, mark, network)  # warm the server's code paths, not the browser cache
    runs = [load_once(browser, url, mark, network) for _ in range(n)]
    times = [r["ms"] for r in runs]
    return {
        "p50": percentile(times, 50),
        "p90": percentile(times, 90),
        "max": max(times),
        "bytes": max(r["bytes"] for r in runs),
        "requests": max(r["requests"] for r in runs),
        "ttfb": percentile([r["ttfb"] for r in runs], 50),
    }


def server_times(url: str, n: int) -> dict[str, float]:
    import httpx

    with httpx.Client(timeout=10, headers={"Accept-Encoding": "gzip"}) as client:
        for _ in range(20):
            client.get(url)
        samples = []
        for _ in range(n):
            began = time.perf_counter()
            r = client.get(url)
            samples.append((time.perf_counter() - began) * 1000)
            assert r.status_code == 200, r.status_code
        size = len(r.content)
        wire = int(r.headers.get("content-length", size))
    return {"p50": percentile(samples, 50), "p99": percentile(samples, 99), "wire": wire}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--loads", type=int, default=20, help="loads a case on loopback")
    parser.add_argument("--slow-loads", type=int, default=8, help="loads a case on Slow 4G")
    parser.add_argument("--http", type=int, default=300, help="requests for the server timing")
    args = parser.parse_args()
    from playwright.sync_api import sync_playwright

    with workdir() as var:
        database_url = f"sqlite+aiosqlite:///{var}/salonhub.db"
        demo = seed_demo(var, database_url)
        with salonhub_server(database_url, var) as app, bare_server(var) as bare:
            import httpx

            salon_id = demo["salon id"]
            offer = httpx.get(f"{app.url}/api/book/social/{salon_id}").json()
            slug = offer["salon"]["slug"]
            service = offer["services"][0]["id"]
            entry = f"{app.url}/book/{slug}?src=instagram"
            deep = f"{entry}&service={service}&staff=any&step=time"
            baseline = f"{bare.url}/bare/page"
            log(f"widget {deep}")
            rows = []
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
                for name, network, n in (
                    ("loopback", None, args.loads),
                    ("Slow 4G", SLOW_4G, args.slow_loads),
                ):
                    base = measure(browser, baseline, "slots-visible", network, n)
                    cases = (
                        ("deep link → slots visible", deep, "slots-visible"),
                        ("entry → services visible", entry, "first-screen"),
                    )
                    rows.append(
                        [
                            name,
                            "bare page (baseline)",
                            f"{base['p50']:.0f}",
                            f"{base['p90']:.0f}",
                            f"{base['max']:.0f}",
                            base["bytes"],
                            base["requests"],
                            "1.00×",
                        ]
                    )
                    for label, url, mark in cases:
                        got = measure(browser, url, mark, network, n)
                        rows.append(
                            [
                                name,
                                label,
                                f"{got['p50']:.0f}",
                                f"{got['p90']:.0f}",
                                f"{got['max']:.0f}",
                                got["bytes"],
                                got["requests"],
                                f"{got['p50'] / base['p50']:.2f}×",
                            ]
                        )
                browser.close()
            page_deep = server_times(deep, args.http)
            page_entry = server_times(entry, args.http)
            page_bare = server_times(baseline, args.http)
    print()
    print(
        table(
            ["network", "load", "p50 ms", "p90 ms", "max ms", "bytes", "requests", "p50 vs bare"],
            rows,
        )
    )
    print()
    print(
        table(
            ["page over HTTP (loopback, gzip)", "p50 ms", "p99 ms", "bytes on the wire"],
            [
                [
                    "bare page (baseline)",
                    f"{page_bare['p50']:.2f}",
                    f"{page_bare['p99']:.2f}",
                    page_bare["wire"],
                ],
                [
                    "widget entry",
                    f"{page_entry['p50']:.2f}",
                    f"{page_entry['p99']:.2f}",
                    page_entry["wire"],
                ],
                [
                    "widget deep link (+ 7 days of slots)",
                    f"{page_deep['p50']:.2f}",
                    f"{page_deep['p99']:.2f}",
                    page_deep["wire"],
                ],
            ],
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
