"""The `/_sandbox` control API (JSON) as a Litestar router; the routes are in control_state,
control_failures, control_phone and control_webhooks, their shared parts in control_common."""

from __future__ import annotations

from litestar import Router
from litestar.di import Provide

from .control_common import bad_input, provide_args, read_args, unknown_control_route
from .control_failures import FAILURE_ROUTES
from .control_phone import phone
from .control_state import STATE_ROUTES
from .control_webhooks import WEBHOOK_ROUTES


def control_router() -> Router:
    """Every control route reads its JSON body first (`args`); a KeyError, ValueError or
    TypeError in one answers 400 `{"error": "Type: message"}`."""
    return Router(
        path="/_sandbox",
        route_handlers=[
            *STATE_ROUTES,
            *FAILURE_ROUTES,
            phone,
            *WEBHOOK_ROUTES,
            unknown_control_route,
        ],
        before_request=read_args,
        dependencies={"args": Provide(provide_args)},
        exception_handlers={KeyError: bad_input, ValueError: bad_input, TypeError: bad_input},
    )
