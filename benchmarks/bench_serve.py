"""Benchmark: ``flask2quart serve`` (StagedApp on Hypercorn) under load, side by side with gunicorn,
the other WSGI adapters and Quart served alone.

    python benchmarks/bench_serve.py [--rounds N] [--duration S] [--threads T] [--connections C]

Targets (from the issue), two worker processes on every side:

1. Flask view blocking 50 ms, ``C`` = 100 connections, no errors: ``serve`` (our adapter, ``T``
   threads per worker) at least 0.9x gunicorn ``-k gthread -w 2 --threads T``, and at least 8x the
   same ``serve`` with ``--adapter asgiref``;
2. small JSON Flask view: ``serve`` at least 1.0x gunicorn gthread with the same processes and
   threads (issue 13; a2wsgi shown for reference);
3. a Quart route through ``StagedApp``: at least 0.95x the same Quart app alone on Hypercorn.

All servers are started first (each on its own free port on 127.0.0.1, logs in a temporary folder),
checked (every path answers 200 from the expected framework) and warmed up; then every round runs the
eight configurations back to back in a shuffled order with ``wrk -t1 -cC -dS --latency``. Ratios are
computed per round and their medians reported, because the machine is shared and noisy. The server
CPU time of each run (utime + stime of the server's whole process tree, from ``/proc``) divided by
the requests served says where the time goes. Halfway through each run the script also counts the
client connections each worker holds (``/proc/net/tcp`` and the workers' descriptors): wrk opens them
all at once and one worker may accept nearly all of them, which caps throughput whatever the adapter
does; the report shows that split and ratios that do not depend on it. Every run stops by itself
(wrk's ``-d``, plus a timeout). Nothing is hard-coded: a run prints what it measured. It always exits
0 (it is a report). ``--only 2`` (or ``hello_serve,hello_gunicorn``...) runs a subset.
"""

from __future__ import annotations

import argparse
import contextlib
import http.client
import json
import os
import platform
import random
import re
import resource
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from serve_apps import SLEEP_SECONDS  # noqa: E402  (benchmarks/ is not a package)

DEFAULT_ROUNDS = 7
DEFAULT_DURATION = 4.0
DEFAULT_WARMUP = 2.0
DEFAULT_THREADS = 20  # per worker: 2 x 20 threads / 50 ms = a ceiling of 800 req/s on /sleep
DEFAULT_CONNECTIONS = 100
DEFAULT_PAUSE = 0.5
WORKERS = 2
WRK_TIMEOUT = "10s"  # asgiref queues /sleep requests for ~2.5 s at c=100: not a socket timeout
START_TIMEOUT = 90.0
CLK_TCK = os.sysconf("SC_CLK_TCK")


# --- servers -----------------------------------------------------------------------------------


