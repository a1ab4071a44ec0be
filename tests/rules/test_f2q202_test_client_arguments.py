import asyncio
import textwrap

import pytest

from flask2quart.migrate.rules.f2q202_test_client_arguments import HEADERS_SOURCE
from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_data_dict_becomes_form_without_none_values():
    check_transformed(
        """\
        def test_register(client):
            client.post("/register", data={"username": "a", "password": "b"})
            client.post("/profile", data={"bio": None, "name": "a"})
            client.post("/api", json={"name": "a"})
        """,
        """\
        async def test_register(client):
            await client.post("/register", form={"username": "a", "password": "b"})
            await client.post("/profile", form={"name": "a"})
            await client.post("/api", json={"name": "a"})
        """,
        path="tests/test_register.py",
    )


def test_uploads_become_file_storage():
    check_transformed(
        """\
        import io


        def test_upload(client):
            client.post("/upload", data={"photo": (io.BytesIO(b"abc"), "a.png")})
            client.post(
                "/upload",
                data={"doc": (io.BytesIO(b"abc"), "a.txt", "text/plain")},
                follow_redirects=True,
            )
        """,
        """\
        import io
        from quart.datastructures import FileStorage


        async def test_upload(client):
            await client.post("/upload", files={"photo": FileStorage(io.BytesIO(b"abc"), filename="a.png")})
            await client.post(
                "/upload",
                files={"doc": FileStorage(io.BytesIO(b"abc"), filename="a.txt", content_type="text/plain")},
                follow_redirects=True,
            )
        """,
        path="tests/test_upload.py",
    )


def test_content_type_moves_into_headers_or_is_implied_by_form():
    check_transformed(
        """\
        def test_bodies(client):
            client.post("/raw", data="raw body", content_type="text/plain")
            client.post("/form", content_type="multipart/form-data", data={"a": "1"})
        """,
        """\
        async def test_bodies(client):
            await client.post("/raw", data="raw body", headers={"Content-Type": "text/plain"})
            await client.post("/form", form={"a": "1"})
        """,
        path="tests/test_bodies.py",
    )


def test_form_typed_data_variable_goes_through_the_helper():
    check_transformed(
        """\
        def test_post(client, payload):
            client.post("/w", content_type="multipart/form-data", data=payload)
        """,
        '''\


        def _f2q_form_files(data):
            """A Flask test-client `data=` mapping as Quart's `form=`/`files=`, encoded as Werkzeug's
            EnvironBuilder does: list values are repeated fields, other values `str()`'d, tuples and
            readable objects are files (content type guessed from the file name); no files, no multipart
            (added by flask2quart, F2Q202)."""
            import mimetypes

            from quart.datastructures import FileStorage
            from werkzeug.datastructures import MultiDict

            class Fields(list):
                """Pairs, repeated names kept: Quart's test client reads fields and files with `.items()`."""

                def items(self):
                    return list(self)

            if data is None or isinstance(data, (str, bytes)):
                return {"data": data}  # a raw body: Quart takes it as Flask did
            if hasattr(data, "read"):
                return {"data": data.read()}
            if not hasattr(data, "items"):
                raise TypeError(f"data= of type {type(data).__name__}: pass a dict, str or bytes (flask2quart, F2Q202)")
            form, files = [], Fields()
            items = data.items(multi=True) if isinstance(data, MultiDict) else data.items()
            for key, value in items:
                for item in value if isinstance(value, list) and not isinstance(data, MultiDict) else [value]:
                    if isinstance(item, FileStorage):
                        files.append((key, item))
                    elif isinstance(item, tuple) or hasattr(item, "read"):
                        stream, filename, content_type = (*item, None, None)[:3] if isinstance(item, tuple) else (item, None, None)
                        if isinstance(stream, str):
                            filename = filename or stream
                            stream = open(stream, "rb")  # noqa: SIM115 - read by the request, as in Werkzeug
                        if filename and content_type is None:
                            content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                        files.append((key, FileStorage(stream, filename=filename, name=key, content_type=content_type)))
                    else:
                        form.append((key, item))
            if not files:  # urlencoded: Werkzeug leaves out None values
                return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form if v is not None)}
            return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form), "files": files}


        async def test_post(client, payload):
            await client.post("/w", **_f2q_form_files(payload))
        ''',
        path="tests/test_post.py",
    )


