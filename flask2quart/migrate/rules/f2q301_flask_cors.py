"""F2Q301: Flask-CORS becomes quart-cors.

Flask-CORS fails under Quart (its hooks treat a coroutine as a response; reference §5). quart-cors
applies the same headers, with a different API and different defaults, so the rewrite translates
each use so that a browser, and a test, sees what Flask-CORS sent:

- ``CORS(app, **options)`` -> ``app = cors(app, **options)``: quart-cors has no extension object,
  ``cors()`` registers its hooks and returns what it was given. The name is rebound only where
  that is safe (module level, or a name local to the function: the app in an app factory).
- ``ext = CORS(**options)`` + ``ext.init_app(app, **more)`` (in any module) ->
  ``ext = partial(cors, **options)`` + ``app = ext(app, **more)``; without options the object is
  ``cors`` itself (``cors = CORS()`` is dropped: the import already binds ``cors``).
- ``resources={r"/api/*": {...}}`` has no counterpart. A pattern that covers exactly one
  blueprint registered where CORS is set up (by its ``url_prefix``) becomes ``bp = cors(bp, ...)``
  right after ``bp = Blueprint(...)``, in the blueprint's own module: once, as quart-cors
  documents it (an app factory runs for every test, and a registered blueprint refuses new
  hooks). Options read from the config (``app.config["CORS_ORIGINS"]``) are left to it:
  quart-cors reads ``QUART_CORS_*`` on every request. Anything else is reported as an error and
  left alone; ``"/*"`` (everything) is no restriction. Both modules work the plan out from the
  project's sources (:func:`resource_plans`).
- ``@cross_origin(**options)`` -> ``@route_cors(**options)`` (under ``@app.route``, as before:
  both wrap the view). ``automatic_options`` is ``provide_automatic_options`` there.
- Options: ``origins`` -> ``allow_origin``, ``supports_credentials`` -> ``allow_credentials``,
  ``methods`` -> ``allow_methods``, ``send_wildcard`` -> ``send_origin_wildcard``;
  ``allow_headers``, ``expose_headers`` and ``max_age`` keep their names.
- ``CORS_*`` config keys -> ``QUART_CORS_*`` (``app.config[...]``, ``update``/``from_mapping``,
  dict literals, config classes); a literal string becomes a list (quart-cors iterates them).
- An import of a CORS object the module no longer uses is removed.

What is translated, not just renamed (each checked by running both extensions):

- Flask-CORS answers an allowed ``*`` with the request's own ``Origin`` and ``Vary: Origin``
  (``send_wildcard=False``) and accepts credentials with it; quart-cors sends ``*`` and raises
  ``ValueError`` on every request when credentials meet ``*``. ``origins="*"`` (or no origins,
  when no ``CORS_ORIGINS`` is configured anywhere) becomes ``allow_origin=re.compile(r".*")``,
  which quart-cors answers exactly as Flask-CORS did.
- Flask-CORS reads an origin string with regex characters as a regex (case-insensitively);
  quart-cors compares strings literally, so such literals become ``re.compile(..., re.IGNORECASE)``.
- ``methods="GET, POST"`` is one string to Flask-CORS but one (never matching) method to
  quart-cors: it becomes a list.
- Flask-CORS answers a request without an ``Origin`` header too (``always_send``, on by default:
  ``*``, or its first fixed origin; nothing with credentials and ``*``); quart-cors answers only
  requests with one. Where the options are literals, the call becomes
  ``cors_always_send(cors(app, ...), ["*"])``: a generated ``after_request`` hook on the same app or
  blueprint that sends what Flask-CORS sent (origin, expose headers, credentials, ``Vary``).

Differences that remain (reported once per use, listed in docs/extensions.md#flask-cors): where
the options come from the config, and for ``@cross_origin`` routes, a request without an ``Origin``
header gets no ``Access-Control-Allow-Origin``; quart-cors adds ``Vary: Origin`` to every response
that is not answered with ``*``, even for a single fixed origin, and an empty
``Access-Control-Expose-Headers`` when none are set; allowed headers and methods come in request
or given order instead of sorted; origins listed as plain strings compare case-sensitively;
``vary_header`` (but for ``always_send``'s answers), ``intercept_exceptions`` and
``allow_private_network`` have no counterpart (quart-cors adds headers to error responses too). quart-cors also checks the origin of
websocket requests of an app or blueprint it is applied to (400 for others). On Quart 0.23,
quart-cors 0.8.0's ``@route_cors`` answers preflight requests with a 500 (it calls
``make_default_options_response()`` without the ``ctx`` Quart 0.23 needs: pgjones/quart-cors#11);
each ``@route_cors`` the rewrite writes says so.

Docs: https://github.com/pgjones/quart-cors and https://flask-cors.readthedocs.io/; recipe and remaining differences in
docs/extensions.md#flask-cors
"""

from __future__ import annotations

import ast
import contextlib
import json
from collections import Counter
from dataclasses import dataclass, replace
from pathlib import Path

import libcst as cst

from ...findings import Severity
from ..analysis import ModuleFacts
from ..context import FileContext
from ._extensions import (
    ConfigKeyRenamer,
    ExtensionImports,
    RenamesConfigKeys,
    blueprints_defined,
    bool_value,
    code_of,
    drop_imported_names,
    drop_unused_imports,
    extension_instance,
    join_args,
    keyword,
    names_used,
    positional,
    string_value,
)

MODULES = {"flask_cors": "quart_cors", "flask_cors.extension": "quart_cors", "flask_cors.decorator": "quart_cors"}
RENAMES = {"CORS": "cors", "cross_origin": "route_cors"}
_CORS_CLASSES = frozenset(f"{module}.CORS" for module in MODULES)
_DOCS = "docs/extensions.md#flask-cors"

