"""What a salon sells (services) and who does it (staff)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.errors import ValidationFailed


@dataclass(frozen=True, slots=True)
class Service:
    id: str
    salon_id: str
    name: str
    duration_minutes: int
    price_minor: int
    currency: str
    buffer_after_minutes: int = 0
    description: str | None = None
    active: bool = True
    category: str | None = None  # the widget groups services by it (None: "Services")

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer_after(self) -> timedelta:
        return timedelta(minutes=self.buffer_after_minutes)

    def validate(self) -> None:
        errors: dict[str, str] = {}
        if not self.name.strip() or len(self.name) > 200:
            errors["name"] = "must be 1 to 200 characters"
        if not 5 <= self.duration_minutes <= 720:
            errors["duration_minutes"] = "must be 5 to 720"
        if not 0 <= self.buffer_after_minutes <= 240:
            errors["buffer_after_minutes"] = "must be 0 to 240"
        if not 0 <= self.price_minor <= 10**12:
            errors["price_minor"] = "must be 0 or more"
        if len(self.currency) != 3 or not self.currency.isalpha() or not self.currency.isupper():
            errors["currency"] = "must be an ISO 4217 code such as INR"
        if self.category is not None and not 1 <= len(self.category) <= 60:
            errors["category"] = "must be 1 to 60 characters (empty to clear)"
        if errors:
            raise ValidationFailed("Invalid service.", errors)


@dataclass(frozen=True, slots=True)
class Staff:
    id: str
    salon_id: str
    name: str
    service_ids: tuple[str, ...]
    location_id: str | None
    active: bool = True

    def validate(self) -> None:
        if not self.name.strip() or len(self.name) > 200:
            raise ValidationFailed("Invalid staff member.", {"name": "must be 1 to 200 characters"})

    def can_perform(self, service: Service) -> bool:
        return self.active and service.active and service.id in self.service_ids
