"""F2Q121: Location/Content-Location IRI-encoded as Werkzeug does, compared with Flask."""

from __future__ import annotations

import asyncio
import textwrap
import types

from tests.helpers import check_noop, check_transformed, run_rewrite

APP = '''\
from flask import Flask, make_response, redirect, request

app = Flask(__name__)


@app.route("/go")
def go():
    return redirect(request.args["to"])


@app.route("/content")
def content():
    response = make_response("x")
    response.headers["Content-Location"] = "/ä b?q=ü"
    return response
'''

TARGETS = [
    "/long-example/balance_sheet/?time=year-2 - year",  # fava's test
    "/é/ñ?q=ü b#frag ment",
    "http://bücher.example:8080/päth?q=%20x y",
    "https://user:pw@xn--bcher-kva.example/a%2Fb",
    "//ä.example/x y",
    "relative/pä th",
    "/already%20quoted",
]


def test_hook_registered_where_the_app_is_built():
    check_transformed(
        APP,
        '''\
        from quart import Quart, make_response, redirect, request
        from werkzeug.urls import iri_to_uri


        async def location_iri_to_uri(response):
            """Werkzeug sends Location and Content-Location as URIs (iri_to_uri); Quart sends them as set:
            this keeps Flask's behaviour (added by flask2quart, F2Q121)."""
            for name in ("Location", "Content-Location"):
                values = response.headers.getlist(name)
                if values:
                    response.headers[name] = iri_to_uri(values[-1])
            return response


        app = Quart(__name__)
        app.after_request(location_iri_to_uri)


        @app.route("/go")
        async def go():
            return redirect(request.args["to"])


        @app.route("/content")
        async def content():
            response = await make_response("x")
            response.headers["Content-Location"] = "/ä b?q=ü"
            return response
        ''',
    )


def test_factory_and_attribute_apps_get_the_hook():
    output, _, _ = run_rewrite(
        '''\
        from flask import Flask, redirect


        def create_app():
            app = Flask(__name__)
            return app


        class Web:
            def __init__(self):
                self.app = Flask(__name__)
        '''
    )
    assert "    app = Quart(__name__)\n    app.after_request(location_iri_to_uri)\n    return app\n" in output
    assert "        self.app = Quart(__name__)\n        self.app.after_request(location_iri_to_uri)\n" in output


def test_no_redirect_in_the_project_no_hook():
    check_noop(
        '''\
        from quart import Quart

        app = Quart(__name__)
        ''',
    )
    output, _, _ = run_rewrite("from flask import Flask\n\napp = Flask(__name__)\n")
    assert "location_iri_to_uri" not in output


def _load(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    return module


def test_locations_arrive_as_flask_sends_them():
    flask_app = _load("flask_side", textwrap.dedent(APP)).app
    client = flask_app.test_client()
    expected = [client.get("/go", query_string={"to": t}).headers["Location"] for t in TARGETS]
    expected.append(client.get("/content").headers["Content-Location"])
    assert expected[0] == "/long-example/balance_sheet/?time=year-2%20-%20year"

    output, _, _ = run_rewrite(APP)
    quart_app = _load("quart_side", output).app

    async def fetch() -> list[str]:
        client = quart_app.test_client()
        got = [(await client.get("/go", query_string={"to": t})).headers["Location"] for t in TARGETS]
        got.append((await client.get("/content")).headers["Content-Location"])
        return got

    assert asyncio.run(fetch()) == expected
