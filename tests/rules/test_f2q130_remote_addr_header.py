"""F2Q130: the port's request headers are the client's, without Quart's Remote-Addr, compared with
Flask through real test clients and the parity engine."""

from __future__ import annotations

import asyncio
import itertools
import textwrap
from pathlib import Path
from typing import Any

import pytest

from examples.packages import load_package
from flask2quart.parity import Case, Category, ParityRequest, ParityRunner, Verdict
from tests.helpers import check_noop, check_transformed, run_rewrite

HOOK_REGISTERED = "app.before_request(drop_quart_remote_addr)\n"

APP = '''\
from flask import Flask, jsonify, request

app = Flask(__name__)


@app.route("/headers")
def headers():
    return jsonify(dict(request.headers))
'''


def test_hook_registered_where_the_app_is_built():
    check_transformed(
        APP,
        '''\
        from quart import Quart, jsonify, request


        async def drop_quart_remote_addr():
            """Quart adds a Remote-Addr request header (the client's address) before the client's own
            headers; Flask apps never see it. Remove Quart's entry, keeping one the client sent
            (request.remote_addr is already set). Added by flask2quart, F2Q130."""
            names = [name.lower() for name, _ in request.headers]
            sent = sum(name.lower() == b"remote-addr" for name, _ in request.scope.get("headers", ()))
            if names.count("remote-addr") > sent:
                del request.headers[names.index("remote-addr")]


        app = Quart(__name__)
        app.before_request(drop_quart_remote_addr)


        @app.route("/headers")
        async def headers():
            return jsonify(dict(request.headers))
        ''',
    )


@pytest.mark.parametrize(
    "use",
    [
        'request.headers.get("Authorization")',
        'request.headers["X-Token"]',
        'request.headers.getlist("Accept")',
        '"X-Requested-With" in request.headers',
        '"X-Requested-With" not in request.headers',
        'request.headers.get("X-Count", type=int)',
        "request.remote_addr",
    ],
)
def test_one_named_header_is_not_a_use_of_the_whole(use: str):
    output, _, _ = run_rewrite(f"from flask import Flask, request\n\napp = Flask(__name__)\n\n\ndef view():\n    return {use}\n")
    assert "drop_quart_remote_addr" not in output


@pytest.mark.parametrize(
    "use",
    [
        "dict(request.headers)",
        "list(request.headers.items())",
        "[name for name, value in request.headers]",
        'request.headers.get("Remote-Addr")',
        'request.headers["remote-addr"]',
        '"Remote-Addr" in request.headers',
        "request.headers.get(name)",
        "requests.get(name, headers=request.headers)",
        "request.headers.to_wsgi_list()",
        "len(request.headers)",
        "flask.request.headers.copy()",
        "str(request.headers)",
    ],
)
def test_headers_used_as_a_whole_get_the_hook(use: str):
    source = (
        "import flask\nimport requests\nfrom flask import Flask, request\n\napp = Flask(__name__)\n\n\n"
        f"def view(name):\n    return {use}\n"
    )
    output, _, _ = run_rewrite(source)
    assert HOOK_REGISTERED in output


def test_headers_kept_in_a_name_count_as_a_use():
    output, _, _ = run_rewrite(
        '''\
        from flask import Flask, request

        app = Flask(__name__)


        def view():
            headers = request.headers
            return headers.get("Accept")
        '''
    )
    assert HOOK_REGISTERED in output


def test_a_quart_app_is_left_as_it_is():
    check_noop(
        '''\
        from quart import Quart, request

        app = Quart(__name__)


        async def view():
            return request.headers.get("Accept")
        '''
    )


def test_factory_in_one_module_reads_in_a_blueprint_module():
    files = {
        "pkg/__init__.py": '''\
            from flask import Flask

            from .views import bp


            def create_app():
                app = Flask(__name__)
                app.register_blueprint(bp)
                return app
            ''',
        "pkg/views.py": '''\
            from flask import Blueprint, jsonify, request

            bp = Blueprint("views", __name__)


            @bp.route("/headers")
            def headers():
                return jsonify(dict(request.headers))
            ''',
    }
    _, _, texts = run_rewrite(files["pkg/__init__.py"], path="pkg/__init__.py", files=files)
    assert "    app = Quart(__name__)\n    app.before_request(drop_quart_remote_addr)\n" in texts["pkg/__init__.py"]
    # the app is built in the project: the blueprint does not register it a second time
    assert "drop_quart_remote_addr" not in texts["pkg/views.py"]


def test_apps_built_in_classes():
    output, _, _ = run_rewrite(
        '''\
        from flask import Flask, request


        class Server:
            def __init__(self):
                self.app = Flask(__name__)


        class Api(Flask):
            pass


        class Service(Api):
            pass


        api = Service(__name__)
        typed: Flask = Flask("typed")


        def view():
            return dict(request.headers)
        '''
    )
    assert "        self.app = Quart(__name__)\n        self.app.before_request(drop_quart_remote_addr)\n" in output
    assert "api = Service(__name__)\napi.before_request(drop_quart_remote_addr)\n" in output
    assert 'typed: Quart = Quart("typed")\ntyped.before_request(drop_quart_remote_addr)\n' in output


def test_blueprints_only_project_registers_on_its_blueprints():
    output, _, _ = run_rewrite(
        '''\
        from flask import Blueprint, request

        bp = Blueprint("echo", __name__)


        @bp.get("/headers")
        def headers():
            return dict(request.headers)
        '''
    )
    assert 'bp = Blueprint("echo", __name__)\nbp.before_app_request(drop_quart_remote_addr)\n' in output


