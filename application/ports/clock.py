from __future__ import annotations

from datetime import datetime
from typing import Protocol


class Clock(Protocol):
    """The current instant. `now()` returns an aware UTC datetime."""

    def now(self) -> datetime: ...
