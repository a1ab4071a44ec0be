"""Nothing is lost: encodings, newlines and modes survive; bad files are left alone; no crash."""

from __future__ import annotations

import os
import stat
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from flask2quart.migrate import Mode, RewriteOptions, rewrite, rewrite_source

FLASK_VIEW = 'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return request.form["a"]\n'


def _run(root: Path, mode: str = Mode.WRITE):
    return rewrite([root], RewriteOptions(mode=mode))


def test_crlf_newlines_are_kept(tmp_path):
    path = tmp_path / "app.py"
    path.write_bytes(FLASK_VIEW.replace("\n", "\r\n").encode())
    _run(tmp_path)
    data = path.read_bytes()
    assert b"async def index():\r\n" in data
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_utf8_bom_is_kept(tmp_path):
    path = tmp_path / "app.py"
    path.write_bytes(b"\xef\xbb\xbf" + FLASK_VIEW.encode())
    _run(tmp_path)
    data = path.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    assert b"(await request.form)" in data


def test_latin1_coding_cookie_is_kept(tmp_path):
    source = "# -*- coding: latin-1 -*-\n" + FLASK_VIEW + '\n\nNAME = "caf\xe9"\n'
    path = tmp_path / "app.py"
    path.write_bytes(source.encode("latin-1"))
    _run(tmp_path)
    data = path.read_bytes()
    assert data.startswith(b"# -*- coding: latin-1 -*-\n")
    assert b'NAME = "caf\xe9"' in data  # still latin-1, not re-encoded as UTF-8
    assert b"async def index" in data


def test_file_mode_is_kept_and_no_temp_file_is_left(tmp_path):
    path = tmp_path / "app.py"
    path.write_text(FLASK_VIEW)
    os.chmod(path, 0o750)
    _run(tmp_path)
    assert stat.S_IMODE(path.stat().st_mode) == 0o750
    assert sorted(p.name for p in tmp_path.iterdir()) == ["app.py"]
    assert not list(tmp_path.glob(".*f2q-tmp"))


def test_syntax_error_is_reported_untouched_and_the_rest_still_rewritten(tmp_path):
    broken = tmp_path / "broken.py"
    broken_source = b"from flask import Flask\ndef oops(:\n    pass\n"
    broken.write_bytes(broken_source)
    good = tmp_path / "good.py"
    good.write_text(FLASK_VIEW)
    result = _run(tmp_path)
    assert broken.read_bytes() == broken_source
    assert [Path(f.path).name for f in result.failed] == ["broken.py"]
    assert [f.code for f in result.findings if f.path.endswith("broken.py")] == ["F2Q001"]
    assert "async def index" in good.read_text()


def test_second_run_changes_nothing(tmp_path):
    (tmp_path / "app.py").write_text(FLASK_VIEW)
    first = _run(tmp_path)
    assert first.changed
    second = _run(tmp_path, Mode.CHECK)
    assert not second.changed and not second.config_edits


# --- property: random valid modules never crash the rewriter and always come back compilable ----

_NAMES = st.sampled_from(["request", "g", "session", "client", "app", "data", "response", "db", "f", "x"])
_CALLEES = st.sampled_from(
    ["render_template", "flash", "make_response", "send_file", "jsonify", "redirect", "helper", "time.sleep", "requests.get"]
)
_ATTRS = st.sampled_from(["form", "files", "json", "data", "args", "get_json()", "get_data()", "text", "user"])


@st.composite
def _expression(draw) -> str:
    kind = draw(st.integers(0, 6))
    name = draw(_NAMES)
    if kind == 0:
        return f"{name}.{draw(_ATTRS)}"
    if kind == 1:
        return f'{draw(_CALLEES)}("{draw(st.sampled_from(["a.html", "x"]))}")'
    if kind == 2:
        return f'{name}.{draw(_ATTRS)}["k"]'
    if kind == 3:
        return f'client.{draw(st.sampled_from(["get", "post", "put"]))}("/", data={{"a": 1}})'
    if kind == 4:
        return f"(lambda: {name}.{draw(_ATTRS)})()"
    if kind == 5:
        return f"[{name}.{draw(_ATTRS)} for {draw(_NAMES)} in range(2)]"
    return f"{name}"


@st.composite
def _statement(draw, depth: int = 0) -> list[str]:
    kind = draw(st.integers(0, 5 if depth < 2 else 2))
    expr = draw(_expression())
    if kind == 0:
        return [f"{draw(_NAMES)} = {expr}"]
    if kind == 1:
        return [expr]
    if kind == 2:
        return [f"return {expr}"]
    body = [line for _ in range(draw(st.integers(1, 2))) for line in draw(_statement(depth + 1))]
    indented = ["    " + line for line in body]
    if kind == 3:
        header = draw(st.sampled_from(["with app.app_context():", "with client:", "with app.test_request_context():", "if x:", "for x in data:"]))
        return [header, *indented]
    if kind == 4:
        header = draw(st.sampled_from(["def helper():", "def generate():", "async def already():"]))
        return [header, *indented]
    return ["try:", *indented, "except Exception:", "    pass"]


