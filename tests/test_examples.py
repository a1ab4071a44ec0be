"""The bundled example: its port is exactly what `rewrite` makes, and both suites pass."""

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
#: Made by running the example's tests, never part of the example itself.
IGNORED = {"__pycache__", ".pytest_cache", "instance", ".hypothesis"}


def _tree(root: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(root)): p.read_bytes()
        for p in root.rglob("*")
        if p.is_file() and not IGNORED & set(p.relative_to(root).parts)
    }


def test_quart_ported_is_exactly_the_rewrite_of_flask_legacy(tmp_path):
    source = tmp_path / "flask_legacy"
    shutil.copytree(LEGACY, source, ignore=shutil.ignore_patterns(*IGNORED))
    out = tmp_path / "out"
    assert main(["rewrite", str(source), "--out", str(out), "-q"]) == 0
    produced, committed = _tree(out), _tree(PORTED)
    assert sorted(produced) == sorted(committed)
    different = [name for name in produced if produced[name] != committed[name]]
    assert not different, f"regenerate examples/quart_ported: {different}"


def test_rewriting_the_port_again_changes_nothing():
    assert main(["rewrite", "--check", "-q", str(PORTED)]) == 0


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
def test_flask_legacy_suite_passes_under_flask(tmp_path):
    proc = _pytest_in_copy(LEGACY, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    assert " passed" in proc.stdout and " failed" not in proc.stdout


@pytest.mark.slow
def test_quart_ported_suite_passes_under_quart(tmp_path):
    proc = _pytest_in_copy(PORTED, tmp_path)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    legacy = _pytest_in_copy(LEGACY, tmp_path / "legacy")
    count = lambda out: int(out.strip().splitlines()[-1].split(" passed")[0].split()[-1])  # noqa: E731
    assert count(proc.stdout) == count(legacy.stdout) >= 30
