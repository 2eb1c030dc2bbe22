#!/usr/bin/env bash
# Run SalonHub on the embedded default (SQLite under ./var, no servers) with the demo salon.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/salonhub ]; then
  "$PYTHON" -m venv .venv
  .venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
  .venv/bin/python -m pip install --quiet -e .
fi
.venv/bin/salonhub demo
exec .venv/bin/salonhub serve "$@"
