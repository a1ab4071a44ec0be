"""Blocking calls: code that stops the event loop while it waits, found on :mod:`ast` trees.

After the port, views, hooks and everything they call run on one event loop: a sync HTTP request,
a query through a sync database driver, ``time.sleep`` in a helper that stayed sync, a child
process, SMTP, or seconds of password hashing stop every other request while they run.

This module finds such calls in a module (``BlockingScanner``) and follows what a few values are:
a connection from ``sqlite3.connect`` (also through a project function such as ``get_db()`` that
returns it, or ``g.db`` set from it), a Flask-SQLAlchemy ``db`` and its models (``Model.query``,
``db.session``), SQLAlchemy engines and sessions, Redis and MongoDB clients, ``requests.Session``.
:func:`learn` settles, across the whole project, which functions return such values and which
module-level names hold them.

``flask2quart check`` runs the scanner on the code as it is and on the code as the rewrite would
leave it: a call the rewrite fixes (``time.sleep`` in async code becomes ``await asyncio.sleep``; a
call wrapped in ``run_sync``) is gone from the second scan, so only what is still blocking after the
port is reported. Which functions run on the loop is decided by :mod:`.collect`.

Docs: docs/check.md ("Blocking calls")
"""

from __future__ import annotations

import ast
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..migrate import flask_api
from ..migrate.analysis import ModuleFacts
from .model import BlockingCall, BlockingKind

#: A loop nest running at least this many iterations of Python code takes a noticeable time.
LOOP_ITERATIONS = 1_000_000

#: DB-API ``connect`` functions of sync drivers -> the driver's name.
DB_CONNECT = {
    "sqlite3.connect": "sqlite3",
    "psycopg2.connect": "psycopg2",
    "psycopg.connect": "psycopg",
    "psycopg.Connection.connect": "psycopg",
    "pymysql.connect": "pymysql",
    "MySQLdb.connect": "MySQLdb",
    "mysql.connector.connect": "mysql.connector",
    "pyodbc.connect": "pyodbc",
    "oracledb.connect": "oracledb",
    "cx_Oracle.connect": "cx_Oracle",
}
_DBAPI_IO = frozenset({"execute", "executemany", "executescript", "commit", "rollback", "callproc"})
_CURSOR_IO = frozenset({"execute", "executemany", "executescript", "callproc"})

