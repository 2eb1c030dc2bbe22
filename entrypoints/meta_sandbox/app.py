"""The sandbox as a Litestar app: the Graph routes (routes_*), the login dialog and the
`/_sandbox` control API (control*). Litestar's 404/405 answer as Meta does (not_routed)."""

from __future__ import annotations

from litestar import Litestar
from litestar.di import Provide

from .control import control_router
from .not_routed import not_routed
from .routes_dialog import DIALOG_ROUTES
from .routes_messages import MESSAGE_ROUTES
from .routes_pages import PAGE_ROUTES
from .routes_subscriptions import SUBSCRIPTION_ROUTES
from .routes_tokens import TOKEN_ROUTES
from .sandbox import Sandbox
from .state import DEFAULT_APP_ID, DEFAULT_APP_SECRET, SandboxState

GRAPH_ROUTES = [
    *TOKEN_ROUTES,
    *PAGE_ROUTES,
    *SUBSCRIPTION_ROUTES,
    *MESSAGE_ROUTES,
    *DIALOG_ROUTES,
]


def create_sandbox_app(
    state: SandboxState | None = None,
    *,
    app_id: str = DEFAULT_APP_ID,
    app_secret: str = DEFAULT_APP_SECRET,
) -> Litestar:
    """The sandbox app. With `state` given, its app id/secret are used and the keywords ignored."""
    sandbox = Sandbox(state or SandboxState.seeded(app_id=app_id, app_secret=app_secret))
    app = Litestar(
        route_handlers=[control_router(), *GRAPH_ROUTES],
        dependencies={
            "sandbox": Provide(lambda: sandbox, sync_to_thread=False),
            "sandbox_state": Provide(lambda: sandbox.state, sync_to_thread=False),
            "webhook_sender": Provide(lambda: sandbox.sender, sync_to_thread=False),
        },
        exception_handlers={404: not_routed, 405: not_routed},
        debug=False,
        openapi_config=None,
        logging_config=None,  # the host process (salonhub serve) owns logging
    )
    app.state["sandbox"] = sandbox
    return app


def run(port: int, host: str = "127.0.0.1", state: SandboxState | None = None) -> None:
    """Serve the sandbox with uvicorn until interrupted."""
    import uvicorn

    uvicorn.run(create_sandbox_app(state), host=host, port=port, log_level="warning")
