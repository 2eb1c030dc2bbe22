"""The login dialog (`dialog/oauth`): GET shows the page, POST approves or cancels and
redirects back with a code (or `access_denied`); Business Login `extras` record an FBE install."""

from __future__ import annotations

import secrets
from typing import Any
from urllib.parse import parse_qs

import msgspec
from litestar import Request

from .dialog_page import dialog_page
from .responses import html_response, redirect
from .state import DEFAULT_SCOPES, AuthCode, SandboxState


async def dialog(state: SandboxState, request: Request[Any, Any, Any], version: str) -> Any:
    s = state
    if request.method == "POST":
        form = parse_qs((await request.body()).decode(errors="replace"))
        q = {k: v[-1] for k, v in form.items()}
        chosen = [p for p in form.get("page_ids", []) if p in s.pages]
    else:
        q = {k: v for k, v in request.query_params.items()}
        chosen = []
    client_id, redirect_uri = q.get("client_id", ""), q.get("redirect_uri", "")
    if client_id != s.app_id:
        return html_response(
            400,
            "<!doctype html><title>Error</title><h1>Invalid App ID</h1>"
            "<p>The provided app ID does not look like a valid app ID.</p>",
        )
    if not redirect_uri.startswith(("http://", "https://")):
        return html_response(
            400,
            "<!doctype html><title>Error</title><h1>URL blocked</h1><p>This "
            "redirect failed because the redirect URI is not whitelisted.</p>",
        )
    if q.get("response_type", "code") != "code":
        return html_response(400, "<!doctype html><h1>Unsupported response_type</h1>")
    scopes = [x for x in q.get("scope", "").replace(" ", ",").split(",") if x]
    extras: dict[str, Any] | None = None
    if q.get("extras"):
        try:
            decoded = msgspec.json.decode(q["extras"])
        except msgspec.DecodeError:
            return html_response(400, "<!doctype html><h1>Invalid extras</h1>")
        if not isinstance(decoded, dict) or "setup" not in decoded:
            return html_response(400, "<!doctype html><h1>Invalid extras: setup is required</h1>")
        extras = decoded
    state_param = q.get("state", "")
    if request.method == "GET":
        return html_response(200, dialog_page(state, version, q, scopes, extras))
    if q.get("action") != "approve":
        return redirect(
            redirect_uri,
            {
                "error": "access_denied",
                "error_code": "200",
                "error_reason": "user_denied",
                "error_description": "Permissions error",
                "state": state_param,
            },
        )
    code = AuthCode(
        code="AQ" + secrets.token_urlsafe(64),
        user_id=s.user.id,
        redirect_uri=redirect_uri,
        scopes=scopes or list(DEFAULT_SCOPES),
        page_ids=chosen,
        expires_at=s.now() + 600,
    )
    s.codes[code.code] = code
    if extras is not None:
        record_install(state, extras, chosen)
    return redirect(redirect_uri, {"code": code.code, "state": state_param})


def record_install(state: SandboxState, extras: dict[str, Any], page_ids: list[str]) -> None:
    s = state
    setup = extras.get("setup") or {}
    ext = str(setup.get("external_business_id", ""))
    config = extras.get("business_config") or {}
    install = {
        "business_manager_id": "3000" + secrets.token_hex(6),
        "pages": page_ids,
        "instagram_profiles": [s.pages[p].ig.id for p in page_ids if s.pages[p].ig],  # type: ignore[union-attr]
        "installed_features": [
            {
                "feature_type": k,
                "connected_assets": {"page_id": page_ids[0]} if page_ids else {},
            }
            for k in ("page_cta", "ig_cta", "messenger_menu")
            if isinstance(config.get(k), dict) and config[k].get("enabled", True)
        ],
        "token_type": "User",
        "external_business_id": ext,
        "setup": setup,
        "business_config": config,
    }
    s.installs[ext] = install
    s.install_log.append(
        {
            "action": "install",
            "external_business_id": ext,
            "setup": setup,
            "business_config": config,
            "at": s.now(),
        }
    )
