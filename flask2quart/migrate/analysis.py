"""Whole-project analysis: which functions of the project become ``async def``.

Runs once per ``rewrite``, before any file is changed, on :mod:`ast` trees (a tenth of the cost of a
LibCST parse, and they are dropped as soon as a module's summary is made). For each module it
records the functions, what each one is to Flask (view, hook, test, fixture, CLI command...), whether
its own body needs an ``await`` and which project functions it calls. :func:`decide` then runs the
fixpoint that colours functions async across modules (a helper in ``db.py`` that awaits makes every
caller in any module await it) and hands the per-file rules one :class:`ProjectAnalysis`.

Names are resolved by scope, not by spelling: a parameter or local called ``request`` is not Flask's
request. We resolve with our own per-function binding table rather than LibCST's
``QualifiedNameProvider``, which measured 7.5x the cost of the parse itself here.
"""

from __future__ import annotations

import ast
import builtins
import dataclasses
import re
from collections.abc import Iterable
from pathlib import Path

from . import flask_api
from . import values as V
from .facts import (
    ClassFacts,
    FlowInputs,
    FunctionFacts,
    ModuleFacts,
    ProjectAnalysis,
    Role,
    inherited,
    is_sync_dunder,
    is_testcase,
)
from .flow import (
    async_test_roots,
    callable_groups,
    class_patches,
    flow_inputs,
    forced_sync,
    global_attrs,
    merged_attrs,
    mixin_method,
    request_reading_modules,
    subclasses,
)

__all__ = [
    "ClassFacts",
    "FlowInputs",
    "FunctionFacts",
    "ModuleFacts",
    "ProjectAnalysis",
    "Role",
    "decide",
    "flow_inputs",
    "summarize",
    "summarize_tree",
]

_BUILTINS = frozenset(dir(builtins))
#: A decorator value that may register an extension callback ends with one of these method names:
#: ``b:k:ext:flask_httpauth.HTTPBasicAuth|verify_password``, or ``q:app.ext:auth.verify_password``
#: for an object imported from another module (known once every module is summarized).
_CALLBACK_NAME = re.compile(
    r"[.|](?:" + "|".join(sorted({key.rpartition(".")[2] for key in flask_api.EXTENSION_CALLBACKS})) + ")$"
)
#: Pseudo-attribute in ``param_calls`` for ``with <fixture>:``.
WITH = "__with__"


# --- module names -----------------------------------------------------------------------------


def module_name_for(path: Path) -> str:
    """Dotted module name as Python would import it from the first folder without ``__init__``."""
    path = path.resolve()
    parts = [] if path.name == "__init__.py" else [path.stem]
    folder = path.parent
    while (folder / "__init__.py").exists() and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts) or path.stem


def to_project(dotted: str, modules: set[str] | frozenset[str]) -> str:
    """``'app.db.get_db'`` -> ``'app.db:get_db'`` when ``app.db`` is a project module."""
    if dotted in modules:
        return f"{dotted}:"
    head, _, tail = dotted.rpartition(".")
    rest = [tail]
    while head:
        if head in modules:
            return f"{head}:{'.'.join(reversed(rest))}"
        head, _, tail = head.rpartition(".")
        rest.append(tail)
    return dotted


# --- per-module summary -----------------------------------------------------------------------


def summarize(
    path: str, source: bytes, module: str, modules: frozenset[str], inputs: FlowInputs | None = None
) -> ModuleFacts:
    return summarize_tree(path, ast.parse(source, filename=path), module, modules, inputs)


def summarize_tree(
    path: str, tree: ast.Module, module: str, modules: frozenset[str], inputs: FlowInputs | None = None
) -> ModuleFacts:
    """:func:`summarize` for a tree already parsed (``flask2quart check`` keeps its trees)."""
    facts = ModuleFacts(
        module=module,
        path=path,
        imports={},
        functions={},
        classes={},
        uses_flask=False,
        is_test=flask_api.is_test_module(path) or flask_api.in_test_package(module),
        registered=[],
        wrappers={},
    )
    _ModuleScanner(facts, modules, is_package=path.endswith("__init__.py"), inputs=inputs).run(tree)
    return facts


def _bound_names(target: ast.AST) -> Iterable[str]:
    for node in ast.walk(target):
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, ast.Starred) and isinstance(node.value, ast.Name):
            yield node.value.id


def _local_names(func: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> set[str]:
    """Names bound in a function's own scope (Python's rule: any binding makes a name local)."""
    args = func.args
    names = {a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs)}
    names.update(a.arg for a in (args.vararg, args.kwarg) if a)
    if isinstance(func, ast.Lambda):
        return names
    declared_outer: set[str] = set()
    stack: list[ast.AST] = list(func.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
            stack.extend(node.decorator_list)
            continue
        if isinstance(node, ast.Lambda | ast.GeneratorExp | ast.ListComp | ast.SetComp | ast.DictComp):
            continue
        if isinstance(node, (ast.Global, ast.Nonlocal)):
            declared_outer.update(node.names)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
        elif isinstance(node, ast.Name) and isinstance(node.ctx, (ast.Store, ast.Del)):
            names.add(node.id)
        elif (isinstance(node, ast.ExceptHandler) and node.name) or (isinstance(node, ast.MatchAs | ast.MatchStar) and node.name):
            names.add(node.name)
        stack.extend(ast.iter_child_nodes(node))
    return names - declared_outer


def _decorator_target(dec: ast.expr) -> tuple[ast.expr, list[ast.expr], list[ast.keyword]]:
    if isinstance(dec, ast.Call):
        return dec.func, dec.args, dec.keywords
    return dec, [], []


class _ModuleScanner:
    def __init__(
        self, facts: ModuleFacts, modules: frozenset[str], *, is_package: bool, inputs: FlowInputs | None = None
    ) -> None:
        self.facts = facts
        self.modules = modules
        self.inputs = inputs or FlowInputs()
        self.package = facts.module if is_package else facts.module.rpartition(".")[0]
        self.top_level: dict[str, str] = {}  # module-level defs/classes -> module:qualname
        #: ids of ``request.headers`` nodes read for one constant header name (F2Q130)
        self.named_header_reads: set[int] = set()

    # imports ---------------------------------------------------------------------------------
    def _record_imports(self, node: ast.Import | ast.ImportFrom, into: dict[str, str]) -> None:
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.asname:
                    into[alias.asname] = to_project(alias.name, self.modules)
                else:
                    top = alias.name.split(".")[0]
                    into[top] = to_project(top, self.modules)
                if alias.name.split(".")[0] in ("flask", "quart"):
                    self.facts.uses_flask = True
            return
        base = node.module or ""
        if node.level:
            pkg_parts = self.package.split(".") if self.package else []
            pkg_parts = pkg_parts[: len(pkg_parts) - (node.level - 1)] if node.level > 1 else pkg_parts
            base = ".".join([*pkg_parts, base] if base else pkg_parts)
        if base.split(".")[0] in ("flask", "quart"):
            self.facts.uses_flask = True  # quart too: a second run must see the same roles
        for alias in node.names:
            if alias.name == "*":
                if base in ("flask", "quart"):
                    for name in flask_api.STAR_NAMES:
                        into.setdefault(name, f"flask.{name}")
                elif base in self.modules and into is self.facts.imports:
                    self.facts.star_imports.append(base)
                continue
            dotted = f"{base}.{alias.name}" if base else alias.name
            into[alias.asname or alias.name] = to_project(dotted, self.modules)

    def run(self, tree: ast.Module) -> None:
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)) and _is_module_level(node, tree):
                self._record_imports(node, self.facts.imports)
        for node in tree.body:
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                self.top_level[node.name] = f"{self.facts.module}:{node.name}"
        module_scope = _FunctionScanner(self, None, "", frozenset(), None)
        module_scope.scan_body(tree.body)

    def class_of(self, value: V.Value) -> ClassFacts | None:
        """The facts of this module's class that ``value`` (``k:obj:module:Class``) is an instance of."""
        prefix = f"k:obj:{self.facts.module}:"
        if value and value.startswith(prefix):
            return self.facts.classes.get(value[len(prefix) :])
        return None

    # resolution --------------------------------------------------------------------------------
    def resolve_global(self, name: str) -> V.Value:
        if name in self.top_level:
            return "q:" + self.top_level[name]
        if name in self.facts.imports:
            return self.imported(self.facts.imports[name])
        return None

    def imported(self, target: str) -> V.Value:
        """What an imported name is: the kind a project module's module-level name holds
        (``from app import app``: the app), else its name."""
        return self.inputs.globals.get(target) or V.normalise("q:" + target)


def _is_module_level(node: ast.AST, tree: ast.Module) -> bool:
    return node in tree.body or any(
        node in getattr(stmt, "body", ()) or node in getattr(stmt, "orelse", ())
        for stmt in tree.body
        if isinstance(stmt, (ast.If, ast.Try))
    ) or any(
        node in handler.body
        for stmt in tree.body
        if isinstance(stmt, ast.Try)
        for handler in stmt.handlers
    )


