"""How the browser tests and bench/widget_load.py start the system Chromium."""

from __future__ import annotations

import os
import shutil

CHROMIUM = os.environ.get("SALONHUB_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
# As root in a closed network: no sandbox (no user namespaces), and no background fetches that
# would time out against Google's hosts.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
