"""Real-world check, as a new user would try it: Flask's own tutorial app ("flaskr", 24 tests),
taken from Flask 3.1.3's sdist, rewritten with its tests and run under Quart with no manual edit."""

from __future__ import annotations

import subprocess
import sys
import tarfile
from pathlib import Path

import pytest

from flask2quart.cli import main

_UNREACHABLE = ("Could not fetch", "Failed to establish", "Temporary failure", "NewConnectionError", "Network is unreachable", "timed out", "Max retries")


def _download_sdist(target: Path) -> Path:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "download", "--no-deps", "--no-binary", ":all:",
         "flask==3.1.3", "-d", str(target), "-q"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    archives = list(target.glob("flask-3.1.3.tar.gz"))
    if proc.returncode != 0 or not archives:
        if any(marker in proc.stderr for marker in _UNREACHABLE):
            pytest.skip("the package index is unreachable: " + proc.stderr.strip().splitlines()[-1])
        pytest.fail(f"pip download failed: {proc.stderr}")
    return archives[0]


@pytest.mark.slow
def test_flaskr_and_its_24_tests_pass_under_quart_after_rewrite(tmp_path):
    archive = _download_sdist(tmp_path / "dl")
    with tarfile.open(archive) as tar:
        members = [m for m in tar.getmembers() if m.name.startswith("flask-3.1.3/examples/tutorial/")]
        tar.extractall(tmp_path, members=members, filter="data")
    tutorial = tmp_path / "flask-3.1.3" / "examples" / "tutorial"
    assert main(["rewrite", str(tutorial), "-q"]) == 0
    assert "from quart import" in (tutorial / "flaskr" / "auth.py").read_text()
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=tutorial,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-4000:] + proc.stderr[-2000:]
    assert "24 passed" in proc.stdout
    assert main(["rewrite", "--check", "-q", str(tutorial)]) == 0