class _FunctionScanner:
    """Walks one scope's statements in order, tracking what each local name holds."""

    def __init__(
        self,
        module: _ModuleScanner,
        func: FunctionFacts | None,
        qual_prefix: str,
        local_names: frozenset[str],
        parent: _FunctionScanner | None,
        class_value: str | None = None,
    ) -> None:
        self.module = module
        self.func = func
        self.qual_prefix = qual_prefix
        self.local_names = local_names
        self.parent = parent
        self.kinds: dict[str, V.Value] = {}
        self.nested: dict[str, str] = {}  # nested def name -> module:qualname
        self.passed_ids: set[int] = set()  # calls that are arguments of another call
        self.class_value = class_value
        self.in_tests = module.facts.is_test
        #: Targets of the comprehensions being scanned: local to them (``request`` there is not
        #: Flask's), with what they hold when their iterable says (``for check in CHECKS``).
        self.comprehension_names: list[dict[str, V.Value]] = []

    # names -------------------------------------------------------------------------------------
    def resolve(self, name: str) -> V.Value:
        for names in reversed(self.comprehension_names):
            if name in names:
                return names[name] or V.name_value(name, in_tests=self.in_tests)
        scope: _FunctionScanner | None = self
        while scope is not None and scope.func is not None:
            if name in scope.local_names:
                return V.local_value(name, scope.kinds, scope.nested, in_tests=self.in_tests)
            scope = scope.parent
        if scope is not None and name in scope.kinds:  # module-level assignment
            return scope.kinds[name]
        value = self.module.resolve_global(name)
        if value is None and name not in _BUILTINS:
            return V.name_value(name, in_tests=self.in_tests)
        return value

    # expressions -------------------------------------------------------------------------------
    def expr(self, node: ast.expr | None, *, awaited: bool = False, no_await: bool = False) -> V.Value:
        if node is None:
            return None
        if isinstance(node, ast.Name):
            return self.resolve(node.id)
        if isinstance(node, ast.Await):
            return self.expr(node.value, awaited=True, no_await=no_await)
        if isinstance(node, ast.Attribute):
            base = self.expr(node.value, no_await=no_await)
            self._note_request_read(node, base)
            if base and base.startswith("p:"):
                if node.attr not in V.DISTINCTIVE_METHODS:
                    return f"{base}|{node.attr}"
                base = None
            klass = self.module.class_of(base)
            if klass is not None and node.attr in klass.attrs:
                return klass.attrs[node.attr]
            inherited = self.module.inputs.attrs.get(base or "", {})
            if node.attr in inherited and not isinstance(node.ctx, ast.Store):
                return inherited[node.attr]
            step = V.attribute_step(base, node.attr, in_tests=self.in_tests)
            if (base is None or base.startswith("k:obj:")) and node.attr in self.module.inputs.duck:
                return self.module.inputs.duck[node.attr]  # ``ext.jinja_env``: a property of the project
            if step.value and step.value[2:] in self.module.inputs.globals and not isinstance(node.ctx, ast.Store):
                return self.module.inputs.globals[step.value[2:]]  # ``import app; app.app``
            if step.awaits and not awaited and not isinstance(node.ctx, ast.Store):
                self.mark_await(no_await)
            self._note_body_read(node, base)
            if step.value == _REQUEST_HEADERS and id(node) not in self.module.named_header_reads:
                self.module.facts.reads_request_headers = True
            return step.value
        if isinstance(node, ast.Call):
            return self.call(node, awaited=awaited, no_await=no_await)
        if isinstance(node, ast.Subscript):
            if _one_header_name(node.slice):  # ``request.headers["X-Token"]``
                self.module.named_header_reads.add(id(node.value))
            base = self.expr(node.value, no_await=no_await)
            self.expr(node.slice, no_await=no_await)
            return V.subscript_value(base)
        if isinstance(node, ast.Lambda):
            self.expr(node.body, no_await=True)
            return None
        if isinstance(node, ast.GeneratorExp | ast.ListComp | ast.SetComp | ast.DictComp):
            self._comprehension(node, no_await=no_await or isinstance(node, ast.GeneratorExp))
            return None
        if isinstance(node, ast.Dict) and node.values and None not in node.keys:
            for key in node.keys:
                self.expr(key, no_await=no_await)
            values = [self.expr(v, no_await=no_await) for v in node.values]
            listed = V.project_functions(values)
            if len(listed) != len(values):
                return None
            if len(set(listed)) > 1:  # a dispatch table: whichever it gives is called alike
                self.module.facts.callable_lists.append(tuple(listed))
            return V.MAPPING + values[0]  # type: ignore[operator]
        if (
            isinstance(node, ast.Compare)
            and len(node.ops) == 1
            and isinstance(node.ops[0], (ast.In, ast.NotIn))
            and _one_header_name(node.left)
        ):  # ``"X-Token" in request.headers``
            self.module.named_header_reads.add(id(node.comparators[0]))
        if isinstance(node, (ast.List, ast.Tuple, ast.Set)):
            elements = [self.expr(e, no_await=no_await) for e in node.elts]
            listed = V.project_functions(elements)
            if len(listed) > 1 and len(listed) == len(elements):
                self.module.facts.callable_lists.append(tuple(listed))
            return None if any(isinstance(e, ast.Starred) for e in node.elts) else V.container_value(elements)
        for child in ast.iter_child_nodes(node):
            self.visit_any(child, no_await=no_await)
        return None

    def _comprehension(self, node: ast.GeneratorExp | ast.ListComp | ast.SetComp | ast.DictComp, *, no_await: bool) -> None:
        """The first iterable in the enclosing scope, the rest with the targets bound locally."""
        first, *rest = node.generators
        iterable = self.expr(first.iter, no_await=no_await)
        names: dict[str, V.Value] = {n.id: None for g in node.generators for n in ast.walk(g.target) if isinstance(n, ast.Name)}
        if isinstance(first.target, ast.Name):
            names.update(V.loop_bindings(iterable, [first.target.id]))
        self.comprehension_names.append(names)
        try:
            parts: list[ast.AST] = [*first.ifs, *rest]
            parts += [node.key, node.value] if isinstance(node, ast.DictComp) else [node.elt]
            for part in parts:
                self.visit_any(part, no_await=no_await)
        finally:
            self.comprehension_names.pop()

    def _note_body_read(self, node: ast.Attribute, base: V.Value) -> None:
        """``response.get_data()``/``.data`` on a parameter holding a test response (F2Q210)."""
        if (
            self.func is not None
            and base in (V.TEST_RESPONSE, V.TEST_RESPONSE_SNAPSHOT)
            and isinstance(node.value, ast.Name)
            and node.value.id in self.func.params
            and (node.attr in flask_api.RESPONSE_PROPERTY_CALLS or node.attr in flask_api.RESPONSE_ASYNC_METHODS)
        ):
            self.func.body_read_params.add(node.value.id)

    def _note_request_read(self, node: ast.Attribute, base: V.Value) -> None:
        """``resp.request``/``resp.history`` on a parameter that may hold a test response (F2Q129):
        its kind unknown here (callers settle it), not another tracked object (``self.request``)."""
        if (
            self.func is not None
            and node.attr in _RESPONSE_REQUEST_ATTRS
            and isinstance(node.value, ast.Name)
            and node.value.id in self.func.params
            and (not base or base.startswith("p:") or base in (V.TEST_RESPONSE, V.TEST_RESPONSE_SNAPSHOT))
        ):
            self.func.request_read_params.add(node.value.id)

    def _patch_in_force(self, func: ast.expr) -> tuple[str, str] | None:
        """``self.client.get`` where the class's set-up replaced it (``class_patches``), outside the
        method that replaces it (which reads the original)."""
        if self.func is None or not isinstance(func, ast.Attribute) or not isinstance(func.value, ast.Attribute):
            return None
        if not isinstance(func.value.value, ast.Name):
            return None
        owner = self.resolve(func.value.value.id)
        patch = self.module.inputs.patches.get(owner or "", {}).get(f"{func.value.attr}.{func.attr}")
        if patch is None or patch[1] == f"{self.module.facts.module}:{self.func.qualname}":
            return None
        return patch

    def _record_patch(self, target: ast.Attribute, value: V.Value) -> bool:
        """``self.client.get = wrap(self.client.get)``: a method of a tracked object kept on ``self``
        replaced by what a project function gives (settled in :func:`decide`)."""
        holder = target.value
        if self.func is None or not value or not isinstance(holder, ast.Attribute) or not isinstance(holder.value, ast.Name):
            return False
        if not (value.startswith("r:") or V.is_project(value)):
            return False
        klass = self.module.class_of(self.resolve(holder.value.id))
        kept = self.expr(holder, no_await=True)
        if klass is None or not kept or not kept.startswith("k:") or kept.startswith("k:obj:") or kept == "k:?":
            return False
        klass.patches[f"{holder.attr}.{target.attr}"] = (value, f"{self.module.facts.module}:{self.func.qualname}")
        return True

    def visit_any(self, node: ast.AST, *, no_await: bool) -> None:
        if isinstance(node, ast.expr):
            self.expr(node, no_await=no_await)
        else:
            for child in ast.iter_child_nodes(node):
                self.visit_any(child, no_await=no_await)

    def call(self, node: ast.Call, *, awaited: bool, no_await: bool) -> V.Value:
        if (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in _ONE_HEADER_READS
            and node.args
            and _one_header_name(node.args[0])
        ):  # ``request.headers.get("X-Token")``
            self.module.named_header_reads.add(id(node.func.value))
        func = self.expr(node.func, no_await=no_await)
        if func == V.TEST_CLIENT and isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            func = V.called_attribute(self.resolve(node.func.value.id), node.func.attr, func)
        self.passed_ids.update(id(arg) for arg in (*node.args, *(kw.value for kw in node.keywords)))
        positional = [self.expr(arg, no_await=no_await) for arg in node.args]
        keywords = [(kw.arg, self.expr(kw.value, no_await=no_await)) for kw in node.keywords]
        self._record_flows(func, node, positional, keywords)
        if func is None and isinstance(node.func, ast.Name) and node.func.id == "getattr" and len(node.args) >= 2:
            name = node.args[1].value if isinstance(node.args[1], ast.Constant) else None
            if "getattr" not in self.local_names and self.module.resolve_global("getattr") is None:
                return V.getattr_value(positional[0], name if isinstance(name, str) else None)
        if (
            func is None and isinstance(node.func, ast.Name) and node.func.id == "super"
            and "super" not in self.local_names and self.func is not None
        ):  # ``super().m()``: ``m`` as the class's first project base finds it
            if not node.args:
                return super_value(self.module.facts.classes, self.func.qualname)
            if len(node.args) == 2 and isinstance(node.args[0], ast.Name):  # ``super(Class, self)``
                return explicit_super_value(self.module.facts.classes, self.resolve(node.args[0].id), self.module.facts.module)
        self._registration(node)
        for kw in node.keywords:  # ``Babel(app, locale_selector=get_locale)``
            role = flask_api.EXTENSION_CALLBACK_KEYWORDS.get(kw.arg or "")
            target = self.resolve(kw.value.id) if role and isinstance(kw.value, ast.Name) else None
            if role and V.is_project(target):
                self.module.facts.registered.append((target[2:], Role(role)))  # type: ignore[index]
        self._monkeypatch(node, func)
        for arg in _sync_callback_args(node, func, self.local_names | set(self.module.facts.functions)):
            value = self.expr(arg, no_await=True)  # a name or an attribute: read again, no effect
            target = V.project_name(value) or V.bound_method(value)
            if target:
                self.module.facts.sync_callbacks.append(target)
        if V.flask_name(func) == "stream_with_context" and node.args and isinstance(node.args[0], ast.Call):
            inner = node.args[0].func
            target = self.resolve(inner.id) if isinstance(inner, ast.Name) else None
            if V.is_project(target):
                self.module.facts.stream_wrapped.append(target[2:])  # type: ignore[index]
            elif isinstance(inner, ast.Attribute):  # ``stream_with_context(self.stream(...))``
                method = V.bound_method(self.expr(inner, no_await=True))
                if method:
                    self.module.facts.stream_wrapped.append(method)
        if func and func.startswith("p:"):  # through a fixture parameter: settled later
            param, _, attr = func[2:].partition("|")
            if self.func is not None and not no_await:
                # ``api_login()``: a fixture that gives a function is called (attr "")
                self.func.param_calls.add((param, attr))
            return None
        project = V.project_name(func) or V.bound_method(func) or V.instance_call(func)
        if project and self.func is not None and not no_await:
            self.func.calls.add(project)
            if id(node) in self.passed_ids:
                self.func.passed_calls.add(project)
        http_call = V.sync_http_call(func)
        if http_call and self.func is not None and not no_await and not awaited and not _streams(node):
            self.func.sync_http_calls = (*self.func.sync_http_calls, http_call)
        if func in _APP_CLASSES:
            self.module.facts.creates_app = True
        step = V.call_step(func)
        if step.awaits and not awaited:
            self.mark_await(no_await)
        elif (
            isinstance(node.func, ast.Attribute)
            and node.func.attr in flask_api.EXTENSION_ASYNC_METHOD_NAMES
            and not project
            and not awaited
        ):
            self.mark_await(no_await)  # ``form.validate_on_submit()`` on a form of unknown class
        patch = self._patch_in_force(node.func)
        if patch is not None:  # ``self.client.get(...)`` replaced in set-up: what the wrapper returns
            return self.module.inputs.returns.get(patch[0])
        if project and project in self.module.inputs.returns:
            return self.module.inputs.returns[project]  # settled by an earlier round
        if func and V.is_project(func):
            qual = project or ""
            last = qual.rpartition(":")[2]
            local_class = qual.partition(":")[0] == self.module.facts.module and last in self.module.facts.classes
            if last.rpartition(".")[2][:1].isupper() and ("." not in last or local_class):
                return f"k:obj:{qual}"  # instantiating a project class (a function-local one too)
            return f"r:{qual}"
        return step.value

    def _record_flows(
        self,
        func: V.Value,
        node: ast.Call,
        positional: list[V.Value],
        keywords: list[tuple[str | None, V.Value]],
    ) -> None:
        """Arguments of tracked kinds passed to a project function: edges of the value flow."""
        if not func:
            return
        target, offset = callee(func)
        if target is None:
            return
        flows = self.func.arg_flows if self.func is not None else self.module.facts.module_flows
        for index, (arg, value) in enumerate(zip(node.args, positional, strict=True)):
            if isinstance(arg, ast.Starred):
                break
            if _flows(value):
                flows.append((target, index + offset, value))  # type: ignore[arg-type]
        for name, value in keywords:
            if name and _flows(value):
                flows.append((target, name, value))  # type: ignore[arg-type]

    def mark_await(self, no_await: bool) -> None:
        if self.func is not None and not no_await:
            self.func.direct = True

    def _registration(self, node: ast.Call) -> None:
        """``app.teardown_appcontext(close_db)``, ``add_url_rule(..., view_func=v)`` and friends."""
        if not isinstance(node.func, ast.Attribute) or not self.module.facts.uses_flask:
            return
        attr = node.func.attr
        targets: list[ast.expr] = []
        role = None
        if attr == "add_url_rule":
            role = Role.VIEW
            targets = [kw.value for kw in node.keywords if kw.arg == "view_func"]
            targets += node.args[2:3]
        elif attr in flask_api.ASYNC_HOOKS:
            role = Role.RESPONSE_HOOK if attr in flask_api.RESPONSE_HOOKS else Role.HOOK
            targets = node.args[1:2] if attr == "register_error_handler" else node.args[:1]
        elif attr in flask_api.SYNC_ONLY_HOOKS:
            role = Role.SYNC_HOOK
            targets = node.args[:1]
        elif attr == "connect" and isinstance(node.func.value, (ast.Name, ast.Attribute)):
            signal = V.flask_name(self.expr(node.func.value, no_await=True))
            if signal in flask_api.RESPONSE_SIGNALS:
                role = Role.RECEIVER
                targets = node.args[:1]
        if role is None:
            return
        for target in targets:
            if isinstance(target, ast.Name):
                value = self.resolve(target.id)
                if V.is_project(value):
                    self.module.facts.registered.append((value[2:], role))  # type: ignore[index]

    def _monkeypatch(self, node: ast.Call, func: V.Value) -> None:
        """``monkeypatch.setattr("pkg.mod.fn", fake)``: the fake must match the real thing."""
        if not (isinstance(node.func, ast.Attribute) and node.func.attr == "setattr"):
            return
        if self.func is None or len(node.args) < 2:
            return
        args = node.args
        target: str | None = None
        fake = args[-1]
        if isinstance(args[0], ast.Constant) and isinstance(args[0].value, str) and len(args) == 2:
            target = args[0].value
        elif len(args) == 3 and isinstance(args[1], ast.Constant) and isinstance(args[1].value, str):
            owner = self.expr(args[0], no_await=True)
            if owner and owner.startswith("q:"):
                target = f"{owner[2:].rstrip(':')}.{args[1].value}"
        if target and isinstance(fake, ast.Name):
            resolved = to_project(target.replace(":", "."), self.module.modules)
            if ":" in resolved:
                self.func.fakes = (*self.func.fakes, (resolved, fake.id))

    # statements --------------------------------------------------------------------------------
    def scan_body(self, body: list[ast.stmt]) -> None:
        if self.func is not None:  # a nested def is callable from siblings defined before it
            for stmt in body:
                if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                    self.nested.setdefault(stmt.name, f"{self.module.facts.module}:{self.qual_prefix}{stmt.name}")
        for stmt in body:
            self.stmt(stmt)

    def stmt(self, node: ast.stmt) -> None:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            self.function(node)
        elif isinstance(node, ast.ClassDef):
            self.klass(node)
        elif isinstance(node, ast.Assign):
            value = self.expr(node.value)
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.kinds[target.id] = value
                    self._record_instance(target.id, value)
                elif isinstance(target, ast.Attribute) and self._record_patch(target, value):
                    pass
                elif isinstance(target, ast.Attribute) and value and value.startswith("k:") and value != "k:?":
                    owner = self.expr(target.value, no_await=True)
                    klass = self.module.class_of(owner)
                    if klass is not None:
                        klass.attrs[target.attr] = value
                    elif owner in (V.REQUEST, V.G):  # ``request.formatter = XMLFormatter()``
                        self.module.facts.global_attrs.append((owner, target.attr, value))
                else:
                    self.expr(target)
        elif isinstance(node, ast.AugAssign) and _response_body_target(self, node.target):
            self.expr(node.value)
            self.mark_await(False)  # ``resp.data += b"..."``: the body is read with ``await``
        elif isinstance(node, ast.AnnAssign):
            value = self.expr(node.value)
            if isinstance(node.target, ast.Name) and node.value is not None:
                self.kinds[node.target.id] = value
                self._record_instance(node.target.id, value)
        elif isinstance(node, (ast.For, ast.AsyncFor)):
            iterable = self.expr(node.iter)
            names = list(_bound_names(node.target))
            for name in names:
                self.kinds.pop(name, None)
            self.kinds.update(V.loop_bindings(iterable, names))
            self.scan_body(node.body)
            self.scan_body(node.orelse)
        elif isinstance(node, (ast.With, ast.AsyncWith)):
            for item in node.items:
                value = self.expr(item.context_expr)
                if isinstance(node, ast.With) and self._is_async_context(item.context_expr, value):
                    self.mark_await(False)
                if isinstance(item.optional_vars, ast.Name):
                    self.kinds[item.optional_vars.id] = (
                        value if value in (V.TEST_CLIENT, V.HTTP_SESSION, V.TEST_RESPONSE) else self._entered(item.context_expr)
                    )
            self.scan_body(node.body)
        elif isinstance(node, ast.Return):
            value = self.expr(node.value)
            if self.func is not None and value and (value[:2] in ("k:", "r:") or self._gives_function(value)):
                self.func.returns = value
            elif self.func is not None and value is None:
                self.func.returns = self._param_call(node.value) or self.func.returns
            if self.func is not None and node.value is not None and self.func.role is not Role.FIXTURE:
                self.func.returns_value = True
        elif isinstance(node, ast.Expr) and isinstance(node.value, ast.Yield):
            value = self.expr(node.value.value)
            if self.func is not None and value and (value[:2] in ("k:", "r:") or self._gives_function(value)):
                self.func.yields = value
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            if self.func is not None:  # ``from .db import get_db`` inside a function
                bound: dict[str, str] = {}
                self.module._record_imports(node, bound)
                self.func.local_imports.update(bound)
                for name, target in bound.items():
                    self.kinds[name] = self.module.imported(target)
        else:
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.stmt(child)
                elif isinstance(child, ast.expr):
                    self.expr(child)
                else:
                    for grandchild in ast.iter_child_nodes(child):
                        if isinstance(grandchild, ast.stmt):
                            self.stmt(grandchild)
                        elif isinstance(grandchild, ast.expr):
                            self.expr(grandchild)

    def _entered(self, expr: ast.expr) -> V.Value:
        """``with closing(client.get(...)) as rv``: the response it was given."""
        if not isinstance(expr, ast.Call) or len(expr.args) != 1:
            return None
        func = self.expr(expr.func, no_await=True)
        return V.entered_value(func, self.expr(expr.args[0], no_await=True)) if func else None

    def _record_instance(self, name: str, value: V.Value) -> None:
        if self.func is None and self.class_value is None:
            kind = value if value and value.startswith("k:") and value != "k:?" else ""
            known = self.module.facts.kinds
            known[name] = kind if known.get(name, kind) == kind else ""  # bindings that disagree: unknown
        if self.func is None and self.class_value is None and value and value.startswith(V.EXTENSION_OBJECT):
            self.module.facts.instances[name] = value[len(V.EXTENSION_OBJECT) :]
        if (
            self.func is None and self.class_value is None and value and value.startswith((V.CONTAINER, V.MAPPING))
            and V.project_functions([value[len(V.CONTAINER) :]])
        ):
            self.module.facts.listed_callables[name] = value

    def _param_call(self, node: ast.expr | None) -> str | None:
        """``return client.post(...)`` with ``client`` a fixture of an enclosing scope: settled in
        :func:`decide` once fixtures are known (``p:client|post()``)."""
        if isinstance(node, ast.Await):
            node = node.value
        if not isinstance(node, ast.Call) or not isinstance(node.func, ast.Attribute):
            return None
        func = self.expr(node.func)
        return f"{func}()" if func and func.startswith("p:") and func.count("|") == 1 else None

    def _gives_function(self, value: str) -> bool:
        """A fixture that gives one of the project's functions (``return login``): tests call it; a
        function that returns one it defines (``def wrap(f): def patched(...): ...; return patched``):
        calling its result calls that."""
        if self.func is None:
            return False
        if value.startswith(f"q:{self.module.facts.module}:{self.func.qualname}."):
            return True
        return self.func.role is Role.FIXTURE and V.is_project(value)

    def _is_async_context(self, expr: ast.expr, value: V.Value) -> bool:
        if value in (V.TEST_CLIENT, V.APP_CONTEXT):
            return True  # ``with client:``, ``with app.test_client() as c:``, ``with make_ctx():``
        if value and value.startswith("p:") and "|" not in value and self.func is not None:
            self.func.param_calls.add((value[2:], WITH))  # ``with client:`` on a fixture
            return False
        if isinstance(expr, ast.Call):
            func = self.expr(expr.func, no_await=True)
            return V.context_manager_is_async(func)
        return False

    def klass(self, node: ast.ClassDef) -> None:
        for dec in node.decorator_list:
            self.expr(dec)
        bases = tuple(self.expr(base) or "" for base in node.bases)
        qual = self.qual_prefix + node.name
        if self.func is not None:  # a class built in a function (``return Unwrapper``) is a value
            self.nested[node.name] = f"{self.module.facts.module}:{qual}"
        self.module.facts.classes[qual] = ClassFacts(qual, bases)
        class_value = f"k:obj:{self.module.facts.module}:{qual}"
        body_scope = _FunctionScanner(
            self.module, None, qual + ".", frozenset(), self, class_value=class_value
        )
        # A class body is not an enclosing scope for its methods: they resolve past it.
        body_scope.func = None
        for stmt in node.body:
            if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                body_scope.function(stmt, owner=self)
            elif isinstance(stmt, ast.ClassDef):
                body_scope.klass(stmt)
            elif isinstance(stmt, ast.Assign):
                value = self.expr(stmt.value, no_await=True)
                for target in stmt.targets:
                    self.visit_any(target, no_await=True)
                self._class_body_binding(stmt, qual, value)
                if (
                    any(isinstance(t, ast.Name) and t.id == "decorators" for t in stmt.targets)
                    and isinstance(stmt.value, (ast.List, ast.Tuple))
                ):
                    for element in stmt.value.elts:
                        value = self.expr(element, no_await=True)
                        if V.is_project(value):
                            self.module.facts.view_class_decorators.append(value[2:])  # type: ignore[index]
            else:
                self.visit_any(stmt, no_await=True)

    def _class_body_binding(self, stmt: ast.Assign, qual: str, kind: V.Value) -> None:
        """``error = make_error`` and ``empty = property(make_empty)`` in a class body;
        ``helper = Converter()``: ``self.helper`` is that object in its methods."""
        if len(stmt.targets) != 1 or not isinstance(stmt.targets[0], ast.Name):
            return
        klass = self.module.facts.classes[qual]
        if kind and kind.startswith("k:") and kind != "k:?":
            klass.attrs.setdefault(stmt.targets[0].id, kind)
        value = stmt.value
        if isinstance(value, ast.Name):
            klass.aliases[stmt.targets[0].id] = value.id
        elif (
            isinstance(value, ast.Call)
            and isinstance(value.func, ast.Name)
            and value.func.id in _PROPERTY_MAKERS
            and value.args
            and isinstance(value.args[0], ast.Name)
        ):
            klass.property_getters = (*klass.property_getters, value.args[0].id)

    def function(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        owner: _FunctionScanner | None = None,
    ) -> None:
        owner = owner or self
        qual = self.qual_prefix + node.name
        module = self.module.facts.module
        if self.func is not None:
            self.nested[node.name] = f"{module}:{qual}"
        decorator_values = [owner.expr(_decorator_target(d)[0], no_await=True) for d in node.decorator_list]
        for dec in node.decorator_list:
            if isinstance(dec, ast.Call):
                for arg in dec.args:
                    owner.expr(arg, no_await=True)
        locals_ = _local_names(node)
        args = node.args
        params = tuple(a.arg for a in (*args.posonlyargs, *args.args, *args.kwonlyargs))
        facts = FunctionFacts(
            qualname=qual,
            line=node.lineno,
            already_async=isinstance(node, ast.AsyncFunctionDef),
            params=params,
            local_names=frozenset(locals_),
        )
        facts.role = self._role(node, decorator_values, facts)
        facts.sync_required = any(
            _is_sync_decorator(dec, value) for dec, value in zip(node.decorator_list, decorator_values, strict=True)
        )
        facts.is_property = self.class_value is not None and any(
            (isinstance(dec, ast.Name) and dec.id in _PROPERTY_MAKERS) or value == "q:functools.cached_property"
            for dec, value in zip(node.decorator_list, decorator_values, strict=True)
        )
        for dec, value in zip(node.decorator_list, decorator_values, strict=True):
            # ``@api_endpoint def get_x()``: the decorator is called with the function
            if not isinstance(dec, ast.Call) and V.is_project(value):
                target, _ = callee(value)  # type: ignore[arg-type]
                if target:
                    self.module.facts.module_flows.append((target, 0, f"q:{module}:{qual}"))
        facts.decorators = tuple(v[2:] for v in decorator_values if V.is_project(v))  # type: ignore[index]
        self.module.facts.extension_callbacks.extend(
            (qual, v) for v in decorator_values if v and _CALLBACK_NAME.search(v)
        )
        self.module.facts.functions[qual] = facts
        scanner = _FunctionScanner(self.module, facts, qual + ".", frozenset(locals_), owner)
        if self.class_value and params and not any(
            isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list
        ):
            scanner.kinds[params[0]] = self.class_value
        for arg in (*args.posonlyargs, *args.args, *args.kwonlyargs):
            declared = _declared_kind(owner, arg.annotation) if arg.annotation else None
            if declared and arg.arg not in scanner.kinds:
                facts.param_kinds[arg.arg] = declared
                scanner.kinds[arg.arg] = declared
        for param, value in self.module.inputs.params.get(qual, {}).items():
            if param in params and param not in scanner.kinds:
                facts.param_kinds[param] = value
                scanner.kinds[param] = value
        if facts.role in (Role.TEST, Role.FIXTURE):
            for param in params:
                if param not in scanner.kinds and param not in ("self", "cls"):
                    scanner.kinds[param] = f"p:{param}"  # what the fixture gives is settled later
        if facts.role is Role.RESPONSE_HOOK and params:
            scanner.kinds[params[0]] = V.RESPONSE
        if facts.role is Role.RECEIVER and "response" in params:
            scanner.kinds["response"] = V.RESPONSE
        scanner.scan_body(node.body)
        facts.is_generator, facts.complex_yield_from = _generator_shape(node)
        if "response" in params:
            facts.response_reads = _reads_response_body(node)
        self._find_wrapper(node, scanner)

    def _find_wrapper(self, node: ast.FunctionDef | ast.AsyncFunctionDef, scanner: _FunctionScanner) -> None:
        """A decorator ``def d(view)`` returning an inner ``@functools.wraps(view) def wrapper``.

        A decorator factory (``def permission_required(p): def decorator(f): ...``) counts too: the
        factory's name is what a view is decorated with.
        """
        outer = f"{self.module.facts.module}:{self.qual_prefix}{node.name}"
        for stmt in node.body:
            if not isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            inner = f"{self.module.facts.module}:{self.qual_prefix}{node.name}.{stmt.name}"
            if inner in self.module.facts.wrappers:
                self.module.facts.wrappers.setdefault(outer, self.module.facts.wrappers[inner])
                continue
            wrapper = f"{self.qual_prefix}{node.name}.{stmt.name}"
            for dec in stmt.decorator_list:
                func = _decorator_target(dec)[0]
                value = scanner.resolve(func.id) if isinstance(func, ast.Name) else scanner.expr(func, no_await=True)
                if value in ("q:functools.wraps", "q:functools.update_wrapper"):
                    self.module.facts.wrappers[outer] = wrapper
            returned = {
                r.value.id for r in node.body if isinstance(r, ast.Return) and isinstance(r.value, ast.Name)
            }
            if stmt.name in returned and node.args.args:
                # ``def plain(f): def inner(*a, **kw): return f(*a, **kw); return inner``: no wraps.
                self.module.facts.wrappers.setdefault(outer, wrapper)

    def _role(
        self,
        node: ast.FunctionDef | ast.AsyncFunctionDef,
        decorators: list[V.Value],
        facts: FunctionFacts,
    ) -> Role:
        uses_flask = self.module.facts.uses_flask
        for dec, value in zip(node.decorator_list, decorators, strict=True):
            target = _decorator_target(dec)[0]
            attr = target.attr if isinstance(target, ast.Attribute) else None
            if value in ("q:pytest.fixture", "q:pytest_asyncio.fixture"):
                return Role.FIXTURE
            if V.flask_name(value) == "stream_with_context":
                return Role.STREAM
            if (
                attr in ("connect", "connect_via")
                and isinstance(target, ast.Attribute)
                and V.flask_name(self.expr(target.value, no_await=True)) in flask_api.RESPONSE_SIGNALS
            ):
                return Role.RECEIVER
            if value and (value.startswith("q:click.") or value.endswith(("with_appcontext",))):
                return Role.CLI
            if attr in ("command", "group") and _mentions_cli(target):
                return Role.CLI
            if attr and uses_flask:
                if attr in flask_api.VIEW_REGISTRARS:
                    return Role.VIEW
                if attr in flask_api.RESPONSE_HOOKS:
                    return Role.RESPONSE_HOOK
                if attr in flask_api.ASYNC_HOOKS:
                    return Role.HOOK
                if attr in flask_api.SYNC_ONLY_HOOKS:
                    return Role.SYNC_HOOK
        if self.class_value is not None:
            klass = self.module.facts.classes.get(self.qual_prefix.rstrip("."))
            if (
                klass is not None
                and node.name in flask_api.METHOD_VIEW_METHODS
                and any(b[2:] in flask_api.VIEW_BASES for b in klass.bases if b)
            ):
                return Role.VIEW
            if node.name.startswith("test") and self.module.facts.is_test:
                return Role.TEST
            if klass is not None and node.name in ("setUp", "tearDown") and is_testcase(klass):
                return Role.TEST
            if node.name in ("setUpClass", "tearDownClass"):
                return Role.SYNC_HOOK  # unittest calls them without awaiting, even in async cases
            if is_sync_dunder(node.name):
                return Role.SYNC_HOOK  # Python calls ``__init__``/``__str__``... without awaiting
        elif self.func is None and node.name.startswith("test") and self.module.facts.is_test:
            return Role.TEST
        elif self.func is None and node.name in ("setUpModule", "tearDownModule", "setup_module", "teardown_module"):
            return Role.SYNC_HOOK
        return Role.PLAIN


