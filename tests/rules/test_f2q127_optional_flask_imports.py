import asyncio
import sys
import types

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_a_flask_only_extension_takes_the_fallback():
    findings = check_transformed(
        """\
        from flask import Flask

        try:
            from flasgger import Swagger
        except ImportError:
            Swagger = None

        app = Flask(__name__)
        """,
        """\
        from quart import Quart

        # flask2quart: flasgger only runs on Flask, the app runs without it (F2Q127)
        Swagger = None

        app = Quart(__name__)
        """,
        select=("F2Q101", "F2Q127"),
    )
    assert codes(findings) == ["F2Q127"]
    assert "Swagger UI" in findings[0].message and "quart-schema" in findings[0].message


def test_several_imports_and_a_flag():
    check_transformed(
        """\
        try:
            import flask_debugtoolbar
            from flask_smorest import Api
            HAS_EXTRAS = True
        except (ImportError, AttributeError):
            HAS_EXTRAS = False
        """,
        """\
        # flask2quart: flask_debugtoolbar, flask_smorest only run on Flask, the app runs without it (F2Q127)
        HAS_EXTRAS = False
        """,
        select=("F2Q127",),
    )


def test_ported_extensions_and_other_tries_are_kept():
    check_noop(
        """\
        try:
            from flask_sqlalchemy import SQLAlchemy
        except ImportError:
            SQLAlchemy = None

        try:
            from flask_unknown_extension import Thing  # no rule knows it: the bridge's (F2Q327)
        except ImportError:
            Thing = None

        try:
            import ujson as json
        except ImportError:
            import json

        try:
            from flasgger import Swagger
        except ImportError as error:
            Swagger = error

        try:
            from flasgger import Swagger
        except ImportError:
            Swagger = None
        else:
            print("docs on")
        """,
        select=("F2Q127",),
    )


APP = '''\
from flask import Flask

try:
    from flask_debugtoolbar import DebugToolbarExtension
    TOOLBAR = True
except ImportError:  # optional
    DebugToolbarExtension = None
    TOOLBAR = False

app = Flask(__name__)
if DebugToolbarExtension is not None:
    DebugToolbarExtension(app)


@app.route("/")
def index():
    return {"toolbar": TOOLBAR}
'''


def _flask_only_extension() -> types.ModuleType:
    """An extension written for Flask: it wraps ``app.wsgi_app`` (a Quart app has none)."""
    module = types.ModuleType("flask_debugtoolbar")

    class DebugToolbarExtension:
        def __init__(self, app):
            wsgi_app = app.wsgi_app
            app.wsgi_app = lambda environ, start_response: wsgi_app(environ, start_response)

    module.DebugToolbarExtension = DebugToolbarExtension
    return module


def test_the_port_answers_as_flask_did_without_the_extension(monkeypatch, tmp_path):
    """The port, with the extension installed, answers what Flask answered without it."""
    pytest.importorskip("quart")
    monkeypatch.setitem(sys.modules, "flask_debugtoolbar", None)  # not installed: ImportError
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    expected = flask_side["app"].test_client().get("/").get_json()
    assert expected == {"toolbar": False}

    output, findings, files = run_rewrite(APP)
    assert "F2Q127" in codes(findings) and "from flask_debugtoolbar" not in output
    monkeypatch.setitem(sys.modules, "flask_debugtoolbar", _flask_only_extension())  # installed
    for name, text in files.items():  # what else the rewrite wrote is imported from beside it
        (tmp_path / name).write_text(text)
    monkeypatch.syspath_prepend(str(tmp_path))
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, str(tmp_path / "app.py"), "exec"), quart_side)

    async def answer():
        return await (await quart_side["app"].test_client().get("/")).get_json()

    assert asyncio.run(answer()) == expected
