"""F2Q117: blocking ``requests``/``urlopen`` calls in code that becomes async.

The rewrite tests run the real rewrite on small projects (``--http-client run-sync`` and
``aiohttp``); the behavioural tests import the module the aiohttp rewrite generates and run it, and a
ported app, against real HTTP servers on 127.0.0.1.
"""

from __future__ import annotations

import asyncio
import importlib
import json
import socket
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import requests

from flask2quart.findings import Finding, Severity
from flask2quart.migrate import Mode, RewriteOptions, RewriteResult, rewrite, select_codes
from flask2quart.migrate.rules.f2q117_sync_http_client import MARKER, TEMPLATE
from tests.helpers import check_noop, check_transformed, codes


def port(
    root: Path, files: dict[str, str], *, http_client: str = "run-sync", ignore: tuple[str, ...] = ()
) -> tuple[dict[str, str], list[Finding], RewriteResult]:
    """Rewrite ``files`` in ``root``; a second run must change nothing (generated module included)."""
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    enabled = select_codes((), ignore)
    result = rewrite([root], RewriteOptions(mode=Mode.WRITE, enabled=enabled, http_client=http_client))
    assert not result.failed, [f.error for f in result.failed]
    again = rewrite([root], RewriteOptions(mode=Mode.CHECK, enabled=enabled, http_client=http_client))
    assert not again.changed and not again.config_edits, "a second run is not a no-op"
    texts = {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in root.rglob("*.py")
        if "__pycache__" not in p.parts
    }
    findings = [
        Finding(str(Path(f.path).resolve().relative_to(root.resolve())), f.line, f.col, f.code, f.message, f.severity)
        for f in result.findings
    ]
    return texts, findings, result


def f2q117(findings: list[Finding]) -> list[tuple[int, Severity]]:
    return [(f.line, f.severity) for f in findings if f.code == "F2Q117"]


# --- run-sync: the call runs in a worker thread ----------------------------------------------


def test_call_in_a_view_runs_in_a_worker_thread():
    findings = check_transformed(
        """\
        import requests
        from flask import Flask

        app = Flask(__name__)


        @app.route("/status")
        def status():
            answer = requests.get("http://127.0.0.1:9/status", timeout=2)
            return answer.json()["state"], requests.head("http://127.0.0.1:9/").status_code
        """,
        """\
        import requests
        from quart import Quart
        from quart.utils import run_sync

        app = Quart(__name__)


        @app.route("/status")
        async def status():
            answer = await run_sync(requests.get)("http://127.0.0.1:9/status", timeout=2)
            return answer.json()["state"], (await run_sync(requests.head)("http://127.0.0.1:9/")).status_code
        """,
    )
    assert findings == []  # neither F2Q112 nor F2Q117: nothing is left blocking


def test_helper_in_another_module_becomes_async_and_is_awaited_everywhere(tmp_path):
    texts, findings, _ = port(
        tmp_path,
        {
            "app.py": """\
            import click
            from flask import Flask, jsonify

            from clients import fetch_rate, warm_cache

            app = Flask(__name__)


            @app.route("/rate/<currency>")
            def rate(currency):
                return jsonify(rate=fetch_rate(currency))


            @app.cli.command("warm")
            def warm():
                click.echo(warm_cache())
            """,
            # no Flask here: the helpers are found because they make HTTP calls
            "clients.py": """\
            import requests


            def fetch_rate(currency):
                return _get_json(f"http://127.0.0.1:9/rates/{currency}")["rate"]


            def _get_json(url):
                answer = requests.get(url, timeout=(1, 5))
                answer.raise_for_status()
                return answer.json()


            def warm_cache():
                return requests.get("http://127.0.0.1:9/warm").status_code
            """,
        },
    )
    assert texts["clients.py"] == textwrap.dedent(
        """\
        import requests
        from quart.utils import run_sync


        async def fetch_rate(currency):
            return (await _get_json(f"http://127.0.0.1:9/rates/{currency}"))["rate"]


        async def _get_json(url):
            answer = await run_sync(requests.get)(url, timeout=(1, 5))
            answer.raise_for_status()
            return answer.json()


        def warm_cache():
            return requests.get("http://127.0.0.1:9/warm").status_code
        """
    )
    # the view awaits the helper; the CLI command and what only it calls stay sync
    assert "return jsonify(rate=await fetch_rate(currency))" in texts["app.py"]
    assert "def warm():\n    click.echo(warm_cache())" in texts["app.py"]
    assert findings == []


