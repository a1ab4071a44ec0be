"""F2Q321: Flask-SQLAlchemy is kept through the bridge; without it, every use is reported.

With F2Q327 (the default) Flask-SQLAlchemy runs under Quart through the generated
``flask_bridge`` module: this rule only notes each import (INFO), and ``check`` lists the
queries as blocking calls (database). With ``--db-calls run-sync`` (opt-in), the calls made in
async code that wait on the database move to a worker thread: ``db.session.commit()`` ->
``await run_sync(db.session.commit)()`` (the request's session: ``run_sync`` copies the context).
Without F2Q327, the report-only mode below applies.

Flask-SQLAlchemy fails under Quart ("Working outside of application context": its session and
``Model.query`` live in Flask's app context), and quart-sqlalchemy pins ``quart<0.20``, so it
cannot be installed with Quart 0.23 (reference §5). There is no safe mechanical port: the engine,
the session's lifetime and every query change shape. Nothing is rewritten; each use site is one
finding:

- **ERROR** (a person decides): ``SQLAlchemy(...)`` and ``db.init_app(app)`` (the engine moves to
  ``before_serving``/``after_serving``, a session per request on ``g``); each model class
  (``class User(db.Model)``, directly or through a project base), one finding on the class name
  that stands for its columns and relationships (with Flask-SQLAlchemy's generated
  ``__tablename__`` to spell out); a class that declares ``db.Column``s without being a model (a
  mixin); ``db.Table(...)`` and other schema declarations outside a class.
- **WARNING** (the follow-up the recipe dictates): each query, ``Model.query...`` chains and
  ``db.session.<op>(...)`` (blocking sync DB calls on the event loop, with the AsyncSession form:
  ``await session.get(User, id)``, ``(await session.scalars(select(User)...)).first()``...),
  ``db.get_or_404``/``first_or_404``/``one_or_404``/``paginate``, ``db.create_all()``, and names
  Flask-SQLAlchemy re-exports from SQLAlchemy (``db.select``, ``db.func``...).

The alternative to the asyncio port, keeping sync SQLAlchemy, is offered in every query message:
it only works in a worker thread (``await run_sync(fn)()``) with a session scoped to the request,
not the thread, and costs a thread hop per call. ``db`` is followed across modules (``from
app.extensions import db``) and model classes across modules and base classes.

Docs: https://docs.sqlalchemy.org/en/20/orm/extensions/asyncio.html; recipe:
docs/extensions.md#flask-sqlalchemy
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ..context import FileContext
from ._report_extension import (
    CALL,
    ExtensionReport,
    Origin,
    Report,
    Use,
    keyword_value,
    origin_of,
    snake_case_table_name,
)
from .base import awaited, parenthesized

#: Columns and other declarations that belong to a model's class body.
_COLUMNS = frozenset({"Column", "mapped_column", "column_property", "deferred", "synonym", "composite"})
_RELATIONSHIPS = frozenset({"relationship", "backref", "dynamic_loader", "relation"})
_SCHEMA = _COLUMNS | _RELATIONSHIPS | frozenset(
    {"Table", "ForeignKey", "ForeignKeyConstraint", "Index", "UniqueConstraint", "CheckConstraint",
     "PrimaryKeyConstraint", "declared_attr"}
)
#: AsyncSession methods that are coroutines (``add`` and friends are not).
_AWAITED_SESSION_OPS = frozenset(
    {"commit", "rollback", "flush", "refresh", "delete", "merge", "close", "get", "get_one", "execute",
     "scalar", "scalars", "stream", "stream_scalars", "connection", "run_sync", "invalidate", "reset"}
)
_PLAIN_SESSION_OPS = frozenset(
    {"add", "add_all", "expunge", "expunge_all", "expire", "expire_all", "is_modified", "no_autoflush", "in_transaction"}
)
_RESULT_TERMINALS = frozenset({"all", "first", "one", "one_or_none", "scalar"})
_KEEP_SYNC = "or keep sync SQLAlchemy inside `await run_sync(fn)()` (a thread hop per call)"
_BLOCKING = "blocking sync DB call on the event loop, and Flask-SQLAlchemy needs Flask's app context"


class FlaskSqlalchemy(ExtensionReport):
    code = "F2Q321"
    name = "flask-sqlalchemy"
    modules = frozenset({"flask_sqlalchemy"})
    title = "Flask-SQLAlchemy"
    anchor = "flask-sqlalchemy"
    replacement = "SQLAlchemy 2 asyncio (`create_async_engine`, `async_sessionmaker`)"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: id of a call moved to a worker thread -> whether it is inside a longer chain
        self._offloaded: dict[int, bool] = {}

    def describe(self, use: Use) -> Report | None:
        if self.bridged:
            if self.ctx.analysis.db_calls == "run-sync":
                self._offload(use)
            return None  # it runs as it is; `check` lists its queries as blocking calls (database)
        if use.kind == "class":
            return self._model_use(use)
        if use.kind == "name":
            if use.member == "SQLAlchemy" and use.path[:1] == (CALL,):
                return (
                    f"`{use.spelling}`: Flask-SQLAlchemy fails under Quart (\"Working outside of application "
                    "context\") and quart-sqlalchemy cannot be installed with Quart 0.23: create an engine with "
                    "`create_async_engine(url)` in `@app.before_serving` (dispose of it in `after_serving`) and "
                    "an `async_sessionmaker`; open a session per request on `g`, closed in "
                    "`teardown_appcontext`; or keep sync SQLAlchemy with a request-scoped `scoped_session`, "
                    "every DB call in `await run_sync(fn)()`",
                    Severity.ERROR,
                )
            return (f"`{use.spelling}` is Flask-SQLAlchemy's: use SQLAlchemy's own API", Severity.WARNING)
        return self._db_use(use)

    # --- ``--db-calls run-sync``: the calls that wait on the database go to a worker thread ------
    def _offload(self, use: Use) -> None:
        """Note the call of ``use`` that waits on the database, when it is made in async code."""
        if self.ctx.facts.is_test or not self.ctx.in_async_function() or not self.ctx.can_await():
            return
        call = _database_call(use)
        if call is not None:
            # the call's result may be read further along the chain: ``(await ...).scalars()``
            self._offloaded[id(call)] = call is not use.node

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``db.session.commit()`` -> ``await run_sync(db.session.commit)()``: the same call in a
        worker thread; ``run_sync`` copies the context, so it uses the request's session."""
        inner = self._offloaded.get(id(original))
        if inner is None:
            return updated
        self.changed()
        run_sync = self.ctx.require_import("quart.utils", "run_sync")
        result = awaited(updated.with_changes(func=cst.Call(cst.Name(run_sync), [cst.Arg(updated.func)])))
        return parenthesized(result) if inner else result

    def _db_use(self, use: Use) -> Report | None:
        attrs = use.attrs
        if not attrs:
            return None  # ``db`` passed along: its uses are reported where they happen
        first = attrs[0]
        text = f"`{use.spelling}`"
        if first == "init_app":
            return (
                f"{text}: set up the async engine in `@app.before_serving` and dispose of it in "
                "`@app.after_serving`; open the request's session on `g`",
                Severity.ERROR,
            )
        if first == "session":
            op = attrs[1] if len(attrs) > 1 else None
            if op is None:
                return (f"{text}: Flask-SQLAlchemy's session needs Flask's app context: use the request's "
                        "`AsyncSession` (`await get_session()` in the recipe)", Severity.WARNING)
            call = use.call_after(op)
            arguments = "(...)" if call is not None and call.args else "()"
            return (f"{text}: {_BLOCKING}: {_session_op(op, arguments)}, {_KEEP_SYNC}", Severity.WARNING)
        if first in ("create_all", "drop_all", "reflect"):
            return (
                f"{text}: `async with engine.begin() as conn: await conn.run_sync(Base.metadata.{first})`",
                Severity.WARNING,
            )
        if first == "get_or_404":
            return (f"{text}: {_BLOCKING}: `await session.get(Model, id)`, then `abort(404)` when it is None, "
                    f"{_KEEP_SYNC}", Severity.WARNING)
        if first in ("first_or_404", "one_or_404"):
            terminal = first.partition("_")[0]
            return (f"{text}: {_BLOCKING}: `(await session.scalars(stmt)).{terminal}()` (`one_or_none()` for "
                    f"one_or_404), then `abort(404)` when it is None, {_KEEP_SYNC}", Severity.WARNING)
        if first == "paginate":
            return (f"{text}: {_PAGINATE}", Severity.WARNING)
        if first in ("engine", "engines", "get_engine"):
            return (f"{text}: the `AsyncEngine` from `create_async_engine` (kept where `before_serving` made it)",
                    Severity.WARNING)
        if first in ("metadata", "Model", "metadatas"):
            return (f"{text}: `Base.metadata` of your own `DeclarativeBase`", Severity.WARNING)
        if first in _SCHEMA:
            return (
                f"{text}: a schema declaration on Flask-SQLAlchemy's `db`: use `{_schema_name(first)}` from "
                "`sqlalchemy`/`sqlalchemy.orm` with your own `DeclarativeBase`'s metadata",
                Severity.ERROR,
            )
        if first in ("Query", "record_queries", "get_binds", "get_tables_for_bind"):
            return (f"{text}: Flask-SQLAlchemy only: no SQLAlchemy counterpart", Severity.WARNING)
        return (
            f"{text}: a name Flask-SQLAlchemy re-exports from SQLAlchemy: import `{first}` from `sqlalchemy` "
            "(or `sqlalchemy.orm`)",
            Severity.WARNING,
        )

    def _model_use(self, use: Use) -> Report | None:
        if use.attrs[:1] != ("query",) or not _is_model(use.base):
            return None
        model = use.member
        terminal = use.attrs[-1] if len(use.attrs) > 1 and use.path[-1] == CALL else None
        builders = use.attrs[1:-1] if terminal else use.attrs[1:]
        statement = f"select({model})" + ("..." if builders else "")
        if terminal == "get":
            replacement = f"`await session.get({model}, id)`"
        elif terminal == "get_or_404":
            replacement = f"`await session.get({model}, id)`, then `abort(404)` when it is None"
        elif terminal in ("first_or_404", "one_or_404"):
            replacement = (f"`(await session.scalars({statement})).{terminal.partition('_')[0]}()`, "
                           "then `abort(404)` when it is None")
        elif terminal in _RESULT_TERMINALS:
            replacement = f"`(await session.scalars({statement})).{terminal}()`"
        elif terminal == "count":
            replacement = f"`await session.scalar(select(func.count()).select_from({model})...)`"
        elif terminal in ("delete", "update"):
            replacement = f"`await session.execute({terminal}({model}).where(...))`"
        elif terminal == "paginate":
            return (f"`{use.spelling}`: {_PAGINATE}", Severity.WARNING)
        else:
            replacement = (f"`{statement}` (`filter_by`, `filter`, `order_by`, `limit`, `join` keep their names), "
                           "run with `await session.scalars(...)`")
        return (
            f"`{use.spelling}`: {_BLOCKING} (`{model}.query`): {replacement} on the request's AsyncSession, "
            f"{_KEEP_SYNC}",
            Severity.WARNING,
        )

    def describe_class(self, node: cst.ClassDef, base: Origin | None, body_uses: list[Use]) -> Report | None:
        if self.bridged:
            return None  # models keep Flask-SQLAlchemy's declarative base, table names and query
        name = node.name.value
        declared = [u for u in body_uses if u.kind == "object" and u.attrs[:1] and u.attrs[0] in _SCHEMA]
        columns = sum(1 for u in declared if u.attrs[0] in _COLUMNS)
        relationships = [u for u in declared if u.attrs[0] in _RELATIONSHIPS]
        counts = _counts(columns, len(relationships))
        notes = ""
        if relationships:
            notes += ("; an AsyncSession never lazy-loads (it raises MissingGreenlet): load relationships with "
                      "`selectinload()` or `lazy=\"selectin\"`")
            if any(_is_dynamic(u) for u in relationships):
                notes += ", and `lazy=\"dynamic\"` becomes `WriteOnlyMapped`"
        if base is not None and _is_model(base):
            if self._derives_directly(node) and not _sets_tablename(node):
                notes += (f"; set `__tablename__ = \"{snake_case_table_name(name)}\"` (the name Flask-SQLAlchemy "
                          "gave its table)")
            return (
                f"model `{name}` is declared on Flask-SQLAlchemy's `db.Model`{counts}: declare it on your own "
                "`DeclarativeBase` (`class Base(AsyncAttrs, DeclarativeBase)`) with `Mapped[...] = "
                f"mapped_column(...)` and `relationship()` from `sqlalchemy.orm`{notes}",
                Severity.ERROR,
            )
        if declared:
            return (
                f"`{name}` declares columns with Flask-SQLAlchemy's `db`{counts}: use `mapped_column()`/"
                f"`relationship()` from `sqlalchemy.orm` (a mixin of your `DeclarativeBase` models){notes}",
                Severity.ERROR,
            )
        return None

    def _derives_directly(self, node: cst.ClassDef) -> bool:
        """A base of the class is ``db.Model`` itself (not another model: inheritance)."""
        facts = self.ctx.facts.classes.get(self.ctx.scope.qualname)
        if facts is None:
            return False
        return any(
            _is_model(origin)
            for origin in (self._origin(base) for base in facts.bases)
            if origin is not None and origin.kind == "object"
        )

    def _origin(self, value: str) -> Origin | None:
        return origin_of(value, self.tables)


