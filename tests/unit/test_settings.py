"""Configuration from the environment: embedded defaults, required secrets, bad values refused."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from entrypoints.settings import SettingsError, load_settings

KEY = base64.b64encode(bytes(range(32))).decode()


def test_embedded_mode_generates_and_keeps_its_secrets(tmp_path: Path) -> None:
    env = {"SALONHUB_VAR_DIR": str(tmp_path)}
    first, again = load_settings(env), load_settings(env)
    assert first.embedded and len(first.encryption_keys) == 1
    assert len(first.encryption_keys[0]) == 32  # decoded key bytes, not base64 text
    assert first.secret_key == again.secret_key
    assert first.encryption_keys == again.encryption_keys
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_the_key_ring_is_decoded_and_ordered(tmp_path: Path) -> None:
    other = base64.urlsafe_b64encode(bytes(range(32, 64))).decode()
    settings = load_settings(
        {"SALONHUB_VAR_DIR": str(tmp_path), "SALONHUB_ENCRYPTION_KEYS": f"{KEY},{other}"}
    )
    assert settings.encryption_keys == (bytes(range(32)), bytes(range(32, 64)))


@pytest.mark.parametrize(
    "env",
    [
        {"SALONHUB_ENCRYPTION_KEYS": base64.b64encode(b"short").decode()},
        {"SALONHUB_ENCRYPTION_KEYS": "not base64 at all!"},
        {"SALONHUB_REDIS_URL": "redis://127.0.0.1:6379/0"},  # production needs its secrets
        {"SALONHUB_RATE_LIMITS": "maybe"},
        {"SALONHUB_RATE_LIMIT_TIMEOUT_MS": "0"},
        {"SALONHUB_SECRET_KEY": "short"},
    ],
)
def test_bad_settings_are_refused_clearly(tmp_path: Path, env: dict[str, str]) -> None:
    with pytest.raises(SettingsError):
        load_settings({"SALONHUB_VAR_DIR": str(tmp_path), **env})


def test_production_mode_with_its_secrets(tmp_path: Path) -> None:
    settings = load_settings(
        {
            "SALONHUB_VAR_DIR": str(tmp_path),
            "SALONHUB_REDIS_URL": "redis://127.0.0.1:6379/0",
            "SALONHUB_SECRET_KEY": "x" * 32,
            "SALONHUB_ENCRYPTION_KEYS": KEY,
            "SALONHUB_RATE_LIMIT_TIMEOUT_MS": "1500",
        }
    )
    assert not settings.embedded
    assert settings.rate_limit_timeout_s == 1.5
    assert not (tmp_path / "secret_key").exists()