def test_arguments_quart_cannot_take_are_reported_and_any_data_expression_goes_through_the_helper():
    output, findings, _ = run_rewrite(
        """\
        def test_odd(client, payload):
            client.post("/v", data=payload.encode())
            client.get("/e", environ_base={"REMOTE_USER": "ada"})
        """,
        path="tests/test_odd.py",
    )
    assert '    await client.post("/v", **_f2q_form_files(payload.encode()))\n' in output
    assert '    await client.get("/e", environ_base={"REMOTE_USER": "ada"})\n' in output
    assert codes(findings) == ["F2Q202"]
    assert [f.line for f in findings] == [3]
    assert "environ_base" in findings[0].message


async def test_a_data_variable_goes_through_the_helper_which_keeps_raw_bodies():
    _, _, files = run_rewrite(
        """\
        def test_posts(client):
            fields = {"a": "1"}
            client.post("/v", data=fields)
            raw = "plain text"
            client.post("/v", data=raw)
        """,
        path="tests/test_posts.py",
    )
    text = files["tests/test_posts.py"]
    assert text.count("**_f2q_form_files(") == 2
    namespace: dict[str, object] = {}
    exec(text.split("async def test_posts")[0], namespace)  # the generated helper, for real
    helper = namespace["_f2q_form_files"]
    encoded = helper({"a": "1", "b": None})
    assert set(encoded) == {"form"}  # no files: no multipart
    assert encoded["form"].items() == [("a", "1")]
    assert helper("plain text") == {"data": "plain text"}
    assert helper(b"x") == {"data": b"x"}


async def test_the_helper_sends_what_werkzeugs_environ_builder_sends():
    """The same ``data=`` through Flask's test client and, via the helper, Quart's: the view sees
    the same fields (ints ``str()``'d, lists repeated) and files (content type from the name)."""
    import io

    import flask
    import quart

    _, _, files = run_rewrite(
        """\
        def test_posts(client, fields):
            client.post("/v", data=fields)
        """,
        path="tests/test_posts.py",
    )
    namespace: dict[str, object] = {}
    exec(files["tests/test_posts.py"].split("async def test_posts")[0], namespace)
    helper = namespace["_f2q_form_files"]

    def data() -> dict[str, object]:
        return {"n": 3, "flag": True, "tags": ["a", "b"], "skip": None, "up": (io.BytesIO(b"hi"), "notes.txt")}

    flask_app = flask.Flask(__name__)

    @flask_app.post("/v")
    def flask_view():
        upload = flask.request.files["up"]
        return {"form": flask.request.form.to_dict(flat=False), "file": [upload.filename, upload.mimetype, upload.read().decode()]}

    quart_app = quart.Quart(__name__)

    @quart_app.post("/v")
    async def quart_view():
        form, uploads = await quart.request.form, await quart.request.files
        upload = uploads["up"]
        return {"form": form.to_dict(flat=False), "file": [upload.filename, upload.mimetype, upload.read().decode()]}

    @flask_app.post("/form")
    def flask_form():
        return flask.request.form.to_dict(flat=False)

    @quart_app.post("/form")
    async def quart_form():
        return (await quart.request.form).to_dict(flat=False)

    expected = flask_app.test_client().post("/v", data=data()).get_json()
    got = await (await quart_app.test_client().post("/v", **helper(data()))).get_json()
    assert got == expected
    assert expected["form"] == {"n": ["3"], "flag": ["True"], "tags": ["a", "b"], "skip": ["None"]}
    fields = {"n": 3, "tags": ["a", "b"], "skip": None}
    expected = flask_app.test_client().post("/form", data=dict(fields)).get_json()
    got = await (await quart_app.test_client().post("/form", **helper(dict(fields)))).get_json()
    assert got == expected == {"n": ["3"], "tags": ["a", "b"]}