#: What waits on the database: ``Model.query`` terminals, ``db.session`` and ``db`` methods.
_QUERY_TERMINALS = _RESULT_TERMINALS | frozenset(
    {"get", "get_or_404", "first_or_404", "one_or_404", "count", "delete", "update", "paginate"}
)
_DB_SESSION_OPS = (_AWAITED_SESSION_OPS - {"close", "invalidate", "reset", "run_sync", "stream",
                                           "stream_scalars"}) | {"query"}
_DB_HELPERS = frozenset({"get_or_404", "first_or_404", "one_or_404", "paginate", "create_all", "drop_all"})


def _database_call(use: Use) -> cst.Call | None:
    """The call of a Flask-SQLAlchemy use that waits on the database, if there is one."""
    attrs = use.attrs
    if use.kind == "class":
        queries = attrs[:1] == ("query",) and _is_model(use.base) and use.path[-1] == CALL
        return use.calls[-1] if queries and len(attrs) > 1 and attrs[-1] in _QUERY_TERMINALS else None
    if use.kind != "object" or not attrs:
        return None
    if attrs[0] == "session" and len(attrs) > 1 and attrs[1] in _DB_SESSION_OPS - {"query"}:
        return use.call_after(attrs[1])
    if attrs[0] in _DB_HELPERS:
        return use.call_after(attrs[0])
    return None


