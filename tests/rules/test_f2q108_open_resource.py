from tests.helpers import check_noop, check_transformed


def test_sync_code_opens_the_file_the_way_flask_does():
    check_transformed(
        """\
        import click
        from flask import current_app, g


        def init_db():
            db = g.db
            with current_app.open_resource("schema.sql") as f:
                db.executescript(f.read().decode("utf8"))


        @click.command("init-db")
        def init_db_command():
            init_db()
        """,
        """\
        import os
        import click
        from quart import current_app, g
        from quart.cli import with_appcontext


        def init_db():
            db = g.db
            with open(os.path.join(current_app.root_path, "schema.sql"), "rb") as f:
                db.executescript(f.read().decode("utf8"))


        @click.command("init-db")
        @with_appcontext
        def init_db_command():
            init_db()
        """,
    )


def test_sync_code_keeps_mode_and_encoding_and_instance_path():
    check_transformed(
        """\
        import os

        from flask import Flask

        app = Flask(__name__, instance_relative_config=True)


        def load_texts():
            text = app.open_resource("motd.txt", "r", encoding="utf-8").read()
            config = app.open_instance_resource("settings.cfg")
            return text, config
        """,
        """\
        import os

        from quart import Quart

        app = Quart(__name__, instance_relative_config=True)


        def load_texts():
            text = open(os.path.join(app.root_path, "motd.txt"), "r", encoding="utf-8").read()
            config = open(os.path.join(app.instance_path, "settings.cfg"), "rb")
            return text, config
        """,
    )


def test_async_code_awaits_the_resource_and_its_reads():
    check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        @app.route("/raw")
        def raw():
            fh = app.open_resource("static/data.txt")
            data = fh.read()
            fh.close()
            return data
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        @app.route("/raw")
        async def raw():
            fh = await app.open_resource("static/data.txt")
            data = await fh.read()
            await fh.close()
            return data
        """,
    )


def test_async_with_statement_gets_await_on_the_resource():
    check_transformed(
        """\
        from flask import Flask, current_app

        app = Flask(__name__)


        @app.route("/schema")
        def schema():
            with current_app.open_resource("schema.sql") as f:  # read the schema
                pass
            return "ok"
        """,
        """\
        from quart import Quart, current_app

        app = Quart(__name__)


        @app.route("/schema")
        async def schema():
            async with await current_app.open_resource("schema.sql") as f:  # read the schema
                pass
            return "ok"
        """,
    )


def test_already_ported_open_resource_is_not_awaited_twice():
    check_noop(
        '''\
        """Ported from Flask."""
        from quart import current_app


        async def schema():
            async with await current_app.open_resource("schema.sql") as f:
                return await f.read()
        '''
    )


def test_file_read_in_async_code_is_awaited():
    check_transformed(
        """\
        from flask import Flask, current_app

        app = Flask(__name__)


        @app.route("/s")
        def schema():
            with current_app.open_resource("schema.sql") as f:
                return f.read()
        """,
        """\
        from quart import Quart, current_app

        app = Quart(__name__)


        @app.route("/s")
        async def schema():
            async with await current_app.open_resource("schema.sql") as f:
                return await f.read()
        """,
    )