async def test_a_literal_with_several_values_for_a_field_goes_through_the_helper():
    """``{"tag": ["a", "b"]}`` and a list of uploads: Quart's client sends one value per key, so the
    literal is encoded when the test runs, and the view sees every value as under Flask."""
    import io

    import flask
    import quart

    output, findings, files = run_rewrite(
        """\
        def test_posts(client):
            client.post("/v", data={"payer": 1, "payed_for": [1, 2], "what": "cheese"})
            client.post("/up", data={"docs": [(io.BytesIO(b"a"), "a.txt"), (io.BytesIO(b"b"), "b.csv")], "k": "v"})
            client.post("/v", data={"payed_for": members, "what": -1})
            client.post("/v", data={"what": "cheese", "n": -1.5, "ok": True, "skip": None})
        """,
        path="tests/test_posts.py",
    )
    assert findings == []
    assert '    await client.post("/v", **_f2q_form_files({"payer": 1, "payed_for": [1, 2], "what": "cheese"}))\n' in output
    # a name may hold a list too; constants alone stay a readable literal
    assert '    await client.post("/v", **_f2q_form_files({"payed_for": members, "what": -1}))\n' in output
    assert '    await client.post("/v", form={"what": "cheese", "n": -1.5, "ok": True})\n' in output
    namespace: dict[str, object] = {}
    exec(files["tests/test_posts.py"].split("async def test_posts")[0], namespace)
    helper = namespace["_f2q_form_files"]

    flask_app, quart_app = flask.Flask(__name__), quart.Quart(__name__)

    @flask_app.post("/v")
    def flask_fields():
        files = flask.request.files
        return {"form": flask.request.form.to_dict(flat=False),
                "files": [[f.name, f.filename, f.mimetype, f.read().decode()] for f in files.getlist("docs")]}

    @quart_app.post("/v")
    async def quart_fields():
        form, files = await quart.request.form, await quart.request.files
        return {"form": form.to_dict(flat=False),
                "files": [[f.name, f.filename, f.mimetype, f.read().decode()] for f in files.getlist("docs")]}

    def uploads() -> dict[str, object]:
        return {"docs": [(io.BytesIO(b"a"), "a.txt"), (io.BytesIO(b"b"), "b.csv")], "k": "v"}

    for data in ({"payer": 1, "payed_for": [1, 2], "what": "cheese"}, uploads()):
        expected = flask_app.test_client().post("/v", data=data).get_json()
        fresh = uploads() if "docs" in data else dict(data)
        got = await (await quart_app.test_client().post("/v", **helper(fresh))).get_json()
        assert got == expected
    assert expected["files"] == [["docs", "a.txt", "text/plain", "a"], ["docs", "b.csv", "text/csv", "b"]]


def test_ported_arguments_and_non_client_calls_are_untouched():
    check_noop(
        """\
        import requests


        async def test_ported(client):
            await client.post("/a", form={"a": "1"}, headers={"Content-Type": "text/plain"})


        def test_other_library(session):
            session.post("/a", data={"a": None}, content_type="text/plain")
            requests.post("http://localhost", data={"a": "1"})
        """,
        path="tests/test_ported.py",
    )


def test_layout_is_kept_when_arguments_are_dropped_or_split():
    check_transformed(
        """\
        import io


        def test_forms(client):
            client.post("/a", data={"a": "1", "b": None})
            client.post("/b", data={"a": "1"}, content_type="multipart/form-data")
            client.post(
                "/c",
                data={
                    "name": "x",
                    "file": (io.BytesIO(b"abc"), "a.txt"),
                },
            )
        """,
        """\
        import io
        from quart.datastructures import FileStorage


        async def test_forms(client):
            await client.post("/a", form={"a": "1"})
            await client.post("/b", form={"a": "1"})
            await client.post(
                "/c",
                form={
                    "name": "x",
                }, files={"file": FileStorage(io.BytesIO(b"abc"), filename="a.txt")},
            )
        """,
        path="tests/test_forms.py",
    )


def test_content_type_merges_into_a_headers_literal():
    check_transformed(
        """\
        def test_json(client):
            client.post("/j", data="{}", content_type="application/json", headers={"X-A": "1"})
        """,
        """\
        async def test_json(client):
            await client.post("/j", data="{}", headers={"X-A": "1", "Content-Type": "application/json"})
        """,
        path="tests/test_json.py",
    )


