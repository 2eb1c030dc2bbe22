"""`GET /admin/qr.svg?data=<url>`: a QR code (SVG, made with segno) for the admin's booking
links, so the owner can print the Stories link or show it on a screen. Only http(s) URLs of at
most 512 characters are drawn; anything else is a 422 envelope."""

from __future__ import annotations

import io
from typing import Annotated, Any
from urllib.parse import urlsplit

import segno
from litestar import Request, Response, get
from litestar.params import Parameter

from domain.errors import ValidationFailed

from .assets import compressed

MAX_DATA = 512
QrData = Annotated[str | None, Parameter(query="data", required=False, max_length=4096)]


def _checked(data: str | None) -> str:
    if not data:
        raise ValidationFailed("Give the link to encode.", {"data": "is required"})
    if len(data) > MAX_DATA:
        raise ValidationFailed(
            "That link is too long for a QR code.", {"data": f"at most {MAX_DATA} characters"}
        )
    parts = urlsplit(data)
    if parts.scheme not in ("http", "https") or not parts.netloc or data != data.strip():
        raise ValidationFailed("Only web links can be drawn.", {"data": "must be an http(s) URL"})
    return data


def qr_svg(data: str) -> bytes:
    out = io.BytesIO()
    segno.make(data, error="m").save(
        out,
        kind="svg",
        scale=6,
        border=4,
        xmldecl=False,
        title="QR code",
        dark="#000",
        light="#fff",
    )
    return out.getvalue()


def qr_routes() -> list[Any]:
    @get("/admin/qr.svg", include_in_schema=False, name="admin-qr")
    async def admin_qr(request: Request[Any, Any, Any], qr_data: QrData = None) -> Response[bytes]:
        body = qr_svg(_checked(qr_data))
        headers = {"Cache-Control": "private, max-age=3600", "X-Content-Type-Options": "nosniff"}
        return compressed(request, body, "image/svg+xml", headers=headers)

    return [admin_qr]
