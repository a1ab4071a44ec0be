"""Deterministic benchmark corpus for ``flask2quart rewrite``.

``python benchmarks/corpus.py [DIR] [--lines N] [--seed S]`` writes a tree of Python files (default:
a fresh temporary folder) and prints its line count and its Flask/non-Flask split. The same seed and
line target always give byte-identical files. Everything is generated from templates in this file
(names, number of views/functions, bodies and optional blocks vary); it contains no code from any
other project. Every file is checked with :func:`compile` before the generator returns.

The mix, by lines (target ``--lines``, default 110,000; at least 100,000 is what the benchmark wants):

``flask_apps/<pkg>/`` (about 40 %)
    Flask application packages, each with an ``__init__.py`` app factory (``create_app``, error
    handlers, optional CLI command and context processor), ``db.py`` (an SQLite connection kept on
    ``g``, ``teardown_appcontext``, a ``click`` ``init-db`` command, schema from ``open_resource`` or
    an inline string), ``auth.py`` (register/login/logout, ``before_app_request`` user loading, a
    ``functools.wraps`` ``login_required`` decorator), two to four resource blueprints (list, create,
    detail, update, delete, search, JSON API via ``get_json``/``jsonify``, CSV export via
    ``send_file``, uploads via ``request.files``, sometimes a ``MethodView``), a plain ``services.py``
    without Flask, and ``tests/`` with ``conftest.py`` (app/client/runner/auth fixtures) and test
    modules that drive the test client (``client.get/post``, ``data=``/``json=``, ``get_json()``,
    ``runner.invoke``, ``monkeypatch``).

``libs/<lib>/`` (about 50 %, of which a tenth are tests)
    Plain library packages that never mention Flask: dataclasses, enums, collection classes,
    exception hierarchies, context managers, ABCs, a small tokenizer/parser, async helpers and many
    free functions (comprehensions, generators, closures, decorators). Each package has an
    ``__init__.py`` re-exporting names with relative imports, and about half of its modules import
    siblings relatively (``from .errors import ...``), as real libraries do. About one package in
    two also has ``tests/test_*.py`` plain pytest modules.

``scripts/`` (about 10 %)
    Stand-alone command line scripts (``argparse``, ``pathlib``, ``csv``/``json``) built from the same
    library building blocks; no relative imports, no Flask.

So only the ``flask_apps`` files can involve Flask; a fast rewrite skips the rest without parsing
(the library tests and relative imports show whether its cheap pre-filter really is cheap).
"""

from __future__ import annotations

import argparse
import random
import shutil
import sys
import tempfile
import textwrap
from dataclasses import dataclass, field
from pathlib import Path
from string import Template

DEFAULT_LINES = 110_000
DEFAULT_SEED = 20_240_611
FLASK_SHARE = 0.40
SCRIPT_SHARE = 0.15  # of the non-Flask lines, i.e. about 9 % of the corpus

__all__ = ["DEFAULT_LINES", "DEFAULT_SEED", "CorpusStats", "generate"]


# --- small helpers -------------------------------------------------------------------------------


def _t(text: str, **values: object) -> str:
    """Dedent a ``$name`` template and fill it in."""
    return Template(textwrap.dedent(text).lstrip("\n")).substitute({k: str(v) for k, v in values.items()})


def _indent(block: str, spaces: int) -> str:
    return textwrap.indent(block, " " * spaces, lambda line: bool(line.strip()))


def _camel(snake: str) -> str:
    return "".join(part.capitalize() for part in snake.split("_"))


def _imports(items: set[tuple[str, str]]) -> str:
    """Render ``{("os", ""), ("typing", "Any")}`` as sorted stdlib import lines."""
    plain = sorted(module for module, name in items if not name)
    froms: dict[str, set[str]] = {}
    for module, name in items:
        if name:
            froms.setdefault(module, set()).add(name)
    lines = [f"import {module}" for module in plain]
    lines += [f"from {module} import {', '.join(sorted(names))}" for module, names in sorted(froms.items())]
    return "\n".join(lines)


def _module(docstring: str, imports: str, body: list[str]) -> str:
    parts = [f'"""{docstring}"""', "", "from __future__ import annotations", ""]
    if imports:
        parts += [imports, ""]
    text = "\n".join(parts) + "\n"
    for block in body:
        text += "\n" + block.strip("\n") + "\n\n"
    return text.rstrip("\n") + "\n"


# --- name pools ----------------------------------------------------------------------------------

APP_WORDS = [
    "ledger", "harbor", "orchard", "beacon", "quarry", "lantern", "meadow", "summit", "canyon",
    "atlas", "cobalt", "ember", "falcon", "glacier", "juniper", "kestrel", "lagoon", "marble",
    "nimbus", "onyx", "prairie", "quill", "raven", "sierra", "tundra", "umber", "vertex", "willow",
    "yarrow", "zephyr", "basalt", "cedar", "dune", "fjord", "grove", "heron",
]
APP_SUFFIXES = ["hub", "desk", "board", "works", "box", "base", "track", "log", "deck", "post"]

#: resource name -> (field, kind) with kind "text" or "int" or "num"
ENTITIES: dict[str, list[tuple[str, str]]] = {
    "note": [("title", "text"), ("body", "text")],
    "purchase": [("customer", "text"), ("amount", "num"), ("status", "text")],
    "ticket": [("subject", "text"), ("priority", "int"), ("body", "text")],
    "recipe": [("title", "text"), ("servings", "int"), ("steps", "text")],
    "invoice": [("number", "text"), ("total", "num"), ("due", "text")],
    "photo": [("caption", "text"), ("filename", "text")],
    "task": [("title", "text"), ("due", "text"), ("estimate", "int")],
    "comment": [("author", "text"), ("body", "text")],
    "product": [("name", "text"), ("price", "num"), ("sku", "text")],
    "event": [("title", "text"), ("starts", "text"), ("venue", "text")],
    "bookmark": [("url", "text"), ("label", "text")],
    "review": [("rating", "int"), ("body", "text")],
    "expense": [("label", "text"), ("amount", "num"), ("category", "text")],
    "project": [("name", "text"), ("budget", "num"), ("owner", "text")],
}

LIB_WORDS = [
    "geometry", "inventory", "textkit", "chronos", "matrix", "graphs", "retrying", "units",
    "pricing", "shipping", "telemetry", "scheduler", "cartography", "ledgers", "audio", "genome",
    "weather", "routing", "catalog", "metrics", "survey", "payroll", "fleet", "harvest", "signals",
    "orbit", "tariffs", "rosters", "archive", "census", "kitchen", "voyage", "assembly", "tiles",
]
LIB_SUFFIXES = ["", "kit", "core", "tools", "lib", "py"]

NOUNS = [
    "parcel", "shipment", "sensor", "reading", "account", "route", "tile", "sample", "token",
    "rule", "schedule", "budget", "measurement", "station", "batch", "asset", "segment", "vector",
    "invoice_line", "crew", "voyage", "pallet", "meter", "ballot", "cargo", "district", "quota",
    "forecast", "shelf", "depot", "lane", "harvest", "spindle", "chart", "relay", "beacon",
]
FIELD_POOL: list[tuple[str, str, str]] = [
    ("ident", "str", ""),
    ("label", "str", '""'),
    ("weight", "float", "0.0"),
    ("count", "int", "0"),
    ("priority", "int", "0"),
    ("ratio", "float", "1.0"),
    ("owner", "str", '"nobody"'),
    ("region", "str", '"north"'),
    ("active", "bool", "True"),
    ("score", "float", "0.0"),
    ("capacity", "int", "10"),
    ("code", "str", '"X"'),
]
MODULE_NAMES = [
    "core", "models", "utils", "parsing", "storage", "validation", "reports", "stats", "formats",
    "planning", "transforms", "registry", "pipeline", "geometry", "timing", "encoding", "layout",
    "scoring", "search", "queueing",
]


# --- Flask application packages ------------------------------------------------------------------


@dataclass
class _Entity:
    name: str
    fields: list[tuple[str, str]]
    views: list[str] = field(default_factory=list)
    method_view: bool = False

    @property
    def plural(self) -> str:
        return self.name + "s"

    @property
    def first(self) -> str:
        return self.fields[0][0]


def _value_expr(kind: str, source: str) -> str:
    if kind == "int":
        return f"int({source} or 0)"
    if kind == "num":
        return f"float({source} or 0)"
    return f"{source}.strip()"


def _schema(entities: list[_Entity]) -> str:
    tables = [
        "CREATE TABLE user (\n"
        "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
        "  username TEXT UNIQUE NOT NULL,\n"
        "  password TEXT NOT NULL\n"
        ");"
    ]
    for entity in entities:
        cols = ",\n".join(
            f"  {name} {'INTEGER' if kind == 'int' else 'REAL' if kind == 'num' else 'TEXT'} NOT NULL"
            for name, kind in entity.fields
        )
        tables.append(
            f"CREATE TABLE {entity.name} (\n"
            "  id INTEGER PRIMARY KEY AUTOINCREMENT,\n"
            "  author_id INTEGER NOT NULL,\n"
            "  created TIMESTAMP NOT NULL DEFAULT CURRENT_TIMESTAMP,\n"
            f"{cols},\n"
            "  FOREIGN KEY (author_id) REFERENCES user (id)\n"
            ");"
        )
    drops = "\n".join(f"DROP TABLE IF EXISTS {e.name};" for e in entities)
    return "DROP TABLE IF EXISTS user;\n" + drops + "\n\n" + "\n\n".join(tables) + "\n"


