"""The partner settings: our Meta app and the WhatsApp/SMS provider, read from the
environment (embedded mode defaults to the built-in sandboxes)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from entrypoints.env_values import SettingsError, choice, milliseconds
from entrypoints.meta_sandbox.state import DEFAULT_APP_ID as SANDBOX_APP_ID
from entrypoints.meta_sandbox.state import DEFAULT_APP_SECRET as SANDBOX_APP_SECRET
from entrypoints.texting_sandbox.app import DEFAULT_ACCOUNT_SID as TEXTING_SANDBOX_SID
from entrypoints.texting_sandbox.app import DEFAULT_AUTH_TOKEN as TEXTING_SANDBOX_TOKEN
from entrypoints.texting_sandbox.app import DEFAULT_SMS_FROM as TEXTING_SANDBOX_SMS_FROM
from entrypoints.texting_sandbox.app import DEFAULT_WHATSAPP_FROM as TEXTING_SANDBOX_WHATSAPP_FROM

DEFAULT_META_API_VERSION = "v26.0"
SANDBOX_VERIFY_TOKEN = "salonhub-sandbox-verify-token"  # noqa: S105 - a stand-in


@dataclass(frozen=True, slots=True)
class MetaSettings:
    """Our Meta app. `builtin_sandbox`: Graph and dialog are the sandbox mounted in this process
    (embedded mode without SALONHUB_META_GRAPH_URL). `configured` is False outside embedded mode
    when SALONHUB_META_APP_ID is unset: the Meta routes then answer 503."""

    app_id: str = SANDBOX_APP_ID
    app_secret: str = SANDBOX_APP_SECRET
    verify_token: str = SANDBOX_VERIFY_TOKEN
    graph_url: str | None = None  # None: the built-in sandbox
    dialog_url: str | None = None  # None: the built-in sandbox, at PUBLIC_URL/_meta-sandbox
    mode: str = "login"
    api_version: str = DEFAULT_META_API_VERSION
    timeout_s: float = 10.0
    configured: bool = True

    def __repr__(self) -> str:  # never print the secret
        return f"MetaSettings(app_id={self.app_id!r}, mode={self.mode!r}, graph={self.graph_url!r})"

    @property
    def builtin_sandbox(self) -> bool:
        return self.graph_url is None


@dataclass(frozen=True, slots=True)
class TextingSettings:
    """WhatsApp/SMS through a Twilio-style API. `provider`: "sandbox" (the built-in texting
    sandbox, embedded default), "twilio" (SALONHUB_TWILIO_URL, default Twilio itself) or
    "off" (no text channel: messages that would need one are skipped with the reason)."""

    provider: str = "sandbox"
    base_url: str | None = None
    account_sid: str = TEXTING_SANDBOX_SID
    auth_token: str = TEXTING_SANDBOX_TOKEN
    sms_from: str = TEXTING_SANDBOX_SMS_FROM
    whatsapp_from: str | None = TEXTING_SANDBOX_WHATSAPP_FROM
    channel: str = "sms"  # what reminders outside the DM window use: sms | whatsapp

    def __repr__(self) -> str:  # never print the token
        return f"TextingSettings(provider={self.provider!r}, channel={self.channel!r})"


def meta_settings(env: Mapping[str, str], embedded: bool) -> MetaSettings:
    mode = (env.get("SALONHUB_META_MODE") or "login").strip().lower()
    if mode not in ("login", "mbe"):
        raise SettingsError("SALONHUB_META_MODE must be login or mbe")
    version = (env.get("SALONHUB_META_API_VERSION") or DEFAULT_META_API_VERSION).strip()
    if not re.fullmatch(r"v?\d{1,3}\.\d", version):
        raise SettingsError("SALONHUB_META_API_VERSION must look like v26.0")
    version = version if version.startswith("v") else f"v{version}"
    app_id = env.get("SALONHUB_META_APP_ID", "").strip()
    app_secret = env.get("SALONHUB_META_APP_SECRET", "").strip()
    verify_token = env.get("SALONHUB_META_VERIFY_TOKEN", "").strip()
    graph_url = (env.get("SALONHUB_META_GRAPH_URL") or "").strip().rstrip("/") or None
    dialog_url = (env.get("SALONHUB_META_DIALOG_URL") or "").strip().rstrip("/") or None
    timeout = milliseconds(env, "SALONHUB_META_TIMEOUT_MS", 10_000) / 1000
    if app_id and not app_secret:
        raise SettingsError("SALONHUB_META_APP_SECRET is required with SALONHUB_META_APP_ID")
    if embedded:
        # The built-in sandbox stands in for Meta unless a Graph URL is given; a Graph URL
        # without a dialog URL is taken to serve both (an outside sandbox).
        return MetaSettings(
            app_id=app_id or SANDBOX_APP_ID,
            app_secret=app_secret or SANDBOX_APP_SECRET,
            verify_token=verify_token or SANDBOX_VERIFY_TOKEN,
            graph_url=graph_url,
            dialog_url=dialog_url or graph_url,
            mode=mode,
            api_version=version,
            timeout_s=timeout,
        )
    return MetaSettings(
        app_id=app_id,
        app_secret=app_secret,
        verify_token=verify_token,
        graph_url=graph_url or "https://graph.facebook.com",
        dialog_url=dialog_url or "https://www.facebook.com",
        mode=mode,
        api_version=version,
        timeout_s=timeout,
        configured=bool(app_id),
    )


def texting_settings(env: Mapping[str, str], embedded: bool) -> TextingSettings:
    sid = env.get("SALONHUB_TWILIO_ACCOUNT_SID", "").strip()
    provider = choice(
        env,
        "SALONHUB_TEXT_PROVIDER",
        ("sandbox", "twilio", "off"),
        "twilio" if sid else ("sandbox" if embedded else "off"),
    )
    channel = choice(env, "SALONHUB_TEXT_CHANNEL", ("sms", "whatsapp"), "sms")
    if provider != "twilio":
        return TextingSettings(provider=provider, channel=channel)
    token = env.get("SALONHUB_TWILIO_AUTH_TOKEN", "").strip()
    sms_from = env.get("SALONHUB_TWILIO_SMS_FROM", "").strip()
    if not (sid and token and sms_from):
        raise SettingsError(
            "SALONHUB_TWILIO_ACCOUNT_SID, SALONHUB_TWILIO_AUTH_TOKEN and SALONHUB_TWILIO_SMS_FROM "
            "are required for SALONHUB_TEXT_PROVIDER=twilio"
        )
    return TextingSettings(
        provider="twilio",
        base_url=(env.get("SALONHUB_TWILIO_URL") or "https://api.twilio.com").rstrip("/"),
        account_sid=sid,
        auth_token=token,
        sms_from=sms_from,
        whatsapp_from=env.get("SALONHUB_TWILIO_WHATSAPP_FROM", "").strip() or None,
        channel=channel,
    )
