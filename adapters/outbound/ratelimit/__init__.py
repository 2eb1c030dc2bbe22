"""Rate limiter adapters: one process (`InMemoryRateLimiter`) or shared through Redis."""

from .memory import InMemoryRateLimiter
from .redis_gcra import RedisRateLimiter

__all__ = ["InMemoryRateLimiter", "RedisRateLimiter"]
