"""The pure parts of ``benchmarks/realworld.py`` (the corpus harness): no builds, no network.

Silent-failure attribution (findings on original lines, tracebacks on ported lines), route
matching for the agreement column, the table, the floors, and the manifest/floors readers.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "benchmarks"))
try:
    import realworld  # benchmarks/ is not a package
    import realworld_report as rr
finally:
    sys.path.remove(str(ROOT / "benchmarks"))

ORIGINAL = textwrap.dedent(
    """\
    from flask import Flask, request
    app = Flask(__name__)

    @app.before_request
    def guard():
        if request.environ.get("X"):
            return "no"

    class Helper:
        def method(self):
            return 1

    def view():
        return "ok"
    """
)
# The port: one import line more, so every line below it moved down by one.
PORTED = "from quart import Quart, request\nimport asyncio\n" + ORIGINAL.split("\n", 1)[1].replace("def guard", "async def guard")


def test_spans_are_innermost_and_include_decorators() -> None:
    spans = rr.function_spans(ORIGINAL)
    assert rr.qualname_at(spans, 4) == "guard"  # the decorator line
    assert rr.qualname_at(spans, 6) == "guard"
    assert rr.qualname_at(spans, 11) == "Helper.method"
    assert rr.qualname_at(spans, 9) == "Helper"
    assert rr.qualname_at(spans, 2) == rr.MODULE
    assert rr.function_spans("def broken(:\n") == []


def _indexes(tmp_path: Path) -> tuple[rr.SpanIndex, rr.SpanIndex]:
    original = rr.SpanIndex(tmp_path / "orig", {"app.py": ORIGINAL})
    port = rr.SpanIndex(tmp_path / "port", {"app.py": PORTED, "tests/test_app.py": "def test_x():\n    assert 0\n"})
    return original, port


def test_finding_attributed_across_shifted_lines(tmp_path: Path) -> None:
    original, port = _indexes(tmp_path)
    # F2Q102 on the original's line 6 (inside guard); the traceback has the port's line 7.
    places = rr.finding_places([{"path": str(tmp_path / "orig" / "app.py"), "line": 6}], original)
    assert places == {("app.py", "guard")}
    frame = (str(tmp_path / "port" / "app.py"), 7, "guard")
    outside = ("/usr/lib/python3.11/unittest/case.py", 57, "run")
    test = rr.TestOutcome("tests/test_app.py::test_x", "failed", [outside, frame])
    assert rr.silent_failures([test], places, port) == []
    # The same failure with the error only in the test function: no finding there, so silent.
    lonely = rr.TestOutcome("tests/test_app.py::test_y", "failed", [(str(tmp_path / "port" / "tests/test_app.py"), 2, "test_x")])
    assert rr.silent_failures([lonely], places, port) == ["tests/test_app.py::test_y"]
    # A failure with no frame in the project at all is silent too.
    assert rr.silent_failures([rr.TestOutcome("t::z", "failed", [outside])], places, port) == ["t::z"]


def test_a_file_left_untouched_covers_every_function_in_it(tmp_path: Path) -> None:
    original, port = _indexes(tmp_path)
    finding = {"path": str(tmp_path / "orig" / "app.py"), "line": 12, "code": "F2Q002"}
    places = rr.finding_places([finding], original)
    assert places == {("app.py", rr.ANYWHERE)}
    in_guard = rr.TestOutcome("t::a", "failed", [(str(tmp_path / "port" / "app.py"), 7, "guard")])
    elsewhere = rr.TestOutcome("t::b", "failed", [(str(tmp_path / "port" / "tests/test_app.py"), 2, "test_x")])
    assert rr.silent_failures([in_guard, elsewhere], places, port) == ["t::b"]


def test_plugin_takes_where_an_unawaited_coroutine_was_made(tmp_path: Path) -> None:
    # The coroutine reaches the assertion in place of its value: no traceback passes through the
    # function that made it, its origin does (only the failing test's own coroutines count).
    (tmp_path / "test_it.py").write_text(textwrap.dedent(
        """\
        import functools

        async def value():
            return 1

        @functools.lru_cache
        def cached():
            return value()

        def test_kept():
            assert cached() is cached()

        def test_fails():
            assert helper() == 1

        def helper():
            return value()
        """
    ))
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmarks"), "F2Q_RW_OUT": str(out)}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "realworld_plugin", "-p", "no:cacheprovider", "-W", "ignore"],
                   cwd=tmp_path, env=env, capture_output=True, check=False)
    tests = json.loads(out.read_text())["tests"]
    frames = {(Path(f[0]).name, f[2]) for f in tests["test_it.py::test_fails"]["frames"]}
    assert ("test_it.py", "helper") in frames
    assert ("test_it.py", "cached") not in frames


def test_an_unawaited_coroutine_left_in_a_cycle_fails_the_test_that_left_it(tmp_path: Path) -> None:
    (tmp_path / "test_it.py").write_text(textwrap.dedent(
        """\
        async def handle():
            return 1

        class Holder:
            pass

        def test_leaves_one():
            holder = Holder()
            holder.me = holder  # a cycle: only the cyclic collector frees it
            holder.pending = handle()

        def test_next():
            assert [0] * 1000
        """
    ))
    out = tmp_path / "out.json"
    env = {**os.environ, "PYTHONPATH": str(ROOT / "benchmarks"), "F2Q_RW_OUT": str(out)}
    subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "realworld_plugin", "-p", "no:cacheprovider",
                    "-p", "no:randomly", *realworld.PORT_WARNINGS], cwd=tmp_path, env=env, capture_output=True, check=False)
    tests = json.loads(out.read_text())["tests"]
    assert tests["test_it.py::test_leaves_one"]["outcome"] == "error"  # in its teardown
    assert ("test_it.py", "test_leaves_one") in {(Path(f[0]).name, f[2]) for f in tests["test_it.py::test_leaves_one"]["frames"]}
    assert tests["test_it.py::test_next"]["outcome"] == "passed"


def test_failing_tests_only_count_what_passed_under_flask() -> None:
    flask = {
        "t.py::a": rr.TestOutcome("t.py::a", "passed", paths=["/a"]),
        "t.py::b": rr.TestOutcome("t.py::b", "failed"),
        "t.py::c": rr.TestOutcome("t.py::c", "passed"),
        "u.py::d": rr.TestOutcome("u.py::d", "passed"),
    }
    port = {
        "t.py::a": rr.TestOutcome("t.py::a", "failed", paths=["/a2"]),
        "t.py::b": rr.TestOutcome("t.py::b", "failed"),
        "t.py::c": rr.TestOutcome("t.py::c", "passed"),
    }
    frames = [("/p/u.py", 1, "<module>")]
    failing = rr.failing_tests(flask, port, {"u.py": frames})
    assert [t.nodeid for t in failing] == ["t.py::a", "u.py::d"]
    assert failing[0].paths == ["/a2", "/a"]  # the port's requests, then the original's
    assert failing[1].outcome == "missing" and failing[1].frames == frames


def test_rule_regex_and_agreement(tmp_path: Path) -> None:
    assert rr.rule_regex("/post/<int:id>/update").match("/post/3/update")
    assert not rr.rule_regex("/post/<int:id>/update").match("/post/3/4/update")
    assert rr.rule_regex("/files/<path:name>").match("/files/a/b.txt")
    assert rr.rule_regex("/x/<any(a, b):kind>").match("/x/a")
    check = {
        "routes": [
            {"endpoint": "guard", "rules": ["/g"], "path": "app.py", "function": "app:view", "status": "ready"},
            {"endpoint": "blocked", "rules": ["/b/<int:n>"], "path": "app.py", "function": "app:other", "status": "blocking"},
            {"endpoint": "manual", "rules": ["/m"], "path": "app.py", "function": "app:m", "status": "manual"},
        ]
    }
    routes = rr.routes_from_check(check)
    assert [r.ready for r in routes] == [True, True, False]
    _, port = _indexes(tmp_path)
    by_path = rr.TestOutcome("t::1", "failed", paths=["/b/7"])
    by_frame = rr.TestOutcome("t::2", "failed", frames=[(str(tmp_path / "port" / "app.py"), 15, "view")])
    assert rr.agreement(routes, [by_path], port) == (1, 2)
    assert rr.agreement(routes, [by_path, by_frame], port) == (2, 2)
    assert rr.agreement(routes, [rr.TestOutcome("t::3", "failed", paths=["/m"])], port) == (0, 2)


RESULTS = [
    {"app": "flaskr", "flask": {"passed": 24, "total": 24}, "port": {"passed": 20}, "findings": {"total": 3, "human": 1},
     "silent": 2, "parity": "0/26", "agreement": "1/8 ready failing", "seconds": 41.2},
    {"app": "broken", "error": "needs the shared script get_x.sh", "seconds": 0.1},
]


def test_table_has_one_row_per_app() -> None:
    table = rr.render_table(RESULTS).splitlines()
    assert table[0].startswith("| app ") and set(table[1]) <= {"|", "-"}
    assert "| flaskr " in table[2] and "24/24" in table[2] and "3 (1)" in table[2] and "41s" in table[2]
    assert "error: needs the shared script" in table[3]


def test_table_shows_the_hand_port_and_the_share_the_port_reaches() -> None:
    """The manifest's ``hand_port`` (the ceiling of general rules) beside the ported count, with
    the share of it reached, rounded down (97.1% is 97%, never more than reached)."""
    results = [
        {"app": "a", "flask": {"passed": 70, "total": 70}, "port": {"passed": 68}, "hand_port": 70},
        {"app": "b", "flask": {"passed": 50, "total": 51}, "port": {"passed": 33}},
    ]
    header, _, with_hand, without = (row.split("|")[1:-1] for row in rr.render_table(results).splitlines())
    column = [cell.strip() for cell in header].index("hand port")
    assert [cell.strip() for cell in header][column - 1] == "ported"
    assert with_hand[column].strip() == "70 (97%)"
    assert without[column].strip() == ""


def test_hand_port_in_the_manifest_is_checked_and_not_a_build_input(tmp_path: Path) -> None:
    entry = '[apps.x]\nroot = "."\npackages = ["p"]\ntests = ["t"]\nsdist = "x==1"\n'
    plain, measured = tmp_path / "plain.toml", tmp_path / "measured.toml"
    plain.write_text(entry)
    measured.write_text(entry + "hand_port = 12\n")
    app = realworld.load_manifest(measured)["x"]
    assert app.hand_port == 12 and realworld.load_manifest(plain)["x"].hand_port is None
    ctx = realworld.Context("python", "3.11", tmp_path, None, None)
    # Recording a measurement must not rebuild the app: the cache key ignores it.
    assert realworld.build_key(app, ctx) == realworld.build_key(realworld.load_manifest(plain)["x"], ctx)
    for bad in ('"12"', "0", "true"):
        (tmp_path / "bad.toml").write_text(entry + f"hand_port = {bad}\n")
        with pytest.raises(realworld.HarnessError, match="hand_port must be a positive integer"):
            realworld.load_manifest(tmp_path / "bad.toml")


def test_floors() -> None:
    assert rr.compare_floors(RESULTS, {"flaskr": 20}) == []
    assert rr.compare_floors(RESULTS, {"flaskr": 21}) == ["flaskr: 20 ported tests passed, below the floor of 21"]
    assert rr.compare_floors(RESULTS, {"broken": 1})[0].startswith("broken: did not run")
    assert rr.compare_floors(RESULTS, {"other": 5}) == []


def test_a_port_a_second_rewrite_would_change_is_a_problem_floor_or_not():
    results = [{"app": "flaskr", "port": {"passed": 24}, "second_run_changes": ["tests/conftest.py"]}]
    assert rr.compare_floors(results, {}) == ["flaskr: a second rewrite changes 1 file(s): tests/conftest.py"]
    assert rr.compare_floors([{**results[0], "second_run_changes": []}], {"flaskr": 24}) == []


def test_manifest_and_floors_files(tmp_path: Path) -> None:
    apps = realworld.load_manifest(realworld.MANIFEST)
    assert {"flaskr", "js_example", "fava", "supysonic", "onionshare", "fsa_flaskr"} <= set(apps)
    assert len(apps) >= 9
    floors = realworld.load_floors(realworld.FLOORS, "3.11")
    assert set(floors) <= set(apps)
    bad = tmp_path / "m.toml"
    bad.write_text('[apps.x]\nroot = "."\npackages = []\ntests = []\nsurprise = 1\n')
    with pytest.raises(realworld.HarnessError, match="unknown keys"):
        realworld.load_manifest(bad)
    assert realworld.quart_pin("3.11") == "quart==0.22.0"
    assert realworld.quart_pin("3.13") == "quart==0.23.1"


def test_bad_input_is_one_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert realworld.main(["no-such-app", "--no-floors"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("realworld.py: unknown app(s) no-such-app")