def _response_body_target(scope: _FunctionScanner, target: ast.expr) -> bool:
    """``<response>.data`` (or ``.text``) as an assignment target."""
    return (
        isinstance(target, ast.Attribute)
        and target.attr in flask_api.RESPONSE_PROPERTY_CALLS
        and scope.expr(target.value, no_await=True) in (V.RESPONSE, V.TEST_RESPONSE)
    )


def _declared_kind(scope: _FunctionScanner, annotation: ast.expr) -> V.Value:
    """What an annotation says a parameter holds: ``FlaskClient``, ``"TestResponse"``,
    ``Flask | None``, ``Optional[Response]``."""
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        try:
            annotation = ast.parse(annotation.value, mode="eval").body
        except SyntaxError:
            return None
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _declared_kind(scope, annotation.left) or _declared_kind(scope, annotation.right)
    if isinstance(annotation, ast.Subscript):
        if scope.expr(annotation.value, no_await=True) in ("q:typing.Optional", "q:typing.Union"):
            inner = annotation.slice
            parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
            return next((k for k in (_declared_kind(scope, p) for p in parts) if k), None)
        return None
    return V.annotation_kind(scope.expr(annotation, no_await=True))


#: Builtins and decorators whose function is called without ``await``.
_PROPERTY_MAKERS = frozenset({"property", "cached_property"})
_SYNC_DECORATORS = frozenset(
    {
        "q:functools.cached_property", "q:functools.lru_cache", "q:functools.cache",
        # cachetools: a cached coroutine object could be awaited once only
        "q:cachetools.cached", "q:cachetools.cachedmethod", "q:cachetools.func.ttl_cache",
        "q:cachetools.func.lru_cache", "q:cachetools.func.lfu_cache", "q:cachetools.func.fifo_cache",
        "q:cachetools.func.rr_cache", "q:cachetools.func.mru_cache",
    }
)


