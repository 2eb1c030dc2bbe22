"""Finding or creating the customer behind a booking, by phone (E.164) within a salon."""

from __future__ import annotations

from dataclasses import dataclass, replace

from application.ports.phone_numbers import PhoneNumbers
from application.ports.unit_of_work import UnitOfWork
from application.security import new_id
from domain.accounts import normalize_email
from domain.booking import Customer
from domain.errors import ValidationFailed
from domain.salon import Salon


@dataclass(frozen=True, slots=True)
class CustomerDetails:
    name: str
    phone: str
    email: str | None = None


def normalized(
    details: CustomerDetails, salon: Salon, phones: PhoneNumbers, prefix: str = "customer."
) -> CustomerDetails:
    name = details.name.strip()
    errors: dict[str, str] = {}
    if not name or len(name) > 200:
        errors[f"{prefix}name"] = "must be 1 to 200 characters"
    phone = phones.to_e164(details.phone, salon.country) if len(details.phone) <= 40 else None
    if phone is None:
        errors[f"{prefix}phone"] = f"not a valid phone number for {salon.country}"
    email = None
    if details.email:
        try:
            email = normalize_email(details.email, f"{prefix}email")
        except ValidationFailed as exc:
            errors.update(exc.fields)
    if errors or phone is None:
        raise ValidationFailed("Invalid customer details.", errors)
    return CustomerDetails(name=name, phone=phone, email=email)


async def upsert_customer(uow: UnitOfWork, salon_id: str, details: CustomerDetails) -> Customer:
    """The salon's customer with this phone, with name and email brought up to date."""
    customer = await uow.customers.get_or_add(
        Customer(
            id=new_id(),
            salon_id=salon_id,
            name=details.name,
            phone=details.phone,
            email=details.email,
        )
    )
    updated = replace(customer, name=details.name, email=details.email or customer.email)
    if updated != customer:
        await uow.customers.update(updated)
    return updated
