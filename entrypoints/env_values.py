"""Reading one environment variable: whole seconds, milliseconds, a choice, on/off. Each
raises SettingsError naming the variable and what it must be."""

from __future__ import annotations

from collections.abc import Mapping


class SettingsError(RuntimeError):
    """A required setting is missing or malformed."""


def seconds(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 5 <= int(raw) <= 3600:
        raise SettingsError(f"{name} must be a whole number of seconds from 5 to 3600")
    return int(raw)


def choice(env: Mapping[str, str], name: str, allowed: tuple[str, ...], default: str) -> str:
    value = env.get(name, "").strip().lower() or default
    if value not in allowed:
        raise SettingsError(f"{name} must be one of: {', '.join(allowed)}")
    return value


def on_off(env: Mapping[str, str], name: str, *, default: bool) -> bool:
    raw = env.get(name, "").strip().lower()
    if not raw:
        return default
    if raw not in ("on", "off"):
        raise SettingsError(f"{name} must be on or off")
    return raw == "on"


def milliseconds(env: Mapping[str, str], name: str, default: int) -> int:
    raw = env.get(name, "").strip()
    if not raw:
        return default
    if not raw.isdigit() or not 1 <= int(raw) <= 60_000:
        raise SettingsError(f"{name} must be a whole number of milliseconds from 1 to 60000")
    return int(raw)