@st.composite
def _module(draw) -> str:
    lines = [
        "import time",
        "import requests",
        draw(st.sampled_from(["from flask import *", "from flask import Flask, request, g, session, render_template, flash, make_response, send_file, jsonify, redirect", "import flask as f"])),
        "app = Flask(__name__)" if draw(st.booleans()) else "app = None",
    ]
    for index in range(draw(st.integers(1, 4))):
        decorator = draw(st.sampled_from(['@app.route("/x")', "@app.before_request", "@app.url_defaults", "@pytest.fixture", ""]))
        name = draw(st.sampled_from(["view", "test_thing", "helper", "load"])) + str(index)
        params = draw(st.sampled_from(["", "client", "request", "app, client", "*args, **kwargs"]))
        body = [line for _ in range(draw(st.integers(1, 3))) for line in draw(_statement())]
        if decorator:
            lines.append(decorator)
        lines.append(f"def {name}({params}):")
        lines.extend("    " + line for line in body)
    return "\n".join(lines) + "\n"


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(source=_module(), path=st.sampled_from(["app.py", "test_app.py", "conftest.py"]))
def test_random_modules_never_crash_and_stay_compilable(source, path):
    compile(source, path, "exec")  # the generator only makes valid modules
    result = rewrite_source(source.encode(), path)
    assert result.error is None, result.error
    output = result.after if result.after is not None else result.before
    compile(output, path, "exec")
    again = rewrite_source(output, path)
    assert again.error is None
    assert again.after is None or again.after == output, "a second run changed the output"


# --- files and trees: line endings of inserted code, symlinks, FIFOs, modes, excludes, twins -------

def _tree(root: Path) -> dict[str, bytes | str]:
    """Every entry under root: a symlink as its link text, a file as its bytes."""
    entries: dict[str, bytes | str] = {}
    for path in sorted(root.rglob("*")):
        if "__pycache__" in path.parts:
            continue
        rel = str(path.relative_to(root))
        entries[rel] = ("-> " + os.readlink(path)) if path.is_symlink() else path.read_bytes() if path.is_file() else "dir"
    return entries


def test_inserted_helper_uses_the_files_crlf(tmp_path):
    # F2Q104 inserts a helper with a docstring: its lines used to come out LF-only
    source = 'from flask import Flask, request\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return request.json\n'
    path = tmp_path / "app.py"
    path.write_bytes(source.replace("\n", "\r\n").encode())
    _run(tmp_path)
    data = path.read_bytes()
    assert b"async def _f2q_get_json" in data
    assert data.count(b"\n") == data.count(b"\r\n")


def test_symlinks_stay_symlinks_in_place(tmp_path):
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "__init__.py").write_text("")
    (tmp_path / "pkg" / "app.py").write_text(FLASK_VIEW)
    (tmp_path / "pkg" / "alias.py").symlink_to("app.py")
    (tmp_path / "reqs").mkdir()
    (tmp_path / "reqs" / "base.txt").write_text("flask\n")
    (tmp_path / "requirements.txt").symlink_to("reqs/base.txt")
    result = _run(tmp_path)
    assert not result.failed
    assert os.readlink(tmp_path / "pkg" / "alias.py") == "app.py"
    assert os.readlink(tmp_path / "requirements.txt") == "reqs/base.txt"
    assert "async def index" in (tmp_path / "pkg" / "app.py").read_text()
    assert "quart" in (tmp_path / "reqs" / "base.txt").read_text().lower()  # edited through the link


