from tests.helpers import check_noop, check_transformed, codes

MYAPP = """\
from flask import Flask


def create_app():
    return Flask(__name__)


def init_db():
    pass
"""


def test_app_context_in_a_fixture():
    check_transformed(
        """\
        import pytest

        from myapp import create_app, init_db


        @pytest.fixture
        def app():
            app = create_app()
            with app.app_context():
                # fill the database


                init_db()
            return app
        """,
        """\
        import pytest

        from myapp import create_app, init_db


        @pytest.fixture
        async def app():
            app = create_app()
            async with app.app_context():
                # fill the database


                init_db()
            return app
        """,
        path="tests/conftest.py",
        files={"myapp.py": MYAPP},
    )


def test_test_request_context_gets_an_explicit_path():
    check_transformed(
        """\
        from flask import url_for


        def test_urls(app):
            with app.test_request_context():
                assert url_for("index") == "/"
            with app.test_request_context(method="POST"):
                pass
            with app.test_request_context("/x", method="POST"):
                pass
        """,
        """\
        from quart import url_for


        async def test_urls(app):
            async with app.test_request_context("/"):
                assert url_for("index") == "/"
            async with app.test_request_context("/", method="POST"):
                pass
            async with app.test_request_context("/x", method="POST"):
                pass
        """,
        path="tests/test_urls.py",
    )


def test_session_transaction_and_client_blocks():
    check_transformed(
        """\
        from flask import session


        def test_session(client, app):
            with client.session_transaction() as sess:
                sess["user_id"] = 1
            with client:
                client.get("/")
                assert session["user_id"] == 1
            with app.test_client() as client:
                assert client.get("/").status_code == 200
        """,
        """\
        from quart import session


        async def test_session(client, app):
            async with client.session_transaction() as sess:
                sess["user_id"] = 1
            async with client:
                await client.get("/")
                assert session["user_id"] == 1
            async with app.test_client() as client:
                assert (await client.get("/")).status_code == 200
        """,
        path="tests/test_session.py",
    )


def test_mixed_with_becomes_the_nested_statements_python_defines_it_as():
    findings = check_transformed(
        """\
        from unittest.mock import patch


        def test_mixed(app, tmp_path):
            # one statement, several items
            with app.app_context(), open(tmp_path / "out", "w") as fh, open(tmp_path / "b", "w"):
                fh.write("x")
            with patch("os.getcwd"), app.test_client() as c, patch("os.getpid") as pid:
                c.get("/")
                pid.assert_not_called()
        """,
        """\
        from unittest.mock import patch


        async def test_mixed(app, tmp_path):
            # one statement, several items
            async with app.app_context():
                with open(tmp_path / "out", "w") as fh, open(tmp_path / "b", "w"):
                    fh.write("x")
            with patch("os.getcwd"):
                async with app.test_client() as c:
                    with patch("os.getpid") as pid:
                        await c.get("/")
                        pid.assert_not_called()
        """,
        path="tests/test_mixed.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    assert findings == []


def test_a_mixed_with_in_brackets_keeps_its_lines_and_comments():
    check_transformed(
        """\
        from unittest.mock import patch


        def test_mixed(client):
            with (
                patch("os.getcwd"),  # the patch
                client as c,  # the client
            ):
                c.get("/")
        """,
        """\
        from unittest.mock import patch


        async def test_mixed(client):
            with (
                patch("os.getcwd"),  # the patch
            ):
                async with (
                    client as c,  # the client
                ):
                    await c.get("/")
        """,
        path="tests/test_mixed.py",
    )


MIXED_APP = """\
from flask import Flask, g

app = Flask(__name__)
app.config["SECRET"] = "real"


@app.route("/")
def index():
    g.seen = app.config["SECRET"]
    return g.seen
"""

MIXED_TEST = """\
from unittest.mock import patch

from app import app


def run():
    with patch.dict(app.config, {"SECRET": "patched"}), app.test_client() as c:
        body = c.get("/").get_data(as_text=True)
        inside = app.config["SECRET"]
    return body, inside, app.config["SECRET"]
"""


def test_the_split_with_runs_as_the_flask_one(tmp_path):
    import asyncio
    import importlib
    import sys

    from tests.helpers import run_rewrite

    output, findings, files = run_rewrite(MIXED_TEST, path="tests/test_mixed.py", files={"app.py": MIXED_APP})
    assert findings == []
    results = []
    for side, sources in (("flask", {"app.py": MIXED_APP, "t.py": MIXED_TEST}), ("quart", {"app.py": files["app.py"], "t.py": output})):
        folder = tmp_path / side
        folder.mkdir()
        for name, text in sources.items():
            (folder / name).write_text(text)
        sys.path.insert(0, str(folder))
        try:
            sys.modules.pop("app", None)
            module = importlib.import_module("t")
            result = module.run()
            results.append(asyncio.run(result) if asyncio.iscoroutine(result) else result)
        finally:
            sys.path.remove(str(folder))
            sys.modules.pop("t", None)
            sys.modules.pop("app", None)
    assert results[0] == ("patched", "patched", "real")
    assert results[1] == results[0]


def test_where_async_with_is_impossible_it_is_reported():
    findings = check_transformed(
        """\
        import click
        from flask import Flask

        app = Flask(__name__)

        with app.app_context():
            pass


        @click.command("init")
        def init_command():
            with app.app_context():
                click.echo("x")
        """,
        """\
        import click
        from quart import Quart
        from quart.cli import with_appcontext

        app = Quart(__name__)

        with app.app_context():
            pass


        @click.command("init")
        @with_appcontext
        def init_command():
            with app.app_context():
                click.echo("x")
        """,
    )
    assert [(f.code, f.line) for f in findings if f.code == "F2Q107"] == [("F2Q107", 6), ("F2Q107", 12)]
    assert "module level" in findings[0].message


def test_sync_context_managers_and_ported_blocks_are_untouched():
    check_noop(
        """\
        async def test_ported(app, tmp_path):
            async with app.app_context():
                pass


        def test_file(tmp_path):
            with open(tmp_path / "x", "w") as fh:
                fh.write("x")
        """,
        path="tests/test_files.py",
    )


def test_request_context_form_data_and_unsupported_arguments():
    findings = check_transformed(
        """\
        from flask import request


        def test_form(app):
            with app.test_request_context("/", method="POST", data={"a": "1"}, base_url="http://x"):
                assert request.form["a"] == "1"
        """,
        """\
        from quart import request


        async def test_form(app):
            async with app.test_request_context("/", method="POST", form={"a": "1"}, base_url="http://x"):
                assert (await request.form)["a"] == "1"
        """,
        path="tests/test_form.py",
    )
    assert [f.code for f in findings] == ["F2Q107"]


def test_the_finding_says_what_to_do():
    findings = check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        class Info:
            @property
            def path(self):
                with app.test_request_context("/x"):
                    return request.path
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        class Info:
            @property
            def path(self):
                with app.test_request_context("/x"):
                    return request.path
        """,
    )
    assert codes(findings) == ["F2Q107"]
    assert findings[0].message.endswith(
        "impossible in `Info.path`, which stays sync: make `Info.path` async and await it where it is "
        "called, or move the block into the async code that calls it"
    )
