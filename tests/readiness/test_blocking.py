"""Blocking calls left on the event loop after the port: what is found, and what is not.

Each test runs the real ``check`` (rewrite in memory, analysis, blocking scan) on a small project.
"""

from __future__ import annotations

from flask2quart.readiness import BlockingKind, RouteStatus

from .helpers import blocking_of, check_project, route

GET_DB = """\
    import sqlite3

    from flask import g


    def get_db():
        if "db" not in g:
            g.db = sqlite3.connect("app.sqlite")
        return g.db
"""


def test_a_connection_returned_by_a_project_helper_is_followed_into_the_views():
    report = check_project(
        {
            "db.py": GET_DB,
            "app.py": """\
                from flask import Flask

                from db import get_db

                app = Flask(__name__)


                @app.route("/")
                def index():
                    rows = get_db().execute("select 1").fetchall()
                    return str(rows)


                @app.post("/add")
                def add():
                    db = get_db()
                    cursor = db.cursor()
                    cursor.execute("insert into t values (1)")
                    db.commit()
                    return "ok"
            """,
        }
    )
    assert blocking_of(report) == [
        ("app.py", 10, "sqlite3 connection.execute"),
        ("app.py", 18, "sqlite3 cursor.execute"),
        ("app.py", 19, "sqlite3 connection.commit"),
        ("db.py", 8, "sqlite3.connect"),  # get_db runs on the loop: the views call it
    ]
    assert {call.kind for call in report.blocking_calls} == {BlockingKind.DATABASE}
    index = route(report, "index")
    # the route has its own call and the connect in get_db; not add's calls
    assert sorted((c.path, c.line) for c in index.blocking) == [("app.py", 10), ("db.py", 8)]
    assert index.status is RouteStatus.BLOCKING
    # a blocking call is not manual work: both routes still port without a human
    assert report.without_manual_work == 2 and report.ready == 0


SLEEPY = """\
    import time

    from flask import Flask

    app = Flask(__name__)


    def pause():
        time.sleep(1)


    @app.route("/a")
    def a():
        time.sleep(1)
        pause()
        return "a"
"""


def test_time_sleep_is_blocking_only_where_the_rewrite_leaves_it():
    # In the view (async after the port) F2Q111 writes `await asyncio.sleep(1)`: gone. `pause`
    # stays sync (nothing in it awaits), so its sleep still runs on the loop, called by the view.
    report = check_project({"app.py": SLEEPY})
    assert blocking_of(report) == [("app.py", 9, "time.sleep")]
    assert report.blocking_calls[0].function == "app:pause"
    assert route(report, "a").status is RouteStatus.BLOCKING


def test_without_the_rule_that_fixes_it_time_sleep_in_the_view_blocks_too():
    report = check_project({"app.py": SLEEPY}, ignore=("F2Q111",))
    assert blocking_of(report) == [("app.py", 9, "time.sleep"), ("app.py", 14, "time.sleep")]


def test_calls_in_a_module_that_never_mentions_flask_are_found_through_the_call_graph():
    # services/thumbnails.py imports neither Flask nor a Flask module. The view calls it, so its
    # child process runs on the loop after the port.
    report = check_project(
        {
            "services/__init__.py": "",
            "services/thumbnails.py": """\
                import subprocess


                def make_thumbnail(path):
                    subprocess.run(["convert", path, "-resize", "64x64", path + ".png"], check=True)
                    return path + ".png"
            """,
            "app.py": """\
                from flask import Flask, send_file

                from services.thumbnails import make_thumbnail

                app = Flask(__name__)


                @app.route("/thumb/<name>")
                def thumb(name):
                    return send_file(make_thumbnail(name))
            """,
        }
    )
    assert blocking_of(report) == [("services/thumbnails.py", 5, "subprocess.run")]
    call = report.blocking_calls[0]
    assert call.kind is BlockingKind.SUBPROCESS and call.function == "services.thumbnails:make_thumbnail"
    assert route(report, "thumb").blocking == [call]


QUOTE = {
    "app.py": """\
        import requests
        from flask import Flask

        app = Flask(__name__)


        @app.route("/quote")
        def quote():
            return requests.get("https://quotes.example", timeout=2).text
    """
}


def test_a_call_the_rewrite_moves_off_the_loop_is_not_blocking():
    # F2Q117 writes `await run_sync(requests.get)(...)`: the request runs in a worker thread
    assert blocking_of(check_project(QUOTE)) == []
    without = check_project(QUOTE, ignore=("F2Q117",))
    assert blocking_of(without) == [("app.py", 9, "requests.get")]
    # ... and then F2Q112 says a human must act: the route needs manual work
    assert route(without, "quote").codes == ["F2Q112"]