def _app_init(pkg: str, entities: list[_Entity], rng: random.Random) -> str:
    names = {"Flask", "jsonify", "render_template"}
    register = "\n".join(
        f"\n    from . import {e.plural}\n\n    app.register_blueprint({e.plural}.bp)" for e in entities
    )
    extras: list[str] = []
    if rng.random() < 0.6:
        extras.append(
            _t(
                """
                @app.errorhandler(500)
                def server_error(error):
                    app.logger.exception("unhandled error: %s", error)
                    return render_template("errors/500.html"), 500
                """
            )
        )
    if rng.random() < 0.5:
        extras.append(
            _t(
                """
                @app.context_processor
                def inject_globals():
                    return {"app_name": "$title", "year": $year}
                """,
                title=pkg.capitalize(),
                year=rng.randint(2019, 2025),
            )
        )
    if rng.random() < 0.5:
        extras.append(
            _t(
                """
                @app.cli.command("stats")
                def stats_command():
                    \"\"\"Print how many rows each table holds.\"\"\"
                    from .db import get_db

                    db = get_db()
                    for table in ($tables):
                        count = db.execute(f"SELECT COUNT(*) FROM {table}").fetchone()[0]
                        print(f"{table}: {count}")
                """,
                tables=", ".join(f'"{e.name}"' for e in entities) + ("," if len(entities) == 1 else ""),
            )
        )
    if rng.random() < 0.4:
        names.add("request")
        extras.append(
            _t(
                """
                @app.after_request
                def add_headers(response):
                    response.headers["X-Served-By"] = "$pkg"
                    if request.path.startswith("/static/"):
                        response.cache_control.max_age = $age
                    return response
                """,
                pkg=pkg,
                age=rng.choice([60, 300, 3600, 86400]),
            )
        )
    return _t(
        '''
        """$title: create the Flask application."""

        from __future__ import annotations

        import os

        from flask import $names

        __version__ = "$version"


        def create_app(test_config=None):
            """Create and configure an instance of the application."""
            app = Flask(__name__, instance_relative_config=True)
            app.config.from_mapping(
                SECRET_KEY="dev",
                DATABASE=os.path.join(app.instance_path, "$pkg.sqlite"),
                UPLOAD_FOLDER=os.path.join(app.instance_path, "uploads"),
                PAGE_SIZE=$page_size,
                MAX_CONTENT_LENGTH=$max_len * 1024 * 1024,
            )

            if test_config is None:
                app.config.from_pyfile("config.py", silent=True)
            else:
                app.config.update(test_config)

            os.makedirs(app.instance_path, exist_ok=True)

            from . import db

            db.init_app(app)

            from . import auth

            app.register_blueprint(auth.bp)
        $register

            @app.route("/health")
            def health():
                return jsonify(status="ok", version=__version__)

            @app.errorhandler(404)
            def not_found(error):
                return render_template("errors/404.html", error=error), 404

        $extras
            app.add_url_rule("/", endpoint="$first.index")
            return app
        ''',
        title=pkg.capitalize(),
        names=", ".join(sorted(names)),
        version=f"{rng.randint(0, 3)}.{rng.randint(0, 20)}.{rng.randint(0, 9)}",
        pkg=pkg,
        page_size=rng.choice([10, 20, 25, 50]),
        max_len=rng.choice([4, 8, 16]),
        register=register,
        extras="\n".join(_indent(e, 4) for e in extras),
        first=entities[0].plural,
    )


def _app_db(pkg: str, entities: list[_Entity], rng: random.Random) -> str:
    inline = rng.random() < 0.5
    schema = (
        'SCHEMA = """\n' + _schema(entities) + '"""\n' if inline else ""
    )
    if inline:
        load = "db.executescript(SCHEMA)"
    else:
        load = 'with current_app.open_resource("schema.sql") as f:\n        db.executescript(f.read().decode("utf8"))'
    helper = ""
    if rng.random() < 0.6:
        helper = "\n\n" + _t(
            """

            def query(sql, args=(), one=False):
                \"\"\"Run a SELECT and return all rows, or the first one.\"\"\"
                cursor = get_db().execute(sql, args)
                rows = cursor.fetchall()
                cursor.close()
                return (rows[0] if rows else None) if one else rows
            """
        ).rstrip("\n")
    return _t(
        '''
        """Database access for $pkg: one SQLite connection per request, kept on ``g``."""

        from __future__ import annotations

        import sqlite3
        from datetime import datetime

        import click
        from flask import current_app, g

        $schema

        def get_db():
            """Connect to the configured database, once per request."""
            if "db" not in g:
                g.db = sqlite3.connect(
                    current_app.config["DATABASE"], detect_types=sqlite3.PARSE_DECLTYPES
                )
                g.db.row_factory = sqlite3.Row
            return g.db


        def close_db(e=None):
            db = g.pop("db", None)
            if db is not None:
                db.close()
        $helper

        def init_db():
            """Clear existing data and create new tables."""
            db = get_db()
            $load


        @click.command("init-db")
        def init_db_command():
            """Clear the existing data and create new tables."""
            init_db()
            click.echo("Initialized the database.")


        sqlite3.register_converter("timestamp", lambda v: datetime.fromisoformat(v.decode()))


        def init_app(app):
            app.teardown_appcontext(close_db)
            app.cli.add_command(init_db_command)
        ''',
        pkg=pkg,
        schema=schema,
        helper=helper,
        load=load,
    )


def _app_auth(pkg: str, rng: random.Random) -> str:
    wrapper = rng.choice(["wrapped_view", "decorated", "inner", "guarded"])
    min_pw = rng.randint(4, 12)
    admin = ""
    if rng.random() < 0.5:
        admin = "\n\n\n" + _t(
            """


            def admin_required(view):
                \"\"\"Only the first registered user may pass.\"\"\"

                @functools.wraps(view)
                def $wrapper(*args, **kwargs):
                    if g.user is None or g.user["id"] != 1:
                        abort(403)
                    return view(*args, **kwargs)

                return $wrapper
            """,
            wrapper=wrapper,
        ).rstrip("\n")
    remember = ""
    if rng.random() < 0.5:
        remember = '\n            session.permanent = bool(request.form.get("remember"))'
    return _t(
        '''
        """Registration, login, logout and the ``login_required`` decorator."""

        from __future__ import annotations

        import functools

        from flask import Blueprint, abort, flash, g, redirect, render_template, request, session, url_for
        from werkzeug.security import check_password_hash, generate_password_hash

        from .db import get_db

        bp = Blueprint("auth", __name__, url_prefix="/auth")

        MIN_PASSWORD = $min_pw


        def login_required(view):
            """Redirect anonymous users to the login page."""

            @functools.wraps(view)
            def $wrapper(**kwargs):
                if g.user is None:
                    return redirect(url_for("auth.login", next=request.path))
                return view(**kwargs)

            return $wrapper$admin


        @bp.before_app_request
        def load_logged_in_user():
            user_id = session.get("user_id")
            if user_id is None:
                g.user = None
            else:
                g.user = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()


        @bp.route("/register", methods=("GET", "POST"))
        def register():
            if request.method == "POST":
                username = request.form["username"].strip()
                password = request.form["password"]
                db = get_db()
                error = None
                if not username:
                    error = "Username is required."
                elif not password:
                    error = "Password is required."
                elif len(password) < MIN_PASSWORD:
                    error = f"Password must have at least {MIN_PASSWORD} characters."
                if error is None:
                    try:
                        db.execute(
                            "INSERT INTO user (username, password) VALUES (?, ?)",
                            (username, generate_password_hash(password)),
                        )
                        db.commit()
                    except db.IntegrityError:
                        error = f"User {username} is already registered."
                    else:
                        return redirect(url_for("auth.login"))
                flash(error)
            return render_template("auth/register.html")


        @bp.route("/login", methods=("GET", "POST"))
        def login():
            if request.method == "POST":
                username = request.form["username"]
                password = request.form["password"]
                user = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
                error = None
                if user is None:
                    error = "Incorrect username."
                elif not check_password_hash(user["password"], password):
                    error = "Incorrect password."
                if error is None:
                    session.clear()
                    session["user_id"] = user["id"]$remember
                    return redirect(request.args.get("next") or url_for("index"))
                flash(error, "error")
            return render_template("auth/login.html")


        @bp.route("/logout")
        def logout():
            session.clear()
            flash("You have been logged out.")
            return redirect(url_for("index"))
        ''',
        min_pw=min_pw,
        wrapper=wrapper,
        admin=admin,
        remember=remember,
    )


