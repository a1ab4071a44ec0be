"""What a user meets before any code: the licence, and the pre-commit hooks this repository offers
(run here as pre-commit runs them: ``entry`` + ``args`` in the project's root, no file names)."""

from __future__ import annotations

import shlex
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parent.parent
VIEW = 'from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return "hi"\n'
MANUAL = (
    "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
    '@app.route("/who")\ndef who():\n    return request.environ["werkzeug.request"]\n'
)


def test_the_licence_is_mit_and_matches_the_package_metadata() -> None:
    text = (ROOT / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License\n")
    assert "flask2quart developers" in text
    assert "THE SOFTWARE IS PROVIDED \"AS IS\"" in text
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["license"] == "MIT"
    assert project["authors"] == [{"name": "flask2quart developers"}]


def hooks() -> dict[str, dict[str, object]]:
    loaded = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(loaded, list)
    return {hook["id"]: hook for hook in loaded}


def test_hooks_have_what_pre_commit_requires() -> None:
    found = hooks()
    assert set(found) == {"flask2quart-rewrite-check", "flask2quart-check"}
    for hook in found.values():
        assert {"id", "name", "entry", "language"} <= set(hook)
        assert hook["language"] == "python"  # pre-commit pip-installs this repository
        # whole-project analysis: staged file names alone would give a partial call graph
        assert hook["pass_filenames"] is False
        assert str(hook["entry"]).startswith("flask2quart ")


def run_hook(hook_id: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    hook = hooks()[hook_id]
    command = [*shlex.split(str(hook["entry"])), *(str(arg) for arg in hook.get("args", []))]  # type: ignore[union-attr]
    assert command[0] == "flask2quart"
    return subprocess.run(
        [sys.executable, "-m", "flask2quart", *command[1:]],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app.py").write_text(VIEW, encoding="utf-8")
    return tmp_path


def test_rewrite_check_hook_fails_until_the_port_is_done(project: Path) -> None:
    before = (project / "app.py").read_bytes()
    first = run_hook("flask2quart-rewrite-check", project)
    assert first.returncode == 1, first.stderr
    assert (project / "app.py").read_bytes() == before  # a hook that checks writes nothing
    subprocess.run([sys.executable, "-m", "flask2quart", "rewrite", "."], cwd=project, check=True, capture_output=True)
    assert run_hook("flask2quart-rewrite-check", project).returncode == 0


def test_check_hook_passes_a_ready_app_and_fails_one_that_needs_a_human(project: Path) -> None:
    ready = run_hook("flask2quart-check", project)
    assert ready.returncode == 0, ready.stdout + ready.stderr
    assert "1/1 routes (100%)" in ready.stdout
    (project / "who.py").write_text(MANUAL.replace("app = Flask", "other = Flask").replace("@app", "@other"), encoding="utf-8")
    manual = run_hook("flask2quart-check", project)
    assert manual.returncode == 1
    assert "F2Q102" in manual.stdout
