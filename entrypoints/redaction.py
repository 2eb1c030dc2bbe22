"""Keep personal data and secrets out of the logs: a structlog processor run on every line.

- Values under secret-looking keys (token, password, secret, authorization, cookie, otp, code,
  api/private/encryption key, signature) become `[redacted]`, at any depth.
- Phone numbers anywhere in text keep only their country code (E.164) and last two digits:
  `+919876543210` -> `+91********10`, `98765 43210` -> `********10`. Values under phone-like
  keys are masked whole, whatever their shape.
- Email addresses keep the first character and the domain: `riya@example.com` -> `r***@example.com`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, MutableMapping
from functools import lru_cache
from typing import Any

import phonenumbers

REDACTED = "[redacted]"

_SECRET_KEY = re.compile(
    r"token|passw|secret|authori[sz]ation|cookie|otp|signature|"
    r"api[_-]?key|private[_-]?key|encryption[_-]?key|(?:^|[_-])code$",
    re.IGNORECASE,
)
# Keys that match the pattern above but never hold a secret.
_SAFE_KEYS = frozenset(
    {"status_code", "error_code", "country_code", "currency_code", "exit_code", "http_code"}
)
_PHONE_KEY = re.compile(r"phone|msisdn|mobile", re.IGNORECASE)

_EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@([A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)")
# A run of 7-17 digits, optionally led by `+`, with at most two of ` ()-` between digits, not
# glued to a word, an id (UUID segments are joined by `-`), a path, a version or a clock time.
_PHONE = re.compile(r"(?<![\w+@/.-])\+?\d(?:[ ()-]{0,2}\d){6,16}(?![\w@/:-])")
_E164_DIGITS = (8, 15)
_LOCAL_DIGITS = (9, 15)  # 8 would take dates like 2026-12-01 for phones
_COUNTRY_CODES: frozenset[int] = frozenset(phonenumbers.COUNTRY_CODE_TO_REGION_CODE)


def mask_number(text: str) -> str:
    """Mask one phone number (any format): country code and last two digits survive."""
    digits = "".join(ch for ch in text if ch.isdigit())
    if len(digits) <= 2:
        return "*" * len(digits)
    if text.lstrip().startswith("+"):
        for size in (1, 2, 3):
            if int(digits[:size]) in _COUNTRY_CODES:
                return "+" + digits[:size] + "*" * max(0, len(digits) - size - 2) + digits[-2:]
    return "*" * (len(digits) - 2) + digits[-2:]


def _phone(match: re.Match[str]) -> str:
    found = match.group(0)
    count = sum(ch.isdigit() for ch in found)
    low, high = _E164_DIGITS if found.startswith("+") else _LOCAL_DIGITS
    return mask_number(found) if low <= count <= high else found


def _email(match: re.Match[str]) -> str:
    return match.group(0)[0] + "***@" + match.group(1)


def mask_text(text: str) -> str:
    """Mask every email address and phone number inside free text."""
    if "@" in text:
        text = _EMAIL.sub(_email, text)
    return _PHONE.sub(_phone, text)


_PLAIN, _SECRET, _PHONE_VALUE = 0, 1, 2


@lru_cache(maxsize=4096)  # keys repeat on every line: classify each once
def _kind(key: str) -> int:
    if key.lower() not in _SAFE_KEYS and _SECRET_KEY.search(key) is not None:
        return _SECRET
    return _PHONE_VALUE if _PHONE_KEY.search(key) else _PLAIN


def redact_value(key: str, value: Any) -> Any:
    kind = _kind(key)
    if kind == _SECRET:
        return REDACTED if value is not None else None
    if isinstance(value, str):
        return mask_number(value) if kind == _PHONE_VALUE else mask_text(value)
    if isinstance(value, Mapping):
        return {k: redact_value(str(k), v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [redact_value(key, v) for v in value]
    if isinstance(value, int) and not isinstance(value, bool) and kind == _PHONE_VALUE:
        return mask_number(str(value))
    return value


def redact(_logger: Any, _method: str, event_dict: MutableMapping[str, Any]) -> Any:
    """The structlog processor: run it last before rendering, on every line."""
    for key, value in list(event_dict.items()):
        event_dict[key] = redact_value(str(key), value)
    return event_dict
