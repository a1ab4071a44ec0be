"""The command-line contract: exit codes, --out/--diff/--check, summary and JSON report."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from flask2quart.cli import main

VIEW = 'from flask import Flask, render_template\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return render_template("i.html")\n'
PLAIN = "def add(a, b):\n    return a + b\n"


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "pkg" / "__init__.py").write_text("")
    (root / "pkg" / "views.py").write_text(VIEW)
    (root / "pkg" / "util.py").write_text(PLAIN)
    (root / "pkg" / "schema.sql").write_text("create table t (id integer);\n")
    return root


def test_default_rewrites_in_place_and_exits_0(project, capsys):
    assert main(["rewrite", str(project)]) == 0
    text = (project / "pkg" / "views.py").read_text()
    assert "from quart import Quart, render_template" in text
    assert "async def index" in text and "return await render_template" in text
    out = capsys.readouterr().out
    assert "3 files scanned: 1 changed, 2 unchanged, 0 failed" in out


def test_check_writes_nothing_and_exits_1(project):
    before = (project / "pkg" / "views.py").read_bytes()
    assert main(["rewrite", "--check", str(project)]) == 1
    assert (project / "pkg" / "views.py").read_bytes() == before


def test_check_on_ported_code_exits_0(project):
    main(["rewrite", str(project)])
    assert main(["rewrite", "--check", str(project)]) == 0


def test_diff_prints_unified_diff_and_writes_nothing(project, capsys):
    before = (project / "pkg" / "views.py").read_bytes()
    assert main(["rewrite", "--diff", str(project)]) == 1
    out = capsys.readouterr().out
    assert "-from flask import Flask, render_template" in out
    assert "+from quart import Quart, render_template" in out
    assert "+async def index():" in out
    assert (project / "pkg" / "views.py").read_bytes() == before


def test_out_writes_every_file_and_leaves_the_source(project, tmp_path):
    out = tmp_path / "ported"
    before = (project / "pkg" / "views.py").read_bytes()
    assert main(["rewrite", str(project), "--out", str(out)]) == 0
    assert (project / "pkg" / "views.py").read_bytes() == before
    assert "async def index" in (out / "pkg" / "views.py").read_text()
    assert (out / "pkg" / "util.py").read_text() == PLAIN
    assert (out / "pkg" / "schema.sql").read_text() == "create table t (id integer);\n"


def test_out_inside_source_is_a_usage_error(project, capsys):
    assert main(["rewrite", str(project), "--out", str(project / "x")]) == 2
    assert "must not be inside" in capsys.readouterr().err


def test_missing_path_is_a_clear_error(tmp_path, capsys):
    assert main(["rewrite", str(tmp_path / "nope")]) == 2
    err = capsys.readouterr().err
    assert "no such file or directory" in err and "Traceback" not in err


def test_unknown_rule_code_is_a_usage_error(project, capsys):
    assert main(["rewrite", "--select", "F2Q999", str(project)]) == 2
    assert "unknown rule code" in capsys.readouterr().err


def test_usage_error_exit_code(capsys):
    with pytest.raises(SystemExit) as exit_info:
        main(["rewrite"])
    assert exit_info.value.code == 2


def test_unparsable_file_fails_with_2_and_is_listed(project, capsys):
    bad = project / "pkg" / "bad.py"
    bad.write_text("from flask import Flask\nx = (\n")
    assert main(["rewrite", str(project)]) == 2
    captured = capsys.readouterr()
    assert "bad.py" in captured.err and "cannot parse" in captured.err
    assert bad.read_text() == "from flask import Flask\nx = (\n"
    assert "async def index" in (project / "pkg" / "views.py").read_text()


def test_findings_are_printed_as_path_line_col_code(project, capsys):
    (project / "pkg" / "fetch.py").write_text(
        'import subprocess\nfrom flask import Blueprint\n\nbp = Blueprint("f", __name__)\n\n\n'
        '@bp.route("/f")\ndef fetch():\n    return subprocess.run(["true"]).stdout\n'
    )
    main(["rewrite", str(project)])
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if "F2Q112" in line)
    assert line.split(" ")[0].endswith("pkg/fetch.py:9:12")


def test_select_and_ignore(project):
    assert main(["rewrite", "--select", "F2Q101", str(project)]) == 0
    text = (project / "pkg" / "views.py").read_text()
    assert "from quart import" in text and "async def" not in text


def test_report_json(project, tmp_path):
    report = tmp_path / "report.json"
    assert main(["rewrite", "--check", "--report", str(report), str(project)]) == 1
    data = json.loads(report.read_text())
    assert data["summary"] == {"scanned": 3, "changed": 1, "unchanged": 2, "failed": 0}
    assert [Path(p).name for p in data["changed"]] == ["views.py"]


def test_jobs_2_gives_the_same_result_as_jobs_1(project, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    for index in range(6):
        (project / "pkg" / f"views{index}.py").write_text(VIEW.replace("index", f"index{index}"))
    assert main(["rewrite", str(project), "--out", str(one), "--jobs", "1"]) == 0
    assert main(["rewrite", str(project), "--out", str(two), "--jobs", "2"]) == 0
    for path in one.rglob("*.py"):
        assert path.read_bytes() == (two / path.relative_to(one)).read_bytes()


def test_config_in_pyproject(project):
    (project / "pyproject.toml").write_text('[tool.flask2quart]\nignore = ["F2Q103"]\n')
    main(["rewrite", str(project)])
    text = (project / "pkg" / "views.py").read_text()
    assert "from quart import" in text and "async def" not in text


def test_bad_config_is_a_clear_error(project, capsys):
    (project / "pyproject.toml").write_text('[tool.flask2quart]\nbogus = 1\n')
    assert main(["rewrite", str(project)]) == 2
    assert "unknown key" in capsys.readouterr().err


def test_python_dash_m_entry_point(project):
    proc = subprocess.run(
        [sys.executable, "-m", "flask2quart", "rewrite", "--check", str(project)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 1
    assert "would change" in proc.stdout


def test_diff_of_a_latin1_module_is_shown_in_its_encoding(tmp_path, capsys):
    path = tmp_path / "app.py"
    path.write_bytes("# -*- coding: latin-1 -*-\nfrom flask import Flask\n\nNAME = 'caf\xe9'\napp = Flask(__name__)\n".encode("latin-1"))
    assert main(["rewrite", "--diff", str(tmp_path)]) == 1
    out = capsys.readouterr().out
    assert "+from quart import Quart" in out
    assert " NAME = 'caf\xe9'" in out


def test_unwritable_out_is_a_clear_error(project, tmp_path, capsys):
    blocker = tmp_path / "file.txt"
    blocker.write_text("not a folder")
    assert main(["rewrite", str(project), "--out", str(blocker / "ported")]) == 2
    err = capsys.readouterr().err
    assert "cannot write" in err and "Traceback" not in err
