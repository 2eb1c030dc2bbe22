"""Per-request dependencies: the use cases, the rate limits and the acting owner."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.datastructures import State

from application.actor import Actor
from application.use_cases import UseCases
from domain.errors import Unauthorized

from .rate_limits import Throttle
from .sessions import check_csrf, session_token


def provide_use_cases(state: State) -> UseCases:
    use_cases: UseCases = state.use_cases
    return use_cases


def provide_throttle(state: State) -> Throttle:
    throttle: Throttle = state.throttle
    return throttle


def bearer_token(request: Request[Any, Any, Any]) -> str:
    scheme, _, token = request.headers.get("authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Unauthorized("Missing bearer token.")
    return token.strip()


async def provide_actor(request: Request[Any, Any, Any], state: State) -> Actor:
    """The owner behind a bearer token; without an Authorization header, behind the admin
    pages' session cookie (CSRF-checked). A bad bearer header is not rescued by a cookie."""
    use_cases: UseCases = state.use_cases
    if "authorization" in request.headers:
        return await use_cases.authenticate(bearer_token(request))
    cookie = session_token(request)
    if cookie is None:
        raise Unauthorized("Missing bearer token or session.")
    check_csrf(request, state.session_secret, cookie)
    return await use_cases.authenticate(cookie)