_PAGINATE = (
    "plain SQLAlchemy has no `paginate()`: `stmt.limit(per_page).offset((page - 1) * per_page)` run with "
    "`await session.scalars(...)`, and `await session.scalar(select(func.count()).select_from(...))` for the "
    "total"
)


def _session_op(op: str, arguments: str) -> str:
    if op == "query":
        return "`select(Model)...` run with `await session.scalars(...)` (an AsyncSession has no `query()`)"
    if op == "remove":
        return "close the request's session in `teardown_appcontext` (`await session.close()`)"
    if op in _AWAITED_SESSION_OPS:
        return f"`await session.{op}{arguments}` on the request's AsyncSession"
    if op in _PLAIN_SESSION_OPS:
        return f"`session.{op}{arguments}` on the request's AsyncSession (not awaited)"
    return f"`session.{op}` of the request's AsyncSession"


def _schema_name(attr: str) -> str:
    return {"Column": "mapped_column", "backref": "relationship(back_populates=...)"}.get(attr, attr)


def _is_model(origin: Origin | None) -> bool:
    return origin is not None and origin.kind == "object" and origin.path == ("Model",)


def _counts(columns: int, relationships: int) -> str:
    parts = []
    if columns:
        parts.append(f"{columns} column{'s' if columns != 1 else ''}")
    if relationships:
        parts.append(f"{relationships} relationship{'s' if relationships != 1 else ''}")
    return f" ({', '.join(parts)})" if parts else ""


def _is_dynamic(use: Use) -> bool:
    lazy = keyword_value(use.call_after(use.attrs[0]), "lazy")
    return isinstance(lazy, cst.SimpleString) and lazy.evaluated_value == "dynamic"


def _sets_tablename(node: cst.ClassDef) -> bool:
    for statement in getattr(node.body, "body", ()):
        if not isinstance(statement, cst.SimpleStatementLine):
            continue
        for small in statement.body:
            if isinstance(small, (cst.Assign, cst.AnnAssign)):
                targets = [t.target for t in small.targets] if isinstance(small, cst.Assign) else [small.target]
                if any(isinstance(t, cst.Name) and t.value in ("__tablename__", "__abstract__") for t in targets):
                    return True
    return False
