"""F2Q322: Flask-Migrate is kept through the bridge; without it, every use is reported.

With F2Q327 (the default) Flask-Migrate runs under Quart through the generated ``flask_bridge``
module, its ``db`` commands under the ``quart`` CLI: this rule only notes each import (INFO).
Without F2Q327, the report-only mode below applies (run Alembic directly).

Flask-Migrate is a thin layer that runs Alembic through Flask's CLI (``flask db upgrade``) inside a
Flask app context, with the metadata of Flask-SQLAlchemy's ``db``; neither exists once the app runs
on Quart, and there is no Quart port (reference §5). The migrations folder it made *is* an Alembic
environment, so the history is kept: ``migrations/alembic.ini`` moves to the project root with
``script_location = migrations``, ``env.py`` is rewritten without ``current_app`` (``target_metadata``
is your ``DeclarativeBase``'s metadata, the URL your database's) and the commands become ``alembic
upgrade head`` (verified on a Flask-Migrate 4.1.0 folder: the database it had upgraded stays at
head, a fresh one upgrades, ``alembic check`` finds no difference). Nothing is rewritten; each use site is one finding:

- **ERROR**: ``Migrate(app, db)`` and ``migrate.init_app(app, db)`` (the setup to replace);
- **WARNING**: calls of its command functions (``upgrade()``, ``downgrade()``, ``migrate()``,
  ``stamp()``...) with their ``alembic.command`` form, and any other name of the extension.

Scripts that run ``flask db ...`` (Dockerfile, Procfile, Makefile) are not read by this rule.

Docs: https://alembic.sqlalchemy.org/en/latest/api/commands.html; recipe:
docs/extensions.md#flask-migrate
"""

from __future__ import annotations

from ...findings import Severity
from ._report_extension import CALL, ExtensionReport, Report, Use

#: Flask-Migrate's command functions and their Alembic spelling (``flask_migrate.upgrade``).
_COMMANDS = {
    "upgrade": 'command.upgrade(config, "head")',
    "downgrade": 'command.downgrade(config, "-1")',
    "migrate": 'command.revision(config, message, autogenerate=True)',
    "revision": "command.revision(config, message)",
    "init": 'command.init(config, "migrations")',
    "stamp": 'command.stamp(config, "head")',
    "current": "command.current(config)",
    "history": "command.history(config)",
    "heads": "command.heads(config)",
    "branches": "command.branches(config)",
    "merge": "command.merge(config, revisions)",
    "show": "command.show(config, revision)",
    "edit": "command.edit(config, revision)",
    "check": "command.check(config)",
    "list_templates": "command.list_templates(config)",
}


class FlaskMigrate(ExtensionReport):
    code = "F2Q322"
    name = "flask-migrate"
    modules = frozenset({"flask_migrate"})
    title = "Flask-Migrate"
    anchor = "flask-migrate"
    replacement = "Alembic itself (`alembic upgrade head`)"

    def describe(self, use: Use) -> Report | None:
        if self.bridged:
            return None  # its commands run under the quart CLI, in Quart's app context (F2Q327)
        if use.kind == "name" and use.member == "Migrate" and use.path[:1] == (CALL,):
            return (
                f"`{use.spelling}`: Flask-Migrate runs Alembic through Flask's CLI and app context: drop it and "
                "run Alembic directly (`alembic upgrade head`); the migrations folder it made keeps its history: "
                "move `migrations/alembic.ini` to the project root with `script_location = migrations`, and "
                "rewrite `env.py` without `current_app` (your `DeclarativeBase`'s metadata, the database URL)",
                Severity.ERROR,
            )
        if use.kind == "object" and use.attrs[:1] == ("init_app",):
            return (f"`{use.spelling}`: drop it; run Alembic directly (`alembic upgrade head`)", Severity.ERROR)
        if use.kind == "name" and use.member in _COMMANDS:
            return (
                f"`{use.spelling}`: `alembic.{_COMMANDS[use.member]}` with `config = "
                "alembic.config.Config(\"alembic.ini\")` (a blocking call: run it from the command line or a "
                "CLI command, not in a view)",
                Severity.WARNING,
            )
        if use.kind == "name":
            return (f"`{use.spelling}` is Flask-Migrate's: use Alembic's own API", Severity.WARNING)
        return None
