"""Browser tests: a real `salonhub serve` (embedded mode: SQLite, in-process queue, the built-in
Meta and texting sandboxes) driven by Playwright in the system Chromium (`/usr/bin/chromium`,
installed by scripts/test.sh; Playwright never downloads a browser here).

With CI=true a missing Chromium fails the run; elsewhere the tests skip and say why.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, sync_playwright

from tests.e2e.chromium import CHROMIUM, CHROMIUM_ARGS
from tests.integration.servers import ROOT, _wait_ready, free_port

SCREENSHOTS = ROOT / "var" / "screenshots"
PHONE: ViewportSize = {"width": 390, "height": 844}
DESKTOP: ViewportSize = {"width": 1280, "height": 800}
AXE = Path(__file__).parent / "vendor" / "axe.min.js"


@dataclass(frozen=True)
class Server:
    url: str
    var: Path

    def api(self) -> httpx.Client:
        return httpx.Client(base_url=self.url, timeout=30)

    def cli(self, *args: str) -> str:
        """`salonhub ARGS` against this server's database (operator commands: set-tier...)."""
        env = {
            **os.environ,
            "SALONHUB_DATABASE_URL": f"sqlite+aiosqlite:///{self.var}/salonhub.db",
            "SALONHUB_VAR_DIR": str(self.var),
        }
        done = subprocess.run(
            [sys.executable, "-m", "entrypoints.cli", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert done.returncode == 0, done.stderr[-2000:]
        return done.stdout


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    """One embedded `salonhub serve`, its public URL on its own port (the Meta dialog comes
    back to it)."""
    var = tmp_path_factory.mktemp("e2e-server")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {
        **os.environ,
        "SALONHUB_DATABASE_URL": f"sqlite+aiosqlite:///{var}/salonhub.db",
        "SALONHUB_VAR_DIR": str(var),
        "SALONHUB_PUBLIC_URL": url,
        "SALONHUB_RATE_LIMITS": "off",
    }
    for name in ("SALONHUB_REDIS_URL", "SALONHUB_META_GRAPH_URL", "SALONHUB_SECRET_KEY"):
        env.pop(name, None)
    log = (var / "server.log").open("ab")
    args = [sys.executable, "-m", "entrypoints.cli", "serve", "--port", str(port)]
    proc = subprocess.Popen(args, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        _wait_ready(url, proc, var)
        yield Server(url=url, var=var)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# Module scope, not session: while Playwright's sync API is open it keeps an event loop running
# on the main thread, and every later test that calls asyncio.run() would fail.
@pytest.fixture(scope="module")
def playwright() -> Iterator[Playwright]:
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required with CI=true and is not at {CHROMIUM}")
        pytest.skip(f"no Chromium at {CHROMIUM}: scripts/test.sh installs it (CI=true: fail)")
    with sync_playwright() as p:
        yield p


@pytest.fixture(scope="module")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


def new_page(browser: Browser, *, phone: bool = True, **options: Any) -> Page:
    """A fresh context (own cookies) at a phone or desktop viewport."""
    viewport = options.pop("viewport", PHONE if phone else DESKTOP)
    context = browser.new_context(
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        device_scale_factor=1,
        locale="en-US",
        **options,
    )
    context.set_default_timeout(10_000)
    return context.new_page()


@pytest.fixture
def phone_page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, phone=True)
    yield page
    page.context.close()


@pytest.fixture
def desktop_page(browser: Browser) -> Iterator[Page]:
    page = new_page(browser, phone=False)
    yield page
    page.context.close()


def snap(page: Page, name: str) -> None:
    """Screenshots of the current screen at 390×844 and 1280×800 into var/screenshots/."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    before = page.viewport_size
    for size in (PHONE, DESKTOP):
        page.set_viewport_size(size)
        page.wait_for_timeout(50)
        page.screenshot(path=str(SCREENSHOTS / f"{name}-{size['width']}x{size['height']}.png"))
    if before is not None:
        page.set_viewport_size(before)


def axe_violations(page: Page, impacts: tuple[str, ...] = ("serious", "critical")) -> list[Any]:
    """axe-core (vendored from npm for the tests only) run in the page; its serious and
    critical findings. Evaluated through the DevTools protocol, so the page's CSP allows it."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.evaluate(AXE.read_text())
    result = page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".map(v => ({id: v.id, impact: v.impact, help: v.help,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 5)}))"
    )
    return [v for v in result if v["impact"] in impacts]