#: Flask-CORS option -> quart-cors keyword.
OPTION_RENAMES = {
    "origins": "allow_origin",
    "supports_credentials": "allow_credentials",
    "methods": "allow_methods",
    "allow_headers": "allow_headers",
    "expose_headers": "expose_headers",
    "max_age": "max_age",
    "send_wildcard": "send_origin_wildcard",
}
#: Options quart-cors has no counterpart for -> (Flask-CORS default, what differs otherwise).
#: Left out when they have their default value (quart-cors behaves so, or the difference is
#: the one reported for every use), reported when they do not.
DROPPED_OPTIONS: dict[str, tuple[bool, str]] = {
    "vary_header": (True, "quart-cors always adds `Vary: Origin` unless it answers `*`"),
    "intercept_exceptions": (True, "quart-cors adds its headers to error responses as well"),
    "always_send": (True, "quart-cors never answers a request without an Origin header"),
    "allow_private_network": (False, "quart-cors does not answer Private Network Access preflights"),
}
#: Flask-CORS config key -> quart-cors config key.
CONFIG_KEYS = {
    "CORS_ORIGINS": "QUART_CORS_ALLOW_ORIGIN",
    "CORS_SUPPORTS_CREDENTIALS": "QUART_CORS_ALLOW_CREDENTIALS",
    "CORS_METHODS": "QUART_CORS_ALLOW_METHODS",
    "CORS_ALLOW_HEADERS": "QUART_CORS_ALLOW_HEADERS",
    "CORS_EXPOSE_HEADERS": "QUART_CORS_EXPOSE_HEADERS",
    "CORS_MAX_AGE": "QUART_CORS_MAX_AGE",
    "CORS_SEND_WILDCARD": "QUART_CORS_SEND_ORIGIN_WILDCARD",
}
_LIST_CONFIG_KEYS = frozenset({"CORS_ORIGINS", "CORS_METHODS", "CORS_ALLOW_HEADERS", "CORS_EXPOSE_HEADERS"})
CONFIG_UNSUPPORTED = {
    "CORS_RESOURCES": "quart-cors has no resources: apply `cors(blueprint)` to the blueprints it covered",
    "CORS_VARY_HEADER": DROPPED_OPTIONS["vary_header"][1],
    "CORS_INTERCEPT_EXCEPTIONS": DROPPED_OPTIONS["intercept_exceptions"][1],
    "CORS_ALWAYS_SEND": DROPPED_OPTIONS["always_send"][1],
    "CORS_ALLOW_PRIVATE_NETWORK": DROPPED_OPTIONS["allow_private_network"][1],
    "CORS_AUTOMATIC_OPTIONS": "`@route_cors` answers OPTIONS itself unless `provide_automatic_options=False`",
}
#: Characters Flask-CORS takes as a sign that a string is a regular expression.
_REGEX_HINTS = frozenset("*\\]?$^[]()")
#: Resource patterns that cover every path.
_EVERYTHING = frozenset({"*", "/*", ".*", "/.*", r"/\*"})
#: What every converted use reports: what tests still see differently.
_REMAINING = (
    "requests without an Origin header get no CORS headers, `Vary: Origin` is added to every answer "
    f"that is not `*` and an empty Access-Control-Expose-Headers is sent (see {_DOCS})"
)
#: The same, where the generated ``cors_always_send`` answers requests without an Origin header.
_REMAINING_SENT = (
    "requests without an Origin header are answered as Flask-CORS did (`always_send`, by the generated "
    "cors_always_send); `Vary: Origin` is added to every answer that is not `*` and an empty "
    f"Access-Control-Expose-Headers is sent (see {_DOCS})"
)
ALWAYS_SEND = "cors_always_send"
ALWAYS_SEND_SOURCE = '''

def cors_always_send(target, origins, *, credentials=False, expose_headers=None, vary=False):
    """Flask-CORS's ``always_send``: a request without an Origin header gets the CORS headers too.

    quart-cors answers only requests that send an Origin header; Flask-CORS also answered the
    others (a test client, a same-origin request) with ``*`` or its fixed origins. Registers that
    on ``target`` (the app or blueprint given to ``cors``) and returns it. Written by flask2quart
    (F2Q301).
    """

    async def always_send(response):
        if "Origin" not in {request}.headers and "Access-Control-Allow-Origin" not in response.headers:
            for origin in origins:
                response.headers.add("Access-Control-Allow-Origin", origin)
            if expose_headers:
                response.headers["Access-Control-Expose-Headers"] = expose_headers
            if credentials:
                response.headers["Access-Control-Allow-Credentials"] = "true"
            if vary:
                response.headers.add("Vary", "Origin")
        return response

    target.after_request(always_send)
    return target
'''


# --- resources: which blueprint each pattern covers, across the project -----------------------

#: Flask-CORS option -> the config key it defaults to.
_OPTION_CONFIG = {option: f"CORS_{option.upper()}" for option in OPTION_RENAMES}


@dataclass(frozen=True)
class ResourcePlan:
    """One pattern of a ``CORS(app, resources=...)`` statement, as ``bp = cors(bp, ...)``.

    Both the module of the call (which drops it) and the blueprint's module (which sets the
    blueprint up once, where it is created) work it out from the project's original sources.
    """

    module: str  # the module of the CORS call
    call: str  # ``ast.dump`` of the call: which one in its module
    pattern: str
    blueprint: tuple[str, str] | None = None  # (module, variable)
    options: tuple[tuple[str, str], ...] = ()  # Flask-CORS option -> source of its value
    error: str | None = None


def cst_call_key(node: cst.Call) -> str:
    """What :attr:`ResourcePlan.call` says for this (original) call."""
    return ast.dump(ast.parse(f"({code_of(node)})", mode="eval").body)


