"""Where a customer's conversation with the booking assistant stands.

Stored on the contact row as JSON (ContactBook.save_assistant), with the keys it always had and
only those that are set: `step` (service|day|time|name), `service` (the service id), `day`
(yyyy-mm-dd), `start` (the ISO instant picked), `reschedule` (the booking being moved) and
`offer` (who offered the times: "meta_appointment"). An empty conversation is stored as none.
"""

from __future__ import annotations

import enum
from collections.abc import Mapping
from dataclasses import dataclass, fields
from typing import Any


class Step(enum.StrEnum):
    SERVICE = "service"  # services offered
    DAY = "day"  # days offered
    TIME = "time"  # times offered
    NAME = "name"  # asked the name of someone not yet a customer


@dataclass(frozen=True, slots=True)
class Conversation:
    step: Step | None = None
    service: str | None = None
    day: str | None = None
    start: str | None = None
    reschedule: str | None = None
    offer: str | None = None

    @property
    def empty(self) -> bool:
        return not self.to_json()

    def to_json(self) -> dict[str, str]:
        got = {f.name: getattr(self, f.name) for f in fields(self)}
        return {k: str(v) for k, v in got.items() if v is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any] | None) -> Conversation:
        """Reads any stored row; a value of the wrong kind is taken as text, an unknown step
        as none."""
        data = data or {}
        text = {
            f.name: None if data.get(f.name) is None else str(data[f.name]) for f in fields(cls)
        }
        step = text.pop("step")
        return cls(step=Step(step) if step in set(Step) else None, **text)