#: Constructors of tracked objects: dotted name -> the kind of what they return.
_CONSTRUCTORS = {
    "redis.Redis": "k:redis",
    "redis.StrictRedis": "k:redis",
    "redis.from_url": "k:redis",
    "redis.Redis.from_url": "k:redis",
    "redis.client.Redis": "k:redis",
    "pymongo.MongoClient": "k:mongo",
    "pymongo.mongo_client.MongoClient": "k:mongo",
    "sqlalchemy.create_engine": "k:sa:engine",
    "sqlalchemy.engine.create_engine": "k:sa:engine",
    "sqlalchemy.orm.Session": "k:sa:session",
    "sqlalchemy.orm.session.Session": "k:sa:session",
    "sqlalchemy.orm.sessionmaker": "k:sa:sessionmaker",
    "sqlalchemy.orm.scoped_session": "k:sa:sessionmaker",
    "flask_sqlalchemy.SQLAlchemy": "k:fsa",
    "flask_bcrypt.Bcrypt": "k:hasher:Flask-Bcrypt",
    "passlib.context.CryptContext": "k:hasher:passlib CryptContext",
    "argon2.PasswordHasher": "k:hasher:argon2 PasswordHasher",
    "requests.Session": "k:http:requests.Session",
    "requests.session": "k:http:requests.Session",
    "requests.sessions.Session": "k:http:requests.Session",
    "httpx.Client": "k:http:httpx.Client",
    "urllib3.PoolManager": "k:http:urllib3.PoolManager",
}
_REDIS_NO_IO = frozenset({"pipeline", "pubsub", "lock", "register_script"})
_MONGO_NO_IO = frozenset({"get_database", "get_collection", "get_default_database", "with_options"})
_HTTP_METHODS = frozenset({"get", "post", "put", "patch", "delete", "head", "options", "request", "send", "stream", "urlopen"})
_HTTPX_FUNCTIONS = _HTTP_METHODS - {"send", "urlopen"}
_SMTP_IO = frozenset({"sendmail", "send_message", "login", "starttls", "ehlo", "helo", "quit", "connect"})
_ENGINE_IO = frozenset({"connect", "begin", "execute"})
_CONNECTION_IO = frozenset({"execute", "exec_driver_sql", "scalar", "scalars", "commit", "rollback"})
_SESSION_IO = frozenset(
    {"execute", "scalars", "scalar", "commit", "flush", "get", "get_one", "refresh", "rollback", "merge"}
)
_QUERY_CHAIN = frozenset(
    {
        "filter", "filter_by", "order_by", "limit", "offset", "join", "outerjoin", "options",
        "group_by", "having", "distinct", "with_entities", "select_from", "where", "params",
    }
)
_QUERY_IO = frozenset(
    {
        "all", "first", "one", "one_or_none", "scalar", "count", "get", "first_or_404",
        "get_or_404", "one_or_404", "paginate", "delete", "update", "exists",
    }
)
_FSA_IO = frozenset({"get_or_404", "first_or_404", "one_or_404", "paginate", "create_all", "drop_all", "reflect"})
_HASHER_IO = frozenset({"generate_password_hash", "check_password_hash", "hash", "verify", "verify_and_update"})
#: Functions that spend tens of milliseconds of CPU on purpose (key derivation, password hashes).
CPU_CALLS = frozenset(
    {
        "werkzeug.security.generate_password_hash",
        "werkzeug.security.check_password_hash",
        "werkzeug.generate_password_hash",
        "werkzeug.check_password_hash",
        "hashlib.pbkdf2_hmac",
        "hashlib.scrypt",
        "bcrypt.hashpw",
        "bcrypt.checkpw",
        "bcrypt.kdf",
    }
)

MODEL_BASE = "k:fsa-model-base"  # ``db.Model``

REASONS = {
    BlockingKind.HTTP: "sync HTTP request: the event loop waits for the network; use an async client "
    "(aiohttp, httpx.AsyncClient) or `await run_sync(...)`",
    BlockingKind.DATABASE: "sync database driver: every other request waits for the query; use an "
    "async driver or `await run_sync(...)`",
    BlockingKind.SLEEP: "`time.sleep` in code that stays sync stops the event loop; make the function "
    "async and `await asyncio.sleep(...)`",
    BlockingKind.SUBPROCESS: "waits for a child process; use `asyncio.create_subprocess_exec` or "
    "`await run_sync(...)`",
    BlockingKind.MAIL: "talks to an SMTP server synchronously; use aiosmtplib or `await run_sync(...)`",
    BlockingKind.NETWORK: "opens a socket synchronously; use `asyncio.open_connection`",
    BlockingKind.CPU: "password hashing spends tens of milliseconds of CPU on purpose; "
    "`await run_sync(...)` moves it off the event loop",
}


@dataclass
class Knowledge:
    """What the whole project's code says about tracked values (see :func:`learn`)."""

    #: Project function ``module:qualname`` -> the tracked kind it returns (``k:dbapi:sqlite3``).
    returns: dict[str, str] = field(default_factory=dict)
    #: Module-level names ``module:name`` holding a tracked object (``app.models:db`` -> ``k:fsa``).
    instances: dict[str, str] = field(default_factory=dict)
    #: Flask-SQLAlchemy model classes, ``module:Class``.
    models: set[str] = field(default_factory=set)