def resource_plans(ctx: FileContext, current: cst.Module) -> list[ResourcePlan]:
    """Every ``resources`` pattern of the project's CORS setups, with its blueprint or an error."""
    modules = {facts.module: facts for facts in ctx.analysis.modules.values()}
    plans: list[ResourcePlan] = []
    for facts in cors_modules(ctx):
        if facts.module == ctx.facts.module:
            source: bytes | None = current.code.encode()
        else:
            try:
                source = Path(facts.path).read_bytes()
            except OSError:
                source = None
        if not source or b"resources" not in source:
            continue
        try:
            tree = ast.parse(source)
        except (SyntaxError, ValueError):
            continue
        plans.extend(_Resources(facts, tree, modules).plans())
    covered = Counter(p.blueprint for p in plans if p.error is None)
    return [
        replace(p, error=f"`{p.blueprint[1]}` is covered by two CORS setups")
        if p.error is None and p.blueprint and covered[p.blueprint] > 1
        else p
        for p in plans
    ]


def cors_modules(ctx: FileContext) -> list[ModuleFacts]:
    """The project's modules that import Flask-CORS or a CORS object: where CORS is set up."""
    instances = {
        f"{facts.module}:{name}"
        for facts in ctx.analysis.modules.values()
        for name, cls in facts.instances.items()
        if cls in _CORS_CLASSES
    }
    return [
        facts
        for facts in ctx.analysis.modules.values()
        if any(t.partition(".")[0] == "flask_cors" or t in instances for t in _all_imports(facts).values())
    ]


def _all_imports(facts: ModuleFacts) -> dict[str, str]:
    """Module-level imports and those inside its functions (``from . import api`` in a factory)."""
    imports = {name: t for f in facts.functions.values() for name, t in f.local_imports.items()}
    imports.update(facts.imports)
    return imports


class _Resources:
    """The CORS setups with ``resources`` of one module (see :func:`resource_plans`)."""

    def __init__(self, facts: ModuleFacts, tree: ast.Module, modules: dict[str, ModuleFacts]) -> None:
        self.facts = facts
        self.tree = tree
        self.modules = modules
        self.imports = _all_imports(facts)
        self.defined = blueprints_defined(tree)
        self._trees: dict[str, ast.Module | None] = {facts.module: tree}

    def _tree(self, module: str) -> ast.Module | None:
        if module not in self._trees:
            self._trees[module] = None
            if module in self.modules:
                with contextlib.suppress(OSError, SyntaxError, ValueError):
                    self._trees[module] = ast.parse(Path(self.modules[module].path).read_bytes())
        return self._trees[module]

    def _project_name(self, expr: ast.expr) -> tuple[str, str] | None:
        """(module, variable) of a module-level name of the project."""
        if isinstance(expr, ast.Name):
            if expr.id not in self.imports:
                return (self.facts.module, expr.id)
            module, _, name = self.imports[expr.id].partition(":")
        elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            target = self.imports.get(expr.value.id, "")
            module, name = (target[:-1], expr.attr) if target.endswith(":") else ("", "")
        else:
            return None
        return (module, name) if module in self.modules and name and "." not in name else None

    def _dotted(self, expr: ast.expr) -> str:
        if isinstance(expr, ast.Name):
            return self.imports.get(expr.id, expr.id)
        if isinstance(expr, ast.Attribute):
            return f"{self._dotted(expr.value)}.{expr.attr}"
        return ""

    def _assigned_call(self, module: str, name: str) -> ast.Call | None:
        tree = self._tree(module)
        for statement in tree.body if tree else ():
            if (
                isinstance(statement, ast.Assign)
                and [t.id for t in statement.targets if isinstance(t, ast.Name)] == [name]
                and isinstance(statement.value, ast.Call)
            ):
                return statement.value
        return None

    def _blueprint(self, expr: ast.expr) -> tuple[tuple[str, str], str] | None:
        """(module, variable) and URL prefix of the project blueprint ``expr`` names."""
        where = self._project_name(expr)
        if where is None:
            return None
        tree = self._tree(where[0])
        prefixes = blueprints_defined(tree) if tree else {}
        return (where, prefixes[where[1]]) if where[1] in prefixes else None

    def _registered(self) -> tuple[list[tuple[str, tuple[str, str] | None, str | None]], list[str]]:
        """``register_blueprint`` calls as (code, blueprint, URL prefix), and the app's own routes."""
        registered = []
        routes = []
        for node in ast.walk(self.tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.args):
                continue
            if node.func.attr == "register_blueprint":
                found = self._blueprint(node.args[0])
                prefix = found[1] if found else None
                for kw in node.keywords:
                    if kw.arg == "url_prefix":
                        value = kw.value
                        prefix = value.value if isinstance(value, ast.Constant) and isinstance(value.value, str) else None
                registered.append((ast.unparse(node.args[0]), found[0] if found else None, prefix))
            elif node.func.attr in ("route", "add_url_rule") and not (
                isinstance(node.func.value, ast.Name) and node.func.value.id in self.defined
            ):
                path = node.args[0]
                if isinstance(path, ast.Constant) and isinstance(path.value, str):
                    routes.append(path.value)
        return registered, routes

    def _cors_options(self, call: ast.Call) -> list[ast.keyword] | None:
        """The options of a CORS setup (the object's own first, for ``init_app``), or ``None``."""
        func = call.func
        if self._dotted(func) in _CORS_CLASSES:
            return [kw for kw in call.keywords if kw.arg != "app"]
        if not (isinstance(func, ast.Attribute) and func.attr == "init_app"):
            return None
        where = self._project_name(func.value)
        if where is None or self.modules[where[0]].instances.get(where[1]) not in _CORS_CLASSES:
            return None
        constructor = self._assigned_call(*where)
        return [*(constructor.keywords if constructor else ()), *call.keywords]

    def plans(self) -> list[ResourcePlan]:
        plans: list[ResourcePlan] = []
        registered: tuple[list[tuple[str, tuple[str, str] | None, str | None]], list[str]] | None = None
        for statement in ast.walk(self.tree):
            if not (isinstance(statement, ast.Expr) and isinstance(statement.value, ast.Call)):
                continue
            call = statement.value
            options = self._cors_options(call)
            resources = [kw.value for kw in call.keywords if kw.arg == "resources"]
            if options is None or not resources:
                continue
            key = ast.dump(call)
            entries = _literal_resources(resources[0])
            if entries is None or any(kw.arg is None for kw in options):
                plans.append(ResourcePlan(self.facts.module, key, "", error="only literal `resources` and options "
                                          "are translated"))
                continue
            if len(entries) == 1 and entries[0][0] in _EVERYTHING:
                continue  # no restriction: applied to the app where it is
            if registered is None:
                registered = self._registered()
            for pattern, own in entries:
                merged = {kw.arg: kw.value for kw in options if kw.arg not in ("resources", None)}
                merged.update(own)
                plans.append(self._plan(key, pattern, merged, *registered))
        return plans

    def _plan(
        self,
        key: str,
        pattern: str,
        options: dict[str | None, ast.expr],
        registered: list[tuple[str, tuple[str, str] | None, str | None]],
        routes: list[str],
    ) -> ResourcePlan:
        plan = ResourcePlan(self.facts.module, key, pattern)
        prefix = _prefix_of(pattern)
        if prefix is None:
            return replace(plan, error=f"{pattern!r} is not a URL prefix (`/api/*`)")
        unknown = [code for code, _, bp_prefix in registered if bp_prefix is None]
        if unknown:
            return replace(plan, error=f"{pattern!r} cannot be matched: the URL prefix of {', '.join(unknown)} is "
                           "not known")
        covered = [(code, bp) for code, bp, bp_prefix in registered if _norm(bp_prefix or "").startswith(prefix)]
        exact = [(code, bp) for code, bp, bp_prefix in registered if _norm(bp_prefix or "") == prefix]
        if len(covered) != 1 or len(exact) != 1:
            names = ", ".join(code for code, _ in covered) or "none"
            return replace(plan, error=f"{pattern!r} covers {len(covered)} registered blueprints ({names})")
        inside = [path for path in routes if path.startswith(prefix)]
        if inside:
            return replace(plan, error=f"{pattern!r} also covers routes of the app ({', '.join(inside)})")
        code, blueprint = exact[0]
        if blueprint is None:
            return replace(plan, error=f"{pattern!r} covers `{code}`, which is not created in this project")
        portable: list[tuple[str, str]] = []
        for name, value in options.items():
            assert name is not None
            source, error = _portable(name, value)
            if error:
                return replace(plan, error=error)
            if source is not None:
                portable.append((name, source))
        return replace(plan, blueprint=blueprint, options=tuple(portable))


