"""Adapters for the process itself: the clock, password hashing, phone parsing."""