def _is_sync_decorator(dec: ast.expr, value: V.Value) -> bool:
    """``@property``, ``@x.setter``, ``@functools.lru_cache(...)``: callers read or cache the result."""
    target = _decorator_target(dec)[0]
    if isinstance(target, ast.Name) and target.id in _PROPERTY_MAKERS:
        return True
    if isinstance(target, ast.Attribute) and target.attr in ("setter", "getter", "deleter"):
        return True
    return value in _SYNC_DECORATORS


#: Sync code that calls the function it is handed: value -> (positions, keywords) of the callback.
_SYNC_CALLBACK_CONSUMERS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "q:json.dumps": ((), ("default",)),
    "q:json.dump": ((), ("default",)),
    "q:re.sub": ((1,), ("repl",)),
    "q:re.subn": ((1,), ("repl",)),
    "q:functools.reduce": ((0,), ()),
    "q:heapq.nlargest": ((), ("key",)),
    "q:heapq.nsmallest": ((), ("key",)),
    "q:itertools.groupby": ((1,), ("key",)),
    "q:weakref.finalize": ((1,), ()),
    "q:signal.signal": ((1,), ()),
}
#: Builtins that call the function they are handed (when the name is not the project's own).
_SYNC_CALLBACK_BUILTINS: dict[str, tuple[tuple[int, ...], tuple[str, ...]]] = {
    "max": ((), ("key",)),
    "min": ((), ("key",)),
    "sorted": ((), ("key",)),
}  # not ``map``/``filter``: ``asyncio.gather(*map(fetch, xs))`` wants coroutines (F2Q105 reports them)