def _portable(option: str, value: ast.expr) -> tuple[str | None, str | None]:
    """An option's value as source the blueprint's module can run: (source, or ``None`` to leave
    it to the config; error)."""
    with contextlib.suppress(ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
        ast.literal_eval(value)
        return ast.unparse(value), None
    key = _config_read(value)
    if key is not None and key == _OPTION_CONFIG.get(option):
        return None, None  # quart-cors reads QUART_CORS_* itself, on every request
    return None, (f"`{option}={ast.unparse(value)}` is computed where CORS is set up: use a literal or the "
                  f"{_OPTION_CONFIG.get(option, 'CORS_*')} config")


def _config_read(value: ast.expr) -> str | None:
    """``app.config["K"]`` or ``app.config.get("K")`` -> ``"K"``."""
    if isinstance(value, ast.Subscript) and isinstance(value.value, ast.Attribute) and value.value.attr == "config":
        index = value.slice
    elif (
        isinstance(value, ast.Call)
        and isinstance(value.func, ast.Attribute)
        and value.func.attr == "get"
        and isinstance(value.func.value, ast.Attribute)
        and value.func.value.attr == "config"
        and len(value.args) == 1
    ):
        index = value.args[0]
    else:
        return None
    return index.value if isinstance(index, ast.Constant) and isinstance(index.value, str) else None


def _literal_resources(value: ast.expr) -> list[tuple[str, dict[str | None, ast.expr]]] | None:
    """``resources`` as (pattern, the pattern's own options); ``None`` when not literal."""
    if isinstance(value, ast.Constant) and isinstance(value.value, str):
        return [(value.value, {})]
    if isinstance(value, (ast.List, ast.Tuple)):
        if all(isinstance(e, ast.Constant) and isinstance(e.value, str) for e in value.elts):
            return [(e.value, {}) for e in value.elts]  # type: ignore[attr-defined]
        return None
    if not isinstance(value, ast.Dict):
        return None
    entries: list[tuple[str, dict[str | None, ast.expr]]] = []
    for key, options in zip(value.keys, value.values, strict=True):
        if not (isinstance(key, ast.Constant) and isinstance(key.value, str)):
            return None
        if isinstance(options, ast.Dict) and all(
            isinstance(k, ast.Constant) and isinstance(k.value, str) for k in options.keys
        ):
            own: dict[str | None, ast.expr] = {k.value: v for k, v in zip(options.keys, options.values, strict=True)}  # type: ignore[union-attr]
        elif isinstance(options, ast.Call) and isinstance(options.func, ast.Name) and options.func.id == "dict":
            own = {kw.arg: kw.value for kw in options.keywords}
            if options.args or None in own:
                return None
        else:
            return None
        entries.append((key.value, own))
    return entries


# --- the rule -----------------------------------------------------------------------------------


class FlaskCors(RenamesConfigKeys, ExtensionImports):
    code = "F2Q301"
    name = "flask-cors"
    priority = 45
    modules = MODULES
    renames = RENAMES

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        unsupported = {key: (Severity.WARNING, message) for key, message in CONFIG_UNSUPPORTED.items()}
        self.config = ConfigKeyRenamer(self, CONFIG_KEYS, unsupported, self._config_value)
        self._module: cst.Module | None = None
        self._mentions: dict[str, bool] = {}
        #: calls that apply CORS (by id) -> the expression they apply it to (rebound when safe)
        self._applied: dict[int, cst.BaseExpression] = {}
        #: ``cors`` itself put in place of ``CORS()`` (by id): ``cors = cors`` is dropped
        self._self_alias: set[int] = set()
        #: ``CORS(app, resources=...)`` calls set up in the blueprints' modules instead (by id)
        self._removed: set[int] = set()
        self._applied_any = False
        self._plans: list[ResourcePlan] | None = None
        self._with_resources: bool | None = None
        #: blueprints of this module given their ``cors()`` already
        self._set_up: set[str] = set()

    # --- what the project says --------------------------------------------------------------
    def visit_Module(self, node: cst.Module) -> None:
        self._module = node

    def _project_mentions(self, word: str) -> bool:
        """Does any module of the project say ``word`` (a config key)?"""
        if word not in self._mentions:
            found = self._module is not None and word in self._module.code
            for facts in self.ctx.analysis.modules.values():
                if found:
                    break
                try:
                    found = word.encode() in Path(facts.path).read_bytes()
                except OSError:
                    continue
            self._mentions[word] = found
        return self._mentions[word]

    # --- calls ------------------------------------------------------------------------------
    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        updated = self.config.call(original, updated)
        member = self.member(updated.func)
        if member == "CORS":
            return self._cors(original, updated)
        if member == "cross_origin":
            return self._cross_origin(original, updated)
        func = updated.func
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "init_app"
            and extension_instance(self.ctx, func.value) in _CORS_CLASSES
        ):
            args = list(updated.args)
            if args and not args[0].star and (args[0].keyword is None or args[0].keyword.value == "app"):
                return self._apply(original, updated, func.value, args[0], args[1:], inject_origin=False)
        return updated

    def _cors(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``CORS(app, **options)``, or ``CORS(**options)``: an object for ``init_app``."""
        args = list(updated.args)
        if any(a.star == "*" for a in args):
            self.ctx.report(original, self.code, "cannot translate `*args` of CORS(): port it by hand", Severity.ERROR)
            return updated
        target = next((a for a in args if not a.star and (a.keyword is None or a.keyword.value == "app")), None)
        if target is None:
            return self._extension_object(original, updated)
        options = [a for a in args if a is not target]
        return self._apply(original, updated, updated.func, target, options, inject_origin=True)

    def _apply(
        self,
        original: cst.Call,
        updated: cst.Call,
        func: cst.BaseExpression,
        target: cst.Arg,
        options: list[cst.Arg],
        *,
        inject_origin: bool,
    ) -> cst.BaseExpression:
        """``<func>(<target>, **options)``: quart-cors applied to an app or blueprint."""
        resources = next((a for a in options if a.keyword is not None and a.keyword.value == "resources"), None)
        if resources is not None:
            options = [a for a in options if a is not resources]
            return self._resources(original, updated, func, target, resources, options, inject_origin)
        translated = self._options(original, options, decorator=False, inject_origin=inject_origin)
        if translated is None:
            return updated
        self.changed()
        call = updated.with_changes(func=func, args=join_args([positional(target), *translated], updated.args))
        sent = self._always_send(call, options) if inject_origin else None
        call = sent or call
        self._applied[id(call)] = target.value
        self._applied_any = True
        self.ctx.report(original, self.code, f"Flask-CORS -> quart-cors; {_REMAINING_SENT if sent else _REMAINING}",
                        Severity.INFO)
        return call

    def _always_send(self, call: cst.Call, options: list[cst.Arg]) -> cst.Call | None:
        """``cors_always_send(<call>, [origins], ...)``: what Flask-CORS sent without an Origin header.

        Worked out from literal options only, as Flask-CORS does (``get_cors_origins``): ``*``
        (none with credentials) when the origins are ``*``, else the origins that are not regexes,
        sorted; ``None`` where an option is not a literal or comes from the config."""
        given = {a.keyword.value: a.value for a in options if a.keyword is not None}
        if "always_send" in given and bool_value(given["always_send"]) is not True:
            return None
        for key in ("origins", "supports_credentials", "expose_headers", "vary_header"):
            if key not in given and self._project_mentions(f"CORS_{key.upper()}"):
                return None
        origins = _literal_strings(given["origins"]) if "origins" in given else ["*"]
        credentials = bool_value(given["supports_credentials"]) if "supports_credentials" in given else False
        expose = _literal_strings(given["expose_headers"]) if "expose_headers" in given else []
        vary_header = bool_value(given["vary_header"]) if "vary_header" in given else True
        if origins is None or credentials is None or expose is None or vary_header is None:
            return None
        regexes = [o for o in origins if o in ("*", ".*") or not _REGEX_HINTS.isdisjoint(o)]
        if "*" in origins or ".*" in origins:
            sent = [] if credentials else ["*"]
        else:
            sent = sorted(o for o in origins if o not in regexes)
        if not sent:
            return None
        vary = vary_header and sent != ["*"] and (len(origins) > 1 or len(sent) > 1 or bool(regexes))
        sent = sent[:1]  # Flask-CORS lists them all, then keeps the first of each header
        request = self.ctx.require_import("quart", "request")
        self.ctx.add_helper(ALWAYS_SEND, ALWAYS_SEND_SOURCE.replace("{request}", request))
        extra = [
            *([keyword("credentials", cst.Name("True"))] if credentials else []),
            *([keyword("expose_headers", cst.SimpleString(json.dumps(", ".join(sorted(expose)))))] if expose else []),
            *([keyword("vary", cst.Name("True"))] if vary else []),
        ]
        listed = cst.List(_comma_separated([cst.SimpleString(json.dumps(o)) for o in sent]))
        return cst.Call(func=cst.Name(ALWAYS_SEND), args=join_args([cst.Arg(call), cst.Arg(listed), *extra], []))

    def _extension_object(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        """``CORS(**options)`` -> ``partial(cors, **options)``, or ``cors`` itself without options."""
        if any(a.keyword is not None and a.keyword.value == "resources" for a in updated.args):
            self.ctx.report(original, self.code, "quart-cors has no `resources`: pass them to `init_app` (one "
                            "blueprint per pattern) or apply `cors(blueprint, ...)` by hand", Severity.ERROR)
            return updated
        translated = self._options(original, list(updated.args), decorator=False, inject_origin=True)
        if translated is None:
            return updated
        self.changed()
        self.ctx.report(original, self.code, "Flask-CORS -> quart-cors, which has no extension object: "
                        f"`init_app(app)` becomes a call; {_REMAINING}", Severity.INFO)
        if not translated:
            self._self_alias.add(id(updated.func))
            return updated.func
        partial = self.ctx.require_import("functools", "partial")
        return updated.with_changes(
            func=cst.Name(partial), args=join_args([cst.Arg(updated.func), *translated], updated.args)
        )

    def _resources(
        self,
        original: cst.Call,
        updated: cst.Call,
        func: cst.BaseExpression,
        target: cst.Arg,
        resources: cst.Arg,
        options: list[cst.Arg],
        inject_origin: bool,
    ) -> cst.BaseExpression:
        """``resources=``: each pattern's blueprint gets ``bp = cors(bp, ...)`` in its own module."""
        entries = _resource_entries(resources.value)
        if entries is not None and len(entries) == 1 and entries[0][0] in _EVERYTHING:  # no restriction
            options = _merge_options(options, entries[0][1])
            return self._apply(original, updated, func, target, options, inject_origin=inject_origin)
        key = cst_call_key(original)
        plans = [p for p in self._resource_plans() if p.module == self.ctx.facts.module and p.call == key]
        errors = list(dict.fromkeys(p.error for p in plans if p.error))
        if not plans:
            errors = ["only a CORS setup that is a statement of its own is translated"]
        for error in errors:
            self.ctx.report(original, self.code, f"quart-cors has no `resources`: {error}; apply "
                            "`bp = cors(bp, ...)` to each blueprint (or `@route_cors` to views) by hand",
                            Severity.ERROR)
        if errors:
            return updated
        self.changed()
        where = ", ".join(f"`{name}` ({module})" for module, name in dict.fromkeys(p.blueprint for p in plans if p.blueprint))
        self.ctx.report(original, self.code, "quart-cors has no `resources`: the blueprint each pattern covers is "
                        f"set up where it is created, once: {where}", Severity.INFO)
        stand_in = updated.with_changes(func=func)
        self._removed.add(id(stand_in))
        return stand_in

    def _cors_set_up_with_resources(self) -> bool:
        """Cheap test before the plan: a module that sets CORS up says ``resources``."""
        if self._with_resources is None:
            self._with_resources = False
            for facts in cors_modules(self.ctx):
                with contextlib.suppress(OSError):
                    if b"resources" in Path(facts.path).read_bytes():
                        self._with_resources = True
                        break
        return self._with_resources

    def _resource_plans(self) -> list[ResourcePlan]:
        if self._plans is None:
            assert self._module is not None
            self._plans = resource_plans(self.ctx, self._module)
        return self._plans

    def _blueprint_setup(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.FlattenSentinel[cst.BaseStatement] | None:
        """``bp = Blueprint(...)`` covered by an app's ``resources``: ``bp = cors(bp, ...)`` after it."""
        assign = updated.body[0]
        if not (
            self.ctx.scope.kind == "module"
            and isinstance(assign, cst.Assign)
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(assign.value, cst.Call)
            and code_of(assign.value.func).rpartition(".")[2] == "Blueprint"
            and self._cors_set_up_with_resources()
        ):
            return None
        name = assign.targets[0].target.value
        plans = [p for p in self._resource_plans() if p.blueprint == (self.ctx.facts.module, name)]
        failed = {(p.module, p.call) for p in self._resource_plans() if p.error}
        plans = [p for p in plans if (p.module, p.call) not in failed]
        if len(plans) != 1 or name in self._set_up:
            return None
        plan = plans[0]
        self._set_up.add(name)
        options = [keyword(option, cst.parse_expression(source)) for option, source in plan.options]
        translated = self._options(original, options, decorator=False, inject_origin=True)
        if translated is None:
            return None
        self.changed()
        cors = self.ctx.require_import("quart_cors", "cors")
        call = cst.Call(func=cst.Name(cors), args=join_args([cst.Arg(cst.Name(name)), *translated], []))
        setup = cst.SimpleStatementLine(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(name))], value=call)])
        self.ctx.report(original, self.code, f"CORS for {plan.pattern!r} (Flask-CORS `resources` in {plan.module}) "
                        f"applied to this blueprint; {_REMAINING}", Severity.INFO)
        return cst.FlattenSentinel([updated, setup])

    def _cross_origin(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        translated = self._options(original, list(updated.args), decorator=True, inject_origin=True)
        if translated is None:
            return updated
        self.changed()
        self.ctx.report(original, self.code, f"@cross_origin -> @route_cors; {_REMAINING}", Severity.INFO)
        automatic = next((a.value for a in translated if a.keyword and a.keyword.value == "provide_automatic_options"), None)
        if automatic is None or bool_value(automatic) is not False:
            self.ctx.report(original, self.code, "quart-cors 0.8.0's @route_cors answers preflight (OPTIONS) "
                            "requests with a 500 on Quart 0.23 (pgjones/quart-cors#11): keep Quart 0.22 or "
                            "apply `cors()` to the app or blueprint instead until it is fixed", Severity.WARNING)
        return updated.with_changes(args=join_args(translated, updated.args))

    # --- options ----------------------------------------------------------------------------
    def _options(
        self, where: cst.CSTNode, args: list[cst.Arg], *, decorator: bool, inject_origin: bool
    ) -> list[cst.Arg] | None:
        """Flask-CORS keyword options as quart-cors ones, or ``None`` (reported) when impossible."""
        out: list[cst.Arg] = []
        names = {a.keyword.value for a in args if a.keyword is not None}
        wildcard = next((bool_value(a.value) for a in args if a.keyword and a.keyword.value == "send_wildcard"), False)
        for arg in args:
            if arg.keyword is None:
                what = "`**options`" if arg.star == "**" else "a positional argument"
                self.ctx.report(where, self.code, f"cannot translate {what} of Flask-CORS: port it by hand",
                                Severity.ERROR)
                return None
            name = arg.keyword.value
            if name == "automatic_options":
                if decorator:  # the extension never read it (only @cross_origin does)
                    out.append(arg.with_changes(keyword=cst.Name("provide_automatic_options")))
                continue
            if name in DROPPED_OPTIONS:
                default, difference = DROPPED_OPTIONS[name]
                if bool_value(arg.value) is not default:
                    self.ctx.report(where, self.code, f"dropped `{name}`: {difference}", Severity.WARNING)
                continue
            if name not in OPTION_RENAMES:
                self.ctx.report(where, self.code, f"Flask-CORS option `{name}` has no quart-cors counterpart: "
                                "port it by hand", Severity.ERROR)
                return None
            value = arg.value
            if name == "origins":
                value = self._origins(value, wildcard=wildcard is True)
            elif name == "methods":
                value = _split_list(value)
            elif name == "send_wildcard":
                if bool_value(value) is False:
                    continue  # Flask-CORS' default, which the origins above keep
                if bool_value(value) is None:
                    self.ctx.report(where, self.code, "quart-cors ignores `send_origin_wildcard=False` (it falls "
                                    "back to QUART_CORS_SEND_ORIGIN_WILDCARD, default True)", Severity.WARNING)
            out.append(arg.with_changes(keyword=cst.Name(OPTION_RENAMES[name]), value=value))
        if inject_origin and "origins" not in names and wildcard is not True and not self._project_mentions("CORS_ORIGINS"):
            # Flask-CORS' default `*` answers with the request's origin (and allows credentials)
            out.append(keyword("allow_origin", self._any_origin()))
        return out

    def _any_origin(self) -> cst.BaseExpression:
        return cst.parse_expression(f'{self.ctx.require_import("re")}.compile(r".*")')

    def _origins(self, value: cst.BaseExpression, *, wildcard: bool) -> cst.BaseExpression:
        """Origins as quart-cors reads them (see the module docstring)."""
        if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
            elements = [e.with_changes(value=self._origin(e.value, wildcard=wildcard)) for e in value.elements]
            return value.with_changes(elements=elements)
        return self._origin(value, wildcard=wildcard)

    def _origin(self, value: cst.BaseExpression, *, wildcard: bool) -> cst.BaseExpression:
        text = string_value(value)
        if text is None:
            return value
        if text == "*":
            return value if wildcard else self._any_origin()
        if _REGEX_HINTS.isdisjoint(text):
            return value
        re_name = self.ctx.require_import("re")
        return cst.Call(
            func=cst.Attribute(cst.Name(re_name), cst.Name("compile")),
            args=[
                cst.Arg(value, comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))),
                cst.Arg(cst.Attribute(cst.Name(re_name), cst.Name("IGNORECASE"))),
            ],
        )

    def _config_value(self, key: str, value: cst.BaseExpression) -> cst.BaseExpression:
        """quart-cors iterates its list settings: a literal string becomes a one-item list."""
        if key == "CORS_ORIGINS":
            translated = self._origins(value, wildcard=self._project_mentions("CORS_SEND_WILDCARD"))
            changed = string_value(translated) is not None or translated is not value
            if changed and not isinstance(translated, (cst.List, cst.Tuple, cst.Set)):
                return cst.List([cst.Element(translated)])
            return translated
        if key in _LIST_CONFIG_KEYS:
            value = _split_list(value) if key == "CORS_METHODS" else value
            if string_value(value) is not None:
                return cst.List([cst.Element(value)])
        return value

    # --- statements -------------------------------------------------------------------------
    def leave_SimpleStatementLine(  # type: ignore[override]
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.BaseStatement | cst.FlattenSentinel[cst.BaseStatement] | cst.RemovalSentinel:
        if len(updated.body) == 1:
            small = updated.body[0]
            value = small.value if isinstance(small, (cst.Expr, cst.Assign)) else None
            if isinstance(small, cst.Expr) and id(value) in self._removed:
                return cst.RemovalSentinel.REMOVE
            if isinstance(small, cst.Expr) and id(value) in self._applied:
                return self._rebind(updated, small, self._applied.pop(id(value)))
            if isinstance(small, cst.Assign) and id(value) in self._applied:
                return self._assigned(original, updated, small, self._applied.pop(id(value)))
            setup = self._blueprint_setup(original, updated)
            if setup is not None:
                return setup
        return super().leave_SimpleStatementLine(original, updated)

    def _may_rebind(self, name: str) -> bool:
        """Assigning ``name`` here rebinds the name the call read (and not a global from a function)."""
        scope = self.ctx.function_scope()
        if scope is None:
            return self.ctx.scope.kind == "module"
        return scope.kind == "function" and name in scope.local_names

    def _rebind(
        self, statement: cst.SimpleStatementLine, expr: cst.Expr, target: cst.BaseExpression
    ) -> cst.SimpleStatementLine:
        """``cors(app)`` -> ``app = cors(app)`` (what quart-cors documents) where that is safe."""
        if not (isinstance(target, cst.Name) and self._may_rebind(target.value)):
            return statement
        return statement.with_changes(body=[cst.Assign(targets=[cst.AssignTarget(cst.Name(target.value))], value=expr.value)])

    def _assigned(
        self,
        original: cst.SimpleStatementLine,
        statement: cst.SimpleStatementLine,
        assign: cst.Assign,
        target: cst.BaseExpression,
    ) -> cst.SimpleStatementLine:
        """``ext = CORS(app)`` with ``ext`` used nowhere else -> ``app = cors(app)``."""
        names = [t.target.value for t in assign.targets if isinstance(t.target, cst.Name)]
        if len(names) != 1 or len(assign.targets) != 1 or self._module is None:
            return statement
        if _count_names(self._module, names[0]) > 1:
            self.ctx.report(original, self.code, f"`{names[0]}` now holds what CORS was applied to (quart-cors "
                            "has no extension object)", Severity.WARNING)
            return statement
        expr = cst.Expr(assign.value)
        return self._rebind(statement.with_changes(body=[expr]), expr, target)

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        updated = super().leave_Module(original, updated)
        kept: list[cst.BaseStatement] = []
        blank: list[cst.EmptyLine] = []  # the blank lines before a dropped statement stay
        for statement in updated.body:
            if self._is_self_alias(statement):
                blank = blank or [line for line in statement.leading_lines if line.comment is None]
                continue
            own = list(getattr(statement, "leading_lines", ()))
            if blank and not any(line.comment is None for line in own):
                statement = statement.with_changes(leading_lines=[*blank, *own])
            blank = []
            kept.append(statement)
        if len(kept) != len(updated.body):
            updated = updated.with_changes(body=kept)
        if self._removed or self._applied_any:
            updated = drop_unused_imports(self.ctx, updated, _CORS_CLASSES)
        if self._removed:  # ``CORS(app, resources=...)`` was this module's only use of ``CORS``
            imported = {  # ``from flask_cors import CORS`` is ``from quart_cors import cors`` by now
                RENAMES.get(local, local) for local, target in self.ctx.facts.imports.items() if target in _CORS_CLASSES
            }
            updated = drop_imported_names(updated, imported - names_used(updated), source="quart_cors")
        return updated

    def _is_self_alias(self, statement: cst.BaseStatement) -> bool:
        """``cors = cors``, left where ``cors = CORS()`` was: the import binds ``cors`` already."""
        if not (isinstance(statement, cst.SimpleStatementLine) and len(statement.body) == 1):
            return False
        assign = statement.body[0]
        return (
            isinstance(assign, cst.Assign)
            and id(assign.value) in self._self_alias
            and len(assign.targets) == 1
            and isinstance(assign.targets[0].target, cst.Name)
            and isinstance(assign.value, cst.Name)
            and assign.targets[0].target.value == assign.value.value
        )


# --- helpers ------------------------------------------------------------------------------------


def _count_names(module: cst.Module, name: str) -> int:
    class Counter(cst.CSTVisitor):
        count = 0

        def visit_Name(self, node: cst.Name) -> None:
            if node.value == name:
                self.count += 1

    counter = Counter()
    module.visit(counter)
    return counter.count


def _resource_entries(value: cst.BaseExpression) -> list[tuple[str, list[cst.Arg]]] | None:
    """``resources`` as (pattern, the pattern's own options); ``None`` when not literal."""
    text = string_value(value)
    if text is not None:
        return [(text, [])]
    if isinstance(value, (cst.List, cst.Tuple)):
        patterns = [string_value(e.value) for e in value.elements]
        return None if any(p is None for p in patterns) else [(p, []) for p in patterns if p is not None]
    if not isinstance(value, cst.Dict):
        return None
    entries: list[tuple[str, list[cst.Arg]]] = []
    for element in value.elements:
        if not isinstance(element, cst.DictElement):
            return None
        pattern = string_value(element.key)
        options = _dict_options(element.value)
        if pattern is None or options is None:
            return None
        entries.append((pattern, options))
    return entries


def _dict_options(value: cst.BaseExpression) -> list[cst.Arg] | None:
    """``{"origins": "*"}`` (or ``dict(origins="*")``) as keyword arguments."""
    if isinstance(value, cst.Dict):
        args = []
        for element in value.elements:
            name = string_value(element.key) if isinstance(element, cst.DictElement) else None
            if name is None or not name.isidentifier():
                return None
            args.append(keyword(name, element.value))
        return args
    if (
        isinstance(value, cst.Call)
        and isinstance(value.func, cst.Name)
        and value.func.value == "dict"
        and all(a.keyword is not None and not a.star for a in value.args)
    ):
        return [a.with_changes(comma=cst.MaybeSentinel.DEFAULT) for a in value.args]
    return None


def _merge_options(options: list[cst.Arg], overrides: list[cst.Arg]) -> list[cst.Arg]:
    """A pattern's own options win over the extension's (as in Flask-CORS)."""
    names = {a.keyword.value for a in overrides if a.keyword is not None}
    kept = [a for a in options if a.keyword is None or a.keyword.value not in names]
    return [*kept, *overrides]


def _norm(prefix: str) -> str:
    """``/api/`` -> ``/api``; ``/`` and ``""`` -> ``""``."""
    inner = prefix.strip("/")
    return "/" + inner if inner else ""


def _prefix_of(pattern: str) -> str | None:
    """``/api/*``, ``/api/.*``, ``^/api`` -> ``/api`` (Flask-CORS matches at the start of the path)."""
    text = pattern.removeprefix("^")
    for tail in ("/.*", ".*", "/*", "*"):
        if text.endswith(tail):
            text = text[: -len(tail)]
            break
    if not text.startswith("/") or not _REGEX_HINTS.isdisjoint(text):
        return None
    return _norm(text) or None


def _comma_separated(values: list[cst.BaseExpression]) -> list[cst.Element]:
    comma = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return [cst.Element(v, comma=comma) for v in values[:-1]] + [cst.Element(v) for v in values[-1:]]


def _literal_strings(value: cst.BaseExpression) -> list[str] | None:
    """A literal string or list/tuple/set of them, as a list (``None``: anything else)."""
    if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        items = [string_value(e.value) for e in value.elements]
        return None if any(i is None for i in items) else items  # type: ignore[return-value]
    text = string_value(value)
    return [text] if text is not None else None


def _split_list(value: cst.BaseExpression) -> cst.BaseExpression:
    """``"GET, POST"`` -> ``["GET", "POST"]`` (one string is one item to quart-cors)."""
    text = string_value(value)
    if text is None or "," not in text or not isinstance(value, cst.SimpleString):
        return value
    items = [item.strip() for item in text.split(",") if item.strip()]
    space = cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))
    return cst.List([
        cst.Element(cst.SimpleString(f"{value.quote}{item}{value.quote}"), comma=space if i < len(items) - 1 else cst.MaybeSentinel.DEFAULT)
        for i, item in enumerate(items)
    ])


__all__ = ["FlaskCors"]
