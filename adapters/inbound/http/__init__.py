"""The HTTP adapter: Litestar controllers, msgspec schemas, one error mapping."""
