"""Graph routes for a Page's settings: subscribed_apps (webhooks), messenger_profile, and the
business's FBE installs."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, route

from .graph_call import answer, versioned
from .not_routed import METHODS
from .sandbox import Sandbox


@route(versioned("/{page_id:str}/subscribed_apps"), http_method=METHODS, status_code=200)
async def subscribed_apps(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    return await answer(
        request,
        sandbox,
        2,
        lambda c: sandbox.graph.subscribed_apps(c.method, c.segments[0], c.query, c.body),
    )


@route(versioned("/{page_id:str}/messenger_profile"), http_method=METHODS, status_code=200)
async def messenger_profile(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    return await answer(
        request,
        sandbox,
        2,
        lambda c: sandbox.graph.messenger_profile(c.method, c.segments[0], c.query, c.body),
    )


@route(versioned("/fbe_business/fbe_installs"), http_method=["GET", "DELETE"], status_code=200)
async def fbe_installs(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[bytes]:
    graph = sandbox.graph
    return await answer(
        request,
        sandbox,
        2,
        lambda c: (
            graph.fbe_installs(c.query) if c.method == "GET" else graph.fbe_uninstall(c.query)
        ),
    )


SUBSCRIPTION_ROUTES = [subscribed_apps, messenger_profile, fbe_installs]
