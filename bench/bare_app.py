"""The baseline: a bare Litestar app with one small JSON endpoint (GET and POST).

Served exactly as `salonhub serve` serves the real app (entrypoints/cli.py `_serve`):
`uvicorn.run(app, host, port, log_level="info", access_log=False, proxy_headers=False)`, one
process, default loop and HTTP implementation (whatever uvicorn picks in this venv).

    .venv/bin/python bench/bare_app.py --port 8100
"""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn
from litestar import Litestar, get, post


@get("/bare")
async def bare_get() -> dict[str, Any]:
    return {"status": "ok", "service": "bare", "n": 1}


@post("/bare", status_code=201)
async def bare_post(data: dict[str, Any]) -> dict[str, Any]:
    return {"status": "ok", "service": "bare", "received": len(data)}


# The widget bench's baseline: the smallest page that "shows a slot" the way the widget marks it.
BARE_PAGE = (
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bare</title></head>'
    '<body><button class="slot">10:00</button>'
    '<script>performance.mark("first-screen");performance.mark("slots-visible")</script>'
    "</body></html>"
)


@get("/bare/page", media_type="text/html")
async def bare_page() -> str:
    return BARE_PAGE


app = Litestar(route_handlers=[bare_get, bare_post, bare_page])


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8100)
    args = p.parse_args()
    uvicorn.run(
        app,
        host=args.host,
        port=args.port,
        log_level="info",
        access_log=False,
        proxy_headers=False,
    )


if __name__ == "__main__":
    main()
