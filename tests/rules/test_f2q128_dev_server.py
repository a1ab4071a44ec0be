import asyncio
import os
import subprocess
import sys
import textwrap
import urllib.request
from pathlib import Path

import pytest

from tests.helpers import check_transformed, codes, run_rewrite
from tests.shim.server import free_port, wait_until_listening


def test_app_run_keeps_flasks_reloader_choice_and_drops_werkzeug_options():
    findings = check_transformed(
        """\
        import os

        from flask import Flask

        app = Flask(__name__)

        if __name__ == "__main__":
            app.run()
            app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)), debug=True, threaded=True)
            app.run("0.0.0.0", 8000, os.environ.get("DEBUG") == "1", ssl_context=("cert.pem", "key.pem"))
            app.run(processes=2, use_reloader=False)
        """,
        """\
        import os

        from quart import Quart

        app = Quart(__name__)

        if __name__ == "__main__":
            app.run(use_reloader=app.debug)
            app.run(host="0.0.0.0", port=int(os.environ.get("PORT", 5000)), debug=True, use_reloader=True)
            app.run("0.0.0.0", 8000, debug=os.environ.get("DEBUG") == "1", certfile="cert.pem", keyfile="key.pem", use_reloader=bool(os.environ.get("DEBUG") == "1"))
            app.run(use_reloader=False)
        """,
    )
    assert codes(findings) == ["F2Q128"] and "hypercorn --workers" in findings[0].message


def test_run_simple_of_the_app_becomes_app_run_and_make_server_the_generated_server():
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask
            from werkzeug.serving import make_server, run_simple

            app = Flask(__name__)


            def main():
                run_simple("localhost", 5000, app, use_debugger=True, threaded=True)


            def live():
                return make_server("127.0.0.1", 0, app)


            def forked():
                return make_server("127.0.0.1", 0, app.wsgi_app, processes=2)
            """
        )
    )
    assert '    app.run(host="localhost", port=5000, debug=True, use_reloader=False)\n' in output
    assert '    return _f2q_make_server("127.0.0.1", 0, app)\n' in output
    assert '    return _f2q_make_server("127.0.0.1", 0, app.asgi_app, processes=2)\n' in output
    assert "def _f2q_make_server(host, port, app," in output
    assert codes(findings) == ["F2Q128"] and "`processes=`" in findings[0].message
    assert run_rewrite(output)[0] == output


LIVE_APP = """\
import threading
from urllib.request import urlopen

from flask import Flask, request
from werkzeug.serving import make_server

app = Flask(__name__)


@app.route("/hello")
def hello():
    return f"hello {request.args.get('name', 'you')}"


