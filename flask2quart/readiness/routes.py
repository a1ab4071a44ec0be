"""The routes of a project: each view function and ``MethodView`` method, with its URL rules.

Which functions are views is the rewrite's own decision (:class:`~flask2quart.migrate.analysis.Role`
``VIEW``: ``@app.route``/``@bp.get``, ``add_url_rule(view_func=...)``, ``MethodView`` methods). This
module only reads what the registrations say, where they are literals: the rule, ``methods=``,
``endpoint=``, the blueprint's name and ``url_prefix`` (``Blueprint(..., url_prefix=)`` or
``register_blueprint(bp, url_prefix=)``, nested blueprints included). A view whose registration
cannot be read is still a route, shown by its endpoint.

Docs: docs/check.md ("Routes")
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

from ..migrate import flask_api
from ..migrate.analysis import ModuleFacts, Role
from .model import Route

_BLUEPRINT_CLASSES = frozenset(
    {"flask.Blueprint", "flask.blueprints.Blueprint", "quart.Blueprint", "quart.blueprints.Blueprint"}
)
#: Shown in place of a ``url_prefix`` that is not a literal.
UNKNOWN_PREFIX = "<?>"


@dataclass(frozen=True)
class FoundRoute:
    route: Route
    #: ``module:qualname`` of what runs for it: the view, its project decorators (and a
    #: ``MethodView``'s ``decorators = [...]``).
    roots: tuple[str, ...]


@dataclass
class _Blueprint:
    name: str | None
    url_prefix: str | None
    #: registered on another blueprint (its key), or on the app (``None``)
    parent: str | None = None
    registered: bool = False


@dataclass
class _Registration:
    owner: str | None  # blueprint key, or None for the app
    rule: str | None
    methods: tuple[str, ...] | None
    endpoint: str | None


@dataclass
class _Module:
    tree: ast.Module
    facts: ModuleFacts
    #: every function and class of the module, by qualname
    defs: dict[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef] = field(default_factory=dict)


def find_routes(modules: list[tuple[ast.Module, ModuleFacts]], roles: dict[str, Role]) -> list[FoundRoute]:
    """Every route of the project, in file and line order."""
    parsed = [_Module(tree, facts, dict(definitions(tree))) for tree, facts in modules]
    finder = _Finder(parsed, roles)
    return finder.run()


def definitions(tree: ast.Module) -> list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]]:
    """Every function and class of a module, nested ones too, by qualname (``Class.method``)."""
    found: list[tuple[str, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef]] = []

    def walk(body: list[ast.stmt], prefix: str) -> None:
        for node in body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                found.append((prefix + node.name, node))
                walk(node.body, f"{prefix}{node.name}.")
            else:
                for child in ast.iter_child_nodes(node):
                    if isinstance(child, ast.stmt):
                        walk([child], prefix)
                    elif isinstance(child, (ast.ExceptHandler, ast.match_case)):
                        walk(child.body, prefix)

    walk(tree.body, "")
    return found


class _Finder:
    def __init__(self, modules: list[_Module], roles: dict[str, Role]) -> None:
        self.modules = modules
        self.by_name = {module.facts.module: module for module in modules}
        self.roles = roles
        self.blueprints: dict[str, _Blueprint] = {}
        self.registrations: dict[str, list[_Registration]] = {}  # function or class key ->
        self.class_decorators: dict[str, list[str]] = {}
        self.function_decorators: dict[str, list[str]] = {}
        self.bases: dict[str, list[str]] = {}  # class key -> project base class keys

    def run(self) -> list[FoundRoute]:
        for module in self.modules:
            self._collect_blueprints(module)
        for module in self.modules:
            self._collect_registrations(module)
        found: list[FoundRoute] = []
        for module in self.modules:
            found.extend(self._routes_of(module))
        return sorted(found, key=lambda r: (r.route.path, r.route.line, r.route.function, r.route.rules))

    # --- names --------------------------------------------------------------------------------
    def resolve(self, node: ast.expr, module: _Module, prefix: str = "") -> str | None:
        """``module:qualname`` for the project's own names, a dotted name for imported ones."""
        facts = module.facts
        if isinstance(node, ast.Name):
            scope = prefix
            while scope:  # nested definitions first (``def create_app(): def ping(): ...``)
                candidate = f"{scope}{node.id}"
                if candidate in module.defs:
                    return f"{facts.module}:{candidate}"
                function = facts.functions.get(scope[:-1])
                if function is not None and node.id in function.local_imports:
                    return function.local_imports[node.id]  # ``from . import views`` in create_app
                scope = scope[: scope[:-1].rfind(".") + 1]
            if node.id in module.defs:
                return f"{facts.module}:{node.id}"
            local = f"{facts.module}:{node.id}"
            if local in self.blueprints:
                return local
            return facts.imports.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.resolve(node.value, module, prefix)
            if base is None:
                return None
            if ":" in base:
                owner, _, qual = base.partition(":")
                return f"{owner}:{qual + '.' if qual else ''}{node.attr}"
            return f"{base}.{node.attr}"
        return None

    # --- blueprints ---------------------------------------------------------------------------
    def _collect_blueprints(self, module: _Module) -> None:
        for node in ast.walk(module.tree):
            if not (isinstance(node, ast.Assign) and isinstance(node.value, ast.Call)):
                continue
            if self.resolve(node.value.func, module) not in _BLUEPRINT_CLASSES:
                continue
            call = node.value
            name = _literal_str(call.args[0]) if call.args else _keyword_str(call, "name")
            prefix_node = _keyword(call, "url_prefix")
            url_prefix = None if prefix_node is None else (_literal_str(prefix_node) or UNKNOWN_PREFIX)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.blueprints[f"{module.facts.module}:{target.id}"] = _Blueprint(name, url_prefix)

    def _blueprint_of(self, node: ast.expr, module: _Module, prefix: str) -> str | None:
        key = self.resolve(node, module, prefix)
        return key if key in self.blueprints else None

    def _prefix(self, key: str, seen: frozenset[str] = frozenset()) -> tuple[str, str]:
        """(URL prefix, endpoint prefix) of a blueprint, parents included."""
        bp = self.blueprints[key]
        own_url = bp.url_prefix or ""
        own_name = bp.name or key.rpartition(":")[2]
        if bp.parent is None or bp.parent in seen or bp.parent not in self.blueprints:
            return own_url, own_name
        parent_url, parent_name = self._prefix(bp.parent, seen | {key})
        return _join(parent_url, own_url), f"{parent_name}.{own_name}"

    # --- registrations ------------------------------------------------------------------------
    def _collect_registrations(self, module: _Module) -> None:
        for qual, node in module.defs.items():
            key = f"{module.facts.module}:{qual}"
            prefix = qual.rpartition(".")[0] + "." if "." in qual else ""
            if isinstance(node, ast.ClassDef):
                self.bases[key] = [
                    base for base in (self.resolve(b, module, prefix) for b in node.bases) if base and ":" in base
                ]
                for stmt in node.body:
                    if isinstance(stmt, ast.Assign) and any(
                        isinstance(t, ast.Name) and t.id == "decorators" for t in stmt.targets
                    ) and isinstance(stmt.value, (ast.List, ast.Tuple)):
                        self.class_decorators[key] = self._project_functions(stmt.value.elts, module, prefix)
                continue
            decorators = [d.func if isinstance(d, ast.Call) else d for d in node.decorator_list]
            self.function_decorators[key] = self._project_functions(decorators, module, prefix)
            for dec in node.decorator_list:
                if (
                    isinstance(dec, ast.Call)
                    and isinstance(dec.func, ast.Attribute)
                    and dec.func.attr in flask_api.VIEW_REGISTRARS
                ):
                    self._decorator_registration(key, node.name, dec, module, prefix)
        self._walk_calls(module.tree.body, module, "")

    def _project_functions(self, nodes: list[ast.expr], module: _Module, prefix: str) -> list[str]:
        found = []
        for node in nodes:
            target = self.resolve(node.func if isinstance(node, ast.Call) else node, module, prefix)
            if target and ":" in target and not target.endswith(":"):
                found.append(target)
        return found

    def _decorator_registration(
        self, key: str, name: str, dec: ast.Call, module: _Module, prefix: str
    ) -> None:
        func = dec.func
        assert isinstance(func, ast.Attribute)
        rule = _literal_str(dec.args[0]) if dec.args else _keyword_str(dec, "rule")
        if func.attr == "route":
            methods = _literal_methods(_keyword(dec, "methods"))
        else:
            methods = (func.attr.upper(),)
        endpoint = _keyword_str(dec, "endpoint") or name
        owner = self._blueprint_of(func.value, module, prefix)
        self.registrations.setdefault(key, []).append(_Registration(owner, rule, methods, endpoint))

    def _walk_calls(self, body: list[ast.stmt], module: _Module, prefix: str) -> None:
        """``add_url_rule`` and ``register_blueprint`` calls, in the scope they are made in."""
        for stmt in body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self._walk_calls(stmt.body, module, f"{prefix}{stmt.name}.")
                continue
            for node in ast.walk(stmt):
                if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                    if node.func.attr == "add_url_rule":
                        self._add_url_rule(node, module, prefix)
                    elif node.func.attr == "register_blueprint" and node.args:
                        self._register_blueprint(node, module, prefix)

    def _add_url_rule(self, call: ast.Call, module: _Module, prefix: str) -> None:
        func = call.func
        assert isinstance(func, ast.Attribute)
        args = call.args
        rule = _literal_str(args[0]) if args else _keyword_str(call, "rule")
        endpoint = _literal_str(args[1]) if len(args) > 1 else _keyword_str(call, "endpoint")
        view = args[2] if len(args) > 2 else _keyword(call, "view_func")
        if view is None:
            return  # ``app.add_url_rule("/", endpoint="index")``: another name for a view
        methods = _literal_methods(_keyword(call, "methods")) if _keyword(call, "methods") else None
        owner = self._blueprint_of(func.value, module, prefix)
        if isinstance(view, ast.Call) and isinstance(view.func, ast.Attribute) and view.func.attr == "as_view":
            target = self.resolve(view.func.value, module, prefix)
            endpoint = endpoint or (_literal_str(view.args[0]) if view.args else _keyword_str(view, "name"))
        else:
            target = self.resolve(view, module, prefix)
        if target and ":" in target:
            self.registrations.setdefault(target, []).append(_Registration(owner, rule, methods, endpoint))

    def _register_blueprint(self, call: ast.Call, module: _Module, prefix: str) -> None:
        func = call.func
        assert isinstance(func, ast.Attribute)
        child = self._blueprint_of(call.args[0], module, prefix)
        if child is None or self.blueprints[child].registered:
            return  # first registration wins: that is the one url_for builds
        bp = self.blueprints[child]
        bp.registered = True
        bp.parent = self._blueprint_of(func.value, module, prefix)
        prefix_node = _keyword(call, "url_prefix")
        if prefix_node is not None:
            bp.url_prefix = _literal_str(prefix_node) or UNKNOWN_PREFIX
        bp.name = _keyword_str(call, "name") or bp.name

    # --- routes -------------------------------------------------------------------------------
    def _routes_of(self, module: _Module) -> list[FoundRoute]:
        found: list[FoundRoute] = []
        facts = module.facts
        for qual, node in module.defs.items():
            key = f"{facts.module}:{qual}"
            if isinstance(node, ast.ClassDef) or self.roles.get(key) is not Role.VIEW:
                continue
            roots = (key, *self.function_decorators.get(key, ()))
            owner, _, method = qual.rpartition(".")
            class_key = f"{facts.module}:{owner}" if owner and isinstance(module.defs.get(owner), ast.ClassDef) else None
            if class_key is not None and method in flask_api.METHOD_VIEW_METHODS:
                found.extend(self._method_routes(module, node, key, class_key, method, roots))
                continue
            registrations = self.registrations.get(key, [])
            found.append(FoundRoute(self._route(module, node, key, registrations, None), roots))
        return found

    def _method_routes(
        self,
        module: _Module,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
        key: str,
        class_key: str,
        method: str,
        roots: tuple[str, ...],
    ) -> list[FoundRoute]:
        """One route per registered class whose ``method`` is this one (the class or a subclass)."""
        classes = [c for c in self.registrations if self._method_owner(c, method, frozenset()) == class_key]
        found = []
        verb = None if method == "dispatch_request" else method.upper()
        for klass in classes or [class_key]:
            decorators = tuple(self.class_decorators.get(klass, ()))
            route = self._route(module, node, key, self.registrations.get(klass, []), verb, klass)
            found.append(FoundRoute(route, (*roots, *decorators)))
        return found

    def _method_owner(self, klass: str, method: str, seen: frozenset[str]) -> str | None:
        """The class whose ``method`` an instance of ``klass`` runs (project classes only)."""
        module_name, _, qual = klass.partition(":")
        module = self.by_name.get(module_name)
        if module is not None and f"{qual}.{method}" in module.defs:
            return klass
        for base in self.bases.get(klass, ()):
            if base not in seen:
                owner = self._method_owner(base, method, seen | {klass})
                if owner is not None:
                    return owner
        return None

    def _route(
        self,
        module: _Module,
        node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef,
        key: str,
        registrations: list[_Registration],
        verb: str | None,
        class_key: str | None = None,
    ) -> Route:
        rules: list[str] = []
        methods: list[str] = []
        endpoint = None
        for reg in registrations:
            url_prefix, name_prefix = self._prefix(reg.owner) if reg.owner else ("", "")
            if reg.rule is not None:
                rule = _join(url_prefix, reg.rule) if reg.owner else reg.rule
                if rule not in rules:
                    rules.append(rule)
            name = reg.endpoint or (class_key or key).rpartition(":")[2].rpartition(".")[2]
            endpoint = endpoint or (f"{name_prefix}.{name}" if name_prefix else name)
            for verb_name in (verb,) if verb else reg.methods or ("GET",):
                if verb_name not in methods:
                    methods.append(verb_name)
        if endpoint is None:
            endpoint = (class_key or key).partition(":")[2]
            methods = [verb] if verb else []
        first_line = min([node.lineno, *(d.lineno for d in node.decorator_list)])
        return Route(endpoint, tuple(rules), tuple(methods), module.facts.path, first_line, key)


def _join(prefix: str, rule: str) -> str:
    """Flask's joining of a blueprint's ``url_prefix`` and a rule."""
    if not prefix:
        return rule
    if not rule:
        return prefix
    return f"{prefix.rstrip('/')}/{rule.lstrip('/')}"


def _keyword(call: ast.Call, name: str) -> ast.expr | None:
    for keyword in call.keywords:
        if keyword.arg == name:
            return keyword.value
    return None


def _keyword_str(call: ast.Call, name: str) -> str | None:
    node = _keyword(call, name)
    return _literal_str(node) if node is not None else None


def _literal_str(node: ast.expr) -> str | None:
    return node.value if isinstance(node, ast.Constant) and isinstance(node.value, str) else None


def _literal_methods(node: ast.expr | None) -> tuple[str, ...] | None:
    """``methods=["GET", "POST"]`` -> ``("GET", "POST")``; ``None`` when absent or not literal."""
    if node is None:
        return None
    if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
        names = [_literal_str(element) for element in node.elts]
        if all(names):
            return tuple(dict.fromkeys(n.upper() for n in names if n))
    return None
