"""``flask2quart parity`` as a user runs it: a subprocess, exit codes 0/1/2, what it prints, the
report files and ``[tool.flask2quart.parity]`` defaults."""

from __future__ import annotations

import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]

APPS = '''
"""Two equivalent small apps, and a port that counts one too many."""

from flask import Flask, jsonify, request, session
from quart import Quart, jsonify as quart_jsonify, request as quart_request, session as quart_session

flask_app = Flask("shop")
quart_app = Quart("shop")
off_by_one = Quart("shop")
# each its own key: a session cookie only works on the side that set it
flask_app.secret_key = "cli-parity-flask"
quart_app.secret_key = "cli-parity-quart"
off_by_one.secret_key = "cli-parity-off-by-one"


def _number(raw):
    return int(raw) if raw.isdigit() else 0


@flask_app.get("/")
def index():
    return "<h1>Shop</h1>\\n<p>welcome</p>\\n"


@quart_app.get("/")
@off_by_one.get("/")
async def quart_index():
    return "<h1>Shop</h1>\\n<p>welcome</p>\\n"


@flask_app.get("/count")
def count():
    return jsonify(count=_number(request.args.get("n", "2")), items=["a", "b"])


@quart_app.get("/count")
async def quart_count():
    return quart_jsonify(count=_number(quart_request.args.get("n", "2")), items=["a", "b"])


@off_by_one.get("/count")
async def off_by_one_count():
    return quart_jsonify(count=_number(quart_request.args.get("n", "2")) + 1, items=["a", "b"])


@flask_app.post("/login")
def login():
    session["user"] = request.form["user"]
    return jsonify(ok=True)


@quart_app.post("/login")
@off_by_one.post("/login")
async def quart_login():
    quart_session["user"] = (await quart_request.form)["user"]
    return quart_jsonify(ok=True)


@flask_app.get("/me")
def me():
    return jsonify(user=session.get("user"))


@quart_app.get("/me")
@off_by_one.get("/me")
async def quart_me():
    return quart_jsonify(user=quart_session.get("user"))
'''

CASES = """
cases:
  - GET /
  - {name: count five, request: {path: /count, query: {n: 5}}}
  - name: log in, then who am I
    steps:
      - {method: POST, path: /login, form: {user: ada}}
      - {path: /me}
"""

FLASK = "shopapps:flask_app"
QUART = "shopapps:quart_app"
OFF_BY_ONE = "shopapps:off_by_one"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "shopapps.py").write_text(APPS, encoding="utf-8")
    (tmp_path / "cases.yaml").write_text(textwrap.dedent(CASES), encoding="utf-8")
    return tmp_path


def parity(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask2quart", "parity", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=120,
    )


def assert_usage_error(result: subprocess.CompletedProcess[str], *expected: str) -> str:
    """Exit 2, one line on stderr, no traceback; returns the line."""
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr + result.stdout
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("flask2quart: error: "), lines[0]
    for text in expected:
        assert text in lines[0], lines[0]
    return lines[0]


def assert_summary(stdout: str, state: str, *, different: int, cases: int = 3) -> None:
    """``-q``'s one line: ``parity PASS: 3 cases, 2 match, 1 known``."""
    (line,) = stdout.splitlines()
    match = re.fullmatch(rf"parity {state}: {cases} cases, (.*)", line)
    assert match is not None, line
    counts = {
        verdict: int(number)
        for number, verdict in (part.split(" ") for part in match[1].split(", "))
    }
    assert counts.get("different", 0) == different, line
    assert sum(counts.values()) == cases, line
    assert set(counts) <= {"match", "known", "different"}, line


# ---------------------------------------------------------------------------------------------
# verdicts


def test_equivalent_apps_with_cases_exit_0(project: Path) -> None:
    result = parity(project, "--flask", FLASK, "--quart", QUART, "--cases", "cases.yaml")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert "PASSED" in result.stdout and "FAILED" not in result.stdout
    assert "3 cases" in result.stdout


def test_equivalent_apps_with_auto_exit_0(project: Path) -> None:
    result = parity(project, "--flask", FLASK, "--quart", QUART, "--auto", "-q")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stdout.startswith("parity PASS: ")


def test_a_port_that_differs_exits_1_and_names_the_field(project: Path) -> None:
    result = parity(project, "--flask", FLASK, "--quart", OFF_BY_ONE, "--cases", "cases.yaml")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "FAILED" in result.stdout
    assert "body:$.count" in result.stdout
    assert "count five" in result.stdout
    # what matched is not listed among the differences
    assert "body:$.user" not in result.stdout


def test_auto_finds_the_difference_too(project: Path) -> None:
    result = parity(project, "--flask", FLASK, "--quart", OFF_BY_ONE, "--auto", "--variations", "0")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert "body:$.count" in result.stdout


