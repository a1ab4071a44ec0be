"""The pytest plugin (entry point ``flask2quart-parity``) as a user meets it: inner pytest sessions
in a subprocess, so the installed entry point is what loads the plugin."""

from __future__ import annotations

import json
import re

import pytest

pytest_plugins = ["pytester"]

APPS = '''
"""A Flask app, its faithful Quart port, and a port that counts one too many."""

from flask import Flask, jsonify, request, session
from quart import Quart, jsonify as quart_jsonify, request as quart_request, session as quart_session

flask_app = Flask("shop")
quart_app = Quart("shop")
off_by_one = Quart("shop")
# each its own key: a session cookie only works on the side that set it
flask_app.secret_key = "plugin-parity-flask"
quart_app.secret_key = "plugin-parity-quart"
off_by_one.secret_key = "plugin-parity-off-by-one"


@flask_app.get("/count")
def count():
    return jsonify(count=2, items=["a", "b"])


@quart_app.get("/count")
async def quart_count():
    return quart_jsonify(count=2, items=["a", "b"])


@off_by_one.get("/count")
async def off_by_one_count():
    return quart_jsonify(count=3, items=["a", "b"])


@flask_app.post("/login")
def login():
    session["user"] = request.form["user"]
    return jsonify(ok=True)


@quart_app.post("/login")
@off_by_one.post("/login")
async def quart_login():
    quart_session["user"] = (await quart_request.form)["user"]
    return quart_jsonify(ok=True)


@flask_app.get("/dashboard")
def dashboard():
    if "user" not in session:
        return jsonify(error="log in first"), 401
    return jsonify(user=session["user"], links=3)


@quart_app.get("/dashboard")
@off_by_one.get("/dashboard")
async def quart_dashboard():
    if "user" not in quart_session:
        return quart_jsonify(error="log in first"), 401
    return quart_jsonify(user=quart_session["user"], links=3)
'''

INI = """
[pytest]
asyncio_mode = auto
asyncio_default_fixture_loop_scope = function
{extra}
"""

APPS_INI = "parity_flask = parityapps:flask_app\nparity_quart = parityapps:{quart}\n"

PASSING_TEST = """
from flask2quart.parity import assert_parity


def test_count(parity):
    step = parity.get("/count")
    assert step.flask.status == step.quart.status == 200
    assert_parity(step)
"""


@pytest.fixture
def project(pytester: pytest.Pytester) -> pytest.Pytester:
    pytester.makepyfile(parityapps=APPS)
    return pytester


def write_ini(pytester: pytest.Pytester, quart: str | None = "quart_app") -> None:
    extra = APPS_INI.format(quart=quart) if quart else ""
    pytester.makefile(".ini", pytest=INI.format(extra=extra))


FLOW_TESTS = """
import asyncio

from flask2quart.parity import assert_parity


def test_log_in_then_dashboard(parity):
    assert_parity(parity.post("/login", form={"user": "ada"}))
    step = parity.get("/dashboard")
    assert_parity(step)
    # each side sent its own session cookie back: both let the user in
    assert step.flask.status == step.quart.status == 200
    assert step.flask.body.replace(b" ", b"").count(b'"user":"ada"') == 1


def test_a_new_test_starts_without_cookies(parity):
    step = parity.get("/dashboard")
    assert_parity(step)
    assert step.flask.status == step.quart.status == 401


async def test_async_flow(parity):
    await asyncio.sleep(0)
    assert_parity(parity.post("/login", form={"user": "grace"}))
    step = parity.get("/dashboard")
    assert_parity(step)
    assert step.quart.status == 200
"""


def test_ini_config_multi_step_async_and_report(project: pytest.Pytester) -> None:
    write_ini(project)
    project.makepyfile(test_shop=PASSING_TEST, test_flow=FLOW_TESTS)
    report = project.path / "r.json"
    result = project.runpytest_subprocess(
        "-p", "no:cacheprovider", "-rA", f"--parity-report={report}"
    )
    result.assert_outcomes(passed=4)
    result.stdout.fnmatch_lines_random(
        ["PASSED test_flow.py::test_async_flow", "PASSED test_shop.py::test_count"]
    )
    # the async test ran on pytest-asyncio's loop, not left as a coroutine
    assert "coroutine" not in result.stdout.str().lower()
    # --parity-report: one case per test, named by its node id, with the test's steps
    data = json.loads(report.read_text(encoding="utf-8"))
    cases = {case["name"]: case for case in data["cases"]}
    assert set(cases) == {
        "test_shop.py::test_count",
        "test_flow.py::test_log_in_then_dashboard",
        "test_flow.py::test_a_new_test_starts_without_cookies",
        "test_flow.py::test_async_flow",
    }
    flow = cases["test_flow.py::test_log_in_then_dashboard"]
    assert [step["request"]["target"] for step in flow["steps"]] == ["/login", "/dashboard"]
    assert [step["quart"]["status"] for step in flow["steps"]] == [200, 200]
    assert data["summary"]["total"] == 4 and data["summary"]["passed"] is True