def test_test_modules_decide_for_their_own_apps():
    app_module = "from flask import Flask, request\n\napp = Flask(__name__)\n\n\ndef echo():\n    return dict(request.headers)\n"
    quiet_test = "from flask import Flask\n\n\ndef test_x():\n    app = Flask(__name__)\n    assert app\n"
    output, _, _ = run_rewrite(quiet_test, path="tests/test_quiet.py", files={"app.py": app_module})
    assert "drop_quart_remote_addr" not in output
    echo_test = (
        "from flask import Flask, request\n\n\ndef test_x():\n    app = Flask(__name__)\n\n"
        '    @app.get("/")\n    def echo():\n        return dict(request.headers)\n'
    )
    output, _, _ = run_rewrite(echo_test, path="tests/test_echo.py", files={"app.py": "from flask import Flask\n"})
    assert "    app = Quart(__name__)\n    app.before_request(drop_quart_remote_addr)\n" in output


# --- behaviour: the original and its port answer alike --------------------------------------

PACKAGE = {
    "__init__.py": '''\
        from flask import Flask

        from .views import bp


        def create_app():
            app = Flask(__name__)

            @app.before_request
            def seen_by_the_app_hook():
                from flask import g, request

                g.names = [name for name, _ in request.headers]

            app.register_blueprint(bp)
            return app
        ''',
    "views.py": '''\
        from flask import Blueprint, g, jsonify, request

        bp = Blueprint("views", __name__)


        @bp.route("/headers")
        def headers():
            return jsonify(
                headers=dict(request.headers),
                remote_addr_header=request.headers.get("Remote-Addr"),
                items=[list(item) for item in request.headers.items() if item[0] != "User-Agent"],
                hook_saw=[name for name in g.names if name != "User-Agent"],
                remote_addr=request.remote_addr,
            )
        ''',
}

_names = itertools.count()


def _port(tmp_path: Path) -> tuple[Any, Any]:
    original = tmp_path / "original" / "echo"
    original.mkdir(parents=True)
    for name, source in PACKAGE.items():
        (original / name).write_text(textwrap.dedent(source), encoding="utf-8")
    ported = tmp_path / "ported" / "echo"
    ported.mkdir(parents=True)
    for name, source in PACKAGE.items():
        (ported / name).write_text(textwrap.dedent(source), encoding="utf-8")
    from flask2quart.migrate import Mode, RewriteOptions, rewrite, select_codes

    assert not rewrite([ported.parent], RewriteOptions(mode=Mode.WRITE, enabled=select_codes(()))).failed
    unique = next(_names)
    flask_app = load_package(f"f2q130_flask_{unique}", original).create_app()
    quart_app = load_package(f"f2q130_quart_{unique}", ported).create_app()
    return flask_app, quart_app


CLIENT_HEADERS = [
    [("X-Probe", "1")],
    [("Remote-Addr", "203.0.113.9"), ("X-Probe", "1")],
    [("X-Probe", "1"), ("Remote-Addr", "203.0.113.9")],
]


@pytest.mark.parametrize("sent", CLIENT_HEADERS)
def test_the_port_echoes_the_headers_flask_shows(tmp_path: Path, sent: list[tuple[str, str]]):
    flask_app, quart_app = _port(tmp_path)
    expected = flask_app.test_client().get("/headers", headers=sent, environ_base={"REMOTE_ADDR": "192.0.2.7"}).get_json()
    assert expected["remote_addr"] == "192.0.2.7"
    assert ("Remote-Addr" in expected["headers"]) is any(name == "Remote-Addr" for name, _ in sent)

    async def fetch() -> Any:
        client = quart_app.test_client()
        response = await client.get("/headers", headers=sent, scope_base={"client": ("192.0.2.7", 0)})
        return await response.get_json()

    got = asyncio.run(fetch())
    # Werkzeug's test client sends Host first and no User-Agent: compare what the client sent
    for answer in (expected, got):
        answer["headers"].pop("User-Agent", None)
        answer["headers"].pop("Host")
        answer["items"] = [item for item in answer["items"] if item[0] != "Host"]
        answer["hook_saw"].remove("Host")
    assert got == expected


@pytest.mark.parametrize("sent", CLIENT_HEADERS)
def test_parity_finds_no_remote_addr_difference(tmp_path: Path, sent: list[tuple[str, str]]):
    flask_app, quart_app = _port(tmp_path)

    async def run() -> Any:
        async with ParityRunner.in_process(flask_app, quart_app) as runner:
            return await runner.run([Case("headers", [ParityRequest.build("GET", "/headers", headers=sent)])])

    case = asyncio.run(run()).cases[0]
    differences = [d for d in case.differences if d.field != "header:vary"]  # Quart's Vary: Cookie
    assert differences == [], [(d.field, d.category, d.flask, d.quart) for d in differences]
    assert case.verdict in (Verdict.MATCH, Verdict.KNOWN)
    assert all(d.category is Category.KNOWN for d in case.differences)


def test_a_test_request_context_keeps_the_headers_it_was_given(tmp_path: Path):
    # Quart adds no Remote-Addr to a request built by test_request_context: the hook takes nothing
    flask_app, quart_app = _port(tmp_path)
    sent = {"Remote-Addr": "203.0.113.9", "X-Probe": "1"}
    with flask_app.test_request_context("/headers", headers=sent):
        flask_app.preprocess_request()
        from flask import request as flask_request

        expected = flask_request.headers.getlist("Remote-Addr")

    async def run() -> list[str]:
        from quart import request as quart_request

        async with quart_app.test_request_context("/headers", headers=sent):
            for hook in quart_app.before_request_funcs[None]:
                await hook()
            return quart_request.headers.getlist("Remote-Addr")

    assert asyncio.run(run()) == expected == ["203.0.113.9"]
