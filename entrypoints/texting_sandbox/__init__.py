"""A stand-in for Twilio's Messages API (SMS and WhatsApp), outside the hexagon.

Nothing in domain/application/adapters imports it; only tests and developers. Start it with
`python -m entrypoints.texting_sandbox --port N` or `run(port)`; embed it with
`create_texting_sandbox_app()`. Account `DEFAULT_ACCOUNT_SID` / `DEFAULT_AUTH_TOKEN`, senders
`DEFAULT_SMS_FROM` and `DEFAULT_WHATSAPP_FROM`.

Twilio: `POST /2010-04-01/Accounts/{sid}/Messages.json` (form To, From, Body; basic auth).
Control (JSON, `/_sandbox/...`): GET messages?to= · POST reset ·
POST failures {status: 400-599, code?, times?} · POST opt-outs {phone}
"""

from .app import (
    DEFAULT_ACCOUNT_SID,
    DEFAULT_AUTH_TOKEN,
    DEFAULT_SMS_FROM,
    DEFAULT_WHATSAPP_FROM,
    create_texting_sandbox_app,
    run,
)

__all__ = [
    "DEFAULT_ACCOUNT_SID",
    "DEFAULT_AUTH_TOKEN",
    "DEFAULT_SMS_FROM",
    "DEFAULT_WHATSAPP_FROM",
    "create_texting_sandbox_app",
    "run",
]
