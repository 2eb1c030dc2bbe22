"""`salonhub`: serve, migrate, seed the demo, operate salons."""

from __future__ import annotations

import argparse
import asyncio
import getpass
import os
import sys
from collections.abc import Sequence

from adapters.outbound.persistence.migrate import upgrade
from domain.errors import DomainError
from domain.salon import Tier
from entrypoints.bootstrap import MEMORY_URL, bootstrap
from entrypoints.demo import DEMO_EMAIL, DEMO_PASSWORD, seed_demo
from entrypoints.logging_config import configure_logging
from entrypoints.settings import Settings, SettingsError, load_settings


def _migrate(settings: Settings) -> None:
    if settings.database_url != MEMORY_URL:
        asyncio.run(upgrade(settings.database_url))


def _serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from entrypoints.http import app_from_env

    if not args.no_migrate:
        _migrate(settings)
    uvicorn.run(
        app_from_env(settings),
        host=args.host,
        port=args.port,
        log_config=None,  # keep ours (JSON on stderr); uvicorn's loggers propagate to it
        log_level=None,
        access_log=False,  # it would log raw paths (manage tokens); ObservedApp logs templates
        proxy_headers=False,
    )
    return 0


def _demo(settings: Settings) -> int:
    _migrate(settings)

    async def run() -> dict[str, str]:
        async with bootstrap(settings) as container:
            return await seed_demo(container.use_cases)

    made = asyncio.run(run())
    base = settings.public_url
    salon_id = made["salon_id"]
    book = f"{base}/api/book/social/{salon_id}"
    print(f"""Demo salon ready: Glow Studio Bandra (Asia/Kolkata, INR)
  booking page:    {base}/book/{made["slug"]}?src=instagram
  admin:           {base}/admin  (log in as below)
  salon id:        {salon_id}
  owner login:     {DEMO_EMAIL} / {DEMO_PASSWORD}
  owner token:     {made["token"]}
  public offer:    {book}
  availability:    {book}/availability?service_id={made["first_service_id"]}&days=7
  admin (API):     {base}/api/salons/{salon_id}  (Authorization: Bearer <owner token>)
  OTP codes sent:  {base}/api/dev/otp-outbox?salon_id={salon_id}
  Meta connect:    POST {base}/api/meta/connect {{"salon_id": "{salon_id}"}}, then open the
                   authorize_url it answers (the built-in Meta sandbox's login dialog)
  API docs:        {base}/schema""")
    return 0


def _operator() -> str | None:
    """Who runs the command, for the audit log (the OS user, when there is one)."""
    try:
        return getpass.getuser()
    except (OSError, KeyError):
        return None


def _set_tier(settings: Settings, salon_id: str, tier: str) -> int:
    async def run() -> None:
        async with bootstrap(settings) as container:
            await container.use_cases.set_tier(salon_id, Tier(tier), operator=_operator())

    asyncio.run(run())
    print(f"salon {salon_id} is now on the {tier} plan")
    return 0


def _keys_rotate(settings: Settings, batch: int) -> int:
    async def run() -> tuple[int, int]:
        async with bootstrap(settings) as container:
            report = await container.use_cases.rotate_token_keys.run(batch=batch)
            return report.checked, report.rotated

    checked, rotated = asyncio.run(run())
    print(f"checked {checked} sealed token(s); re-encrypted {rotated} under the first key")
    return 0


def _meta_job(settings: Settings, job: str, everything: bool) -> int:
    async def run() -> dict[str, int]:
        async with bootstrap(settings) as container:
            if job == "check-tokens":
                return await container.use_cases.meta_token_checks.check_due(everything=everything)
            return await container.use_cases.meta_cleanups.run_due(everything=everything)

    counts = asyncio.run(run())
    print(", ".join(f"{name}: {count}" for name, count in counts.items()))
    return 0


