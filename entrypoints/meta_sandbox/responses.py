"""The sandbox's response shapes: JSON (Graph and control), the dialog's HTML, redirects."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

import msgspec
from litestar import Response


def json_response(status: int, body: Any, headers: dict[str, str] | None = None) -> Response[bytes]:
    return Response(
        content=msgspec.json.encode(body),
        status_code=status,
        media_type="application/json",
        headers=headers or {},
    )


def html_response(status: int, body: str) -> Response[str]:
    return Response(content=body, status_code=status, media_type="text/html")


def redirect(url: str, params: dict[str, str]) -> Response[bytes]:
    parts = urlsplit(url)
    query = (parts.query + "&" if parts.query else "") + urlencode(params)
    location = urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    return Response(content=b"", status_code=302, headers={"Location": location})
