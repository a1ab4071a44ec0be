import textwrap

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def _lines(findings, code="F2Q102"):
    return [f.line for f in findings if f.code == code]


def test_unsupported_imports_are_reported_not_dropped():
    findings = check_transformed(
        """\
        from flask import Flask, request_ctx
        from flask.ctx import RequestContext

        app = Flask(__name__)
        """,
        """\
        from quart import Quart, request_ctx
        from quart.ctx import RequestContext

        app = Quart(__name__)
        """,
    )
    assert codes(findings) == ["F2Q102", "F2Q102"]
    assert _lines(findings) == [1, 2]
    assert "request_ctx" in findings[0].message
    assert "RequestContext" in findings[1].message


def test_request_environ_and_stream_are_reported_in_place():
    findings = check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/")
        def index():
            addr = request.environ["gunicorn.socket"]
            body = request.stream.read()
            return addr + body.decode()
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.route("/")
        async def index():
            addr = request.environ["gunicorn.socket"]
            body = request.stream.read()
            return addr + body.decode()
        """,
    )
    assert _lines(findings) == [8, 9]
    assert "request.scope" in findings[0].message
    assert "request.body" in findings[1].message


def test_wsgi_middleware_and_ensure_sync_on_the_app():
    findings = check_transformed(
        """\
        from flask import Flask
        from werkzeug.middleware.proxy_fix import ProxyFix

        app = Flask(__name__)
        app.wsgi_app = ProxyFix(app.wsgi_app)
        run = app.ensure_sync(print)
        """,
        """\
        from quart import Quart
        from werkzeug.middleware.proxy_fix import ProxyFix

        app = Quart(__name__)
        app.wsgi_app = ProxyFix(app.wsgi_app)
        run = app.ensure_sync(print)
        """,
        select=("F2Q101", "F2Q102"),  # F2Q120 off: with it, the middleware moves to asgi_app
    )
    assert _lines(findings) == [5, 5, 6]
    assert "asgi_app" in findings[0].message
    assert "ensure_async" in findings[2].message


def test_attribute_through_module_alias_is_reported():
    findings = check_transformed(
        """\
        import flask as fl

        wrap = fl.copy_current_request_context
        """,
        """\
        import quart as fl

        wrap = fl.copy_current_request_context
        """,
    )
    assert codes(findings) == ["F2Q102"]
    assert findings[0].line == 3


def test_parameter_named_request_is_not_flasks():
    findings = check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        def remote_addr(request):
            return request.environ["REMOTE_ADDR"]
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        def remote_addr(request):
            return request.environ["REMOTE_ADDR"]
        """,
    )
    assert findings == []


def test_wsgi_code_outside_flask_is_not_reported():
    findings = check_noop(
        """\
        # WSGI helpers shared with the flask app
        def middleware(environ, start_response, app):
            app.wsgi_app = None
            return environ.get("PATH_INFO")
        """
    )
    assert findings == []


REQUEST_CLASS = """\
from flask import Flask, Request


class TrackingRequest(Request):
    pass


class Web:
    def __init__(self):
        self.app = Flask(__name__)
        self.app.request_class = TrackingRequest
"""


def test_a_request_class_of_the_project_is_reported_without_f2q131():
    _, findings, _ = run_rewrite(REQUEST_CLASS, select=("F2Q101", "F2Q102"))
    assert [(f.code, f.line) for f in findings] == [("F2Q102", 11)]
    assert "quart.wrappers.Request" in findings[0].message


def test_a_request_class_f2q131_ports_is_left_to_it():
    assert run_rewrite(REQUEST_CLASS)[1] == []  # its base became Quart's; nothing else to do


def test_calls_of_other_objects_with_two_arguments_are_not_the_app():
    _, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
        from flask import Flask

        app = Flask(__name__)


        def handler(environ, start_response):
            return [b""]


        def call():
            return handler({}, None), app.make_config(True)
        """
        )
    )
    assert not [f for f in findings if "WSGI" in f.message]
