"""Configuration from the environment (and ./.env), per API.md's table."""

from __future__ import annotations

import base64
import ipaddress
import os
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

from adapters.outbound.crypto import parse_key_ring
from application.ports.rate_limiter import Rate
from entrypoints.meta_sandbox.state import DEFAULT_APP_ID as SANDBOX_APP_ID
from entrypoints.meta_sandbox.state import DEFAULT_APP_SECRET as SANDBOX_APP_SECRET
from entrypoints.texting_sandbox.app import DEFAULT_ACCOUNT_SID as TEXTING_SANDBOX_SID
from entrypoints.texting_sandbox.app import DEFAULT_AUTH_TOKEN as TEXTING_SANDBOX_TOKEN
from entrypoints.texting_sandbox.app import DEFAULT_SMS_FROM as TEXTING_SANDBOX_SMS_FROM
from entrypoints.texting_sandbox.app import DEFAULT_WHATSAPP_FROM as TEXTING_SANDBOX_WHATSAPP_FROM

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/salonhub.db"
DEFAULT_META_API_VERSION = "v26.0"
SANDBOX_VERIFY_TOKEN = "salonhub-sandbox-verify-token"  # noqa: S105 - a stand-in

# Rule name -> rate; each can be overridden as SALONHUB_RATE_LIMIT_<NAME>, e.g.
# SALONHUB_RATE_LIMIT_BOOK_IP=20/minute (the `limits` library's notation; see README).
DEFAULT_RATE_LIMITS: Mapping[str, Rate] = {
    "book_ip": Rate.parse("20/minute"),
    "book_phone": Rate.parse("5/minute"),
    "otp_start_ip": Rate.parse("20/10 minutes"),
    "otp_start_phone": Rate.parse("5/10 minutes"),
    "otp_verify_ip": Rate.parse("20/10 minutes"),
    "otp_verify_phone": Rate.parse("10/10 minutes"),
    "availability_ip": Rate.parse("120/minute"),
    "funnel_ip": Rate.parse("120/minute"),  # the booking widget's analytics beacon
    "login_ip": Rate.parse("10/minute"),
    "login_email": Rate.parse("5/minute"),
    "signup_ip": Rate.parse("20/hour"),
    "meta_sync_salon": Rate.parse("12/hour"),
}


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


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


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: bytes = b""
    encryption_keys: tuple[bytes, ...] = ()
    public_url: str = "http://127.0.0.1:8000"
    rate_limits: bool = True
    rate_limit_rules: Mapping[str, Rate] = field(default_factory=lambda: dict(DEFAULT_RATE_LIMITS))
    rate_limit_prefix: str = "salonhub:rl:"
    # How long a rate-limit check may wait on Redis before failing open.
    rate_limit_timeout_s: float = 0.25
    trusted_proxies: tuple[str, ...] = ()
    var_dir: Path = Path("var")
    meta: MetaSettings = field(default_factory=lambda: MetaSettings())
    periodic_jobs: bool = (
        True  # embedded `serve` runs the scheduled jobs itself (SALONHUB_PERIODIC_JOBS)
    )
    texting: TextingSettings = field(default_factory=lambda: TextingSettings())
    # "inprocess": each `serve` runs the relay and the jobs itself (embedded default);
    # "dramatiq": `salonhub worker` runs them from Redis (the default with SALONHUB_REDIS_URL).
    workers: str = "inprocess"
    messaging: str = "live"  # "log": messages are logged, never sent (a staging copy)
    # How long a worker holds a claimed job before another may take it over (a dead
    # worker's job comes back after this); SALONHUB_LEASE_SECONDS, 5 to 3600.
    lease_s: int = 120

    @property
    def embedded(self) -> bool:
        """No Redis: in-process queue and limits, generated secrets allowed."""
        return self.redis_url is None


def _embedded_secret(var_dir: Path, name: str) -> str:
    """Read or create a random secret under ./var (embedded mode only)."""
    path = var_dir / name
    if path.exists():
        return path.read_text().strip()
    var_dir.mkdir(parents=True, exist_ok=True)
    value = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
    path.write_text(value + "\n")
    path.chmod(0o600)
    return value


