"""``benchmarks/bench_parity.py --quick`` runs and prints its ratio line.

A smoke test only: whether the engine meets its speed target is for the benchmark's report to
say, never for a unit test on a shared machine.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / "benchmarks" / "bench_parity.py"


def test_bench_parity_quick_runs_and_prints_the_ratio() -> None:
    env = {key: value for key, value in os.environ.items() if key != "LINKBOX_PARITY_PREFIX"}
    proc = subprocess.run(
        [sys.executable, str(BENCH), "--quick"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    output = proc.stdout + proc.stderr
    assert proc.returncode == 0, output
    assert re.search(r"^engine / baseline \(pairs/s\)\s+\d+\.\d\d\s.*(PASS|FAIL)$", proc.stdout, re.MULTILINE), output
    assert "engine report: passed=True" in proc.stdout, output
