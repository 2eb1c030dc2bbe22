"""Ports: typing.Protocol classes, one per module, each documenting its contract."""
