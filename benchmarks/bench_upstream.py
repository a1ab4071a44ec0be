"""Benchmark: the payoff of the port for an I/O-bound view. linkbox's ``/api/quote`` (it calls an
upstream service that answers after 50 ms) on the Flask original under gunicorn, and on the Quart
port under Hypercorn, at 100 concurrent connections.

    python benchmarks/bench_upstream.py [--rounds 5] [--duration 10] [--json results.json]

Targets (from the issue), as medians of per-round ratios:

* Quart (Hypercorn, one process: ``hypercorn -w 0``, as a container runs it) req/s at least 10x the
  Flask original on gunicorn sync x5;
* and at least 2.5x gunicorn gthread 5x8;
* Quart's peak memory (PSS of the whole server process tree, under load) at most half of the
  gunicorn sync deployment's.

The method follows ``/work/shared/reference/baseline-measurements.md`` (see the "bench_upstream"
section of ``benchmarks/README.md``): one upstream (``upstream_server.py``, aiohttp, checked first to
sustain well over 3,000 req/s at 50 ms) and five servers, all on free ports of 127.0.0.1, started
before the first run: the Flask app ``examples/flask_legacy`` with ``gunicorn -w 5`` (sync) and
``gunicorn -w 5 --threads 8 -k gthread``, the port ``examples/quart_ported`` with ``hypercorn -w 0``
(one process: the targets) and, for information, ``-w 1`` (the same worker plus Hypercorn's
supervisor and multiprocessing's resource tracker: about 23 MiB more, no more req/s) and 2 workers
(``run_hypercorn.py``: a socket per worker, so both get load). Each
app is the project's own ``create_app()``, configured the way the app reads settings: a settings
file in a temporary folder named by ``FLASK_LINKBOX_SETTINGS`` / ``QUART_LINKBOX_SETTINGS``
(``UPSTREAM_URL``, and database and uploads in that folder). ``/api/quote`` needs no login and,
without a session cookie, touches no database, so the measured request is exactly the quote view.

Load: ``wrk -t1 -c100`` with a Lua script that checks every response (status 200 and the upstream's
per-run token in the body) and counts the rest. req/s counts only correct answers; non-200s, wrong
bodies and socket errors are reported and a target is not met when either side had any. Every round
runs the configurations back to back in a shuffled order, after a warm-up; between runs the script
waits until the servers are idle (a blocked server may still be draining queued requests). Per run:
server CPU per request (utime + stime of the whole process tree, ``/proc/<pid>/stat``), peak PSS of
the tree (``/proc/<pid>/smaps_rollup``, sampled every 0.2 s during the run), and the CPU the upstream,
wrk and every other process of the machine used (``/proc/stat``): a saturated client or upstream, or
busy neighbours on a shared machine, show in the report.

Every process is one this script started; all of them are stopped by PID at the end, every wrk run
is bounded (``-d`` plus a timeout). Exit code 0 when the benchmark ran (whatever the ratios: it is a
report), 2 when it could not measure (no wrk, a server that did not come up or answered the quote
wrongly).
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import random
import resource
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

# benchmarks/ is not a package: these come from the sibling scripts
from bench_serve import (  # noqa: E402
    CLK_TCK,
    Server,
    _connections_by_process,
    _cpu_delta,
    _fmt,
    _free_port,
    _log_tail,
    _median,
    _module_available,
    _proc_table,
    _snapshot,
    _stop,
    _tree_cpu,
)
from upstream_server import quote_payload  # noqa: E402

FLASK_ROOT = ROOT / "examples" / "flask_legacy"
QUART_ROOT = ROOT / "examples" / "quart_ported"
APP_FACTORY = "linkbox:create_app()"
QUOTE_PATH = "/api/quote"

DEFAULT_ROUNDS = 5
DEFAULT_DURATION = 10.0
DEFAULT_WARMUP = 3.0
DEFAULT_CONNECTIONS = 100
DEFAULT_DELAY = 0.05
SYNC_WORKERS = 5
GTHREAD_WORKERS, GTHREAD_THREADS = 5, 8
WRK_TIMEOUT = "10s"  # gunicorn sync queues ~1 s of requests at c=100: not a socket timeout
START_TIMEOUT = 90.0
PSS_INTERVAL = 0.2
UPSTREAM_CHECK_CONNECTIONS = 300  # 300 / 50 ms = a ceiling of 6,000 req/s
UPSTREAM_TARGET = 3000.0

TARGET_SYNC = 10.0
TARGET_GTHREAD = 2.5
TARGET_PSS = 0.5

# wrk's Lua hooks (https://github.com/wg/wrk/blob/master/SCRIPTING): ``response`` classifies every
# answer in the thread's own Lua state; ``done`` collects the threads' counters (``setup`` kept
# them) and prints one line the harness parses.
WRK_CHECK_LUA = """
local token = %(token)s
local threads = {}
function setup(thread) table.insert(threads, thread) end
function init(args) ok = 0; bad_status = 0; bad_body = 0; statuses = {}; sample = "" end
function response(status, headers, body)
  if status == 200 and body and string.find(body, token, 1, true) then
    ok = ok + 1
  elseif status == 200 then
    bad_body = bad_body + 1
    if sample == "" then sample = string.sub(body or "", 1, 160) end
  else
    bad_status = bad_status + 1
    local key = tostring(status)
    statuses[key] = (statuses[key] or 0) + 1
    if sample == "" then sample = string.sub(body or "", 1, 160) end
  end
