"""``flask2quart rewrite -``: one file from stdin, as ruff does (``--stdin-filename``, ``--diff``,
``--check``); stdout carries only the text or the diff, findings go to stderr."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

VIEW = b'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return request.args.get("q", "")\n'
MANUAL = b'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/who")\ndef who():\n    return request.environ["werkzeug.request"]\n'


def run(*args: str, stdin: bytes, cwd: Path | None = None) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [sys.executable, "-m", "flask2quart", "rewrite", *args],
        input=stdin, capture_output=True, timeout=120, check=False, cwd=cwd,
    )


def test_dash_prints_the_rewritten_text_exactly_as_a_file_rewrite_writes_it(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_bytes(VIEW)
    subprocess.run([sys.executable, "-m", "flask2quart", "rewrite", str(tmp_path)], check=True, capture_output=True)
    result = run("-", "--stdin-filename", "app.py", stdin=VIEW)
    assert result.returncode == 0, result.stderr
    assert result.stdout == (tmp_path / "app.py").read_bytes()
    assert b"async def index" in result.stdout and b"await request.args" not in result.stdout
    assert result.stderr.decode().splitlines() == ["app.py: changed; 0 places need a human"]


def test_diff_and_check_exit_1_when_the_text_would_change_and_0_when_not() -> None:
    diff = run("-", "--stdin-filename", "pkg/app.py", "--diff", stdin=VIEW)
    assert diff.returncode == 1
    lines = diff.stdout.decode().splitlines()
    assert lines[:2] == ["--- pkg/app.py", "+++ pkg/app.py"]
    assert "-def index():" in lines and "+async def index():" in lines
    check = run("-", "--stdin-filename", "app.py", "--check", stdin=VIEW)
    assert (check.returncode, check.stdout) == (1, b"")
    assert b"app.py: would change" in check.stderr
    ported = run("-", stdin=VIEW).stdout
    assert run("-", "--check", stdin=ported).returncode == 0
    again = run("-", "--diff", stdin=ported)
    assert (again.returncode, again.stdout) == (0, b"")
    unchanged = run("-", stdin=ported)
    assert (unchanged.returncode, unchanged.stdout) == (0, ported)


def test_findings_name_the_stdin_filename_on_stderr() -> None:
    result = run("-", "--stdin-filename", "src/who.py", stdin=MANUAL)
    assert result.returncode == 0
    assert b"async def who" in result.stdout
    stderr = result.stderr.decode()
    assert "src/who.py:8:" in stderr and "F2Q102" in stderr
    assert "Traceback" not in stderr


def test_the_name_decides_test_modules_and_line_endings_are_kept() -> None:
    test_module = b"def test_index(client):\n    assert client.get('/').status_code == 200\n"
    as_test = run("-", "--stdin-filename", "tests/test_views.py", stdin=test_module)
    assert b"async def test_index" in as_test.stdout and b"await client.get" in as_test.stdout
    assert run("-", "--stdin-filename", "views.py", stdin=test_module).stdout == test_module
    crlf = run("-", stdin=VIEW.replace(b"\n", b"\r\n")).stdout
    assert crlf.count(b"\r\n") == VIEW.count(b"\n") and b"\r\r" not in crlf


def test_settings_are_read_from_where_the_named_file_lives(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text('[tool.flask2quart]\nignore = ["F2Q102"]\n', encoding="utf-8")
    named = run("-", "--stdin-filename", str(tmp_path / "who.py"), stdin=MANUAL)
    assert b"F2Q102" not in named.stderr
    assert b"F2Q102" in run("-", "--stdin-filename", "who.py", stdin=MANUAL, cwd=Path("/")).stderr


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-", "other.py"], "- (read from stdin) cannot be combined with other paths"),
        (["app.py", "--stdin-filename", "app.py"], "--stdin-filename goes with - as the only PATH"),
        (["-", "--out", "ported"], "--out cannot be used with -"),
        (["-", "--select", "NOPE"], "unknown rule code or prefix: NOPE"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(args: list[str], message: str) -> None:
    result = run(*args, stdin=VIEW)
    assert result.returncode == 2
    assert result.stdout == b""
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and message in lines[0], lines


def test_text_that_does_not_parse_prints_nothing_and_exits_2() -> None:
    result = run("-", "--stdin-filename", "broken.py", stdin=b"from flask import Flask\ndef (:\n")
    assert (result.returncode, result.stdout) == (2, b"")
    lines = result.stderr.decode().splitlines()
    assert len(lines) == 1 and lines[0].startswith("flask2quart: error: broken.py: cannot parse")
