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


def test_mixed_with_is_reported_not_split():
    findings = check_transformed(
        """\
        def test_mixed(app, tmp_path):
            with app.app_context(), open(tmp_path / "out", "w") as fh:
                fh.write("x")
        """,
        """\
        async def test_mixed(app, tmp_path):
            with app.app_context(), open(tmp_path / "out", "w") as fh:
                fh.write("x")
        """,
        path="tests/test_mixed.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    assert codes(findings) == ["F2Q107"]
    assert findings[0].line == 2
    assert "split it" in findings[0].message


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