def test_aliases_sessions_and_urlopen():
    findings = check_transformed(
        """\
        import urllib.request
        from urllib.request import urlopen

        import requests as r
        import requests.api
        from requests import get as fetch, request
        from flask import Flask

        app = Flask(__name__)
        shared = r.Session()


        class Client:
            def __init__(self):
                self.http = r.session()

            def ping(self):
                return self.http.get("http://127.0.0.1:9/ping").ok


        @app.route("/")
        def index():
            fetch("http://127.0.0.1:9/a", params={"q": 1})
            request("DELETE", "http://127.0.0.1:9/b")
            r.post("http://127.0.0.1:9/c", json={})
            requests.api.put("http://127.0.0.1:9/d")
            shared.patch("http://127.0.0.1:9/e")
            r.Session().get("http://127.0.0.1:9/f")
            with r.Session() as session:
                session.get("http://127.0.0.1:9/g")
            Client().ping()
            urlopen("http://127.0.0.1:9/h")
            return urllib.request.urlopen("http://127.0.0.1:9/i").read()
        """,
        """\
        import urllib.request
        from urllib.request import urlopen

        import requests as r
        import requests.api
        from requests import get as fetch, request
        from quart import Quart
        from quart.utils import run_sync

        app = Quart(__name__)
        shared = r.Session()


        class Client:
            def __init__(self):
                self.http = r.session()

            async def ping(self):
                return (await run_sync(self.http.get)("http://127.0.0.1:9/ping")).ok


        @app.route("/")
        async def index():
            await run_sync(fetch)("http://127.0.0.1:9/a", params={"q": 1})
            await run_sync(request)("DELETE", "http://127.0.0.1:9/b")
            await run_sync(r.post)("http://127.0.0.1:9/c", json={})
            await run_sync(requests.api.put)("http://127.0.0.1:9/d")
            await run_sync(shared.patch)("http://127.0.0.1:9/e")
            await run_sync(r.Session().get)("http://127.0.0.1:9/f")
            with r.Session() as session:
                await run_sync(session.get)("http://127.0.0.1:9/g")
            await Client().ping()
            await run_sync(urlopen)("http://127.0.0.1:9/h")
            return (await run_sync(urllib.request.urlopen)("http://127.0.0.1:9/i")).read()
        """,
    )
    # urlopen's answer is read later, on the loop: said, once per call
    assert [(f.code, f.line, f.severity) for f in findings] == [
        ("F2Q117", 32, Severity.WARNING),
        ("F2Q117", 33, Severity.WARNING),
    ]
    assert "`urllib.request.urlopen`" in findings[0].message


def test_calls_where_no_await_can_go_are_reported_and_left():
    source = """\
    import requests
    from flask import Flask

    app = Flask(__name__)
    SETTINGS = requests.get("http://127.0.0.1:9/settings").json()
    later = lambda: requests.get("http://127.0.0.1:9/later")
    PAGES = list(requests.get(u).text for u in ["http://127.0.0.1:9/p"])


    @app.url_value_preprocessor
    def pull_lang(endpoint, values):
        values["lang"] = requests.get("http://127.0.0.1:9/lang").text


    def chunks():
        yield requests.get("http://127.0.0.1:9/chunk").content


    @app.route("/")
    def index():
        big = requests.get("http://127.0.0.1:9/big", stream=True)
        with requests.get("http://127.0.0.1:9/big", stream=True) as answer:
            size = sum(len(c) for c in answer.iter_content(1024))
        texts = [t for t in map(lambda u: requests.get(u).text, ["http://127.0.0.1:9/m"])]
        return str(size + len(texts) + len(list(chunks()))) + big.text


    def offline_report():
        return requests.get("http://127.0.0.1:9/report", stream=True).text
    """
    findings = check_transformed(
        source,
        source.replace("from flask import Flask", "from quart import Quart")
        .replace("Flask(__name__)", "Quart(__name__)")
        .replace("def index", "async def index"),
    )
    assert f2q117(findings) == [
        (5, Severity.WARNING),  # import time: delays start-up, blocks no request
        (6, Severity.ERROR),  # a lambda may be called from async code
        (7, Severity.WARNING),  # import time too
        (12, Severity.ERROR),  # Quart calls url_value_preprocessor synchronously, on the loop
        (16, Severity.ERROR),  # a generator its async caller iterates
        (21, Severity.ERROR),  # stream=True: the body is read later, on the loop
        (22, Severity.ERROR),
        (24, Severity.ERROR),  # a lambda in a view
    ]
    assert "F2Q112" not in codes(findings)