def fetch_live(path):
    server = make_server("127.0.0.1", 0, app)
    port = server.socket.getsockname()[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        with urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as answer:
            return answer.status, answer.read()
    finally:
        server.shutdown()
        thread.join(timeout=5)
        alive = thread.is_alive()
        server.server_close()
        assert not alive
"""


def test_the_generated_server_serves_what_werkzeugs_served():
    pytest.importorskip("hypercorn")
    flask_side = {"__name__": "flask_live"}
    exec(compile(LIVE_APP, "live.py", "exec"), flask_side)
    expected = flask_side["fetch_live"]("/hello?name=ada")
    assert expected == (200, b"hello ada")

    output, findings, _ = run_rewrite(LIVE_APP)
    assert findings == []
    quart_side = {"__name__": "quart_live"}
    exec(compile(output, "live.py", "exec"), quart_side)
    assert quart_side["fetch_live"]("/hello?name=ada") == expected
    assert quart_side["fetch_live"]("/hello") == (200, b"hello you")  # a second server, a new port


APP = '''\
import sys

from flask import Flask, request
from werkzeug.middleware.proxy_fix import ProxyFix
from werkzeug.serving import run_simple

app = Flask(__name__)
app.wsgi_app = ProxyFix(app.wsgi_app)


@app.route("/hello/<name>")
def hello(name):
    return {"hello": name, "scheme": request.scheme, "method": request.method}


if __name__ == "__main__":
    run_simple("127.0.0.1", int(sys.argv[1]), {served}, threaded=True)
'''


def _answers(directory: Path) -> list[tuple[int, bytes]]:
    port = free_port()
    log = directory / "server.log"
    with log.open("wb") as out:
        process = subprocess.Popen(
            [sys.executable, "app.py", str(port)], cwd=directory, stdout=out, stderr=subprocess.STDOUT,
            env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
        )
    try:
        wait_until_listening(port, process, log)
        answers = []
        for path in ("/hello/ada", "/hello/b%C3%A9"):
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=10) as response:
                answers.append((response.status, response.read()))
        return answers
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.mark.parametrize("served", ["app", "app.wsgi_app"])
def test_the_port_serves_what_flask_served(tmp_path, served):
    """The script started the same way: Werkzeug serves the original, the port's server the Quart app."""
    pytest.importorskip("hypercorn")
    source = APP.replace("{served}", served)
    original = tmp_path / "flask"
    original.mkdir()
    (original / "app.py").write_text(source)
    expected = _answers(original)
    assert expected[0] == (200, b'{"hello":"ada","method":"GET","scheme":"http"}\n')

    output, findings, _ = run_rewrite(source)
    assert "run_simple(" not in output.replace("_f2q_run_simple(", "").split("import run_simple")[-1]
    assert findings == []
    ported = tmp_path / "quart"
    ported.mkdir()
    (ported / "app.py").write_text(output)
    assert _answers(ported) == expected


def test_calling_the_app_as_wsgi_goes_through_the_generated_adapter():
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask
            from werkzeug.test import create_environ

            app = Flask(__name__)


            def raw_body():
                return b"".join(app(create_environ("/"), lambda *args: None))
            """
        )
    )
    assert findings == []
    assert '    return b"".join(_f2q_wsgi_call(app, create_environ("/"), lambda *args: None))\n' in output
    assert "def _f2q_wsgi_call(app, environ, start_response):" in output
    assert run_rewrite(output)[0] == output


WSGI_APP = """\
from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/chunks/<int:n>", methods=["GET", "POST"])
def chunks(n):
    data = request.get_data() + request.args.get("tag", "").encode()
    return Response([b"x" * n, data, request.headers.get("X-Tag", "").encode()], headers={"X-N": str(n)})


def call(path, body=b"", method="GET"):
    from werkzeug.test import create_environ

    seen = []
    environ = create_environ(path, "http://localhost/", method=method, data=body, headers={"X-Tag": "t"})
    chunks = list(app(environ, lambda status, headers, exc_info=None: seen.append((status, dict(headers)))))
    status, headers = seen[0]
    return status, headers["X-N"], headers["Content-Type"], b"".join(chunks), {type(c) for c in chunks}
"""


def test_the_adapter_answers_what_the_wsgi_app_answered():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_wsgi"}
    exec(compile(WSGI_APP, "wsgi_app.py", "exec"), flask_side)
    expected = [flask_side["call"]("/chunks/3?tag=a"), flask_side["call"]("/chunks/2", b"posted", "POST")]
    assert expected[1] == ("200 OK", "2", "text/html; charset=utf-8", b"xxpostedt", {bytes})

    output, findings, _ = run_rewrite(WSGI_APP)
    assert findings == []
    quart_side = {"__name__": "quart_wsgi"}
    exec(compile(output, "wsgi_app.py", "exec"), quart_side)
    got = [quart_side["call"]("/chunks/3?tag=a"), quart_side["call"]("/chunks/2", b"posted", "POST")]
    assert got == expected

    async def inside_a_loop():  # the caller already runs an event loop: the adapter uses a thread
        return quart_side["call"]("/chunks/1")

    assert asyncio.run(inside_a_loop())[:4] == ("200 OK", "1", "text/html; charset=utf-8", b"xt")


def test_run_on_a_factory_call_is_not_evaluated_twice():
    findings = check_transformed(
        """\
        from flask import Flask


        def create_app():
            return Flask(__name__)


        if __name__ == "__main__":
            create_app().run(threaded=True)
        """,
        """\
        from quart import Quart


        def create_app():
            return Quart(__name__)


        if __name__ == "__main__":
            create_app().run()
        """,
    )
    assert codes(findings) == ["F2Q128"] and "use_reloader" in findings[0].message


def test_an_app_imported_through_a_star_reexport_called_as_wsgi_is_reported():
    files = {
        "pkg/__init__.py": "from .core import *\n",
        "pkg/core.py": "from flask import Flask\n\napp = Flask(__name__)\n",
        "tests/__init__.py": "",
    }
    source = """\
        from werkzeug.test import create_environ

        import pkg


        def test_raw_wsgi():
            env = create_environ("/bytes/64", "http://localhost/")
            chunks = list(pkg.app(env, lambda *a, **k: None))
            assert chunks
        """
    output, findings, _ = run_rewrite(textwrap.dedent(source), path="tests/test_raw.py", files=files)
    assert "    chunks = list(_f2q_wsgi_call(pkg.app, env, lambda *a, **k: None))\n" in output
    assert [f for f in findings if f.code == "F2Q128"] == []
