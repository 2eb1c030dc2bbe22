"""Configuration from the environment (and ./.env), per API.md's table."""

from __future__ import annotations

import base64
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from dotenv import load_dotenv

DEFAULT_DATABASE_URL = "sqlite+aiosqlite:///./var/salonhub.db"


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


@dataclass(frozen=True, slots=True)
class Settings:
    database_url: str = DEFAULT_DATABASE_URL
    redis_url: str | None = None
    secret_key: bytes = b""
    encryption_keys: tuple[bytes, ...] = ()
    public_url: str = "http://127.0.0.1:8000"
    rate_limits: bool = True
    var_dir: Path = Path("var")

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
        encryption_keys=tuple(k.strip().encode() for k in keys.split(",") if k.strip()),
        public_url=(env.get("SALONHUB_PUBLIC_URL") or "http://127.0.0.1:8000").rstrip("/"),
        rate_limits=rate_limits == "on",
        var_dir=var_dir,
    )