def test_calls_in_functions_that_must_stay_sync_are_reported_and_left(tmp_path):
    """A cached function (its cached coroutine could be awaited once only) and one a constructor
    calls through a class attribute (``__init__`` cannot await): both stay sync, the call on its line."""
    files = {
        "site/__init__.py": """\
        from flask import Flask

        from site.convert import Converter
        from site.models import Bill

        app = Flask(__name__)


        @app.route("/")
        def index():
            return str(Bill(3).converted + Converter().exchange(2) + Converter().fee())
        """,
        "site/convert.py": """\
        import requests
        from cachetools import TTLCache, cached


        class Converter:
            @cached(cache=TTLCache(maxsize=1, ttl=60))
            def get_rates(self):
                return requests.get("http://127.0.0.1:9/rates").json()

            def exchange(self, amount):
                return amount * self.get_rates()["EUR"]

            def fee(self):
                return requests.get("http://127.0.0.1:9/fee").json()
        """,
        "site/models.py": """\
        from site.convert import Converter


        class Bill:
            helper = Converter()

            def __init__(self, amount):
                self.converted = self.helper.exchange(amount) + self.helper.fee()
        """,
    }
    texts, findings, _ = port(tmp_path, files)
    assert texts["site/convert.py"] == textwrap.dedent(files["site/convert.py"])
    assert texts["site/models.py"] == textwrap.dedent(files["site/models.py"])
    assert "    return str(Bill(3).converted + Converter().exchange(2) + Converter().fee())\n" in texts["site/__init__.py"]
    assert sorted((f.path, f.line) for f in findings if f.code == "F2Q117") == [
        ("site/convert.py", 8), ("site/convert.py", 14)
    ]


def test_a_cached_function_stays_sync():
    source = """\
    import cachetools.func
    import requests
    from flask import Flask

    app = Flask(__name__)


    @cachetools.func.ttl_cache(ttl=60)
    def rates():
        return requests.get("http://127.0.0.1:9/rates").json()


    @app.route("/")
    def index():
        return rates()
    """
    findings = check_transformed(
        source,
        source.replace("from flask import Flask", "from quart import Quart")
        .replace("Flask(__name__)", "Quart(__name__)")
        .replace("def index", "async def index"),
    )
    assert f2q117(findings) == [(10, Severity.ERROR)]


def test_requests_in_test_modules_and_with_f2q117_off_are_f2q112s():
    app = """\
    import requests
    from flask import Flask

    app = Flask(__name__)


    @app.route("/")
    def index():
        return requests.get("http://127.0.0.1:9/").text
    """
    findings = check_noop(app, select=("F2Q112",))
    assert codes(findings) == ["F2Q112"]
    test_module = """\
    import requests


    def test_live(client):
        client.get("/")
        assert requests.get("http://127.0.0.1:9/").ok
    """
    output_findings = check_transformed(
        test_module,
        test_module.replace("def test_live", "async def test_live").replace("client.get", "await client.get"),
        path="tests/test_live.py",
        files={"app.py": app},
    )
    assert codes([f for f in output_findings if f.path.endswith("test_live.py")]) == ["F2Q112"]


# --- aiohttp: the generated requests-compatible module ----------------------------------------