def test_content_type_beside_pairs_or_a_variable_and_absolute_urls():
    source = """\
        def test_more(client, extra_headers):
            client.post("/j", data="{}", content_type="application/json", headers=[("X-A", "1")])
            client.post("/j", data="{}", headers=(("X-A", "1"),), content_type="application/json")
            client.post("/j", data="{}", headers=extra_headers, content_type="application/json")
            client.get("https://example.com/x?a=1")
            client.get("http://localhost/plain")
            client.get("http://api.example.com/x", headers={"X-A": "1"})
        """
    output, findings, _ = run_rewrite(textwrap.dedent(source), path="tests/test_more.py")
    assert output == HEADERS_SOURCE + "\n\n" + textwrap.dedent(
        """\
        async def test_more(client, extra_headers):
            await client.post("/j", data="{}", headers=[("X-A", "1"), ("Content-Type", "application/json")])
            await client.post("/j", data="{}", headers=(("X-A", "1"), ("Content-Type", "application/json")))
            await client.post("/j", data="{}", headers=_f2q_headers(extra_headers, {"Content-Type": "application/json"}))
            await client.get("/x?a=1", scheme="https", headers={"Host": "example.com"})
            await client.get("http://localhost/plain")
            await client.get("/x", headers={"X-A": "1", "Host": "api.example.com"})
        """
    )
    assert findings == []


def test_base_url_becomes_scheme_and_host():
    check_transformed(
        """\
        def test_https(client):
            client.get("/", base_url="https://localhost")
            client.get("/x", headers={"X-A": "1"}, base_url="http://api.example.com:8080/")
            client.get("/y", base_url="http://localhost", follow_redirects=True)
        """,
        """\
        async def test_https(client):
            await client.get("/", scheme="https")
            await client.get("/x", headers={"X-A": "1", "Host": "api.example.com:8080"})
            await client.get("/y", follow_redirects=True)
        """,
        path="tests/test_https.py",
    )


def test_base_url_with_a_path_is_reported():
    source = """\
        def test_prefixed(client, url):
            client.get("/x", base_url="http://localhost/prefix")
            client.get("https://example.com/x", base_url="http://localhost")
            client.get("https://example.com/x", base_url=url)
        """
    output, findings, _ = run_rewrite(textwrap.dedent(source), path="tests/test_prefixed.py")
    assert output.count("base_url=") == 3
    assert 'client.get("https://example.com/x", base_url="http://localhost")' in output
    assert [f.message for f in findings] == ["Quart's test client has no `base_url=`"] * 3


def test_computed_base_url_is_split_when_the_test_runs():
    source = """\
        def test_https(client, https):
            base_url = "%s://localhost" % ("https" if https else "http")
            client.post("/x", data="body", headers={"X-A": "1"}, base_url=base_url)
            client.get("/x", base_url=f"https://{host}")
            client.post("/x", data="{}", base_url=base_url, content_type="application/json")
        """
    output, findings, _ = run_rewrite(textwrap.dedent(source), path="tests/test_https.py")
    assert findings == []
    assert 'await client.post("/x", data="body", **_f2q_client_kwargs({"headers": {"X-A": "1"}, "base_url": base_url}))' in output
    assert 'await client.get("/x", **_f2q_client_kwargs({"base_url": f"https://{host}"}))' in output
    assert 'data="{}", **_f2q_client_kwargs({"base_url": base_url, "content_type": "application/json"})' in output


TESTS = '''\
from app import app


def answers():
    client = app.test_client()
    out = []
    out.append(client.post("/echo", data="{}", content_type="application/json", headers=[("X-A", "1")]).get_json())
    out.append(client.post("/echo", data="{}", headers=(("X-A", "2"),), content_type="text/csv").get_json())
    pairs = [("X-A", "3"), ("Content-Type", "text/plain")]
    out.append(client.post("/echo", data="x", headers=pairs, content_type="application/json").get_json())
    out.append(client.get("https://example.com/echo?a=1").get_json())
    out.append(client.get("http://api.example.com:8080/echo", headers={"X-A": "4"}).get_json())
    out.append(client.get("http://localhost/echo").get_json())
    out.append(client.get("/echo?b=2", base_url="https://localhost").get_json())
    out.append(client.post("/echo", headers={"X-A": "5"}, base_url="http://api.example.com/").get_json())
    out.append(client.get("/echo", base_url="http://localhost").get_json())
    for base_url in ("https://localhost", "http://localhost", "http://api.example.com"):
        out.append(client.get("/echo", headers={"X-A": "6"}, base_url=base_url).get_json())
        out.append(client.post("/echo", data="{}", base_url=base_url, content_type="application/json").get_json())
    return out
'''

ECHO_APP = '''\
from flask import Flask, request

app = Flask(__name__)


@app.route("/echo", methods=["GET", "POST"])
def echo():
    return {"ct": request.content_type, "a": request.headers.get("X-A"), "url": request.url,
            "host": request.host, "scheme": request.scheme, "args": request.args.to_dict()}
'''


