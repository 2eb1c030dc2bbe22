"""The salon admin's shell: every `/admin/...` path answers the same small HTML page, and the
admin script (static/admin/*.js) draws the screen for the path from the JSON API, authenticated
by the session cookie (sessions.py) with its CSRF token.

The one thing drawn here is the Meta callback's outcome on `/admin/integrations/meta`: the
callback redirects there with `result`/`error`, and the words are ours, chosen by code (the
query's `reason` is never echoed).
"""

from __future__ import annotations

import html
import json
from typing import Any

from litestar import Request, Response, get

from application.meta import wording
from domain.salon import POLICY_LIMITS

from .assets import Assets, compressed

CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "connect-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'"
)


def _landing(request: Request[Any, Any, Any]) -> str:
    q = request.query_params
    result, error = q.get("result", ""), q.get("error", "")
    if result == "connected":
        text = wording.LANDING_CONNECTED
    elif result == "select_page":
        text = wording.LANDING_SELECT_PAGE
    elif result == "error":
        text = wording.LANDING_REASONS.get(error, wording.LANDING_REASONS["meta_error"])
    else:
        return ""
    kind = "error" if result == "error" else "ok"
    e = html.escape
    return (
        f'<p id="result" class="flash flash-{kind}" role="status" data-result="{e(result)}" '
        f'data-error="{e(error)}">{e(text)}</p>'
    )


def _boot() -> str:
    """What the admin script reads before its first request: the booking-policy limits (the
    domain's table), so the settings form's min/max are the API's."""
    limits = {
        name: {"min": x.minimum, "max": x.maximum, "optional": x.optional}
        for name, x in POLICY_LIMITS.items()
    }
    # Numbers and known names only; "<" escaped all the same so nothing can close the tag.
    return json.dumps({"policy_limits": limits}).replace("<", "\\u003c")


def shell(assets: Assets, request: Request[Any, Any, Any]) -> bytes:
    flash = _landing(request) if request.url.path == "/admin/integrations/meta" else ""
    return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="robots" content="noindex">
<title>SalonHub admin</title>
<link rel="stylesheet" href="{assets.admin_css.url}">
<script src="{assets.admin_js.url}" defer></script>
</head><body>
<a class="skip" href="#main">Skip to content</a>
<header class="topbar" id="topbar"><a class="brand" href="/admin">SalonHub</a></header>
<div id="flash-area">{flash}</div>
<main id="main" tabindex="-1"><p class="loading">Loading…</p>
<noscript><p>The SalonHub admin needs JavaScript.</p></noscript></main>
<div id="announce" class="visually-hidden" aria-live="polite"></div>
<script id="boot" type="application/json">{_boot()}</script>
</body></html>""".encode()


def admin_routes(assets: Assets) -> list[Any]:
    headers = {
        "Content-Security-Policy": CSP,
        "Cache-Control": "no-store",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": "same-origin",
    }

    @get(["/admin", "/admin/{rest:path}"], include_in_schema=False, name="admin-shell")
    async def admin_shell(request: Request[Any, Any, Any]) -> Response[bytes]:
        return compressed(request, shell(assets, request), "text/html", headers=headers)

    return [admin_shell]