def test_out_keeps_symlinks_and_modes_and_goes_past_broken_links(tmp_path, capsys):
    from flask2quart.cli import main

    src = tmp_path / "src"
    (src / "bin").mkdir(parents=True)
    (src / "app.py").write_text(FLASK_VIEW)
    (src / "app.py").chmod(0o755)  # rewritten, mode kept
    (src / "bin" / "run.sh").write_text("#!/bin/sh\n")
    (src / "bin" / "run.sh").chmod(0o750)  # copied, mode kept
    (src / "alias.py").symlink_to("app.py")
    (src / "dead.py").symlink_to("nowhere.py")
    (src / "loop_a").symlink_to("loop_b")
    (src / "loop_b").symlink_to("loop_a")
    (src / "static").symlink_to("bin")  # a link to a folder
    out = tmp_path / "out"
    assert main(["rewrite", str(src), "--out", str(out)]) == 0
    printed = capsys.readouterr().out
    assert "dead.py:1:1 F2Q004 dangling symlink" in printed
    assert "loop_a:1:1 F2Q004 symlink loop" in printed
    tree = _tree(out)
    assert tree["alias.py"] == "-> app.py" and tree["dead.py"] == "-> nowhere.py"
    assert tree["loop_a"] == "-> loop_b" and tree["static"] == "-> bin"
    assert b"async def index" in tree["app.py"]  # type: ignore[operator]
    assert stat.S_IMODE((out / "app.py").stat().st_mode) == 0o755
    assert stat.S_IMODE((out / "bin" / "run.sh").stat().st_mode) == 0o750


def test_a_fifo_named_like_a_module_is_skipped_not_read(tmp_path):
    import subprocess
    import sys

    (tmp_path / "app.py").write_text(FLASK_VIEW)
    os.mkfifo(tmp_path / "x.py")
    run = subprocess.run(
        [sys.executable, "-m", "flask2quart", "rewrite", str(tmp_path)], capture_output=True, text=True, timeout=60
    )
    assert run.returncode == 0, run.stderr
    assert "x.py:1:1 F2Q004 not a regular file" in run.stdout
    assert "async def index" in (tmp_path / "app.py").read_text()
    assert stat.S_ISFIFO((tmp_path / "x.py").lstat().st_mode)


def test_default_excluded_names_are_skipped_only_when_not_project_packages(tmp_path, capsys):
    from flask2quart.cli import main

    (tmp_path / "build").mkdir()  # a package of the project that happens to be called build
    (tmp_path / "build" / "__init__.py").write_text("")
    (tmp_path / "build" / "views.py").write_text(FLASK_VIEW)
    (tmp_path / "venv" / "lib").mkdir(parents=True)  # a virtual environment: not the project's
    (tmp_path / "venv" / "pyvenv.cfg").write_text("home = /usr\n")
    (tmp_path / "venv" / "lib" / "flask_app.py").write_text(FLASK_VIEW)
    (tmp_path / "dist").mkdir()
    (tmp_path / "dist" / "old.py").write_text(FLASK_VIEW)
    report = tmp_path / "report.json"
    assert main(["rewrite", str(tmp_path), "--report", str(report)]) == 0
    assert "async def index" in (tmp_path / "build" / "views.py").read_text()
    assert (tmp_path / "venv" / "lib" / "flask_app.py").read_text() == FLASK_VIEW
    assert (tmp_path / "dist" / "old.py").read_text() == FLASK_VIEW
    out = capsys.readouterr().out
    line = next(line for line in out.splitlines() if line.startswith("skipped folders:"))
    assert "dist/ (excluded by default)" in line and "venv/ (excluded by default)" in line and "build" not in line
    import json

    listed = {Path(item["path"]).name for item in json.loads(report.read_text())["skipped"]["folders"]}
    assert listed == {"dist", "venv"}


def test_two_packages_with_one_name_are_analysed_separately(tmp_path):
    """A port beside its original (both ``linkbox``): the original ports as it would alone, the
    port is left as it is: no edit of one made from the other's facts."""
    import shutil

    example = Path(__file__).resolve().parent.parent / "examples" / "flask_legacy"
    ignore = shutil.ignore_patterns("__pycache__", "*.db")
    alone = tmp_path / "alone"
    shutil.copytree(example, alone, ignore=ignore)
    _run(alone)
    twin = tmp_path / "twin"
    shutil.copytree(example, twin / "orig", ignore=ignore)
    shutil.copytree(alone, twin / "ported", ignore=ignore)
    _run(twin)
    assert _tree(twin / "orig") == _tree(alone)
    assert _tree(twin / "ported") == _tree(alone)


def test_a_form_feed_in_the_indentation_is_not_copied_into_inserted_helpers(tmp_path):
    # The first indented line sets LibCST's default indentation; the F2Q104 get_json helper (nested
    # blocks) would get "\f    \f    ", which resets the column and does not compile.
    source = (
        "from flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        "def helper():\n\f    value = request.form['k']\n    \f\n    return value.upper()\n\n\n"
        "@app.post('/')\ndef view():\n\f    return helper() + request.get_json()['a']\n"
    )
    path = tmp_path / "app.py"
    path.write_text(source)
    result = _run(tmp_path)
    assert not result.failed
    ported = path.read_text()
    compile(ported, "app.py", "exec")
    assert "async def _f2q_get_json" in ported and "\f    \f" not in ported
    assert "    value = (await request.form)['k']\n" in ported