def test_headers_and_urls_reach_the_app_as_under_flask():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(ECHO_APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["answers"]()
    assert expected[0]["ct"] == "application/json" and expected[3]["host"] == "example.com"

    output, findings, files = run_rewrite(TESTS, path="tests/test_echo.py", files={"app.py": ECHO_APP})
    assert findings == [] and "content_type=\"" not in output, output
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    assert asyncio.run(ported["answers"]()) == expected


FORWARDING_APP = '''\
from flask import Flask, request

app = Flask(__name__)


@app.route("/form", methods=["POST"])
def form():
    if request.mimetype == "application/json":  # a form's body is parsed: Flask then gives no data
        return {"json": request.get_json(), "ct": request.mimetype}
    return {"form": request.form.to_dict(flat=False), "ct": request.mimetype}
'''

FORWARDING_TESTS = '''\
from app import app


def send(client, method, path, **kwargs):
    return getattr(client, method)(path, **kwargs)


def answers():
    client = app.test_client()
    return [
        send(client, "post", "/form", data={"k": "v", "n": 3, "many": ["a", "b"]}).get_json(),
        send(client, "post", "/form", data="k=v", content_type="application/x-www-form-urlencoded").get_json(),
        send(client, "post", "/form", data='{"a": 1}', content_type="application/json").get_json(),
        send(client, "post", "/form", json={"a": 1}).get_json(),
    ]
'''


def test_keywords_forwarded_through_kwargs_are_translated_when_the_test_runs():
    output, findings, _ = run_rewrite(FORWARDING_TESTS, path="tests/test_send.py", files={"app.py": FORWARDING_APP})
    assert "return await getattr(client, method)(path, **_f2q_client_kwargs(kwargs))" in output, output
    assert "def _f2q_client_kwargs(kwargs):" in output and findings == []


def test_keywords_forwarded_through_kwargs_reach_the_app_as_under_flask():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(FORWARDING_APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(FORWARDING_TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["answers"]()
    assert expected[0]["form"] == {"k": ["v"], "n": ["3"], "many": ["a", "b"]}

    output, _, files = run_rewrite(FORWARDING_TESTS, path="tests/test_send.py", files={"app.py": FORWARDING_APP})
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    assert asyncio.run(ported["answers"]()) == expected


BUFFERED_APP = '''\
from flask import Flask, Response, request

app = Flask(__name__)


@app.route("/stream", methods=["GET", "POST"])
def stream():
    method = request.method

    def chunks():
        yield method.encode()
        yield b"-done"

    return Response(chunks())
'''
BUFFERED_TESTS = '''\
from app import app


def send(client, path, **kwargs):
    return client.post(path, **kwargs)


def answers():
    client = app.test_client()
    one = client.get("/stream", buffered=True)
    two = send(client, "/stream", buffered=True)
    return [(one.status_code, one.get_data()), (two.status_code, two.get_data())]
'''


def test_buffered_true_is_dropped_since_quarts_client_always_reads_the_whole_body():
    check_transformed(
        """\
        def test_page(client):
            rv = client.get("/", buffered=True)
            assert rv.status_code == 200
        """,
        """\
        async def test_page(client):
            rv = await client.get("/")
            assert rv.status_code == 200
        """,
        path="tests/test_page.py",
    )
    findings = check_noop('def test_page(client):\n    client.get("/", buffered=False)\n', path="tests/test_page.py", select=("F2Q202",))
    assert codes(findings) == ["F2Q202"] and "buffered" in findings[0].message


def test_buffered_requests_answer_as_under_flask():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(BUFFERED_APP, "app.py", "exec"), flask_side)
    namespace = {"app": flask_side["app"]}
    exec(compile(BUFFERED_TESTS.replace("from app import app\n", ""), "t.py", "exec"), namespace)
    expected = namespace["answers"]()
    assert expected == [(200, b"GET-done"), (200, b"POST-done")]

    output, findings, files = run_rewrite(BUFFERED_TESTS, path="tests/test_buffered.py", files={"app.py": BUFFERED_APP})
    assert findings == [] and 'client.get("/stream")' in output  # the helper drops the forwarded one
    quart_side = {"__name__": "quart_side"}
    exec(compile(files["app.py"], "app.py", "exec"), quart_side)
    ported = {"app": quart_side["app"]}
    exec(compile(output.replace("from app import app\n", ""), "t.py", "exec"), ported)
    assert asyncio.run(ported["answers"]()) == expected