@dataclass
class Server:
    key: str
    label: str
    argv: list[str]
    pool: int | None = None  # threads per worker that run the Flask app (None: no thread pool)
    needs: str | None = None  # a module that must be importable
    checks: dict[str, str] = field(default_factory=dict)  # path -> expected "side" in the JSON
    process: subprocess.Popen[bytes] | None = None
    port: int = 0
    log: Path | None = None
    started: float | None = None  # seconds until every path answered
    error: str | None = None  # why it is not usable (printed loudly)
    known: dict[int, int] = field(default_factory=dict)  # pid -> start time, for a clean stop

    @property
    def ok(self) -> bool:
        return self.error is None and self.process is not None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _servers(threads: int) -> list[Server]:
    python = sys.executable
    serve = [python, "-m", "flask2quart", "serve", "--flask", "serve_apps:flask_app"]
    staged = [*serve, "--quart", "serve_apps:quart_app", "-w", str(WORKERS)]
    flask_paths = {"/sleep": "flask", "/hello": "flask"}
    return [
        Server(
            "serve",
            f"serve (flask2quart adapter, {WORKERS}x{threads})",
            [*staged, "--wsgi-threads", str(threads), "-b", "{bind}"],
            pool=threads,
            checks={**flask_paths, "/qhello": "quart"},
        ),
        Server(
            "gunicorn",
            f"gunicorn gthread {WORKERS}x{threads}",
            [python, "-m", "gunicorn", "-k", "gthread", "-w", str(WORKERS), "--threads", str(threads),
             "--log-level", "warning", "-b", "{bind}", "serve_apps:flask_app"],
            pool=threads,
            needs="gunicorn",
            checks=flask_paths,
        ),
        Server(
            "asgiref",
            f"serve --adapter asgiref (x{WORKERS})",
            [*staged, "--adapter", "asgiref", "-b", "{bind}"],
            pool=1,  # asgiref runs every request of a process on one shared thread
            needs="asgiref",
            checks=flask_paths,
        ),
        Server(
            "a2wsgi",
            f"serve --adapter a2wsgi ({WORKERS}x{threads})",
            [*staged, "--adapter", "a2wsgi", "--wsgi-threads", str(threads), "-b", "{bind}"],
            pool=threads,
            needs="a2wsgi",
            checks=flask_paths,
        ),
        Server(
            "quart",
            f"hypercorn, Quart alone (x{WORKERS})",
            # a socket per worker, as `flask2quart serve` does, so target 3 compares like with like
            [python, str(Path(__file__).with_name("run_hypercorn.py")), "serve_apps:quart_app",
             "--workers", str(WORKERS), "--bind", "{bind}"],
            checks={"/qhello": "quart"},
        ),
    ]


def _module_available(name: str) -> bool:
    probe = subprocess.run(
        [sys.executable, "-c", f"import {name}"], capture_output=True, timeout=60, check=False
    )
    return probe.returncode == 0


def _server_env(threads: int) -> dict[str, str]:
    env = dict(os.environ)
    for name in ("GUNICORN_CMD_ARGS", "FLASK2QUART_SERVE_OPTIONS", "WEB_CONCURRENCY"):
        env.pop(name, None)  # nothing from the caller's shell may change the servers' settings
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(HERE), env.get("PYTHONPATH")]))
    env["BENCH_WSGI_THREADS"] = str(threads)
    return env


def _start(server: Server, logs: Path, env: dict[str, str]) -> None:
    if server.needs and not _module_available(server.needs):
        server.error = f"{server.needs} is not installed in {sys.executable} (pip install {server.needs})"
        return
    server.port = _free_port()
    bind = f"127.0.0.1:{server.port}"
    argv = [arg.replace("{bind}", bind) for arg in server.argv]
    server.log = logs / f"{server.key}.log"
    with server.log.open("wb") as log:
        try:
            server.process = subprocess.Popen(
                argv, cwd=HERE, env=env, stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT
            )
        except OSError as error:
            server.error = f"cannot start {argv[0]}: {error}"


def _get(port: int, path: str, timeout: float = 2.0) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def _log_tail(server: Server, lines: int = 12) -> str:
    if server.log is None or not server.log.exists():
        return ""
    text = server.log.read_text("utf-8", "replace").strip().splitlines()[-lines:]
    return "\n".join("      | " + line for line in text)


def _log_lines(server: Server) -> int:
    if server.log is None or not server.log.exists():
        return 0
    return len(server.log.read_bytes().splitlines())


