"""A unittest suite is ported end to end and runs under Quart (unittest's own runner and pytest)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from flask2quart.cli import main

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "unittest_app"


def test_unittest_suite_is_ported_and_passes(tmp_path):
    source = tmp_path / "src"
    shutil.copytree(FIXTURE, source, ignore=shutil.ignore_patterns("__pycache__"))
    out = tmp_path / "out"
    assert main(["rewrite", str(source), "--out", str(out), "-q"]) == 0
    tests = (out / "test_app.py").read_text()
    assert "class HelloTests(unittest.IsolatedAsyncioTestCase):" in tests
    assert "class PlainTests(unittest.TestCase):" in tests  # nothing to await: left alone
    app = (out / "app.py").read_text()
    assert "    def pull_lang(endpoint, values):" in app  # url_value_preprocessor stays sync
    assert "    def shell_context():" in app
    for runner in (["-m", "unittest", "-q"], ["-m", "pytest", "-q", "-p", "no:cacheprovider"]):
        proc = subprocess.run(
            [sys.executable, *runner], cwd=out, capture_output=True, text=True, timeout=120, check=False
        )
        assert proc.returncode == 0, proc.stdout + proc.stderr
