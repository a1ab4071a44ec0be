"""F2Q215: pytest-flask's plugin off, its fixtures written for Quart; checked as text and by running
a suite that leans on the plugin under Flask (plugin on) and its port under Quart (plugin off)."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flask2quart.migrate import Mode, RewriteOptions, rewrite
from flask2quart.migrate.rules.f2q215_pytest_flask import config_edit
from tests.helpers import check_noop, run_rewrite

pytest.importorskip("pytest_flask")

PYPROJECT = """\
[project]
name = "shop"
version = "1"
dependencies = ["flask>=3"]

[project.optional-dependencies]
dev = [
    "pytest>=8",
    "pytest-flask>=1.3",
]
"""

APP = """\
from flask import Flask, jsonify, request


def create_app(config=None):
    app = Flask(__name__)
    app.config.update(GREETING="hello", **(config or {}))

    @app.route("/")
    def index():
        return app.config["GREETING"]

    @app.route("/kind")
    def kind():
        return jsonify(json=request.accept_mimetypes.best == "application/json")

    return app
"""

CONFTEST = """\
import pytest

from shop import create_app


@pytest.fixture
def app():
    return create_app({"TESTING": True})
"""

TESTS = """\
import pytest
from flask import current_app, request, url_for


def test_client_from_the_plugin(client):
    assert client.get("/").data == b"hello"


def test_a_request_context_is_pushed(app):
    assert url_for("index") == "/"
    assert current_app.name == app.name
    assert request.path == "/"


def test_config_fixture(config):
    assert config["GREETING"] == "hello"


@pytest.mark.options(greeting="hi")
def test_options_marker(client):
    assert client.get("/").data == b"hi"


def test_accept_json(client, accept_json):
    assert client.get("/kind", headers=accept_json).json == {"json": True}


@pytest.mark.usefixtures("client_class")
class TestWithClientClass:
    def test_it(self):
        assert self.client.get("/").status_code == 200


def test_without_app():
    assert True
