"""The Meta sandbox as a real HTTP server (uvicorn in a thread), and a tiny webhook receiver."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import uvicorn

from entrypoints.meta_sandbox import create_sandbox_app

from .servers import free_port


@contextlib.contextmanager
def app_in_thread(app: Any, name: str) -> Iterator[str]:
    """Serve an ASGI app with uvicorn in a daemon thread; yield its base URL."""
    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError(f"the {name} did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)


@contextlib.contextmanager
def sandbox_server() -> Iterator[str]:
    with app_in_thread(create_sandbox_app(), "Meta sandbox") as url:
        yield url


@dataclass
class Receiver:
    """Records every POST (raw body and headers); fails the first `fail_next` with 500."""

    url: str = ""
    received: list[tuple[bytes, dict[str, str]]] = field(default_factory=list)
    fail_next: int = 0
    verify_token: str = "verify-me"
    lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_for(self, n: int, timeout: float = 10) -> None:
        deadline = time.monotonic() + timeout
        while len(self.received) < n:
            if time.monotonic() > deadline:
                raise AssertionError(f"expected {n} webhook deliveries, got {len(self.received)}")
            time.sleep(0.02)


@contextlib.contextmanager
def webhook_receiver() -> Iterator[Receiver]:
    receiver = Receiver()

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            q = {k: v[-1] for k, v in parse_qs(urlsplit(self.path).query).items()}
            ok = q.get("hub.mode") == "subscribe" and q.get("hub.verify_token") == (
                receiver.verify_token
            )
            body = q.get("hub.challenge", "").encode() if ok else b"forbidden"
            self.send_response(200 if ok else 403)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", "0")))
            with receiver.lock:
                failing = receiver.fail_next > 0
                if failing:
                    receiver.fail_next -= 1
                else:
                    receiver.received.append((raw, {k.lower(): v for k, v in self.headers.items()}))
            self.send_response(500 if failing else 200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    receiver.url = f"http://127.0.0.1:{server.server_address[1]}/webhooks/meta"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield receiver
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture(scope="module")
def sandbox_url() -> Iterator[str]:
    with sandbox_server() as url:
        yield url


@pytest.fixture
def sandbox(sandbox_url: str) -> Iterator[httpx.Client]:
    """A client on a freshly reset sandbox."""
    with httpx.Client(base_url=sandbox_url, timeout=10) as client:
        assert client.post("/_sandbox/reset").status_code == 200
        yield client


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with webhook_receiver() as r:
        yield r