def learn(modules: Iterable[tuple[ast.Module, ModuleFacts]], rounds: int = 6) -> Knowledge:
    """Settle which project functions return a connection, session or client, which module-level
    names hold one and which classes are models, across modules (a few rounds: a helper returning
    another helper's connection, a model built on another model)."""
    modules = list(modules)
    knowledge = Knowledge()
    for _ in range(rounds):
        found = Knowledge()
        pending: dict[str, str] = {}
        for tree, facts in modules:
            scanner = BlockingScanner(facts, knowledge, path=facts.path)
            scanner.run(tree)
            found.instances.update(scanner.instances)
            found.models |= scanner.models
            for name, value in scanner.returns.items():
                if value.startswith("k:"):
                    found.returns[name] = value
                else:
                    pending[name] = value
        for name, value in pending.items():  # ``return get_db()``: what get_db returns
            target = knowledge.returns.get(value[2:]) or found.returns.get(value[2:])
            if target:
                found.returns.setdefault(name, target)
        if found == knowledge:
            break
        knowledge = found
    return knowledge


def scan(tree: ast.Module, facts: ModuleFacts, knowledge: Knowledge, path: str) -> list[BlockingCall]:
    """Blocking calls in the functions of one module (module-level code runs at import, not here)."""
    scanner = BlockingScanner(facts, knowledge, path=path)
    scanner.run(tree)
    return scanner.calls


@dataclass
class _Scope:
    #: qualname of the function ("" at module level, ``Class.`` prefixes for class bodies)
    qual: str
    prefix: str
    parent: _Scope | None
    kinds: dict[str, str | None] = field(default_factory=dict)
    #: ``g.db = sqlite3.connect(...)``: the source text of an attribute target -> its value
    attrs: dict[str, str | None] = field(default_factory=dict)
    imports: dict[str, str] = field(default_factory=dict)
    is_function: bool = False


