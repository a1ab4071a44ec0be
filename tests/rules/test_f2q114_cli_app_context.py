from tests.helpers import check_noop, check_transformed, codes


def test_app_cli_commands_ask_for_the_app_context():
    check_transformed(
        """\
        import click
        from flask import Blueprint, Flask, current_app

        app = Flask(__name__)
        bp = Blueprint("admin", __name__)


        @app.cli.command("seed")
        def seed():
            click.echo(current_app.name)


        @app.cli.command()
        def hello():
            pass


        @app.cli.command
        def bare():
            pass


        @bp.cli.command("rename")
        @click.argument("name")
        def rename(name):
            pass
        """,
        """\
        import click
        from quart import Blueprint, Quart, current_app

        app = Quart(__name__)
        bp = Blueprint("admin", __name__)


        @app.cli.command("seed", with_appcontext=True)
        def seed():
            click.echo(current_app.name)


        @app.cli.command(with_appcontext=True)
        def hello():
            pass


        @app.cli.command(with_appcontext=True)
        def bare():
            pass


        @bp.cli.command("rename", with_appcontext=True)
        @click.argument("name")
        def rename(name):
            pass
        """,
    )


def test_click_command_gets_with_appcontext_imported_from_quart_cli():
    check_transformed(
        """\
        import click
        from flask import current_app, g


        @click.command("init-db")
        @click.option("--drop", is_flag=True)
        def init_db_command(drop):
            \"\"\"Clear the existing data and create new tables.\"\"\"
            g.db = current_app.config["DATABASE"]
            click.echo("Initialized the database.")
        """,
        """\
        import click
        from quart import current_app, g
        from quart.cli import with_appcontext


        @click.command("init-db")
        @with_appcontext
        @click.option("--drop", is_flag=True)
        def init_db_command(drop):
            \"\"\"Clear the existing data and create new tables.\"\"\"
            g.db = current_app.config["DATABASE"]
            click.echo("Initialized the database.")
        """,
    )


def test_commands_that_already_choose_are_left_as_they_are():
    check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        @app.cli.command("no-context", with_appcontext=False)
        def no_context():
            pass
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        @app.cli.command("no-context", with_appcontext=False)
        def no_context():
            pass
        """,
    )


def test_command_calling_a_function_that_became_async_is_reported():
    findings = check_transformed(
        """\
        import click
        from flask import Flask, render_template

        app = Flask(__name__)


        def render_mail():
            return render_template("mail.txt")


        @app.cli.command("mail")
        def mail():
            click.echo(render_mail())
        """,
        """\
        import click
        from quart import Quart, render_template

        app = Quart(__name__)


        async def render_mail():
            return await render_template("mail.txt")


        @app.cli.command("mail", with_appcontext=True)
        def mail():
            click.echo(render_mail())
        """,
    )
    assert codes(findings) == ["F2Q114", "F2Q105"]
    assert [f.line for f in findings] == [12, 13]
    assert "render_mail" in findings[0].message


def test_click_tool_outside_flask_is_untouched():
    check_noop(
        """\
        # release tooling for the flask project (does not import it)
        import click


        @click.command("release")
        def release():
            click.echo("tagging")
        """,
        path="tools.py",
    )


def test_existing_with_appcontext_import_is_reused():
    check_transformed(
        """\
        import click
        from flask.cli import with_appcontext


        @click.command("a")
        def a():
            pass
        """,
        """\
        import click
        from quart.cli import with_appcontext


        @click.command("a")
        @with_appcontext
        def a():
            pass
        """,
    )
