"""Rate limits at the HTTP edge: who the client is (IP, phone, email) and which rules apply.

A controller calls `await throttle.check(request, "book", phone=...)`; every rule of that route
(`book_ip`, `book_phone`) is charged in one atomic hit, and a refusal raises `RateLimited`
(429 with `Retry-After`). Identifiers are hashed with the secret key before they reach the
store, so no phone, email or address sits in Redis in clear.
"""

from __future__ import annotations

import hashlib
import ipaddress
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from litestar import Request

from application.ports.metrics import Metrics
from application.ports.rate_limiter import Hit, Rate, RateLimiter
from domain.errors import RateLimited

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
Address = ipaddress.IPv4Address | ipaddress.IPv6Address

_PORTED_V4 = re.compile(r"^(\d{1,3}(?:\.\d{1,3}){3}):\d+$")
_BRACKETED_V6 = re.compile(r"^\[([0-9A-Fa-f:.]+)\](?::\d+)?$")
_PHONE_DIGITS = 10


def parse_networks(items: Iterable[str]) -> tuple[Network, ...]:
    """`10.0.0.0/8`, `192.168.1.7`, `::1` -> networks (a bare address is a /32 or /128)."""
    return tuple(ipaddress.ip_network(item.strip(), strict=False) for item in items if item.strip())


def _address(text: str) -> Address | None:
    text = text.strip().strip('"')
    for pattern in (_PORTED_V4, _BRACKETED_V6):
        if (m := pattern.match(text)) is not None:
            text = m.group(1)
    try:
        return ipaddress.ip_address(text)
    except ValueError:
        return None


def client_ip(peer: str | None, forwarded_for: Sequence[str], trusted: Sequence[Network]) -> str:
    """The socket peer, unless it is a trusted proxy: then the right-most `X-Forwarded-For`
    address that is not a trusted proxy itself. Anything left of that was written by the client
    and is ignored (it can be spoofed). `forwarded_for` holds every header line, in order."""
    if peer is None:
        return "unknown"
    current = _address(peer)
    if current is None or not _is_trusted(current, trusted):
        return str(current) if current is not None else peer
    hops = [hop for line in forwarded_for for hop in line.split(",") if hop.strip()]
    for hop in reversed(hops):
        address = _address(hop)
        if address is None:
            break  # a hop a trusted proxy would never write: stop at the last good one
        current = address
        if not _is_trusted(address, trusted):
            break
    return str(current)


def _is_trusted(address: Address, trusted: Sequence[Network]) -> bool:
    mapped = address.ipv4_mapped if isinstance(address, ipaddress.IPv6Address) else None
    return any((mapped or address) in network for network in trusted)


def ip_subject(ip: str) -> str:
    """IPv6 clients are counted per /64 (one subscriber's usual allocation), IPv4 per address."""
    try:
        address = ipaddress.ip_address(ip)
    except ValueError:
        return ip
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return str(address.ipv4_mapped)
        return str(ipaddress.IPv6Network((address, 64), strict=False))
    return str(address)


def phone_subject(phone: str) -> str:
    """Digits only, the last ten: `+91 98765 43210`, `098765-43210` and `9876543210` are one
    phone without looking up the salon's country first. Otherwise the raw string, trimmed."""
    digits = re.sub(r"\D", "", phone)
    return digits[-_PHONE_DIGITS:] if digits else phone.strip()


def email_subject(email: str) -> str:
    return email.strip().lower()


_SUBJECTS = {"ip": ip_subject, "phone": phone_subject, "email": email_subject}


class Throttle:
    """The rules per route, applied with one limiter. `limiter=None` means limits are off."""

    def __init__(
        self,
        limiter: RateLimiter | None,
        rules: Mapping[str, Rate],
        *,
        trusted_proxies: Sequence[Network] = (),
        key_secret: bytes = b"",
        metrics: Metrics | None = None,
    ) -> None:
        self._limiter = limiter
        self._rules = dict(rules)
        self._trusted = tuple(trusted_proxies)
        self._secret = hashlib.sha256(key_secret).digest()  # blake2b keys are at most 64 bytes
        self._metrics = metrics

    @classmethod
    def off(cls) -> Throttle:
        return cls(None, {})

    def client_ip(self, request: Request[Any, Any, Any]) -> str:
        peer = request.client.host if request.client is not None else None
        return client_ip(peer, request.headers.getall("x-forwarded-for", []), self._trusted)

    async def check(self, request: Request[Any, Any, Any], route: str, **subjects: str) -> None:
        """Charge `<route>_ip` and `<route>_<name>` for each subject given; raise when refused."""
        if self._limiter is None:
            return
        values = {"ip": self.client_ip(request), **subjects}
        hits = [
            Hit(scope, self._key(name, value), self._rules[scope])
            for name, value in values.items()
            if (scope := f"{route}_{name}") in self._rules
        ]
        denied = await self._limiter.hit(hits)
        if denied is None:
            return
        if self._metrics is not None:
            self._metrics.rate_limited(denied.scope)
        seconds = max(1, math.ceil(denied.retry_after_seconds))
        raise RateLimited(f"Too many requests. Try again in {seconds} seconds.", seconds)

    def _key(self, name: str, value: str) -> str:
        subject = _SUBJECTS.get(name, str.strip)(value)
        return hashlib.blake2b(subject.encode(), digest_size=16, key=self._secret).hexdigest()
