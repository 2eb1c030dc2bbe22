"""The HTML pages served by the same Litestar app as the JSON API: the booking widget
(`/book/...`), the salon admin (`/admin/...`) and their static files."""

from __future__ import annotations

from typing import Any

from .admin import admin_routes
from .assets import Assets, static_route
from .qr import qr_routes
from .widget import widget_routes


def page_routes(assets: Assets | None = None) -> list[Any]:
    assets = assets or Assets.load()
    # The QR route comes before the admin shell's catch-all `/admin/{rest:path}`.
    return [static_route(assets), *qr_routes(), *admin_routes(assets), *widget_routes(assets)]
