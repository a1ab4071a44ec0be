"""The bundled examples: each port is exactly what `rewrite` makes, and both suites pass.

``flask_legacy`` -> ``quart_ported`` is a Flask app with sqlite, blueprints and an upstream HTTP call;
``flask_extensions`` -> ``quart_extensions`` uses Flask-Login, Flask-WTF, Flask-CORS and
Flask-Limiter, ported to quart-auth, quart-wtforms, quart-cors and quart-rate-limiter;
``flask_sqlalchemy`` -> ``quart_sqlalchemy`` uses Flask-SQLAlchemy, Flask-Migrate, Flask-Mail and
flask-talisman (bridged, F2Q327), Flask-RESTful (generated, F2Q340), Flask-WTF and Flask-Limiter.
"""

from __future__ import annotations

import json
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
PAIRS = [
    (LEGACY, PORTED),
    (EXAMPLES / "flask_extensions", EXAMPLES / "quart_extensions"),
    (EXAMPLES / "flask_sqlalchemy", EXAMPLES / "quart_sqlalchemy"),
]
PAIR_IDS = ["linkbox", "teamboard", "inkpot"]
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
    # The examples do not use pytest-flask; where it is installed (for other tests), its autouse
    # fixture would push a Flask request context on every `app` fixture, a Quart app's too.
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:flask"],
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


@pytest.mark.slow
def test_parity_auto_between_inkpot_and_its_port(tmp_path):
    """``parity --auto`` over every route of the Flask-SQLAlchemy example, plus its cases (logged-in
    flows, writes through the forms and the API), each side on a copy of one seeded database
    (examples/parity/inkpot_apps.py); in a subprocess, as the port's bridge points Flask's context
    at Quart's for the whole process."""
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "flask2quart",
            "parity",
            "--auto",
            "--cases",
            "examples/parity/inkpot_cases.yaml",
            "--flask",
            "examples.parity.inkpot_apps:flask_app",
            "--quart",
            "examples.parity.inkpot_apps:quart_app",
            "--report",
            str(tmp_path / "parity.json"),
        ],
        cwd=EXAMPLES.parent,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-3000:]
    summary = json.loads((tmp_path / "parity.json").read_text(encoding="utf-8"))["summary"]
    assert summary["passed"] is True
    assert summary["counts"]["different"] == summary["counts"]["error"] == 0
    assert (
        summary["total"] >= 60
    )  # every safe route of inkpot, with its HEAD and OPTIONS, and the cases