def _sync_callback_args(node: ast.Call, func: V.Value, own_names: set[str] | frozenset[str]) -> list[ast.expr]:
    """The arguments of ``node`` that sync code will call (``key=``, ``default=``, ``repl``...);
    ``xs.sort(key=f)`` on any receiver too."""
    spec = _SYNC_CALLBACK_CONSUMERS.get(func or "")
    if spec is None and isinstance(node.func, ast.Name) and func is None and node.func.id not in own_names:
        spec = _SYNC_CALLBACK_BUILTINS.get(node.func.id)
    if spec is None and isinstance(node.func, ast.Attribute) and node.func.attr == "sort":
        spec = ((), ("key",))
    if spec is None:
        return []
    positions, keywords = spec
    args = [node.args[i] for i in positions if i < len(node.args)] + [kw.value for kw in node.keywords if kw.arg in keywords]
    return [arg for arg in args if isinstance(arg, ast.Name | ast.Attribute)]


def super_value(classes: dict[str, ClassFacts], method: str) -> V.Value:
    """What ``super()`` is in ``method`` (a qualname in the module of ``classes``): an object of the
    class's first project base (its methods are found along that base's own bases), else unknown."""
    klass = classes.get(method.rpartition(".")[0])
    bases = [V.project_name(base) for base in klass.bases] if klass else []
    return next((f"k:obj:{base}" for base in bases if base), None)


