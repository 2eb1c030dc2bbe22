"""Load generation and measurement shared by the benchmark scripts.

- `run_wrk`: Debian's `wrk` (C, one thread, pinned to the client core) with bench/paths.lua.
- `RawClient`: a minimal asyncio HTTP/1.1 keep-alive client (no httpx: its per-request CPU cost
  would dominate a burst against the bare endpoint), used for the 100-client bursts.
- `profile_pid`: py-spy record (flamegraph SVG + collapsed "raw" stacks) of a server process,
  and `top_frames` to turn the collapsed stacks into text tables.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import statistics
import subprocess
import time
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from seeding import BENCH, CLIENT_CORE, RESULTS, log, pin

PY_SPY = Path(os.environ.get("VIRTUAL_ENV", str(BENCH.parent / ".venv"))) / "bin" / "py-spy"
if not PY_SPY.exists():
    PY_SPY = BENCH.parent / ".venv" / "bin" / "py-spy"


def pin_self_to_client_core() -> None:
    os.sched_setaffinity(0, {CLIENT_CORE})


# ----------------------------------------------------------------------------- wrk


@dataclass
class WrkResult:
    label: str
    requests: int
    seconds: float
    bytes: int
    errors: int
    non_2xx: int
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    mean_ms: float
    cpu: CpuReport | None = None

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0

    @property
    def kib_per_response(self) -> float:
        return self.bytes / self.requests / 1024 if self.requests else 0.0


def run_wrk(
    label: str,
    base_url: str,
    paths_file: Path,
    *,
    seconds: float,
    connections: int,
    threads: int = 1,
    timeout_s: int = 5,
    server_pid: int | None = None,
    pg_database: str | None = None,
) -> WrkResult:
    cmd = [
        "wrk",
        f"-t{threads}",
        f"-c{connections}",
        f"-d{max(1, round(seconds))}s",
        f"--timeout={timeout_s}s",
        "-s",
        str(BENCH / "paths.lua"),
        base_url,
        "--",
        str(paths_file),
    ]
    meter = CpuMeter(server_pid, pg_database) if server_pid else None
    if meter is not None:
        meter.start()
    proc = subprocess.Popen(
        cmd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=pin(CLIENT_CORE),
    )
    assert proc.stdout is not None and proc.stderr is not None
    stdout = proc.stdout.read()
    stderr = proc.stderr.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    cpu = meter.stop(usage.ru_utime + usage.ru_stime) if meter is not None else None
    if proc.returncode != 0:
        raise RuntimeError(f"wrk failed ({proc.returncode}):\n{stdout}\n{stderr}")
    line = next((ln for ln in stdout.splitlines() if ln.startswith("WRK_JSON ")), None)
    if line is None:
        raise RuntimeError(f"wrk printed no summary:\n{stdout}\n{stderr}")
    d = json.loads(line.removeprefix("WRK_JSON "))
    return WrkResult(
        cpu=cpu,
        label=label,
        requests=d["requests"],
        seconds=d["duration_us"] / 1e6,
        bytes=d["bytes"],
        errors=d["err_connect"] + d["err_read"] + d["err_write"] + d["err_timeout"],
        non_2xx=d["err_status"],
        p50_ms=d["p50_us"] / 1000,
        p90_ms=d["p90_us"] / 1000,
        p99_ms=d["p99_us"] / 1000,
        max_ms=d["max_us"] / 1000,
        mean_ms=d["mean_us"] / 1000,
    )


# ----------------------------------------------------------------------------- raw client


@dataclass
class Answer:
    status: int
    body: bytes
    sent: float
    done: float

    @property
    def ms(self) -> float:
        return (self.done - self.sent) * 1000

    def json(self) -> object:
        return json.loads(self.body) if self.body else None


class RawConnection:
    """One keep-alive HTTP/1.1 connection; one request at a time."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self._reader: asyncio.StreamReader | None = None
        self._writer: asyncio.StreamWriter | None = None

    async def open(self) -> None:
        self._reader, self._writer = await asyncio.open_connection(self.host, self.port)

    async def close(self) -> None:
        if self._writer is not None:
            self._writer.close()
            with contextlib.suppress(OSError):
                await self._writer.wait_closed()
            self._writer = None

    def encode(
        self,
        method: str,
        path: str,
        body: object | None = None,
        headers: dict[str, str] | None = None,
    ) -> bytes:
        payload = b"" if body is None else json.dumps(body, separators=(",", ":")).encode()
        lines = [f"{method} {path} HTTP/1.1", f"Host: {self.host}:{self.port}"]
        if body is not None:
            lines += ["Content-Type: application/json", f"Content-Length: {len(payload)}"]
        for k, v in (headers or {}).items():
            lines.append(f"{k}: {v}")
        return ("\r\n".join(lines) + "\r\n\r\n").encode() + payload

    async def send(self, raw: bytes) -> Answer:
        assert self._reader is not None and self._writer is not None
        sent = time.perf_counter()
        self._writer.write(raw)
        await self._writer.drain()
        head = await self._reader.readuntil(b"\r\n\r\n")
        status_line, *header_lines = head.decode("latin-1").split("\r\n")
        status = int(status_line.split()[1])
        headers = {}
        for line in header_lines:
            if ":" in line:
                k, v = line.split(":", 1)
                headers[k.strip().lower()] = v.strip()
        if "content-length" in headers:
            body = await self._reader.readexactly(int(headers["content-length"]))
        elif headers.get("transfer-encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int((await self._reader.readuntil(b"\r\n")).strip().split(b";")[0], 16)
                chunk = await self._reader.readexactly(size + 2)
                if size == 0:
                    break
                chunks.append(chunk[:-2])
            body = b"".join(chunks)
        else:
            body = b""
        return Answer(status, body, sent, time.perf_counter())

    async def request(
        self,
        method: str,
        path: str,
        body: object | None = None,
        headers: dict[str, str] | None = None,
    ) -> Answer:
        """One request; reconnects once if the server closed the idle connection."""
        raw = self.encode(method, path, body, headers)
        try:
            return await self.send(raw)
        except (asyncio.IncompleteReadError, ConnectionError):
            await self.close()
            await self.open()
            return await self.send(raw)


class RawClient:
    """A pool of `size` open keep-alive connections to one server."""

    def __init__(self, base_url: str, size: int) -> None:
        host_port = base_url.removeprefix("http://").rstrip("/")
        host, port = host_port.split(":")
        self.connections = [RawConnection(host, int(port)) for _ in range(size)]

    async def __aenter__(self) -> RawClient:
        await asyncio.gather(*(c.open() for c in self.connections))
        return self

    async def __aexit__(self, *exc: object) -> None:
        await asyncio.gather(*(c.close() for c in self.connections))

    async def burst(self, requests: Sequence[tuple[str, str, object | None]]) -> list[Answer]:
        """Send one request per connection at once (bytes pre-encoded); answers in order."""
        if len(requests) > len(self.connections):
            raise ValueError("more requests than connections")
        encoded = [
            conn.encode(method, path, body)
            for conn, (method, path, body) in zip(self.connections, requests, strict=False)
        ]
        return list(
            await asyncio.gather(
                *(conn.send(raw) for conn, raw in zip(self.connections, encoded, strict=False))
            )
        )

    async def reconnect(self, probe: str) -> None:
        """Fresh connections, each proven with one GET (uvicorn drops idle keep-alive
        connections after 5 s), so a burst that follows measures no TCP handshakes."""
        await asyncio.gather(*(c.close() for c in self.connections))
        await asyncio.gather(*(c.open() for c in self.connections))
        await self.warm(probe)

    async def warm(self, path: str) -> None:
        answers = await asyncio.gather(*(c.request("GET", path) for c in self.connections))
        bad = [a.status for a in answers if a.status != 200]
        if bad:
            raise RuntimeError(f"warm-up GET {path} answered {bad[:5]}")


@dataclass
class BurstStats:
    requests: int
    seconds: float
    p50_ms: float
    p99_ms: float
    max_ms: float

    @property
    def rps(self) -> float:
        return self.requests / self.seconds if self.seconds else 0.0


def percentile(values: Sequence[float], q: float) -> float:
    """Nearest-rank percentile (q in 0..100): p99 of 100 values is the 99th smallest."""
    ordered = sorted(values)
    if not ordered:
        return float("nan")
    rank = max(1, -(-len(ordered) * q // 100))
    return ordered[int(rank) - 1]


def burst_stats(bursts: Sequence[Sequence[Answer]]) -> BurstStats:
    """Over several bursts: throughput = requests / summed burst wall time; latency percentiles
    over every request of every burst."""
    latencies = [a.ms for burst in bursts for a in burst]
    wall = sum(max(a.done for a in b) - min(a.sent for a in b) for b in bursts)
    return BurstStats(
        requests=len(latencies),
        seconds=wall,
        p50_ms=percentile(latencies, 50),
        p99_ms=percentile(latencies, 99),
        max_ms=max(latencies) if latencies else float("nan"),
    )


def median(values: Sequence[float]) -> float:
    return statistics.median(values) if values else float("nan")


# ----------------------------------------------------------------------------- py-spy


def profile_pid(pid: int, name: str, seconds: int, rate: int = 200) -> tuple[Path, Path]:
    """Record `pid` twice in a row: flamegraph SVG, then collapsed stacks (function-level).

    `--gil`: only samples of the thread holding the GIL count. Without it, py-spy also counts
    threads that are runnable but waiting for the (single, pinned) core -- the aiosqlite worker
    threads then look like 70% of the time while /proc says they use ~20% of the core."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    svg = RESULTS / f"{name}.svg"
    raw = RESULTS / f"{name}.collapsed.txt"
    base = [str(PY_SPY), "record", "--pid", str(pid), "--rate", str(rate), "--gil"]
    half = max(2, seconds // 2)
    for extra in (
        ["--format", "flamegraph", "-o", str(svg), "--duration", str(half)],
        [
            "--format",
            "raw",
            "--nolineno",
            "--full-filenames",
            "-o",
            str(raw),
            "--duration",
            str(half),
        ],
    ):
        done = subprocess.run(base + extra, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log(f"py-spy failed ({done.returncode}): {done.stderr.strip()[-500:]}")
    return svg, raw


_LAYERS = (
    ("/domain/", "app: domain"),
    ("/application/", "app: application"),
    ("/adapters/inbound/", "app: adapters.inbound (HTTP)"),
    ("/adapters/outbound/", "app: adapters.outbound (persistence)"),
    ("/entrypoints/", "app: entrypoints"),
    ("/sqlalchemy/", "sqlalchemy"),
    ("/asyncpg/", "asyncpg"),
    ("/aiosqlite/", "aiosqlite"),
    ("/litestar/", "litestar"),
    ("/msgspec/", "msgspec"),
    ("/uvicorn/", "uvicorn"),
    ("/h11/", "h11"),
    ("/httptools/", "httptools"),
    ("/asyncio/", "asyncio (stdlib)"),
    ("/zoneinfo/", "zoneinfo (stdlib)"),
    ("/phonenumbers/", "phonenumbers"),
    ("/threading.py", "threading (stdlib)"),
    ("<string>", "dataclass-generated __init__/__eq__/__hash__"),
    ("/structlog/", "logging (structlog, stdlib logging)"),
    ("/logging/", "logging (structlog, stdlib logging)"),
    ("/prometheus_client/", "prometheus_client"),
    ("/anyio/", "anyio"),
    ("/concurrent/", "concurrent (stdlib)"),
)


def _frame_key(frame: str) -> tuple[str, str]:
    """'func (/path/to/file.py)' -> (short label, layer)."""
    name, _, rest = frame.partition(" (")
    path = rest.rstrip(")")
    layer = "other"
    for needle, label in _LAYERS:
        if needle in path:
            layer = label
            break
    short = path
    for marker in ("/site-packages/", "/work/main/", "/lib/python3"):
        if marker in short:
            short = short.split(marker, 1)[1]
            break
    return f"{name} ({short})", layer


def top_frames(raw: Path, limit: int = 25) -> str:
    """Self time per function, inclusive time per app function, and self time per layer."""
    if not raw.exists():
        return f"(no profile at {raw})"
    self_time: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    layers: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count_text = line.rpartition(" ")
        if not stack or not count_text.isdigit():
            continue
        count = int(count_text)
        total += count
        frames = [_frame_key(f) for f in stack.split(";") if f]
        if not frames:
            continue
        leaf, layer = frames[-1]
        self_time[leaf] += count
        layers[layer] += count
        for key in {k for k, lay in frames if lay.startswith("app:")}:
            inclusive[key] += count
    if not total:
        return "(empty profile)"

    def pct(n: int) -> str:
        return f"{100 * n / total:5.1f}%"

    out = [f"samples: {total}", "", "self time by layer (leaf frame's package):"]
    out += [f"  {pct(n)}  {name}" for name, n in layers.most_common()]
    out += ["", f"top {limit} functions by self time:"]
    out += [f"  {pct(n)}  {name}" for name, n in self_time.most_common(limit)]
    out += ["", f"top {limit} application functions by inclusive time:"]
    out += [f"  {pct(n)}  {name}" for name, n in inclusive.most_common(limit)]
    return "\n".join(out)


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    """A GitHub-style markdown table (prints fine in a terminal too)."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(headers))]
    fmt = lambda r: "| " + " | ".join(c.ljust(w) for c, w in zip(r, widths, strict=True)) + " |"  # noqa: E731
    lines = [fmt(cells[0]), "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    lines += [fmt(r) for r in cells[1:]]
    return "\n".join(lines)


# ----------------------------------------------------------------------------- CPU accounting

_TICKS = os.sysconf("SC_CLK_TCK")


def _system_busy_seconds() -> tuple[float, float]:
    """(busy, total) CPU seconds over all cores since boot, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    total = sum(fields[:8])  # user nice system idle iowait irq softirq steal
    return (total - idle) / _TICKS, total / _TICKS


def _pid_seconds(pid: int) -> float:
    try:
        with open(f"/proc/{pid}/stat") as f:
            parts = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(parts[11]) + int(parts[12])) / _TICKS  # utime + stime


def _thread_seconds(pid: int) -> dict[int, float]:
    out = {}
    try:
        tids = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return out
    for tid in tids:
        try:
            with open(f"/proc/{pid}/task/{tid}/stat") as f:
                parts = f.read().rsplit(")", 1)[1].split()
            out[int(tid)] = (int(parts[11]) + int(parts[12])) / _TICKS
        except OSError:
            continue
    return out


def pg_backend_pids(database: str | None) -> list[int]:
    if not database:
        return []
    done = subprocess.run(
        [
            "psql",
            "-h",
            "127.0.0.1",
            "-U",
            "postgres",
            "-d",
            database,
            "-tAc",
            "select pid from pg_stat_activity where datname = current_database() "
            "and pid <> pg_backend_pid()",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    return [int(x) for x in done.stdout.split() if x.strip().isdigit()]


@dataclass
class CpuReport:
    seconds: float
    server_main: float  # core-equivalents (1.0 = one core busy the whole window)
    server_threads: float  # other threads of the server process (aiosqlite workers, ...)
    postgres: float  # backends of the benchmark database
    client: float
    background: float  # everything else on the machine (other developers' jobs, ...)

    def server_ms_per(self, requests: int) -> float:
        """Server CPU milliseconds per request (robust to other load on the machine)."""
        busy = (self.server_main + self.server_threads) * self.seconds
        return busy * 1000 / requests if requests else float("nan")

    def pg_ms_per(self, requests: int) -> float:
        return self.postgres * self.seconds * 1000 / requests if requests else float("nan")

    def short(self) -> str:
        return (
            f"srv {self.server_main + self.server_threads:.2f} "
            f"(main {self.server_main:.2f}) pg {self.postgres:.2f} "
            f"cli {self.client:.2f} bg {self.background:.2f}"
        )


class CpuMeter:
    """CPU used during a window by the server, its PostgreSQL backends, the client, and the rest
    of the machine, in core-equivalents."""

    def __init__(self, server_pid: int, pg_database: str | None = None) -> None:
        self.server_pid, self.pg_database = server_pid, pg_database

    def start(self) -> None:
        self.t0 = time.perf_counter()
        self.busy0, _ = _system_busy_seconds()
        self.threads0 = _thread_seconds(self.server_pid)
        self.pg0 = {pid: _pid_seconds(pid) for pid in pg_backend_pids(self.pg_database)}

    def stop(self, client_seconds: float) -> CpuReport:
        wall = time.perf_counter() - self.t0
        busy1, _ = _system_busy_seconds()
        threads1 = _thread_seconds(self.server_pid)
        main = threads1.get(self.server_pid, 0.0) - self.threads0.get(self.server_pid, 0.0)
        others = sum(
            v - self.threads0.get(tid, 0.0) for tid, v in threads1.items() if tid != self.server_pid
        )
        pg = 0.0
        for pid in set(self.pg0) | set(pg_backend_pids(self.pg_database)):
            pg += max(0.0, _pid_seconds(pid) - self.pg0.get(pid, 0.0))
        busy = busy1 - self.busy0
        background = max(0.0, busy - main - others - pg - client_seconds)
        return CpuReport(
            seconds=wall,
            server_main=main / wall,
            server_threads=others / wall,
            postgres=pg / wall,
            client=client_seconds / wall,
            background=background / wall,
        )


def wait_for_quiet(max_wait: float = 60.0, threshold: float = 0.25) -> float:
    """Wait until the machine (without our load) uses < `threshold` of a core over 1 s, or
    `max_wait` passes; return the last measured use in core-equivalents."""
    deadline = time.monotonic() + max_wait
    while True:
        b0, _ = _system_busy_seconds()
        time.sleep(1.0)
        b1, _ = _system_busy_seconds()
        busy = b1 - b0
        if busy < threshold or time.monotonic() > deadline:
            return busy