FACTORY_APP = {
    "shop/__init__.py": """\
    from flask import Flask


    def create_app():
        app = Flask(__name__)
        from . import views

        app.register_blueprint(views.bp)
        return app
    """,
    "shop/views.py": """\
    import requests
    from requests.exceptions import HTTPError
    from flask import Blueprint, jsonify

    bp = Blueprint("views", __name__)


    def fetch_price(item):
        answer = requests.get(f"http://127.0.0.1:9/prices/{item}", timeout=2)
        answer.raise_for_status()
        return answer.json()["price"]


    @bp.route("/price/<item>")
    def price(item):
        try:
            return jsonify(price=fetch_price(item))
        except HTTPError as error:
            return jsonify(status=error.response.status_code), 502
        except (requests.ConnectionError, requests.exceptions.Timeout):
            return jsonify(error="unreachable"), 504


    @bp.route("/order", methods=["POST"])
    def order():
        answer = requests.post("http://127.0.0.1:9/orders", json={"item": "x"}, auth=("shop", "secret"))
        if isinstance(answer, requests.Response) or not answer.ok:
            raise requests.HTTPError("refused")
        return answer.text
    """,
}


def test_aiohttp_rewrites_calls_exceptions_and_imports_and_writes_the_module(tmp_path):
    texts, findings, _ = port(tmp_path, FACTORY_APP, http_client="aiohttp")
    assert texts["shop/http_client.py"] == TEMPLATE.read_text(encoding="utf-8")
    assert texts["shop/http_client.py"].startswith(MARKER)
    assert texts["shop/__init__.py"] == textwrap.dedent(
        """\
        from quart import Quart
        from . import http_client


        def create_app():
            app = Quart(__name__)
            http_client.init_app(app)
            from . import views

            app.register_blueprint(views.bp)
            return app
        """
    )
    assert texts["shop/views.py"] == textwrap.dedent(
        """\
        import requests
        from quart import Blueprint, jsonify
        from . import http_client

        bp = Blueprint("views", __name__)


        async def fetch_price(item):
            answer = await http_client.get(f"http://127.0.0.1:9/prices/{item}", timeout=2)
            answer.raise_for_status()
            return answer.json()["price"]


        @bp.route("/price/<item>")
        async def price(item):
            try:
                return jsonify(price=await fetch_price(item))
            except http_client.HTTPError as error:
                return jsonify(status=error.response.status_code), 502
            except (http_client.ConnectionError, http_client.Timeout):
                return jsonify(error="unreachable"), 504


        @bp.route("/order", methods=["POST"])
        async def order():
            answer = await http_client.post("http://127.0.0.1:9/orders", json={"item": "x"}, auth=("shop", "secret"))
            if isinstance(answer, requests.Response) or not answer.ok:
                raise http_client.HTTPError("refused")
            return answer.text
        """
    )
    # ``requests.Response`` has no counterpart among the exceptions: the import stays for it
    assert [(f.path, f.code, f.severity) for f in findings if f.code == "F2Q117"] == [
        ("shop/http_client.py", "F2Q117", Severity.INFO)
    ]


def test_aiohttp_module_level_app_without_a_package_and_unused_requests_import(tmp_path):
    texts, findings, _ = port(
        tmp_path,
        {
            "app.py": """\
            import json

            import requests
            from flask import Flask

            app: Flask = Flask(__name__)


            @app.route("/")
            def index():
                try:
                    return requests.get("http://127.0.0.1:9/", timeout=1).json()
                except requests.RequestException:
                    return json.dumps({"error": "upstream"}), 502
            """
        },
        http_client="aiohttp",
    )
    assert texts["app.py"] == textwrap.dedent(
        """\
        import json

        from quart import Quart
        import http_client

        app: Quart = Quart(__name__)
        http_client.init_app(app)


        @app.route("/")
        async def index():
            try:
                return (await http_client.get("http://127.0.0.1:9/", timeout=1)).json()
            except http_client.RequestException:
                return json.dumps({"error": "upstream"}), 502
        """
    )
    assert "http_client.py" in texts
    assert codes(findings) == ["F2Q117"]