end
function done(summary, latency, requests)
  local ok_, bs, bb, st, first = 0, 0, 0, {}, ""
  for _, t in ipairs(threads) do
    ok_ = ok_ + t:get("ok"); bs = bs + t:get("bad_status"); bb = bb + t:get("bad_body")
    for k, v in pairs(t:get("statuses")) do st[k] = (st[k] or 0) + v end
    if first == "" then first = t:get("sample") end
  end
  local parts = {}
  for k, v in pairs(st) do table.insert(parts, k .. ":" .. v) end
  local e = summary.errors
  io.write(string.format(
    "F2Q-RESULT ok=%%d bad_status=%%d bad_body=%%d statuses=%%s requests=%%d duration_us=%%d "
      .. "connect=%%d read=%%d write=%%d timeout=%%d p50_us=%%d p99_us=%%d\\n",
    ok_, bs, bb, table.concat(parts, ","), summary.requests, summary.duration,
    e.connect, e.read, e.write, e.timeout, latency:percentile(50), latency:percentile(99)))
  io.write("F2Q-SAMPLE " .. string.gsub(first, "[\\r\\n]", " ") .. "\\n")
end
"""


# --- servers -------------------------------------------------------------------------------------


@dataclass
class Deployment:
    server: Server  # bench_serve's record: process, port, log, error, pids seen (for a clean stop)
    cwd: Path
    env: dict[str, str]
    slots: int | None = None  # views that can wait on the upstream at once (None: every connection)


def _settings_file(folder: Path, side: str, upstream_port: int) -> Path:
    """A config file as the app reads it (``app.config.from_envvar``): upstream, db, uploads."""
    data = folder / side
    (data / "uploads").mkdir(parents=True, exist_ok=True)
    path = folder / f"{side}_settings.py"
    path.write_text(
        f"UPSTREAM_URL = {f'http://127.0.0.1:{upstream_port}/quote'!r}\n"
        f"DATABASE = {str(data / 'linkbox.sqlite')!r}\n"
        f"UPLOAD_FOLDER = {str(data / 'uploads')!r}\n",
        "utf-8",
    )
    return path


def _base_env() -> dict[str, str]:
    env = dict(os.environ)
    for name in (
        "GUNICORN_CMD_ARGS",
        "WEB_CONCURRENCY",
        "PYTHONPATH",
        "FLASK_LINKBOX_SETTINGS",
        "QUART_LINKBOX_SETTINGS",
    ):
        env.pop(name, None)  # nothing from the caller's shell may change the servers' settings
    return env


def _app_env(root: Path, settings: Path) -> dict[str, str]:
    env = _base_env()
    env["PYTHONPATH"] = str(root)  # the example's own `linkbox` package, and no other
    # the Flask original reads FLASK_LINKBOX_SETTINGS; the port QUART_LINKBOX_SETTINGS
    env["FLASK_LINKBOX_SETTINGS"] = env["QUART_LINKBOX_SETTINGS"] = str(settings)
    return env


def _deployments(
    folder: Path, upstream_port: int, flask_root: Path, quart_root: Path
) -> list[Deployment]:
    python = sys.executable
    flask_env = _app_env(flask_root, _settings_file(folder, "flask", upstream_port))
    quart_env = _app_env(quart_root, _settings_file(folder, "quart", upstream_port))
    gunicorn = [python, "-m", "gunicorn", "--log-level", "warning", "--graceful-timeout", "5"]
    bind = ["-b", "{bind}"]
    hypercorn = [python, "-m", "hypercorn", *bind]
    workers, threads = str(GTHREAD_WORKERS), str(GTHREAD_THREADS)
    return [
        Deployment(
            Server(
                "sync",
                f"Flask, gunicorn sync x{SYNC_WORKERS}",
                [*gunicorn, "-w", str(SYNC_WORKERS), *bind, APP_FACTORY],
                needs="gunicorn",
            ),
            flask_root,
            flask_env,
            slots=SYNC_WORKERS,
        ),
        Deployment(
            Server(
                "gthread",
                f"Flask, gunicorn gthread {workers}x{threads}",
                [
                    *gunicorn,
                    "-k",
                    "gthread",
                    "-w",
                    workers,
                    "--threads",
                    threads,
                    *bind,
                    APP_FACTORY,
                ],
                needs="gunicorn",
            ),
            flask_root,
            flask_env,
            slots=GTHREAD_WORKERS * GTHREAD_THREADS,
        ),
        Deployment(
            Server(
                "quart1",
                "Quart, hypercorn 1 worker",
                [*hypercorn, "-w", "1", APP_FACTORY],
                needs="hypercorn",
            ),
            quart_root,
            quart_env,
        ),
        # for information: two workers, each with its own socket so that both get connections
        Deployment(
            Server(
                "quart2",
                "Quart, hypercorn 2 workers (info)",
                [
                    python,
                    str(HERE / "run_hypercorn.py"),
                    APP_FACTORY,
                    "--workers",
                    "2",
                    "--bind",
                    "{bind}",
                ],
                needs="hypercorn",
            ),
            quart_root,
            quart_env,
        ),
        # the deployment the targets are about: `-w 0` serves in the process started, without
        # hypercorn's supervisor process (and multiprocessing's resource tracker) next to a worker
        Deployment(
            Server(
                "quart0",
                "Quart, hypercorn -w 0 (1 process)",
                [*hypercorn, "-w", "0", APP_FACTORY],
                needs="hypercorn",
            ),
            quart_root,
            quart_env,
        ),
    ]


def _start(
    server: Server, cwd: Path, env: dict[str, str], logs: Path, port: int | None = None
) -> None:
    if server.needs and not _module_available(server.needs):
        server.error = f"{server.needs} is not installed in {sys.executable}"
        return
    server.port = port or _free_port()
    argv = [arg.replace("{bind}", f"127.0.0.1:{server.port}") for arg in server.argv]
    server.log = logs / f"{server.key}.log"
    with server.log.open("wb") as log:
        try:
            server.process = subprocess.Popen(
                argv,
                cwd=cwd,
                env=env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        except OSError as error:
            server.error = f"cannot start {argv[0]}: {error}"


def _get(port: int, path: str, timeout: float = 5.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _check_quote(port: int, path: str, expected: dict[str, object]) -> str | None:
    """None if ``GET path`` answers 200 with exactly the upstream's JSON, else what went wrong."""
    status, body = _get(port, path)
    if status != 200:
        return f"GET {path}: HTTP {status}: {body[:160]!r}"
    try:
        got = json.loads(body)
    except ValueError:
        return f"GET {path}: not JSON: {body[:160]!r}"
    if got != expected:
        return f"GET {path}: {got!r} is not the upstream's quote {expected!r}"
    return None


