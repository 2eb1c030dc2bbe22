"""Owner sign-up and log-in bodies."""

from __future__ import annotations

from typing import Annotated

import msgspec

from .types import PRINTABLE, Email, Name, Secret, ZoneName


class SignUpIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    email: Email
    password: Annotated[str, msgspec.Meta(min_length=10, max_length=1024, pattern=PRINTABLE)]
    salon_name: Name
    timezone: ZoneName
    country: Annotated[str, msgspec.Meta(pattern=r"^[A-Za-z]{2}$")] = "IN"


class SignUpOut(msgspec.Struct, kw_only=True):
    owner_id: str
    salon_id: str
    token: str


class LogInIn(msgspec.Struct, kw_only=True, forbid_unknown_fields=True, frozen=True):
    email: Annotated[str, msgspec.Meta(max_length=254, pattern=PRINTABLE)]
    password: Secret


class TokenOut(msgspec.Struct, kw_only=True):
    token: str


# The OpenAPI document tells this TokenOut from meta's by module: keep the component name it had
# before the schemas were split by context ("schemas_TokenOut").
TokenOut.__module__ = "adapters.inbound.http.schemas"