def _jobs_once(settings: Settings, what: str) -> int:
    """Run due work once in this process (operators, and tests with a controlled clock)."""

    async def run() -> object:
        async with bootstrap(settings) as container:
            if what == "reminders":
                return await container.reminders.run()
            if what == "messages":
                return await container.send_messages.run_due()
            return await container.use_cases.webhook_events.run_due()

    print(asyncio.run(run()))
    return 0


def _configure_logging() -> None:
    try:
        configure_logging(os.environ.get("SALONHUB_LOG_LEVEL", "info"))
    except ValueError as exc:
        raise SettingsError(f"SALONHUB_LOG_LEVEL: {exc}") from exc


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="salonhub", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    serve = sub.add_parser("serve", help="run the HTTP service (migrates first)")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--no-migrate", action="store_true")
    db = sub.add_parser("db", help="database commands")
    db.add_subparsers(dest="db_command", required=True).add_parser(
        "upgrade", help="apply migrations to SALONHUB_DATABASE_URL"
    )
    sub.add_parser("demo", help="seed the demo salon and print its URLs")
    sandbox = sub.add_parser("meta-sandbox", help="the Meta sandbox as its own server")
    sandbox.add_argument("--host", default="127.0.0.1")
    sandbox.add_argument("--port", type=int, default=8900)
    salon = sub.add_parser("salon", help="operator commands for salons")
    tier = salon.add_subparsers(dest="salon_command", required=True).add_parser(
        "set-tier", help="change a salon's plan"
    )
    tier.add_argument("salon_id")
    tier.add_argument("tier", choices=[t.value for t in Tier])
    keys = sub.add_parser("keys", help="token encryption keys")
    rotate = keys.add_subparsers(dest="keys_command", required=True).add_parser(
        "rotate", help="re-encrypt every stored token under the first key (resumable)"
    )
    rotate.add_argument("--batch", type=int, default=100)
    meta = sub.add_parser("meta", help="Meta jobs (the scheduler runs them; here by hand)")
    meta_sub = meta.add_subparsers(dest="meta_command", required=True)
    check = meta_sub.add_parser("check-tokens", help="debug_token integrations due a daily check")
    check.add_argument("--all", action="store_true", help="every active integration, now")
    cleanup = meta_sub.add_parser("cleanup", help="retry what disconnects still owe Meta")
    cleanup.add_argument("--all", action="store_true", help="every pending cleanup, now")
    worker = sub.add_parser("worker", help="run Dramatiq workers for jobs (needs Redis)")
    worker.add_argument("--threads", type=int, default=4)
    sub.add_parser("scheduler", help="run the periodic jobs, one instance (needs Redis)")
    jobs = sub.add_parser("jobs", help="run due work once, by hand")
    jobs.add_argument("what", choices=["reminders", "messages", "webhooks"])
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        _configure_logging()
        settings = load_settings()
        if args.command == "serve":
            return _serve(settings, args)
        if args.command == "db":
            _migrate(settings)
            print("database is at the latest revision")
            return 0
        if args.command == "demo":
            return _demo(settings)
        if args.command == "meta-sandbox":
            from entrypoints.meta_sandbox import run as run_sandbox

            run_sandbox(args.port, host=args.host)
            return 0
        if args.command == "keys":
            _migrate(settings)
            return _keys_rotate(settings, max(1, args.batch))
        if args.command == "meta":
            _migrate(settings)
            return _meta_job(settings, args.meta_command, args.all)
        if args.command == "worker":
            from entrypoints.worker import run_dramatiq_worker

            if settings.redis_url is None:
                raise SettingsError("salonhub worker needs SALONHUB_REDIS_URL")
            return run_dramatiq_worker(settings, threads=max(1, args.threads))
        if args.command == "scheduler":
            from entrypoints.scheduler import run_scheduler

            if settings.redis_url is None:
                raise SettingsError("salonhub scheduler needs SALONHUB_REDIS_URL")
            asyncio.run(run_scheduler(settings))
            return 0
        if args.command == "jobs":
            return _jobs_once(settings, args.what)
        return _set_tier(settings, args.salon_id, args.tier)
    except (SettingsError, DomainError) as exc:
        print(f"salonhub: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
