"""Which plan each paid feature needs, and the refusal an owner on a smaller plan gets.

The one place plan rules live: use cases call `require(salon, Feature.X)`; pages and the
assistant ask `allows(salon.tier, Feature.X)`.
"""

from __future__ import annotations

from enum import Enum

from domain.errors import PlanRequired
from domain.salon import Salon, Tier

_PAID = frozenset({Tier.GROWTH, Tier.ELITE})
_ELITE = frozenset({Tier.ELITE})


class Feature(Enum):
    META = "meta"  # Facebook & Instagram: buttons, DMs, the Messenger profile
    ANALYTICS = "analytics"
    BRANDING = "branding"  # the booking page's logo and colour
    ASSISTANT = "assistant"  # the Messenger booking bot


_TIERS: dict[Feature, frozenset[Tier]] = {
    Feature.META: _PAID,
    Feature.ANALYTICS: _PAID,
    Feature.BRANDING: _ELITE,
    Feature.ASSISTANT: _ELITE,
}
_REFUSAL: dict[Feature, str] = {
    Feature.META: "Connecting Facebook & Instagram needs the Growth or Elite plan.",
    Feature.ANALYTICS: "Analytics needs the Growth or Elite plan.",
    Feature.BRANDING: "Your logo and colours on the booking page need the Elite plan.",
    Feature.ASSISTANT: "The Messenger booking assistant needs the Elite plan.",
}


def allows(tier: Tier, feature: Feature) -> bool:
    return tier in _TIERS[feature]


def require(salon: Salon, feature: Feature) -> None:
    """PlanRequired (with the plans that would do) unless the salon's plan has `feature`."""
    if not allows(salon.tier, feature):
        raise PlanRequired(
            _REFUSAL[feature],
            {"required": sorted(t.value for t in _TIERS[feature]), "tier": salon.tier.value},
        )
