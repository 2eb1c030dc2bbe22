"""The pages' static files, read once at start: no build step, no CDN, no framework runtime.

- `static/shared/` holds what both pages run first (format.js: escaping, money, dates); its
  `*.js` files, in name order, open the widget's script and the admin's bundle.
- `static/widget/` holds the booking widget's CSS and JS; the widget page inlines them, so the
  first load is one request (in-app browsers on mobile data pay a round trip per file). The
  `*.js` parts are joined in name order inside one function, so they share one strict scope.
- `static/admin/` holds the admin's parts; every `*.js` (and `*.css`) file is joined in name
  order into one bundle served at `/static/<hash>/admin.js` (and `admin.css`), cached for a year
  (the hash changes with the content).
- Responses are gzipped when the browser accepts it (precompressed once for the static bundles).
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from litestar import Request, Response, get
from litestar.exceptions import NotFoundException

STATIC = Path(__file__).parent / "static"
IMMUTABLE = "public, max-age=31536000, immutable"


@dataclass(frozen=True, slots=True)
class Asset:
    name: str
    body: bytes
    gzipped: bytes
    media_type: str
    digest: str

    @property
    def url(self) -> str:
        return f"/static/{self.digest}/{self.name}"


def _asset(name: str, body: bytes, media_type: str) -> Asset:
    return Asset(
        name=name,
        body=body,
        gzipped=gzip.compress(body, 9, mtime=0),
        media_type=media_type,
        digest=hashlib.sha256(body).hexdigest()[:12],
    )


def _joined(suffix: str, *folders: Path) -> bytes:
    """The `*suffix` files of `folders`, folder after folder, each folder's in name order."""
    parts = [p for folder in folders for p in sorted(folder.glob(f"*{suffix}"))]
    return b"\n".join(p.read_bytes() for p in parts)


def _widget_js(root: Path) -> str:
    """shared/*.js, then the widget's parts as one function body (one scope, strict)."""
    parts = _joined(".js", root / "widget").decode()
    return _joined(".js", root / "shared").decode() + f'\n(() => {{\n"use strict";\n{parts}}})();\n'


@dataclass(frozen=True, slots=True)
class Assets:
    widget_css: str
    widget_js: str
    admin_js: Asset
    admin_css: Asset

    @classmethod
    def load(cls, root: Path = STATIC) -> Assets:
        return cls(
            widget_css=(root / "widget" / "widget.css").read_text(),
            widget_js=_widget_js(root),
            admin_js=_asset(
                "admin.js", _joined(".js", root / "shared", root / "admin"), "text/javascript"
            ),
            admin_css=_asset("admin.css", _joined(".css", root / "admin"), "text/css"),
        )

    def by_url(self, digest: str, name: str) -> Asset | None:
        for asset in (self.admin_js, self.admin_css):
            if asset.digest == digest and asset.name == name:
                return asset
        return None


def accepts_gzip(request: Request[Any, Any, Any]) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def compressed(
    request: Request[Any, Any, Any],
    body: bytes,
    media_type: str,
    *,
    status_code: int = 200,
    headers: dict[str, str] | None = None,
    gzipped: bytes | None = None,
) -> Response[bytes]:
    """`body`, gzipped when the browser takes it (and it is worth it)."""
    out = dict(headers or {})
    out["Vary"] = "Accept-Encoding"
    if accepts_gzip(request) and len(body) > 512:
        out["Content-Encoding"] = "gzip"
        body = gzipped if gzipped is not None else gzip.compress(body, 6)
    return Response(body, status_code=status_code, media_type=media_type, headers=out)


def static_route(assets: Assets) -> Any:
    @get("/static/{digest:str}/{name:str}", include_in_schema=False, name="static-asset")
    async def static_asset(
        request: Request[Any, Any, Any], digest: str, name: str
    ) -> Response[bytes]:
        asset = assets.by_url(digest, name)
        if asset is None:
            raise NotFoundException("No such file.")
        return compressed(
            request,
            asset.body,
            asset.media_type,
            headers={"Cache-Control": IMMUTABLE},
            gzipped=asset.gzipped,
        )

    return static_asset
