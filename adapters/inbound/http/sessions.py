"""Browser sessions for the admin pages: the same revocable owner token as the bearer API, carried
in an HttpOnly cookie, with a CSRF token that every state-changing request must echo.

- The cookie is `HttpOnly; SameSite=Lax; Path=/` (and `Secure` when the public URL is https), so
  page scripts never read the credential and other sites' forms do not carry it on POST.
- The CSRF token is an HMAC of the session token under the secret key (a synchronizer token that
  needs no storage): the page gets it from `GET /api/auth/session` and sends it back as
  `X-CSRF-Token`. A cookie-authenticated POST/PUT/PATCH/DELETE without it is 403 `forbidden`.
- A request with an `Authorization` header is a bearer request and the cookie is ignored.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from typing import Any

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.datastructures import Cookie, State
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.use_cases import UseCases
from domain.errors import Forbidden, Unauthorized

from .rate_limits import Throttle
from .schemas.accounts import LogInIn, SignUpIn

SESSION_COOKIE = "salonhub_session"
CSRF_HEADER = "x-csrf-token"
SESSION_MAX_AGE = 14 * 24 * 3600
_SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(secret: bytes, session_token: str) -> str:
    digest = hmac.new(secret, b"csrf:" + session_token.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def session_token(request: Request[Any, Any, Any]) -> str | None:
    return request.cookies.get(SESSION_COOKIE) or None


def check_csrf(request: Request[Any, Any, Any], secret: bytes, token: str) -> None:
    if request.method in _SAFE_METHODS:
        return
    sent = request.headers.get(CSRF_HEADER, "")
    if not sent or not hmac.compare_digest(sent, csrf_token(secret, token)):
        raise Forbidden("Missing or wrong CSRF token: reload the page and try again.")


class SessionOut(msgspec.Struct, kw_only=True):
    owner_id: str
    csrf_token: str
    salons: list[SessionSalonOut]


class SessionSalonOut(msgspec.Struct, kw_only=True):
    id: str
    name: str
    slug: str
    tier: str
    timezone: str
    country: str


class SessionStartedOut(msgspec.Struct, kw_only=True):
    owner_id: str
    salon_id: str | None
    csrf_token: str


def _cookie(state: State, value: str, max_age: int) -> Cookie:
    return Cookie(
        key=SESSION_COOKIE,
        value=value,
        max_age=max_age,
        path="/",
        httponly=True,
        samesite="lax",
        secure=bool(state.secure_cookies),
    )


class SessionController(Controller):
    """`/api/auth/session`: log in, sign up, read and end a browser session."""

    path = "/api/auth/session"
    tags = ["accounts"]

    @post("/", status_code=HTTP_200_OK)
    async def log_in(
        self,
        data: LogInIn,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
        state: State,
    ) -> Response[SessionStartedOut]:
        await throttle.check(request, "login", email=data.email)
        token = await use_cases.log_in(email=data.email, password=data.password)
        actor = await use_cases.authenticate(token)
        salons = await use_cases.salons.owned(actor)
        body = SessionStartedOut(
            owner_id=actor.owner_id,
            salon_id=salons[0].id if salons else None,
            csrf_token=csrf_token(state.session_secret, token),
        )
        return Response(body, cookies=[_cookie(state, token, SESSION_MAX_AGE)])

    @post("/signup", status_code=HTTP_201_CREATED)
    async def sign_up(
        self,
        data: SignUpIn,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
        state: State,
    ) -> Response[SessionStartedOut]:
        await throttle.check(request, "signup")
        result = await use_cases.sign_up(
            email=data.email,
            password=data.password,
            salon_name=data.salon_name,
            timezone=data.timezone,
            country=data.country,
        )
        body = SessionStartedOut(
            owner_id=result.owner_id,
            salon_id=result.salon_id,
            csrf_token=csrf_token(state.session_secret, result.token),
        )
        return Response(
            body,
            status_code=HTTP_201_CREATED,
            cookies=[_cookie(state, result.token, SESSION_MAX_AGE)],
        )

    @get("/")
    async def current(
        self, use_cases: UseCases, request: Request[Any, Any, Any], state: State
    ) -> SessionOut:
        token = session_token(request)
        if token is None:
            raise Unauthorized("Not logged in.")
        actor = await use_cases.authenticate(token)
        salons = await use_cases.salons.owned(actor)
        return SessionOut(
            owner_id=actor.owner_id,
            csrf_token=csrf_token(state.session_secret, token),
            salons=[
                SessionSalonOut(
                    id=s.id,
                    name=s.name,
                    slug=s.slug,
                    tier=s.tier.value,
                    timezone=s.timezone,
                    country=s.country,
                )
                for s in salons
            ],
        )

    @delete(
        "/",
        status_code=HTTP_204_NO_CONTENT,
        # Cleared on the way out (an expired copy of the cookie; no `Secure` needed to clear).
        response_cookies=[
            Cookie(key=SESSION_COOKIE, value="", max_age=0, path="/", httponly=True, samesite="lax")
        ],
    )
    async def log_out(
        self, use_cases: UseCases, request: Request[Any, Any, Any], state: State
    ) -> None:
        token = session_token(request)
        if token is not None:
            check_csrf(request, state.session_secret, token)
            await use_cases.log_out(token)
