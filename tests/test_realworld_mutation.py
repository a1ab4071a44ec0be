"""A ported suite keeps its power (issue 10 §4): Flask's javascript example, with the template name
one of its tests expects made wrong, fails that test under Flask and, rewritten, under Quart too
(an assertion inside a ``template_rendered`` receiver must fail the test as with Flask's client).

Uses the corpus harness's cached build of ``js_example`` (``benchmarks/realworld.py js_example``
makes it, with Quart installed in its venv); skipped with the reason when there is none.
"""

from __future__ import annotations

import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
import realworld as R  # noqa: E402  (benchmarks/ is not a package)

pytestmark = pytest.mark.slow

MUTATED = "tests/test_js_example.py::test_index[/jquery-wrong.html]"


def _cached_build() -> R.Build:
    app = R.load_manifest(R.MANIFEST)["js_example"]
    ctx = R.make_context(R.parse_args(["js_example"]))
    try:
        key = R.build_key(app, ctx)
    except R.HarnessError as error:
        pytest.skip(f"no js_example build recipe here: {error}")
    folder = ctx.cache / "builds" / f"js_example-py{ctx.version}-{key}"
    if not (folder / "built").exists():
        pytest.skip(f"no cached js_example build in {folder}: run `python benchmarks/realworld.py js_example` first")
    build = R.Build(folder, folder / "target" / app.root, folder / "target" / "venv")
    has_quart = subprocess.run([build.python, "-c", "import quart, pytest_asyncio"], capture_output=True, check=False)
    if has_quart.returncode:
        pytest.skip("the cached js_example venv has no Quart/pytest-asyncio yet: run the harness on it once")
    return build


def _outcomes(build: R.Build, root: Path, report: Path) -> dict[str, str]:
    # plugins the harness installed in the venv for itself stay off, as in its own runs
    disable = [a for name in R.foreign_plugins(build, [R.PYTEST_ASYNCIO]) for a in ("-p", f"no:{name}")]
    subprocess.run(
        [build.python, "-m", "pytest", "-q", "-p", "no:cacheprovider", *disable, f"--junitxml={report}", "tests"],
        cwd=root, env={"PYTHONPATH": str(root), "PATH": str(build.venv / "bin")}, capture_output=True, check=False,
        timeout=600,
    )
    outcomes = {}
    for case in ET.parse(report).getroot().iter("testcase"):
        name = f"{case.get('classname', '').replace('.', '/')}.py::{case.get('name')}"
        failed = case.find("failure") is not None or case.find("error") is not None
        outcomes[name] = "failed" if failed else "passed"
    return outcomes


def test_a_wrong_expected_template_name_fails_under_flask_and_after_the_port(tmp_path: Path) -> None:
    build = _cached_build()
    original = tmp_path / "original"
    R.copy_project(build.root, original)
    test_file = original / "tests" / "test_js_example.py"
    source = test_file.read_text(encoding="utf-8")
    assert '("/jquery", "jquery.html")' in source
    test_file.write_text(source.replace('("/jquery", "jquery.html")', '("/jquery", "wrong.html")'), encoding="utf-8")

    flask = _outcomes(build, original, tmp_path / "flask.xml")
    assert flask[MUTATED] == "failed"
    assert flask["tests/test_js_example.py::test_index[/-fetch.html]"] == "passed"

    port = tmp_path / "port"
    R.copy_project(original, port)
    done = subprocess.run([sys.executable, "-m", "flask2quart", "rewrite", "js_example", "tests", "-q"],
                          cwd=port, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "template_rendered" in (port / "tests" / "test_js_example.py").read_text(encoding="utf-8")
    ported = _outcomes(build, port, tmp_path / "port.xml")
    assert ported[MUTATED] == "failed"  # the receiver's assertion still fails the test
    assert ported["tests/test_js_example.py::test_index[/-fetch.html]"] == "passed"
    assert {name for name, outcome in ported.items() if outcome == "failed"} == {MUTATED}
