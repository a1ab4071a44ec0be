"""F2Q322: Flask-Migrate uses are reported with their Alembic form (never rewritten)."""

from __future__ import annotations

from flask2quart.findings import Finding
from tests.helpers import check_noop

ONLY = ("F2Q322",)


def sites(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.severity.value) for f in findings if f.code == "F2Q322"]


def test_setup_and_commands_are_reported_across_modules() -> None:
    findings = check_noop(
        """\
        import click
        from flask_migrate import upgrade as db_upgrade, stamp

        from app.extensions import migrate, db


        def create_app(app):
            migrate.init_app(app, db)
            return app


        @click.command()
        def deploy():
            db_upgrade()
            stamp(revision="head")
        """,
        path="app/factory.py",
        files={
            "app/__init__.py": "",
            "app/extensions.py": (
                "import flask_migrate as fm\nfrom flask_sqlalchemy import SQLAlchemy\n\n"
                "db = SQLAlchemy()\nmigrate = fm.Migrate()\n"
            ),
        },
        select=ONLY,
    )
    assert sites(findings) == [
        ("app/extensions.py", 1, "warning"),
        ("app/extensions.py", 5, "error"),  # fm.Migrate()
        ("app/factory.py", 2, "warning"),
        ("app/factory.py", 8, "error"),  # migrate.init_app
        ("app/factory.py", 14, "warning"),  # upgrade, imported under another name
        ("app/factory.py", 15, "warning"),
    ]
    by_line = {(f.path, f.line): f.message for f in findings}
    assert "`fm.Migrate()`" in by_line[("app/extensions.py", 5)]
    assert "alembic upgrade head" in by_line[("app/extensions.py", 5)]
    assert 'alembic.command.upgrade(config, "head")' in by_line[("app/factory.py", 14)]
    assert 'alembic.command.stamp(config, "head")' in by_line[("app/factory.py", 15)]
    assert all("docs/extensions.md#flask-migrate" in f.message for f in findings)


def test_inline_migrate_and_a_project_without_it() -> None:
    findings = check_noop(
        """\
        from flask import Flask
        from flask_migrate import Migrate

        app = Flask(__name__)
        Migrate(app, None)
        """,
        select=ONLY,
    )
    assert sites(findings) == [("app.py", 2, "warning"), ("app.py", 5, "error")]
    assert check_noop("from flask import Flask\n\napp = Flask(__name__)\nmigrate = object()\n", select=ONLY) == []