def explicit_super_value(classes: dict[str, ClassFacts], klass: V.Value, module: str) -> V.Value:
    """What ``super(Class, self)`` is, ``Class`` a class of this module (``klass`` its value): an
    object of that class's first project base, as :func:`super_value` for ``super()`` in it."""
    name = V.project_name(klass)
    if not name or not name.startswith(f"{module}:"):
        return None
    return super_value(classes, name.partition(":")[2] + ".method")


def callee(func: str) -> tuple[str | None, int]:
    """The project function a call of ``func`` runs and where its first argument lands:
    ``q:m:f`` -> (``m:f``, 0); ``b:k:obj:m:C|meth`` -> (``m:C.meth``, 1); ``q:m:C`` -> ``__init__``."""
    bound = V.bound_method(func)
    if bound:
        return bound, 1
    project = V.project_name(func)
    if not project:
        return None, 0
    last = project.rpartition(":")[2]
    if last[:1].isupper() and "." not in last:
        return f"{project}.__init__", 1
    return project, 0


#: What Flask's test responses carry and Quart's lack: the request, the redirects followed (F2Q129).
_RESPONSE_REQUEST_ATTRS = frozenset({"request", "history"})


def _flows(value: V.Value) -> bool:
    """A value worth following into a callee: a tracked kind, a parameter, a call's result."""
    if not value:
        return False
    if value.startswith("p:"):
        return "|" not in value
    if value.startswith("b:k:") and not value.startswith("b:k:?"):
        return True  # a bound method: of a project object, or of a tracked kind (``client.get``)
    if V.is_project(value):
        return True  # a project function or class handed over as a value
    return value.startswith(("k:", "r:")) and value not in ("k:?",)


def _mentions_cli(node: ast.expr) -> bool:
    while isinstance(node, ast.Attribute):
        if node.attr == "cli":
            return True
        node = node.value
    return False


def _reads_response_body(node: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """``response.data``/``.get_data()``/``.json``... on the parameter called ``response``."""
    body_reads = set(flask_api.RESPONSE_PROPERTY_CALLS) | flask_api.RESPONSE_ASYNC_METHODS
    return any(
        isinstance(child, ast.Attribute)
        and isinstance(child.value, ast.Name)
        and child.value.id == "response"
        and child.attr in body_reads
        for child in ast.walk(node)
    )


def _generator_shape(node: ast.FunctionDef | ast.AsyncFunctionDef) -> tuple[bool, bool]:
    """(is a generator, has a ``yield from`` that is not a plain ``yield from x`` statement)."""
    generator = complex_yield_from = False
    simple: set[int] = set()
    stack: list[ast.AST] = list(node.body)
    while stack:
        child = stack.pop()
        if isinstance(child, ast.Expr) and isinstance(child.value, ast.YieldFrom):
            simple.add(id(child.value))
        if isinstance(child, (ast.Yield, ast.YieldFrom)):
            generator = True
            if isinstance(child, ast.YieldFrom) and id(child) not in simple:
                complex_yield_from = True
        if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.Lambda)):
            continue
        stack.extend(ast.iter_child_nodes(child))
    return generator, complex_yield_from


# --- the whole project ------------------------------------------------------------------------


#: Rounds of the value flow: each lets kinds travel one more call (or base class) deep.
FLOW_ROUNDS = 4


def decide(
    summaries: Iterable[ModuleFacts],
    module_names: set[str],
    sources: dict[str, bytes] | None = None,
    *,
    http_calls: bool = True,
) -> ProjectAnalysis:
    """Settle roles, fixtures, the value flow and the async colouring for the whole project.

    With ``sources``, kinds flow across function boundaries: what call sites pass (and fixtures
    give) binds the callee's parameters, ``self.x`` set in a base class is known in subclasses in
    other modules. Modules whose inputs changed are scanned again with them, until nothing moves.
    ``http_calls=False`` (F2Q117 off): a blocking HTTP call makes no function async."""
    summaries = list(summaries)
    if not http_calls:
        _ignore_http_calls(summaries)
    analysis = _decide_once(summaries, module_names)
    if not sources:
        return analysis
    names = frozenset(module_names)
    given: dict[str, FlowInputs] = {}
    for _ in range(FLOW_ROUNDS):
        inputs = _mentioned_ducks(flow_inputs(analysis), sources)
        todo = [path for path, new in inputs.items() if new != given.get(path, FlowInputs()) and path in sources]
        if not todo:
            break
        modules = dict(analysis.modules)
        for path in todo:
            given[path] = inputs[path]
            modules[path] = summarize(path, sources[path], modules[path].module, names, inputs[path])
            if not http_calls:
                _ignore_http_calls([modules[path]])
        analysis = _decide_once(modules.values(), module_names)
    return analysis


def _mentioned_ducks(inputs: dict[str, FlowInputs], sources: dict[str, bytes]) -> dict[str, FlowInputs]:
    """Each module gets only the duck properties its text names: the others would only make it
    scanned again for nothing."""
    for path, given in inputs.items():
        if given.duck and path in sources:
            mentioned = {attr: kind for attr, kind in given.duck.items() if f".{attr}".encode() in sources[path]}
            if mentioned != given.duck:
                inputs[path] = dataclasses.replace(given, duck=mentioned)
    return inputs


def _ignore_http_calls(summaries: list[ModuleFacts]) -> None:
    for facts in summaries:
        for func in facts.functions.values():
            func.sync_http_calls = ()


