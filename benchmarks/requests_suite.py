"""requests' own test suite against httpbin served by ``flask2quart serve``, next to gunicorn.

``python benchmarks/requests_suite.py [--json FILE] [--threads N] [--min-passed N]``

A standing promise of the project (issue 13): the HTTP tests of requests pass against the httpbin
Flask app served by ``flask2quart serve`` as they do on gunicorn.

1. **build** (cached under ``~/.cache/flask2quart-requests/<key>/``, keyed by the pins and the
   Python): the requests sdist by exact version (it ships ``tests/``), unpacked; a venv with that
   requests, its test dependencies, the httpbin app and gunicorn, all pinned, and this repository's
   flask2quart as an editable install (so the code under test is the working tree's);
2. **serve**: a throw-away CA and a certificate for 127.0.0.1/localhost (trustme), then four servers
   on free ports of 127.0.0.1, each ``httpbin:app`` in one worker process with the same number of
   threads: ``flask2quart serve --workers 1 --wsgi-threads N`` and ``gunicorn -k gthread -w 1
   --threads N``, each once plain and once with TLS (for the suite's ``httpbin_secure``);
3. **run** requests' suite once per server pair, unchanged, with ``requests_plugin.py``: it supplies
   the ``httpbin``/``httpbin_secure``/``httpbin_ca_bundle`` fixtures pytest-httpbin would, refuses
   any connect or name lookup outside the loopback network before a packet leaves, deselects the
   tests of :data:`DESELECT` (they need the outside world) and records every outcome;
4. **compare**: a test that passes on gunicorn but not on serve is run again on both sides
   (``--reruns``, for the timing-dependent tests of a shared machine); one that still differs is a
   regression, unless :data:`DIFFERENCES` classifies it with the reason. Then, finer, every
   response the servers gave to the same test: status, headers and body, normalised for what differs
   between any two servers (``requests_responses.py``).

Prints a side-by-side table; ``--json FILE`` writes the counts, every test that differs, the
deselections and the versions. Exit 0 when serve passes every test gunicorn passes (classified
differences aside), its responses have the same status, headers and bodies, at least
``--min-passed`` tests pass on serve and nothing was blocked; 1 when not; 2 when a step failed (a
server that did not start, a run that timed out); 3 when the build
could not download from PyPI. Every process it starts is stopped by PID at the end.
"""

from __future__ import annotations

import argparse
import contextlib
import fcntl
import hashlib
import http.client
import json
import os
import shutil
import signal
import socket
import ssl
import subprocess
import sys
import tarfile
import tempfile
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import requests_responses  # benchmarks/ is not a package

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
PLUGIN = HERE / "requests_plugin.py"
CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "flask2quart-requests"

REQUESTS = "requests==2.32.5"
#: requests' test dependencies (its requirements-dev.txt, pytest below 9 as it asks), the httpbin
#: app, gunicorn, and the libraries whose behaviour the suite measures, all exact.
PINS = (
    "pytest==8.4.2",
    "pytest-mock==3.17.0",
    "pytest-timeout==2.4.0",
    "trustme==1.2.1",
    "PySocks==1.7.1",
    "httpbin==0.10.4",
    "gunicorn==27.0.1",
    "flask==3.1.3",
    "werkzeug==3.1.9",
    "urllib3==2.8.0",
    "hypercorn==0.18.0",
    "asgiref==3.13.0",  # for --serve-arg=--adapter=asgiref|a2wsgi: the other adapters on the same suite
    "a2wsgi==1.10.10",
)

#: Tests that would dial an address outside 127.0.0.0/8 (or resolve a name through DNS). They are
#: never run; the plugin's guard makes one missing from this list fail, not dial out. An entry
#: without ``[...]`` covers every parametrisation.
_TARPIT = "connects to 10.255.255.1 (requests' TARPIT, an unroutable address) to provoke a connect timeout"
DESELECT: dict[str, str] = {
    "tests/test_requests.py::TestRequests::test_errors[http://doesnotexist.google.com-ConnectionError]":
        "resolves doesnotexist.google.com through DNS and expects the lookup to fail",
    "tests/test_requests.py::TestRequests::test_proxy_error":
        "resolves the proxy host 'non-resolvable-address' through DNS and expects the lookup to fail",
    "tests/test_requests.py::TestTimeout::test_connect_timeout": _TARPIT,
    "tests/test_requests.py::TestTimeout::test_total_timeout_connect": _TARPIT,
}

