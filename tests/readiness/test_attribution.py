"""Which findings belong to which route, and what that does to the figure and the verdict."""

from __future__ import annotations

from flask2quart.findings import Severity
from flask2quart.readiness import RouteStatus

from .helpers import check_project, route

APP = """\
    import functools
    import os

    from flask import Flask, request
    from flask_bcrypt import Bcrypt

    app = Flask(__name__)
    bcrypt = Bcrypt(app)
    app.config["WSGI_SERVER"] = request.environ["wsgi.errors"] if False else None


    def client_address():
        return request.environ["werkzeug.request"]


    def audited(view):
        @functools.wraps(view)
        def wrapper(*args, **kwargs):
            app.logger.info("from %s", request.environ["gunicorn.socket"])
            return view(*args, **kwargs)

        return wrapper


    @app.route("/who")
    def who():
        return client_address()


    @app.route("/again")
    def again():
        return "you again, " + client_address()


    @app.route("/admin")
    @audited
    def admin():
        return "admin"


    @app.route("/settings")
    def settings():
        return str(bcrypt.check_password_hash(os.environ.get("HASH", ""), "x"))


    @app.route("/plain")
    def plain():
        return "plain"
"""


def test_a_finding_belongs_to_every_route_that_reaches_it():
    report = check_project({"app.py": APP})
    # `client_address` (line 13) is called by two views: both need the same manual work
    for endpoint in ("who", "again"):
        item = route(report, endpoint)
        assert item.status is RouteStatus.MANUAL
        assert [(f.line, f.code, f.severity) for f in item.manual] == [(13, "F2Q102", Severity.ERROR)]
    # a project decorator's wrapper runs for the view it decorates
    assert [(f.line, f.code) for f in route(report, "admin").manual] == [(19, "F2Q102")]
    # an info finding is work done automatically: it is listed, the route is ready
    settings = route(report, "settings")
    assert settings.status is RouteStatus.READY
    assert [(f.line, f.code) for f in settings.automatic] == [(43, "F2Q307")]
    assert route(report, "plain").status is RouteStatus.READY


def test_the_figure_counts_routes_and_the_verdict_also_sees_places_outside_routes():
    report = check_project({"app.py": APP})
    assert (report.total, report.without_manual_work, report.ready) == (5, 2, 2)
    assert report.figure() == "2/5 routes (40%)"
    assert report.readiness == 40.0
    # line 9 runs at import, in no route: it needs a human all the same
    assert [(f.line, f.code) for f in report.manual_outside_routes] == [(9, "F2Q102")]
    assert not report.passed  # the default --fail-under 100: nothing may need a human


def test_below_100_only_the_route_figure_is_compared():
    assert check_project({"app.py": APP}, fail_under=40).passed
    assert not check_project({"app.py": APP}, fail_under=40.1).passed


def test_at_100_a_place_outside_routes_fails_even_when_every_route_is_ready():
    report = check_project(
        {
            "app.py": """\
                from flask import Flask, request

                app = Flask(__name__)
                environ = request.environ["wsgi.errors"]


                @app.route("/")
                def index():
                    return ""
            """
        }
    )
    assert report.readiness == 100.0 and len(report.manual_outside_routes) == 1
    assert not report.passed


REQUEST_CLASS_APP = """\
    from flask import Flask, Request


    class NotingRequest(Request):
        def __init__(self, environ, populate_request=True, shallow=False):
            super().__init__(environ, populate_request, shallow)
            self.note = self.form.get("note") if self.method == "POST" else None


    app = Flask(__name__)
    app.request_class = NotingRequest


    @app.route("/")
    def index():
        return "index"


    @app.route("/upload", methods=["POST"])
    def upload():
        return "ok"
"""


def test_a_finding_in_the_request_class_makes_every_route_manual():
    report = check_project({"app.py": REQUEST_CLASS_APP})
    for endpoint in ("index", "upload"):
        assert route(report, endpoint).status is RouteStatus.MANUAL
        assert route(report, endpoint).codes == ["F2Q131"]