def _decide_once(summaries: Iterable[ModuleFacts], module_names: set[str]) -> ProjectAnalysis:
    """Settle roles, fixtures and the async colouring for the whole project, once."""
    modules = {facts.path: facts for facts in summaries}
    functions: dict[str, FunctionFacts] = {}
    classes: dict[str, ClassFacts] = {}
    wrappers: dict[str, str] = {}
    for facts in modules.values():
        for qual, func in facts.functions.items():
            functions[f"{facts.module}:{qual}"] = func
        for qual, klass in facts.classes.items():
            classes[f"{facts.module}:{qual}"] = klass
        for outer, inner in facts.wrappers.items():
            wrappers[outer] = f"{facts.module}:{inner}"

    roles = {name: func.role for name, func in functions.items()}
    for facts in modules.values():
        for target, role in facts.registered:
            if target in roles and roles[target] in (Role.PLAIN, Role.HOOK):
                roles[target] = role
                if role is Role.RECEIVER and "response" in functions[target].params:
                    # the receiver's own body was scanned before we knew: settle its reads now
                    functions[target].direct = functions[target].direct or functions[target].response_reads
    objects = extension_objects(modules)
    for facts in modules.values():  # ``@auth.verify_password``: the role the extension gives it
        for qual, decorator in facts.extension_callbacks:
            role = flask_api.EXTENSION_CALLBACKS.get(V.extension_method(_object_method(decorator, objects)) or "")
            target = f"{facts.module}:{qual}"
            if role is not None and roles.get(target) is Role.PLAIN:
                roles[target] = Role(role)
    # MethodView subclasses of project view classes.
    view_classes = {n for n, c in classes.items() if any(b[2:] in flask_api.VIEW_BASES for b in c.bases if b)}
    changed = True
    while changed:
        changed = False
        for name, klass in classes.items():
            if name not in view_classes and any(b[2:] in view_classes for b in klass.bases if b):
                view_classes.add(name)
                changed = True
    for name in functions:
        owner, _, method = name.rpartition(".")
        if owner in view_classes and method in flask_api.METHOD_VIEW_METHODS:
            roles[name] = Role.VIEW
    # Decorators applied to views are view decorators: their wrappers become async.
    view_wrappers: dict[str, str] = {}
    for name, func in functions.items():
        if roles[name] is Role.VIEW:
            for dec in func.decorators:
                if dec in wrappers:
                    view_wrappers[dec] = wrappers[dec]
                    roles[wrappers[dec]] = Role.WRAPPER
    for facts in modules.values():
        for dec in facts.view_class_decorators:
            if dec in wrappers:
                view_wrappers[dec] = wrappers[dec]
                roles[wrappers[dec]] = Role.WRAPPER
    stream_wrapped = {t for facts in modules.values() for t in facts.stream_wrapped}
    # ``self.stream()`` names the object's class: the method it reaches may be a base's
    stream_wrapped |= {m for t in stream_wrapped if t not in functions and (m := inherited(t, classes, functions))}
    for target in stream_wrapped:
        if target in roles:
            roles[target] = Role.STREAM
    _mark_streams(functions, roles)

    fixtures: dict[str, str] = {}
    fixture_names: set[str] = set()
    for facts in modules.values():
        for qual, func in facts.functions.items():
            if roles[f"{facts.module}:{qual}"] is Role.FIXTURE:
                fixture_names.add(qual.rpartition(".")[2])
                provided = func.yields if func.is_generator else func.returns
                if provided:
                    fixtures.setdefault(qual.rpartition(".")[2], provided)

    returns = {name: func.returns for name, func in functions.items() if func.returns and not func.is_generator}
    for name, value in list(returns.items()):
        if value.startswith("p:"):  # ``return client.post(...)`` through a fixture: what it gives
            param, _, attr = value[2:-2].partition("|")
            given = fixtures.get(param) if param in fixture_names else V.name_value(param, in_tests=True)
            step_value = V.attribute_step(given, attr, in_tests=True).value if given else None
            settled = V.call_step(step_value).value if step_value else None
            if settled:
                returns[name] = settled
            else:
                del returns[name]
    fixtures = {key: value for key, value in fixtures.items() if not value.startswith("p:")}
    for _ in range(5):  # returns of returns (``return helper()``), a few levels deep
        for name, value in list(returns.items()):
            if value.startswith("r:") and value[2:] in returns:
                returns[name] = returns[value[2:]]
    for key, value in list(fixtures.items()):
        if value.startswith("r:"):
            fixtures[key] = returns.get(value[2:], value)

    # Fakes passed to monkeypatch for a function: a fake stays what the real one becomes.
    fake_links: list[tuple[str, str]] = []
    for facts in modules.values():
        for qual, func in facts.functions.items():
            for target, fake_name in func.fakes:
                fake = f"{facts.module}:{qual}.{fake_name}"
                if fake in functions:
                    fake_links.append((target, fake))

    one_colour = callable_groups(
        functions, classes, [f for m in modules.values() for f in m.module_flows], [names for m in modules.values() for names in m.callable_lists]
    )
    asyncs = {n for n, f in functions.items() if f.already_async or roles[n].always_async}
    asyncs |= _extension_async_members(classes)
    # Calls are awaited, and callers coloured, only for functions this rewrite makes async and that
    # are not generators: the project's own async code already calls its coroutines as it means to
    # (``asyncio.gather(*(run(x) for x in xs))``), and an async generator is iterated, not awaited.
    not_awaited = {n for n, f in functions.items() if f.is_generator or f.already_async}
    # A function already async in a tree a previous run left half ported: its sync callers that use
    # the result (not hand it to ``asyncio.run``...) await it, as in a clean run.
    resumable = {n for n, f in functions.items() if f.already_async and not f.is_generator}
    aliases: dict[str, str] = {}  # ``m:Child.render`` -> ``m:Base.render`` (inherited methods)
    callees: dict[str, set[str]] = {}
    children = subclasses(classes)
    for name, func in functions.items():
        calls = set(func.calls)
        for call in list(calls):
            if call not in functions:
                base_method = inherited(call, classes, functions) or mixin_method(call, classes, functions, children)
                if base_method is not None:
                    aliases[call] = base_method
                    calls.add(base_method)
        for param, attr in func.param_calls:
            value = fixtures.get(param) if param in fixture_names else V.name_value(param, in_tests=True)
            if attr == WITH:
                func.direct = func.direct or value == V.TEST_CLIENT
                continue
            if not attr:  # the fixture's value itself is called: a function of the project
                target = V.project_name(value)
                if target:
                    calls.add(target)
                continue
            step_value = V.attribute_step(value, attr, in_tests=True).value if value else None
            bound = V.bound_method(step_value)
            if bound:
                calls.add(bound)
            elif step_value and V.call_step(step_value).awaits:
                func.direct = True
        callees[name] = calls
        # ``socketio.emit(...)`` on an extension object imported from another module
        func.direct = func.direct or (bool(objects) and any(
            V.extension_method(_object_method("q:" + call, objects)) in flask_api.EXTENSION_ASYNC_METHODS
            for call in func.calls
        ))
        if func.direct and not roles[name].must_stay_sync:
            asyncs.add(name)
    for facts in modules.values():  # handed to sync code that calls them: they stay sync
        for target in facts.sync_callbacks:
            if target in functions:
                functions[target].sync_required = True
    forced = forced_sync(functions, classes, roles, callees, one_colour)
    asyncs -= {n for n in forced if not functions[n].already_async}
    changed = True
    while changed:
        changed = False
        for name, calls in callees.items():
            if name in asyncs or roles[name].must_stay_sync or name in forced:
                continue
            if any(callee in asyncs and callee not in not_awaited for callee in calls) or (
                not functions[name].already_async
                and not calls.isdisjoint(resumable - functions[name].passed_calls)
            ):
                asyncs.add(name)
                changed = True
        for target, fake in fake_links:
            if target in asyncs and target not in not_awaited and fake not in asyncs and fake not in forced:
                asyncs.add(fake)
                changed = True
        for group in one_colour:  # one parameter called with any of them: one colour
            if any(m in asyncs and m not in not_awaited for m in group):
                for member in group - asyncs:
                    if not roles[member].must_stay_sync and member not in forced:
                        asyncs.add(member)
                        changed = True
        changed = _pull_sync_http(modules, functions, roles, callees, asyncs, forced) or changed
    awaitable = asyncs - not_awaited
    awaitable |= {alias for alias, target in aliases.items() if target in awaitable}
    snapshots = _snapshot_params(functions, roles, forced, asyncs)
    param_kinds = {name: dict(func.param_kinds) for name, func in functions.items() if func.param_kinds}
    for name, params in snapshots.items():
        param_kinds.setdefault(name, {}).update(dict.fromkeys(params, V.TEST_RESPONSE_SNAPSHOT))
    return ProjectAnalysis(
        modules=modules,
        async_functions=asyncs,
        awaitable_functions=awaitable,
        roles=roles,
        fixtures={k: v for k, v in fixtures.items() if not v.startswith("r:")},
        fixture_names=fixture_names,
        returns={
            **{a: returns[t] for a, t in aliases.items() if t in returns and not returns[t].startswith("r:")},
            **{k: v for k, v in returns.items() if not v.startswith("r:")},
        },
        wrappers=view_wrappers,
        module_names=module_names,
        stream_wrapped=stream_wrapped,
        class_attrs=merged_attrs(classes),
        param_kinds=param_kinds,
        async_test_roots=async_test_roots(classes, asyncs),
        global_attrs=global_attrs(modules),
        class_names=set(classes),
        extension_classes=extension_classes(classes),
        on_loop=_on_loop(modules, roles, callees, asyncs),
        extension_objects=objects,
        module_kinds=module_kinds(modules),
        listed_callables=extension_objects(modules, "listed_callables"),
        snapshot_params=snapshots,
        class_patches=class_patches(classes, functions, returns),
        duck_properties=_duck_properties(functions, returns),
        resumable=resumable | {alias for alias, target in aliases.items() if target in resumable},
        request_reading_modules=request_reading_modules(modules, functions, classes, returns),
    )