def test_aiohttp_from_a_subpackage_and_where_the_name_is_taken(tmp_path):
    texts, _, _ = port(
        tmp_path,
        {
            "shop/__init__.py": "from flask import Flask\n\napp = Flask(__name__)\n",
            "shop/api/__init__.py": "",
            "shop/api/stock.py": """\
            import requests
            from flask import Blueprint

            bp = Blueprint("stock", __name__)


            @bp.route("/stock")
            def stock():
                return requests.get("http://127.0.0.1:9/stock").text
            """,
            "shop/api/legacy.py": """\
            import http.client as http_client

            import requests
            from flask import Blueprint

            bp = Blueprint("legacy", __name__)


            @bp.route("/legacy")
            def legacy():
                return requests.get("http://127.0.0.1:9/legacy").text + str(http_client.OK)
            """,
        },
        http_client="aiohttp",
    )
    assert "from shop import http_client\n" in texts["shop/api/stock.py"]
    assert 'return (await http_client.get("http://127.0.0.1:9/stock")).text' in texts["shop/api/stock.py"]
    assert "import shop.http_client as f2q_http_client\n" in texts["shop/api/legacy.py"]
    assert (
        'return (await f2q_http_client.get("http://127.0.0.1:9/legacy")).text + str(http_client.OK)'
        in texts["shop/api/legacy.py"]
    )
    assert "import requests" not in texts["shop/api/legacy.py"]
    assert "http_client.init_app(app)" in texts["shop/__init__.py"]


def test_aiohttp_sessions_unsupported_arguments_and_module_level_exceptions_are_said(tmp_path):
    texts, findings, _ = port(
        tmp_path,
        {
            "app.py": """\
            import requests
            from flask import Flask

            app = Flask(__name__)
            session = requests.Session()
            RETRY_ON = (requests.ConnectionError, requests.Timeout)


            @app.route("/upload")
            def upload():
                requests.post("http://127.0.0.1:9/up", files={"f": b"x"}, cert="client.pem")
                return session.get("http://127.0.0.1:9/s").text
            """
        },
        http_client="aiohttp",
    )
    assert 'await http_client.post("http://127.0.0.1:9/up", files={"f": b"x"}, cert="client.pem")' in texts["app.py"]
    assert 'return (await http_client.in_thread(session.get)("http://127.0.0.1:9/s")).text' in texts["app.py"]
    assert "RETRY_ON = (requests.ConnectionError, requests.Timeout)" in texts["app.py"]
    said = [(f.line, f.severity, f.message) for f in findings if f.code == "F2Q117" and f.path == "app.py"]
    assert [(line, severity) for line, severity, _ in said] == [
        (6, Severity.WARNING), (6, Severity.WARNING), (11, Severity.WARNING), (12, Severity.WARNING)
    ]
    assert "`cert=`, `files=`" in said[2][2] and "requests.Session" in said[3][2]


def test_aiohttp_leaves_a_foreign_http_client_module_alone(tmp_path):
    files = {
        "app.py": """\
        import requests
        from flask import Flask

        app = Flask(__name__)


        @app.route("/")
        def index():
            return requests.get("http://127.0.0.1:9/").text
        """,
        "http_client.py": '"""The project\'s own module of that name."""\n',
    }
    texts, findings, _ = port(tmp_path, files, http_client="aiohttp")
    assert texts["http_client.py"] == '"""The project\'s own module of that name."""\n'
    assert 'return (await run_sync(requests.get)("http://127.0.0.1:9/")).text' in texts["app.py"]
    assert [(f.path, f.severity) for f in findings if f.code == "F2Q117"] == [("http_client.py", Severity.ERROR)]


def test_aiohttp_without_an_app_module_falls_back_to_run_sync(tmp_path):
    texts, findings, _ = port(
        tmp_path,
        {
            "views.py": """\
            import requests
            from flask import Blueprint

            bp = Blueprint("v", __name__)


            @bp.route("/")
            def index():
                return requests.get("http://127.0.0.1:9/").text
            """
        },
        http_client="aiohttp",
    )
    assert "await run_sync(requests.get)" in texts["views.py"] and "http_client.py" not in texts
    assert [(f.path, f.severity) for f in findings if f.code == "F2Q117"] == [("views.py", Severity.WARNING)]


def test_aiohttp_reports_tests_that_fake_requests(tmp_path):
    _, findings, _ = port(
        tmp_path,
        {
            **FACTORY_APP,
            "tests/test_views.py": """\
            import requests
            import responses

            from shop import create_app


            def test_price(monkeypatch):
                monkeypatch.setattr(requests, "get", lambda *a, **k: None)
                monkeypatch.setattr("shop.views.requests.post", lambda *a, **k: None)
                assert create_app().test_client().get("/price/x").status_code == 200
            """,
        },
        http_client="aiohttp",
    )
    reported = [(f.line, f.severity) for f in findings if f.path == "tests/test_views.py" and f.code == "F2Q117"]
    assert reported == [(2, Severity.ERROR), (8, Severity.ERROR), (9, Severity.ERROR)]