class BlockingScanner:
    """One pass over a module: values of names as statements run, blocking calls as they occur."""

    def __init__(self, facts: ModuleFacts, knowledge: Knowledge, *, path: str) -> None:
        self.facts = facts
        self.module = facts.module
        self.knowledge = knowledge
        self.path = path
        self.calls: list[BlockingCall] = []
        self.returns: dict[str, str] = {}
        self.instances: dict[str, str] = {}
        self.models: set[str] = set()
        self._top: set[str] = set()

    def run(self, tree: ast.Module) -> None:
        self._top = {
            node.name for node in tree.body if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
        }
        self.block(tree.body, _Scope("", "", None), 1)

    # --- statements ------------------------------------------------------------------------------
    def block(self, body: list[ast.stmt], scope: _Scope, loops: int) -> None:
        for node in body:
            self.stmt(node, scope, loops)

    def stmt(self, node: ast.stmt, scope: _Scope, loops: int) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(node, scope)
        elif isinstance(node, ast.ClassDef):
            self.klass(node, scope)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value, scope)
            for target in node.targets:
                self.bind(target, value, scope)
        elif isinstance(node, ast.AnnAssign):
            if node.value is not None:
                self.bind(node.target, self.expr(node.value, scope), scope)
        elif isinstance(node, ast.Return):
            value = self.expr(node.value, scope) if node.value is not None else None
            if scope.is_function and value and value[:2] in ("k:", "r:"):
                self.returns[f"{self.module}:{scope.qual}"] = value
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                value = self.expr(item.context_expr, scope)
                if item.optional_vars is not None:
                    # connections, sessions and cursors are their own context managers
                    self.bind(item.optional_vars, value if value and value.startswith("k:") else None, scope)
            self.block(node.body, scope, loops)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            self.expr(node.iter, scope)
            self.bind(node.target, None, scope)
            count = _range_count(node.iter) if isinstance(node, ast.For) else None
            inner = loops * (count or 1)
            if scope.is_function and inner >= LOOP_ITERATIONS > loops:
                self.record(node, scope, BlockingKind.CPU, "loop",
                            f"for {_text(node.target)} in {_text(node.iter)}",
                            f"a pure-Python loop nest of about {inner:,} iterations holds the event loop; "
                            "`await run_sync(...)` moves it to a thread")
            self.block(node.body, scope, inner)
            self.block(node.orelse, scope, loops)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            return  # the module's and functions' imports come from the analysis facts
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.stmt(child, scope, loops)
                elif isinstance(child, ast.expr):
                    self.expr(child, scope)
                elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                    for grandchild in ast.iter_child_nodes(child):
                        if isinstance(grandchild, ast.stmt):
                            self.stmt(grandchild, scope, loops)
                        elif isinstance(grandchild, ast.expr):
                            self.expr(grandchild, scope)

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scope: _Scope) -> None:
        for dec in node.decorator_list:
            self.expr(dec, scope)
        qual = scope.prefix + node.name
        facts = self.facts.functions.get(qual)
        parent = scope
        while parent is not None and not parent.is_function and parent.qual:
            parent = parent.parent  # a class body does not enclose its methods
        inner = _Scope(qual, qual + ".", parent, imports=dict(facts.local_imports) if facts else {}, is_function=True)
        self.block(node.body, inner, 1)

    def klass(self, node: ast.ClassDef, scope: _Scope) -> None:
        bases = [self.expr(base, scope) for base in node.bases]
        qual = scope.prefix + node.name
        if any(b == MODEL_BASE or (b and b.startswith("k:model:")) for b in bases):
            self.models.add(f"{self.module}:{qual}")
        body = _Scope(qual, qual + ".", scope)
        self.block(node.body, body, 1)

    def bind(self, target: ast.expr, value: str | None, scope: _Scope) -> None:
        if isinstance(target, ast.Name):
            scope.kinds[target.id] = value
            if not scope.qual and value and value.startswith("k:"):
                self.instances[f"{self.module}:{target.id}"] = value
        elif isinstance(target, ast.Attribute):
            self.expr(target.value, scope)
            scope.attrs[_text(target)] = value
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element, None, scope)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, None, scope)
        else:
            self.expr(target, scope)

    # --- expressions -----------------------------------------------------------------------------
    def expr(self, node: ast.expr | None, scope: _Scope, *, awaited: bool = False) -> str | None:
        if node is None:
            return None
        if isinstance(node, ast.Name):
            return self.resolve(node.id, scope)
        if isinstance(node, ast.Await):
            return self.expr(node.value, scope, awaited=True)
        if isinstance(node, ast.Attribute):
            stored = self._stored_attribute(node, scope)
            if stored is not None:
                return stored
            return self.attribute(self.expr(node.value, scope), node.attr)
        if isinstance(node, ast.Call):
            return self.call(node, scope, awaited=awaited)
        if isinstance(node, ast.Subscript):
            base = self.expr(node.value, scope)
            self.expr(node.slice, scope)
            return "k:mongo" if base and (base == "k:mongo" or base.startswith("b:k:mongo|")) else None
        if isinstance(node, ast.NamedExpr):
            value = self.expr(node.value, scope)
            scope.kinds[node.target.id] = value
            return value
        if isinstance(node, ast.Lambda):
            return None  # its body runs when someone calls it: often a thread (``run_sync``)
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                self.expr(child, scope)
            elif isinstance(child, ast.comprehension):
                self.expr(child.iter, scope)
                for condition in child.ifs:
                    self.expr(condition, scope)
            elif isinstance(child, ast.keyword):
                self.expr(child.value, scope)
        return None

    def _stored_attribute(self, node: ast.Attribute, scope: _Scope) -> str | None:
        current: _Scope | None = scope
        text = None
        while current is not None:
            if current.attrs:
                text = text or _text(node)
                if text in current.attrs:
                    return current.attrs[text]
            current = current.parent
        return None

    def resolve(self, name: str, scope: _Scope) -> str | None:
        current: _Scope | None = scope
        while current is not None:
            if name in current.kinds:
                return current.kinds[name]
            if name in current.imports:
                return self.known("q:" + current.imports[name])
            current = current.parent
        if name in self._top:
            return self.known(f"q:{self.module}:{name}")
        if f"{self.module}:{name}" in self.knowledge.instances:
            return self.knowledge.instances[f"{self.module}:{name}"]
        if name in self.facts.imports:
            return self.known("q:" + self.facts.imports[name])
        return None

    def known(self, value: str) -> str:
        """A project name that is a tracked instance or a model class says so."""
        name = value[2:]
        if ":" in name:
            if name in self.knowledge.instances:
                return self.knowledge.instances[name]
            if name in self.knowledge.models:
                return f"k:model:{name}"
        return value

    def attribute(self, base: str | None, attr: str) -> str | None:
        if base is None:
            return None
        if base.startswith("q:"):
            name = base[2:]
            if ":" in name:
                module, _, qual = name.partition(":")
                return self.known(f"q:{module}:{qual + '.' if qual else ''}{attr}")
            return f"q:{name}.{attr}"
        if base == "k:fsa":
            return {"session": "k:sa:session", "Model": MODEL_BASE}.get(attr, f"b:k:fsa|{attr}")
        if base.startswith("k:model:"):
            return "k:sa:query" if attr == "query" else None
        if base == "k:mongo" or base.startswith("b:k:mongo|"):
            return f"b:k:mongo|{attr}"  # ``client.db.users``: databases and collections are attributes
        if base.startswith("k:"):
            return f"b:{base}|{attr}"
        return None

    def call(self, node: ast.Call, scope: _Scope, *, awaited: bool) -> str | None:
        func = self.expr(node.func, scope)
        for arg in node.args:
            self.expr(arg, scope)
        for keyword in node.keywords:
            self.expr(keyword.value, scope)
        result, blocking = self.classify(func, node)
        if blocking is not None and not awaited and scope.is_function:
            kind, api = blocking
            self.record(node, scope, kind, api, _text(node.func), REASONS[kind])
        return result

    def classify(self, func: str | None, node: ast.Call) -> tuple[str | None, tuple[BlockingKind, str] | None]:
        """What calling ``func`` returns, and whether it blocks (kind, what is called)."""
        if func is None:
            return None, None
        if func.startswith("q:"):
            return self._classify_name(func[2:], node)
        if func == "k:sa:sessionmaker":
            return "k:sa:session", None
        if func.startswith("b:"):
            base, _, attr = func[2:].rpartition("|")
            return self._classify_method(base, attr)
        return None, None

    def _classify_name(self, name: str, node: ast.Call) -> tuple[str | None, tuple[BlockingKind, str] | None]:
        if ":" in name:  # the project's own function
            if name in self.knowledge.returns:
                return self.knowledge.returns[name], None
            return f"r:{name}", None
        if name == "time.sleep":
            return None, (BlockingKind.SLEEP, name)
        if name in DB_CONNECT:
            return f"k:dbapi:{DB_CONNECT[name]}", (BlockingKind.DATABASE, name)
        if name in _CONSTRUCTORS:
            return _CONSTRUCTORS[name], None
        if name in ("smtplib.SMTP", "smtplib.SMTP_SSL"):
            connects = bool(node.args) or any(k.arg == "host" for k in node.keywords)
            return "k:smtp", (BlockingKind.MAIL, name) if connects else None
        if name in CPU_CALLS or (name.startswith("passlib.hash.") and name.rpartition(".")[2] in _HASHER_IO):
            return None, (BlockingKind.CPU, name)
        last = name.rpartition(".")[2]
        if name.startswith("httpx.") and name.count(".") == 1 and last in _HTTPX_FUNCTIONS:
            return None, (BlockingKind.HTTP, name)
        if flask_api.is_blocking_call(name) and not last[:1].isupper():  # not a class or exception
            return None, (_kind_of(name), name)
        return None, None

    def _classify_method(self, base: str, attr: str) -> tuple[str | None, tuple[BlockingKind, str] | None]:
        db = BlockingKind.DATABASE
        if base.startswith("k:dbapi:"):
            driver = base[8:]
            if attr == "cursor":
                return f"k:cursor:{driver}", None
            if attr in _DBAPI_IO:
                result = f"k:cursor:{driver}" if attr.startswith("execute") else None
                return result, (db, f"{driver} connection.{attr}")
        elif base.startswith("k:cursor:"):
            if attr in _CURSOR_IO:
                return base, (db, f"{base[9:]} cursor.{attr}")
        elif base == "k:redis":
            if attr == "pipeline":
                return "k:redis-pipeline", None
            if attr not in _REDIS_NO_IO:
                return None, (db, f"redis.Redis.{attr}")
        elif base == "k:redis-pipeline":
            if attr == "execute":
                return None, (db, "redis pipeline.execute")
            return "k:redis-pipeline", None
        elif base == "k:mongo" or base.startswith("b:k:mongo"):
            if attr in _MONGO_NO_IO:
                return "k:mongo", None
            return None, (db, f"pymongo {attr}")
        elif base.startswith("k:http:"):
            if attr in _HTTP_METHODS:
                return None, (BlockingKind.HTTP, f"{base[7:]}.{attr}")
        elif base == "k:smtp":
            if attr in _SMTP_IO:
                return None, (BlockingKind.MAIL, f"smtplib.SMTP.{attr}")
        elif base == "k:sa:engine":
            if attr in _ENGINE_IO:
                return "k:sa:connection", (db, f"SQLAlchemy Engine.{attr}")
        elif base == "k:sa:connection":
            if attr in _CONNECTION_IO:
                return None, (db, f"SQLAlchemy Connection.{attr}")
        elif base == "k:sa:sessionmaker":
            if attr == "begin":
                return "k:sa:session", None
        elif base == "k:sa:session":
            if attr == "query":
                return "k:sa:query", None
            if attr in ("begin", "begin_nested"):
                return "k:sa:session", None
            if attr in _SESSION_IO:
                return None, (db, f"SQLAlchemy Session.{attr}")
        elif base == "k:sa:query":
            if attr in _QUERY_CHAIN:
                return "k:sa:query", None
            if attr in _QUERY_IO:
                return None, (db, f"SQLAlchemy Query.{attr}")
        elif base == "k:fsa":
            if attr in _FSA_IO:
                return None, (db, f"Flask-SQLAlchemy db.{attr}")
        elif base.startswith("k:hasher:") and attr in _HASHER_IO:
            return None, (BlockingKind.CPU, f"{base[9:]}.{attr}")
        return None, None

    def record(self, node: ast.AST, scope: _Scope, kind: BlockingKind, api: str, call: str, reason: str) -> None:
        if not scope.is_function:
            return  # module level: runs once at import, not on the event loop
        self.calls.append(
            BlockingCall(
                path=self.path,
                line=getattr(node, "lineno", 1),
                col=getattr(node, "col_offset", 0) + 1,
                call=_shorten(call),
                kind=kind,
                api=api,
                reason=reason,
                function=f"{self.module}:{scope.qual}",
            )
        )


