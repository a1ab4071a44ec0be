"""F2Q321: Flask-SQLAlchemy uses are reported (never rewritten), one finding per use site."""

from __future__ import annotations

from pathlib import Path

from flask_sqlalchemy.model import camel_to_snake_case
from hypothesis import given, settings
from hypothesis import strategies as st

from flask2quart.findings import Finding, Severity
from flask2quart.migrate.rules import ALL_CODES, PYTHON_RULES
from flask2quart.migrate.rules._report_extension import ExtensionReport, snake_case_table_name
from tests.helpers import check_noop, run_rewrite

ONLY = ("F2Q321",)
FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "sqlalchemy_app"


def sites(findings: list[Finding]) -> list[tuple[str, int, str]]:
    return [(f.path, f.line, f.severity.value) for f in findings if f.code == "F2Q321"]


def message(findings: list[Finding], path: str, line: int) -> str:
    [found] = [f for f in findings if f.path == path and f.line == line]
    return found.message


EXTENSIONS = """\
from flask_sqlalchemy import SQLAlchemy

db = SQLAlchemy()
"""

MODELS = """\
from app.extensions import db


class TimestampMixin:
    created = db.Column(db.DateTime)


class Base(db.Model):
    __abstract__ = True


class UserRole(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(80), db.ForeignKey("group.id"))
    posts = db.relationship("Post", lazy="dynamic")

    def save(self):
        db.session.add(self)
        db.session.commit()


class Post(Base, TimestampMixin):
    __tablename__ = "posts"
    id = db.Column(db.Integer, primary_key=True)


tags = db.Table("tags", db.Column("post_id", db.Integer))


class Model:
    query = None
"""

VIEWS = """\
from flask import Blueprint

from app import models
from app.extensions import db
from app.models import Model, Post, UserRole

bp = Blueprint("b", __name__)


@bp.route("/<int:id>")
def show(id):
    user = UserRole.query.get_or_404(id)
    posts = Post.query.filter_by(author=user).order_by(Post.id).all()
    count = models.UserRole.query.count()
    stmt = db.select(UserRole).where(UserRole.id == id)
    one = db.session.execute(stmt).scalar_one()
    db.session.delete(one)
    db.session.commit()
    page = db.paginate(db.select(Post))
    first = Post.query.filter_by(id=id).first_or_404()
    other = Model.query
    return str(len(posts) + count)


def helper(db: "Database", user: UserRole) -> None:
    db.session.add(user)
"""


def _project() -> list[Finding]:
    return check_noop(
        VIEWS,
        path="app/views.py",
        files={"app/__init__.py": "", "app/extensions.py": EXTENSIONS, "app/models.py": MODELS},
        select=ONLY,
    )


def test_every_use_across_modules_is_reported_and_nothing_changes() -> None:
    findings = _project()
    assert sites(findings) == [
        ("app/extensions.py", 1, "warning"),  # the import
        ("app/extensions.py", 3, "error"),  # SQLAlchemy()
        ("app/models.py", 4, "error"),  # the mixin's columns, one finding
        ("app/models.py", 8, "error"),  # model Base
        ("app/models.py", 12, "error"),  # model UserRole (its columns are not reported one by one)
        ("app/models.py", 18, "warning"),  # db.session.add in a model method
        ("app/models.py", 19, "warning"),
        ("app/models.py", 22, "error"),  # model Post, through the project base
        ("app/models.py", 27, "error"),  # db.Table
        ("app/views.py", 12, "warning"),
        ("app/views.py", 13, "warning"),
        ("app/views.py", 14, "warning"),  # models.UserRole.query, through the module
        ("app/views.py", 15, "warning"),
        ("app/views.py", 16, "warning"),
        ("app/views.py", 17, "warning"),
        ("app/views.py", 18, "warning"),
        ("app/views.py", 19, "warning"),
        ("app/views.py", 20, "warning"),
    ]
    # ``Model.query`` of a class that is not a model, a parameter called ``db`` and annotations:
    # none of them is Flask-SQLAlchemy's.
    assert not [f for f in findings if f.path == "app/views.py" and f.line in (21, 25, 26)]
    assert all("docs/extensions.md#flask-sqlalchemy" in f.message for f in findings)


