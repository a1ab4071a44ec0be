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
