"""F2Q304: Flask-Limiter becomes quart-rate-limiter.

Flask-Limiter fails under Quart (reference §5); quart-rate-limiter is the Quart counterpart, with
limits as ``(count, timedelta)`` instead of strings. The rewrite:

- ``Limiter(key_func, app=app, default_limits=["200 per day", "50/hour"], storage_uri=...)`` ->
  ``RateLimiter(key_function=key_func, app=app, default_limits=[RateLimit(200, timedelta(days=1)),
  ...])``; ``limiter.init_app(app)`` stays (``Limiter(app, key_func=...)`` of Flask-Limiter < 3 too).
- ``@limiter.limit("5 per minute")`` -> ``@rate_limit(5, timedelta(minutes=1))``; several limits
  (``"1/second;5/minute"``) -> ``@rate_limit(limits=[RateLimit(...), ...])``; ``key_func=`` ->
  ``key_function=``, ``exempt_when=`` -> ``skip_function=``. ``limiter.limit(...)(bp)`` on a
  blueprint -> ``limit_blueprint(bp, ...)``. ``@limiter.exempt`` -> ``@rate_exempt``.
- Limit strings are parsed as Flask-Limiter does (``limits.parse_many``): ``N per|/ [M]
  second|minute|hour|day|month|year[s]``, separated by ``,``, ``;`` or ``|``; a month is 30 days
  and a year 360 days there, so they stay so.
- Key functions: quart-rate-limiter awaits them. ``get_remote_address`` becomes a generated
  ``async def get_remote_address()`` returning ``request.remote_addr`` as Flask-Limiter's did
  (quart-rate-limiter's own default, ``remote_addr_key``, trusts ``X-Forwarded-For``, which any
  client can set); a module-level key or ``exempt_when`` function of the same module becomes
  ``async def`` (and its ``get_remote_address()`` calls are awaited). Others are reported.
- ``storage_uri="memory://"`` is the default store; ``redis://``/``rediss://`` ->
  ``store=RedisStore(url)``, ``valkey://`` -> ``store=ValkeyStore(url)`` (reported: they connect in
  ``before_serving``, so tests need ``async with app.test_app()``).
- Config ``RATELIMIT_ENABLED`` -> ``QUART_RATE_LIMITER_ENABLED``; other ``RATELIMIT_*`` keys are
  reported. An import of a limiter the module no longer uses (its decorators became
  ``@rate_limit``) is removed.

Flask-Limiter's route and blueprint limits *replace* its default limits (``override_defaults``),
where quart-rate-limiter applies the defaults on top. So that a route limited to "100/minute"
under a default of "50/hour" keeps its 100, each default limit gets
``skip_function=has_own_rate_limits``: a generated check for limits on the route or its blueprint.

A project that uses what quart-rate-limiter lacks (``on_breach``, ``methods``/``per_method``,
``current_limit``, ``shared_limit``, ``enabled``, ``cost``, ``deduct_when``, ``error_message``,
dynamic limits, application limits, ``reset()``, ``request_filter``, ``RATELIMIT_*`` settings with
no counterpart) keeps Flask-Limiter's API instead, decided once for the whole project: its
``flask_limiter`` imports move to a generated module, ``rate_limiting.py`` beside the module that
builds the limiter (``templates/rate_limiting.py``, owned like F2Q117's ``http_client.py``), and
nothing else changes. That module runs Flask-Limiter's limits on Quart with the ``limits`` package
(Flask-Limiter's own engine): the same fixed windows, keys, 429 descriptions, ``on_breach``
responses and ``X-RateLimit-*`` headers, compared with Flask-Limiter request by request in the
tests. Names it lacks (``ExemptionScope``, meta limits...) are reported.

Behaviour that differs (docs/extensions.md#flask-limiter): quart-rate-limiter counts with GCRA,
so after a burst a request is allowed again every ``period / count`` rather than when a fixed
window ends (the first ``count`` requests of a burst pass and the next is refused, as before);
every response of a limited route carries ``RateLimit-Limit/-Remaining/-Reset`` (Flask-Limiter
sends ``X-RateLimit-*`` only with ``headers_enabled``) and a 429 always has ``Retry-After`` (in
seconds); the 429's description is generic, where Flask-Limiter's names the limit ("5 per 1
minute"); ``QUART_RATE_LIMITER_ENABLED`` is read on every request, ``RATELIMIT_ENABLED`` once by
``init_app``.

Docs: https://github.com/pgjones/quart-rate-limiter and https://flask-limiter.readthedocs.io/; recipe and remaining differences in
docs/extensions.md#flask-limiter
"""

