"""Real servers on 127.0.0.1 for the over-the-wire parity tests: the Flask original under gunicorn,
the Quart port under Hypercorn. Each is started and stopped by its own PID, writes its output and
its access log to files, and is waited for with a bounded timeout.

The access log has one line per request with the method, the path, the status and the ``Host``
header the app saw (both servers understand ``%({host}i)s``), so a test can tell exactly what
reached a server.
"""

from __future__ import annotations

import http.client
import os
import re
import signal
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from tests.shim.server import free_port, wait_until_listening

ROOT = Path(__file__).resolve().parents[2]
#: the same access log line for both servers (their format atoms agree on these)
ACCESS_FORMAT = "ACCESS %(m)s %(U)s %(s)s host=%({host}i)s"
ACCESS_LINE = re.compile(r"ACCESS (\S+) (\S+) (\S+) host=(\S*)")
START_TIMEOUT = 30.0
STOP_TIMEOUT = 10.0


@dataclass(frozen=True, slots=True)
class Access:
    method: str
    path: str
    status: str
    host: str


@dataclass(slots=True)
class ServerSpec:
    """How to start one server; ``argv`` gets ``--bind``/log options added by :func:`running`."""

    name: str
    argv: list[str]
    directory: Path
    pythonpath: Sequence[Path] = ()
    env: dict[str, str] = field(default_factory=dict)


@dataclass(slots=True)
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log: Path
    access_log: Path

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""

    def access(self) -> list[Access]:
        """Every request logged so far (call :meth:`settle` first to include the latest)."""
        if not self.access_log.exists():
            return []
        text = self.access_log.read_text(errors="replace")
        return [Access(*match.groups()) for match in ACCESS_LINE.finditer(text)]

    def settle(self, timeout: float = 10.0) -> None:
        """Wait until everything sent so far is in the access log.

        Both servers write the line after the answer went out, so a client that has its answer may
        still be ahead of the log. A sentinel request is sent and waited for; the log must then
        also stop growing for a moment (another worker thread may log just after the sentinel).
        """
        marker = f"/__settle__/{uuid.uuid4().hex}"
        get(self.port, marker)
        deadline = time.monotonic() + timeout
        while not any(entry.path == marker for entry in self.access()):
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{self.name}: the access log did not show {marker}:\n{self.output()}"
                )
            time.sleep(0.02)
        size = -1
        while size != self.access_log.stat().st_size and time.monotonic() < deadline:
            size = self.access_log.stat().st_size
            time.sleep(0.15)


def get(
    port: int, path: str, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request("GET", path, headers=headers or {})
        response = connection.getresponse()
        return response.status, {k.lower(): v for k, v in response.getheaders()}, response.read()
    finally:
        connection.close()


def gunicorn(app: str, directory: Path, name: str = "gunicorn") -> ServerSpec:
    """A WSGI app under gunicorn, one worker with four threads."""
    return ServerSpec(
        name,
        ["-m", "gunicorn", "--workers", "1", "--threads", "4", "--graceful-timeout", "5", app],
        directory,
    )


def hypercorn(
    app: str, directory: Path, name: str = "hypercorn", pythonpath: Sequence[Path] = ()
) -> ServerSpec:
    """An ASGI app under Hypercorn."""
    return ServerSpec(
        name, ["-m", "hypercorn", "--graceful-timeout", "3", app], directory, pythonpath
    )


def _launch(spec: ServerSpec, taken: set[int]) -> Server:
    spec.directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    while port in taken:  # two servers started together must not be handed the same port
        port = free_port()
    taken.add(port)
    log = spec.directory / f"{spec.name}.log"
    access_log = spec.directory / f"{spec.name}.access.log"
    options = [
        "--bind",
        f"127.0.0.1:{port}",
        "--access-logfile",
        str(access_log),
        "--access-logformat",
        ACCESS_FORMAT,
    ]
    paths = [str(path) for path in spec.pythonpath] + [str(ROOT)]
    if os.environ.get("PYTHONPATH"):
        paths.append(os.environ["PYTHONPATH"])
    env = {
        **os.environ,
        "PYTHONUNBUFFERED": "1",
        "PYTHONPATH": os.pathsep.join(paths),
        # examples/parity/apps.py makes its databases with mkdtemp: keep them in the test's folder
        "TMPDIR": str(spec.directory),
        **spec.env,
    }
    # The output goes to a file: a pipe nobody reads would fill up and stall the server.
    with log.open("wb") as output:
        process = subprocess.Popen(
            [sys.executable, *spec.argv[:2], *options, *spec.argv[2:]],
            cwd=ROOT,
            stdout=output,
            stderr=subprocess.STDOUT,
            stdin=subprocess.DEVNULL,
            env=env,
        )
    return Server(spec.name, port, process, log, access_log)


def _wait_ready(server: Server, timeout: float = START_TIMEOUT) -> None:
    """Listening, and a worker answers (gunicorn's master listens before its worker has booted)."""
    deadline = time.monotonic() + timeout
    wait_until_listening(server.port, server.process, server.log, timeout)
    while True:
        try:
            get(server.port, "/__ready__")
            return
        except OSError:
            if server.process.poll() is not None:
                raise RuntimeError(f"{server.name} exited early:\n{server.output()}") from None
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"{server.name} did not answer within {timeout:g} s:\n{server.output()}"
                ) from None
            time.sleep(0.05)


def stop(server: Server) -> None:
    """SIGTERM by PID, then SIGKILL after a bounded wait."""
    process = server.process
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=STOP_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=5)


@contextmanager
def running(*specs: ServerSpec) -> Iterator[list[Server]]:
    """Start every server at once, wait until each answers, stop them all on the way out."""
    servers: list[Server] = []
    taken: set[int] = set()
    try:
        for spec in specs:
            servers.append(_launch(spec, taken))
        for server in servers:
            _wait_ready(server)
        yield servers
    finally:
        for server in servers:
            stop(server)