def _view_code(entity: _Entity, view: str, rng: random.Random) -> tuple[str, set[str]]:
    """One view of a resource blueprint: its code and the Flask names it uses."""
    e, p = entity.name, entity.plural
    cols = ", ".join(f for f, _ in entity.fields)
    marks = ", ".join("?" for _ in entity.fields)
    read_form = "\n".join(
        "        " + f + " = " + _value_expr(k, 'request.form.get("' + f + '", "")') for f, k in entity.fields
    )
    checks = f"        if not {entity.first}:\n            error = \"{entity.first.capitalize()} is required.\""
    for f, k in entity.fields[1:]:
        if k != "text" and rng.random() < 0.7:
            checks += f"\n        elif {f} < 0:\n            error = \"{f.capitalize()} cannot be negative.\""
    values = ", ".join(f for f, _ in entity.fields)
    if view == "index":
        order = rng.choice(["created DESC", "id DESC", f"{entity.first} ASC"])
        return (
            _t(
                """
                @bp.route("/")
                def index():
                    page = max(request.args.get("page", 1, type=int), 1)
                    size = current_app.config.get("PAGE_SIZE", $size)
                    rows = get_db().execute(
                        "SELECT id, author_id, created, $cols FROM $e ORDER BY $order LIMIT ? OFFSET ?",
                        (size, (page - 1) * size),
                    ).fetchall()
                    return render_template("$p/index.html", $p=rows, page=page)
                """,
                size=rng.choice([10, 20, 30]),
                cols=cols,
                e=e,
                p=p,
                order=order,
            ),
            {"request", "current_app", "render_template"},
        )
    if view == "get":
        return (
            _t(
                """
                def get_$e(id, check_author=True):
                    \"\"\"The $e with this id, or 404; 403 unless it belongs to the current user.\"\"\"
                    row = get_db().execute("SELECT * FROM $e WHERE id = ?", (id,)).fetchone()
                    if row is None:
                        abort(404, f"$E id {id} doesn't exist.")
                    if check_author and row["author_id"] != g.user["id"]:
                        abort(403)
                    return row
                """,
                e=e,
                E=e.capitalize(),
            ),
            {"abort", "g"},
        )
    if view == "create":
        return (
            _t(
                """
                @bp.route("/create", methods=("GET", "POST"))
                @login_required
                def create():
                    if request.method == "POST":
                $read_form
                        error = None
                $checks
                        if error is not None:
                            flash(error)
                        else:
                            db = get_db()
                            db.execute(
                                "INSERT INTO $e (author_id, $cols) VALUES (?, $marks)",
                                (g.user["id"], $values),
                            )
                            db.commit()
                            flash("$E created.", "success")
                            return redirect(url_for("$p.index"))
                    return render_template("$p/create.html")
                """,
                read_form=read_form,
                checks=checks,
                e=e,
                E=e.capitalize(),
                p=p,
                cols=cols,
                marks=marks,
                values=values,
            ),
            {"request", "flash", "g", "redirect", "url_for", "render_template"},
        )
    if view == "detail":
        return (
            _t(
                """
                @bp.route("/<int:id>")
                def detail(id):
                    row = get_$e(id, check_author=False)
                    if request.args.get("format") == "json":
                        return jsonify({key: row[key] for key in row.keys()})
                    return render_template("$p/detail.html", $e=row)
                """,
                e=e,
                p=p,
            ),
            {"request", "jsonify", "render_template"},
        )
    if view == "update":
        sets = ", ".join(f"{f} = ?" for f, _ in entity.fields)
        return (
            _t(
                """
                @bp.route("/<int:id>/update", methods=("GET", "POST"))
                @login_required
                def update(id):
                    row = get_$e(id)
                    if request.method == "POST":
                $read_form
                        error = None
                $checks
                        if error is not None:
                            flash(error)
                        else:
                            db = get_db()
                            db.execute("UPDATE $e SET $sets WHERE id = ?", ($values, id))
                            db.commit()
                            return redirect(url_for("$p.detail", id=id))
                    return render_template("$p/update.html", $e=row)
                """,
                read_form=read_form,
                checks=checks,
                e=e,
                p=p,
                sets=sets,
                values=values,
            ),
            {"request", "flash", "redirect", "url_for", "render_template"},
        )
    if view == "delete":
        return (
            _t(
                """
                @bp.route("/<int:id>/delete", methods=("POST",))
                @login_required
                def delete(id):
                    get_$e(id)
                    db = get_db()
                    db.execute("DELETE FROM $e WHERE id = ?", (id,))
                    db.commit()
                    flash("$E deleted.")
                    return redirect(url_for("$p.index"))
                """,
                e=e,
                E=e.capitalize(),
                p=p,
            ),
            {"flash", "redirect", "url_for"},
        )
    if view == "search":
        return (
            _t(
                """
                @bp.route("/search")
                def search():
                    needle = request.values.get("q", "").strip().lower()
                    if not needle:
                        return redirect(url_for("$p.index"))
                    rows = get_db().execute("SELECT * FROM $e").fetchall()
                    hits = [row for row in rows if needle in str(row["$first"]).lower()]
                    hits.sort(key=lambda row: row["created"], reverse=$rev)
                    return render_template("$p/search.html", $p=hits[:$limit], query=needle)
                """,
                e=e,
                p=p,
                first=entity.first,
                rev=rng.choice(["True", "False"]),
                limit=rng.choice([20, 50, 100]),
            ),
            {"request", "redirect", "url_for", "render_template"},
        )
    if view == "api_list":
        return (
            _t(
                """
                @bp.route("/api", methods=("GET",))
                def api_list():
                    limit = min(request.args.get("limit", $limit, type=int), $cap)
                    rows = get_db().execute("SELECT * FROM $e ORDER BY id LIMIT ?", (limit,)).fetchall()
                    return jsonify(
                        {
                            "items": [dict(row) for row in rows],
                            "count": len(rows),
                        }
                    )
                """,
                e=e,
                limit=rng.choice([20, 50]),
                cap=rng.choice([100, 200, 500]),
            ),
            {"request", "jsonify"},
        )
    if view == "api_create":
        conv = "\n".join(
            "    " + f + " = " + _value_expr(k, 'payload.get("' + f + '", 0)')
            if k != "text"
            else "    " + f + ' = str(payload.get("' + f + '", "")).strip()'
            for f, k in entity.fields
        )
        return (
            _t(
                """
                @bp.route("/api", methods=("POST",))
                @login_required
                def api_create():
                    payload = request.get_json(silent=True)
                    if not isinstance(payload, dict):
                        return jsonify(error="expected a JSON object"), 400
                $conv
                    if not $first:
                        return jsonify(error="$first is required"), 422
                    db = get_db()
                    cursor = db.execute(
                        "INSERT INTO $e (author_id, $cols) VALUES (?, $marks)",
                        (g.user["id"], $values),
                    )
                    db.commit()
                    response = make_response(jsonify(id=cursor.lastrowid, $pairs), 201)
                    response.headers["Location"] = url_for("$p.detail", id=cursor.lastrowid)
                    return response
                """,
                conv=conv,
                first=entity.first,
                e=e,
                p=p,
                cols=cols,
                marks=marks,
                values=values,
                pairs=", ".join(f"{f}={f}" for f, _ in entity.fields),
            ),
            {"request", "jsonify", "g", "make_response", "url_for"},
        )
    if view == "export":
        return (
            _t(
                """
                @bp.route("/export.csv")
                @login_required
                def export():
                    rows = get_db().execute(
                        "SELECT id, $cols FROM $e WHERE author_id = ? ORDER BY id", (g.user["id"],)
                    ).fetchall()
                    text = io.StringIO()
                    writer = csv.writer(text)
                    writer.writerow(["id", $header])
                    for row in rows:
                        writer.writerow([row[name] for name in ("id", $header)])
                    buffer = io.BytesIO(text.getvalue().encode("utf-8"))
                    return send_file(
                        buffer,
                        mimetype="text/csv",
                        as_attachment=True,
                        download_name="$p.csv",
                    )
                """,
                cols=cols,
                e=e,
                p=p,
                header=", ".join(f'"{f}"' for f, _ in entity.fields),
            ),
            {"g", "send_file"},
        )
    if view == "upload":
        return (
            _t(
                """
                @bp.route("/<int:id>/attachment", methods=("GET", "POST"))
                @login_required
                def upload(id):
                    get_$e(id)
                    folder = os.path.join(current_app.config["UPLOAD_FOLDER"], "$p", str(id))
                    if request.method == "POST":
                        file = request.files.get("file")
                        if file is None or not file.filename:
                            flash("No file selected.")
                            return redirect(request.url)
                        name = secure_filename(file.filename)
                        if not name.lower().endswith($exts):
                            flash("Unsupported file type.")
                            return redirect(request.url)
                        os.makedirs(folder, exist_ok=True)
                        file.save(os.path.join(folder, name))
                        flash(f"Uploaded {name}.")
                        return redirect(url_for("$p.detail", id=id))
                    names = sorted(os.listdir(folder)) if os.path.isdir(folder) else []
                    if names and request.args.get("download"):
                        return send_from_directory(folder, names[-1], as_attachment=True)
                    return render_template("$p/upload.html", id=id, files=names)
                """,
                e=e,
                p=p,
                exts=rng.choice(['(".png", ".jpg")', '(".pdf", ".txt", ".csv")', '(".jpg", ".gif", ".webp")']),
            ),
            {"current_app", "request", "flash", "redirect", "url_for", "render_template", "send_from_directory"},
        )
    if view == "stats":
        numeric = [f for f, k in entity.fields if k != "text"]
        metric = numeric[0] if numeric else "id"
        return (
            _t(
                """
                @bp.route("/stats")
                def stats():
                    rows = get_db().execute("SELECT author_id, $metric FROM $e").fetchall()
                    per_author = {}
                    for row in rows:
                        per_author.setdefault(row["author_id"], []).append(row["$metric"])
                    summary = {
                        str(author): {
                            "count": len(values),
                            "total": sum(values),
                            "mean": round(sum(values) / len(values), 2),
                        }
                        for author, values in per_author.items()
                        if values
                    }
                    return jsonify(summary)
                """,
                metric=metric,
                e=e,
            ),
            {"jsonify"},
        )
    raise ValueError(view)


def _method_view(entity: _Entity) -> tuple[str, set[str]]:
    e, p = entity.name, entity.plural
    return (
        _t(
            """
            class ${E}API(MethodView):
                \"\"\"JSON resource for one $e.\"\"\"

                decorators = [login_required]

                def get(self, id):
                    return jsonify(dict(get_$e(id, check_author=False)))

                def put(self, id):
                    get_$e(id)
                    data = request.get_json(force=True)
                    db = get_db()
                    db.execute("UPDATE $e SET $first = ? WHERE id = ?", (data.get("$first"), id))
                    db.commit()
                    return jsonify(ok=True)

                def delete(self, id):
                    get_$e(id)
                    db = get_db()
                    db.execute("DELETE FROM $e WHERE id = ?", (id,))
                    db.commit()
                    return "", 204


            bp.add_url_rule("/api/<int:id>", view_func=${E}API.as_view("${e}_api"))
            """,
            E=e.capitalize(),
            e=e,
            p=p,
            first=entity.first,
        ),
        {"request", "jsonify"},
    )


def _app_blueprint(pkg: str, entity: _Entity, rng: random.Random) -> str:
    blocks: list[str] = []
    used: set[str] = {"Blueprint"}
    for view in entity.views:
        code, names = _view_code(entity, view, rng)
        blocks.append(code)
        used |= names
    if entity.method_view:
        code, names = _method_view(entity)
        blocks.append(code)
        used |= names
    std: list[str] = []
    if "export" in entity.views:
        std += ["import csv", "import io"]
    if "upload" in entity.views:
        std.append("import os")
    header = "\n".join(std) + ("\n\n" if std else "")
    flask_line = f"from flask import {', '.join(sorted(used))}"
    if len(flask_line) > 95:
        flask_line = "from flask import (\n" + "".join(f"    {n},\n" for n in sorted(used)) + ")"
    extra = []
    if entity.method_view:
        extra.append("from flask.views import MethodView")
    if "upload" in entity.views:
        extra.append("from werkzeug.utils import secure_filename")
    imports = header + "\n".join([flask_line, *extra]) + "\n\nfrom .auth import login_required\nfrom .db import get_db"
    text = (
        f'"""{entity.plural.capitalize()}: list, create, edit and export them."""\n\n'
        "from __future__ import annotations\n\n"
        f"{imports}\n\n"
        f'bp = Blueprint("{entity.plural}", __name__, url_prefix="/{entity.plural}")\n'
    )
    for block in blocks:
        text += "\n\n" + block.strip("\n") + "\n"
    return text


def _app_services(pkg: str, entities: list[_Entity], rng: random.Random) -> str:
    """A helper module of the app package with no Flask in it."""
    body: list[str] = []
    body.append(
        _t(
            """
            def slugify(text: str, limit: int = $limit) -> str:
                \"\"\"Lower-case ASCII words joined by dashes.\"\"\"
                words = re.findall(r"[a-z0-9]+", text.lower())
                return "-".join(words)[:limit].rstrip("-")
            """,
            limit=rng.choice([40, 60, 80]),
        )
    )
    body.append(
        _t(
            """
            def paginate(total: int, page: int, size: int) -> dict[str, int]:
                pages = max(1, math.ceil(total / size))
                page = min(max(page, 1), pages)
                return {"page": page, "pages": pages, "first": (page - 1) * size + 1, "last": min(page * size, total)}
            """
        )
    )
    for entity in entities:
        numeric = [f for f, k in entity.fields if k != "text"]
        if numeric and rng.random() < 0.8:
            body.append(
                _t(
                    """
                    def summarize_${p}(rows: list[dict]) -> dict[str, float]:
                        values = [float(row["$f"]) for row in rows if row.get("$f") is not None]
                        if not values:
                            return {"count": 0, "total": 0.0, "mean": 0.0}
                        return {"count": len(values), "total": sum(values), "mean": sum(values) / len(values)}
                    """,
                    p=entity.plural,
                    f=numeric[0],
                )
            )
        else:
            body.append(
                _t(
                    """
                    def group_${p}(rows: list[dict]) -> dict[str, list[dict]]:
                        groups: dict[str, list[dict]] = {}
                        for row in rows:
                            key = str(row.get("$f", ""))[:1].upper() or "#"
                            groups.setdefault(key, []).append(row)
                        return dict(sorted(groups.items()))
                    """,
                    p=entity.plural,
                    f=entity.first,
                )
            )
    return _module(f"Plain helpers for {pkg}: no web framework in here.", "import math\nimport re", body)


