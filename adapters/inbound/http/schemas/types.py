"""Constrained values the request bodies share (msgspec Meta on plain types)."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import msgspec

# No string may carry a NUL (PostgreSQL text cannot hold one): refused here as a 422.
PRINTABLE = r"^[^\x00]*$"
Name = Annotated[str, msgspec.Meta(min_length=1, max_length=200, pattern=PRINTABLE)]
Text = Annotated[str, msgspec.Meta(max_length=2000, pattern=PRINTABLE)]
ZoneName = Annotated[str, msgspec.Meta(min_length=1, max_length=64, pattern=PRINTABLE)]
Secret = Annotated[str, msgspec.Meta(max_length=1024, pattern=PRINTABLE)]
Instant = Annotated[datetime, msgspec.Meta(tz=True)]
WallClock = Annotated[str, msgspec.Meta(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
Currency = Annotated[str, msgspec.Meta(pattern=r"^[A-Z]{3}$")]
Phone = Annotated[str, msgspec.Meta(min_length=1, max_length=40, pattern=PRINTABLE)]
Email = Annotated[str, msgspec.Meta(min_length=3, max_length=254, pattern=PRINTABLE)]
