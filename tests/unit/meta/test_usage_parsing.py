"""Usage header parsing is lenient: Meta's JSON strings vary, and a bad header never fails a
call. URL redaction keeps every secret query parameter out."""

from __future__ import annotations

import json

import httpx

from adapters.outbound.meta.redaction import redact_url, scrub
from adapters.outbound.meta.usage import parse_app_usage, parse_business_usage, parse_usage


def test_app_usage_takes_the_highest_figure() -> None:
    raw = json.dumps({"call_count": 12, "total_time": 85, "total_cputime": 3})
    assert parse_app_usage(raw) == 85.0


def test_app_usage_accepts_numbers_as_strings_and_skips_junk() -> None:
    assert parse_app_usage('{"call_count": "91", "total_time": null, "x": 1}') == 91.0
    assert parse_app_usage('{"call_count": true}') is None
    for junk in (None, "", "nope", "[]", '"str"', "{}"):
        assert parse_app_usage(junk) is None


def test_business_usage_over_every_business_and_type() -> None:
    raw = json.dumps(
        {
            "111": [
                {"type": "pages", "call_count": 20, "estimated_time_to_regain_access": 0},
                {"type": "messenger", "total_cputime": 97, "estimated_time_to_regain_access": 2},
            ],
            "222": [{"type": "instagram", "total_time": 55}],
            "333": "junk",
            "444": ["junk"],
        }
    )
    assert parse_business_usage(raw) == (97.0, 120.0)
    assert parse_business_usage("{{") == (None, None)
    assert parse_business_usage('["a"]') == (None, None)


def test_headers_are_read_case_insensitively() -> None:
    headers = httpx.Headers({"X-APP-USAGE": '{"call_count": 5}'})
    usage = parse_usage(headers, observed_at=1.0)
    assert usage is not None
    assert (usage.percent, usage.business_percent, usage.observed_at) == (5.0, None, 1.0)
    assert parse_usage(httpx.Headers({}), observed_at=1.0) is None


def test_redact_url_hides_every_secret_param() -> None:
    url = (
        "https://graph.test/v26.0/oauth/access_token?client_id=1&client_secret=s3&code=c0de"
        "&input_token=it&fb_exchange_token=fx&access_token=at&fields=id"
    )
    shown = redact_url(url)
    for secret in ("s3", "c0de", "=it", "=fx", "=at"):
        assert secret not in shown
    assert "client_id=1" in shown and "fields=id" in shown
    assert shown.count("[redacted]") == 5


def test_scrub_removes_pairs_and_known_values() -> None:
    text = "bad access_token=abc123 and error_code=5 and token SECRETVALUE"
    assert scrub(text, ["SECRETVALUE"]) == (
        "bad access_token=[redacted] and error_code=5 and token [redacted]"
    )