def test_the_mode_comes_from_the_command_line_or_the_project_config(tmp_path, capsys):
    from flask2quart.cli import main

    app = 'import requests\nfrom flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route("/")\ndef index():\n    return requests.get("http://127.0.0.1:9/").text\n'
    for name, config, argv in (
        ("flag", "", ["--http-client", "aiohttp"]),
        ("config", '[tool.flask2quart]\nhttp-client = "aiohttp"\n', []),
        ("both", '[tool.flask2quart]\nhttp-client = "aiohttp"\n', ["--http-client", "run-sync"]),
    ):
        project = tmp_path / name
        project.mkdir()
        (project / "app.py").write_text(app)
        (project / "pyproject.toml").write_text('[project]\nname = "x"\nversion = "1"\n' + config)
        assert main(["rewrite", str(project), "-q", *argv]) == 0
        ported = (project / "app.py").read_text()
        assert ("await http_client.get(" in ported) == (name != "both"), name
        assert ("await run_sync(requests.get)(" in ported) == (name == "both"), name
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "pyproject.toml").write_text('[tool.flask2quart]\nhttp-client = "httpx"\n')
    assert main(["rewrite", str(tmp_path / "bad")]) == 2
    assert "http-client must be one of: run-sync, aiohttp" in capsys.readouterr().err


def test_nothing_to_port_writes_no_module(tmp_path):
    texts, _, result = port(
        tmp_path,
        {
            "app.py": """\
            import requests
            from flask import Flask

            app = Flask(__name__)


            def report():  # called by nothing on the event loop
                return requests.get("http://127.0.0.1:9/").text
            """
        },
        http_client="aiohttp",
    )
    assert "http_client.py" not in texts and not result.config_edits
    assert "init_app" not in texts["app.py"]


# --- behaviour: the generated module against real servers --------------------------------------


class Upstream(BaseHTTPRequestHandler):
    """Answers by path; ``/echo`` tells what it received; remembers each client port it saw."""

    protocol_version = "HTTP/1.1"  # keep-alive: a pooled connection is visible as one client port
    client_ports: list[int]

    def _answer(self) -> None:
        self.client_ports.append(self.client_address[1])
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        status, content_type, data = 200, "application/json", b'{"quote": "Simple is better."}'
        if "/echo" in self.path:  # also as a proxy, asked for ``http://host/echo``
            seen = {"method": self.command, "path": self.path, "body": body.decode("latin-1"),
                    "headers": {k.lower(): v for k, v in self.headers.items()}}
            data = json.dumps(seen).encode()
        elif self.path == "/broken":
            status, data = 500, b'{"error": "boom"}'
        elif self.path == "/garbage":
            data = b"this is not json"
        elif self.path == "/slow":
            time.sleep(1)
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = _answer

    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def upstream(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, list[int]]]:
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    ports: list[int] = []
    handler = type("Handler", (Upstream,), {"client_ports": ports})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}", ports
    server.shutdown()
    server.server_close()
    thread.join(timeout=5)


@pytest.fixture
def unused_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="module")
def ported(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ModuleType]:
    """FACTORY_APP ported with ``--http-client aiohttp``, importable (a package of its own name)."""
    root = tmp_path_factory.mktemp("ported")
    package = f"shop_{uuid.uuid4().hex[:8]}"
    files = {name.replace("shop/", f"{package}/"): textwrap.dedent(source) for name, source in FACTORY_APP.items()}
    files[f"{package}/views.py"] += textwrap.dedent(
        """

        @bp.route("/quote")
        def quote():
            from flask import current_app

            try:
                answer = requests.get(current_app.config["UPSTREAM_URL"], timeout=2)
                answer.raise_for_status()
                return jsonify(answer.json())
            except requests.RequestException as error:
                return jsonify(error=type(error).__name__), 502
        """
    )
    port(root, files, http_client="aiohttp")
    sys.path.insert(0, str(root))
    try:
        yield importlib.import_module(package)
    finally:
        sys.path.remove(str(root))
        for name in [n for n in sys.modules if n == package or n.startswith(package + ".")]:
            del sys.modules[name]


