"""A stand-in for Meta's platform (Graph API, login dialog, webhooks), outside the hexagon.

Nothing in domain/application/adapters imports it; only the CLI (`salonhub meta-sandbox`) and tests.
Start it with `python -m entrypoints.meta_sandbox --port N` or `run(port)`; embed it with
`create_sandbox_app()` (a Litestar ASGI app). Seed (`GET /_sandbox/seed`): app `DEFAULT_APP_ID` /
`DEFAULT_APP_SECRET`, one test user, Pages 101000000000001 (Instagram @glowstudio.bandra) and
101000000000002, each with a Page token, and customers "riya" and "arjun" with PSIDs and IGSIDs.

Graph (`/vNN.0/...`): dialog/oauth (GET page, POST form), oauth/access_token, me, me/accounts,
{page-id}, debug_token, {page-id}/subscribed_apps, me/permissions, fbe_business/fbe_installs,
{page-id|ig-id|me}/messages.

Control (JSON, `/_sandbox/...`):
  GET seed · POST reset · GET sent · GET requests · POST clock {advance_seconds}
  POST codes {redirect_uri, scopes?, page_ids?} → {code} (skip the dialog)
  POST failures {kind: permission|throttle|server_error|latency|token_death, code?, subcode?,
       status?, latency_ms?, path? (substring), times?, after? (throttle warm-up calls)}
  DELETE failures · POST tokens/kill {token?, subcode=460} · POST tokens/data-access {token,
       expires_in}
  POST phone {page_id, customer, platform: messenger|instagram, kind: message|postback|referral|
       appointment, text?, payload?, ref?, booking_id?, status?} (opens the 24-hour window)
  PUT webhooks {callback_url, verify_token?, max_attempts, base_delay, factor, max_delay, timeout,
       unsubscribe_on_failure} · POST webhooks/deliver {payload, wait?} · GET webhooks/deliveries
  POST deauthorize {url} · POST data-deletion {url} (signed_request form POST; tokens die, 458)
"""

from .app import create_sandbox_app, run
from .state import DEFAULT_APP_ID, DEFAULT_APP_SECRET, SandboxState

__all__ = ["DEFAULT_APP_ID", "DEFAULT_APP_SECRET", "SandboxState", "create_sandbox_app", "run"]
