"""Backoff with full jitter, and a circuit breaker per integration key. Clock and randomness are
injected so tests neither sleep nor depend on chance."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """At most `max_attempts` tries; before try n+1 wait `random() * min(max_delay,
    base_delay * 2**n)` ("full jitter"), and never more than `max_total_delay` in all."""

    max_attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 4.0
    max_total_delay: float = 8.0

    def delay(self, retry_number: int, random: Callable[[], float]) -> float:
        """The jittered wait before retry `retry_number` (0 for the first retry)."""
        ceiling = min(self.max_delay, self.base_delay * (2.0**retry_number))
        return random() * ceiling


class CircuitState(Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half_open"


class _Circuit:
    __slots__ = ("failures", "opened_at", "state", "trial_in_flight")

    def __init__(self) -> None:
        self.state = CircuitState.CLOSED
        self.failures = 0
        self.opened_at = 0.0
        self.trial_in_flight = False


class CircuitBreakers:
    """One breaker per key. `failure_threshold` consecutive transient failures open it for
    `cool_down` seconds (calls fail fast); then it is half-open and lets one trial call through:
    success closes it, a transient failure opens it again. Any answer from Meta that is not a
    transient failure (even a 4xx) counts as success: Meta is up."""

    def __init__(
        self, clock: Callable[[], float], *, failure_threshold: int = 5, cool_down: float = 30.0
    ) -> None:
        self._clock = clock
        self._threshold = failure_threshold
        self._cool_down = cool_down
        self._circuits: dict[str, _Circuit] = {}

    def _get(self, key: str) -> _Circuit:
        circuit = self._circuits.get(key)
        if circuit is None:
            circuit = self._circuits[key] = _Circuit()
        return circuit

    def state(self, key: str) -> CircuitState:
        circuit = self._get(key)
        if (
            circuit.state is CircuitState.OPEN
            and self._clock() - circuit.opened_at >= self._cool_down
        ):
            circuit.state = CircuitState.HALF_OPEN
            circuit.trial_in_flight = False
        return circuit.state

    def retry_in(self, key: str) -> float:
        circuit = self._get(key)
        return max(0.0, circuit.opened_at + self._cool_down - self._clock())

    def allow(self, key: str) -> bool:
        """May a request go out now? In half-open state only one trial at a time."""
        state = self.state(key)
        if state is CircuitState.CLOSED:
            return True
        circuit = self._get(key)
        if state is CircuitState.HALF_OPEN and not circuit.trial_in_flight:
            circuit.trial_in_flight = True
            return True
        return False

    def succeeded(self, key: str) -> None:
        circuit = self._get(key)
        circuit.state = CircuitState.CLOSED
        circuit.failures = 0
        circuit.trial_in_flight = False

    def failed(self, key: str) -> None:
        circuit = self._get(key)
        circuit.failures += 1
        circuit.trial_in_flight = False
        if circuit.state is CircuitState.HALF_OPEN or circuit.failures >= self._threshold:
            circuit.state = CircuitState.OPEN
            circuit.opened_at = self._clock()

    def release(self, key: str) -> None:
        """The allowed call ended without a verdict (e.g. cancelled): free the trial slot."""
        self._get(key).trial_in_flight = False