def _test_conftest(pkg: str, entities: list[_Entity], rng: random.Random) -> str:
    inserts = [
        "INSERT INTO user (username, password) VALUES ('test', 'scrypt:test-hash'), ('other', 'scrypt:other-hash');"
    ]
    for entity in entities:
        vals = ", ".join(
            "'test " + f + "'" if k == "text" else str(rng.randint(1, 9)) for f, k in entity.fields
        )
        cols = ", ".join(f for f, _ in entity.fields)
        inserts.append(f"INSERT INTO {entity.name} (author_id, {cols}) VALUES (1, {vals});")
    data = "\n".join(inserts)
    return _t(
        '''
        """Fixtures shared by the $pkg tests."""

        import os
        import tempfile

        import pytest

        from $pkg import create_app
        from $pkg.db import get_db, init_db

        DATA_SQL = """
        $data
        """


        @pytest.fixture
        def app(tmp_path):
            db_fd, db_path = tempfile.mkstemp()
            app = create_app(
                {
                    "TESTING": True,
                    "SECRET_KEY": "testing",
                    "DATABASE": db_path,
                    "UPLOAD_FOLDER": str(tmp_path / "uploads"),
                }
            )
            with app.app_context():
                init_db()
                get_db().executescript(DATA_SQL)
            yield app
            os.close(db_fd)
            os.unlink(db_path)


        @pytest.fixture
        def client(app):
            return app.test_client()


        @pytest.fixture
        def runner(app):
            return app.test_cli_runner()


        class AuthActions:
            def __init__(self, client):
                self._client = client

            def login(self, username="test", password="test"):
                return self._client.post(
                    "/auth/login", data={"username": username, "password": password}
                )

            def logout(self):
                return self._client.get("/auth/logout")


        @pytest.fixture
        def auth(client):
            return AuthActions(client)
        ''',
        pkg=pkg,
        data=data,
    )


def _test_factory(pkg: str) -> str:
    return _t(
        """
        from $pkg import create_app


        def test_config():
            assert not create_app().testing
            assert create_app({"TESTING": True}).testing


        def test_health(client):
            response = client.get("/health")
            assert response.status_code == 200
            assert response.get_json()["status"] == "ok"


        def test_unknown_page(client):
            assert client.get("/no/such/page").status_code == 404
        """,
        pkg=pkg,
    )


def _test_db(pkg: str) -> str:
    return _t(
        """
        import sqlite3

        import pytest

        from $pkg.db import get_db


        def test_get_close_db(app):
            with app.app_context():
                db = get_db()
                assert db is get_db()

            with pytest.raises(sqlite3.ProgrammingError) as e:
                db.execute("SELECT 1")

            assert "closed" in str(e.value)


        def test_init_db_command(runner, monkeypatch):
            class Recorder:
                called = False

            def fake_init_db():
                Recorder.called = True

            monkeypatch.setattr("$pkg.db.init_db", fake_init_db)
            result = runner.invoke(args=["init-db"])
            assert "Initialized" in result.output
            assert Recorder.called
        """,
        pkg=pkg,
    )


def _test_auth(pkg: str, rng: random.Random) -> str:
    return _t(
        """
        import pytest
        from flask import g, session

        from $pkg.db import get_db


        def test_register(client, app):
            assert client.get("/auth/register").status_code == 200
            response = client.post("/auth/register", data={"username": "a", "password": "$pw"})
            assert response.headers["Location"] == "/auth/login"

            with app.app_context():
                assert get_db().execute("SELECT * FROM user WHERE username = 'a'").fetchone() is not None


        @pytest.mark.parametrize(
            ("username", "password", "message"),
            (
                ("", "", b"Username is required."),
                ("a", "", b"Password is required."),
                ("test", "$pw", b"already registered"),
            ),
        )
        def test_register_validate_input(client, username, password, message):
            response = client.post(
                "/auth/register", data={"username": username, "password": password}
            )
            assert message in response.data


        def test_login(client, auth):
            assert client.get("/auth/login").status_code == 200
            response = auth.login()
            assert response.headers["Location"] == "/"

            with client:
                client.get("/")
                assert session["user_id"] == 1
                assert g.user["username"] == "test"


        def test_logout(client, auth):
            auth.login()

            with client:
                auth.logout()
                assert "user_id" not in session
        """,
        pkg=pkg,
        pw="x" * rng.randint(12, 16),
    )


def _test_entity(pkg: str, entity: _Entity, rng: random.Random) -> str:
    e, p = entity.name, entity.plural
    form = ", ".join(
        f'"{f}": "{"new " + f if k == "text" else rng.randint(1, 99)}"' for f, k in entity.fields
    )
    blocks = [
        _t(
            """
            def test_index(client, auth):
                response = client.get("/$p/")
                assert response.status_code == 200
                auth.login()
                response = client.get("/$p/?page=1")
                assert b"test $first" in response.data
            """,
            p=p,
            first=entity.first,
        )
    ]
    guarded = [v for v in ("create", "update", "delete") if v in entity.views]
    if guarded:
        paths = ", ".join(f'"/{p}/create"' if v == "create" else f'"/{p}/1/{v}"' for v in guarded)
        blocks.append(
            _t(
                """
                @pytest.mark.parametrize("path", ($paths,))
                def test_login_required(client, path):
                    response = client.post(path)
                    assert response.headers["Location"].startswith("/auth/login")
                """,
                paths=paths,
            )
        )
    if "create" in entity.views:
        blocks.append(
            _t(
                """
                def test_create(client, auth, app):
                    auth.login()
                    assert client.get("/$p/create").status_code == 200
                    client.post("/$p/create", data={$form})

                    with app.app_context():
                        db = get_db()
                        count = db.execute("SELECT COUNT(id) FROM $e").fetchone()[0]
                        assert count == 2


                def test_create_validate(client, auth):
                    auth.login()
                    response = client.post("/$p/create", data={"$first": ""})
                    assert b"required" in response.data
                """,
                p=p,
                e=e,
                form=form,
                first=entity.first,
            )
        )
    if "update" in entity.views:
        blocks.append(
            _t(
                """
                def test_update(client, auth, app):
                    auth.login()
                    assert client.get("/$p/1/update").status_code == 200
                    client.post("/$p/1/update", data={$form})

                    with app.app_context():
                        row = get_db().execute("SELECT * FROM $e WHERE id = 1").fetchone()
                        assert row["$first"] is not None
                """,
                p=p,
                e=e,
                form=form,
                first=entity.first,
            )
        )
    if "delete" in entity.views:
        blocks.append(
            _t(
                """
                def test_delete(client, auth, app):
                    auth.login()
                    response = client.post("/$p/1/delete")
                    assert response.headers["Location"] == "/$p/"

                    with app.app_context():
                        assert get_db().execute("SELECT * FROM $e WHERE id = 1").fetchone() is None
                """,
                p=p,
                e=e,
            )
        )
    if "api_create" in entity.views:
        payload = ", ".join(
            f'"{f}": {"%r" % ("api " + f) if k == "text" else rng.randint(1, 50)}' for f, k in entity.fields
        ).replace("'", '"')
        blocks.append(
            _t(
                """
                def test_api_create(client, auth):
                    auth.login()
                    response = client.post("/$p/api", json={$payload})
                    assert response.status_code == 201
                    data = response.get_json()
                    assert data["id"] > 1
                    assert response.headers["Location"].endswith(str(data["id"]))


                def test_api_create_rejects_garbage(client, auth):
                    auth.login()
                    response = client.post("/$p/api", data="not json", content_type="text/plain")
                    assert response.status_code == 400
                """,
                p=p,
                payload=payload,
            )
        )
    if "api_list" in entity.views:
        blocks.append(
            _t(
                """
                def test_api_list(client):
                    response = client.get("/$p/api", query_string={"limit": 5})
                    assert response.status_code == 200
                    body = response.get_json()
                    assert body["count"] == len(body["items"])
                """,
                p=p,
            )
        )
    if "export" in entity.views:
        blocks.append(
            _t(
                """
                def test_export(client, auth):
                    auth.login()
                    response = client.get("/$p/export.csv")
                    assert response.mimetype == "text/csv"
                    lines = response.data.decode().splitlines()
                    assert lines[0].startswith("id,")
                    assert len(lines) == 2
                """,
                p=p,
            )
        )
    if "upload" in entity.views:
        blocks.append(
            _t(
                """
                def test_upload(client, auth):
                    auth.login()
                    response = client.post(
                        "/$p/1/attachment",
                        data={"file": (io.BytesIO(b"hello"), "hello.txt")},
                        content_type="multipart/form-data",
                    )
                    assert response.status_code == 302
                """,
                p=p,
            )
        )
    if "search" in entity.views:
        blocks.append(
            _t(
                """
                @pytest.mark.parametrize(("query", "found"), (("test", True), ("zzz", False)))
                def test_search(client, query, found):
                    response = client.get("/$p/search", query_string={"q": query})
                    assert (b"test $first" in response.data) is found
                """,
                p=p,
                first=entity.first,
            )
        )
    if "stats" in entity.views:
        blocks.append(
            _t(
                """
                def test_stats(client):
                    data = client.get("/$p/stats").get_json()
                    assert data["1"]["count"] == 1
                """,
                p=p,
            )
        )
    header = ("import io\n\n" if "upload" in entity.views else "") + f"import pytest\n\nfrom {pkg}.db import get_db\n"
    text = header
    for block in blocks:
        text += "\n\n" + block.strip("\n") + "\n"
    return text


VIEW_CHOICES = ["search", "api_list", "api_create", "export", "upload", "stats", "update", "delete"]