def _duck_properties(functions: dict[str, FunctionFacts], returns: dict[str, str]) -> dict[str, str]:
    """Properties of the project that give a kind of ``values.DUCK_KINDS``, by attribute name, where
    no other project method or property has that name: read on a receiver of unknown class
    (``g.ledger.extensions.get_extension(name).jinja_env``), that is what they give."""
    found: dict[str, set[str | None]] = {}
    for name, func in functions.items():
        owner, _, attr = name.rpartition(".")
        if not owner.partition(":")[2]:
            continue  # a module-level function, not a method
        kind = returns.get(name) if func.is_property else None
        found.setdefault(attr, set()).add(kind if kind in V.DUCK_KINDS else None)
    return {attr: kinds.pop() for attr, kinds in found.items() if len(kinds) == 1 and None not in kinds}  # type: ignore[misc]


def _snapshot_params(
    functions: dict[str, FunctionFacts], roles: dict[str, Role], forced: set[str], asyncs: set[str]
) -> dict[str, dict[str, int]]:
    """Functions that stay sync (``__init__``, a property...) and read the body of a test response
    they are handed: their callers hand them a read snapshot (F2Q210)."""
    found: dict[str, dict[str, int]] = {}
    for name, func in functions.items():
        if not func.body_read_params or name in asyncs or not (name in forced or roles[name].must_stay_sync):
            continue
        params = {
            p: func.params.index(p) for p in func.body_read_params
            if func.param_kinds.get(p) in (V.TEST_RESPONSE, V.TEST_RESPONSE_SNAPSHOT)
        }
        if params:
            found[name] = params
    return found


def extension_objects(modules: dict[str, ModuleFacts], attr: str = "instances") -> dict[str, str]:
    """``module:name`` of every module-level extension object, also where a module re-exports it
    (``from .ext import auth``) -> the class that built it (``flask_httpauth.HTTPBasicAuth``); with
    ``attr="listed_callables"``, of every module-level list of project functions -> its value."""
    objects = {
        f"{facts.module}:{name}": klass for facts in modules.values() for name, klass in getattr(facts, attr).items()
    }
    for _ in range(3):  # re-exports of re-exports, a few levels deep
        for facts in modules.values():
            for local, target in facts.imports.items():
                if target in objects:
                    objects.setdefault(f"{facts.module}:{local}", objects[target])
    return objects


def module_kinds(modules: dict[str, ModuleFacts]) -> dict[str, str]:
    """``module:name`` -> kind of every module-level name of a tracked kind, also where a module
    re-exports it (``from .core import app``, ``from .core import *``)."""
    found = {f"{facts.module}:{name}": kind for facts in modules.values() for name, kind in facts.kinds.items() if kind}
    for _ in range(3):  # re-exports of re-exports, a few levels deep
        for facts in modules.values():
            for local, target in facts.imports.items():
                if target in found and local not in facts.kinds and local not in facts.functions:
                    found.setdefault(f"{facts.module}:{local}", found[target])
            for star in facts.star_imports:
                for name, kind in list(found.items()):
                    module, _, local = name.partition(":")
                    if module == star and local not in facts.kinds:
                        found.setdefault(f"{facts.module}:{local}", kind)
    return found


def _object_method(value: str, objects: dict[str, str]) -> V.Value:
    """``'q:app.ext:auth.verify_password'`` -> ``'b:k:ext:flask_httpauth.HTTPBasicAuth|verify_password'``
    when ``app.ext:auth`` is an extension object; a ``b:k:ext:`` value is returned as it is."""
    if value.startswith("q:") and "." in value.rpartition(":")[2]:
        owner, _, attr = value[2:].rpartition(".")
        if owner in objects:
            return f"b:{V.EXTENSION_OBJECT}{objects[owner]}|{attr}"
    return value


def extension_classes(classes: dict[str, ClassFacts]) -> dict[str, str]:
    """Project classes built on an extension base with an async Quart port -> that base."""
    found: dict[str, str] = {}
    changed = True
    while changed:
        changed = False
        for name, klass in classes.items():
            if name in found:
                continue
            for base in klass.bases:
                origin = base[2:] if base.startswith("q:") and base[2:] in flask_api.EXTENSION_ASYNC_BASES else None
                origin = origin or found.get(base[2:]) if base else None
                if origin:
                    found[name] = origin
                    changed = True
                    break
    return found


def _extension_async_members(classes: dict[str, ClassFacts]) -> set[str]:
    """The constructor (the class itself) and the awaited methods of those classes."""
    members: set[str] = set()
    for name, origin in extension_classes(classes).items():
        members.add(name)
        members.update(f"{name}.{method}" for method in flask_api.EXTENSION_ASYNC_BASES[origin][1])
    return members


def _mark_streams(functions: dict[str, FunctionFacts], roles: dict[str, Role]) -> None:
    """Generators nested in a view are streamed bodies: they become async generators."""
    for name, func in functions.items():
        parent = name.rpartition(".")[0]
        if func.is_generator and parent in roles and roles[parent] is Role.VIEW and roles[name] is Role.PLAIN:
            roles[name] = Role.STREAM
    for name, func in functions.items():
        if roles[name] is Role.STREAM and (func.complex_yield_from or (not func.already_async and func.returns_value)):
            roles[name] = Role.PLAIN  # cannot be an async generator: stays a sync generator


# --- blocking HTTP calls (F2Q117) ------------------------------------------------------------

#: ``Flask(...)``/``Quart(...)``: the module builds an app.
_APP_CLASSES = frozenset({"q:flask.Flask", "q:flask.app.Flask", "q:quart.Quart", "q:quart.app.Quart"})


def _streams(node: ast.Call) -> bool:
    """``stream=<anything but False>``: the body is read later, on the loop (F2Q117 reports it)."""
    return any(
        kw.arg == "stream" and not (isinstance(kw.value, ast.Constant) and kw.value.value is False)
        for kw in node.keywords
    )


def _on_loop(
    modules: dict[str, ModuleFacts],
    roles: dict[str, Role],
    callees: dict[str, set[str]],
    asyncs: set[str],
) -> set[str]:
    """Functions that run on the event loop: the async ones, the hooks Quart calls synchronously,
    and every function they call, outside test modules (a test may block: nothing else waits)."""
    tests = {facts.module for facts in modules.values() if facts.is_test}
    todo = [
        name for name in callees
        if (name in asyncs or roles[name] is Role.SYNC_HOOK) and name.partition(":")[0] not in tests
    ]
    seen = set(todo)
    while todo:
        for callee in callees.get(todo.pop(), ()):
            if callee not in seen and callee in callees and callee.partition(":")[0] not in tests:
                seen.add(callee)
                todo.append(callee)
    return seen


def _pull_sync_http(
    modules: dict[str, ModuleFacts],
    functions: dict[str, FunctionFacts],
    roles: dict[str, Role],
    callees: dict[str, set[str]],
    asyncs: set[str],
    forced: set[str],
) -> bool:
    """A function on the event loop that makes a blocking HTTP call becomes async: the call is
    awaited in a worker thread or through an async client. Generators stay as they are (their
    callers iterate them) and so do functions that must stay sync; F2Q117 reports their calls."""
    pulled = {
        name
        for name in _on_loop(modules, roles, callees, asyncs)
        if name not in asyncs
        and functions[name].sync_http_calls
        and not functions[name].is_generator
        and not roles[name].must_stay_sync
        and name not in forced
    }
    asyncs |= pulled
    return bool(pulled)


# --- request headers used as a whole (F2Q130) ----------------------------------------------

_REQUEST_HEADERS = f"b:{V.REQUEST}|headers"
#: Methods of ``Headers`` that read the values of the one name they are given.
_ONE_HEADER_READS = frozenset({"get", "getlist", "get_all", "__getitem__", "__contains__"})


def _one_header_name(node: ast.expr) -> bool:
    """A constant header name other than ``Remote-Addr`` (the one Quart adds: F2Q130)."""
    return isinstance(node, ast.Constant) and isinstance(node.value, str) and node.value.lower() != "remote-addr"
