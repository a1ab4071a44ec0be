import asyncio
import io
import textwrap

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_werkzeug_init_takes_quarts_arguments_and_reads_the_environ_built_from_the_request():
    output, findings, _ = run_rewrite(
        "from flask import Request\n\n\nclass TaggedRequest(Request):\n"
        "    def __init__(self, environ, populate_request=True, shallow=False):\n"
        "        super(TaggedRequest, self).__init__(environ, populate_request, shallow)\n"
        "        self.tag = environ[\"tag\"]\n"
    )
    assert "    def __init__(self, *args, **kwargs):\n" in output
    assert "        super(TaggedRequest, self).__init__(*args, **kwargs)\n        environ = _f2q_request_environ(self)\n" in output
    assert "def _f2q_request_environ(request):" in output and "def _f2q_wsgi_environ(request):" in output
    assert not findings
    assert run_rewrite(output)[0] == output  # a second run changes nothing


def test_an_init_not_reading_the_environ_only_hands_the_arguments_on():
    check_transformed(
        """\
        from flask import Flask
        from werkzeug.wrappers import Request


        class QuietRequest(Request):
            def __init__(self, environ):
                Request.__init__(self, environ)
                self.quiet = True


        app = Flask(__name__)
        app.request_class = QuietRequest
        """,
        """\
        from quart import Quart
        from werkzeug.wrappers import Request


        class QuietRequest(Request):
            def __init__(self, *args, **kwargs):
                Request.__init__(self, *args, **kwargs)
                self.quiet = True


        app = Quart(__name__)
        app.request_class = QuietRequest
        """,
    )


def test_a_file_stream_hook_is_handed_to_quarts_form_parser():
    check_transformed(
        """\
        import io

        from flask import Request


        class Uploads(Request):
            def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
                return io.BytesIO()
        """,
        """\
        import io

        from quart import Request


        class Uploads(Request):
            def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
                return io.BytesIO()

            def make_form_data_parser(self):
                # Werkzeug hands each uploaded file to ``_get_file_stream``; Quart's parser to its
                # ``stream_factory`` (same arguments). Added by flask2quart, F2Q131.
                parser = super().make_form_data_parser()
                parser.stream_factory = self._get_file_stream
                return parser
        """,
    )


def test_body_reads_are_reported_where_they_are():
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Request


            class Base(Request):
                pass


            class Noted(Base):
                def __init__(self, environ):
                    super().__init__(environ)
                    self.note = self.form.get("note")

                def size(self):
                    return len(self.get_data())
            """
        )
    )
    assert "    def __init__(self, *args, **kwargs):\n        super().__init__(*args, **kwargs)\n" in output
    assert [(f.code, f.line) for f in findings] == [("F2Q131", 11), ("F2Q131", 14)]
    assert "`self.form` reads the body" in findings[0].message and "await request.form" in findings[0].message


def test_a_sync_close_stays_sync_and_becomes_awaitable_for_quart():
    output, findings, _ = run_rewrite(
        "from flask import Request\n\n\nclass Counted(Request):\n"
        "    def close(self):\n"
        "        super(Counted, self).close()\n"
        "        Request.close(self)\n"
        "        self.files_seen.close(self)\n"
    )
    assert findings == []
    assert (
        "    @_f2q_awaitable_close\n    def close(self):\n"
        "        _f2q_closed(super(Counted, self).close())\n"
        "        _f2q_closed(Request.close(self))\n"
        "        self.files_seen.close(self)\n"
    ) in output
    assert run_rewrite(output)[0] == output


def test_a_werkzeug_init_without_the_base_call_is_reported_on_its_def():
    findings = check_noop(
        """\
        from flask import json
        from werkzeug.wrappers import Request as WRequest


        class Odd(WRequest):
            def __init__(self, environ):
                WRequest.__init__(self, dict(environ))
        """,
        select=("F2Q131",),
    )
    assert codes(findings) == ["F2Q131"] and findings[0].line == 6 and "*args, **kwargs" in findings[0].message


def test_other_classes_are_left_alone():
    check_noop(
        """\
        class Request:
            def __init__(self, environ):
                self.environ = environ

            def close(self):
                self.form = None
        """
    )


APP = '''\
import io

from flask import Flask, Request, request

TRACKER = []


class Middleware:
    def __init__(self, app, tracker):
        self.app = app
        self.tracker = tracker

    def __call__(self, environ, start_response):
        environ["tracker"] = self.tracker
        return self.app(environ, start_response)


class TrackingRequest(Request):
    def __init__(self, environ, populate_request=True, shallow=False):
        super(TrackingRequest, self).__init__(environ, populate_request, shallow)
        self.tracker = environ["tracker"]
        self.tracker.append(("init", self.method, self.path, environ["PATH_INFO"]))

    def _get_file_stream(self, total_content_length, content_type, filename=None, content_length=None):
        self.tracker.append(("file", filename))
        self.stored = io.BytesIO()
        return self.stored

    def close(self):
        super().close()
        stored = getattr(self, "stored", None)
        self.tracker.append(("close", self.path, stored is not None and stored.closed))


app = Flask(__name__)
app.request_class = TrackingRequest
app.wsgi_app = Middleware(app.wsgi_app, TRACKER)


@app.route("/", methods=["GET", "POST"])
def index():
    if request.method == "POST":
        upload = request.files["doc"]
        return f"{upload.filename}:{upload.read().decode()}:{request.stored is not None}"
    return "hello"
'''


def test_the_port_builds_the_request_class_as_flask_did():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    client = flask_side["app"].test_client()
    got = client.get("/").get_data(as_text=True)
    posted = client.post("/", data={"doc": (io.BytesIO(b"abc"), "a.txt")}).get_data(as_text=True)
    expected = (got, posted, list(flask_side["TRACKER"]))
    assert expected == ("hello", "a.txt:abc:True", [
        ("init", "GET", "/", "/"), ("close", "/", False),
        ("init", "POST", "/", "/"), ("file", "a.txt"), ("close", "/", True),  # the base closed the upload
    ])

    output, findings, _ = run_rewrite(APP)
    assert codes(findings) == ["F2Q120"]  # the middleware's note; the request class is ported
    quart_side = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def answers():
        from quart.datastructures import FileStorage

        client = quart_side["app"].test_client()
        got = await (await client.get("/")).get_data(as_text=True)
        upload = FileStorage(io.BytesIO(b"abc"), "a.txt", "doc")
        posted = await (await client.post("/", files={"doc": upload})).get_data(as_text=True)
        return got, posted, list(quart_side["TRACKER"])

    assert asyncio.run(answers()) == expected


CHAINED = '''\
from flask import Flask, Request

LOG = []


class Logged(Request):
    def close(self):
        super().close()
        LOG.append("base")


class Counted(Logged):
    def close(self):
        super().close()
        LOG.append("child")


app = Flask(__name__)
app.request_class = Counted


@app.route("/")
def index():
    return "x"
'''


def test_closes_along_project_bases_run_in_order_as_under_flask():
    pytest.importorskip("quart")
    flask_side = {"__name__": "flask_chain"}
    exec(compile(CHAINED, "app.py", "exec"), flask_side)
    flask_side["app"].test_client().get("/")
    assert flask_side["LOG"] == ["base", "child"]

    output, findings, _ = run_rewrite(CHAINED)
    assert findings == [] and output.count("@_f2q_awaitable_close") == 2
    quart_side = {"__name__": "quart_chain"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def request():
        response = await quart_side["app"].test_client().get("/")
        return response.status_code

    assert asyncio.run(request()) == 200 and quart_side["LOG"] == ["base", "child"]