def test_messages_give_the_replacement_of_each_use() -> None:
    findings = _project()
    views = "app/views.py"
    assert "`await session.get(UserRole, id)`, then `abort(404)`" in message(findings, views, 12)
    assert "`(await session.scalars(select(Post)...)).all()`" in message(findings, views, 13)
    assert "select(func.count()).select_from(UserRole)" in message(findings, views, 14)
    assert "import `select` from `sqlalchemy`" in message(findings, views, 15)
    assert "`await session.execute(...)`" in message(findings, views, 16)
    assert "`await session.commit()`" in message(findings, views, 18)
    assert "no `paginate()`" in message(findings, views, 19)
    assert "`(await session.scalars(select(Post)...)).first()`, then `abort(404)`" in message(findings, views, 20)
    for line in (12, 16, 18):
        text = message(findings, views, line)
        assert "blocking sync DB call on the event loop" in text
        assert "`await run_sync(fn)()`" in text
    models = "app/models.py"
    assert "`session.add(self)`" not in message(findings, models, 18)  # arguments are elided
    assert "`session.add(...)` on the request's AsyncSession (not awaited)" in message(findings, models, 18)
    role = message(findings, models, 12)
    assert "(2 columns, 1 relationship)" in role
    assert '`__tablename__ = "user_role"`' in role
    assert "MissingGreenlet" in role and "WriteOnlyMapped" in role
    assert "__tablename__" not in message(findings, models, 8)  # abstract
    assert "__tablename__" not in message(findings, models, 22)  # sets its own, and inherits
    assert "`TimestampMixin` declares columns" in message(findings, models, 4)
    creation = message(findings, "app/extensions.py", 3)
    assert "Working outside of application context" in creation
    assert "create_async_engine" in creation and "before_serving" in creation and "scoped_session" in creation


def test_alias_reexport_and_module_attribute_are_followed() -> None:
    findings = check_noop(
        """\
        from pkg import db
        from pkg.models import Item


        def count():
            db.session.commit()
            return Item.query.count()
        """,
        path="pkg/views.py",
        files={
            "pkg/__init__.py": "from .ext import db\n",
            "pkg/ext.py": "import flask_sqlalchemy as fsa\n\ndb = fsa.SQLAlchemy()\n",
            "pkg/models.py": "from pkg import ext\n\n\nclass Item(ext.db.Model):\n    id = ext.db.Column(ext.db.Integer)\n",
        },
        select=ONLY,
    )
    assert sites(findings) == [
        ("pkg/ext.py", 1, "warning"),
        ("pkg/ext.py", 3, "error"),
        ("pkg/models.py", 4, "error"),
        ("pkg/views.py", 6, "warning"),
        ("pkg/views.py", 7, "warning"),
    ]
    assert "`fsa.SQLAlchemy()`" in message(findings, "pkg/ext.py", 3)
    assert "model `Item`" in message(findings, "pkg/models.py", 4)


def test_project_without_flask_sqlalchemy_gets_no_finding() -> None:
    findings = check_noop(
        """\
        from flask import Flask
        from sqlalchemy.orm import DeclarativeBase


        class Model(DeclarativeBase):
            pass


        class User(Model):
            query = None


        app = Flask(__name__)


        @app.route("/")
        def index():
            return str(User.query)
        """,
        select=ONLY,
    )
    assert findings == []


def test_full_rewrite_keeps_flask_sqlalchemy_through_the_bridge() -> None:
    """With every rule on (F2Q327 too), the view becomes async and Flask-SQLAlchemy is kept as it
    is, imported after the generated ``flask_bridge``: nothing is left for a person."""
    source = (
        "from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\n"
        "db = SQLAlchemy(app)\n\n\nclass User(db.Model):\n    id = db.Column(db.Integer, primary_key=True)\n\n\n"
        "@app.route(\"/\")\ndef index():\n    return str(User.query.count())\n"
    )
    output, findings, _ = run_rewrite(source)
    assert "async def index():\n    return str(User.query.count())" in output
    assert "db = SQLAlchemy(app)" in output
    assert "import flask_bridge  # noqa: F401" in output.split("from flask_sqlalchemy import SQLAlchemy")[0]
    assert sites(findings) == [("app.py", 2, "info")]  # the import: it runs through the bridge