from __future__ import annotations

import ast
import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from ...findings import Severity
from ..context import FileContext
from ._extensions import (
    ConfigKeyRenamer,
    ExtensionImports,
    RenamesConfigKeys,
    blueprints_defined,
    bool_value,
    code_of,
    drop_unused_imports,
    extension_instance,
    join_args,
    keyword,
    project_module,
    string_value,
)
from ._rate_limiting import Inert, KeptFlaskLimiterApi, already_kept, emulation_module
from .base import awaited

MODULES = {
    "flask_limiter": "quart_rate_limiter",
    "flask_limiter.errors": "quart_rate_limiter",
    "flask_limiter.extension": "quart_rate_limiter",
}
RENAMES = {"Limiter": "RateLimiter"}
UNSUPPORTED = {
    name: "quart-rate-limiter has no such type: port this use by hand"
    for name in ("ExemptionScope", "RequestLimit", "Limit", "RouteLimit", "ApplicationLimit", "MetaLimit", "HeaderNames")
}
_UTIL = "flask_limiter.util"
_LIMITER_CLASSES = frozenset(f"{module}.Limiter" for module in (*MODULES, "flask_limiter._extension"))
_DOCS = "docs/extensions.md#flask-limiter"

#: What a limit string says, as ``limits.util`` parses it.
_SINGLE_LIMIT = re.compile(r"\s*([0-9]+)\s*(?:/|\s*per\s*)\s*([0-9]+)?\s*([a-z]+)\s*", re.IGNORECASE)
_LIMIT_SEPARATORS = re.compile(r"[,;|]")
#: Flask-Limiter's granularity -> (timedelta keyword, how many of it).
_GRANULARITIES = {
    "second": ("seconds", 1),
    "minute": ("minutes", 1),
    "hour": ("hours", 1),
    "day": ("days", 1),
    "month": ("days", 30),
    "year": ("days", 360),
}

#: ``Limiter(...)`` options with no counterpart that only change details: dropped, reported.
_DROPPED = {
    "strategy": (Severity.WARNING, "quart-rate-limiter always uses GCRA: after a burst, requests are allowed "
                 "again one per period/limit instead of when a window ends"),
    "headers_enabled": (Severity.INFO, "quart-rate-limiter always sends RateLimit-Limit/-Remaining/-Reset (and "
                        "Retry-After on 429)"),
    "header_name_mapping": (Severity.WARNING, "quart-rate-limiter's header names are fixed (RateLimit-*)"),
    "retry_after": (Severity.WARNING, "quart-rate-limiter's Retry-After is always in seconds"),
    "key_prefix": (Severity.INFO, "quart-rate-limiter prefixes its keys with the app's import name"),
    "swallow_errors": (Severity.WARNING, "a store error fails the request in quart-rate-limiter"),
    "in_memory_fallback": (Severity.WARNING, "quart-rate-limiter has no fallback store"),
    "in_memory_fallback_enabled": (Severity.WARNING, "quart-rate-limiter has no fallback store"),
    "fail_on_first_breach": (Severity.INFO, "quart-rate-limiter stops at the first limit breached"),
}
#: ``limit(...)`` options with a counterpart keyword.
_LIMIT_KEYWORDS = {"key_func": "key_function", "exempt_when": "skip_function"}

