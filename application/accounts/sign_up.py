"""Sign up: an owner account, their salon with one location, and a first API token."""

from __future__ import annotations

from dataclasses import dataclass

from application.actor import Actor
from application.audit_trail import Trail, by_owner
from application.ports.clock import Clock
from application.ports.password_hasher import PasswordHasher
from application.ports.phone_numbers import PhoneNumbers
from application.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from application.security import hash_secret, new_id, new_secret
from domain.accounts import Owner, normalize_email, validate_password
from domain.audit import diff
from domain.errors import ValidationFailed
from domain.salon import Location, Salon, Tier, parse_timezone, slugify


@dataclass(frozen=True, slots=True)
class SignUpResult:
    owner_id: str
    salon_id: str
    token: str


async def unique_slug(uow: UnitOfWork, name: str) -> str:
    base = slugify(name)
    slug, n = base, 1
    while await uow.salons.slug_taken(slug):
        n += 1
        slug = f"{base}-{n}"
    return slug


class SignUp:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, hasher: PasswordHasher, phones: PhoneNumbers
    ) -> None:
        self._uow, self._clock, self._hasher, self._phones = uow, clock, hasher, phones

    async def __call__(
        self, *, email: str, password: str, salon_name: str, timezone: str, country: str = "IN"
    ) -> SignUpResult:
        email = normalize_email(email)
        validate_password(password)
        parse_timezone(timezone)
        name = salon_name.strip()
        if not name or len(name) > 200:
            raise ValidationFailed(
                "Invalid salon name.", {"salon_name": "must be 1 to 200 characters"}
            )
        country = country.upper()
        if not self._phones.is_country(country):
            raise ValidationFailed(
                "Unknown country.", {"country": "must be an ISO 3166 alpha-2 code"}
            )
        now = self._clock.now()
        owner = Owner(
            id=new_id(), email=email, password_hash=self._hasher.hash(password), created_at=now
        )
        token = new_secret()
        async with self._uow(write=True) as uow:
            await uow.accounts.add_owner(owner)
            salon = Salon(
                id=new_id(),
                owner_id=owner.id,
                name=name,
                slug=await unique_slug(uow, name),
                timezone=timezone,
                country=country,
                tier=Tier.FREE,
                created_at=now,
            )
            await uow.salons.add(salon)
            trail = Trail(uow, salon.id, by_owner(Actor(owner.id)), now)
            await trail.record("salon.created", salon.id, diff(None, salon))
            await uow.salons.add_location(
                Location(id=new_id(), salon_id=salon.id, name="Main", address=None, timezone=None)
            )
            await uow.accounts.add_token(hash_secret(token), owner.id, now)
            await uow.commit()
        return SignUpResult(owner_id=owner.id, salon_id=salon.id, token=token)
