import json
import os
import sys
import types
from pathlib import Path

import pytest

from flask2quart.cli import main
from flask2quart.findings import Severity
from flask2quart.migrate import Mode, RewriteOptions, rewrite, select_codes
from flask2quart.migrate.rules.f2q403_flaskenv import parse_dotenv
from tests.helpers import FLASK_APP, run_rewrite

FLASKENV = "# development settings\nFLASK_APP=app.py\nexport FLASK_DEBUG=1\nFLASK_RUN_PORT = 8000  # dev port\n"
QUARTENV = "# development settings\nQUART_APP=app.py\nexport QUART_DEBUG=1\nQUART_RUN_PORT = 8000  # dev port\n"


def test_flaskenv_becomes_quartenv_with_quarts_names() -> None:
    _, findings, texts = run_rewrite(FLASK_APP, files={".flaskenv": FLASKENV})
    assert ".flaskenv" not in texts
    assert texts[".quartenv"] == QUARTENV
    assert [(f.path, f.code, f.severity) for f in findings if f.code == "F2Q403"] == [
        (".quartenv", "F2Q403", Severity.INFO)
    ]


def test_env_files_are_edited_in_place() -> None:
    env = (
        'FLASK_APP="pkg:create_app()"\n'
        "FLASK_RUN_CERT=cert.pem\nFLASK_RUN_KEY='key.pem'\n"
        "FLASK_RUN_WITH_THREADS=1\nFLASK_RUN_EXTRA_FILES=a.cfg\n"
        "FLASK_ENV=development\n"
        "FLASK_SECRET_KEY=abc  # the app's own\n"
        'DATABASE_URL="postgres://x"\n'
        'NOTE="a value\nFLASK_NOT_A_KEY=inside the quotes"\n'
    )
    _, findings, texts = run_rewrite(
        FLASK_APP, files={".env": env, ".env.example": "FLASK_APP=app\n"}
    )
    assert texts[".env"] == (
        'QUART_APP="pkg:create_app()"\n'
        "QUART_RUN_CERTFILE=cert.pem\nQUART_RUN_KEYFILE='key.pem'\n"
        "FLASK_RUN_WITH_THREADS=1\nFLASK_RUN_EXTRA_FILES=a.cfg\n"
        "QUART_ENV=development\n"
        "QUART_SECRET_KEY=abc  # the app's own\n"
        'DATABASE_URL="postgres://x"\n'
        'NOTE="a value\nFLASK_NOT_A_KEY=inside the quotes"\n'
    )
    assert texts[".env.example"] == "QUART_APP=app\n"
    assert [(f.line, f.severity) for f in findings if f.code == "F2Q403"] == [
        (4, Severity.INFO),
        (5, Severity.WARNING),
        (6, Severity.WARNING),
        (7, Severity.INFO),
    ]


def test_the_apps_own_variables_agree_with_the_code() -> None:
    source = (
        "import os\n" + FLASK_APP + 'app.config["SECRET_KEY"] = os.environ["FLASK_SECRET_KEY"]\n'
    )
    code, _, texts = run_rewrite(source, files={".env": "FLASK_SECRET_KEY=abc\n"})
    # F2Q113 reads the new name first, the old one as a fallback; the .env file says the new name
    assert 'os.environ["QUART_SECRET_KEY" if "QUART_SECRET_KEY" in os.environ else "FLASK_SECRET_KEY"]' in code
    assert texts[".env"] == "QUART_SECRET_KEY=abc\n"