#: Tests that pass on gunicorn and fail on serve for a reason that is not a defect of flask2quart.
DIFFERENCES: dict[str, str] = {}

SIDES = ("gunicorn", "serve")
OUTCOMES = ("passed", "failed", "error", "skipped", "xfailed", "xpassed")
START_TIMEOUT = 60.0
TEST_TIMEOUT = 60  # per test (pytest-timeout): a hung test fails, the run goes on
SUITE_TIMEOUT = 1500.0
PIP_TIMEOUT = 1800.0
EXIT_OK, EXIT_FAIL, EXIT_ERROR, EXIT_OFFLINE = 0, 1, 2, 3
#: Variables requests or urllib3 read that would change what the suite does (a proxy dials out).
_DROP_ENV = ("http_proxy", "https_proxy", "all_proxy", "no_proxy", "requests_ca_bundle", "curl_ca_bundle",
             "gunicorn_cmd_args", "pythonpath", "pythonhome", "flask2quart_serve_options")


class HarnessError(Exception):
    """A step that cannot go on; the message is one line for the user."""


class OfflineError(HarnessError):
    """PyPI could not be reached to build the venv."""


def say(message: str) -> None:
    print(f"[requests-suite] {message}", file=sys.stderr, flush=True)


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k.lower() not in _DROP_ENV}
    env.update(extra or {})
    return env


def run(cmd: Sequence[str | Path], *, log: Path, timeout: float = PIP_TIMEOUT, cwd: Path | None = None) -> str:
    """Run a command to completion, output appended to ``log``; a failure is a :class:`HarnessError`."""
    try:
        done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=clean_env(), capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"{Path(str(cmd[0])).name} timed out after {timeout:.0f} s") from error
    with log.open("a", encoding="utf-8") as handle:
        handle.write(f"$ {' '.join(map(str, cmd))}\n{done.stdout}{done.stderr}\n[exit {done.returncode}]\n")
    if done.returncode != 0:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise HarnessError(f"{' '.join(map(str, cmd[:4]))}... exited {done.returncode}: {tail[0][:200]} (see {log})")
    return done.stdout


# --- build ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Build:
    folder: Path

    @property
    def python(self) -> Path:
        return self.folder / "venv" / "bin" / "python"

    @property
    def suite(self) -> Path:
        return self.folder / "requests"  # the unpacked sdist: tests/ and pyproject.toml

    @property
    def log(self) -> Path:
        return self.folder / "build.log"


def python_version(python: str) -> tuple[int, int]:
    out = subprocess.run([python, "-c", "import sys; print(*sys.version_info[:2])"], capture_output=True,
                         text=True, timeout=60, check=True).stdout.split()
    return int(out[0]), int(out[1])


def quart_pin(version: tuple[int, int]) -> str:
    """The Quart the project tests with on that Python (never 0.23.0: it prints request bodies)."""
    return "quart==0.23.1" if version >= (3, 13) else "quart==0.22.0"


def build_key(python: str, version: tuple[int, int]) -> str:
    recipe = json.dumps([REQUESTS, PINS, quart_pin(version), str(Path(python).resolve())])
    return f"py{version[0]}.{version[1]}-{hashlib.sha256(recipe.encode()).hexdigest()[:12]}"


