"""F2Q306: Flask-Session becomes quart-session.

Flask-Session's interfaces implement Flask's synchronous ``open_session``/``save_session``; Quart
awaits both, so it cannot run under Quart. quart-session (3.0) has the same ``Session(app)``/
``init_app(app)`` and ``SESSION_*`` keys, with async backends. This rule moves the import and
checks the configuration it can see:

- ``SESSION_TYPE``: ``"redis"``, ``"memcached"``, ``"mongodb"`` and ``"null"`` exist in
  quart-session; ``"filesystem"``, ``"sqlalchemy"``, ``"cachelib"`` and ``"dynamodb"`` do not
  (ERROR on the literal's line; an expression holding such a literal, like
  ``os.environ.get("SESSION_TYPE", "filesystem")``, too). quart-session compares the name exactly
  where Flask-Session lowercased it, so ``"Redis"`` becomes ``"redis"``. ``"null"`` stores nothing
  in quart-session (every request starts an empty session): WARNING.
- ``SESSION_REDIS`` must be an asyncio client: ``redis.Redis(...)``, ``redis.StrictRedis(...)``,
  ``redis.from_url(...)`` and ``Redis.from_url(...)`` become their ``redis.asyncio`` twins (same
  arguments); any other value is reported. quart-session can also build the client itself from
  ``SESSION_URI`` when ``SESSION_REDIS`` is left unset.
- ``SESSION_MEMCACHED`` (a pylibmc/pymemcache client) must be an ``aiomcache.Client``, and the
  MongoDB keys differ (``SESSION_MONGODB_URI``, ``SESSION_MONGODB_COLLECTION``): ERROR. Keys
  quart-session ignores (``SESSION_ID_LENGTH``, ``SESSION_SERIALIZATION_FORMAT``,
  ``SESSION_CLEANUP_N_REQUESTS``, the file, SQLAlchemy, cachelib and DynamoDB ones): WARNING.
- At ``Session(app)``/``init_app`` (INFO): sessions stored before the port are not read back
  (Flask-Session 0.8 stores msgpack, quart-session JSON; signed ids use another salt), so users
  start a new session once; quart-session keeps ``_addr`` and ``_permanent`` in the session mapping
  (``if session:`` is true for a new visitor); and the backend is created in ``before_serving``,
  which Quart's test client only runs inside ``async with app.test_app():``.

Docs: https://github.com/kroketio/quart-session and https://flask-session.readthedocs.io/
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._extension_config import ConfigKeys, string
from ._extensions import ExtensionImports, expression

_SESSION = "flask_session.Session"
_TYPES = frozenset({"redis", "memcached", "mongodb", "null"})
_MISSING_TYPES = frozenset({"filesystem", "sqlalchemy", "cachelib", "dynamodb"})
_IGNORED = frozenset(
    {
        "SESSION_ID_LENGTH",
        "SESSION_SERIALIZATION_FORMAT",
        "SESSION_CLEANUP_N_REQUESTS",
        "SESSION_CACHELIB",
        "SESSION_SQLALCHEMY",
        "SESSION_SQLALCHEMY_TABLE",
        "SESSION_SQLALCHEMY_SEQUENCE",
        "SESSION_SQLALCHEMY_SCHEMA",
        "SESSION_SQLALCHEMY_BIND_KEY",
        "SESSION_DYNAMODB",
        "SESSION_DYNAMODB_TABLE",
    }
)
_MONGODB = {
    "SESSION_MONGODB": "SESSION_MONGODB_URI (a connection URI: quart-session builds a motor client)",
    "SESSION_MONGODB_DB": "SESSION_MONGODB_URI (name the database in the URI)",
    "SESSION_MONGODB_COLLECT": "SESSION_MONGODB_COLLECTION",
}
#: Synchronous redis-py constructors -> their asyncio twins (same arguments).
_REDIS_CLIENTS = {
    "redis.Redis": "redis.asyncio.Redis",
    "redis.client.Redis": "redis.asyncio.Redis",
    "redis.StrictRedis": "redis.asyncio.StrictRedis",
    "redis.client.StrictRedis": "redis.asyncio.StrictRedis",
    "redis.from_url": "redis.asyncio.from_url",
    "redis.Redis.from_url": "redis.asyncio.Redis.from_url",
    "redis.client.Redis.from_url": "redis.asyncio.Redis.from_url",
    "redis.StrictRedis.from_url": "redis.asyncio.StrictRedis.from_url",
}


class FlaskSession(ConfigKeys, ExtensionImports):
    code = "F2Q306"
    name = "flask-session"
    priority = 45
    modules = {"flask_session": "quart_session"}  # noqa: RUF012 - class-level table of a rule
    config_prefix = "SESSION_"
    config_module = "flask_session"

    def check_config(self, key: str, value: cst.BaseExpression, node: cst.CSTNode) -> cst.BaseExpression:
        if key == "SESSION_TYPE":
            return self._session_type(value, node)
        if key == "SESSION_REDIS":
            return self._redis_client(value, node)
        if key == "SESSION_MEMCACHED":
            self.ctx.report(
                node, self.code, "quart-session's memcached backend needs an `aiomcache.Client` here (or "
                "leave SESSION_MEMCACHED unset and set SESSION_MEMCACHED_HOST/SESSION_MEMCACHED_PORT)",
                Severity.ERROR,
            )
        elif key in _MONGODB:
            self.ctx.report(node, self.code, f"quart-session reads {_MONGODB[key]}, not {key}", Severity.ERROR)
        elif key in _IGNORED or key.startswith("SESSION_FILE_"):
            self.ctx.report(node, self.code, f"quart-session ignores `{key}`", Severity.WARNING)
        return value

    def _session_type(self, value: cst.BaseExpression, node: cst.CSTNode) -> cst.BaseExpression:
        literal = string(value)
        if literal is not None:
            name = literal.lower()
            if name in _MISSING_TYPES:
                self._missing_type(node, name)
            elif name == "null":
                self.ctx.report(
                    node, self.code, "quart-session's 'null' backend stores nothing: every request "
                    "starts with an empty session", Severity.WARNING,
                )
            if name != literal and name in _TYPES:
                assert isinstance(value, cst.SimpleString)
                return value.with_changes(value=f"{value.prefix}{value.quote}{name}{value.quote}")
            return value
        for text in _strings(value):
            if text.lower() in _MISSING_TYPES:
                self._missing_type(node, text.lower())
        return value

    def _missing_type(self, node: cst.CSTNode, name: str) -> None:
        self.ctx.report(
            node, self.code, f"quart-session has no '{name}' backend (it has redis, memcached, mongodb): "
            "move the sessions to Redis, or keep Quart's signed-cookie session and drop Session()",
            Severity.ERROR,
        )

    def _redis_client(self, value: cst.BaseExpression, node: cst.CSTNode) -> cst.BaseExpression:
        if isinstance(value, cst.Name) and value.value == "None":
            return value
        if isinstance(value, cst.Call):
            func = self.ctx.value(value.func)
            target = _REDIS_CLIENTS.get(func[2:]) if func and func.startswith("q:") else None
            if target is not None and self._redis_name_free():
                self.ctx.require_import("redis.asyncio")
                return value.with_changes(func=expression(target))
            if func and func.startswith("q:redis.asyncio."):
                return value  # already an asyncio client
        self.ctx.report(
            node, self.code, "SESSION_REDIS must be an asyncio client for quart-session: "
            "`redis.asyncio.Redis(...)`/`redis.asyncio.from_url(...)` (or leave it unset and set SESSION_URI)",
            Severity.ERROR,
        )
        return value

    def _redis_name_free(self) -> bool:
        """``import redis.asyncio`` binds ``redis``: only when nothing else in the module is called so."""
        imports = self.ctx.facts.imports
        return imports.get("redis", "redis") == "redis" and "redis" not in self.ctx.facts.functions and (
            "redis" not in self.ctx.facts.classes and "redis" not in self.ctx.scopes[0].kinds
        )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.ctx.value(updated.func)
        if (self.member(updated.func) == "Session" and updated.args) or (
            V.extension_method(func) == f"{_SESSION}.init_app"
        ):
            self.ctx.report(
                original, self.code, "quart-session stores sessions as JSON (Flask-Session 0.8: msgpack) "
                "and signs ids with its own salt: sessions from before the port are not read back. It keeps "
                "`_addr` and `_permanent` in the session itself (`if session:` is true for a new visitor). "
                "Its backend connects in `before_serving`: tests need `async with app.test_app():`",
                Severity.INFO,
            )
        return super().leave_Call(original, updated)


def _strings(node: cst.BaseExpression) -> list[str]:
    found: list[str] = []

    class Finder(cst.CSTVisitor):
        def visit_SimpleString(self, node: cst.SimpleString) -> None:
            if isinstance(node.evaluated_value, str):
                found.append(node.evaluated_value)

    node.visit(Finder())
    return found