"""


def _project(root: Path) -> None:
    files = {
        "pyproject.toml": PYPROJECT,
        "shop/__init__.py": APP,
        "tests/__init__.py": "",
        "tests/conftest.py": CONFTEST,
        "tests/test_shop.py": TESTS,
    }
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _pytest(root: Path) -> subprocess.CompletedProcess[str]:
    # its own folder: the project's pytest configuration, with pytest-flask installed and on
    return subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--strict-markers", "tests"],
        cwd=root, capture_output=True, text=True, timeout=300,
    )


@pytest.mark.slow
def test_the_suite_passes_under_flask_with_the_plugin_and_ported_without_it(tmp_path: Path):
    _project(tmp_path)
    before = _pytest(tmp_path)
    assert "7 passed" in before.stdout, before.stdout + before.stderr
    result = rewrite([tmp_path], RewriteOptions(mode=Mode.WRITE))
    assert not result.failed
    after = _pytest(tmp_path)
    assert "7 passed" in after.stdout, after.stdout + after.stderr
    conftest = (tmp_path / "tests/conftest.py").read_text()
    assert "def _pytest_flask_app(request):" in conftest and "def client(app):" in conftest
    assert "pytest-flask" not in (tmp_path / "pyproject.toml").read_text().split("[tool.pytest")[0]


def test_what_is_written_and_said():
    output, findings, texts = run_rewrite(
        CONFTEST, path="tests/conftest.py",
        files={"pyproject.toml": PYPROJECT, "shop/__init__.py": APP, "tests/test_shop.py": TESTS},
    )
    written = [line.split("(")[0] for line in output.splitlines() if line.startswith(("def ", "async def "))]
    assert written == [
        "def _pytest_flask_app", "async def _pytest_flask_request_context", "def client", "def client_class",
        "def config", "def accept_json", "def pytest_configure", "def app",
    ]
    assert "[tool.pytest.ini_options]" in texts["pyproject.toml"]
    assert 'addopts = "-p no:flask"' in texts["pyproject.toml"]
    assert '"pytest-flask>=1.3"' not in texts["pyproject.toml"]
    said = {(f.path, f.code, f.severity.name) for f in findings if f.code in ("F2Q215", "F2Q401")}
    assert ("tests/conftest.py", "F2Q215", "INFO") in said
    assert ("pyproject.toml", "F2Q401", "INFO") in said


def test_fixtures_the_project_defines_are_not_written():
    conftest = CONFTEST + textwrap.dedent("""

        @pytest.fixture
        def client(app):
            return app.test_client()
        """)
    output, _, _ = run_rewrite(
        conftest, path="tests/conftest.py",
        files={"pyproject.toml": PYPROJECT, "shop/__init__.py": APP, "tests/test_shop.py": TESTS},
    )
    assert output.count("def client(") == 1


def test_a_project_without_pytest_flask_is_left_alone():
    assert check_noop(
        CONFTEST, path="tests/conftest.py",
        files={"pyproject.toml": PYPROJECT.replace('    "pytest-flask>=1.3",\n', ""), "shop/__init__.py": APP},
    ) == []


def test_an_enclosing_projects_pytest_flask_is_not_this_projects(tmp_path: Path):
    # A project kept inside another one's folder (an example in a repository): the outer
    # pyproject.toml declares pytest-flask, the project's own does not.
    (tmp_path / "pyproject.toml").write_text(PYPROJECT, encoding="utf-8")
    inner = tmp_path / "examples" / "shop"
    (inner / "tests").mkdir(parents=True)
    (inner / "shop").mkdir()
    (inner / "pyproject.toml").write_text(PYPROJECT.replace('    "pytest-flask>=1.3",\n', ""), encoding="utf-8")
    (inner / "shop" / "__init__.py").write_text(textwrap.dedent(APP), encoding="utf-8")
    (inner / "tests" / "conftest.py").write_text(textwrap.dedent(CONFTEST), encoding="utf-8")
    result = rewrite([inner], RewriteOptions(mode=Mode.WRITE))
    assert not [f for f in result.findings if f.code == "F2Q215"]
    assert "_pytest_flask" not in (inner / "tests" / "conftest.py").read_text(encoding="utf-8")
    assert "no:flask" not in (inner / "pyproject.toml").read_text(encoding="utf-8")


def test_live_server_is_reported():
    _, findings, _ = run_rewrite(
        "def test_up(live_server):\n    assert live_server.url()\n", path="tests/test_live.py",
        files={"pyproject.toml": PYPROJECT, "shop/__init__.py": APP, "tests/conftest.py": CONFTEST},
    )
    assert [(f.path, f.line, f.severity.name) for f in findings if f.code == "F2Q215" and f.severity.name != "INFO"] == [
        ("tests/test_live.py", 1, "ERROR")
    ]


@pytest.mark.parametrize(
    ("name", "before", "after"),
    [
        ("pyproject.toml", '[tool.pytest.ini_options]\naddopts = "-ra"\n',
         '[tool.pytest.ini_options]\naddopts = "-ra -p no:flask"\n'),
        ("pyproject.toml", '[tool.pytest.ini_options]\naddopts = ["-ra"]\n',
         '[tool.pytest.ini_options]\naddopts = ["-ra", "-p", "no:flask"]\n'),
        ("pytest.ini", "[pytest]\naddopts = -ra\n", "[pytest]\naddopts = -ra -p no:flask\n"),
        ("setup.cfg", "[tool:pytest]\ntestpaths = tests\n", "[tool:pytest]\ntestpaths = tests\naddopts = -p no:flask\n"),
        ("pytest.ini", "[pytest]\naddopts = -p no:flask\n", None),
    ],
)
def test_the_plugin_is_turned_off_in_each_configuration(tmp_path: Path, name: str, before: str, after: str | None):
    (tmp_path / name).write_text(before)
    edit = config_edit(tmp_path, {})
    assert (edit.after.decode() if edit else None) == after
