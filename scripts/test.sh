#!/usr/bin/env bash
# Install everything into ./.venv and run every check: lint, format, types, layering, tests.
# Works on a fresh machine; with CI=true the PostgreSQL tests must run (never skip).
set -euo pipefail
cd "$(dirname "$0")/.."

PYTHON=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip >/dev/null
.venv/bin/python -m pip install --quiet -e '.[dev]'

if [ "${CI:-}" = "true" ]; then
  scripts/services.sh
fi

# The browser tests drive the system Chromium (Debian's package); Playwright never downloads one.
if [ -z "${SALONHUB_CHROMIUM:-}" ] && [ ! -x /usr/bin/chromium ] && command -v apt-get >/dev/null; then
  echo "== installing Chromium (apt-get install chromium) for the browser tests"
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
  $SUDO apt-get install -y -q chromium >/dev/null 2>&1 \
    || { $SUDO apt-get update -q >/dev/null && $SUDO apt-get install -y -q chromium >/dev/null; }
fi

echo "== ruff";         .venv/bin/ruff check .
echo "== ruff format";  .venv/bin/ruff format --check .
echo "== mypy";         .venv/bin/mypy
echo "== import-linter"; .venv/bin/lint-imports
echo "== pytest"
.venv/bin/pytest "$@"
