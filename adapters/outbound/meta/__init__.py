"""Meta's Graph API over httpx: the client, wire types, error mapping, usage, resilience."""