def _wait_ready(servers: list[Server], path: str, expected: dict[str, object]) -> None:
    """Until each server answers ``path`` correctly (or it failed, or START_TIMEOUT passed)."""
    started_at = time.monotonic()
    pending = {s.key: s for s in servers if s.ok}
    last_problem: dict[str, str] = {}
    while pending and time.monotonic() < started_at + START_TIMEOUT:
        for key, server in list(pending.items()):
            assert server.process is not None
            if server.process.poll() is not None:
                server.error = f"exited with code {server.process.returncode} before answering"
                del pending[key]
                continue
            try:
                problem = _check_quote(server.port, path, expected)
            except (OSError, http.client.HTTPException) as error:
                last_problem[key] = f"{type(error).__name__}: {error}"
                continue
            if problem is not None:  # it answered, but wrongly: no point in waiting
                server.error = problem
            else:
                server.started = time.monotonic() - started_at
            del pending[key]
        if pending:
            time.sleep(0.25)
    for key, server in pending.items():
        server.error = (
            f"not answering after {START_TIMEOUT:.0f} s ({last_problem.get(key, 'no reply')})"
        )


# --- measuring -----------------------------------------------------------------------------------


def _pss_kib(pid: int) -> int | None:
    """Proportional set size of one process (``smaps_rollup``), KiB; None if it is gone."""
    try:
        with open(f"/proc/{pid}/smaps_rollup", "rb") as handle:
            for line in handle:
                if line.startswith(b"Pss:"):
                    return int(line.split()[1])
    except (OSError, ValueError, IndexError):
        return None
    return None


def _role(pid: int, root: int) -> str:
    """What a process of a server tree is: the one started, a worker, multiprocessing's helper."""
    if pid == root:
        return "main"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            cmdline = handle.read()
    except OSError:
        return "?"
    return "resource_tracker" if b"resource_tracker" in cmdline else "worker"


def tree_pss(root: int) -> dict[int, int]:
    """pid -> PSS (KiB) for ``root`` and every process under it."""
    out: dict[int, int] = {}
    for pid in _tree_cpu(root, _proc_table()):
        pss = _pss_kib(pid)
        if pss is not None:
            out[pid] = pss
    return out


class PeakPss:
    """Samples the PSS of a process tree in a thread; keeps the largest total and its breakdown."""

    def __init__(self, root: int, interval: float = PSS_INTERVAL) -> None:
        self.root = root
        self.interval = interval
        self.peak_kib = 0
        self.breakdown: dict[int, int] = {}
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        while True:
            sample = tree_pss(self.root)
            self.samples += 1
            total = sum(sample.values())
            if total > self.peak_kib:
                self.peak_kib, self.breakdown = total, sample
            if self._stop.wait(self.interval):
                return

    def __enter__(self) -> PeakPss:
        self._thread.start()
        return self

    def __exit__(self, *_: object) -> None:
        self._stop.set()
        self._thread.join()


@dataclass
class WrkCheck:
    """What wrk and the Lua checker saw in one run."""

    ok: int = 0  # 200 with the upstream's token in the body
    bad_status: int = 0
    bad_body: int = 0
    statuses: dict[str, int] = field(default_factory=dict)
    requests: int = 0
    seconds: float = 0.0
    socket_errors: int = 0
    p50_ms: float | None = None
    p99_ms: float | None = None
    sample: str = ""  # the first wrong answer, if any
    error: str | None = None

    @property
    def errors(self) -> int:
        return self.bad_status + self.bad_body + self.socket_errors

    @property
    def rps(self) -> float | None:
        return self.ok / self.seconds if self.seconds else None


def parse_check(text: str) -> WrkCheck:
    """The ``F2Q-RESULT`` line the Lua ``done`` hook printed."""
    result = WrkCheck()
    line = next((ln for ln in text.splitlines() if ln.startswith("F2Q-RESULT ")), None)
    if line is None:
        result.error = "no F2Q-RESULT line in wrk's output: " + " | ".join(
            text.strip().splitlines()[-3:]
        )
        return result
    values = dict(item.split("=", 1) for item in line.split()[1:])
    result.ok, result.bad_status, result.bad_body = (
        int(values[k]) for k in ("ok", "bad_status", "bad_body")
    )
    result.statuses = {
        k: int(v) for k, v in (p.split(":") for p in values["statuses"].split(",") if p)
    }
    result.requests = int(values["requests"])
    result.seconds = int(values["duration_us"]) / 1e6
    result.socket_errors = sum(int(values[k]) for k in ("connect", "read", "write", "timeout"))
    if result.requests:
        result.p50_ms, result.p99_ms = int(values["p50_us"]) / 1e3, int(values["p99_us"]) / 1e3
    sample = next((ln for ln in text.splitlines() if ln.startswith("F2Q-SAMPLE ")), "")
    result.sample = sample[len("F2Q-SAMPLE ") :].strip()
    return result


