"""A rewrite is all or nothing: interrupted, killed or failing at any stage, the tree ends up as
the original or as the complete port (after the next run at worst), never a mix.

Faults are injected with ``FLASK2QUART_FAULT=POINT:ACTION`` (flask2quart/migrate/transaction.py)
in a real ``python -m flask2quart`` subprocess, at every point of the write: before each staged
file, before the journal's commit, before each rename, before the journal is removed.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from flask2quart.cli import main

APP = '''from flask import Flask, request

from .db import get_db

app = Flask(__name__)


@app.route("/")
def index():
    return str(get_db()) + request.form["a"]
'''
DB = '''from flask import g


def get_db():
    return g.db
'''
HELPERS = '''from flask import session


def user():
    return session.get("user")
'''
CONFTEST = '''import pytest

from pkg.app import app


@pytest.fixture
def client():
    return app.test_client()
'''
TEST = '''def test_index(client):
    response = client.post("/", data={"a": "1"})
    assert response.status_code == 200
'''


def _project(root: Path) -> Path:
    files = {
        "pkg/__init__.py": "",
        "pkg/app.py": APP,
        "pkg/db.py": DB,
        "pkg/helpers.py": HELPERS,
        "tests/conftest.py": CONFTEST,
        "tests/test_app.py": TEST,
        "requirements.txt": "flask\n",
        "README.md": "not python\n",
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


def _snapshot(root: Path) -> dict[str, bytes | str]:
    """Every entry under root, hidden ones included (a leftover temp file or journal shows)."""
    snap: dict[str, bytes | str] = {}
    if not root.exists():
        return snap
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        rel = str(path.relative_to(root))
        snap[rel] = ("link:" + os.readlink(path)) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return snap


def _run(*args: str, fault: str | None = None, new_session: bool = False) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k != "FLASK2QUART_FAULT"}
    if fault:
        env["FLASK2QUART_FAULT"] = fault
    return subprocess.run(
        [sys.executable, "-m", "flask2quart", "rewrite", *args], capture_output=True, text=True, env=env,
        timeout=120, start_new_session=new_session,
    )


@pytest.fixture(scope="module")
def states(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, bytes | str], dict[str, bytes | str], int]:
    """The original tree, the complete port (a clean run), and how many files the port writes."""
    root = _project(tmp_path_factory.mktemp("clean") / "proj")
    original = _snapshot(root)
    report = root.parent / "report.json"
    assert _run(str(root), "--report", str(report)).returncode == 0
    written = len(json.loads(report.read_text())["changed"])
    assert written >= 5  # the app, db, helpers, two test modules, requirements, pytest.ini
    return original, _snapshot(root), written


def _points(written: int) -> list[str]:
    return [*(f"stage:{i}" for i in range(written)), "commit", *(f"switch:{i}" for i in range(written)), "finish"]


def test_killed_at_any_stage_the_next_run_gives_exactly_the_clean_port(tmp_path, states):
    _, port, written = states
    for point in _points(written):
        root = _project(tmp_path / point.replace(":", "_") / "proj")
        killed = _run(str(root), fault=f"{point}:kill")
        assert killed.returncode == -signal.SIGKILL, (point, killed.stderr)
        assert _snapshot(root) != port or point == "finish"  # the kill did stop it
        again = _run(str(root))
        assert again.returncode == 0, (point, again.stderr)
        assert "interrupted run" in again.stderr  # it says what it finished
        assert _snapshot(root) == port, point  # not a file more (no temp file, no journal) or less


def test_ctrl_c_at_any_stage_leaves_the_original_or_the_port_and_exits_130(tmp_path, states):
    original, port, written = states
    for point in _points(written):
        root = _project(tmp_path / point.replace(":", "_") / "proj")
        run = _run(str(root), fault=f"{point}:int")
        assert run.returncode == 130, (point, run.stderr)
        lines = run.stderr.strip().splitlines()
        assert len(lines) == 1 and lines[0].startswith("flask2quart: interrupted"), (point, run.stderr)
        after = _snapshot(root)
        if point.startswith("stage") or point == "commit":
            assert after == original, point
            assert "no file was changed" in lines[0]
        else:  # the switch had begun: it is completed first, then the interrupt is honoured
            assert after == port, point
            assert "written in full" in lines[0]
        assert _run(str(root)).returncode == 0
        assert _snapshot(root) == port


def test_sigterm_while_staging_rolls_back(tmp_path, states):
    original, _, _ = states
    root = _project(tmp_path / "proj")
    run = _run(str(root), fault="stage:2:term")
    assert run.returncode == 128 + signal.SIGTERM
    assert "Traceback" not in run.stderr and len(run.stderr.strip().splitlines()) == 1
    assert _snapshot(root) == original


def test_terminal_ctrl_c_reaches_the_workers_too_and_still_prints_one_line(tmp_path, states):
    original, _, _ = states
    root = _project(tmp_path / "proj")
    # SIGINT to the whole process group, as a terminal does, while the worker pool is up
    run = _run(str(root), "--jobs", "2", fault="analysis:intgroup", new_session=True)
    assert run.returncode == 130
    assert run.stderr.strip().splitlines() == ["flask2quart: interrupted; no file was changed"]
    assert _snapshot(root) == original


def test_out_killed_at_any_stage_then_rerun_gives_the_clean_tree(tmp_path, states):
    _, port, _ = states
    source = _project(tmp_path / "src" / "proj")
    clean = tmp_path / "clean_out"
    assert _run(str(source), "--out", str(clean)).returncode == 0
    expected = _snapshot(clean)
    assert expected == port  # --out gives what in place gives
    files = len(expected) - 2  # minus the two folders
    for point in ["stage:0", f"stage:{files - 1}", "commit", "switch:0", "finish"]:
        out = tmp_path / point.replace(":", "_")
        assert _run(str(source), "--out", str(out), fault=f"{point}:kill").returncode == -signal.SIGKILL
        assert _snapshot(out) in ({}, expected), point  # one rename: nothing or everything
        assert _run(str(source), "--out", str(out)).returncode == 0
        assert _snapshot(out) == expected, point
        assert not [p for p in out.parent.iterdir() if p.name.startswith(f".{out.name}")], point


def test_out_into_a_non_empty_folder_is_switched_file_by_file_and_recovered(tmp_path, states):
    _, port, _ = states
    source = _project(tmp_path / "src" / "proj")
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine\n")
    assert _run(str(source), "--out", str(out), fault="switch:3:kill").returncode == -signal.SIGKILL
    assert _run(str(source), "--out", str(out)).returncode == 0
    assert _snapshot(out) == {**port, "keep.txt": b"mine\n"}


def test_check_and_diff_refuse_a_tree_with_an_unfinished_run(tmp_path, states):
    _, port, _ = states
    root = _project(tmp_path / "proj")
    assert _run(str(root), fault="switch:1:kill").returncode == -signal.SIGKILL
    for mode in ("--check", "--diff"):
        run = _run(str(root), mode)
        assert run.returncode == 2
        assert "interrupted rewrite is not finished" in run.stderr and "Traceback" not in run.stderr
    assert _run(str(root)).returncode == 0
    assert _snapshot(root) == port


# --- one write error -------------------------------------------------------------------------------


@pytest.mark.parametrize("fault, reason", [("enospc", "No space left on device"), ("eacces", "Permission denied")])
def test_one_write_error_names_the_file_writes_nothing_and_counts_right(tmp_path, monkeypatch, capsys, fault, reason):
    root = _project(tmp_path / "proj")
    before = _snapshot(root)
    report = tmp_path / "report.json"
    monkeypatch.setenv("FLASK2QUART_FAULT", f"stage:1:{fault}")
    assert main(["rewrite", str(root), "--report", str(report)]) == 2
    captured = capsys.readouterr()
    assert _snapshot(root) == before  # all or nothing: nothing
    errors = [line for line in captured.err.splitlines() if line.startswith("error:")]
    assert len(errors) == 1
    assert errors[0].endswith(f": cannot write: {reason}; nothing was written")
    assert "f2q-tmp" not in captured.err and "f2q-tmp" not in captured.out
    data = json.loads(report.read_text())
    failed_path = Path(data["failed"][0]["path"])
    assert failed_path.exists() and failed_path.is_relative_to(root.resolve()) and not failed_path.name.startswith(".")
    assert data["changed"] == [] and data["written"] is False
    assert data["summary"]["changed"] == 0 and data["summary"]["failed"] == 1
    assert data["summary"]["unchanged"] == data["summary"]["scanned"] - 1 >= 0
    assert [f["code"] for f in data["findings"] if f["path"] == str(failed_path)] == ["F2Q003"]
    assert f"{data['summary']['scanned']} files scanned: 0 changed, {data['summary']['unchanged']} unchanged, 1 failed" in captured.out


def test_a_folder_in_the_way_of_out_is_a_write_error_not_a_half_tree(tmp_path, capsys):
    source = _project(tmp_path / "src" / "proj")
    out = tmp_path / "out"
    (out / "pkg" / "app.py").mkdir(parents=True)  # a folder where a file must go
    before = _snapshot(out)
    assert main(["rewrite", str(source), "--out", str(out)]) == 2
    err = capsys.readouterr().err
    assert "pkg/app.py: cannot write: a folder is in the way; nothing was written" in err
    assert _snapshot(out) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out", "src"]  # no staging folder left


def test_out_onto_a_file_is_one_line_exit_2(tmp_path, capsys):
    source = _project(tmp_path / "src" / "proj")
    blocker = tmp_path / "out"
    blocker.write_text("a file\n")
    assert main(["rewrite", str(source), "--out", str(blocker)]) == 2
    err = capsys.readouterr().err
    assert "out: cannot write: not a folder; nothing was written" in err and "Traceback" not in err
    assert blocker.read_text() == "a file\n"


def test_a_read_only_file_is_not_replaced(tmp_path, capsys):
    if os.geteuid() == 0:
        pytest.skip("root writes read-only files; the eacces fault covers the report")
    root = _project(tmp_path / "proj")
    (root / "pkg" / "db.py").chmod(0o444)
    before = _snapshot(root)
    assert main(["rewrite", str(root)]) == 2
    assert "db.py: cannot write: Permission denied" in capsys.readouterr().err
    assert _snapshot(root) == before


def test_a_stale_journal_temp_file_is_removed(tmp_path, states):
    _, port, _ = states
    root = _project(tmp_path / "proj")
    (root / ".flask2quart-journal.json.tmp").write_text("{")  # killed while writing the journal
    assert _run(str(root)).returncode == 0
    assert _snapshot(root) == port


def test_an_unreadable_journal_is_one_line_exit_2(tmp_path):
    root = _project(tmp_path / "proj")
    (root / ".flask2quart-journal.json").write_text("not json")
    run = _run(str(root))
    assert run.returncode == 2 and "unreadable journal" in run.stderr and "Traceback" not in run.stderr