def load_settings(env: dict[str, str] | None = None, *, read_dotenv: bool = True) -> Settings:
    if env is None:
        if read_dotenv:
            load_dotenv(Path.cwd() / ".env", override=False)
        env = dict(os.environ)
    var_dir = Path(env.get("SALONHUB_VAR_DIR", "var"))
    redis_url = env.get("SALONHUB_REDIS_URL") or None
    embedded = redis_url is None
    secret = env.get("SALONHUB_SECRET_KEY")
    keys = env.get("SALONHUB_ENCRYPTION_KEYS")
    if not embedded and (not secret or not keys):
        raise SettingsError(
            "SALONHUB_SECRET_KEY and SALONHUB_ENCRYPTION_KEYS are required when "
            "SALONHUB_REDIS_URL is set"
        )
    secret = secret or _embedded_secret(var_dir, "secret_key")
    keys = keys or _embedded_secret(var_dir, "encryption_keys")
    if len(secret) < 16:
        raise SettingsError("SALONHUB_SECRET_KEY must be at least 16 characters")
    rate_limits = env.get("SALONHUB_RATE_LIMITS", "on").strip().lower()
    if rate_limits not in ("on", "off"):
        raise SettingsError("SALONHUB_RATE_LIMITS must be on or off")
    return Settings(
        database_url=env.get("SALONHUB_DATABASE_URL") or DEFAULT_DATABASE_URL,
        redis_url=redis_url,
        secret_key=secret.encode(),
        encryption_keys=_key_ring(keys),
        public_url=(env.get("SALONHUB_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        rate_limits=rate_limits == "on",
        rate_limit_rules=_rate_limit_rules(env),
        rate_limit_prefix=env.get("SALONHUB_RATE_LIMIT_PREFIX") or "salonhub:rl:",
        rate_limit_timeout_s=_milliseconds(env, "SALONHUB_RATE_LIMIT_TIMEOUT_MS", 250) / 1000,
        trusted_proxies=_trusted_proxies(env.get("SALONHUB_TRUSTED_PROXIES", "")),
        var_dir=var_dir,
        meta=_meta_settings(env, embedded),
        periodic_jobs=_on_off(env, "SALONHUB_PERIODIC_JOBS", default=True),
        texting=_texting_settings(env, embedded),
        workers=_choice(
            env,
            "SALONHUB_WORKERS",
            ("inprocess", "dramatiq"),
            "inprocess" if embedded else "dramatiq",
        ),
        messaging=_choice(env, "SALONHUB_MESSAGING", ("live", "log"), "live"),
        lease_s=_seconds(env, "SALONHUB_LEASE_SECONDS", 120),
    )


def _seconds(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 5 <= int(raw) <= 3600:
        raise SettingsError(f"{name} must be a whole number of seconds from 5 to 3600")
    return int(raw)


def _choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip().lower() or default
    if value not in allowed:
        raise SettingsError(f"{name} must be one of: {', '.join(allowed)}")
    return value


def _texting_settings(env: Mapping[str, str], embedded: bool) -> TextingSettings:
    sid = env.get("SALONHUB_TWILIO_ACCOUNT_SID", "").strip()
    provider = _choice(
        env,
        "SALONHUB_TEXT_PROVIDER",
        ("sandbox", "twilio", "off"),
        "twilio" if sid else ("sandbox" if embedded else "off"),
    )
    channel = _choice(env, "SALONHUB_TEXT_CHANNEL", ("sms", "whatsapp"), "sms")
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


def _on_off(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("on", "off"):
        raise SettingsError(f"{name} must be on or off")
    return raw == "on"


def _meta_settings(env: Mapping[str, str], embedded: bool) -> MetaSettings:
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
    timeout = _milliseconds(env, "SALONHUB_META_TIMEOUT_MS", 10_000) / 1000
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


def _rate_limit_rules(env: Mapping[str, str]) -> dict[str, Rate]:
    rules = dict(DEFAULT_RATE_LIMITS)
    for name in rules:
        variable = f"SALONHUB_RATE_LIMIT_{name.upper()}"
        if value := env.get(variable, "").strip():
            try:
                rules[name] = Rate.parse(value)
            except ValueError as exc:
                raise SettingsError(f"{variable}: {exc}") from None
    return rules


def _trusted_proxies(value: str) -> tuple[str, ...]:
    """Comma-separated addresses or CIDR networks of the proxies allowed to set X-Forwarded-For."""
    items = tuple(item.strip() for item in value.split(",") if item.strip())
    for item in items:
        try:
            ipaddress.ip_network(item, strict=False)
        except ValueError:
            message = f"SALONHUB_TRUSTED_PROXIES: not an address or network: {item!r}"
            raise SettingsError(message) from None
    return items


def _milliseconds(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 60_000:
        raise SettingsError(f"{name} must be a whole number of milliseconds from 1 to 60000")
    return int(raw)


def _key_ring(value: str) -> tuple[bytes, ...]:
    """SALONHUB_ENCRYPTION_KEYS: comma-separated base64 of 32-byte keys, the first encrypts."""
    try:
        return tuple(parse_key_ring(value))
    except ValueError as exc:
        raise SettingsError(f"SALONHUB_ENCRYPTION_KEYS: {exc}") from exc
