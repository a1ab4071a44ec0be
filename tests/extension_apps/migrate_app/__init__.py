"""Flask-Migrate: ``flask db init/migrate/upgrade`` on a Flask-SQLAlchemy model."""

from __future__ import annotations

import os

from flask import Flask
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
migrate = Migrate()


class Task(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(80), nullable=False)


def create_app(config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI=os.environ.get("TASKS_DATABASE", "sqlite://"), **(config or {}))
    db.init_app(app)
    migrate.init_app(app, db, directory=os.environ.get("TASKS_MIGRATIONS", "migrations"))
    return app
