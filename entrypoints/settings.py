"""Configuration from the environment (and ./.env), per API.md's table."""

from __future__ import annotations

import base64
import ipaddress
import os
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

from dotenv import load_dotenv

from adapters.outbound.crypto import parse_key_ring
from application.ports.rate_limiter import Rate
from entrypoints.env_values import SettingsError, choice, milliseconds, on_off, seconds
from entrypoints.partner_settings import (
    MetaSettings,
    TextingSettings,
    meta_settings,
    texting_settings,
)

__all__ = ["MetaSettings", "Settings", "SettingsError", "TextingSettings", "load_settings"]

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/salonhub.db"

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
        rate_limit_timeout_s=milliseconds(env, "SALONHUB_RATE_LIMIT_TIMEOUT_MS", 250) / 1000,
        trusted_proxies=_trusted_proxies(env.get("SALONHUB_TRUSTED_PROXIES", "")),
        var_dir=var_dir,
        meta=meta_settings(env, embedded),
        periodic_jobs=on_off(env, "SALONHUB_PERIODIC_JOBS", default=True),
        texting=texting_settings(env, embedded),
        workers=choice(
            env,
            "SALONHUB_WORKERS",
            ("inprocess", "dramatiq"),
            "inprocess" if embedded else "dramatiq",
        ),
        messaging=choice(env, "SALONHUB_MESSAGING", ("live", "log"), "live"),
        lease_s=seconds(env, "SALONHUB_LEASE_SECONDS", 120),
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


def _key_ring(value: str) -> tuple[bytes, ...]:
    """SALONHUB_ENCRYPTION_KEYS: comma-separated base64 of 32-byte keys, the first encrypts."""
    try:
        return tuple(parse_key_ring(value))
    except ValueError as exc:
        raise SettingsError(f"SALONHUB_ENCRYPTION_KEYS: {exc}") from exc
