"""The in-process limiter on a controlled clock, rate parsing, and who the client is."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.inbound.http.rate_limits import (
    client_ip,
    email_subject,
    ip_subject,
    parse_networks,
    phone_subject,
)
from adapters.outbound.ratelimit import InMemoryRateLimiter
from application.ports.rate_limiter import Denied, Hit, Rate
from entrypoints.settings import DEFAULT_RATE_LIMITS, SettingsError, load_settings

SECOND = 1_000_000


class Ticks:
    """A clock in microseconds that moves only when told."""

    def __init__(self) -> None:
        self.now = 1_000 * SECOND

    def __call__(self) -> int:
        return self.now

    def advance(self, seconds: float) -> None:
        self.now += round(seconds * SECOND)


def hit(scope: str, key: str, rate: str) -> Hit:
    return Hit(scope, key, Rate.parse(rate))


# --- rates ---


@pytest.mark.parametrize(
    ("text", "count", "period"),
    [
        ("20/minute", 20, 60),
        ("5/10 minutes", 5, 600),
        ("100 per hour", 100, 3600),
        ("1/second", 1, 1),
        (" 3 / 2 days ", 3, 172800),
    ],
)
def test_rates_parse_the_limits_notation(text: str, count: int, period: float) -> None:
    assert Rate.parse(text) == Rate(count, period)


@pytest.mark.parametrize("text", ["", "20", "0/minute", "20/fortnight", "-1/minute", "x/minute"])
def test_bad_rates_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="rate"):
        Rate.parse(text)


def test_rules_come_from_settings_and_env(tmp_path: Path) -> None:
    env = {
        "SALONHUB_VAR_DIR": str(tmp_path),
        "SALONHUB_RATE_LIMIT_BOOK_PHONE": "2/hour",
        "SALONHUB_TRUSTED_PROXIES": "10.0.0.0/8, 192.168.1.7",
    }
    settings = load_settings(env, read_dotenv=False)
    assert settings.rate_limit_rules["book_phone"] == Rate(2, 3600)
    assert settings.rate_limit_rules["book_ip"] == DEFAULT_RATE_LIMITS["book_ip"] == Rate(20, 60)
    assert settings.trusted_proxies == ("10.0.0.0/8", "192.168.1.7")


@pytest.mark.parametrize(
    ("name", "value"),
    [("SALONHUB_RATE_LIMIT_LOGIN_IP", "lots"), ("SALONHUB_TRUSTED_PROXIES", "10.0.0.0/8,proxy")],
)
def test_bad_limit_settings_fail_at_startup(tmp_path: Path, name: str, value: str) -> None:
    with pytest.raises(SettingsError, match=name):
        load_settings({"SALONHUB_VAR_DIR": str(tmp_path), name: value}, read_dotenv=False)


# --- the in-process limiter ---


async def test_a_burst_of_count_then_one_hit_per_emission_interval() -> None:
    clock = Ticks()
    limiter = InMemoryRateLimiter(clock)
    rule = [hit("book_phone", "p", "5/minute")]
    for _ in range(5):
        assert await limiter.hit(rule) is None
    assert await limiter.hit(rule) == Denied("book_phone", 12.0)
    clock.advance(11.9)
    denied = await limiter.hit(rule)
    assert denied is not None
    assert denied.retry_after_seconds == pytest.approx(0.1)
    clock.advance(0.1)
    assert await limiter.hit(rule) is None
    assert await limiter.hit(rule) == Denied("book_phone", 12.0)


async def test_a_full_period_of_quiet_restores_the_whole_burst() -> None:
    clock = Ticks()
    limiter = InMemoryRateLimiter(clock)
    rule = [hit("login_email", "e", "3/minute")]
    for _ in range(3):
        assert await limiter.hit(rule) is None
    clock.advance(60)
    for _ in range(3):
        assert await limiter.hit(rule) is None
    assert await limiter.hit(rule) is not None


async def test_a_refused_hit_charges_no_counter() -> None:
    clock = Ticks()
    limiter = InMemoryRateLimiter(clock)
    ip = hit("book_ip", "1.2.3.4", "3/minute")
    phone = hit("book_phone", "p", "1/minute")
    assert await limiter.hit([ip, phone]) is None
    for _ in range(5):
        assert await limiter.hit([ip, phone]) == Denied("book_phone", 60.0)
    # the IP was charged once only: two more hits of it alone still fit
    assert await limiter.hit([ip]) is None
    assert await limiter.hit([ip]) is None
    assert await limiter.hit([ip]) == Denied("book_ip", 20.0)


async def test_the_refusal_names_the_rule_with_the_longest_wait() -> None:
    limiter = InMemoryRateLimiter(Ticks())
    short = hit("a", "k", "1/second")
    long = hit("b", "k", "1/hour")
    assert await limiter.hit([short, long]) is None
    assert await limiter.hit([short, long]) == Denied("b", 3600.0)


async def test_counters_are_separate_per_scope_and_key() -> None:
    limiter = InMemoryRateLimiter(Ticks())
    assert await limiter.hit([hit("a", "k", "1/minute")]) is None
    assert await limiter.hit([hit("a", "other", "1/minute")]) is None
    assert await limiter.hit([hit("b", "k", "1/minute")]) is None
    assert await limiter.hit([hit("a", "k", "1/minute")]) is not None


async def test_drained_counters_are_forgotten() -> None:
    clock = Ticks()
    limiter = InMemoryRateLimiter(clock, sweep_every=1)
    for n in range(100):
        assert await limiter.hit([hit("availability_ip", f"10.0.0.{n}", "120/minute")]) is None
    assert len(limiter) == 100
    clock.advance(1)
    assert await limiter.hit([hit("availability_ip", "10.0.1.1", "120/minute")]) is None
    assert len(limiter) == 1


# --- who the client is ---

TRUSTED = parse_networks(["10.0.0.0/8", "192.168.1.7", "fd00::/8"])


def test_without_trusted_proxies_the_socket_peer_is_the_client() -> None:
    assert client_ip("203.0.113.9", [], ()) == "203.0.113.9"
    assert client_ip("203.0.113.9", ["198.51.100.1"], ()) == "203.0.113.9"


def test_a_spoofed_header_from_an_untrusted_peer_is_ignored() -> None:
    assert client_ip("203.0.113.9", ["1.1.1.1, 10.0.0.1"], TRUSTED) == "203.0.113.9"


def test_behind_a_trusted_proxy_the_right_most_untrusted_address_is_the_client() -> None:
    assert client_ip("10.0.0.5", ["198.51.100.7"], TRUSTED) == "198.51.100.7"
    # the client prepended a fake address; our proxies appended the real one and themselves
    chain = ["6.6.6.6, 198.51.100.7, 192.168.1.7"]
    assert client_ip("10.0.0.5", chain, TRUSTED) == "198.51.100.7"
    # several header lines count as one list, in order
    assert client_ip("10.0.0.5", ["6.6.6.6", "198.51.100.7, 10.1.2.3"], TRUSTED) == "198.51.100.7"


def test_a_trusted_proxy_without_a_header_is_the_client() -> None:
    assert client_ip("10.0.0.5", [], TRUSTED) == "10.0.0.5"


def test_a_chain_of_only_trusted_proxies_gives_the_left_most() -> None:
    assert client_ip("10.0.0.5", ["10.9.9.9, 192.168.1.7"], TRUSTED) == "10.9.9.9"


def test_garbage_in_the_chain_stops_the_walk_at_the_last_good_hop() -> None:
    assert client_ip("10.0.0.5", ["198.51.100.7, not-an-ip, 10.0.0.9"], TRUSTED) == "10.0.0.9"
    assert client_ip("10.0.0.5", ["<script>"], TRUSTED) == "10.0.0.5"


def test_ports_brackets_and_ipv6_are_understood() -> None:
    assert client_ip("10.0.0.5", ["198.51.100.7:4711"], TRUSTED) == "198.51.100.7"
    assert client_ip("fd00::1", ['"[2001:db8::1]:443"'], TRUSTED) == "2001:db8::1"
    assert client_ip("::ffff:10.0.0.5", ["198.51.100.7"], TRUSTED) == "198.51.100.7"


def test_a_peer_that_is_not_an_address_is_used_as_it_is() -> None:
    assert client_ip("testclient", ["198.51.100.7"], TRUSTED) == "testclient"
    assert client_ip(None, ["198.51.100.7"], TRUSTED) == "unknown"


def test_subjects_normalise_what_a_client_could_vary() -> None:
    assert ip_subject("2001:db8:1:2:3:4:5:6") == ip_subject("2001:db8:1:2:ffff::1")
    assert ip_subject("2001:db8:1:2::1") != ip_subject("2001:db8:1:3::1")
    assert ip_subject("::ffff:198.51.100.7") == ip_subject("198.51.100.7") == "198.51.100.7"
    assert (
        phone_subject("+91 98765 43210")
        == phone_subject("098765-43210")
        == phone_subject("9876543210")
    )
    assert phone_subject("call me") == "call me"
    assert email_subject("  Owner@Example.COM ") == "owner@example.com"