#: Config keys: RATELIMIT_ENABLED is renamed, the others reported.
CONFIG_KEYS = {"RATELIMIT_ENABLED": "QUART_RATE_LIMITER_ENABLED"}
_NO_COUNTERPART = (Severity.ERROR, "quart-rate-limiter has no counterpart: port it by hand")
CONFIG_REPORTS: dict[str, tuple[Severity, str]] = {
    "RATELIMIT_DEFAULT": (Severity.WARNING, "not read by quart-rate-limiter: pass "
                          "`default_limits=[RateLimit(count, timedelta(...))]` to the RateLimiter"),
    "RATELIMIT_STORAGE_URI": (Severity.WARNING, "not read by quart-rate-limiter, whose default store is in "
                              "memory: pass `store=RedisStore(url)` to the RateLimiter for Redis"),
    "RATELIMIT_STORAGE_OPTIONS": (Severity.WARNING, "pass them to `RedisStore(url, **options)`"),
    "RATELIMIT_STRATEGY": _DROPPED["strategy"],
    "RATELIMIT_HEADERS_ENABLED": _DROPPED["headers_enabled"],
    "RATELIMIT_KEY_PREFIX": _DROPPED["key_prefix"],
    "RATELIMIT_SWALLOW_ERRORS": _DROPPED["swallow_errors"],
    "RATELIMIT_IN_MEMORY_FALLBACK": _DROPPED["in_memory_fallback"],
    "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": _DROPPED["in_memory_fallback"],
    "RATELIMIT_FAIL_ON_FIRST_BREACH": _DROPPED["fail_on_first_breach"],
    **{
        f"RATELIMIT_HEADER_{name}": _DROPPED["header_name_mapping"]
        for name in ("LIMIT", "REMAINING", "RESET", "RETRY_AFTER", "RETRY_AFTER_VALUE")
    },
    **{
        key: _NO_COUNTERPART
        for key in (
            "RATELIMIT_APPLICATION", "RATELIMIT_APPLICATION_PER_METHOD", "RATELIMIT_APPLICATION_EXEMPT_WHEN",
            "RATELIMIT_APPLICATION_DEDUCT_WHEN", "RATELIMIT_APPLICATION_COST", "RATELIMIT_DEFAULTS_PER_METHOD",
            "RATELIMIT_DEFAULTS_EXEMPT_WHEN", "RATELIMIT_DEFAULTS_DEDUCT_WHEN", "RATELIMIT_DEFAULTS_COST",
            "RATELIMIT_REQUEST_IDENTIFIER", "RATELIMIT_META", "RATELIMIT_ON_BREACH_CALLBACK",
            "RATELIMIT_ON_META_BREACH_CALLBACK", "RATELIMIT_KEY_FUNC",
        )
    },
}
#: Methods of a Flask-Limiter object the rewrite translates (any other use is reported).
_TRANSLATED_METHODS = frozenset({"init_app", "limit", "exempt"})
_METHOD_ADVICE = {
    "shared_limit": "a limit shared by several routes has no counterpart in quart-rate-limiter",
    "request_filter": "pass the filter as `skip_function=` (an async function) to RateLimiter",
    "reset": "replace the store instead: `limiter.store = MemoryStore()`",
    "enabled": "set `app.config['QUART_RATE_LIMITER_ENABLED']` instead (read on every request)",
}

REMOTE_ADDRESS_SOURCE = '''

async def {name}() -> str:
    """The client's address, as Flask-Limiter's ``get_remote_address`` gave it.

    quart-rate-limiter awaits its key function; its own default key reads X-Forwarded-For, which
    any client can set. Written by flask2quart (F2Q304).
    """
    return {request}.remote_addr or "127.0.0.1"
'''

OWN_LIMITS_SOURCE = '''

async def has_own_rate_limits() -> bool:
    """Skips the default limits where the route or its blueprint sets limits of its own.

    Flask-Limiter's route and blueprint limits replace its default limits; quart-rate-limiter
    would apply both. Written by flask2quart (F2Q304).
    """
    view = {current_app}.view_functions.get({request}.endpoint)
    blueprint = {current_app}.blueprints.get({request}.blueprint)
    return any(getattr(target, {attribute}, None) for target in (view, blueprint))
'''


@dataclass(frozen=True)
class Limit:
    count: int
    unit: str  # a ``timedelta`` keyword
    amount: int