def test_quiet_prints_one_summary_line(project: Path) -> None:
    passing = parity(project, "--flask", FLASK, "--quart", QUART, "--cases", "cases.yaml", "-q")
    assert passing.returncode == 0
    assert_summary(passing.stdout, "PASS", different=0)
    failing = parity(
        project, "--flask", FLASK, "--quart", OFF_BY_ONE, "--cases", "cases.yaml", "-q"
    )
    assert failing.returncode == 1
    assert_summary(failing.stdout, "FAIL", different=1)


def test_ignore_on_the_command_line_turns_a_failure_into_a_pass(project: Path) -> None:
    result = parity(
        project,
        "--flask",
        FLASK,
        "--quart",
        OFF_BY_ONE,
        "--cases",
        "cases.yaml",
        "--ignore",
        "body:$.count",
        "-q",
    )
    assert result.returncode == 0, (result.stdout, result.stderr)


def test_report_json_and_html_are_both_written(project: Path) -> None:
    result = parity(
        project,
        "--flask",
        FLASK,
        "--quart",
        OFF_BY_ONE,
        "--cases",
        "cases.yaml",
        "--report",
        "r.json",
        "--report",
        "r.html",
        "-q",
    )
    assert result.returncode == 1, result.stderr
    report = json.loads((project / "r.json").read_text(encoding="utf-8"))
    assert report["summary"]["passed"] is False
    assert report["summary"]["total"] == 3
    names = {case["name"]: case["verdict"] for case in report["cases"]}
    assert names.pop("count five") == "different"
    # the others match, or differ only in Quart's documented Vary: Cookie (a known difference)
    assert set(names) == {"GET /", "log in, then who am I"}
    assert set(names.values()) <= {"match", "known"}
    (count_case,) = [case for case in report["cases"] if case["name"] == "count five"]
    real = [d["field"] for d in count_case["steps"][0]["differences"] if d["category"] == "real"]
    assert real == ["body:$.count"]
    html = (project / "r.html").read_text(encoding="utf-8")
    assert html.lstrip().lower().startswith("<!doctype html")
    assert "count five" in html
    assert "report written to r.json" in result.stderr


# ---------------------------------------------------------------------------------------------
# usage errors: exit 2, one line, no traceback


def test_no_apps(project: Path) -> None:
    assert_usage_error(parity(project, "--cases", "cases.yaml"), "--flask", "--quart")


def test_only_one_app(project: Path) -> None:
    assert_usage_error(
        parity(project, "--flask", FLASK, "--cases", "cases.yaml"), "--flask", "--quart"
    )


def test_flask_url_without_quart_url(project: Path) -> None:
    assert_usage_error(
        parity(project, "--flask-url", "http://127.0.0.1:1", "--cases", "cases.yaml"),
        "--flask-url and --quart-url",
    )


def test_neither_cases_nor_auto(project: Path) -> None:
    assert_usage_error(parity(project, "--flask", FLASK, "--quart", QUART), "--cases", "--auto")


def test_auto_with_only_urls(project: Path) -> None:
    result = parity(
        project, "--flask-url", "http://127.0.0.1:1", "--quart-url", "http://127.0.0.1:2", "--auto"
    )
    assert_usage_error(result, "--auto", "--flask MODULE:APP")


def test_a_bad_module_app(project: Path) -> None:
    assert_usage_error(
        parity(
            project, "--flask", "shopapps:no_such_app", "--quart", QUART, "--cases", "cases.yaml"
        ),
        "--flask",
        "no_such_app",
    )
    assert_usage_error(
        parity(project, "--flask", FLASK, "--quart", "not a spec", "--cases", "cases.yaml"),
        "--quart",
        "MODULE:APP",
    )


def test_a_module_that_does_not_exist(project: Path) -> None:
    assert_usage_error(
        parity(
            project, "--flask", FLASK, "--quart", "no_such_module_f2q:app", "--cases", "cases.yaml"
        ),
        "--quart",
        "no module named 'no_such_module_f2q'",
    )


def test_a_module_that_fails_to_import(project: Path) -> None:
    (project / "broken_app.py").write_text(
        "import flask\nraise RuntimeError('no database')\n", encoding="utf-8"
    )
    assert_usage_error(
        parity(project, "--flask", "broken_app:app", "--quart", QUART, "--cases", "cases.yaml"),
        "--flask",
        "RuntimeError: no database",
    )


def test_quart_pointing_at_a_flask_app(project: Path) -> None:
    assert_usage_error(
        parity(project, "--flask", FLASK, "--quart", FLASK, "--cases", "cases.yaml"),
        "--quart",
        "not an ASGI app",
    )


def test_flask_pointing_at_something_else(project: Path) -> None:
    (project / "other.py").write_text("app = 42\n", encoding="utf-8")
    assert_usage_error(
        parity(project, "--flask", "other:app", "--quart", QUART, "--cases", "cases.yaml"),
        "--flask",
        "not a Flask app",
    )


