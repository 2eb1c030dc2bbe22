"""The HTML pages served by the same Litestar app as the JSON API: the booking widget
(`/book/...`), the salon admin (`/admin/...`) and their static files."""

from __future__ import annotations

from typing import Any

from .admin import admin_routes
from .assets import Assets, static_route
from .widget import widget_routes


def page_routes(assets: Assets | None = None) -> list[Any]:
    assets = assets or Assets.load()
    return [static_route(assets), *admin_routes(assets), *widget_routes(assets)]
