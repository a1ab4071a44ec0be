"""``benchmarks/bench_upstream.py``: the harness works (not whether the port meets its targets).

* the wrk checker counts an answer as correct only when it carries the upstream's token, and counts
  the rest as wrong (so a fast error page cannot pass for throughput);
* one tiny run (1 round of 2 s, 10 connections) starts the upstream and the four servers, every one of them answers
  the quote correctly, under load too, and the ratios are computed.

No timings are asserted: the speed targets are for the benchmark's report, never for a unit test on
a shared machine. Both tests need ``wrk`` (``apt-get install wrk``) and are skipped without it.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT / "benchmarks" / "bench_upstream.py"
_saved_path = list(sys.path)
sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import bench_upstream  # benchmarks/ is not a package
finally:
    sys.path[:] = _saved_path  # its siblings (corpus, serve_apps...) must not shadow other imports

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(shutil.which("wrk") is None, reason="the benchmark's load generator is wrk"),
]


@pytest.fixture
def upstream(tmp_path: Path) -> Iterator[tuple[int, str]]:
    """The benchmark's upstream, on a free port, answering with a token of this test."""
    port, token = bench_upstream._free_port(), "token-of-this-test"
    server = [sys.executable, str(ROOT / "benchmarks" / "upstream_server.py")]
    process = subprocess.Popen(
        [*server, "--port", str(port), "--token", token, "--delay", "0.01"],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                if bench_upstream._get(port, "/quote", timeout=1)[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None and time.monotonic() < deadline, (
                "the upstream did not start"
            )
            time.sleep(0.1)
        yield port, token
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_wrk_checker_tells_correct_answers_from_wrong_ones(
    upstream: tuple[int, str], tmp_path: Path
) -> None:
    port, token = upstream
    right = bench_upstream.write_check_script(tmp_path / "right.lua", token)
    wrong = bench_upstream.write_check_script(tmp_path / "wrong.lua", "another-token")

    good, _ = bench_upstream.run_wrk(port, "/quote", 10, 1, right)
    assert good.error is None
    assert good.ok > 0 and good.errors == 0
    assert good.rps == pytest.approx(good.ok / good.seconds)

    bad, _ = bench_upstream.run_wrk(port, "/quote", 10, 1, wrong)
    assert bad.ok == 0 and bad.bad_body > 0 and bad.bad_status == 0
    assert "token-of-this-test" in bad.sample  # the first wrong answer is shown

    missing, _ = bench_upstream.run_wrk(port, "/nowhere", 10, 1, right)
    assert missing.ok == 0 and missing.bad_status > 0
    assert set(missing.statuses) == {"404"}


def test_tiny_run_starts_every_server_and_computes_the_ratios(tmp_path: Path) -> None:
    results = tmp_path / "results.json"
    # 10 connections: a port whose view still blocks its event loop answers the first ones only
    # after all queued views ran (10 x 50 ms), and must still show correct answers in 2 s
    tiny = ["--connections", "10", "--json", str(results)]
    env = {k: v for k, v in os.environ.items() if k not in ("GUNICORN_CMD_ARGS", "WEB_CONCURRENCY")}
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--rounds", "1", "--duration", "2", "--warmup", "0", *tiny],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    data = json.loads(results.read_text("utf-8"))
    assert data["upstream_check"]["rps"] > 0 and data["upstream_check"]["errors"] == 0, output
    assert set(data["servers"]) == {"sync", "gthread", "quart1", "quart2", "quart0"}
    assert all(server["ready"] for server in data["servers"].values()), output
    for key, runs in data["runs"].items():
        (run,) = runs  # one round
        assert run is not None, f"{key} was not measured:\n{output}"
        # correct answers under load (200 and the upstream's quote), and nothing else
        assert run["ok"] > 0, f"{key}:\n{output}"
        assert run["bad_body"] == 0 and run["bad_status"] == 0, f"{key}:\n{output}"
        assert run["pss_mib"] > 0 and run["cpu_ms"] > 0, f"{key}:\n{output}"
    by_label = {verdict["label"]: verdict for verdict in data["verdicts"]}
    for label in (
        "Quart 1 process / gunicorn sync (req/s)",
        "Quart 1 process / gunicorn gthread (req/s)",
        "Quart 1 process / gunicorn sync (peak PSS)",
    ):
        verdict = by_label[label]
        assert verdict["median"] > 0, output
        assert verdict["result"] in ("PASS", "FAIL") or verdict["result"].startswith("FAIL ("), (
            output
        )
        assert any(
            line.startswith(label) and verdict["result"] in line
            for line in proc.stdout.splitlines()
        )
