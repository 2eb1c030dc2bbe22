"""The command line as an operator runs it, on a fresh embedded install."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path


def salonhub(tmp: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALONHUB_")}
    return subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", *args],
        cwd=tmp,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_demo_seeds_once_and_set_tier_changes_the_plan(tmp_path: Path) -> None:
    first = salonhub(tmp_path, "demo")
    assert first.returncode == 0, first.stderr
    assert (tmp_path / "var" / "salonhub.db").exists()
    assert (tmp_path / "var" / "secret_key").exists()
    salon_id = next(
        line.split()[-1]
        for line in first.stdout.splitlines()
        if line.strip().startswith("salon id:")
    )
    assert "/book/glow-studio-bandra?src=instagram" in first.stdout
    assert "/admin" in first.stdout
    again = salonhub(tmp_path, "demo")
    assert again.returncode == 0, again.stderr
    assert f"salon id:        {salon_id}" in again.stdout
    assert "/book/glow-studio-bandra?src=instagram" in again.stdout
    tier = salonhub(tmp_path, "salon", "set-tier", salon_id, "elite")
    assert tier.returncode == 0 and "elite" in tier.stdout
    unknown = salonhub(tmp_path, "salon", "set-tier", "no-such-salon", "elite")
    assert unknown.returncode == 2 and "not found" in unknown.stderr.lower()
    assert salonhub(tmp_path, "db", "upgrade").returncode == 0


def test_production_mode_demands_its_secrets(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("SALONHUB_")}
    env["SALONHUB_REDIS_URL"] = "redis://127.0.0.1:6379/0"
    done = subprocess.run(
        [sys.executable, "-m", "entrypoints.cli", "db", "upgrade"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and "SALONHUB_SECRET_KEY" in done.stderr