@pytest.fixture
def http_client(ported: ModuleType) -> ModuleType:
    return importlib.import_module(f"{ported.__name__}.http_client")


async def test_json_answer_and_what_is_sent(http_client, upstream):
    base, _ = upstream
    answer = await http_client.get(f"{base}/quote")
    assert (answer.status_code, answer.ok, answer.reason) == (200, True, "OK")
    assert answer.json() == {"quote": "Simple is better."}
    assert answer.headers["content-type"] == "application/json" and answer.url == f"{base}/quote"
    echoed = (
        await http_client.post(
            f"{base}/echo?x=1", params={"q": "a b", "skip": None, "tag": ["1", "2"]},
            json={"n": [1, 2]}, headers={"X-Trace": "abc"}, timeout=(1, 5),
        )
    ).json()
    assert echoed["path"] == "/echo?x=1&q=a+b&tag=1&tag=2"
    assert echoed["body"] == '{"n": [1, 2]}'
    assert echoed["headers"]["content-type"] == "application/json"
    assert echoed["headers"]["x-trace"] == "abc"


@pytest.mark.parametrize(
    ("method", "kwargs"),
    [
        ("get", {"params": {"a": "é+&", "n": None, "l": ["1", 2], "t": True}}),
        ("get", {"params": [("k", "v"), ("k", "w")]}),
        ("post", {"data": {"a": "1", "b": ["x", "y"], "c": None}}),
        ("post", {"data": b"raw bytes"}),
        ("post", {"data": "text é"}),
        ("post", {}),
        ("put", {"data": "x", "headers": {"Content-Type": "text/plain"}}),
        ("post", {"json": {"a": 1}, "headers": {"content-type": "application/vnd.x+json"}}),
        ("delete", {"auth": ("user", "pässword")}),
        ("get", {"cookies": {"c": "1"}}),
        ("options", {}),
    ],
)
async def test_the_request_on_the_wire_is_what_requests_sends(http_client, upstream, method, kwargs):
    base, _ = upstream
    url = f"{base}/echo/a b?z=1"
    by_requests = getattr(requests, method)(url, **kwargs).json()
    by_facade = (await getattr(http_client, method)(url, **kwargs)).json()
    differ = {"user-agent", "accept-encoding", "connection", "host"}  # each client's own
    for seen in (by_requests, by_facade):
        seen["headers"] = {k: v for k, v in seen["headers"].items() if k not in differ}
    assert by_facade == by_requests


async def test_environment_proxy_and_netrc_as_requests_reads_them(http_client, upstream, tmp_path, monkeypatch):
    base, _ = upstream
    netrc = tmp_path / "netrc"
    netrc.write_text("machine 127.0.0.1 login robot password s3cret\n")
    netrc.chmod(0o600)
    monkeypatch.setenv("NETRC", str(netrc))
    monkeypatch.setenv("HTTP_PROXY", base)  # the upstream plays the proxy for any other host
    seen = []
    for url in (f"{base}/echo", "http://upstream.invalid/echo?via=proxy"):
        by_requests = requests.get(url).json()
        by_facade = (await http_client.get(url)).json()
        assert (by_facade["path"], by_facade["headers"].get("authorization")) == (
            by_requests["path"], by_requests["headers"].get("authorization")
        )
        seen.append(by_facade)
    assert seen[0]["headers"]["authorization"].startswith("Basic ")  # from the netrc file
    assert seen[1]["path"] == "http://upstream.invalid/echo?via=proxy"  # sent through the proxy