def test_the_check_fixture_app_lists_every_model_and_query_use_without_the_bridge() -> None:
    files = {
        str(path.relative_to(FIXTURE)): path.read_text(encoding="utf-8")
        for path in FIXTURE.rglob("*.py")
    }
    views = files.pop("blog/views.py")
    every_rule_but_the_bridge = tuple(code for code in ALL_CODES if code != "F2Q327")
    _, findings, texts = run_rewrite(views, path="blog/views.py", files=files, select=every_rule_but_the_bridge)
    assert sites(findings) == [
        ("blog/__init__.py", 13, "error"),  # db.init_app(app)
        ("blog/models.py", 3, "warning"),  # import
        ("blog/models.py", 5, "error"),  # SQLAlchemy()
        ("blog/models.py", 8, "error"),  # model User
        ("blog/models.py", 14, "error"),  # model Post
        ("blog/views.py", 12, "warning"),  # User.query...first_or_404()
        ("blog/views.py", 19, "warning"),  # db.session.add
        ("blog/views.py", 20, "warning"),  # db.session.commit
        ("blog/views.py", 26, "warning"),  # db.get_or_404
        ("blog/views.py", 32, "warning"),  # db.paginate(db.select(...))
    ]
    assert texts["blog/models.py"] == (FIXTURE / "blog" / "models.py").read_text(encoding="utf-8")
    user = next(f for f in findings if f.path == "blog/models.py" and f.line == 8)
    assert user.severity is Severity.ERROR
    assert "(2 columns, 1 relationship)" in user.message and '`__tablename__ = "user"`' in user.message


@settings(deadline=None)
@given(st.text(alphabet="AbCdEXYZxyz019_é", min_size=1, max_size=12))
def test_table_name_is_the_one_flask_sqlalchemy_derives(name: str) -> None:
    assert snake_case_table_name(name) == camel_to_snake_case(name)


def _anchor(heading: str) -> str:
    """GitHub's anchor for a Markdown heading."""
    text = heading.lstrip("#").strip().lower()
    return "".join(c for c in text.replace(" ", "-") if c.isalnum() or c in "-_")


def test_every_report_only_rule_points_at_a_section_of_the_extensions_page() -> None:
    """The six report-only rules (F2Q321-F2Q326) end each message with a link to their recipe."""
    page = (Path(__file__).resolve().parents[2] / "docs" / "extensions.md").read_text(encoding="utf-8")
    anchors = {_anchor(line) for line in page.splitlines() if line.startswith("#")}
    rules = [r for r in PYTHON_RULES if issubclass(r, ExtensionReport)]
    assert sorted(r.code for r in rules) == ["F2Q321", "F2Q322", "F2Q323", "F2Q324", "F2Q325", "F2Q326"]
    for rule in rules:
        assert rule.anchor in anchors, rule.code
        assert f"**{rule.code}**" in page


def test_the_check_fixture_app_keeps_its_models_and_queries_through_the_bridge() -> None:
    files = {
        str(path.relative_to(FIXTURE)): path.read_text(encoding="utf-8")
        for path in FIXTURE.rglob("*.py")
    }
    views = files.pop("blog/views.py")
    output, findings, texts = run_rewrite(views, path="blog/views.py", files=files)
    assert sites(findings) == [("blog/models.py", 3, "info")]  # the import (lines of the original)
    original = (FIXTURE / "blog" / "models.py").read_text(encoding="utf-8")
    assert texts["blog/models.py"] == original.replace(
        "from flask_sqlalchemy import SQLAlchemy\n",
        "from . import flask_bridge  # noqa: F401  (F2Q327: Flask extensions run on Quart's context; import it "
        "first)\nfrom flask_sqlalchemy import SQLAlchemy\n",
    )
    assert "User.query.filter_by(username=name).first_or_404()" in output
    assert texts["blog/flask_bridge.py"].startswith("# Generated by flask2quart (F2Q327)")
