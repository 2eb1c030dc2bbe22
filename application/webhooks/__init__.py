"""Meta webhooks: stored first (the inbox), processed after commit, per event."""