def _flask_app(root: Path, pkg: str, rng: random.Random) -> dict[Path, str]:
    names = rng.sample(sorted(ENTITIES), rng.randint(2, 4))
    entities = []
    for name in names:
        fields = list(ENTITIES[name])
        extra = rng.sample(VIEW_CHOICES, rng.randint(3, len(VIEW_CHOICES)))
        views = ["get", "index", "create", "detail"] + [v for v in VIEW_CHOICES if v in extra]
        entities.append(_Entity(name, fields, views, method_view=rng.random() < 0.3))
    base = root / pkg
    files = {
        base / "__init__.py": _app_init(pkg, entities, rng),
        base / "db.py": _app_db(pkg, entities, rng),
        base / "auth.py": _app_auth(pkg, rng),
        base / "services.py": _app_services(pkg, entities, rng),
        base / "tests" / "__init__.py": "",
        base / "tests" / "conftest.py": _test_conftest(pkg, entities, rng),
        base / "tests" / "test_factory.py": _test_factory(pkg),
        base / "tests" / "test_db.py": _test_db(pkg),
        base / "tests" / "test_auth.py": _test_auth(pkg, rng),
    }
    for entity in entities:
        files[base / f"{entity.plural}.py"] = _app_blueprint(pkg, entity, rng)
        files[base / "tests" / f"test_{entity.plural}.py"] = _test_entity(pkg, entity, rng)
    return files


# --- plain library code ----------------------------------------------------------------------------


@dataclass
class _Unit:
    code: str
    imports: set[tuple[str, str]] = field(default_factory=set)
    exports: list[str] = field(default_factory=list)
    #: pytest functions for the module's tests, each using only the exported names
    tests: list[str] = field(default_factory=list)


def _fields(rng: random.Random) -> list[tuple[str, str, str]]:
    chosen = [FIELD_POOL[0], *rng.sample(FIELD_POOL[1:], rng.randint(2, 5))]
    # fields with defaults must come last
    return [f for f in chosen if not f[2]] + [f for f in chosen if f[2]]


def _u_dataclass(noun: str, rng: random.Random) -> _Unit:
    cls = _camel(noun)
    fields = _fields(rng)
    decl = "\n".join(f"    {n}: {t}" + (f" = {d}" if d else "") for n, t, d in fields)
    conv = "\n".join(
        f"            {n}={t}(data[{n!r}])," if not d else f"            {n}={t}(data.get({n!r}, {d})),"
        for n, t, d in fields
    )
    numeric = [n for n, t, _ in fields if t in ("int", "float")]
    method = ""
    if numeric:
        num = rng.choice(numeric)
        limit = rng.choice([3, 10, 12.5, 100])
        method = "\n" + _indent(_t(
            """
                @property
                def is_large(self) -> bool:
                    return self.$num > $limit

                def scaled(self, factor: float) -> $cls:
                    return replace(self, $num=type(self.$num)(self.$num * factor))
            """,
            num=num,
            limit=limit,
            cls=cls,
        ), 4)
    frozen = rng.choice(["frozen=True", "frozen=True, slots=True", "order=True", ""])
    deco = f"@dataclass({frozen})" if frozen else "@dataclass"
    code = _t(
        '''
        $deco
        class $cls:
            """One $words record."""

        $decl
        $method

            def as_dict(self) -> dict[str, object]:
                return {name: getattr(self, name) for name in ($names)}

            @classmethod
            def from_mapping(cls, data: Mapping[str, Any]) -> $cls:
                return cls(
        $conv
                )
        ''',
        deco=deco,
        cls=cls,
        words=noun.replace("_", " "),
        decl=decl,
        method=method,
        names=", ".join(repr(n) for n, _, _ in fields) + ("," if len(fields) == 1 else ""),
        conv=conv,
    )
    sample = ", ".join(f"{n!r}: " + ('"a"' if t == "str" else "1" if t != "bool" else "True") for n, t, _ in fields)
    test = _t(
        """
        def test_${noun}_round_trip():
            item = $cls.from_mapping({$sample})
            assert $cls.from_mapping(item.as_dict()) == item
        """,
        noun=noun,
        cls=cls,
        sample=sample,
    )
    return _Unit(
        code,
        {("dataclasses", "dataclass"), ("dataclasses", "replace"), ("collections.abc", "Mapping"), ("typing", "Any")},
        [cls],
        [test],
    )


def _u_enum(noun: str, rng: random.Random) -> _Unit:
    cls = _camel(noun) + rng.choice(["State", "Kind", "Level", "Mode"])
    members = rng.sample(
        ["NEW", "ACTIVE", "PAUSED", "DONE", "FAILED", "ARCHIVED", "PENDING", "LOW", "HIGH", "MIXED", "IDLE"],
        rng.randint(3, 6),
    )
    lines = "\n".join(f'    {m} = "{m.lower()}"' for m in members)
    final = ", ".join(f"{cls}.{m}" for m in members[-2:])
    code = _t(
        """
        class $cls(str, Enum):
        $lines

            @property
            def is_final(self) -> bool:
                return self in ($final)

            @classmethod
            def parse(cls, text: str) -> $cls:
                try:
                    return cls(text.strip().lower())
                except ValueError:
                    return cls.$first
        """,
        cls=cls,
        lines=lines,
        final=final,
        first=members[0],
    )
    test = _t(
        """
        def test_${low}_parse():
            assert $cls.parse(" $m ") is $cls.$M
            assert $cls.parse("???") is $cls.$first
        """,
        low=cls.lower(),
        cls=cls,
        m=members[1].lower(),
        M=members[1],
        first=members[0],
    )
    return _Unit(code, {("enum", "Enum")}, [cls], [test])


def _u_collection(noun: str, rng: random.Random) -> _Unit:
    cls = _camel(noun) + rng.choice(["Registry", "Index", "Pool", "Book", "Catalog"])
    key = rng.choice(["name", "key", "ident", "code"])
    extra = ""
    if rng.random() < 0.5:
        extra = "\n" + _indent(_t(
            """
                def group_by(self, func: Callable[[T], Hashable]) -> dict[Hashable, list[T]]:
                    groups: dict[Hashable, list[T]] = defaultdict(list)
                    for item in self._items.values():
                        groups[func(item)].append(item)
                    return dict(groups)
            """
        ), 4)
    if rng.random() < 0.5:
        extra += "\n" + _indent(_t(
            """
                def most_common_prefixes(self, n: int = $n) -> list[tuple[str, int]]:
                    counts = Counter($key[:$width] for $key in self._items)
                    return counts.most_common(n)
            """,
            n=rng.randint(2, 9),
            key=key,
            width=rng.randint(1, 4),
        ), 4)
    code = _t(
        '''
        class $cls(Generic[T]):
            """Items of type ``T`` by $key, in insertion order."""

            def __init__(self, items: Iterable[tuple[str, T]] = ()) -> None:
                self._items: dict[str, T] = {}
                for $key, item in items:
                    self.add($key, item)

            def __len__(self) -> int:
                return len(self._items)

            def __iter__(self) -> Iterator[T]:
                return iter(self._items.values())

            def __contains__(self, $key: object) -> bool:
                return $key in self._items

            def __repr__(self) -> str:
                return f"{type(self).__name__}({list(self._items)!r})"

            def add(self, $key: str, item: T, *, replace: bool = False) -> None:
                if $key in self._items and not replace:
                    raise KeyError(f"duplicate $key: {$key!r}")
                self._items[$key] = item

            def remove(self, $key: str) -> T:
                return self._items.pop($key)

            def get(self, $key: str, default: T | None = None) -> T | None:
                return self._items.get($key, default)

            def find(self, predicate: Callable[[T], bool]) -> list[T]:
                return [item for item in self._items.values() if predicate(item)]

            def keys_matching(self, fragment: str) -> list[str]:
                fragment = fragment.lower()
                return sorted(k for k in self._items if fragment in k.lower())
        $extra
        ''',
        cls=cls,
        key=key,
        extra=extra,
    )
    test = _t(
        """
        def test_${low}_add_and_find():
            registry = $cls([("a", 1), ("b", 2), ("c", 3)])
            assert len(registry) == 3
            assert registry.find(lambda value: value > 1) == [2, 3]
            assert "b" in registry
            assert registry.remove("b") == 2
        """,
        low=cls.lower(),
        cls=cls,
    )
    return _Unit(
        code,
        {
            ("collections", "defaultdict"),
            ("collections", "Counter"),
            ("collections.abc", "Callable"),
            ("collections.abc", "Hashable"),
            ("collections.abc", "Iterable"),
            ("collections.abc", "Iterator"),
            ("typing", "Generic"),
            ("typing", "TypeVar"),
            ("@T", ""),
        },
        [cls],
        [test],
    )


def _f_chunked(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(items: Iterable[T], size: int = $size) -> Iterator[list[T]]:
                \"\"\"Consecutive lists of ``size`` items; the last one may be shorter.\"\"\"
                if size < 1:
                    raise ValueError("size must be positive")
                batch: list[T] = []
                for item in items:
                    batch.append(item)
                    if len(batch) == size:
                        yield batch
                        batch = []
                if batch:
                    yield batch
            """,
            name=name,
            size=rng.choice([2, 8, 16, 64]),
        ),
        {("collections.abc", "Iterable"), ("collections.abc", "Iterator"), ("typing", "TypeVar"), ("@T", "")},
        f"assert list({name}([1, 2, 3], 2)) == [[1, 2], [3]]",
    )


def _f_moving_average(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(values: Sequence[float], window: int = $window) -> list[float]:
                if window <= 0:
                    raise ValueError("window must be positive")
                out: list[float] = []
                total = 0.0
                queue: deque[float] = deque()
                for value in values:
                    queue.append(value)
                    total += value
                    if len(queue) > window:
                        total -= queue.popleft()
                    out.append(round(total / len(queue), $digits))
                return out
            """,
            name=name,
            window=rng.choice([3, 5, 7]),
            digits=rng.choice([2, 3, 6]),
        ),
        {("collections.abc", "Sequence"), ("collections", "deque")},
        f"assert {name}([2.0, 4.0], 2) == [2.0, 3.0]",
    )