def test_pyproject_ini_options(project: pytest.Pytester) -> None:
    project.makepyprojecttoml(
        """
        [tool.pytest.ini_options]
        asyncio_mode = "auto"
        asyncio_default_fixture_loop_scope = "function"
        parity_flask = "parityapps:flask_app"
        parity_quart = "parityapps:quart_app"
        """
    )
    project.makepyfile(test_shop=PASSING_TEST)
    project.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=1)


def test_a_difference_fails_with_a_readable_diff(project: pytest.Pytester) -> None:
    write_ini(project, quart="off_by_one")
    project.makepyfile(
        test_shop=PASSING_TEST
        + """

def test_check_same(parity):
    parity.check("POST", "/login", form={"user": "ada"})


def test_check_differs(parity):
    parity.check("GET", "/count")
"""
    )
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    result.assert_outcomes(passed=1, failed=2)
    result.stdout.fnmatch_lines(
        ["*FAILED test_shop.py::test_count*", "*FAILED test_shop.py::test_check_differs*"]
    )
    output = result.stdout.str()
    assert "ParityMismatch" in output
    assert "Flask and Quart answer GET /count differently (flask 200, quart 200):" in output
    assert output.count("body:$.count: flask 2 != quart 3") >= 2
    # only the field that differs is named
    assert "body:$.items" not in output


def test_command_line_options_are_used_and_win_over_the_ini_file(project: pytest.Pytester) -> None:
    # the ini file names the port that differs; the command line names the faithful one
    write_ini(project, quart="off_by_one")
    project.makepyfile(test_shop=PASSING_TEST)
    result = project.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--parity-flask",
        "parityapps:flask_app",
        "--parity-quart",
        "parityapps:quart_app",
    )
    result.assert_outcomes(passed=1)


def test_command_line_options_without_an_ini_file(project: pytest.Pytester) -> None:
    write_ini(project, quart=None)
    project.makepyfile(test_shop=PASSING_TEST)
    result = project.runpytest_subprocess(
        "-p",
        "no:cacheprovider",
        "--parity-flask",
        "parityapps:flask_app",
        "--parity-quart",
        "parityapps:off_by_one",
    )
    result.assert_outcomes(failed=1)
    assert "body:$.count: flask 2 != quart 3" in result.stdout.str()


def test_overriding_parity_apps_in_a_conftest(project: pytest.Pytester) -> None:
    write_ini(project, quart=None)
    project.makeconftest(
        """
        import pytest

        import parityapps


        @pytest.fixture(scope="session")
        def parity_apps():
            parityapps.flask_app.config["BUILT_BY"] = "conftest"
            return parityapps.flask_app, parityapps.quart_app
        """
    )
    project.makepyfile(
        test_shop=PASSING_TEST
        + """

def test_the_conftest_built_the_apps(parity_session):
    assert parity_session.runner.flask_app.config["BUILT_BY"] == "conftest"
"""
    )
    project.runpytest_subprocess("-p", "no:cacheprovider").assert_outcomes(passed=2)


MISSING_MESSAGE = "the `parity` fixture needs both apps"


def test_missing_configuration_names_what_to_set(project: pytest.Pytester) -> None:
    write_ini(project, quart=None)
    project.makepyfile(test_shop=PASSING_TEST)
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    output = result.stdout.str() + result.stderr.str()
    assert MISSING_MESSAGE in output
    assert "parity_flask" in output and "--parity-flask" in output and "parity_apps" in output
    assert re.search(r"\b\d+ passed", result.stdout.str()) is None


def test_missing_configuration_is_a_usage_error_not_a_traceback(project: pytest.Pytester) -> None:
    write_ini(project, quart=None)
    project.makepyfile(test_shop=PASSING_TEST)
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    output = result.stdout.str() + result.stderr.str()
    assert MISSING_MESSAGE in output
    assert "raise pytest.UsageError" not in output
    assert "pytest_plugin.py:" not in output


def test_a_bad_app_spec_names_the_spec(project: pytest.Pytester) -> None:
    write_ini(project, quart="no_such_app")
    project.makepyfile(test_shop=PASSING_TEST)
    result = project.runpytest_subprocess("-p", "no:cacheprovider")
    assert result.ret != 0
    assert re.search(r"\b\d+ passed", result.stdout.str()) is None
    assert "parityapps:no_such_app" in result.stdout.str() + result.stderr.str()
