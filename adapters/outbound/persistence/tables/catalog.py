"""The catalog and the staff's calendar: services, staff, who does what, weekly hours, time off."""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
    text,
)

from ..types import UtcDateTime, WallClockTime
from ._schema import id_column, metadata

services = Table(
    "services",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    Column("duration_minutes", Integer, nullable=False),
    Column("price_minor", BigInteger, nullable=False),
    Column("currency", Text, nullable=False),
    Column("buffer_after_minutes", Integer, nullable=False, server_default="0"),
    Column("description", Text, nullable=True),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Column("category", Text, nullable=True),
    Index(None, "salon_id", "position"),
)

staff = Table(
    "staff",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", Text, nullable=False),
    id_column("location_id", ForeignKey("locations.id"), nullable=True),
    Column("active", Boolean, nullable=False, server_default=text("true")),
    Index(None, "salon_id", "position"),
)

staff_services = Table(
    "staff_services",
    metadata,
    id_column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    id_column("service_id", ForeignKey("services.id"), nullable=False, index=True),
    PrimaryKeyConstraint("staff_id", "position"),
)

weekly_hours = Table(
    "weekly_hours",
    metadata,
    id_column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("position", Integer, nullable=False),
    Column("weekday", Integer, nullable=False),
    Column("start", WallClockTime, nullable=False),
    Column("end", WallClockTime, nullable=False),
    PrimaryKeyConstraint("staff_id", "position"),
)

time_off = Table(
    "time_off",
    metadata,
    id_column(primary_key=True),
    id_column("staff_id", ForeignKey("staff.id", ondelete="CASCADE"), nullable=False),
    Column("starts_at", UtcDateTime, nullable=False),
    Column("ends_at", UtcDateTime, nullable=False),
    Column("reason", Text, nullable=True),
    Index(None, "staff_id", "starts_at"),
)
