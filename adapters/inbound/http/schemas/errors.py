"""The error envelope of API.md."""

from __future__ import annotations

from typing import Any

import msgspec


class ErrorBody(msgspec.Struct, kw_only=True):
    code: str
    message: str
    details: dict[str, Any]


class ErrorOut(msgspec.Struct, kw_only=True):
    error: ErrorBody