def write_check_script(path: Path, token: str) -> Path:
    """The wrk Lua script that counts answers with ``token`` in the body as correct."""
    path.write_text(WRK_CHECK_LUA % {"token": json.dumps(token)}, "utf-8")
    return path


def run_wrk(
    port: int, path: str, connections: int, duration: float, script: Path
) -> tuple[WrkCheck, float]:
    """One bounded, checked wrk run; and the CPU seconds wrk itself used."""
    argv = [
        "wrk",
        "-t1",
        f"-c{connections}",
        f"-d{max(1, round(duration))}s",
        "--timeout",
        WRK_TIMEOUT,
        "-s",
        str(script),
        f"http://127.0.0.1:{port}{path}",
    ]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(
        argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    try:
        out, err = proc.communicate(timeout=duration + 30)
    except subprocess.TimeoutExpired:
        proc.kill()  # the wrk this function started, by its PID
        proc.communicate()
        return WrkCheck(error=f"wrk did not finish within {duration + 30:.0f} s"), 0.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    result = parse_check(out.decode("utf-8", "replace"))
    if proc.returncode != 0 and result.error is None:
        result.error = f"wrk exit code {proc.returncode}: {err.decode('utf-8', 'replace').strip()}"
    return result, (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)


def _machine_busy() -> tuple[float, float]:
    """(CPU seconds all cores spent busy, seconds stolen by the hypervisor) since boot."""
    with open("/proc/stat") as handle:
        fields = [int(v) for v in handle.readline().split()[1:]]
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    idle = fields[3] + fields[4]
    steal = fields[7] if len(fields) > 7 else 0
    return (sum(fields[:8]) - idle - steal) / CLK_TCK, steal / CLK_TCK


def _tree_ticks(server: Server) -> int:
    assert server.process is not None
    return sum(ticks for ticks, _ in _tree_cpu(server.process.pid, _proc_table()).values())


def wait_quiet(ours: list[Server], limit: float, threshold: float = 0.25) -> float:
    """Wait (at most ``limit`` s) until the rest of the machine uses under ``threshold`` cores.

    On a shared machine, neighbours' load lands unevenly: a one-process server loses more to them
    than five gunicorn workers do. Returns the seconds waited.
    """
    started = time.monotonic()
    while time.monotonic() - started < limit:
        busy, ticks = _machine_busy()[0], sum(_tree_ticks(s) for s in ours)
        time.sleep(1.0)
        others = (_machine_busy()[0] - busy) - (sum(_tree_ticks(s) for s in ours) - ticks) / CLK_TCK
        if others < threshold:
            break
    return time.monotonic() - started


def settle(servers: list[Server], probe: list[Server], limit: float = 30.0) -> float:
    """Wait until the servers are idle again (or ``limit`` s passed); the seconds it took.

    After wrk stops, a server that was behind still works through the requests it had read (a
    blocked event loop, gunicorn's accept queue); that must not land in the next run. A blocked
    loop waiting on a socket uses little CPU, so besides "under 5 % of a core" every server in
    ``probe`` must answer a fresh quote request within 0.5 s (not queued behind old ones).
    """
    started = time.monotonic()
    window, idle_share, quick = 0.3, 0.05, 0.5
    live = [s for s in servers if s.process is not None and s.process.poll() is None]
    waiting = [s for s in probe if s.process is not None and s.process.poll() is None]
    while time.monotonic() - started < limit:
        before = sum(_tree_ticks(s) for s in live)
        time.sleep(window)
        if (sum(_tree_ticks(s) for s in live) - before) / CLK_TCK >= idle_share * window:
            continue
        for server in list(waiting):
            asked = time.monotonic()
            with contextlib.suppress(OSError, http.client.HTTPException):
                _get(server.port, QUOTE_PATH, timeout=max(1.0, limit - (asked - started)))
                if time.monotonic() - asked < quick:
                    waiting.remove(server)
        if not waiting:
            break
    return time.monotonic() - started


@dataclass
class Run:
    rps: float | None  # correct answers per second
    ok: int
    bad_status: int
    bad_body: int
    statuses: dict[str, int]
    socket_errors: int
    p50_ms: float | None
    p99_ms: float | None
    cpu_ms: float | None  # server tree CPU per completed request
    pss_mib: float | None  # peak PSS of the server tree during the run
    pss_processes: list[tuple[str, float]]  # (role, MiB) per process at that peak
    server_cpu: float  # CPU of the server's tree, in cores
    upstream_cpu: float  # in cores
    wrk_cpu: float  # in cores
    other_cpu: float  # in cores: everything else on the machine (not this benchmark) during the run
    steal: float  # in cores: time the hypervisor gave to other guests (a shared host)
    sample: str
    # client connections held by each server process halfway through the run, largest first
    conns: list[int]

    @property
    def errors(self) -> int:
        return self.bad_status + self.bad_body + self.socket_errors


def measure(
    server: Server, upstream: Server, connections: int, duration: float, script: Path
) -> Run | str:
    """One run against ``server``: a Run, or why there is none."""
    assert server.process is not None
    if server.process.poll() is not None:
        server.error = f"died during the benchmark (exit code {server.process.returncode})"
        return server.error
    before, up_before = _snapshot(server), _snapshot(upstream)
    machine, own = _machine_busy(), resource.getrusage(resource.RUSAGE_SELF)
    started = time.perf_counter()
    held: list[int] = []  # client connections each server process holds, halfway through
    halfway = threading.Timer(duration / 2, lambda: held.extend(_connections_by_process(server)))
    halfway.start()
    with PeakPss(server.process.pid) as peak:
        check, wrk_cpu = run_wrk(server.port, QUOTE_PATH, connections, duration, script)
    elapsed = time.perf_counter() - started
    halfway.cancel()
    halfway.join()
    after, up_after = _snapshot(server), _snapshot(upstream)
    machine_after, own_after = _machine_busy(), resource.getrusage(resource.RUSAGE_SELF)
    if check.error is not None:
        return check.error
    cpu = sum(_cpu_delta(before, after).values())
    up_cpu = sum(_cpu_delta(up_before, up_after).values())
    harness = (own_after.ru_utime - own.ru_utime) + (own_after.ru_stime - own.ru_stime)
    others = (machine_after[0] - machine[0]) - cpu - up_cpu - wrk_cpu - harness
    return Run(
        rps=check.rps,
        ok=check.ok,
        bad_status=check.bad_status,
        bad_body=check.bad_body,
        statuses=check.statuses,
        socket_errors=check.socket_errors,
        p50_ms=check.p50_ms,
        p99_ms=check.p99_ms,
        cpu_ms=1000 * cpu / check.requests if check.requests else None,
        pss_mib=peak.peak_kib / 1024 if peak.peak_kib else None,
        pss_processes=[
            (_role(pid, server.process.pid), kib / 1024)
            for pid, kib in sorted(peak.breakdown.items())
        ],
        server_cpu=cpu / elapsed if elapsed else 0.0,
        upstream_cpu=up_cpu / elapsed if elapsed else 0.0,
        wrk_cpu=wrk_cpu / elapsed if elapsed else 0.0,
        other_cpu=max(0.0, others) / elapsed if elapsed else 0.0,
        steal=(machine_after[1] - machine[1]) / elapsed if elapsed else 0.0,
        sample=check.sample,
        conns=held,
    )


# --- report --------------------------------------------------------------------------------------


def _values(runs: list[Run | None], name: str) -> list[float | None]:
    return [getattr(run, name) if run is not None else None for run in runs]


def per_round(num: list[Run | None], den: list[Run | None], name: str) -> list[float | None]:
    out: list[float | None] = []
    for a, b in zip(_values(num, name), _values(den, name), strict=True):
        out.append(a / b if a is not None and b else None)
    return out


@dataclass
class Verdict:
    label: str
    values: list[float | None]
    target: float | None
    at_most: bool = False  # the target is an upper bound
    errors: int = 0  # wrong answers in the runs compared: no PASS with any

    @property
    def median(self) -> float | None:
        return _median(self.values)

    @property
    def result(self) -> str:
        if self.target is None:
            return ""
        if self.median is None:
            return "n/a"
        met = self.median <= self.target if self.at_most else self.median >= self.target
        if met and self.errors:
            return f"FAIL ({self.errors} errors)"
        return "PASS" if met else "FAIL"


def gthread_loaded(run: Run | None) -> bool:
    """Every gthread worker held enough connections to keep its threads busy.

    wrk opens its connections at once and the workers share one listening socket: one worker may
    accept most of them and serve at most 8 at a time while the others idle. That is gunicorn's
    behaviour, so the verdict keeps such rounds; this tells them apart in the report.
    """
    return (
        run is not None
        and len(run.conns) >= GTHREAD_WORKERS
        and min(run.conns[:GTHREAD_WORKERS]) >= GTHREAD_THREADS
    )


def verdicts(runs: dict[str, list[Run | None]]) -> list[Verdict]:
    def errors(*keys: str) -> int:
        return sum(run.errors for key in keys for run in runs[key] if run is not None)

    loaded = [
        value if gthread_loaded(run) else None
        for value, run in zip(
            per_round(runs["quart0"], runs["gthread"], "rps"), runs["gthread"], strict=True
        )
    ]

    return [
        # The targets are measured on the port as it is deployed: one Hypercorn process (`-w 0`),
        # as in a container. `-w 1` adds a supervisor and multiprocessing's resource tracker
        # (about 23 MiB, no throughput): shown below for information.
        Verdict(
            "Quart 1 process / gunicorn sync (req/s)",
            per_round(runs["quart0"], runs["sync"], "rps"),
            TARGET_SYNC,
            errors=errors("quart0", "sync"),
        ),
        Verdict(
            "Quart 1 process / gunicorn gthread (req/s)",
            per_round(runs["quart0"], runs["gthread"], "rps"),
            TARGET_GTHREAD,
            errors=errors("quart0", "gthread"),
        ),
        Verdict("  same, rounds all gthread workers loaded", loaded, None),
        Verdict(
            "Quart 1 process / gunicorn sync (peak PSS)",
            per_round(runs["quart0"], runs["sync"], "pss_mib"),
            TARGET_PSS,
            at_most=True,
        ),
        Verdict("  Quart -w 1 / gunicorn sync (req/s)", per_round(runs["quart1"], runs["sync"], "rps"), None),
        Verdict(
            "  Quart -w 1 / gunicorn gthread (req/s)",
            per_round(runs["quart1"], runs["gthread"], "rps"),
            None,
        ),
        Verdict(
            "  Quart -w 1 / gunicorn sync (peak PSS)",
            per_round(runs["quart1"], runs["sync"], "pss_mib"),
            None,
        ),
        Verdict(
            "  Quart 2w / gunicorn sync (req/s)",
            per_round(runs["quart2"], runs["sync"], "rps"),
            None,
        ),
        Verdict(
            "  Quart 2w / gunicorn gthread (req/s)",
            per_round(runs["quart2"], runs["gthread"], "rps"),
            None,
        ),
        Verdict(
            "  Quart 2w / gunicorn sync (peak PSS)",
            per_round(runs["quart2"], runs["sync"], "pss_mib"),
            None,
        ),
        Verdict("  gthread / sync (req/s)", per_round(runs["gthread"], runs["sync"], "rps"), None),
        Verdict(
            "  CPU/req Quart 1 process / gthread",
            per_round(runs["quart0"], runs["gthread"], "cpu_ms"),
            None,
        ),
        Verdict(
            "  CPU/req Quart 1 process / sync", per_round(runs["quart0"], runs["sync"], "cpu_ms"), None
        ),
    ]


def report(
    deployments: list[Deployment],
    runs: dict[str, list[Run | None]],
    connections: int,
    delay: float,
) -> list[Verdict]:
    print()
    print(
        f"{'configuration':<34} {'req/s':>6} {'min-max':>11} {'non-200':>7} {'bad body':>8} "
        f"{'sock err':>8} {'p50 ms':>6} {'p99 ms':>6} {'CPU ms/req':>10} {'server':>6} "
        f"{'peak PSS MiB':>12} {'procs':>5} {'upstream':>8} {'wrk':>4} {'others':>6}"
    )
    print("-" * 152)

    def median_of(done: list[Run], name: str, spec: str, scale: float = 1.0) -> str:
        value = _median([getattr(r, name) for r in done])
        return _fmt(None if value is None else scale * value, spec)

    for deployment in deployments:
        server, done = deployment.server, [r for r in runs[deployment.server.key] if r is not None]
        if not done:
            print(f"{server.label:<34} {'n/a':>6}")
            continue
        rps = [r.rps for r in done if r.rps is not None]
        span = f"{min(rps):,.0f}-{max(rps):,.0f}" if rps else "n/a"
        print(
            f"{server.label:<34} {median_of(done, 'rps', ',.0f'):>6} {span:>11} "
            f"{sum(r.bad_status for r in done):>7} {sum(r.bad_body for r in done):>8} "
            f"{sum(r.socket_errors for r in done):>8} {median_of(done, 'p50_ms', '.0f'):>6} "
            f"{median_of(done, 'p99_ms', '.0f'):>6} {median_of(done, 'cpu_ms', '.2f'):>10} "
            f"{median_of(done, 'server_cpu', '.0f', 100):>5}% {median_of(done, 'pss_mib', '.1f'):>12} "
            f"{len(done[-1].pss_processes):>5} {median_of(done, 'upstream_cpu', '.0f', 100):>7}% "
            f"{median_of(done, 'wrk_cpu', '.0f', 100):>3}% {median_of(done, 'other_cpu', '.0f', 100):>5}%"
        )
    print(
        f"(wrk -t1 -c{connections}. req/s: correct answers (200 and the upstream's quote) per second. "
        "Medians over the rounds, errors summed. CPU ms/req: CPU of the server's process tree / requests "
        "completed; server, upstream, wrk: CPU used, in % of one core; others: CPU used by every other "
        "process of the machine during the run (not this benchmark's); peak PSS: of the server's process "
        f"tree, sampled every {PSS_INTERVAL:g} s during the run)"
    )
    for deployment in deployments:
        server = deployment.server
        for run in (r for r in runs[server.key] if r is not None and r.errors):
            statuses = ", ".join(f"HTTP {k}: {v}" for k, v in sorted(run.statuses.items()))
            print(
                f"  errors, {server.label}: {statuses or ''} bad bodies {run.bad_body}, socket errors "
                f"{run.socket_errors}; first wrong answer: {run.sample[:120]!r}"
            )
    print()
    print("peak PSS by process (first round, MiB):")
    for deployment in deployments:
        first = next((r for r in runs[deployment.server.key] if r is not None), None)
        if first is not None:
            parts = " + ".join(f"{role} {mib:.1f}" for role, mib in first.pss_processes)
            print(f"  {deployment.server.label:<36} {first.pss_mib or 0:6.1f} = {parts}")

    print()
    print(
        "per round: req/s [client connections held by each server process, halfway through the run]"
    )
    for deployment in deployments:
        cells = [
            "n/a"
            if run is None
            else f"{_fmt(run.rps, '.0f')} [{'/'.join(map(str, run.conns)) or '-'}]"
            for run in runs[deployment.server.key]
        ]
        print(f"  {deployment.server.label:<34} " + "  ".join(cells))
    print(
        f"  (gthread: a worker serves at most {GTHREAD_THREADS} of its connections at a time; one that "
        "accepted most of them caps the deployment)"
    )

    print()
    print(f"concurrency ceiling: views waiting on the upstream at once / {delay * 1000:g} ms")
    for deployment in deployments:
        done = [r for r in runs[deployment.server.key] if r is not None]
        slots = min(deployment.slots or connections, connections)
        ceiling = slots / delay
        reached = _median([r.rps for r in done])
        share = "n/a" if reached is None else f"{reached / ceiling:.0%}"
        print(
            f"  {deployment.server.label:<34} {slots:>3} -> {ceiling:>6,.0f} req/s, reached {share}"
        )

    found = verdicts(runs)
    rounds = max(len(v) for v in runs.values())
    width = max(9, 7 * rounds)
    print()
    print(
        f"{'ratio (median of per-round ratios)':<40} {'median':>7}  {'per round':<{width}} {'target':>7}  result"
    )
    print("-" * (68 + width))
    for verdict in found:
        shown = " ".join(f"{_fmt(v):>6}" if v is not None else "     -" for v in verdict.values)
        target = (
            ""
            if verdict.target is None
            else f"{'<=' if verdict.at_most else '>='} {verdict.target:g}"
        )
        print(
            f"{verdict.label:<40} {_fmt(verdict.median):>7}  {shown:<{width}} {target:>7}  {verdict.result}"
        )
    _limits(deployments, runs)
    return found


def _limits(deployments: list[Deployment], runs: dict[str, list[Run | None]]) -> None:
    """What could have capped a result: the client, the upstream, a server using a whole core."""
    done = [r for d in deployments for r in runs[d.server.key] if r is not None]
    if not done:
        return
    print()
    print(
        f"load generator: wrk used at most {100 * max(r.wrk_cpu for r in done):.0f}% of a core; "
        f"upstream: at most {100 * max(r.upstream_cpu for r in done):.0f}% of a core "
        f"(its own capacity is in the check above)"
    )
    others = statistics.median(r.other_cpu for r in done)
    steal = statistics.median(r.steal for r in done)
    if others > 0.2 or steal > 0.1:
        print(
            f"*** the machine was busy: other processes used a median {others:.2f} cores during the runs "
            f"(and the hypervisor stole {steal:.2f}) out of {os.cpu_count()}: absolute numbers are low and "
            "ratios noisy; re-run on a quiet machine ***"
        )
    for deployment in deployments:
        mine = [r for r in runs[deployment.server.key] if r is not None]
        busiest = max((r.server_cpu for r in mine), default=0.0)
        processes = max((len(r.pss_processes) for r in mine), default=0)
        if mine and busiest > 0.85 and processes <= 3:
            print(
                f"{deployment.server.label}: its server used {100 * busiest:.0f}% of a core "
                "(one serving process): CPU-bound, not waiting on the upstream"
            )


# --- main ----------------------------------------------------------------------------------------


def _versions() -> str:
    import platform
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("flask", "quart", "hypercorn", "gunicorn", "requests", "aiohttp"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (missing)")
    return f"python {platform.python_version()} ({sys.executable}), {', '.join(parts)}, {os.cpu_count()} CPUs"


def _port_client(api_source: Path) -> str:
    """How the port's quote view calls the upstream (the rewrite's output decides the result)."""
    try:
        text = api_source.read_text("utf-8")
    except OSError:
        return "unknown"
    if "http_client" in text:
        return "through linkbox/http_client.py (one shared aiohttp session)"
    if "requests.get" in text:
        return "requests.get: a blocking call inside the async view"
    return "unknown"


def _upstream_check(upstream: Server, script: Path, duration: float) -> tuple[WrkCheck, float, str]:
    check, wrk_cpu = run_wrk(upstream.port, "/quote", UPSTREAM_CHECK_CONNECTIONS, duration, script)
    if check.error is not None:
        return check, wrk_cpu, f"FAIL ({check.error})"
    rps = check.rps or 0.0
    verdict = "PASS" if rps > UPSTREAM_TARGET and not check.errors else "FAIL"
    return check, wrk_cpu, verdict


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description="linkbox /api/quote: Flask on gunicorn vs the Quart port"
    )
    parser.add_argument(
        "--rounds", type=int, default=DEFAULT_ROUNDS, help="rounds (default %(default)s)"
    )
    parser.add_argument(
        "--duration",
        type=float,
        default=DEFAULT_DURATION,
        help="seconds per run (default %(default)s)",
    )
    parser.add_argument(
        "--warmup", type=float, default=DEFAULT_WARMUP, help="seconds of warm-up per configuration"
    )
    parser.add_argument(
        "--connections", type=int, default=DEFAULT_CONNECTIONS, help="wrk connections (default 100)"
    )
    parser.add_argument(
        "--delay",
        type=float,
        default=DEFAULT_DELAY,
        help="upstream delay in seconds (default 0.05)",
    )
    parser.add_argument(
        "--upstream-processes", type=int, default=1, help="upstream processes (default 1)"
    )
    parser.add_argument("--seed", type=int, default=1, help="seed of the shuffled order")
    parser.add_argument(
        "--wait-quiet",
        type=float,
        default=0.0,
        metavar="S",
        help="before each run, wait up to S seconds for other processes to use under 0.25 cores",
    )
    parser.add_argument("--json", type=Path, help="also write the measurements to this file")
    parser.add_argument(
        "--flask-root",
        type=Path,
        default=FLASK_ROOT,
        help="folder holding the Flask `linkbox` package",
    )
    parser.add_argument(
        "--quart-root",
        type=Path,
        default=QUART_ROOT,
        help="folder holding the ported `linkbox` package",
    )
    args = parser.parse_args(argv)
    rounds, duration = max(1, args.rounds), max(1.0, float(round(args.duration)))

    print(_versions())
    print(
        f"GET {QUOTE_PATH}, upstream delay {args.delay * 1000:g} ms, wrk -t1 -c{args.connections} -d{duration:g}s, "
        f"{rounds} rounds, warm-up {args.warmup:g} s, seed {args.seed}"
        + (
            f", waiting up to {args.wait_quiet:g} s for a quiet machine"
            if args.wait_quiet > 0
            else ""
        )
    )
    print(
        f"the port's quote view calls the upstream {_port_client(args.quart_root / 'linkbox' / 'api.py')}"
    )
    if not shutil.which("wrk"):
        print("\n*** ERROR: wrk is not installed (apt-get install -y wrk): nothing measured ***")
        return 2

    folder = Path(tempfile.mkdtemp(prefix="f2q-bench-upstream-"))
    token = "f2q-" + secrets.token_hex(8)
    expected = quote_payload(token)
    script = write_check_script(folder / "check.lua", token)
    upstream = Server(
        "upstream",
        "upstream (aiohttp)",
        [
            sys.executable,
            str(HERE / "upstream_server.py"),
            "--port",
            "{port}",
            "--delay",
            str(args.delay),
            "--token",
            token,
            "--processes",
            str(args.upstream_processes),
        ],
        needs="aiohttp",
    )
    upstream_port = _free_port()
    upstream.argv = [arg.replace("{port}", str(upstream_port)) for arg in upstream.argv]
    deployments = _deployments(
        folder, upstream_port, args.flask_root.resolve(), args.quart_root.resolve()
    )
    if "blocking" in _port_client(args.quart_root / "linkbox" / "api.py"):
        for deployment in deployments:  # a blocked event loop waits on one upstream call at a time
            if deployment.server.key.startswith("quart"):
                deployment.slots = max(1, int(deployment.server.key[-1]))
    servers = [d.server for d in deployments]
    runs: dict[str, list[Run | None]] = {s.key: [] for s in servers}
    keep = False
    code = 0
    try:
        _start(upstream, HERE, _base_env(), folder, port=upstream_port)
        _wait_ready([upstream], "/quote", expected)
        if not upstream.ok:
            print(
                f"\n*** ERROR: the upstream did not start: {upstream.error} ***\n{_log_tail(upstream)}"
            )
            keep, code = True, 2
            return code
        check, wrk_cpu, verdict = _upstream_check(upstream, script, 3.0)
        print(
            f"upstream alone, wrk -c{UPSTREAM_CHECK_CONNECTIONS} 3 s: {_fmt(check.rps, ',.0f')} req/s correct, "
            f"p50 {_fmt(check.p50_ms, '.1f')} ms, p99 {_fmt(check.p99_ms, '.1f')} ms, {check.errors} errors, "
            f"wrk {100 * wrk_cpu / 3:.0f}% of a core: > {UPSTREAM_TARGET:,.0f} req/s {verdict}"
        )
        settle([upstream], [])

        for deployment in deployments:
            _start(deployment.server, deployment.cwd, deployment.env, folder)
        _wait_ready(servers, QUOTE_PATH, expected)
        for server in servers:
            if server.ok:
                print(
                    f"  {server.label:<36} up on 127.0.0.1:{server.port} after {server.started:.1f} s, quote OK"
                )
            else:
                keep, code = True, 2
                print(f"\n*** ERROR: {server.label!r}: {server.error} ***\n{_log_tail(server)}")
        if not all(s.ok for s in servers):
            return code

        if args.warmup > 0:
            for server in servers:
                run_wrk(server.port, QUOTE_PATH, args.connections, args.warmup, script)
                settle([*servers, upstream], servers)
        order_rng = random.Random(args.seed)
        for index in range(rounds):
            order = list(servers)
            order_rng.shuffle(order)
            for server in order:
                if args.wait_quiet > 0:
                    wait_quiet([*servers, upstream], args.wait_quiet)
                result = measure(server, upstream, args.connections, duration, script)
                if isinstance(result, str):
                    print(f"warning: {server.label}: {result}")
                    runs[server.key].append(None)
                else:
                    runs[server.key].append(result)
                waited = settle([*servers, upstream], servers)
                if waited > 25:
                    print(
                        f"warning: the servers were still busy {waited:.0f} s after the {server.label} run"
                    )
            shown = ", ".join(
                f"{s.key} {_fmt(runs[s.key][-1].rps if runs[s.key][-1] else None, '.0f')}"
                for s in order
            )
            busy = [r.other_cpu for s in order if (r := runs[s.key][-1]) is not None]
            load = f" [others: {max(busy):.2f} cores at most]" if busy else ""
            print(f"round {index + 1}/{rounds} (req/s): {shown}{load}", flush=True)
        found = report(deployments, runs, args.connections, args.delay)
        if not all(any(r is not None for r in runs[s.key]) for s in servers):
            code = 2
        if args.json is not None:
            args.json.write_text(
                json.dumps(
                    {
                        "port_client": _port_client(args.quart_root / "linkbox" / "api.py"),
                        "upstream_check": {
                            "rps": check.rps,
                            "errors": check.errors,
                            "result": verdict,
                        },
                        "servers": {s.key: {"label": s.label, "ready": s.ok} for s in servers},
                        "runs": {k: [asdict(r) if r else None for r in v] for k, v in runs.items()},
                        "verdicts": [
                            {
                                "label": v.label.strip(),
                                "median": v.median,
                                "target": v.target,
                                "values": v.values,
                                "result": v.result,
                            }
                            for v in found
                        ],
                    },
                    indent=1,
                ),
                "utf-8",
            )
        for server in servers:
            if server.error is not None:
                keep = True
                print(f"\n*** ERROR: {server.label!r}: {server.error} ***\n{_log_tail(server)}")
    except KeyboardInterrupt:
        print("\ninterrupted")
        code = 2
    except Exception:
        print("benchmark failed:")
        traceback.print_exc(file=sys.stdout)
        code = 2
    finally:
        for server in [*servers, upstream]:
            try:
                _stop(server)
            except Exception as error:  # keep stopping the others
                print(f"warning: stopping {server.label}: {error}")
        if keep:
            print(f"logs kept in {folder}")
        else:
            with contextlib.suppress(OSError):
                shutil.rmtree(folder)
    return code


if __name__ == "__main__":
    raise SystemExit(main())
