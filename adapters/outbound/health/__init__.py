from .redis_ping import RedisPing

__all__ = ["RedisPing"]
