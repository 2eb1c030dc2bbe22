"""Schemathesis over every route of our own OpenAPI document, against real servers on SQLite and
PostgreSQL: no response is a 5xx, and every response matches the documented schema.

Path ids are replaced by real ones of a seeded salon most of the time, so generated bodies reach
the handlers instead of stopping at 404.
"""

from __future__ import annotations

from typing import Any

import httpx
import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error, response_schema_conformance
from schemathesis.core.result import Ok

from .servers import SalonFixture, booking_body, make_salon

# Writes get more examples: a body must be valid in every other field to reach the database.
EXAMPLES = {"GET": 15, "DELETE": 10}
WRITE_EXAMPLES = 80


@pytest.fixture(scope="module", params=["sqlite", "postgres"])
def fuzz_target(request: pytest.FixtureRequest) -> tuple[str, SalonFixture, dict[str, str]]:
    base = request.getfixturevalue(f"{request.param}_server")[0]
    with httpx.Client(base_url=base, timeout=30) as client:
        salon = make_salon(client, staff=2)
        made = client.post("/api/book/social/create", json=booking_body(salon, salon.at("10:00")))
        assert made.status_code == 201, made.text
        off = client.post(
            f"/api/salons/{salon.salon_id}/staff/{salon.staff[0]}/time-off",
            headers=salon.auth,
            json={"start": salon.at("16:00"), "end": salon.at("17:00")},
        )
        ids = {
            "salon_id": salon.salon_id,
            "service_id": salon.cut,
            "staff_id": salon.staff[0],
            "booking_id": made.json()["booking"]["id"],
            "token": made.json()["manage_token"],
            "time_off_id": off.json()["id"],
        }
    return base, salon, ids


def test_no_server_errors_and_responses_match_the_schema(
    fuzz_target: tuple[str, SalonFixture, dict[str, str]],
) -> None:
    base, salon, ids = fuzz_target
    api = schemathesis.openapi.from_url(f"{base}/schema/openapi.json")
    operations = []
    for result in api.get_all_operations():
        assert isinstance(result, Ok), result
        operations.append(result.ok())
    assert len(operations) >= 30  # every route of the contract is in the document

    for operation in operations:
        examples = EXAMPLES.get(operation.method.upper(), WRITE_EXAMPLES)

        @given(case=operation.as_strategy())
        @settings(
            max_examples=examples,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def call(case: Any) -> None:
            params = case.path_parameters or {}
            # Keep a random id now and then (404 paths must hold too); mostly use real ones.
            if params and hash(repr(case.body)) % 5:
                for name in params:
                    if name in ids:
                        params[name] = ids[name]
            if case.path == "/api/dev/otp-outbox" and case.query:
                case.query["salon_id"] = ids["salon_id"]
            case.call_and_validate(
                base_url=base,
                headers=salon.auth,
                checks=[not_a_server_error, response_schema_conformance],
            )

        try:
            call()
        except Exception as exc:
            raise AssertionError(f"{operation.method.upper()} {operation.path}: {exc}") from exc
