"""The login dialog's HTML: the app asking for access, the user's Pages, the scopes."""

from __future__ import annotations

import html
from typing import Any

from .state import SandboxState


def dialog_page(
    state: SandboxState,
    version: str,
    q: dict[str, str],
    scopes: list[str],
    extras: dict[str, Any] | None,
) -> str:
    s, e = state, html.escape
    hidden = "".join(
        f'<input type="hidden" name="{e(k)}" value="{e(q[k])}">'
        for k in ("client_id", "redirect_uri", "state", "response_type", "scope", "extras")
        if k in q
    )
    pages = "".join(
        f'<li><label><input type="checkbox" name="page_ids" value="{e(p.id)}" checked> '
        f"{e(p.name)}{' (Instagram @' + e(p.ig.username) + ')' if p.ig else ''}</label></li>"
        for p in (s.pages[i] for i in s.user.page_ids)
    )
    scope_items = "".join(f"<li>{e(x)}</li>" for x in scopes)
    business = ""
    if extras is not None:
        setup = extras.get("setup") or {}
        business = (
            f"<p class='fbe'>Business setup for {e(str(setup.get('external_business_id', '')))}</p>"
        )
    return f"""<!doctype html>
<html><head><meta charset="utf-8"><title>Log in with Facebook (sandbox)</title></head>
<body>
<h1>{e(s.app_name)} is requesting access</h1>
<p>Logged in as {e(s.user.name)}</p>{business}
<form method="post" action="oauth">
{hidden}
<h2>Choose the Pages</h2><ul>{pages}</ul>
<h2>Requested permissions</h2><ul class="scopes">{scope_items}</ul>
<button type="submit" name="action" value="approve">Continue</button>
<button type="submit" name="action" value="cancel">Cancel</button>
</form></body></html>"""
