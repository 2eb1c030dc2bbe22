"""Inbound webhooks: signature checks and payload parsing, turning partners' bytes into the
application's events (the HTTP controllers only read the request and call these)."""
