"""The bundled examples: each port is exactly what `rewrite` makes, and both suites pass.

``flask_legacy`` -> ``quart_ported`` is a Flask app with sqlite, blueprints and an upstream HTTP call;
``flask_extensions`` -> ``quart_extensions`` uses Flask-Login, Flask-WTF, Flask-CORS and
Flask-Limiter, ported to quart-auth, quart-wtforms, quart-cors and quart-rate-limiter.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from flask2quart.cli import main

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
LEGACY = EXAMPLES / "flask_legacy"
PORTED = EXAMPLES / "quart_ported"
#: (Flask original, its committed port)
PAIRS = [(LEGACY, PORTED), (EXAMPLES / "flask_extensions", EXAMPLES / "quart_extensions")]
PAIR_IDS = ["linkbox", "teamboard"]
#: Made by running the example's tests, never part of the example itself.
IGNORED = {"__pycache__", ".pytest_cache", "instance", ".hypothesis"}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not IGNORED & set(p.relative_to(root).parts)
    }


@pytest.mark.parametrize(("original", "port"), PAIRS, ids=PAIR_IDS)
def test_the_port_is_exactly_the_rewrite_of_the_original(tmp_path, original, port):
    source = tmp_path / original.name
    shutil.copytree(original, source, ignore=shutil.ignore_patterns(*IGNORED))
    out = tmp_path / "out"
    assert main(["rewrite", str(source), "--out", str(out), "-q"]) == 0
    produced, committed = _tree(out), _tree(port)
    assert sorted(produced) == sorted(committed)
    different = [name for name in produced if produced[name] != committed[name]]
    assert not different, f"regenerate examples/{port.name}: {different}"


@pytest.mark.parametrize("port", [port for _, port in PAIRS], ids=PAIR_IDS)
def test_rewriting_the_port_again_changes_nothing(port):
    assert main(["rewrite", "--check", "-q", str(port)]) == 0


def _pytest_in_copy(example: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    copy = tmp_path / example.name
    shutil.copytree(example, copy, ignore=shutil.ignore_patterns(*IGNORED))
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"],
        cwd=copy,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


@pytest.mark.slow
@pytest.mark.parametrize("original", [original for original, _ in PAIRS], ids=PAIR_IDS)
def test_the_original_suite_passes_under_flask(tmp_path, original):
    proc = _pytest_in_copy(original, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout and " failed" not in proc.stdout


@pytest.mark.slow
@pytest.mark.parametrize(("original", "port"), PAIRS, ids=PAIR_IDS)
def test_the_ported_suite_passes_under_quart(tmp_path, original, port):
    """No manual edit: the committed port is the rewrite output (test above), run as it is."""
    proc = _pytest_in_copy(port, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    before = _pytest_in_copy(original, tmp_path / "original")
    count = lambda out: int(out.strip().splitlines()[-1].split(" passed")[0].split()[-1])  # noqa: E731
    assert count(proc.stdout) == count(before.stdout) >= 30
