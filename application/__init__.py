"""Use cases: one module each, talking to the outside only through ports."""