def test_crlf_is_kept(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(FLASK_APP)
    (tmp_path / ".flaskenv").write_bytes(b"FLASK_APP=app\r\nFLASK_DEBUG=0\r\n")
    rewrite([tmp_path], RewriteOptions(mode=Mode.WRITE, enabled=select_codes()))
    assert not (tmp_path / ".flaskenv").exists()
    assert (tmp_path / ".quartenv").read_bytes() == b"QUART_APP=app\r\nQUART_DEBUG=0\r\n"


def test_an_existing_quartenv_is_never_written_over() -> None:
    _, findings, texts = run_rewrite(
        FLASK_APP, files={".flaskenv": FLASKENV, ".quartenv": "QUART_APP=app\n"}
    )
    assert texts[".flaskenv"] == FLASKENV and texts[".quartenv"] == "QUART_APP=app\n"
    assert [f.severity for f in findings if f.code == "F2Q403"] == [Severity.WARNING]


def test_references_to_flaskenv_are_reported() -> None:
    _, findings, _ = run_rewrite(
        FLASK_APP, files={".flaskenv": FLASKENV, "Dockerfile": "FROM x\nCOPY app.py .flaskenv ./\n"}
    )
    assert [
        (f.path, f.line, f.severity)
        for f in findings
        if f.code == "F2Q403" and f.path == "Dockerfile"
    ] == [("Dockerfile", 2, Severity.WARNING)]


def test_not_a_flask_project_means_untouched() -> None:
    _, findings, texts = run_rewrite("print('hi')\n", files={".flaskenv": FLASKENV})
    assert texts[".flaskenv"] == FLASKENV and ".quartenv" not in texts and findings == []


def _project(root: Path) -> None:
    (root / "app.py").write_text(FLASK_APP)
    (root / ".flaskenv").write_text(FLASKENV)


def test_diff_shows_a_delete_and_a_create(tmp_path: Path) -> None:
    _project(tmp_path)
    result = rewrite([tmp_path], RewriteOptions(mode=Mode.DIFF, enabled=select_codes()))
    old = os.path.relpath(tmp_path / ".flaskenv")
    new = os.path.relpath(tmp_path / ".quartenv")
    deleted = "".join(f"-{line}\n" for line in FLASKENV.splitlines())
    created = "".join(f"+{line}\n" for line in QUARTENV.splitlines())
    assert f"--- {old}\n+++ /dev/null\n@@ -1,4 +0,0 @@\n{deleted}" in result.diff
    assert f"--- /dev/null\n+++ {new}\n@@ -0,0 +1,4 @@\n{created}" in result.diff
    assert (tmp_path / ".flaskenv").exists() and not (tmp_path / ".quartenv").exists()


def test_out_tree_has_only_the_new_name(tmp_path: Path) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _project(project)
    out = tmp_path / "out"
    rewrite([project], RewriteOptions(mode=Mode.WRITE, out=out, enabled=select_codes()))
    assert (out / ".quartenv").read_text() == QUARTENV
    assert not (out / ".flaskenv").exists()
    assert (project / ".flaskenv").read_text() == FLASKENV and not (project / ".quartenv").exists()


def test_check_exits_1_and_the_json_report_names_the_rename(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    project = tmp_path / "project"
    project.mkdir()
    _project(project)
    report = tmp_path / "report.json"
    assert main(["rewrite", "--check", "--quiet", "--report", str(report), str(project)]) == 1
    data = json.loads(report.read_text())
    assert data["renamed"] == [
        {"from": str(project.resolve() / ".flaskenv"), "to": str(project.resolve() / ".quartenv")}
    ]
    assert str(project.resolve() / ".quartenv") in data["changed"]
    assert main(["rewrite", "--quiet", str(project)]) == 0
    assert main(["rewrite", "--check", "--quiet", str(project)]) == 0
    capsys.readouterr()


def test_parse_dotenv_reads_values_as_python_dotenv_does() -> None:
    entries = parse_dotenv(
        'A=1 # c\nexport B=\'x y\'\nC="q\\"d ${A}"\nD="multi\nline"\n# E=no\nF=\n'
    )
    assert [(e.line, e.key, e.value, e.literal) for e in entries] == [
        (1, "A", "1", True),
        (2, "B", "x y", True),
        (3, "C", 'q"d ${A}', False),
        (4, "D", "multi\nline", True),
        (7, "F", "", True),
    ]


def test_quart_loads_quartenv_not_flaskenv(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The claim the rename rests on, checked against Quart's own ``load_dotenv``.

    python-dotenv is not installed here: a stand-in records which files Quart asks for."""
    from quart import cli

    (tmp_path / ".quartenv").write_text("QUART_APP=app\n")
    (tmp_path / ".flaskenv").write_text("FLASK_APP=app\n")
    asked: list[str] = []
    loaded: list[str] = []
    fake = types.ModuleType("dotenv")

    def find_dotenv(name: str, usecwd: bool = False) -> str:
        asked.append(name)
        return str(tmp_path / name) if (tmp_path / name).exists() else ""

    def load_dotenv(path: str, encoding: str = "utf-8") -> bool:
        loaded.append(Path(path).name)
        return True

    fake.find_dotenv = find_dotenv  # type: ignore[attr-defined]
    fake.load_dotenv = load_dotenv  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "dotenv", fake)
    monkeypatch.chdir(tmp_path)
    assert cli.load_dotenv() is True
    assert asked == [".env", ".quartenv"] and loaded == [".quartenv"]