def _wait_ready(servers: list[Server], started_at: float) -> None:
    """Until every path of every server answers 200 from the expected framework (or it failed)."""
    pending = {s.key: s for s in servers if s.ok}
    last_problem: dict[str, str] = {}
    deadline = started_at + START_TIMEOUT
    while pending and time.monotonic() < deadline:
        for key, server in list(pending.items()):
            assert server.process is not None
            code = server.process.poll()
            if code is not None:
                server.error = f"exited with code {code} before answering"
                del pending[key]
                continue
            try:
                for path, side in server.checks.items():
                    status, body = _get(server.port, path)
                    if status != 200:
                        raise RuntimeError(f"GET {path}: HTTP {status}")
                    got = json.loads(body).get("side")
                    if got != side:
                        raise RuntimeError(f"GET {path} was answered by {got!r}, expected {side!r}")
            except (OSError, http.client.HTTPException, ValueError) as error:
                last_problem[key] = f"{type(error).__name__}: {error}"
                continue
            except RuntimeError as error:  # answered, but wrongly: no point in waiting
                server.error = str(error)
                del pending[key]
                continue
            server.started = time.monotonic() - started_at
            del pending[key]
        if pending:
            time.sleep(0.25)
    for key, server in pending.items():
        server.error = f"not answering after {START_TIMEOUT:.0f} s ({last_problem.get(key, 'no reply')})"


# --- CPU time of a process tree from /proc --------------------------------------------------------