async def test_errors_are_requests_exceptions(http_client, upstream, unused_port):
    base, _ = upstream
    broken = await http_client.get(f"{base}/broken")
    assert not broken.ok
    with pytest.raises(http_client.RequestException) as caught:
        broken.raise_for_status()
    assert type(caught.value) is http_client.HTTPError
    assert str(caught.value) == f"500 Server Error: Internal Server Error for url: {base}/broken"
    assert caught.value.response is broken

    garbage = await http_client.get(f"{base}/garbage")
    with pytest.raises(http_client.RequestException) as caught:
        garbage.json()
    assert isinstance(caught.value, http_client.JSONDecodeError) and isinstance(caught.value, ValueError)
    assert str(caught.value) == "Expecting value: line 1 column 1 (char 0)"

    with pytest.raises(http_client.ConnectionError):
        await http_client.get(f"http://127.0.0.1:{unused_port}/", timeout=2)
    with pytest.raises(http_client.ReadTimeout) as caught:
        await http_client.get(f"{base}/slow", timeout=0.2)
    assert isinstance(caught.value, http_client.Timeout) and isinstance(caught.value, OSError)
    with pytest.raises(http_client.MissingSchema):
        await http_client.get("127.0.0.1/no-scheme")


def test_exception_hierarchy_is_requests(http_client):
    for name in ("HTTPError", "ConnectionError", "ConnectTimeout", "ReadTimeout", "JSONDecodeError",
                 "TooManyRedirects", "InvalidURL", "SSLError"):
        ours = getattr(http_client, name)
        theirs = getattr(requests.exceptions, name)
        assert [c.__name__ for c in ours.__mro__ if c.__module__ == http_client.__name__] == [
            c.__name__ for c in theirs.__mro__ if c.__module__.startswith("requests")
        ]
        assert issubclass(ours, OSError) and issubclass(ours, ValueError) == issubclass(theirs, ValueError)


async def test_requests_itself_in_a_thread_raises_and_answers_like_the_facade(http_client, upstream, unused_port):
    base, _ = upstream
    with requests.Session() as session:
        answer = await http_client.in_thread(session.post)(f"{base}/echo", files={"f": ("a.txt", b"hello")})
        assert isinstance(answer, http_client.Response) and "hello" in answer.json()["body"]
        assert answer.raw is not None  # anything else comes from requests' own response
        with pytest.raises(http_client.ConnectionError):
            await http_client.in_thread(session.get)(f"http://127.0.0.1:{unused_port}/")
    # arguments aiohttp cannot send the same way go to requests too
    files_answer = await http_client.post(f"{base}/echo", files={"f": ("b.txt", b"bytes")})
    assert "bytes" in files_answer.json()["body"]


async def test_a_served_app_shares_one_session_and_closes_it(ported, http_client, upstream):
    base, ports = upstream
    app = ported.create_app()
    app.config["UPSTREAM_URL"] = f"{base}/quote"
    async with app.test_app() as test_app:
        shared = app.extensions[http_client.EXTENSION].session
        client = test_app.test_client()
        for _ in range(3):
            answer = await client.get("/quote")
            assert answer.status_code == 200
            assert await answer.get_json() == {"quote": "Simple is better."}
        assert app.extensions[http_client.EXTENSION].session is shared
    assert len(ports) == 3 and len(set(ports)) == 1  # three requests, one pooled connection
    assert shared.closed and http_client.EXTENSION not in app.extensions


@pytest.mark.parametrize(("path", "error"), [("/broken", "HTTPError"), ("/garbage", "JSONDecodeError")])
async def test_the_ported_view_handles_upstream_errors_without_serving(ported, upstream, path, error):
    base, _ = upstream
    app = ported.create_app()
    app.config["UPSTREAM_URL"] = base + path
    answer = await app.test_client().get("/quote")  # no test_app(): a session per call
    assert answer.status_code == 502 and (await answer.get_json())["error"] == error


async def test_the_ported_view_handles_a_refused_connection(ported, unused_port):
    app = ported.create_app()
    app.config["UPSTREAM_URL"] = f"http://127.0.0.1:{unused_port}/quote"
    async with app.test_app() as test_app:
        answer = await test_app.test_client().get("/quote")
    assert answer.status_code == 502 and (await answer.get_json())["error"] == "ConnectionError"


async def test_calls_do_not_block_the_event_loop(http_client, upstream):
    """Ten calls to an upstream that takes 1 s each finish together: nothing waits in line."""
    base, _ = upstream
    started = time.perf_counter()
    answers = await asyncio.gather(*(http_client.get(f"{base}/slow", timeout=5) for _ in range(10)))
    assert all(a.status_code == 200 for a in answers)
    assert time.perf_counter() - started < 5