def _f_histogram(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(words: Iterable[str], *, top: int = $top, min_length: int = $minlen) -> list[tuple[str, int]]:
                counts = Counter(w.lower() for w in words if len(w) >= min_length and w.isalpha())
                ranked = sorted(counts.items(), key=lambda pair: (-pair[1], pair[0]))
                return ranked[:top]
            """,
            name=name,
            top=rng.choice([5, 10, 20]),
            minlen=rng.choice([1, 2, 3]),
        ),
        {("collections", "Counter"), ("collections.abc", "Iterable")},
        f'assert {name}(["aa", "bb", "aa"], top=1, min_length=1) == [("aa", 2)]',
    )


def _f_parse_pairs(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    sep = rng.choice(["=", ":"])
    return (
        _t(
            """
            def $name(text: str) -> dict[str, str]:
                \"\"\"``key${sep}value`` lines; blank lines and ``#`` comments are skipped.\"\"\"
                result: dict[str, str] = {}
                for number, raw in enumerate(text.splitlines(), start=1):
                    line = raw.split("#", 1)[0].strip()
                    if not line:
                        continue
                    key, found, value = line.partition("$sep")
                    if not found:
                        raise ValueError(f"line {number}: expected '$sep' in {raw!r}")
                    result[key.strip()] = value.strip()
                return result
            """,
            name=name,
            sep=sep,
        ),
        set(),
        f'assert {name}("a {sep} 1\\n# x\\n") == {{"a": "1"}}',
    )


def _f_merge(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(*layers: Mapping[str, Any]) -> dict[str, Any]:
                \"\"\"Deep-merge mappings; later layers win, nested mappings are merged too.\"\"\"
                merged: dict[str, Any] = {}
                for layer in layers:
                    for key, value in layer.items():
                        if isinstance(value, Mapping) and isinstance(merged.get(key), dict):
                            merged[key] = $name(merged[key], value)
                        else:
                            merged[key] = value
                return merged
            """,
            name=name,
        ),
        {("collections.abc", "Mapping"), ("typing", "Any")},
        f'assert {name}({{"a": {{"b": 1}}}}, {{"a": {{"c": 2}}}}) == {{"a": {{"b": 1, "c": 2}}}}',
    )


def _f_top_n(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(scores: Mapping[str, float], n: int = $n) -> list[str]:
                best = heapq.nlargest(n, scores.items(), key=lambda item: item[1])
                return [key for key, _ in best]
            """,
            name=name,
            n=rng.randint(3, 10),
        ),
        {("heapq", ""), ("collections.abc", "Mapping")},
        f'assert {name}({{"a": 1, "b": 3}}, 1) == ["b"]',
    )


def _f_dedupe(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(items: Iterable[T], key: Callable[[T], Hashable] | None = None) -> list[T]:
                seen: set[Hashable] = set()
                out: list[T] = []
                for item in items:
                    marker = key(item) if key is not None else item
                    if marker in seen:
                        continue
                    seen.add(marker)
                    out.append(item)
                return out
            """,
            name=name,
        ),
        {("collections.abc", "Iterable"), ("collections.abc", "Callable"), ("collections.abc", "Hashable"),
         ("typing", "TypeVar"), ("@T", "")},
        f"assert {name}([3, 1, 3, 2, 1]) == [3, 1, 2]",
    )


def _f_transpose(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(rows: Sequence[Sequence[float]]) -> list[list[float]]:
                if not rows:
                    return []
                width = len(rows[0])
                if any(len(row) != width for row in rows):
                    raise ValueError("ragged rows")
                return [[row[i] for row in rows] for i in range(width)]
            """,
            name=name,
        ),
        {("collections.abc", "Sequence")},
        f"assert {name}([[1, 2], [3, 4]]) == [[1, 3], [2, 4]]",
    )


def _f_table(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(rows: Sequence[Mapping[str, object]], columns: Sequence[str] | None = None) -> str:
                \"\"\"A plain-text table with a header line, columns padded to fit.\"\"\"
                if not rows:
                    return ""
                columns = list(columns or rows[0].keys())
                cells = [[str(row.get(col, "")) for col in columns] for row in rows]
                widths = [max(len(col), *(len(line[i]) for line in cells)) for i, col in enumerate(columns)]
                head = "$sep".join(col.ljust(w) for col, w in zip(columns, widths))
                rule = "$sep".join("-" * w for w in widths)
                body = ["$sep".join(cell.ljust(w) for cell, w in zip(line, widths)) for line in cells]
                return "\\n".join([head, rule, *body])
            """,
            name=name,
            sep=rng.choice([" | ", "  ", " "]),
        ),
        {("collections.abc", "Mapping"), ("collections.abc", "Sequence")},
        f'assert {name}([{{"a": 1}}]).splitlines()[0].strip() == "a"',
    )


def _f_checksum(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    algo = rng.choice(["sha256", "sha1", "blake2b", "md5"])
    return (
        _t(
            """
            def $name(path: Path, block_size: int = $block) -> str:
                digest = hashlib.$algo()
                with path.open("rb") as handle:
                    for block in iter(lambda: handle.read(block_size), b""):
                        digest.update(block)
                return digest.hexdigest()
            """,
            name=name,
            block=rng.choice([4096, 65536, 1 << 20]),
            algo=algo,
        ),
        {("hashlib", ""), ("pathlib", "Path")},
        "",
    )


def _f_duration(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            _DURATION_$up = re.compile(r"(?P<value>\\d+(?:\\.\\d+)?)\\s*(?P<unit>ms|s|m|h|d)")
            _UNITS_$up = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0, "d": 86400.0}


            def $name(text: str) -> float:
                \"\"\"``"1h 30m"`` -> 5400.0 seconds.\"\"\"
                total = 0.0
                matched = False
                for match in _DURATION_$up.finditer(text.lower()):
                    matched = True
                    total += float(match["value"]) * _UNITS_$up[match["unit"]]
                if not matched:
                    raise ValueError(f"not a duration: {text!r}")
                return total
            """,
            name=name,
            up=name.upper(),
        ),
        {("re", "")},
        f'assert {name}("1h 30m") == 5400.0',
    )


def _f_retry(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(attempts: int = $attempts, delay: float = $delay, exceptions: tuple[type[BaseException], ...] = (OSError,)):
                \"\"\"Decorator: call again on ``exceptions``, sleeping a little longer each time.\"\"\"

                def decorate(func: Callable[..., T]) -> Callable[..., T]:
                    @functools.wraps(func)
                    def wrapper(*args: Any, **kwargs: Any) -> T:
                        for attempt in range(1, attempts + 1):
                            try:
                                return func(*args, **kwargs)
                            except exceptions:
                                if attempt == attempts:
                                    raise
                                time.sleep(delay * attempt)
                        raise AssertionError("unreachable")

                    return wrapper

                return decorate
            """,
            name=name,
            attempts=rng.randint(2, 6),
            delay=rng.choice([0.01, 0.1, 0.5]),
        ),
        {("functools", ""), ("time", ""), ("collections.abc", "Callable"), ("typing", "Any"),
         ("typing", "TypeVar"), ("@T", "")},
        f"assert {name}(attempts=1)(lambda: 5)() == 5",
    )


