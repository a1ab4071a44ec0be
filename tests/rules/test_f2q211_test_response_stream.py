import asyncio

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_closing_a_test_response_becomes_a_null_context():
    findings = check_transformed(
        """\
        from contextlib import closing


        def test_download(client):
            with closing(client.get("/download")) as rv:
                assert rv.status_code == 200
                assert len(rv.data) == 23
        """,
        """\
        from contextlib import closing, nullcontext


        async def test_download(client):
            with nullcontext(await client.get("/download")) as rv:
                assert rv.status_code == 200
                assert len(await rv.get_data()) == 23
        """,
        path="tests/test_download.py",
    )
    assert "F2Q211" not in codes(findings)


def test_walking_or_closing_the_wsgi_iterable_is_reported():
    findings = check_transformed(
        """\
        def test_partial(client):
            rv = client.get("/stream")
            it = iter(rv.response)
            next(it)
            rv.response.close()
            rv.close()
        """,
        """\
        async def test_partial(client):
            rv = await client.get("/stream")
            it = iter(rv.response)
            next(it)
            rv.response.close()
        """,
        path="tests/test_partial.py",
    )
    assert sorted((f.line, f.code) for f in findings if f.code == "F2Q211") == [(3, "F2Q211"), (5, "F2Q211")]  # ``rv.close()`` alone: dropped (F2Q201)


def test_other_closings_and_responses_are_left_alone():
    findings = check_noop(
        """\
        from contextlib import closing
        from urllib.request import urlopen


        def fetch(url):
            with closing(urlopen(url)) as page:
                return page.response


        class Holder:
            def close(self):
                self.response = None
        """,
        path="tests/test_other.py",
    )
    assert "F2Q211" not in codes(findings)


APP = '''\
from flask import Flask, Response

app = Flask(__name__)


@app.route("/stream")
def stream():
    def chunks():
        yield b"a" * 10
        yield b"b" * 13
    return Response(chunks())
'''

TESTS = '''\
from contextlib import closing

from app import app


def read():
    client = app.test_client()
    with closing(client.get("/stream")) as rv:
        return rv.status_code, rv.data
'''


def test_the_ported_closing_reads_as_with_flask():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["read"]()
    assert expected == (200, b"a" * 10 + b"b" * 13)

    output, _, files = run_rewrite(TESTS, path="tests/test_read.py", files={"app.py": APP})
    assert "nullcontext(await client.get(" in output, output
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    assert asyncio.run(ported["read"]()) == expected


def test_a_response_used_as_its_own_context_manager_becomes_a_null_context():
    check_transformed(
        """\
        import json


        def test_invalid(client):
            with client.get("/invalid") as response:
                assert response.status_code == 404
                assert response.data == b""
        """,
        """\
        import json
        from contextlib import nullcontext


        async def test_invalid(client):
            with nullcontext(await client.get("/invalid")) as response:
                assert response.status_code == 404
                assert await response.get_data() == b""
        """,
        path="tests/test_invalid.py",
    )
