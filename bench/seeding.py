"""Seed a benchmark salon through the real application (composition root + use cases).

The salon: 20 staff, 30 services (15-120 min, a third with a buffer after), weekly hours with a
break each working day (four different patterns), and 2,000 staff-made bookings spread over the
next 4 weeks (salon-local), none overlapping. Everything goes through `bootstrap(Settings(...))`
and its use cases (`sign_up`, `salons.update`, `services.create`, `staff.create`,
`staff.set_hours`, `salon_bookings.create`), so the rows are exactly what the service writes.

Also: helpers to create / drop a throw-away PostgreSQL database, and to run and stop a
`salonhub serve` (or bare app) subprocess pinned to a CPU core.

Run alone to check it: `.venv/bin/python bench/seeding.py --db sqlite` (or `--db postgres`).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from datetime import time as wall
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "bench"
RESULTS = BENCH / "results"
PYTHON = sys.executable

PG_HOST = "127.0.0.1"
PG_USER = "postgres"
TIMEZONE = "Asia/Kolkata"
SECRET_KEY = "bench-secret-key-0123456789abcdef"  # 33 chars, only for throw-away databases
SERVER_CORE = 0
CLIENT_CORE = 1

N_STAFF = 20
N_SERVICES = 30
N_BOOKINGS = 2000
BOOKED_DAYS = 28  # bookings spread over local dates tomorrow .. tomorrow + 27
DURATIONS = (15, 30, 45, 60, 75, 90, 105, 120)
BUFFERS = (0, 0, 5, 0, 10, 0, 15, 0, 0)  # cycled: 1 service in 3 gets a buffer

# (weekdays, [(start, end), ...]) -- every pattern has a break; 0 = Monday.
HOUR_PATTERNS: tuple[tuple[tuple[int, ...], tuple[tuple[str, str], ...]], ...] = (
    ((0, 1, 2, 3, 4, 5), (("09:00", "13:00"), ("14:00", "18:00"))),
    ((0, 1, 2, 3, 4, 5), (("10:00", "14:00"), ("15:00", "19:00"))),
    ((1, 2, 3, 4, 5, 6), (("09:30", "13:30"), ("14:30", "18:30"))),
    ((0, 1, 2, 3, 4), (("11:00", "15:00"), ("15:30", "20:00"))),
)


@dataclass
class SeededService:
    id: str
    name: str
    duration: int
    buffer: int


@dataclass
class Seeded:
    database_url: str
    salon_id: str
    owner_token: str
    services: list[SeededService]
    staff_ids: list[str]
    staff_services: dict[str, list[str]]
    first_day: date  # first local date with bookings (tomorrow at seeding time)
    booked_days: int
    bookings: int
    seconds: float
    everyone_service_ids: list[str] = field(default_factory=list)  # performed by all 20 staff

    @property
    def last_booked_day(self) -> date:
        return self.first_day + timedelta(days=self.booked_days - 1)


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- databases


def pg_url(name: str) -> str:
    return f"postgresql://{PG_USER}@{PG_HOST}:5432/{name}"


def create_pg_database(prefix: str = "salonhub_bench") -> str:
    name = f"{prefix}_{os.getpid()}_{int(time.time())}"
    subprocess.run(["createdb", "-h", PG_HOST, "-U", PG_USER, name], check=True)
    return name


def drop_pg_database(name: str) -> None:
    subprocess.run(
        ["dropdb", "-h", PG_HOST, "-U", PG_USER, "--force", "--if-exists", name], check=False
    )


@contextlib.contextmanager
def database(kind: str, workdir: Path) -> Iterator[str]:
    """Yield a fresh, empty database URL of `kind` (sqlite | postgres); remove it afterwards."""
    if kind == "sqlite":
        path = workdir / "bench.db"
        yield f"sqlite+aiosqlite:///{path}"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)
        return
    if kind != "postgres":
        raise ValueError(kind)
    name = create_pg_database()
    log(f"created PostgreSQL database {name}")
    try:
        yield pg_url(name)
    finally:
        drop_pg_database(name)
        log(f"dropped PostgreSQL database {name}")


@contextlib.contextmanager
def workdir() -> Iterator[Path]:
    path = Path(tempfile.mkdtemp(prefix="salonhub-bench-"))
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


# ----------------------------------------------------------------------------- seeding


def _hhmm(text: str) -> wall:
    return wall.fromisoformat(text)


def _plan_bookings(
    rng: random.Random,
    staff_hours: list[tuple[tuple[int, ...], tuple[tuple[str, str], ...]]],
    staff_services: list[list[SeededService]],
    first_day: date,
    days: int,
    count: int,
) -> list[tuple[int, datetime, SeededService]]:
    """Non-overlapping (staff index, local start, service) inside working hours, then a sample."""
    tz = ZoneInfo(TIMEZONE)
    candidates: list[tuple[int, datetime, SeededService]] = []
    for index, (weekdays, spans) in enumerate(staff_hours):
        for offset in range(days):
            day = first_day + timedelta(days=offset)
            if day.weekday() not in weekdays:
                continue
            for start_text, end_text in spans:
                cursor = datetime.combine(day, _hhmm(start_text), tzinfo=tz)
                end = datetime.combine(day, _hhmm(end_text), tzinfo=tz)
                while True:
                    cursor += timedelta(minutes=rng.choice((0, 0, 15, 30, 45, 60)))
                    service = rng.choice(staff_services[index])
                    if cursor + timedelta(minutes=service.duration) > end:
                        break
                    candidates.append((index, cursor, service))
                    held = service.duration + service.buffer
                    cursor += timedelta(minutes=-(-held // 15) * 15)  # next quarter hour
    if len(candidates) < count:
        raise RuntimeError(f"only {len(candidates)} non-overlapping bookings fit; need {count}")
    chosen = rng.sample(candidates, count)
    chosen.sort(key=lambda c: (c[1], c[0]))
    return chosen


async def seed(
    database_url: str,
    *,
    bookings: int = N_BOOKINGS,
    rng_seed: int = 42,
    concurrency: int | None = None,
) -> Seeded:
    """Migrate `database_url` and fill it with the benchmark salon (see the module docstring)."""
    # Imported here so `--help` of the scripts works without the app's import cost.
    from adapters.outbound.persistence.migrate import upgrade
    from application.actor import Actor
    from application.booking.customers import CustomerDetails
    from domain.schedule import WeeklyInterval
    from entrypoints.bootstrap import bootstrap
    from entrypoints.settings import Settings

    began = time.perf_counter()
    await upgrade(database_url)
    rng = random.Random(rng_seed)
    container = bootstrap(Settings(database_url=database_url, secret_key=SECRET_KEY.encode()))
    uc = container.use_cases
    try:
        made = await uc.sign_up(
            email=f"owner-{os.getpid()}-{rng.randrange(10**9)}@bench.salonhub.test",
            password="bench-password-2026",
            salon_name="Bench Salon",
            timezone=TIMEZONE,
            country="IN",
        )
        actor = Actor(made.owner_id)
        salon_id = made.salon_id

        services: list[SeededService] = []
        for j in range(N_SERVICES):
            duration = DURATIONS[j % len(DURATIONS)]
            buffer = BUFFERS[j % len(BUFFERS)]
            created = await uc.services.create(
                actor,
                salon_id,
                name=f"Service {j:02d} ({duration} min)",
                duration_minutes=duration,
                price_minor=10_000 + 2_500 * j,
                currency="INR",
                buffer_after_minutes=buffer,
                description=f"Benchmark service {j}",
            )
            services.append(SeededService(created.id, created.name, duration, buffer))

        staff_ids: list[str] = []
        staff_services: list[list[SeededService]] = []
        staff_hours = []
        for i in range(N_STAFF):
            # Services 0 and 1 are done by everybody; the rest by two staff in three.
            mine = [s for j, s in enumerate(services) if j < 2 or (i + j) % 3 != 0]
            member = await uc.staff.create(
                actor, salon_id, name=f"Stylist {i:02d}", service_ids=[s.id for s in mine]
            )
            weekdays, spans = HOUR_PATTERNS[i % len(HOUR_PATTERNS)]
            weekly = [WeeklyInterval(d, _hhmm(a), _hhmm(b)) for d in weekdays for a, b in spans]
            await uc.staff.set_hours(actor, salon_id, member.id, weekly)
            staff_ids.append(member.id)
            staff_services.append(mine)
            staff_hours.append((weekdays, spans))

        today = datetime.now(UTC).astimezone(ZoneInfo(TIMEZONE)).date()
        first_day = today + timedelta(days=1)
        plan = _plan_bookings(rng, staff_hours, staff_services, first_day, BOOKED_DAYS, bookings)
        customers = [
            CustomerDetails(name=f"Customer {k:04d}", phone=f"98{k:08d}") for k in range(800)
        ]
        if concurrency is None:
            concurrency = 1 if database_url.startswith("sqlite") else 8
        gate = asyncio.Semaphore(concurrency)
        done = 0

        async def book(index: int, start: datetime, service: SeededService, k: int) -> None:
            nonlocal done
            async with gate:
                await uc.salon_bookings.create(
                    actor,
                    salon_id,
                    service_id=service.id,
                    staff_id=staff_ids[index],
                    start=start,
                    customer=customers[k % len(customers)],
                )
            done += 1
            if done % 500 == 0:
                log(f"  {done}/{len(plan)} bookings")

        await asyncio.gather(
            *(book(index, start, service, k) for k, (index, start, service) in enumerate(plan))
        )
    finally:
        await container.close()
    return Seeded(
        database_url=database_url,
        salon_id=salon_id,
        owner_token=made.token,
        services=services,
        staff_ids=staff_ids,
        staff_services={
            sid: [s.id for s in mine] for sid, mine in zip(staff_ids, staff_services, strict=True)
        },
        first_day=first_day,
        booked_days=BOOKED_DAYS,
        bookings=len(plan),
        seconds=time.perf_counter() - began,
        everyone_service_ids=[services[0].id, services[1].id],
    )


def seed_sync(database_url: str, **kwargs: object) -> Seeded:
    seeded = asyncio.run(seed(database_url, **kwargs))  # type: ignore[arg-type]
    log(
        f"seeded salon {seeded.salon_id}: {len(seeded.staff_ids)} staff, "
        f"{len(seeded.services)} services, {seeded.bookings} bookings "
        f"({seeded.first_day} .. {seeded.last_booked_day}) in {seeded.seconds:.1f} s"
    )
    return seeded


# ----------------------------------------------------------------------------- servers


def pin(core: int) -> Callable[[], None]:
    def apply() -> None:
        os.sched_setaffinity(0, {core})

    return apply


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class Server:
    name: str
    process: subprocess.Popen[bytes]
    port: int
    log_path: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def pid(self) -> int:
        return self.process.pid


def _wait_ready(server: Server, probe: str) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise RuntimeError(
                f"{server.name} exited:\n{server.log_path.read_text(errors='replace')[-3000:]}"
            )
        try:
            with urllib.request.urlopen(server.url + probe, timeout=1) as answer:
                if answer.status == 200:
                    return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{server.name} did not become ready in 60 s")


@contextlib.contextmanager
def salonhub_server(
    database_url: str, var_dir: Path, core: int = SERVER_CORE, patches: str | None = None
) -> Iterator[Server]:
    """`salonhub serve` (python -m entrypoints.cli serve) pinned to `core`, rate limits off.

    With `patches` (e.g. "all" or "grid,alternatives"), bench/patched_server.py runs the same
    CLI with those candidate optimizations monkeypatched in."""
    port = free_port()
    env = {
        **os.environ,
        "SALONHUB_DATABASE_URL": database_url,
        "SALONHUB_VAR_DIR": str(var_dir),
        "SALONHUB_SECRET_KEY": SECRET_KEY,
        "SALONHUB_RATE_LIMITS": "off",
    }
    env.pop("SALONHUB_REDIS_URL", None)
    args = [PYTHON, "-m", "entrypoints.cli", "serve", "--port", str(port)]
    name = "salonhub serve"
    if patches:
        env["BENCH_PATCHES"] = patches
        args = [PYTHON, str(BENCH / "patched_server.py"), "serve", "--port", str(port)]
        name = "salonhub serve patched"
    with _running(name, args, env, port, var_dir, core, "/health") as server:
        yield server


@contextlib.contextmanager
def bare_server(var_dir: Path, core: int = SERVER_CORE) -> Iterator[Server]:
    """bench/bare_app.py: a bare Litestar JSON endpoint under the same uvicorn settings."""
    port = free_port()
    args = [PYTHON, str(BENCH / "bare_app.py"), "--port", str(port)]
    with _running("bare app", args, dict(os.environ), port, var_dir, core, "/bare") as server:
        yield server


@contextlib.contextmanager
def _running(
    name: str,
    args: list[str],
    env: dict[str, str],
    port: int,
    var_dir: Path,
    core: int,
    probe: str,
) -> Iterator[Server]:
    log_path = var_dir / f"{name.replace(' ', '-')}-{port}.log"
    with log_path.open("ab") as sink:
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=sink, stderr=sink, preexec_fn=pin(core)
        )
    server = Server(name, process, port, log_path)
    try:
        _wait_ready(server, probe)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# ----------------------------------------------------------------------------- machine


def machine_summary() -> str:
    def run(cmd: str) -> str:
        try:
            return subprocess.run(
                cmd, shell=True, capture_output=True, text=True, check=False
            ).stdout.strip()
        except OSError:
            return "?"

    cpu = run("lscpu | grep -E 'Model name|^CPU\\(s\\)|Thread|MHz' | sed 's/  */ /g'")
    pg = run("psql -h 127.0.0.1 -U postgres -tAc 'show server_version'")
    lines = [
        f"nproc: {run('nproc')}",
        cpu,
        run("free -h | head -2"),
        f"python: {sys.version.split()[0]}",
        f"postgres: {pg}",
    ]
    return "\n".join(lines)


def main() -> int:
    p = argparse.ArgumentParser(description="seed the benchmark salon once and report timing")
    p.add_argument("--db", choices=("sqlite", "postgres"), default="sqlite")
    p.add_argument("--bookings", type=int, default=N_BOOKINGS)
    args = p.parse_args()
    with workdir() as tmp, database(args.db, tmp) as url:
        seeded = seed_sync(url, bookings=args.bookings)
        print(
            f"{args.db}: salon {seeded.salon_id}, {seeded.bookings} bookings in "
            f"{seeded.seconds:.1f} s"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