def _kind_of(name: str) -> BlockingKind:
    if name.startswith(("subprocess.", "os.")):
        return BlockingKind.SUBPROCESS
    if name.startswith("smtplib."):
        return BlockingKind.MAIL
    if name.startswith("socket."):
        return BlockingKind.NETWORK
    return BlockingKind.HTTP


def _range_count(node: ast.expr) -> int | None:
    """Iterations of ``range(<literals>)``; ``None`` for anything else."""
    if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "range"):
        return None
    if node.keywords or not 1 <= len(node.args) <= 3:
        return None
    values = [_constant_int(arg) for arg in node.args]
    if any(v is None for v in values):
        return None
    try:
        return len(range(*values))  # type: ignore[arg-type]
    except (ValueError, OverflowError):
        return None


def _constant_int(node: ast.expr) -> int | None:
    """``1000``, ``10**6``, ``1_000 * 1_000``: integer literals and simple products of them."""
    if isinstance(node, ast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, ast.BinOp) and isinstance(node.op, (ast.Mult, ast.Pow)):
        left, right = _constant_int(node.left), _constant_int(node.right)
        if left is None or right is None or (isinstance(node.op, ast.Pow) and not 0 <= right <= 12):
            return None
        return left * right if isinstance(node.op, ast.Mult) else left**right
    return None


def _text(node: ast.AST) -> str:
    return " ".join(ast.unparse(node).split())


def _shorten(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
