"""One-time passwords: challenges, grants, the codes waiting to be texted (otp_deliveries) and,
in embedded mode, the codes "texted" to the dev inbox (otp_outbox)."""

from __future__ import annotations

from sqlalchemy import (
    Column,
    ForeignKey,
    Index,
    Integer,
    PrimaryKeyConstraint,
    Table,
    Text,
)

from ..types import UtcDateTime
from ._schema import id_column, metadata

otp_challenges = Table(
    "otp_challenges",
    metadata,
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("phone", Text, nullable=False),
    Column("code_hash", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("failed_attempts", Integer, nullable=False, server_default="0"),
    Column("locked_until", UtcDateTime, nullable=True),
    PrimaryKeyConstraint("salon_id", "phone"),
)

otp_grants = Table(
    "otp_grants",
    metadata,
    Column("token_hash", Text, primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("phone", Text, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
)

otp_outbox = Table(
    "otp_outbox",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", nullable=False),
    Column("phone", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("created_at", UtcDateTime, nullable=False),
    Index(None, "salon_id", "created_at"),
)

otp_deliveries = Table(
    "otp_deliveries",
    metadata,
    id_column(primary_key=True),
    id_column("salon_id", ForeignKey("salons.id"), nullable=False),
    Column("phone", Text, nullable=False),
    Column("code", Text, nullable=False),
    Column("due_at", UtcDateTime, nullable=False),
    Column("expires_at", UtcDateTime, nullable=False),
    Column("attempts", Integer, nullable=False, server_default="0"),
    Index(None, "due_at"),
)