def test_cpu_heavy_hashing_and_big_loop_nests_are_blocking_small_loops_are_not():
    report = check_project(
        {
            "app.py": """\
                from flask import Flask, request
                from werkzeug.security import generate_password_hash

                app = Flask(__name__)


                def crunch():
                    total = 0
                    for i in range(1000):
                        for j in range(1_000):
                            total += i * j
                    for k in range(100):
                        total += k
                    return total


                @app.post("/hash")
                def hash_it():
                    return generate_password_hash(request.args["p"]) + str(crunch())
            """
        }
    )
    assert blocking_of(report) == [
        ("app.py", 10, "loop"),  # the inner loop is where 1000 x 1000 iterations are reached
        ("app.py", 19, "werkzeug.security.generate_password_hash"),
    ]
    assert {call.kind for call in report.blocking_calls} == {BlockingKind.CPU}
    loop = report.blocking_calls[0]
    assert "1,000,000 iterations" in loop.reason


def test_clients_held_at_module_level_and_child_processes():
    report = check_project(
        {
            "clients.py": """\
                import smtplib
                import subprocess

                import redis
                import requests

                cache = redis.Redis()
                http = requests.Session()


                def refresh(key, url, message):
                    cache.get(key)
                    pipe = cache.pipeline()
                    pipe.set(key, "1")
                    pipe.execute()
                    http.post(url, json={})
                    subprocess.run(["true"], check=True)
                    with smtplib.SMTP("localhost") as smtp:
                        smtp.send_message(message)
            """,
            "app.py": """\
                from flask import Flask

                from clients import refresh

                app = Flask(__name__)


                @app.route("/refresh")
                def view():
                    refresh("k", "https://example.com", None)
                    return ""
            """,
        }
    )
    assert blocking_of(report) == [
        ("clients.py", 12, "redis.Redis.get"),
        ("clients.py", 15, "redis pipeline.execute"),  # pipe.set only queues the command
        # line 16, http.post on a requests.Session: F2Q117 runs it in a worker thread
        ("clients.py", 17, "subprocess.run"),
        ("clients.py", 18, "smtplib.SMTP"),  # connects: it was given a host
        ("clients.py", 19, "smtplib.SMTP.send_message"),
    ]


def test_code_that_does_not_run_on_the_loop_is_not_reported():
    report = check_project(
        {
            "db.py": GET_DB,
            "app.py": """\
                import sqlite3
                import time

                import click
                from flask import Flask
                from quart.utils import run_sync

                from db import get_db

                app = Flask(__name__)
                setup = sqlite3.connect("setup.sqlite")  # at import, before the loop runs


                @app.cli.command("seed")
                def seed():
                    get_db().execute("insert into t values (1)")


                @click.command()
                def tool():
                    time.sleep(1)


                @app.route("/")
                async def index():
                    await run_sync(lambda: time.sleep(1))()
                    return ""
            """,
            "tests/test_app.py": """\
                import time

                from app import app


                def test_index():
                    time.sleep(0)
                    assert app.test_client().get("/").status_code == 200
            """,
        }
    )
    assert blocking_of(report) == []
    assert report.ready == report.total == 1


def test_a_hook_with_a_blocking_call_is_listed_and_belongs_to_no_route():
    report = check_project(
        {
            "db.py": GET_DB,
            "app.py": """\
                from flask import Flask, g

                from db import get_db

                app = Flask(__name__)


                @app.before_request
                def load_user():
                    g.user = get_db().execute("select 1").fetchone()


                @app.route("/")
                def index():
                    return "hello"
            """,
        }
    )
    hook_call = [c for c in report.blocking_calls if c.path == "app.py"]
    assert [(c.line, c.role, c.where) for c in hook_call] == [(10, "hook", "load_user (hook)")]
    assert route(report, "index").status is RouteStatus.READY


def test_flask_sqlalchemy_queries_and_session_io_are_blocking_building_them_is_not(sqlalchemy_app):
    report = check_project(sqlalchemy_app)
    assert blocking_of(report) == [
        ("blog/views.py", 12, "SQLAlchemy Query.first_or_404"),  # User.query.filter_by(...).first_or_404()
        ("blog/views.py", 20, "SQLAlchemy Session.commit"),  # db.session.add (line 19) only stages the row
        ("blog/views.py", 26, "Flask-SQLAlchemy db.get_or_404"),
        ("blog/views.py", 32, "Flask-SQLAlchemy db.paginate"),  # db.select() only builds the statement
    ]
    assert route(report, "blog.health").blocking == []
