from tests.helpers import check_noop, check_transformed, codes

APP = """\
import os
import subprocess

import requests
from requests import post as http_post
from urllib.request import urlopen

from flask import Flask

app = Flask(__name__)


@app.route("/proxy")
def proxy():
    r = requests.get("https://example.com", timeout=5)
    http_post("https://example.com/hook", json={})
    subprocess.run(["ls"])
    os.system("ls")
    urlopen("https://example.com")
    return r.text


def fetch_sync(url):
    return requests.get(url).text
"""


def test_blocking_calls_in_async_code_are_reported_and_left_as_they_are():
    """requests and urlopen are F2Q117's (it runs them in a worker thread); the rest is reported."""
    findings = check_transformed(
        APP,
        APP.replace("from flask import Flask", "from quart import Quart\nfrom quart.utils import run_sync")
        .replace("Flask(__name__)", "Quart(__name__)")
        .replace("def proxy", "async def proxy")
        .replace('r = requests.get("https://example.com", timeout=5)', 'r = await run_sync(requests.get)("https://example.com", timeout=5)')
        .replace('http_post("https', 'await run_sync(http_post)("https')
        .replace('urlopen("https', 'await run_sync(urlopen)("https'),
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q112", 17), ("F2Q112", 18), ("F2Q117", 19)]
    assert "`subprocess.run`" in findings[0].message
    assert "`os.system`" in findings[1].message


def test_with_f2q117_off_requests_calls_are_reported_and_helpers_stay_sync():
    findings = check_transformed(
        APP + "\n\n@app.route(\"/helper\")\ndef helper_view():\n    return fetch_sync(\"https://example.com\")\n",
        APP.replace("from flask import Flask", "from quart import Quart")
        .replace("Flask(__name__)", "Quart(__name__)")
        .replace("def proxy", "async def proxy")
        + "\n\n@app.route(\"/helper\")\nasync def helper_view():\n    return fetch_sync(\"https://example.com\")\n",
        select=("F2Q101", "F2Q103", "F2Q105", "F2Q112"),
    )
    assert codes(findings) == ["F2Q112"] * 5
    assert [f.line for f in findings] == [15, 16, 17, 18, 19]
    assert "`requests.get`" in findings[0].message
    assert "`requests.post`" in findings[1].message
    assert "`urllib.request.urlopen`" in findings[4].message


def test_blocking_call_in_sync_code_is_not_reported():
    findings = check_noop(
        """\
        import requests


        def test_live_server_answers(live_server):
            assert requests.get(live_server.url, timeout=5).ok
        """,
        path="tests/test_stub.py",
    )
    assert findings == []


def test_nested_sync_function_and_shadowing_local_are_not_reported():
    findings = check_transformed(
        """\
        import requests

        from flask import Flask

        app = Flask(__name__)


        @app.route("/")
        def index():
            def in_thread():
                return requests.get("https://example.com").text

            app.add_background_task(in_thread)
            return "queued"


        @app.route("/names")
        def names():
            requests = ["first"]
            return requests.pop()
        """,
        """\
        import requests

        from quart import Quart

        app = Quart(__name__)


        @app.route("/")
        async def index():
            def in_thread():
                return requests.get("https://example.com").text

            app.add_background_task(in_thread)
            return "queued"


        @app.route("/names")
        async def names():
            requests = ["first"]
            return requests.pop()
        """,
    )
    assert findings == []