def parse_limits(text: str) -> list[Limit] | None:
    """``"1/second; 10 per 2 minutes"`` -> limits, as Flask-Limiter reads them (``None``: not a limit)."""
    limits = []
    for part in _LIMIT_SEPARATORS.split(text):
        match = _SINGLE_LIMIT.fullmatch(part)
        if match is None:
            return None
        count, multiple, granularity = match.groups()
        granularity = granularity.lower()
        name = granularity[:-1] if granularity.endswith("s") and granularity[:-1] in _GRANULARITIES else granularity
        if name not in _GRANULARITIES:
            return None
        unit, per = _GRANULARITIES[name]
        limits.append(Limit(int(count), unit, per * int(multiple or 1)))
    return limits


class FlaskLimiter(RenamesConfigKeys, ExtensionImports):
    code = "F2Q304"
    name = "flask-limiter"
    priority = 45
    modules = MODULES
    renames = RENAMES
    unsupported = UNSUPPORTED

    def __new__(cls, ctx: FileContext) -> FlaskLimiter:  # type: ignore[misc]
        """A project using Flask-Limiter beyond quart-rate-limiter keeps its API (``_rate_limiting``)."""
        module = emulation_module(ctx.analysis)
        if module is not None:
            return KeptFlaskLimiterApi(ctx, module)  # type: ignore[return-value]
        if already_kept(ctx.analysis):  # a second run: RATELIMIT_* keys and key functions stay
            return Inert(ctx)  # type: ignore[return-value]
        return super().__new__(cls)

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self.config = ConfigKeyRenamer(self, CONFIG_KEYS, CONFIG_REPORTS, harmless={"RATELIMIT_STORAGE_URI": "memory://"})
        self._tree: ast.Module | None = None
        self._blueprints: set[str] | None = None
        #: module-level functions handed over as key or skip functions: they become ``async def``
        self._make_async: set[str] = set()
        #: ``rate_limit(...)`` calls made here (by id) -> the arguments after the blueprint
        self._limit_calls: dict[int, list[cst.Arg]] = {}

    # --- what the module says ---------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        try:
            # the bytes as read: the tree's code again would be a second codegen of the module
            tree = self._tree = ast.parse(self.ctx.source if self.ctx.source is not None else node.code)
        except SyntaxError:
            return
        top_level = {name for name in self.ctx.facts.functions if "." not in name}
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            handed = [kw.value for kw in call.keywords if kw.arg in _LIMIT_KEYWORDS]
            func = call.func
            called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else ""
            if called == "Limiter" and call.args and not any(kw.arg == "key_func" for kw in call.keywords):
                handed.append(call.args[0])
            self._make_async.update(v.id for v in handed if isinstance(v, ast.Name) and v.id in top_level)

    def _known_blueprints(self) -> set[str]:
        """Names of blueprints here: this module's, and those it imports from the project's modules."""
        if self._blueprints is None:
            self._blueprints = set(blueprints_defined(self._tree)) if self._tree else set()
            for local, target in self.ctx.facts.imports.items():
                owner, _, name = target.partition(":")
                facts = project_module(self.ctx, owner)
                if facts is None or not name or "." in name:
                    continue
                with contextlib.suppress(OSError, SyntaxError, ValueError):
                    if name in blueprints_defined(ast.parse(Path(facts.path).read_bytes())):
                        self._blueprints.add(local)
        return self._blueprints

    def _is_limiter(self, node: cst.CSTNode) -> bool:
        return extension_instance(self.ctx, node) in _LIMITER_CLASSES

    def _is_blueprint(self, node: cst.BaseExpression) -> bool:
        return isinstance(node, cst.Name) and node.value in self._known_blueprints()

    # --- imports: flask_limiter.util ----------------------------------------------------------
    def leave_SimpleStatementLine(  # type: ignore[override]
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if len(updated.body) == 1 and isinstance(updated.body[0], cst.ImportFrom):
            statement = updated.body[0]
            module = code_of(statement.module) if statement.module is not None else ""
            if module == _UTIL and not statement.relative and not isinstance(statement.names, cst.ImportStar):
                return self._util_import(original, updated, statement)
        return super().leave_SimpleStatementLine(original, updated)

    def _util_import(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine, statement: cst.ImportFrom
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        """``get_remote_address`` becomes a generated async function; the rest is reported."""
        assert not isinstance(statement.names, cst.ImportStar)
        kept = []
        for alias in statement.names:
            name = code_of(alias.name)
            if name != "get_remote_address":
                self.ctx.report(original, self.code, f"`{_UTIL}.{name}` has no quart-rate-limiter counterpart: "
                                "port it by hand", Severity.ERROR)
                kept.append(alias)
                continue
            local = alias.asname.name.value if alias.asname and isinstance(alias.asname.name, cst.Name) else name
            request = self.ctx.require_import("quart", "request")
            self.ctx.add_helper(local, REMOTE_ADDRESS_SOURCE.format(name=local, request=request))
            self.changed()
        if not kept:
            return cst.RemovalSentinel.REMOVE
        if len(kept) == len(statement.names):
            return updated
        kept[-1] = kept[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)
        return updated.with_changes(body=[statement.with_changes(names=kept)])

    # --- key and skip functions ---------------------------------------------------------------
    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        name = updated.name.value
        if len(self.ctx.scopes) != 2 or name not in self._make_async or updated.asynchronous is not None:
            return updated
        self.changed()
        self.ctx.report(original, self.code, f"`{name}` is now `async def`: quart-rate-limiter awaits key and "
                        "skip functions (await it wherever else it is called)", Severity.INFO)
        return updated.with_changes(asynchronous=cst.Asynchronous())

    def _is_current_app(self, node: cst.BaseExpression) -> bool:
        """``current_app`` (Flask's proxy, however imported), not an app object."""
        if isinstance(node, cst.Name):
            target = self.ctx.facts.imports.get(node.value, "")
        elif isinstance(node, cst.Attribute) and isinstance(node.value, cst.Name):
            target = f"{self.ctx.facts.imports.get(node.value.value, '')}.{node.attr.value}"
        else:
            return False
        return target.rpartition(".")[2] == "current_app" and target.split(".")[0] in ("flask", "quart")

    def _callback(self, where: cst.CSTNode, value: cst.BaseExpression, what: str) -> None:
        """A key or skip function: it must be a coroutine function for quart-rate-limiter."""
        if self._util_member(value) == "get_remote_address":
            return
        if isinstance(value, cst.Name) and value.value in self._make_async:
            return
        self.ctx.report(where, self.code, f"the {what} `{code_of(value)}` must be an `async def` function: "
                        "quart-rate-limiter awaits it", Severity.ERROR)

    def _util_member(self, node: cst.CSTNode) -> str | None:
        value = self.ctx.value(node)
        if value and value.startswith(f"q:{_UTIL}."):
            return value[len(_UTIL) + 3 :]
        return None

    def _in_function_made_async(self) -> bool:
        scope = self.ctx.enclosing_function()
        return scope is not None and scope.qualname in self._make_async

    # --- calls ----------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        updated = self.config.call(original, updated)
        func = updated.func
        if self.member(func) == "Limiter":
            return self._limiter(original, updated)
        if self._util_member(func) == "get_remote_address":
            if self.ctx.can_await() or self._in_function_made_async():
                self.changed()
                return awaited(updated)
            self.ctx.report(original, self.code, "`get_remote_address()` is a coroutine in the port: call it "
                            "from an async function and await it", Severity.ERROR)
            return updated
        if isinstance(func, cst.Call) and id(func) in self._limit_calls:
            return self._applied_limit(original, updated, func)
        old_func = original.func
        if isinstance(old_func, cst.Attribute) and self._is_limiter(old_func.value):
            method = old_func.attr.value
            if method == "limit":
                return self._limit(original, updated)
            if method == "exempt":
                return self._exempt(original, updated)
        return updated

    def _exempt(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``limiter.exempt(view)`` -> ``rate_exempt(view)``; blueprints and flags are reported."""
        args = updated.args
        if len(args) == 1 and args[0].keyword is None and not args[0].star and not self._is_blueprint(args[0].value):
            self.changed()
            return updated.with_changes(func=cst.Name(self.ctx.require_import("quart_rate_limiter", "rate_exempt")))
        what = "a blueprint" if args and self._is_blueprint(args[0].value) else "with flags"
        self.ctx.report(original, self.code, f"quart-rate-limiter cannot exempt {what}: mark each view "
                        "`@rate_exempt`", Severity.ERROR)
        return updated

    def leave_Decorator(self, original: cst.Decorator, updated: cst.Decorator) -> cst.Decorator:
        """``@limiter.exempt`` -> ``@rate_exempt``."""
        target = original.decorator
        if isinstance(target, cst.Attribute) and target.attr.value == "exempt" and self._is_limiter(target.value):
            self.changed()
            return updated.with_changes(decorator=cst.Name(self.ctx.require_import("quart_rate_limiter", "rate_exempt")))
        return updated

    def _limiter(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``Limiter(...)`` -> ``RateLimiter(...)`` with its options translated."""
        args = list(updated.args)
        key_keyword = any(a.keyword is not None and a.keyword.value == "key_func" for a in args)
        out: list[cst.Arg] = []
        has_app = False
        default_limits = False
        for index, arg in enumerate(args):
            name = arg.keyword.value if arg.keyword is not None else None
            if arg.star:
                self.ctx.report(original, self.code, "cannot translate `*args`/`**options` of Limiter(): port them "
                                "by hand", Severity.ERROR)
                out.append(arg)
            elif name is None and index == 0 and not key_keyword:  # Flask-Limiter >= 3: the key first
                self._callback(original, arg.value, "key function")
                out.append(keyword("key_function", arg.value, like=arg))
            elif name is None and index == 0:  # Flask-Limiter < 3: Limiter(app, key_func=...)
                has_app = True
                out.append(arg)
            elif name is None:
                self.ctx.report(original, self.code, "unexpected positional argument of Limiter()", Severity.ERROR)
                out.append(arg)
            elif name == "app" and self._is_current_app(arg.value):
                # Flask-Limiter skips a falsy app, and an unbound ``current_app`` proxy is falsy;
                # quart-rate-limiter would call init_app on it at import and fail
                self.changed()
            elif name == "app":
                has_app = True
                out.append(arg)
            elif name == "enabled":
                out.append(arg)
            elif name == "key_func":
                self._callback(original, arg.value, "key function")
                out.append(arg.with_changes(keyword=cst.Name("key_function")))
            elif name == "default_limits":
                before = args[index - 1].comma if index else updated.whitespace_before_args
                before = before.whitespace_after if isinstance(before, cst.Comma) else before
                indent = before.last_line.value if isinstance(before, cst.ParenthesizedWhitespace) else ""
                limits = self._limit_list(original, arg.value, indent)
                default_limits = limits is not None
                out.append(arg if limits is None else arg.with_changes(value=limits))
            elif name == "storage_uri":
                store = self._store(original, arg.value)
                if store is not None:
                    out.append(arg.with_changes(keyword=cst.Name("store"), value=store))
                elif string_value(arg.value) != "memory://":
                    out.append(arg)
            elif name in _DROPPED:
                severity, message = _DROPPED[name]
                self.ctx.report(original, self.code, f"dropped `{name}`: {message}", severity)
            else:
                self.ctx.report(original, self.code, f"Limiter option `{name}` has no quart-rate-limiter "
                                "counterpart: port it by hand", Severity.ERROR)
                out.append(arg)
        if not has_app and any(a.keyword is not None and a.keyword.value == "enabled" for a in args):
            self.ctx.report(original, self.code, "RateLimiter only applies `enabled=` with `app=`: pass it to "
                            "`init_app(app, enabled=...)` or set QUART_RATE_LIMITER_ENABLED", Severity.WARNING)
        self.changed()
        self.ctx.report(original, self.code, "Flask-Limiter -> quart-rate-limiter, which counts with GCRA (a spent "
                        "limit comes back gradually), always sends RateLimit-* headers and Retry-After on 429; "
                        + ("route limits replace the default limits through the generated has_own_rate_limits; "
                           if default_limits else "") + f"see {_DOCS}", Severity.INFO)
        return updated.with_changes(args=join_args(out, updated.args))

    def _store(self, where: cst.CSTNode, value: cst.BaseExpression) -> cst.BaseExpression | None:
        """``storage_uri`` as a quart-rate-limiter store (``None``: the default, or reported)."""
        uri = string_value(value)
        if uri == "memory://":
            return None
        scheme = (uri or "").partition("://")[0]
        stores = {"redis": ("redis_store", "RedisStore"), "rediss": ("redis_store", "RedisStore"),
                  "valkey": ("valkey_store", "ValkeyStore"), "valkeys": ("valkey_store", "ValkeyStore")}
        if uri is None or scheme not in stores:
            self.ctx.report(where, self.code, "storage_uri: only a literal memory://, redis:// or valkey:// URL is "
                            "translated; pass `store=RedisStore(url)` (quart_rate_limiter.redis_store) by hand",
                            Severity.ERROR)
            return None
        module, store = stores[scheme]
        local = self.ctx.require_import(f"quart_rate_limiter.{module}", store)
        self.ctx.report(where, self.code, f"{store} connects in before_serving: tests must run the app's "
                        "startup (`async with app.test_app():`) before requests", Severity.WARNING)
        return cst.Call(func=cst.Name(local), args=[cst.Arg(value)])

    def _limit_list(self, where: cst.CSTNode, value: cst.BaseExpression, indent: str) -> cst.BaseExpression | None:
        """``["200 per day", "50/hour"]`` -> ``[RateLimit(200, timedelta(days=1)), ...]``.

        ``indent`` is that of the argument's line (relative to the statement's).
        """
        if not isinstance(value, (cst.List, cst.Tuple)):
            self.ctx.report(where, self.code, "default_limits: only a literal list of limit strings is translated",
                            Severity.ERROR)
            return None
        parsed = [parse_limits(string_value(e.value) or "") for e in value.elements]
        if any(p is None for p in parsed):
            self.ctx.report(where, self.code, "default_limits: only literal limit strings are translated (dynamic "
                            "limits have no counterpart)", Severity.ERROR)
            return None
        current_app = self.ctx.require_import("quart", "current_app")
        request = self.ctx.require_import("quart", "request")
        attribute = self.ctx.require_import("quart_rate_limiter", "QUART_RATE_LIMITER_LIMITS_ATTRIBUTE")
        self.ctx.add_helper("has_own_rate_limits", OWN_LIMITS_SOURCE.format(
            current_app=current_app, request=request, attribute=attribute))
        skip = [keyword("skip_function", cst.Name("has_own_rate_limits"))]
        items = [
            self._rate_limit(limit, skip)
            for limits in parsed
            for limit in limits or ()
        ]
        if isinstance(value, cst.List) and _one_line(value) and items:  # one RateLimit a line: they are long
            return _one_per_line(items, indent)
        return value.with_changes(elements=_comma_separated([cst.Element(item) for item in items], like=value))

    def _rate_limit(self, limit: Limit, extra: list[cst.Arg]) -> cst.Call:
        """``RateLimit(5, timedelta(minutes=1), **extra)``."""
        name = self.ctx.require_import("quart_rate_limiter", "RateLimit")
        return cst.Call(func=cst.Name(name), args=join_args([*self._count_period(limit), *extra], []))

    def _count_period(self, limit: Limit) -> list[cst.Arg]:
        timedelta = self.ctx.require_import("datetime", "timedelta")
        period = cst.parse_expression(f"{timedelta}({limit.unit}={limit.amount})")
        return [cst.Arg(cst.Integer(str(limit.count))), cst.Arg(period)]

    def _limit(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``limiter.limit("5 per minute", key_func=f)`` -> ``rate_limit(5, timedelta(minutes=1), key_function=f)``."""
        args = list(updated.args)
        text = string_value(args[0].value) if args and args[0].keyword is None and not args[0].star else None
        limits = parse_limits(text) if text is not None else None
        if limits is None:
            self.ctx.report(original, self.code, "only a literal limit string (\"5 per minute\") is translated: "
                            "dynamic limits have no quart-rate-limiter counterpart", Severity.ERROR)
            return updated
        extra: list[cst.Arg] = []
        for arg in args[1:]:
            name = arg.keyword.value if arg.keyword is not None else None
            if name in _LIMIT_KEYWORDS:
                self._callback(original, arg.value, "key function" if name == "key_func" else "skip function")
                extra.append(keyword(_LIMIT_KEYWORDS[name], arg.value))
            elif name == "override_defaults" and bool_value(arg.value) is True:
                continue  # what the generated has_own_rate_limits does
            else:
                option = f"`{name}`" if name else "a positional argument"
                self.ctx.report(original, self.code, f"limit() option {option} has no quart-rate-limiter "
                                "counterpart: port this limit by hand", Severity.ERROR)
                return updated
        self.changed()
        rate_limit = self.ctx.require_import("quart_rate_limiter", "rate_limit")
        if len(limits) == 1:
            limit_args = [*self._count_period(limits[0]), *extra]
        else:
            limit_args = [keyword("limits", _one_per_line([self._rate_limit(limit, extra) for limit in limits], ""))]
        call = cst.Call(func=cst.Name(rate_limit), args=join_args(limit_args, []))
        self._limit_calls[id(call)] = limit_args
        return call

    def _applied_limit(self, original: cst.Call, updated: cst.Call, limit: cst.Call) -> cst.BaseExpression:
        """``rate_limit(...)(bp)`` -> ``limit_blueprint(bp, ...)`` for a blueprint."""
        args = updated.args
        if len(args) != 1 or args[0].keyword is not None or not self._is_blueprint(args[0].value):
            return updated
        name = self.ctx.require_import("quart_rate_limiter", "limit_blueprint")
        self.changed()
        return cst.Call(func=cst.Name(name), args=join_args([args[0], *self._limit_calls[id(limit)]], []))

    # --- attributes -------------------------------------------------------------------------
    def leave_Attribute(self, original: cst.Attribute, updated: cst.Attribute) -> cst.BaseExpression:  # type: ignore[override]
        if self._is_limiter(original.value):
            method = original.attr.value
            if method not in _TRANSLATED_METHODS:
                advice = _METHOD_ADVICE.get(method, "quart-rate-limiter has no counterpart: port it by hand")
                self.ctx.report(original, self.code, f"`{code_of(original)}`: {advice}", Severity.ERROR)
        return super().leave_Attribute(original, updated)

    # --- module -----------------------------------------------------------------------------
    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        updated = super().leave_Module(original, updated)
        if self.code in self.ctx.changed_by:
            updated = drop_unused_imports(self.ctx, updated, _LIMITER_CLASSES)
        return updated


def _comma_separated(elements: list[cst.Element], like: cst.List | cst.Tuple | None = None) -> list[cst.Element]:
    """Elements separated like ``like``'s were (one per line...), or by ``", "``."""
    old = list(like.elements) if like is not None else []
    between = old[0].comma if len(old) > 1 else cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    last = old[-1].comma if old else cst.MaybeSentinel.DEFAULT
    return [e.with_changes(comma=between) for e in elements[:-1]] + [e.with_changes(comma=last) for e in elements[-1:]]


def _one_per_line(items: list[cst.BaseExpression], indent: str) -> cst.List:
    """``[`` and ``]`` where they are, each item on a line of its own (``indent`` is the line's)."""
    inner = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(indent + "    "))
    outer = cst.ParenthesizedWhitespace(indent=True, last_line=cst.SimpleWhitespace(indent))
    return cst.List(
        lbracket=cst.LeftSquareBracket(whitespace_after=inner),
        elements=[cst.Element(item, comma=cst.Comma(whitespace_after=inner)) for item in items[:-1]]
        + [cst.Element(items[-1], comma=cst.Comma(whitespace_after=outer))],
    )


def _one_line(node: cst.CSTNode) -> bool:
    return "\n" not in code_of(node)


__all__ = ["FlaskLimiter", "Limit", "parse_limits"]
