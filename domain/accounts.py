"""Salon owners and their API tokens."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from domain.errors import ValidationFailed

_EMAIL = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]+$")


@dataclass(frozen=True, slots=True)
class Owner:
    id: str
    email: str
    password_hash: str
    created_at: datetime


def normalize_email(email: str, field_name: str = "email") -> str:
    value = email.strip().lower()
    if len(value) > 254 or not _EMAIL.match(value):
        raise ValidationFailed("Invalid email address.", {field_name: "must be an email address"})
    return value


def validate_password(password: str) -> None:
    if len(password) < 10:
        raise ValidationFailed(
            "Password too short.", {"password": "must be at least 10 characters"}
        )
    if len(password) > 1024:
        raise ValidationFailed(
            "Password too long.", {"password": "must be at most 1024 characters"}
        )