def _f_memo(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    a, b = rng.randint(1, 3), rng.randint(1, 3)
    return (
        _t(
            """
            @functools.lru_cache(maxsize=$size)
            def $name(n: int) -> int:
                \"\"\"Number of ways to climb ``n`` steps taking $a or $b at a time.\"\"\"
                if n < 0:
                    return 0
                if n == 0:
                    return 1
                return $name(n - $a) + $name(n - $b)
            """,
            name=name,
            size=rng.choice([None, 128, 1024]),
            a=a,
            b=b,
        ),
        {("functools", "")},
        f"assert {name}(0) == 1",
    )


def _f_interpolate(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(points: Sequence[tuple[float, float]], x: float) -> float:
                \"\"\"Piecewise-linear interpolation; clamps outside the known range.\"\"\"
                ordered = sorted(points)
                if not ordered:
                    raise ValueError("no points")
                if x <= ordered[0][0]:
                    return ordered[0][1]
                for (x0, y0), (x1, y1) in zip(ordered, ordered[1:]):
                    if x0 <= x <= x1:
                        span = x1 - x0
                        return y0 if span == 0 else y0 + (y1 - y0) * (x - x0) / span
                return ordered[-1][1]
            """,
            name=name,
        ),
        {("collections.abc", "Sequence")},
        f"assert {name}([(0, 0), (10, 10)], 5) == 5",
    )


def _f_stats(name: str, rng: random.Random) -> tuple[str, set[tuple[str, str]], str]:
    return (
        _t(
            """
            def $name(values: Iterable[float]) -> dict[str, float]:
                data = sorted(values)
                if not data:
                    return {}
                n = len(data)
                mean = sum(data) / n
                variance = sum((v - mean) ** 2 for v in data) / (n - 1) if n > 1 else 0.0
                middle = n // 2
                median = data[middle] if n % 2 else (data[middle - 1] + data[middle]) / 2
                return {
                    "n": float(n),
                    "min": data[0],
                    "max": data[-1],
                    "mean": mean,
                    "median": median,
                    "stdev": math.sqrt(variance),
                }
            """,
            name=name,
        ),
        {("math", ""), ("collections.abc", "Iterable")},
        f'assert {name}([1.0, 2.0, 3.0])["median"] == 2.0',
    )


FUNCTIONS = [
    ("chunks", _f_chunked),
    ("moving_average", _f_moving_average),
    ("word_counts", _f_histogram),
    ("parse_pairs", _f_parse_pairs),
    ("deep_merge", _f_merge),
    ("top_keys", _f_top_n),
    ("unique", _f_dedupe),
    ("transpose", _f_transpose),
    ("render_table", _f_table),
    ("file_digest", _f_checksum),
    ("parse_duration", _f_duration),
    ("retry", _f_retry),
    ("ways", _f_memo),
    ("interpolate", _f_interpolate),
    ("describe", _f_stats),
]


def _u_functions(noun: str, rng: random.Random) -> _Unit:
    unit = _Unit("")
    blocks = []
    for stem, make in rng.sample(FUNCTIONS, rng.randint(2, 5)):
        name = f"{stem}_{noun}" if rng.random() < 0.6 else f"{noun}_{stem}"
        code, imports, test = make(name, rng)
        blocks.append(code.strip("\n"))
        unit.imports |= imports
        unit.exports.append(name)
        if test:
            unit.tests.append(f"def test_{name}():\n    {test}\n")
    unit.code = "\n\n\n".join(blocks) + "\n"
    return unit


def _u_errors(noun: str, rng: random.Random) -> _Unit:
    base = _camel(noun) + "Error"
    subs = rng.sample(["NotFound", "Invalid", "Conflict", "Timeout", "Rejected", "Expired"], rng.randint(2, 4))
    lines = [
        f'class {base}(Exception):\n    """Base class for {noun.replace("_", " ")} errors."""\n\n'
        f"    def __init__(self, message: str, *, code: int = {rng.randint(1, 99)}) -> None:\n"
        "        super().__init__(message)\n        self.code = code\n"
    ]
    for sub in subs:
        lines.append(f"class {sub}{base}({base}):\n    pass\n")
    return _Unit("\n\n\n".join(lines), set(), [base, *(f"{s}{base}" for s in subs)])


def _u_context(noun: str, rng: random.Random) -> _Unit:
    cls = _camel(noun) + "Timer"
    code = _t(
        '''
        class $cls:
            """Measure how long a block takes; keeps the last $keep durations."""

            def __init__(self, label: str = "$noun", *, clock: Callable[[], float] = time.perf_counter) -> None:
                self.label = label
                self._clock = clock
                self._start: float | None = None
                self.durations: deque[float] = deque(maxlen=$keep)

            def __enter__(self) -> $cls:
                self._start = self._clock()
                return self

            def __exit__(self, *exc_info: object) -> None:
                assert self._start is not None
                self.durations.append(self._clock() - self._start)
                self._start = None

            @property
            def average(self) -> float:
                return sum(self.durations) / len(self.durations) if self.durations else 0.0


        @contextmanager
        def temporary_${noun}_setting(settings: dict[str, Any], key: str, value: Any) -> Iterator[None]:
            missing = object()
            previous = settings.get(key, missing)
            settings[key] = value
            try:
                yield
            finally:
                if previous is missing:
                    del settings[key]
                else:
                    settings[key] = previous
        ''',
        cls=cls,
        noun=noun,
        keep=rng.choice([10, 50, 100]),
    )
    test = _t(
        """
        def test_temporary_${noun}_setting():
            settings = {"a": 1}
            with temporary_${noun}_setting(settings, "a", 2):
                assert settings["a"] == 2
            assert settings == {"a": 1}
        """,
        noun=noun,
    )
    return _Unit(
        code,
        {("time", ""), ("collections", "deque"), ("collections.abc", "Callable"), ("collections.abc", "Iterator"),
         ("contextlib", "contextmanager"), ("typing", "Any")},
        [cls, f"temporary_{noun}_setting"],
        [test],
    )


def _u_abc(noun: str, rng: random.Random) -> _Unit:
    base = _camel(noun) + "Policy"
    rate = rng.choice([0.05, 0.1, 0.2])
    code = _t(
        '''
        class $base(ABC):
            """Decides a price for a $words."""

            @abstractmethod
            def price(self, quantity: int, unit: float) -> float:
                raise NotImplementedError

            def explain(self, quantity: int, unit: float) -> str:
                return f"{type(self).__name__}: {quantity} x {unit:.2f} = {self.price(quantity, unit):.2f}"


        class Flat$base($base):
            def price(self, quantity: int, unit: float) -> float:
                return quantity * unit


        class Bulk$base($base):
            def __init__(self, threshold: int = $threshold, rate: float = $rate) -> None:
                self.threshold = threshold
                self.rate = rate

            def price(self, quantity: int, unit: float) -> float:
                total = quantity * unit
                if quantity >= self.threshold:
                    total *= 1 - self.rate
                return round(total, 2)
        ''',
        base=base,
        words=noun.replace("_", " "),
        threshold=rng.choice([5, 10, 50]),
        rate=rate,
    )
    test = _t(
        """
        def test_${noun}_policies():
            assert Flat$base().price(2, 3.0) == 6.0
            assert Bulk$base(threshold=1, rate=0.5).price(2, 3.0) == 3.0
        """,
        noun=noun,
        base=base,
    )
    return _Unit(code, {("abc", "ABC"), ("abc", "abstractmethod")}, [base, f"Flat{base}", f"Bulk{base}"], [test])


def _u_state_machine(noun: str, rng: random.Random) -> _Unit:
    cls = _camel(noun) + "Machine"
    states = rng.sample(["idle", "loading", "ready", "running", "stopped", "broken", "draining"], 4)
    transitions = ",\n".join(
        f'        ("{a}", "{ev}"): "{b}"'
        for (a, b), ev in zip(zip(states, states[1:] + states[:1], strict=True), ["start", "load", "go", "stop"], strict=True)
    )
    code = _t(
        '''
        class $cls:
            """A tiny table-driven state machine."""

            TRANSITIONS: dict[tuple[str, str], str] = {
        $transitions,
            }

            def __init__(self, state: str = "$first") -> None:
                self.state = state
                self.history: list[tuple[str, str, str]] = []

            def fire(self, event: str) -> str:
                target = self.TRANSITIONS.get((self.state, event))
                if target is None:
                    raise LookupError(f"no transition from {self.state!r} on {event!r}")
                self.history.append((self.state, event, target))
                self.state = target
                return target

            def describe(self, event: str) -> str:
                match event.split():
                    case ["status"]:
                        return self.state
                    case ["history", count]:
                        return "; ".join(f"{a}->{b}" for a, _, b in self.history[-int(count):])
                    case [name, *rest] if (self.state, name) in self.TRANSITIONS:
                        return f"{name} leads to {self.TRANSITIONS[(self.state, name)]} ({len(rest)} extra args)"
                    case _:
                        return "unknown"
        ''',
        cls=cls,
        transitions=transitions,
        first=states[0],
    )
    return _Unit(code, set(), [cls])


def _u_parser(noun: str, rng: random.Random) -> _Unit:
    cls = _camel(noun) + "Expression"
    code = _t(
        '''
        _TOKEN_$up = re.compile(r"\\s*(?:(?P<num>\\d+(?:\\.\\d*)?)|(?P<name>[A-Za-z_]\\w*)|(?P<op>[-+*/()]))")


        class $cls:
            """Evaluate ``+ - * /`` expressions over named $words values."""

            def __init__(self, text: str) -> None:
                self.tokens = self._tokenize(text)
                self.pos = 0

            @staticmethod
            def _tokenize(text: str) -> list[tuple[str, str]]:
                tokens: list[tuple[str, str]] = []
                index = 0
                while index < len(text):
                    match = _TOKEN_$up.match(text, index)
                    if match is None or match.end() == index:
                        if text[index:].strip():
                            raise SyntaxError(f"bad input at {index}: {text[index:index + 10]!r}")
                        break
                    kind = match.lastgroup or "op"
                    tokens.append((kind, match.group(kind)))
                    index = match.end()
                return tokens

            def _peek(self) -> tuple[str, str] | None:
                return self.tokens[self.pos] if self.pos < len(self.tokens) else None

            def _take(self) -> tuple[str, str]:
                token = self._peek()
                if token is None:
                    raise SyntaxError("unexpected end of input")
                self.pos += 1
                return token

            def evaluate(self, env: Mapping[str, float]) -> float:
                self.pos = 0
                value = self._sum(env)
                if self._peek() is not None:
                    raise SyntaxError(f"trailing input: {self._peek()}")
                return value

            def _sum(self, env: Mapping[str, float]) -> float:
                value = self._product(env)
                while (token := self._peek()) is not None and token[1] in "+-":
                    self._take()
                    rhs = self._product(env)
                    value = value + rhs if token[1] == "+" else value - rhs
                return value

            def _product(self, env: Mapping[str, float]) -> float:
                value = self._atom(env)
                while (token := self._peek()) is not None and token[1] in "*/":
                    self._take()
                    rhs = self._atom(env)
                    value = value * rhs if token[1] == "*" else value / rhs
                return value

            def _atom(self, env: Mapping[str, float]) -> float:
                kind, text = self._take()
                if kind == "num":
                    return float(text)
                if kind == "name":
                    try:
                        return float(env[text])
                    except KeyError:
                        raise NameError(f"unknown $words: {text}") from None
                if text == "(":
                    value = self._sum(env)
                    if self._take()[1] != ")":
                        raise SyntaxError("missing )")
                    return value
                if text == "-":
                    return -self._atom(env)
                raise SyntaxError(f"unexpected {text!r}")
        ''',
        up=noun.upper(),
        cls=cls,
        words=noun.replace("_", " "),
    )
    test = _t(
        """
        def test_${noun}_expression():
            assert $cls("2 * (x + 1)").evaluate({"x": 3}) == 8.0
        """,
        noun=noun,
        cls=cls,
    )
    return _Unit(code, {("re", ""), ("collections.abc", "Mapping")}, [cls], [test])


def _u_async(noun: str, rng: random.Random) -> _Unit:
    code = _t(
        '''
        async def gather_${noun}s(
            loaders: Iterable[Callable[[], Awaitable[T]]], *, limit: int = $limit, timeout: float = $timeout
        ) -> list[T | BaseException]:
            """Run the loaders at most ``limit`` at a time; failures come back as exceptions."""
            semaphore = asyncio.Semaphore(limit)

            async def run(loader: Callable[[], Awaitable[T]]) -> T:
                async with semaphore:
                    return await asyncio.wait_for(loader(), timeout)

            return await asyncio.gather(*(run(loader) for loader in loaders), return_exceptions=True)


        async def stream_${noun}s(source: AsyncIterator[T], size: int = $size) -> AsyncIterator[list[T]]:
            batch: list[T] = []
            async for item in source:
                batch.append(item)
                if len(batch) >= size:
                    yield batch
                    batch = []
            if batch:
                yield batch
        ''',
        noun=noun,
        limit=rng.choice([4, 8, 16]),
        timeout=rng.choice([1.0, 5.0, 30.0]),
        size=rng.choice([10, 100]),
    )
    return _Unit(
        code,
        {("asyncio", ""), ("collections.abc", "AsyncIterator"), ("collections.abc", "Awaitable"),
         ("collections.abc", "Callable"), ("collections.abc", "Iterable"), ("typing", "TypeVar"), ("@T", "")},
        [f"gather_{noun}s", f"stream_{noun}s"],
    )


def _u_constants(noun: str, rng: random.Random) -> _Unit:
    size = rng.randint(4, 9)
    keys = rng.sample(["alpha", "beta", "gamma", "delta", "omega", "sigma", "kappa", "theta", "zeta", "eta"], size)
    table = "\n".join(f'    "{k}": {rng.randint(1, 500)},' for k in keys)
    code = _t(
        """
        ${up}_WEIGHTS: dict[str, int] = {
        $table
        }
        ${up}_ORDER = tuple(sorted(${up}_WEIGHTS, key=${up}_WEIGHTS.__getitem__))
        ${up}_TOTAL = sum(${up}_WEIGHTS.values())
        ${up}_SHARES = {key: value / ${up}_TOTAL for key, value in ${up}_WEIGHTS.items()}
        """,
        up=noun.upper(),
        table=table,
    )
    return _Unit(code, set(), [f"{noun.upper()}_WEIGHTS"])


UNITS = [
    (_u_dataclass, 3),
    (_u_enum, 1),
    (_u_collection, 2),
    (_u_functions, 5),
    (_u_context, 1),
    (_u_abc, 1),
    (_u_state_machine, 1),
    (_u_parser, 1),
    (_u_async, 1),
    (_u_constants, 1),
]


def _pick_unit(rng: random.Random):  # type: ignore[no-untyped-def]
    makers = [m for m, _ in UNITS]
    weights = [w for _, w in UNITS]
    return rng.choices(makers, weights)[0]


def _render_units(doc: str, units: list[_Unit], extra_imports: str = "") -> str:
    imports: set[tuple[str, str]] = set()
    for unit in units:
        imports |= unit.imports
    typevar = ("@T", "") in imports
    imports.discard(("@T", ""))
    text = _imports(imports)
    if extra_imports:
        text += "\n\n" + extra_imports
    body = [u.code for u in units]
    if typevar:
        body.insert(0, 'T = TypeVar("T")')
    return _module(doc, text, body)


def _library(root: Path, lib: str, rng: random.Random) -> dict[Path, str]:
    base = root / lib
    files: dict[Path, str] = {}
    module_names = rng.sample(MODULE_NAMES, rng.randint(4, 8))
    error_noun = rng.choice(NOUNS)
    errors = _u_errors(error_noun, rng)
    files[base / "errors.py"] = _module(f"Exceptions raised by {lib}.", "", [errors.code])
    exported: dict[str, list[str]] = {"errors": errors.exports}
    tests: dict[str, list[str]] = {}
    for module in module_names:
        target = rng.randint(150, 420)
        units: list[_Unit] = []
        lines = 0
        nouns = rng.sample(NOUNS, 6)
        index = 0
        while lines < target:
            unit = _pick_unit(rng)(nouns[index % len(nouns)] + ("" if index < 6 else f"_{index}"), rng)
            index += 1
            units.append(unit)
            lines += unit.code.count("\n") + 2
        relative = ""
        if rng.random() < 0.5:
            err = errors.exports[0]
            relative = f"from .errors import {err}"
            units.append(
                _Unit(
                    _t(
                        """
                        def require_$module(value: object, name: str = "value") -> object:
                            if value is None:
                                raise $err(f"{name} is required")
                            return value
                        """,
                        module=module,
                        err=err,
                    )
                )
            )
        files[base / f"{module}.py"] = _render_units(
            f"{lib}.{module}: {rng.choice(['helpers', 'building blocks', 'models and functions', 'utilities'])}.",
            units,
            relative,
        )
        exported[module] = [name for unit in units for name in unit.exports]
        tests[module] = [test for unit in units for test in unit.tests]
    init_lines = []
    all_names: list[str] = []
    for module, names in exported.items():
        shown = names[:4]
        if shown:
            init_lines.append(f"from .{module} import {', '.join(sorted(shown))}")
            all_names += shown
    files[base / "__init__.py"] = (
        f'"""{lib}: a small library used by the benchmark corpus."""\n\n'
        + "\n".join(init_lines)
        + f'\n\n__all__ = {sorted(all_names)!r}\n__version__ = "{rng.randint(1, 4)}.{rng.randint(0, 12)}"\n'
    )
    if rng.random() < 0.5:
        files[base / "tests" / "__init__.py"] = ""
        for module, module_tests in tests.items():
            if not module_tests:
                continue
            names = sorted(exported[module])
            header = f"from {lib}.{module} import {', '.join(names)}\n"
            if len(header) > 95:
                header = f"from {lib}.{module} import (\n" + "".join(f"    {n},\n" for n in names) + ")\n"
            files[base / "tests" / f"test_{module}.py"] = header + "".join(f"\n\n{t.strip()}\n" for t in module_tests)
    return files


def _script(root: Path, name: str, rng: random.Random) -> dict[Path, str]:
    units = [_pick_unit(rng)(noun, rng) for noun in rng.sample(NOUNS, rng.randint(2, 4))]
    fmt = rng.choice(["csv", "json"])
    reader = (
        "    with path.open(newline=\"\", encoding=\"utf-8\") as handle:\n"
        "        return [dict(row) for row in csv.DictReader(handle)]"
        if fmt == "csv"
        else '    data = json.loads(path.read_text(encoding="utf-8"))\n    return data if isinstance(data, list) else [data]'
    )
    main = _t(
        '''
        def load_rows(path: Path) -> list[dict[str, Any]]:
        $reader


        def build_parser() -> argparse.ArgumentParser:
            parser = argparse.ArgumentParser(description="$desc")
            parser.add_argument("inputs", nargs="+", type=Path, help="$fmt files to read")
            parser.add_argument("--key", default="$key", help="column to group by")
            parser.add_argument("--limit", type=int, default=$limit)
            parser.add_argument("--verbose", "-v", action="count", default=0)
            return parser


        def main(argv: list[str] | None = None) -> int:
            args = build_parser().parse_args(argv)
            logging.basicConfig(level=logging.WARNING - 10 * args.verbose)
            rows: list[dict[str, Any]] = []
            for path in args.inputs:
                if not path.exists():
                    logging.error("missing input: %s", path)
                    return 2
                rows.extend(load_rows(path))
            groups: dict[str, int] = {}
            for row in rows:
                groups[str(row.get(args.key, "?"))] = groups.get(str(row.get(args.key, "?")), 0) + 1
            for key, count in sorted(groups.items(), key=lambda kv: -kv[1])[: args.limit]:
                print(f"{key:<30} {count:>8}")
            return 0


        if __name__ == "__main__":
            sys.exit(main())
        ''',
        reader=reader,
        desc=f"Summarize {name.replace('_', ' ')} exports.",
        fmt=fmt,
        key=rng.choice(["region", "owner", "status", "kind"]),
        limit=rng.choice([10, 25, 50]),
    )
    units.append(
        _Unit(
            main,
            {("argparse", ""), ("logging", ""), ("sys", ""), (fmt, ""), ("pathlib", "Path"), ("typing", "Any")},
        )
    )
    text = "#!/usr/bin/env python3\n" + _render_units(f"{name}: a stand-alone maintenance script.", units)
    return {root / f"{name}.py": text}


# --- the whole corpus ------------------------------------------------------------------------------


@dataclass
class CorpusStats:
    root: Path
    files: int = 0
    lines: int = 0
    by_kind: dict[str, tuple[int, int]] = field(default_factory=dict)  # kind -> (files, lines)
    mentions_flask: tuple[int, int] = (0, 0)  # files, lines containing "flask" (any case)

    @property
    def flask_lines(self) -> int:
        return sum(v[1] for k, v in self.by_kind.items() if k.startswith("flask"))

    def describe(self) -> str:
        out = [f"corpus: {self.root}", f"  {self.files:,} files, {self.lines:,} lines"]
        for kind, (files, lines) in self.by_kind.items():
            out.append(f"  {kind:<16} {files:>6,} files {lines:>9,} lines  {100 * lines / max(self.lines, 1):5.1f} %")
        flask = self.flask_lines
        out.append(
            f"  Flask/non-Flask split: {flask:,} / {self.lines - flask:,} lines "
            f"({100 * flask / max(self.lines, 1):.1f} % / {100 * (self.lines - flask) / max(self.lines, 1):.1f} %)"
        )
        files, lines = self.mentions_flask
        out.append(f"  files mentioning 'flask': {files:,} ({lines:,} lines)")
        return "\n".join(out)


def _kind(rel: Path) -> str:
    top = rel.parts[0]
    if top == "flask_apps":
        return "flask_tests" if "tests" in rel.parts else "flask_app"
    if top == "libs":
        return "lib_tests" if "tests" in rel.parts else "lib"
    return "scripts"


def _unique(rng: random.Random, words: list[str], suffixes: list[str], taken: set[str]) -> str:
    for _ in range(1000):
        name = rng.choice(words) + rng.choice(suffixes)
        if name not in taken:
            taken.add(name)
            return name
    name = f"{rng.choice(words)}{len(taken)}"
    taken.add(name)
    return name


def generate(
    root: Path | str | None = None,
    *,
    lines: int = DEFAULT_LINES,
    seed: int = DEFAULT_SEED,
    flask_share: float = FLASK_SHARE,
) -> CorpusStats:
    """Write the corpus under ``root`` (created; must be empty or missing) and return its stats."""
    root = Path(tempfile.mkdtemp(prefix="f2q-corpus-")) if root is None else Path(root)
    root.mkdir(parents=True, exist_ok=True)
    if any(root.iterdir()):
        raise FileExistsError(f"{root} is not empty")
    rng = random.Random(seed)
    files: dict[Path, str] = {}
    taken: set[str] = set()

    def count(selected: dict[Path, str]) -> int:
        return sum(text.count("\n") for text in selected.values())

    flask_target = int(lines * flask_share)
    flask_lines = 0
    while flask_lines < flask_target:
        pkg = _unique(rng, APP_WORDS, APP_SUFFIXES, taken)
        app = _flask_app(root / "flask_apps", pkg, rng)
        files.update(app)
        flask_lines += count(app)

    other_target = lines - flask_lines
    script_target = int(other_target * SCRIPT_SHARE)
    script_lines = 0
    index = 0
    while script_lines < script_target:
        name = f"{rng.choice(['sync', 'report', 'export', 'clean', 'audit', 'merge'])}_{rng.choice(NOUNS)}_{index:02d}"
        script = _script(root / "scripts", name, rng)
        files.update(script)
        script_lines += count(script)
        index += 1
    lib_lines = 0
    while lib_lines < other_target - script_lines:
        lib = _unique(rng, LIB_WORDS, LIB_SUFFIXES, taken)
        package = _library(root / "libs", lib, rng)
        files.update(package)
        lib_lines += count(package)

    stats = CorpusStats(root)
    by_kind: dict[str, list[int]] = {}
    flask_files = flask_mention_lines = 0
    for path, text in sorted(files.items()):
        try:
            compile(text, str(path), "exec", dont_inherit=True)
        except SyntaxError as error:  # a bug in a template: fail loudly
            raise RuntimeError(f"generated invalid Python in {path}: {error}") from error
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(text.encode("utf-8"))
        n = text.count("\n")
        kind = _kind(path.relative_to(root))
        entry = by_kind.setdefault(kind, [0, 0])
        entry[0] += 1
        entry[1] += n
        stats.files += 1
        stats.lines += n
        if "flask" in text.lower():
            if not kind.startswith("flask"):  # the split would be wrong
                raise RuntimeError(f"generated a non-Flask file that mentions Flask: {path}")
            flask_files += 1
            flask_mention_lines += n
    order = ["flask_app", "flask_tests", "lib", "lib_tests", "scripts"]
    stats.by_kind = {k: (by_kind[k][0], by_kind[k][1]) for k in order if k in by_kind}
    stats.mentions_flask = (flask_files, flask_mention_lines)
    return stats


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("root", nargs="?", type=Path, help="output folder (default: a new temporary folder)")
    parser.add_argument("--lines", type=int, default=DEFAULT_LINES, help=f"line target (default {DEFAULT_LINES:,})")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--force", action="store_true", help="empty ROOT first if it exists")
    args = parser.parse_args(argv)
    if args.force and args.root is not None and args.root.exists():
        shutil.rmtree(args.root)
    try:
        stats = generate(args.root, lines=args.lines, seed=args.seed)
    except (FileExistsError, RuntimeError) as error:
        print(f"corpus: error: {error}", file=sys.stderr)
        return 2
    print(stats.describe())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
