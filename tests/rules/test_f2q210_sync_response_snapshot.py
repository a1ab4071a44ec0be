import asyncio

import pytest

from tests.helpers import FLASK_APP, check_noop, check_transformed, codes, run_rewrite

HELPER = '''

async def _f2q_sync_response(response):
    """A Quart test response read to its end, as the Werkzeug response Flask's test client gives:
    code that must stay sync reads its body without awaiting (added by flask2quart, F2Q210)."""
    import importlib

    werkzeug = importlib.import_module("werkzeug.wrappers")  # Werkzeug's own, not Quart's
    return werkzeug.Response(await response.get_data(), status=response.status_code, headers=response.headers)
'''

WRAPPER = """\
class Page:
    def __init__(self, response):
        self.status = response.status_code
        self.text = response.get_data(as_text=True)
        self.payload = response.json
"""


def test_a_response_read_in_init_is_read_by_the_caller_first():
    findings = check_transformed(
        f"""\
        import json


        {WRAPPER.replace(chr(10), chr(10) + '        ')}

        def test_page(client):
            page = Page(client.get("/"))
            assert page.text == "ok"
            rv = client.get("/")
            assert Page(response=rv).status == 200
        """,
        f"""\
        import json
        {HELPER.rstrip().replace(chr(10), chr(10) + '        ')}


        {WRAPPER.replace(chr(10), chr(10) + '        ')}

        async def test_page(client):
            page = Page(await _f2q_sync_response(await client.get("/")))
            assert page.text == "ok"
            rv = await client.get("/")
            assert Page(response=await _f2q_sync_response(rv)).status == 200
        """,
        path="tests/test_page.py",
    )
    assert not findings  # the sync __init__ keeps its Flask spelling and needs nothing


def test_a_sync_init_that_only_keeps_the_response_is_left_alone():
    check_noop(
        """\
        class Holder:
            def __init__(self, response):
                self.response = response
                self.status = response.status_code


        async def test_holder(client):
            holder = Holder(await client.get("/"))
            assert holder.status == 200
        """,
        path="tests/test_holder.py",
    )


def test_a_helper_that_can_be_async_awaits_the_body_itself():
    output, findings, _ = run_rewrite(
        "def text_of(response):\n    return response.get_data(as_text=True)\n\n\n"
        "def test_text(client):\n    assert text_of(client.get('/')) == 'ok'\n",
        path="tests/test_text.py",
        files={"app.py": FLASK_APP},
    )
    assert "_f2q_sync_response" not in output
    assert "    return await response.get_data(as_text=True)\n" in output
    assert "F2Q210" not in codes(findings)


def test_a_sync_caller_holding_a_response_is_reported():
    findings = check_transformed(
        f"""\
        {WRAPPER.replace(chr(10), chr(10) + '        ')}

        class Checked:
            def __init__(self, client):
                self.page = Page(client.get("/"))


        def test_checked(client):
            assert Checked(client).page.status == 200
        """,
        f"""\
        {WRAPPER.replace(chr(10), chr(10) + '        ')}

        class Checked:
            def __init__(self, client):
                self.page = Page(client.get("/"))


        def test_checked(client):
            assert Checked(client).page.status == 200
        """,
        path="tests/test_checked.py",
    )
    assert "F2Q210" in codes(findings)


APP = '''\
from flask import Flask, jsonify

app = Flask(__name__)


@app.route("/")
def index():
    return jsonify(answer=42), 201, {"X-Kind": "answer"}
'''

TESTS = f'''\
from app import app


{WRAPPER}

def pages():
    client = app.test_client()
    page = Page(client.get("/"))
    return page.status, page.text, page.payload
'''


def test_the_wrapped_response_reads_as_with_flask():
    """The same wrapper built from Flask's test response (original) and from the port's snapshot
    of Quart's: status, text and JSON agree."""
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["pages"]()
    assert expected[0] == 201 and expected[2] == {"answer": 42}

    output, _, files = run_rewrite(TESTS, path="tests/test_pages.py", files={"app.py": APP})
    assert "Page(await _f2q_sync_response(await client.get(" in output, output
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    assert asyncio.run(ported["pages"]()) == expected
