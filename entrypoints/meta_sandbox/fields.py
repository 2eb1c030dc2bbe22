"""Graph's field selection (`fields=a,b{c}`), paging cursors and form-encoded JSON values."""

from __future__ import annotations

import base64
from collections.abc import Mapping
from typing import Any

import msgspec

from .graph_errors import GraphError


def parse_fields(spec: str) -> dict[str, dict[str, Any]]:
    """`id,name,instagram_business_account{id,username}` → {"id": {}, ..., "iba": {"id": {}...}}."""
    out: dict[str, dict[str, Any]] = {}
    depth, start = 0, 0
    parts: list[str] = []
    for i, ch in enumerate(spec):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth -= 1
        elif ch == "," and depth == 0:
            parts.append(spec[start:i])
            start = i + 1
    parts.append(spec[start:])
    for part in (p.strip() for p in parts):
        if not part:
            continue
        if "{" in part and part.endswith("}"):
            name, inner = part.split("{", 1)
            out[name.strip()] = parse_fields(inner[:-1])
        else:
            out[part] = {}
    return out


def project(values: Mapping[str, Any], fields: Mapping[str, dict[str, Any]]) -> dict[str, Any]:
    """Keep the requested fields; absent ones are omitted, as Meta does."""
    out: dict[str, Any] = {}
    for name, inner in fields.items():
        if name not in values or values[name] is None:
            continue
        value = values[name]
        if inner and isinstance(value, Mapping):
            value = project(value, inner)
        out[name] = value
    return out


def cursor(index: int) -> str:
    return base64.urlsafe_b64encode(f"idx:{index}".encode()).decode().rstrip("=")


def cursor_index(cursor: str | None) -> int:
    if not cursor:
        return 0
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        return int(raw.removeprefix("idx:")) + 1
    except (ValueError, UnicodeDecodeError) as exc:
        raise GraphError("(#100) Invalid cursor", 100) from exc


def as_json(value: Any) -> Any:
    """Form posts carry `recipient`/`message` as JSON strings; JSON posts as objects."""
    if isinstance(value, str):
        try:
            return msgspec.json.decode(value)
        except msgspec.DecodeError:
            return None
    return value
