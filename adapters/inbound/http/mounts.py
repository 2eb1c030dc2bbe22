"""Mounting a built-in sandbox (embedded mode) inside the HTTP app."""

from __future__ import annotations

from litestar import Litestar, asgi
from litestar.handlers import ASGIRouteHandler
from litestar.types import Receive, Scope, Send


def sandbox_mount(sandbox: Litestar, path: str) -> ASGIRouteHandler:
    """A built-in sandbox mounted at `path`: the Meta one serves the login dialog the owner's
    browser opens; both share their state with the in-process adapters."""

    @asgi(path, is_mount=True, copy_scope=True, include_in_schema=False, name=path)
    async def mounted_sandbox(scope: Scope, receive: Receive, send: Send) -> None:
        await sandbox(scope, receive, send)

    return mounted_sandbox