def _proc_table() -> dict[int, tuple[int, int, int]]:
    """pid -> (ppid, utime + stime in ticks, start time) for every process we can read."""
    table: dict[int, tuple[int, int, int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                raw = handle.read()
        except OSError:
            continue
        fields = raw[raw.rfind(b")") + 2 :].split()
        # after "pid (comm) ": state ppid ... utime(14) stime(15) ... starttime(22), 1-based overall
        table[int(entry)] = (int(fields[1]), int(fields[11]) + int(fields[12]), int(fields[19]))
    return table


def _tree_cpu(root: int, table: dict[int, tuple[int, int, int]]) -> dict[int, tuple[int, int]]:
    """pid -> (ticks, start time) for ``root`` and all its descendants."""
    children: dict[int, list[int]] = {}
    for pid, (ppid, _, _) in table.items():
        children.setdefault(ppid, []).append(pid)
    out: dict[int, tuple[int, int]] = {}
    stack = [root]
    while stack:
        pid = stack.pop()
        if pid in table and pid not in out:
            out[pid] = (table[pid][1], table[pid][2])
            stack.extend(children.get(pid, ()))
    return out


def _snapshot(server: Server) -> dict[int, tuple[int, int]]:
    assert server.process is not None
    tree = _tree_cpu(server.process.pid, _proc_table())
    server.known.update({pid: start for pid, (_, start) in tree.items()})
    return tree


def _cpu_delta(before: dict[int, tuple[int, int]], after: dict[int, tuple[int, int]]) -> dict[int, float]:
    """CPU seconds per process spent between the two snapshots (new processes count from zero)."""
    out: dict[int, float] = {}
    for pid, (ticks, start) in after.items():
        old = before.get(pid)
        base = old[0] if old is not None and old[1] == start else 0
        out[pid] = (ticks - base) / CLK_TCK
    return out


# --- wrk -----------------------------------------------------------------------------------------

_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3, "m": 60e3}


def _ms(text: str) -> float | None:
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    return float(match.group(1)) * _UNITS[match.group(2)] if match else None


@dataclass
class WrkResult:
    rps: float | None = None
    requests: int = 0
    non2xx: int = 0
    socket_errors: int = 0
    p50: float | None = None
    p99: float | None = None
    error: str | None = None

    @property
    def errors(self) -> int:
        return self.non2xx + self.socket_errors


def parse_wrk(text: str) -> WrkResult:
    result = WrkResult()
    match = re.search(r"Requests/sec:\s+([\d.]+)", text)
    result.rps = float(match.group(1)) if match else None
    match = re.search(r"(\d+) requests in", text)
    result.requests = int(match.group(1)) if match else 0
    match = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
    result.non2xx = int(match.group(1)) if match else 0
    match = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
    result.socket_errors = sum(int(n) for n in match.groups()) if match else 0
    for name, percent in (("p50", "50"), ("p99", "99")):
        match = re.search(rf"^\s*{percent}%\s+(\S+)", text, re.MULTILINE)
        setattr(result, name, _ms(match.group(1)) if match else None)
    if result.rps is None:
        result.error = "no Requests/sec in wrk's output: " + " | ".join(text.strip().splitlines()[-3:])
    return result


def _wrk(
    port: int, path: str, connections: int, duration: float, midway: Callable[[], None] | None = None
) -> tuple[WrkResult, float]:
    """One bounded wrk run, and the CPU seconds wrk itself used. ``midway`` runs halfway through."""
    argv = [
        "wrk", "-t1", f"-c{connections}", f"-d{max(1, round(duration))}s", "--timeout", WRK_TIMEOUT,
        "--latency", f"http://127.0.0.1:{port}{path}",
    ]
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if midway is not None:
        time.sleep(duration / 2)
        midway()
    try:
        out, err = proc.communicate(timeout=duration + 30)
    except subprocess.TimeoutExpired:
        proc.kill()  # the wrk this function started, by its PID
        proc.communicate()
        return WrkResult(error=f"wrk did not finish within {duration + 30:.0f} s"), 0.0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    client_cpu = (after.ru_utime - usage.ru_utime) + (after.ru_stime - usage.ru_stime)
    result = parse_wrk(out.decode("utf-8", "replace"))
    if proc.returncode != 0 and result.error is None:
        result.error = f"wrk exit code {proc.returncode}: {err.decode('utf-8', 'replace').strip()}"
    return result, client_cpu


def _connections_by_process(server: Server) -> list[int]:
    """The established client connections held by each of the server's processes, largest first."""
    assert server.process is not None
    inodes: set[str] = set()
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as handle:
                next(handle)
                for line in handle:
                    fields = line.split()
                    if int(fields[1].rsplit(":", 1)[1], 16) == server.port and fields[3] == "01":
                        inodes.add(fields[9])
        except (OSError, StopIteration, IndexError, ValueError):
            continue
    counts: list[int] = []
    for pid in _tree_cpu(server.process.pid, _proc_table()):
        count = 0
        with contextlib.suppress(OSError):
            for fd in os.listdir(f"/proc/{pid}/fd"):
                with contextlib.suppress(OSError):
                    link = os.readlink(f"/proc/{pid}/fd/{fd}")
                    if link.startswith("socket:[") and link[8:-1] in inodes:
                        count += 1
        if count:
            counts.append(count)
    return sorted(counts, reverse=True)


# --- configurations ------------------------------------------------------------------------------


@dataclass
class Run:
    rps: float | None
    errors: int
    p50: float | None
    p99: float | None
    cpu_ms: float | None  # server CPU per request
    client_cpu: float  # share of one core used by wrk
    split: str  # CPU share of the busiest processes of the server tree
    conns: list[int]  # client connections held by each server process, halfway through the run
    loaded: bool  # every worker held at least ``threads`` connections (enough to fill its pool)
    efficiency: float | None  # /sleep: req/s / the ceiling its connection split allows


@dataclass
class Config:
    key: str
    group: str
    path: str
    server: Server
    label: str
    runs: list[Run | None] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    selected: bool = True


def _configs(by: dict[str, Server]) -> list[Config]:
    return [
        Config("sleep_serve", "1", "/sleep", by["serve"], by["serve"].label),
        Config("sleep_gunicorn", "1", "/sleep", by["gunicorn"], by["gunicorn"].label),
        Config("sleep_asgiref", "1", "/sleep", by["asgiref"], by["asgiref"].label),
        Config("hello_serve", "2", "/hello", by["serve"], by["serve"].label),
        Config("hello_gunicorn", "2", "/hello", by["gunicorn"], by["gunicorn"].label),
        Config("hello_a2wsgi", "2", "/hello", by["a2wsgi"], by["a2wsgi"].label),
        Config("qhello_serve", "3", "/qhello", by["serve"], "serve: StagedApp -> Quart"),
        Config("qhello_quart", "3", "/qhello", by["quart"], by["quart"].label),
    ]


def _measure(config: Config, connections: int, duration: float, threads: int) -> Run | None:
    server = config.server
    if not server.ok:
        return None
    assert server.process is not None
    if server.process.poll() is not None:
        server.error = f"died during the benchmark (exit code {server.process.returncode})"
        return None
    before = _snapshot(server)
    started = time.perf_counter()
    conns: list[list[int]] = [[]]

    def midway() -> None:
        conns[0] = _connections_by_process(server)

    result, client_cpu = _wrk(server.port, config.path, connections, duration, midway)
    elapsed = time.perf_counter() - started
    after = _snapshot(server)
    if result.error is not None:
        config.problems.append(result.error)
        return None
    per_process = _cpu_delta(before, after)
    total = sum(per_process.values())
    busy = sorted((v for v in per_process.values() if v > 0.05 * total), reverse=True) if total else []
    split = "/".join(f"{100 * v / total:.0f}" for v in busy[:3]) if busy else "-"
    held = conns[0]
    loaded = len(held) >= WORKERS and min(held) >= min(threads, connections // WORKERS)
    efficiency = None
    if config.path == "/sleep" and server.pool and held and result.rps:
        # each worker serves at most min(its connections, its threads) requests per SLEEP_SECONDS
        ceiling = sum(min(n, server.pool) for n in held[:WORKERS]) / SLEEP_SECONDS
        efficiency = result.rps / ceiling
    return Run(
        rps=result.rps,
        errors=result.errors,
        p50=result.p50,
        p99=result.p99,
        cpu_ms=1000 * total / result.requests if result.requests else None,
        client_cpu=client_cpu / elapsed if elapsed else 0.0,
        split=split,
        conns=held,
        loaded=loaded,
        efficiency=efficiency,
    )


# --- report --------------------------------------------------------------------------------------


def _median(values: list[float | None]) -> float | None:
    clean = [v for v in values if v is not None]
    return statistics.median(clean) if clean else None


def _fmt(value: float | None, spec: str = ".2f") -> str:
    return "n/a" if value is None else format(value, spec)


def _field(config: Config, name: str) -> list[float | None]:
    return [getattr(run, name) if run is not None else None for run in config.runs]


def _per_round(num: Config, den: Config, name: str = "rps", loaded: bool = False) -> list[float | None]:
    """num / den round by round; with ``loaded``, only rounds where both runs were loaded."""
    out: list[float | None] = []
    for run_a, run_b in zip(num.runs, den.runs, strict=True):
        a = getattr(run_a, name) if run_a is not None else None
        b = getattr(run_b, name) if run_b is not None else None
        if loaded and not (run_a is not None and run_a.loaded and run_b is not None and run_b.loaded):
            a = None
        out.append(a / b if a is not None and b else None)
    return out


@dataclass
class Ratio:
    label: str
    values: list[float | None]
    target: float | None  # at least; None: for reference
    extra: Callable[[], str | None] = lambda: None  # a reason to MISS besides the ratio
    diagnostic: bool = False  # shown next to a target, but not the verdict: result in parentheses

    def result(self) -> str:
        med = _median(self.values)
        if self.target is None:
            return ""
        if med is None:
            return "n/a"
        reason = self.extra()
        verdict = "PASS"
        if med < self.target:
            verdict = "MISS"
        elif reason:
            verdict = f"MISS ({reason})"
        return f"({verdict}, {sum(v is not None for v in self.values)} rounds)" if self.diagnostic else verdict


def _report(configs: list[Config], connections: int, threads: int) -> None:
    by = {c.key: c for c in configs}
    print()
    print(
        f"{'':2} {'path':<8} {'configuration':<36} {'req/s':>7} {'min-max':>13} {'errors':>7} "
        f"{'p50 ms':>7} {'p99 ms':>7} {'CPU ms/req':>10} {'wrk CPU':>7}"
    )
    print("-" * 114)
    for config in (c for c in configs if c.selected):
        rps = [v for v in _field(config, "rps") if v is not None]
        errors = sum(run.errors for run in config.runs if run is not None)
        span = f"{min(rps):,.0f}-{max(rps):,.0f}" if rps else "n/a"
        client = _median(_field(config, "client_cpu"))
        print(
            f"{config.group:<2} {config.path:<8} {config.label:<36} {_fmt(_median(rps), ',.0f'):>7} {span:>13} "
            f"{errors if rps else 'n/a':>7} {_fmt(_median(_field(config, 'p50')), '.1f'):>7} "
            f"{_fmt(_median(_field(config, 'p99')), '.1f'):>7} {_fmt(_median(_field(config, 'cpu_ms')), '.3f'):>10} "
            f"{_fmt(None if client is None else 100 * client, '.0f'):>6}%"
        )
    print(
        f"(wrk -t1 -c{connections}; req/s, p50/p99, CPU are medians over the rounds, errors the sum of non-2xx "
        "and socket errors; CPU ms/req = CPU of the server's process tree / requests served; wrk CPU = "
        "share of one core used by the client)"
    )
    print()
    print(
        "per round: req/s [client connections held by each server process halfway | each one's share of the "
        "server CPU %], and for /sleep the share of the ceiling that connection split allows"
    )
    for config in (c for c in configs if c.selected):
        cells = [
            "n/a"
            if run is None
            else f"{_fmt(run.rps, '.0f')} [{'/'.join(map(str, run.conns)) or '-'} | {run.split}]"
            + (f" {run.efficiency:.0%}" if run.efficiency is not None else "")
            for run in config.runs
        ]
        print(f"{config.group:<2} {config.path:<8} {config.label:<36} " + "  ".join(cells))

    def no_errors() -> str | None:
        runs = [run for run in by["sleep_serve"].runs if run is not None]
        total = sum(run.errors for run in runs)
        return f"{total} errors" if total else None

    ratios = [
        Ratio("1 /sleep serve / gunicorn gthread, 0 errors", _per_round(by["sleep_serve"], by["sleep_gunicorn"]), 0.9, no_errors),
        Ratio(
            "  same, rounds with every worker loaded",
            _per_round(by["sleep_serve"], by["sleep_gunicorn"], loaded=True),
            0.9,
            no_errors,
            diagnostic=True,
        ),
        Ratio(
            "  same, each / its ceiling for its conn split",
            _per_round(by["sleep_serve"], by["sleep_gunicorn"], "efficiency"),
            0.9,
            no_errors,
            diagnostic=True,
        ),
        Ratio("1 /sleep serve / serve --adapter asgiref", _per_round(by["sleep_serve"], by["sleep_asgiref"]), 8.0),
        Ratio("2 /hello serve / gunicorn gthread", _per_round(by["hello_serve"], by["hello_gunicorn"]), 1.0),
        Ratio(
            "  same, rounds with every worker loaded",
            _per_round(by["hello_serve"], by["hello_gunicorn"], loaded=True),
            1.0,
            diagnostic=True,
        ),
        Ratio("  /hello a2wsgi / gunicorn gthread", _per_round(by["hello_a2wsgi"], by["hello_gunicorn"]), None),
        Ratio("  /hello serve / a2wsgi", _per_round(by["hello_serve"], by["hello_a2wsgi"]), None),
        Ratio("3 /qhello StagedApp / Quart alone", _per_round(by["qhello_serve"], by["qhello_quart"]), 0.95),
        Ratio(
            "  same, rounds with every worker loaded",
            _per_round(by["qhello_serve"], by["qhello_quart"], loaded=True),
            0.95,
            diagnostic=True,
        ),
        Ratio("  CPU/req /hello serve / gunicorn", _per_round(by["hello_serve"], by["hello_gunicorn"], "cpu_ms"), None),
        Ratio("  CPU/req /hello a2wsgi / gunicorn", _per_round(by["hello_a2wsgi"], by["hello_gunicorn"], "cpu_ms"), None),
        Ratio("  CPU/req /qhello StagedApp / Quart", _per_round(by["qhello_serve"], by["qhello_quart"], "cpu_ms"), None),
        Ratio("  CPU/req /sleep serve / gunicorn", _per_round(by["sleep_serve"], by["sleep_gunicorn"], "cpu_ms"), None),
    ]
    width = max(9, 6 * len(configs[0].runs))
    print()
    print(
        f"{'ratio (median of per-round ratios)':<44} {'median':>7} {'min-max':>11}  {'per round':<{width}} "
        f"{'target':>7}  result"
    )
    print("-" * (84 + width))
    for ratio in ratios:
        shown = " ".join(f"{_fmt(v):>5}" if v is not None else "    -" for v in ratio.values)
        present = [v for v in ratio.values if v is not None]
        span = f"{min(present):.2f}-{max(present):.2f}" if present else "n/a"
        target = "" if ratio.target is None else f">= {ratio.target:g}"
        print(
            f"{ratio.label:<44} {_fmt(_median(ratio.values)):>7} {span:>11}  {shown:<{width}} {target:>7}  "
            f"{ratio.result()}"
        )
    print(
        f"(loaded: each of the {WORKERS} workers held at least {threads} of the {connections} connections in both "
        "runs of the round; ceiling: sum over workers of min(connections, threads) / "
        f"{SLEEP_SECONDS * 1000:g} ms. Lines with the result in parentheses explain; the verdicts use all rounds.)"
    )
    for config in configs:
        for problem in dict.fromkeys(config.problems):
            print(f"warning: {config.path} {config.label}: {problem}")


# --- main ----------------------------------------------------------------------------------------


def _versions() -> str:
    from importlib.metadata import PackageNotFoundError, version

    parts = []
    for name in ("flask2quart", "flask", "werkzeug", "quart", "hypercorn", "gunicorn", "a2wsgi", "asgiref"):
        try:
            parts.append(f"{name} {version(name)}")
        except PackageNotFoundError:
            parts.append(f"{name} (missing)")
    wrk = "wrk (missing)"
    if shutil.which("wrk"):
        probe = subprocess.run(["wrk", "-v"], capture_output=True, timeout=10, check=False)
        first = (probe.stdout or probe.stderr).decode("utf-8", "replace").strip().splitlines()
        wrk = first[0].split(" [")[0] if first else "wrk"
    return (
        f"python {platform.python_version()} ({sys.executable}), {', '.join(parts)}, {wrk}, "
        f"{os.cpu_count()} CPUs, {platform.platform()}"
    )


def _stop(server: Server) -> None:
    """SIGTERM to the server we started (its workers stop with it); SIGKILL what is left, by PID."""
    process = server.process
    if process is None:
        return
    with contextlib.suppress(OSError):
        server.known.update({pid: start for pid, (_, start) in _tree_cpu(process.pid, _proc_table()).items()})
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    deadline = time.monotonic() + 5
    table = _proc_table()
    leftover = [pid for pid, start in server.known.items() if pid in table and table[pid][2] == start]
    while leftover and time.monotonic() < deadline:
        time.sleep(0.2)
        table = _proc_table()
        leftover = [pid for pid in leftover if pid in table and table[pid][2] == server.known[pid]]
    for pid in leftover:  # a worker that outlived its master: only processes this run started
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="flask2quart serve under wrk, next to gunicorn and Quart")
    parser.add_argument("--rounds", type=int, default=DEFAULT_ROUNDS, help=f"rounds (default {DEFAULT_ROUNDS})")
    parser.add_argument("--duration", type=float, default=DEFAULT_DURATION, help="seconds per wrk run (default %(default)s)")
    parser.add_argument("--warmup", type=float, default=DEFAULT_WARMUP, help="seconds of warm-up per configuration")
    parser.add_argument("--threads", type=int, default=DEFAULT_THREADS, help="WSGI threads per worker, both sides")
    parser.add_argument("--connections", type=int, default=DEFAULT_CONNECTIONS, help="wrk connections (default 100)")
    parser.add_argument("--pause", type=float, default=DEFAULT_PAUSE, help="seconds between runs")
    parser.add_argument("--seed", type=int, default=1, help="seed of the shuffled order")
    parser.add_argument(
        "--only",
        metavar="LIST",
        help="comma-separated targets (1, 2, 3) or configuration names (sleep_serve, hello...) to run; default all",
    )
    args = parser.parse_args(argv)
    rounds = max(1, args.rounds)
    duration = max(1.0, args.duration)

    print(_versions())
    print(
        f"{WORKERS} workers per server, {args.threads} WSGI threads per worker, wrk -t1 -c{args.connections} "
        f"-d{duration:g}s, {rounds} rounds, warm-up {args.warmup:g} s, seed {args.seed}"
    )
    if not shutil.which("wrk"):
        print("\n*** ERROR: wrk is not installed (apt-get install -y wrk): nothing measured ***")
        return 0

    servers = _servers(args.threads)
    configs = _configs({s.key: s for s in servers})
    if args.only:
        wanted = {item.strip() for item in args.only.split(",") if item.strip()}
        for config in configs:
            config.selected = config.group in wanted or any(config.key.startswith(w) for w in wanted)
        if not any(c.selected for c in configs):
            print(f"\n*** ERROR: --only {args.only!r} selects no configuration ***")
            return 0
    needed = {c.server.key for c in configs if c.selected}
    servers = [s for s in servers if s.key in needed]
    logs = Path(tempfile.mkdtemp(prefix="f2q-bench-serve-"))
    keep_logs = False
    try:
        env = _server_env(args.threads)
        started_at = time.monotonic()
        for server in servers:
            _start(server, logs, env)
        _wait_ready(servers, started_at)
        for server in servers:
            if server.ok:
                print(f"  {server.label:<38} up on 127.0.0.1:{server.port} after {server.started:.1f} s")
        for server in servers:
            if not server.ok:
                keep_logs = True
                print(f"\n*** ERROR: server {server.label!r} did not start: {server.error} ***")
                tail = _log_tail(server)
                if tail:
                    print(f"    log {server.log}:\n{tail}")
        if not any(s.ok for s in servers):
            print("\n*** ERROR: no server started: nothing measured ***")
            return 0

        if args.warmup > 0:
            for config in configs:
                if config.selected and config.server.ok:
                    _wrk(config.server.port, config.path, args.connections, args.warmup)
            time.sleep(args.pause)
        order_rng = random.Random(args.seed)
        for index in range(rounds):
            order = [c for c in configs if c.selected]
            order_rng.shuffle(order)
            for config in order:
                config.runs.append(_measure(config, args.connections, duration, args.threads))
                time.sleep(args.pause)
            for config in configs:
                if not config.selected:
                    config.runs.append(None)
            shown = ", ".join(
                f"{c.key} {_fmt(c.runs[-1].rps if c.runs[-1] else None, '.0f')}" for c in order
            )
            print(f"round {index + 1}/{rounds} (req/s): {shown}", flush=True)
        _report(configs, args.connections, args.threads)
        print(
            "server log lines (startup included; no access log on any side): "
            + ", ".join(f"{s.key} {_log_lines(s)}" for s in servers)
        )
        for server in servers:
            if server.error is not None and server.started is not None:
                keep_logs = True
                print(f"\n*** ERROR: server {server.label!r} {server.error} ***\n{_log_tail(server)}")
    except KeyboardInterrupt:
        print("\ninterrupted")
    except Exception:
        print("benchmark failed:")
        traceback.print_exc(file=sys.stdout)
    finally:
        for server in servers:
            try:
                _stop(server)
            except Exception as error:  # keep stopping the others
                print(f"warning: stopping {server.label}: {error}")
        if keep_logs:
            print(f"server logs kept in {logs}")
        else:
            shutil.rmtree(logs, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