def test_a_broken_case_file(project: Path) -> None:
    (project / "broken.yaml").write_text(
        "cases:\n  - GET /\n  - {request: {path: /x}}}\n", encoding="utf-8"
    )
    assert_usage_error(
        parity(project, "--flask", FLASK, "--quart", QUART, "--cases", "broken.yaml"),
        "broken.yaml:3",
        "invalid YAML",
    )
    (project / "wrong.yaml").write_text(
        "cases:\n  - GET /\n  - {request: {path: count}}\n", encoding="utf-8"
    )
    assert_usage_error(
        parity(project, "--flask", FLASK, "--quart", QUART, "--cases", "wrong.yaml"),
        "wrong.yaml: case 2",
        "'path'",
    )


def test_a_missing_case_file(project: Path) -> None:
    assert_usage_error(
        parity(project, "--flask", FLASK, "--quart", QUART, "--cases", "missing.yaml"),
        "missing.yaml",
    )


def test_a_case_file_with_a_route_compare_that_is_not_a_mapping(project: Path) -> None:
    (project / "routes.yaml").write_text(
        "routes: {count: {compare: casefold}}\ncases: [GET /count]\n", encoding="utf-8"
    )
    assert_usage_error(
        parity(project, "--flask", FLASK, "--quart", QUART, "--cases", "routes.yaml"), "routes.yaml"
    )


def test_a_report_with_a_bad_suffix(project: Path) -> None:
    result = parity(
        project, "--flask", FLASK, "--quart", QUART, "--cases", "cases.yaml", "--report", "out.txt"
    )
    assert_usage_error(result, "--report out.txt", ".json or .html")
    assert not (project / "out.txt").exists()


def test_a_bad_ignore_pattern(project: Path) -> None:
    result = parity(
        project, "--flask", FLASK, "--quart", QUART, "--cases", "cases.yaml", "--ignore", "nope:x"
    )
    assert_usage_error(result, "--ignore", "'nope:x'")


def test_no_cases_at_all(project: Path) -> None:
    (project / "empty.yaml").write_text("cases: []\n", encoding="utf-8")
    assert_usage_error(
        parity(project, "--flask", FLASK, "--quart", QUART, "--cases", "empty.yaml"), "no cases"
    )


# ---------------------------------------------------------------------------------------------
# [tool.flask2quart.parity]


def write_pyproject(project: Path, body: str) -> None:
    (project / "pyproject.toml").write_text(
        '[project]\nname = "shop"\nversion = "0"\n\n[tool.flask2quart.parity]\n'
        + textwrap.dedent(body),
        encoding="utf-8",
    )


def test_pyproject_supplies_apps_and_cases(project: Path) -> None:
    write_pyproject(project, f'flask = "{FLASK}"\nquart = "{QUART}"\ncases = "cases.yaml"\n')
    result = parity(project, "-q")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert_summary(result.stdout, "PASS", different=0)


def test_the_command_line_wins_over_pyproject(project: Path) -> None:
    write_pyproject(project, f'flask = "{FLASK}"\nquart = "{QUART}"\ncases = "cases.yaml"\n')
    result = parity(project, "--quart", OFF_BY_ONE, "-q")
    assert result.returncode == 1, (result.stdout, result.stderr)
    assert_summary(result.stdout, "FAIL", different=1)


def test_pyproject_ignore_and_auto(project: Path) -> None:
    write_pyproject(
        project,
        f'flask = "{FLASK}"\nquart = "{OFF_BY_ONE}"\nauto = true\nignore = ["body:$.count"]\n',
    )
    result = parity(project, "-q", "--variations", "0")
    assert result.returncode == 0, (result.stdout, result.stderr)
    assert result.stdout.startswith("parity PASS: ")
    # without the ignore, --auto alone finds the difference
    write_pyproject(project, f'flask = "{FLASK}"\nquart = "{OFF_BY_ONE}"\nauto = true\n')
    assert parity(project, "-q", "--variations", "0").returncode == 1


def test_a_bad_pyproject_is_a_usage_error(project: Path) -> None:
    write_pyproject(
        project, f'flask = "{FLASK}"\nquart = "{QUART}"\ncases = "cases.yaml"\ncolour = "red"\n'
    )
    assert_usage_error(parity(project), "pyproject.toml", "colour")


# ---------------------------------------------------------------------------------------------
# the README command on the example


def test_the_readme_command_on_the_example() -> None:
    result = parity(
        REPO,
        "--auto",
        "--cases",
        "examples/parity/cases.yaml",
        "--flask",
        "examples.parity.apps:flask_app",
        "--quart",
        "examples.parity.apps:quart_app",
    )
    assert result.returncode == 0, (result.stdout[-3000:], result.stderr[-3000:])
    assert "Result: PASSED" in result.stdout