def ensure_build(python: str) -> Build:
    """The cached build for ``python``; two runs at once build it once (a lock file beside it)."""
    version = python_version(python)
    build = Build(CACHE / build_key(python, version))
    CACHE.mkdir(parents=True, exist_ok=True)
    with open(CACHE / f"{build.folder.name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not (build.folder / "done").exists():
            _build(build, python, version)
    return build


def pypi_reachable(timeout: float = 10.0) -> bool:
    """Whether pip's index answers at all (a failed pip step is "offline" only then)."""
    try:
        with socket.create_connection(("pypi.org", 443), timeout=timeout):
            return True
    except OSError:
        return False


def _build(build: Build, python: str, version: tuple[int, int]) -> None:
    say(f"building {build.folder} (once; a few minutes)")
    if build.folder.exists():
        shutil.rmtree(build.folder)
    build.folder.mkdir(parents=True)
    pip = [build.python, "-m", "pip"]
    run([python, "-m", "venv", build.folder / "venv"], log=build.log)
    download = build.folder / "sdist"
    try:
        run([*pip, "download", "-q", "--no-deps", "--no-binary", ":all:", "-d", download, REQUESTS], log=build.log)
    except HarnessError as error:
        if not pypi_reachable():
            raise OfflineError(f"cannot download {REQUESTS}: PyPI cannot be reached ({error})") from error
        raise
    sdist = next(download.glob("*.tar.gz"))
    with tarfile.open(sdist) as archive:
        archive.extractall(build.folder / "unpacked", filter="data")
    (unpacked,) = (build.folder / "unpacked").iterdir()
    unpacked.rename(build.suite)
    if not (build.suite / "tests" / "conftest.py").exists():
        raise HarnessError(f"{sdist.name} has no tests/conftest.py")
    try:
        run([*pip, "install", "-q", sdist, *PINS, quart_pin(version), "-e", REPO], log=build.log)
    except HarnessError as error:
        if not pypi_reachable():
            raise OfflineError(f"cannot install the pinned packages: PyPI cannot be reached ({error})") from error
        raise
    freeze = run([*pip, "list", "--format=freeze"], log=build.log)
    (build.folder / "done").write_text(freeze, encoding="utf-8")


def installed_versions(build: Build) -> dict[str, str]:
    lines = (build.folder / "done").read_text(encoding="utf-8").splitlines()
    pairs = (line.split("==", 1) for line in lines if "==" in line)
    wanted = {"requests", "urllib3", "flask", "werkzeug", "httpbin", "gunicorn", "hypercorn", "quart", "pytest"}
    return {name: version for name, version in pairs if name.lower() in wanted}


# --- certificates and servers ---------------------------------------------------------------------

_MAKE_CERTS = """
import sys, trustme
ca = trustme.CA()
cert = ca.issue_cert("127.0.0.1", "localhost")
folder = sys.argv[1]
ca.cert_pem.write_to_path(folder + "/ca.pem")
cert.private_key_pem.write_to_path(folder + "/key.pem")
with open(folder + "/cert.pem", "wb") as out:
    for pem in cert.cert_chain_pems:
        out.write(pem.bytes())
"""


def make_certs(build: Build, folder: Path) -> None:
    run([build.python, "-c", _MAKE_CERTS, folder], log=folder / "certs.log", timeout=120)


@dataclass
class Server:
    side: str
    secure: bool
    port: int = 0
    process: subprocess.Popen[bytes] | None = None
    log: Path | None = None
    known: dict[int, int] = field(default_factory=dict)  # pid -> start time, for a clean stop

    @property
    def url(self) -> str:
        return f"{'https' if self.secure else 'http'}://127.0.0.1:{self.port}"

    @property
    def name(self) -> str:
        return f"{self.side}{'-tls' if self.secure else ''}"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def server_argv(build: Build, server: Server, threads: int, certs: Path, extra: Sequence[str] = ()) -> list[str]:
    bind = f"127.0.0.1:{server.port}"
    if server.side == "serve":
        argv = [str(build.python), "-m", "flask2quart", "serve", "--flask", "httpbin:app", "--workers", "1",
                "--wsgi-threads", str(threads), "--bind", bind, *extra]
    else:
        # no control socket: gunicorn 27 puts one per user in ~/.gunicorn, shared with other servers
        argv = [str(build.python), "-m", "gunicorn", "-k", "gthread", "-w", "1", "--threads", str(threads),
                "--no-control-socket", "-b", bind]
    if server.secure:
        argv += ["--certfile", str(certs / "cert.pem"), "--keyfile", str(certs / "key.pem")]
    return argv if server.side == "serve" else [*argv, "httpbin:app"]


def start(server: Server, build: Build, threads: int, work: Path, extra: Sequence[str] = ()) -> None:
    server.port = free_port()
    server.log = work / f"server-{server.name}.log"
    argv = server_argv(build, server, threads, work, extra)
    with server.log.open("wb") as log:
        server.process = subprocess.Popen(argv, cwd=work, env=clean_env(),
                                          stdin=subprocess.DEVNULL, stdout=log, stderr=subprocess.STDOUT)


def get(server: Server, path: str, ca: Path) -> int:
    if server.secure:
        context = ssl.create_default_context(cafile=str(ca))
        connection: http.client.HTTPConnection = http.client.HTTPSConnection(
            "127.0.0.1", server.port, timeout=5, context=context)
    else:
        connection = http.client.HTTPConnection("127.0.0.1", server.port, timeout=5)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


class ExitedEarly(HarnessError):
    """A server process ended before it answered (the free port may have been taken meanwhile)."""


def wait_ready(servers: Sequence[Server], ca: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    for server in servers:
        problem = "no reply"
        while True:
            assert server.process is not None
            if server.process.poll() is not None:
                raise ExitedEarly(f"{server.name} exited with code {server.process.returncode}:\n{tail(server)}")
            try:
                if get(server, "/get", ca) == 200:
                    break
                problem = "GET /get was not 200"
            except (OSError, http.client.HTTPException) as error:
                problem = f"{type(error).__name__}: {error}"
            if time.monotonic() > deadline:
                raise HarnessError(f"{server.name} not answering after {START_TIMEOUT:.0f} s ({problem}):\n"
                                   f"{tail(server)}")
            time.sleep(0.2)
        remember_tree(server)


def start_ready(server: Server, build: Build, threads: int, work: Path, extra: Sequence[str]) -> None:
    """Wait for a started server; one that exits first is started again on another free port
    (another program may have bound the port between :func:`free_port` and the server), twice."""
    for attempt in range(3):
        try:
            wait_ready([server], work / "ca.pem")
            return
        except ExitedEarly:
            if attempt == 2:
                raise
            say(f"{server.name} exited before answering; starting it again on another port")
            start(server, build, threads, work, extra)


def logged_errors(server: Server) -> int:
    """Tracebacks the server logged (an app or adapter error the client may not have seen)."""
    if server.log is None or not server.log.exists():
        return 0
    return server.log.read_text("utf-8", "replace").count("Traceback (most recent call last)")


def tail(server: Server, lines: int = 12) -> str:
    if server.log is None or not server.log.exists():
        return ""
    text = server.log.read_text("utf-8", "replace").strip().splitlines()[-lines:]
    return "\n".join("    | " + line for line in text)


def _proc_table() -> dict[int, tuple[int, int]]:
    """pid -> (ppid, start time) of every process we can read."""
    table: dict[int, tuple[int, int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            with contextlib.suppress(OSError):
                raw = Path(f"/proc/{entry}/stat").read_bytes()
                fields = raw[raw.rfind(b")") + 2:].split()
                table[int(entry)] = (int(fields[1]), int(fields[19]))
    return table


def remember_tree(server: Server) -> None:
    """The server's processes (master and workers) with their start times, so that only they are
    ever signalled, even if a PID is reused."""
    if server.process is None:
        return
    table = _proc_table()
    pids = [server.process.pid]
    while pids:
        pid = pids.pop()
        if pid in table:
            server.known[pid] = table[pid][1]
            pids.extend(child for child, (parent, _) in table.items() if parent == pid)


def stop(server: Server) -> None:
    """SIGTERM to the server started here; SIGKILL, by PID, to any of its processes left after 15 s."""
    process = server.process
    if process is None:
        return
    remember_tree(server)
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)
    deadline = time.monotonic() + 5
    while True:
        table = _proc_table()
        left = [pid for pid, begun in server.known.items() if table.get(pid, (0, None))[1] == begun]
        if not left or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    for pid in left:
        with contextlib.suppress(OSError):
            os.kill(pid, signal.SIGKILL)


# --- running the suite ----------------------------------------------------------------------------


@dataclass
class SuiteRun:
    tests: dict[str, dict[str, Any]]
    blocked: list[dict[str, str]]
    deselected: list[str]
    unmatched: list[str]
    seconds: float
    server_errors: int = 0  # tracebacks in the server's logs during the whole measurement

    def counts(self) -> dict[str, int]:
        found = Counter(entry["outcome"] for entry in self.tests.values())
        return {outcome: found.get(outcome, 0) for outcome in OUTCOMES}

    def passed_with_server(self) -> int:
        """Passed tests that got at least one response from the server under test."""
        return sum(1 for e in self.tests.values() if e["outcome"] == "passed" and e.get("responses"))

    def passed(self) -> set[str]:
        return {nodeid for nodeid, entry in self.tests.items() if entry["outcome"] in ("passed", "xfailed")}


def run_suite(build: Build, plain: Server, secure: Server, work: Path, label: str,
              only: Sequence[str] = ()) -> SuiteRun:
    """requests' suite (or only ``only``) against one side's two servers, in a fresh process."""
    plugin_dir = work / "plugin"
    plugin_dir.mkdir(exist_ok=True)
    shutil.copy(PLUGIN, plugin_dir / PLUGIN.name)
    out = work / f"suite-{label}.json"
    env = clean_env({
        "PYTHONPATH": str(plugin_dir),
        "F2Q_RS_HTTPBIN": plain.url,
        "F2Q_RS_HTTPBIN_SECURE": secure.url,
        "F2Q_RS_CA_BUNDLE": str(work / "ca.pem"),
        "F2Q_RS_DESELECT": json.dumps(sorted(DESELECT)),
        "F2Q_RS_OUT": str(out),
    })
    cmd = [str(build.python), "-m", "pytest", "-p", "requests_plugin", "-p", "no:cacheprovider", "-q",
           "--timeout", str(TEST_TIMEOUT), *(only or ["tests"])]
    began = time.monotonic()
    with (work / f"suite-{label}.log").open("wb") as log:
        try:
            subprocess.run(cmd, cwd=build.suite, env=env, stdin=subprocess.DEVNULL, stdout=log,
                           stderr=subprocess.STDOUT, timeout=SUITE_TIMEOUT)
        except subprocess.TimeoutExpired as error:
            raise HarnessError(f"the suite against {plain.side} ran over {SUITE_TIMEOUT:.0f} s") from error
    if not out.exists():
        raise HarnessError(f"the suite against {plain.side} wrote no results (see {work}/suite-{label}.log)")
    data = json.loads(out.read_text(encoding="utf-8"))
    return SuiteRun(data["tests"], data["blocked"], data["deselected"], data["unmatched_deselect"],
                    time.monotonic() - began)


@dataclass
class Comparison:
    regressions: dict[str, str]  # nodeid -> serve's failure, confirmed by the reruns
    classified: dict[str, str]  # nodeid -> why it is not a defect (DIFFERENCES)
    flaky: list[str]  # differed in the full run, not in the reruns
    serve_only: list[str]  # pass on serve, not on gunicorn (information)
    responses: dict[str, str]  # nodeid -> first response whose status, headers or body differ
    responses_compared: tuple[int, int]  # tests, responses


def differing(runs: Mapping[str, SuiteRun]) -> list[str]:
    return sorted(runs["gunicorn"].passed() - runs["serve"].passed())


def compare(runs: Mapping[str, SuiteRun], reruns: Mapping[str, list[SuiteRun]]) -> Comparison:
    regressions: dict[str, str] = {}
    classified: dict[str, str] = {}
    flaky: list[str] = []
    for nodeid in differing(runs):
        confirmed = all(nodeid in r.passed() for r in reruns["gunicorn"]) and not any(
            nodeid in r.passed() for r in reruns["serve"])
        if not confirmed:
            flaky.append(nodeid)
        elif nodeid in DIFFERENCES:
            classified[nodeid] = DIFFERENCES[nodeid]
        else:
            regressions[nodeid] = runs["serve"].tests.get(nodeid, {}).get("reason", "not run")
    serve_only = sorted(runs["serve"].passed() - runs["gunicorn"].passed())
    gunicorn, serve = runs["gunicorn"].tests, runs["serve"].tests
    skip = [*regressions, *flaky, *DIFFERENCES]
    responses = requests_responses.differences(gunicorn, serve, skip)
    return Comparison(regressions, classified, flaky, serve_only, responses,
                      requests_responses.compared(gunicorn, serve))


# --- report ---------------------------------------------------------------------------------------


def print_report(runs: Mapping[str, SuiteRun], comparison: Comparison, versions: Mapping[str, str],
                 args: argparse.Namespace) -> None:
    counts = {side: runs[side].counts() for side in SIDES}
    extra = f" (serve {' '.join(args.serve_arg)})" if args.serve_arg else ""
    print(f"\nrequests' own suite ({REQUESTS}) against httpbin, one worker process with {args.threads} "
          f"threads{extra}:")
    print(f"  {'':<22}" + "".join(f"{side:>10}" for side in SIDES))
    rows = [(outcome, [counts[side][outcome] for side in SIDES]) for outcome in OUTCOMES]
    rows.insert(1, ("  answered by httpbin", [runs[side].passed_with_server() for side in SIDES]))
    for label, values in rows:
        print(f"  {label:<22}" + "".join(f"{value:>10}" for value in values))
    print(f"  {'deselected':<22}" + "".join(f"{len(runs[side].deselected):>10}" for side in SIDES))
    print(f"  {'server tracebacks':<22}" + "".join(f"{runs[side].server_errors:>10}" for side in SIDES))
    print(f"  {'seconds':<22}" + "".join(f"{runs[side].seconds:>10.1f}" for side in SIDES))
    tests, responses = comparison.responses_compared
    print(f"  responses compared: {responses} in {tests} tests, {len(comparison.responses)} tests differ")
    print("  versions: " + ", ".join(f"{name} {version}" for name, version in sorted(versions.items())))
    sections = (
        ("pass on gunicorn, fail on serve (defects)", comparison.regressions),
        ("pass on gunicorn, fail on serve (classified differences)", comparison.classified),
        ("differed once, not on the reruns (timing)", {n: "" for n in comparison.flaky}),
        ("responses that differ: status, headers or body (tests)", comparison.responses),
        ("pass on serve, not on gunicorn (information)", {n: runs["gunicorn"].tests.get(n, {}).get("reason", "")
                                                         for n in comparison.serve_only}),
    )
    for title, entries in sections:
        print(f"\n{title}: {len(entries)}")
        for nodeid, why in entries.items():
            print(f"  {nodeid}" + (f"\n      {why}" if why else ""))
    blocked = [entry for side in SIDES for entry in runs[side].blocked]
    if blocked:
        print(f"\nBLOCKED non-loopback network access: {len(blocked)} (add the tests to DESELECT)")
        for entry in blocked:
            print(f"  {entry['test']}: {entry['what']} {entry['target']}")
    print(f"\ndeselected (need the outside world): {len(DESELECT)}")
    for nodeid, why in DESELECT.items():
        print(f"  {nodeid}: {why}")
    unmatched = sorted({n for side in SIDES for n in runs[side].unmatched})
    if unmatched:
        print(f"\nDESELECT entries that match no test (stale): {', '.join(unmatched)}")


def report_json(runs: Mapping[str, SuiteRun], comparison: Comparison, versions: Mapping[str, str],
                args: argparse.Namespace) -> dict[str, Any]:
    return {
        "requests": REQUESTS,
        "threads": args.threads,
        "serve_args": args.serve_arg,
        "versions": dict(versions),
        "sides": {side: {**runs[side].counts(), "passed_with_server": runs[side].passed_with_server(),
                         "deselected": len(runs[side].deselected),
                         "seconds": round(runs[side].seconds, 1), "server_tracebacks": runs[side].server_errors,
                         "blocked": runs[side].blocked}
                  for side in SIDES},
        "regressions": comparison.regressions,
        "classified": comparison.classified,
        "flaky": comparison.flaky,
        "serve_only": comparison.serve_only,
        "responses": comparison.responses,
        "responses_compared": dict(zip(("tests", "responses"), comparison.responses_compared, strict=True)),
        "deselected": DESELECT,
        "failed": {side: {n: e["reason"] for n, e in runs[side].tests.items() if e["outcome"] in ("failed", "error")}
                   for side in SIDES},
    }


# --- main -----------------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--python", default=sys.executable, help="interpreter for the venv (default: this one)")
    parser.add_argument("--threads", type=int, default=10, help="threads of the one worker, both servers (10)")
    parser.add_argument("--min-passed", type=int, default=550, help="floor of tests passed on serve (550)")
    parser.add_argument("--reruns", type=int, default=2, help="reruns of a test that differs (2)")
    parser.add_argument("--serve-arg", action="append", default=[], metavar="ARG",
                        help="one more argument for serve, e.g. --serve-arg=--adapter=a2wsgi (repeatable)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="write the results as JSON")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, results)")
    return parser.parse_args(argv)


def measure(build: Build, args: argparse.Namespace, work: Path) -> tuple[dict[str, SuiteRun], Comparison]:
    threads, reruns = args.threads, args.reruns
    make_certs(build, work)
    servers = {(side, secure): Server(side, secure) for side in SIDES for secure in (False, True)}
    try:
        for server in servers.values():
            start(server, build, threads, work, args.serve_arg if server.side == "serve" else ())
        for server in servers.values():
            start_ready(server, build, threads, work, args.serve_arg if server.side == "serve" else ())
        runs: dict[str, SuiteRun] = {}
        for side in SIDES:
            say(f"running the suite against {side}")
            runs[side] = run_suite(build, servers[side, False], servers[side, True], work, side)
        again: dict[str, list[SuiteRun]] = {side: [] for side in SIDES}
        suspects = differing(runs)
        for round_ in range(reruns if suspects else 0):
            for side in SIDES:
                say(f"rerunning {len(suspects)} differing tests against {side} ({round_ + 1}/{reruns})")
                again[side].append(run_suite(build, servers[side, False], servers[side, True], work,
                                             f"{side}-rerun{round_ + 1}", only=suspects))
        for side in SIDES:
            runs[side].blocked.extend(entry for r in again[side] for entry in r.blocked)
            runs[side].server_errors = sum(logged_errors(servers[side, secure]) for secure in (False, True))
        return runs, compare(runs, again)
    finally:
        for server in servers.values():
            stop(server)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    raise SystemExit(EXIT_ERROR)  # unwinds through measure(): the servers and the suite are stopped


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    began = time.monotonic()
    try:
        build = ensure_build(args.python)
    except OfflineError as error:
        say(f"cannot build: {error}")
        return EXIT_OFFLINE
    except HarnessError as error:
        say(f"error: {error}")
        return EXIT_ERROR
    work = Path(tempfile.mkdtemp(prefix="f2q-requests-"))
    try:
        runs, comparison = measure(build, args, work)
    except HarnessError as error:
        say(f"error: {error}")
        say(f"logs kept in {work}")
        return EXIT_ERROR
    except SystemExit:  # SIGTERM: the servers are stopped already
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        raise
    versions = installed_versions(build)
    print_report(runs, comparison, versions, args)
    blocked = any(runs[side].blocked for side in SIDES)
    passed = runs["serve"].counts()["passed"]
    print(f"\ntotal {time.monotonic() - began:.0f} s; serve passed {passed} (floor {args.min_passed})")
    if args.json:
        data = report_json(runs, comparison, versions, args)
        data["total_seconds"] = round(time.monotonic() - began, 1)
        args.json.write_text(json.dumps(data, indent=2), encoding="utf-8")
    if args.keep:
        say(f"logs kept in {work}")
    else:
        shutil.rmtree(work, ignore_errors=True)
    ok = not comparison.regressions and not comparison.responses and not blocked and passed >= args.min_passed
    return EXIT_OK if ok else EXIT_FAIL


if __name__ == "__main__":
    sys.exit(main())
