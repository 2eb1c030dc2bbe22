"""The booking widget's HTML: one page with the CSS, the JS and the boot JSON inline, its
headers (a fresh nonce for the CSP each time), and the plain 404 page for a bad address."""

from __future__ import annotations

import html
from typing import Any

import msgspec
from litestar import Request, Response

from .assets import Assets, compressed


def _json_for_html(value: Any) -> str:
    """JSON safe inside `<script type="application/json">` (no `</script>`, no `<!--`)."""
    return msgspec.json.encode(value).decode().replace("<", "\\u003c")


class WidgetPage:
    def __init__(self, assets: Assets) -> None:
        self._css, self._js = assets.widget_css, assets.widget_js

    def render(self, title: str, boot: dict[str, Any], nonce: str) -> bytes:
        # The manage page's URL holds its token: no Referer at all, even to ourselves.
        referrer = "no-referrer" if boot["mode"] == "manage" else "same-origin"
        e = html.escape
        brand = boot["salon"]["brand"] or {}
        # Validated #rrggbb (domain.salon.Branding), so safe inside the style element.
        colour = f":root{{--brand:{brand['color']}}}" if brand.get("color") else ""
        logo = (
            f'<img class="logo" src="{e(brand["logo_url"])}" alt="" width="40" height="40">'
            if brand.get("logo_url")
            else ""
        )
        return f"""<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="robots" content="noindex"><meta name="referrer" content="{referrer}">
<title>{e(title)}</title>
<style nonce="{nonce}">{self._css}{colour}</style>
</head><body>
<header class="top"><p class="salon">{logo}{e(boot["salon"]["name"])}</p>
<p class="progress" id="progress"></p></header>
<main id="app" tabindex="-1"><noscript><p>Booking needs JavaScript turned on.</p></noscript></main>
<p id="live" class="sr" aria-live="polite" aria-atomic="true"></p>
<footer class="foot">Booking by SalonHub</footer>
<script id="boot" type="application/json">{_json_for_html(boot)}</script>
<script nonce="{nonce}">{self._js}</script>
</body></html>""".encode()


def page_headers(nonce: str, referrer: str) -> dict[str, str]:
    return {
        "Content-Security-Policy": (
            f"default-src 'self'; script-src 'nonce-{nonce}'; style-src 'nonce-{nonce}'; "
            "img-src 'self' data: https:; connect-src 'self'; frame-ancestors 'none'; "
            "base-uri 'none'; form-action 'self'"
        ),
        "Cache-Control": "no-cache, private",
        "X-Content-Type-Options": "nosniff",
        "Referrer-Policy": referrer,
    }


def not_found_page(request: Request[Any, Any, Any], message: str) -> Response[bytes]:
    body = f"""<!doctype html><html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1"><title>Not found</title></head>
<body><main><h1>Not found</h1><p>{html.escape(message)}</p></main></body></html>""".encode()
    return compressed(request, body, "text/html", status_code=404)
