"""Embedded-mode only: the OTP codes the log sender 'sent', so the demo can be used end to end."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from litestar import get
from litestar.handlers import HTTPRouteHandler

RecentCodes = Callable[..., Awaitable[list[dict[str, str]]]]


def dev_otp_outbox_route(recent: RecentCodes) -> HTTPRouteHandler:
    @get("/api/dev/otp-outbox", tags=["embedded mode only"])
    async def otp_outbox(salon_id: str, phone: str | None = None) -> dict[str, Any]:
        """Codes sent by the embedded OTP sender, newest first. Absent outside embedded mode."""
        return {"items": await recent(salon_id, phone)}

    return otp_outbox
