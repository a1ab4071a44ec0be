"""SQLite database helpers and the database CLI commands.

One connection is opened per application context, stored on ``g``, and
closed again when the context is torn down.
"""

import sqlite3
from datetime import datetime
import os

import click
from quart import current_app, g
from quart.cli import with_appcontext


def get_db():
    """Return the database connection of the current app context.

    The first call opens the connection and stores it on ``g``; later calls
    in the same context get the same connection back.
    """
    if "db" not in g:
        g.db = sqlite3.connect(current_app.config["DATABASE"], detect_types=sqlite3.PARSE_DECLTYPES)
        g.db.row_factory = sqlite3.Row

    return g.db


async def close_db(e=None):
    """Close the connection if this context opened one."""
    db = g.pop("db", None)

    if db is not None:
        db.close()


def init_db():
    """Drop any existing tables and create them again."""
    db = get_db()

    with open(os.path.join(current_app.root_path, "schema.sql"), "rb") as f:
        db.executescript(f.read().decode("utf8"))


@click.command("init-db")
@with_appcontext
def init_db_command():
    """Recreate all tables. Existing data is lost."""
    init_db()
    click.echo("Initialized the database.")


@click.command("create-user")
@click.argument("username")
@click.password_option()
@with_appcontext
def create_user_command(username, password):
    """Add a team member, e.g. the first one of a new board."""
    # imported here: models imports this module
    from .models import User

    if User.get_by_username(username) is not None:
        raise click.ClickException(f"The user {username} already exists.")

    user = User.create(username, password)
    click.echo(f"Created user {user.username} (id {user.id}).")


sqlite3.register_converter("timestamp", lambda v: datetime.fromisoformat(v.decode()))


def init_app(app):
    """Hook the database helpers into ``app`` (used by ``create_app``)."""
    app.teardown_appcontext(close_db)
    app.cli.add_command(init_db_command)
    app.cli.add_command(create_user_command)
