"""The login dialog's route: `dialog/oauth` (and anything below it), any version."""

from __future__ import annotations

from typing import Any

from litestar import Request, Response, route

from .dialog import dialog
from .graph_call import DEFAULT_VERSION, answer, split_path, versioned
from .graph_errors import Reply
from .not_routed import METHODS
from .sandbox import Sandbox


@route(
    [*versioned("/dialog/oauth"), *versioned("/dialog/oauth/{rest:path}")],
    http_method=METHODS,
    status_code=200,
)
async def login_dialog(request: Request[Any, Any, Any], sandbox: Sandbox) -> Response[Any]:
    """Under a first segment that is no version, this is an ordinary (unsupported) Graph path."""
    version, segments = split_path(request.scope["path"])
    if segments[:2] == ["dialog", "oauth"]:
        response: Response[Any] = await dialog(sandbox.state, request, version or DEFAULT_VERSION)
        return response

    def never(_: Any) -> Reply:
        raise AssertionError("a dialog path under a non-version is never this shape")

    return await answer(request, sandbox, -1, never)


DIALOG_ROUTES = [login_dialog]
