"""Connecting a salon to Meta (Facebook Login or Meta Business Extension) and keeping it healthy."""
