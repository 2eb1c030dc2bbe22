"""The booking-policy body, bounded by the domain's POLICY_LIMITS."""

from __future__ import annotations

from typing import Annotated

import msgspec
from msgspec import UNSET, UnsetType

from domain.salon import POLICY_LIMITS


def _limit(name: str) -> msgspec.Meta:
    """The bounds of the domain's POLICY_LIMITS entry for `name`."""
    limit = POLICY_LIMITS[name]
    return msgspec.Meta(ge=limit.minimum, le=limit.maximum)


class PolicyBody(msgspec.Struct, kw_only=True, forbid_unknown_fields=True):
    """Bounds from domain.salon.POLICY_LIMITS (one table for the domain, API and admin form).
    As a PATCH body: an absent field stays as it is (UNSET); `null` is admitted only on a
    field POLICY_LIMITS marks optional, and clears it."""

    lead_time_minutes: Annotated[int, _limit("lead_time_minutes")] | UnsetType = UNSET
    horizon_days: Annotated[int, _limit("horizon_days")] | UnsetType = UNSET
    slot_step_minutes: Annotated[int, _limit("slot_step_minutes")] | UnsetType = UNSET
    cancellation_window_hours: Annotated[int, _limit("cancellation_window_hours")] | UnsetType = (
        UNSET
    )
    auto_confirm: bool | UnsetType = UNSET
    verify_new_customers: bool | UnsetType = UNSET
