from __future__ import annotations

from typing import Any

from litestar import Controller, Request, post
from litestar.status_codes import HTTP_200_OK, HTTP_201_CREATED, HTTP_204_NO_CONTENT

from application.use_cases import UseCases

from .dependencies import bearer_token
from .rate_limits import Throttle
from .schemas.accounts import LogInIn, SignUpIn, SignUpOut, TokenOut


class AccountsController(Controller):
    path = "/api/auth"
    tags = ["accounts"]

    @post("/signup", status_code=HTTP_201_CREATED)
    async def sign_up(self, data: SignUpIn, use_cases: UseCases) -> SignUpOut:
        result = await use_cases.sign_up(
            email=data.email,
            password=data.password,
            salon_name=data.salon_name,
            timezone=data.timezone,
            country=data.country,
        )
        return SignUpOut(owner_id=result.owner_id, salon_id=result.salon_id, token=result.token)

    @post("/login", status_code=HTTP_200_OK)
    async def log_in(
        self,
        data: LogInIn,
        use_cases: UseCases,
        request: Request[Any, Any, Any],
        throttle: Throttle,
    ) -> TokenOut:
        await throttle.check(request, "login", email=data.email)
        return TokenOut(token=await use_cases.log_in(email=data.email, password=data.password))

    @post("/logout", status_code=HTTP_204_NO_CONTENT)
    async def log_out(self, request: Request[Any, Any, Any], use_cases: UseCases) -> None:
        await use_cases.log_out(bearer_token(request))
