from tests.helpers import check_noop, check_transformed

CONFTEST = """\
import pytest

from myapp import create_app


@pytest.fixture
def app():
    return create_app()


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()
"""

MYAPP = """\
import click
from flask import Flask


def create_app():
    return Flask(__name__)


@click.command("init-db")
def init_db_command():
    click.echo("Initialized")
"""

PROJECT = {"tests/conftest.py": CONFTEST, "myapp.py": MYAPP}


def test_invoke_in_a_test_that_became_async_runs_in_a_thread():
    check_transformed(
        """\
        from myapp import init_db_command


        def test_init_db(runner, client):
            assert client.get("/").status_code == 200
            result = runner.invoke(args=["init-db"])  # runs asyncio.run() inside
            assert "Initialized" in result.output
            assert "ok" in runner.invoke(init_db_command, ["--drop"]).output
        """,
        """\
        import asyncio
        from myapp import init_db_command


        async def test_init_db(runner, client):
            assert (await client.get("/")).status_code == 200
            result = await asyncio.to_thread(runner.invoke, args=["init-db"])  # runs asyncio.run() inside
            assert "Initialized" in result.output
            assert "ok" in (await asyncio.to_thread(runner.invoke, init_db_command, ["--drop"])).output
        """,
        path="tests/test_cli.py",
        files=PROJECT,
    )


def test_runner_made_in_the_test_without_arguments():
    check_transformed(
        """\
        import asyncio


        def test_local_runner(app, client):
            client.get("/")
            cli = app.test_cli_runner()
            cli.invoke()
        """,
        """\
        import asyncio


        async def test_local_runner(app, client):
            await client.get("/")
            cli = app.test_cli_runner()
            await asyncio.to_thread(cli.invoke)
        """,
        path="tests/test_local.py",
        files=PROJECT,
    )


def test_invoke_in_a_sync_test_stays_as_it_is():
    check_noop(
        """\
        def test_init_db(runner):
            result = runner.invoke(args=["init-db"])
            assert result.exit_code == 0
        """,
        path="tests/test_sync_cli.py",
        files=PROJECT,
    )
