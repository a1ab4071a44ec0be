"""Per-file state the rules share while one LibCST pass runs over a module.

:class:`FileContext` knows, at every node, which function it is in (and whether that function is or
becomes ``async def``), what each name in scope refers to and what every expression already left
evaluates to (see :mod:`values`). Rules ask it questions and report findings through it; they never
keep state of their own across files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import libcst as cst

from ..findings import Severity
from . import flask_api
from . import values as V
from .analysis import ModuleFacts, ProjectAnalysis, Role


@dataclass
class Scope:
    """One function, lambda, generator expression or class body."""

    #: "module", "class", "function", "lambda", "genexp", "comprehension" (list/set/dict: it only
    #: binds its targets) or "outer_iter" (a comprehension's first iterable, evaluated outside it)
    kind: str
    qualname: str = ""
    role: Role = Role.PLAIN
    local_names: frozenset[str] = frozenset()
    kinds: dict[str, V.Value] = field(default_factory=dict)
    nested: dict[str, str] = field(default_factory=dict)
    becomes_async: bool = False
    already_async: bool = False
    class_value: str | None = None
    params: tuple[str, ...] = ()


@dataclass(frozen=True)
class PendingFinding:
    node: cst.CSTNode
    code: str
    message: str
    severity: Severity


class FileContext:
    def __init__(
        self,
        path: str,
        facts: ModuleFacts,
        analysis: ProjectAnalysis,
        enabled: frozenset[str],
        source: bytes | None = None,
    ) -> None:
        self.path = path
        #: The module's bytes as read (None when a caller has only a tree): for a rule's cheap
        #: byte search before it walks the whole tree, and for an :mod:`ast` parse of it.
        self.source = source
        self.facts = facts
        self.analysis = analysis
        self.enabled = enabled
        self.in_tests = facts.is_test
        self.scopes: list[Scope] = [Scope("module")]
        self._values: dict[int, tuple[cst.CSTNode, V.Value]] = {}
        self._steps: dict[int, tuple[cst.CSTNode, V.Step]] = {}
        self.awaited: set[int] = set()  # ids of original nodes already under ``await``
        self.non_use: set[int] = set()  # ids of Names that name, not use (``x.attr``, ``f(kw=)``)
        self.stores: set[int] = set()  # ids of attributes assigned to (``resp.data = b""``)
        self.findings: list[PendingFinding] = []
        #: (module, name) pairs the rules need imported, e.g. ("asyncio", None) for ``import asyncio``.
        self.imports: list[tuple[str, str | None]] = []
        #: Module-level helper sources to insert after the imports, keyed by a stable name.
        self.helpers: dict[str, str] = {}
        #: ids of sync ``with ....test_request_context(...)`` blocks (and their calls) that only build
        #: URLs: F2Q135 gives them a sync URL builder, so F2Q107 leaves them alone.
        self.sync_url_blocks: set[int] = set()
        #: Depth of ``if __name__ == "__main__":`` blocks at module level (kept by F2Q105).
        self.main_guards = 0
        self.changed_by: set[str] = set()
        #: How many edits each rule made (``Rule.changed`` calls), for ``flask2quart check``.
        self.edit_counts: dict[str, int] = {}

    # --- scopes -----------------------------------------------------------------------------
    @property
    def scope(self) -> Scope:
        return self.scopes[-1]

    def function_scope(self) -> Scope | None:
        for scope in reversed(self.scopes):
            if scope.kind in ("function", "lambda", "genexp"):
                return scope
            if scope.kind == "class":
                return None
        return None

    def enclosing_function(self) -> Scope | None:
        """The innermost ``def`` (not lambda or generator expression) we are in."""
        for scope in reversed(self.scopes):
            if scope.kind == "function":
                return scope
            if scope.kind in ("class", "module"):
                return None
        return None

    def qual_prefix(self) -> str:
        for scope in reversed(self.scopes):
            if scope.kind in ("function", "class"):
                return scope.qualname + "."
            if scope.kind == "module":
                return ""
        return ""

    def can_await(self) -> bool:
        """An ``await`` may be written here: in a def that is or becomes async, not in a lambda."""
        scope = self.function_scope()
        return scope is not None and scope.kind == "function" and (
            scope.already_async or (scope.becomes_async and "F2Q103" in self.enabled)
        )

    def in_async_function(self) -> bool:
        scope = self.enclosing_function()
        return scope is not None and (scope.already_async or scope.becomes_async)


    # --- names and values -------------------------------------------------------------------
    def resolve(self, name: str) -> V.Value:
        outer = 0  # inside a comprehension's first iterable: its own scope does not apply
        for scope in reversed(self.scopes):
            if scope.kind == "outer_iter":
                outer += 1
                continue
            if scope.kind in ("comprehension", "genexp") and outer:
                outer -= 1
                continue
            if scope.kind == "class" and scope is not self.scope:
                continue  # a class body does not enclose its methods
            if scope.kind == "module":
                if name in scope.kinds:
                    return scope.kinds[name]
                break
            if name in scope.local_names:
                return V.local_value(name, scope.kinds, scope.nested, in_tests=self.in_tests)
        qual = f"{self.facts.module}:{name}"
        if name in self.facts.functions or name in self.facts.classes:
            return "q:" + qual
        if name in self.facts.imports:
            target = self.facts.imports[name]
            if target in self.analysis.extension_objects:  # ``from .ext import auth``
                return V.EXTENSION_OBJECT + self.analysis.extension_objects[target]
            if target in self.analysis.listed_callables:  # ``from .checks import CHECKS``
                return self.analysis.listed_callables[target]
            return self.imported(target)
        return V.name_value(name, in_tests=self.in_tests)

    def is_builtin(self, name: str) -> bool:
        """``name`` is Python's builtin here: no enclosing scope, def, class or import binds it
        (the analysis asks the same of its scopes)."""
        if any(name in scope.local_names for scope in self.scopes if scope.kind != "module"):
            return False
        return not (name in self.facts.functions or name in self.facts.classes or name in self.facts.imports)

    def imported(self, target: str) -> V.Value:
        """What an imported name is: the kind another module's module-level name holds
        (``from app import app``: the app, as in its own module), else its name."""
        if target in self.analysis.module_kinds and not target.startswith(f"{self.facts.module}:"):
            return self.analysis.module_kinds[target]
        return V.normalise("q:" + target)

    def value(self, node: cst.CSTNode) -> V.Value:
        entry = self._values.get(id(node))
        return entry[1] if entry is not None and entry[0] is node else None

    def set_value(self, node: cst.CSTNode, value: V.Value) -> None:
        if value is not None:
            self._values[id(node)] = (node, value)

    def step(self, node: cst.CSTNode) -> V.Step:
        entry = self._steps.get(id(node))
        return entry[1] if entry is not None and entry[0] is node else V.UNKNOWN

    def set_step(self, node: cst.CSTNode, step: V.Step) -> None:
        self._steps[id(node)] = (node, step)

    def project_qualname(self, qual: str) -> str:
        return f"{self.facts.module}:{qual}"

    # --- output -----------------------------------------------------------------------------
    def report(
        self,
        node: cst.CSTNode,
        code: str,
        message: str,
        severity: Severity = Severity.WARNING,
    ) -> None:
        if code in self.enabled:
            self.findings.append(PendingFinding(node, code, message, severity))

    def require_import(self, module: str, name: str | None = None) -> str:
        """Make sure ``module`` (or ``name`` from it) is imported; return the name to use."""
        if name is None:
            for local, target in self.facts.imports.items():
                if target == module and local == module.split(".")[0]:
                    return local
            if (module, None) not in self.imports:
                self.imports.append((module, None))
            return module
        spellings = {f"{module}.{name}"}
        if module == "quart" or module.startswith("quart."):
            spellings.add(f"flask{module[len('quart'):]}.{name}")  # rewritten to quart by F2Q101
        for local, target in self.facts.imports.items():
            if target in spellings and local == name:
                return local
            # ``from flask_login import LoginManager``, rewritten to ``quart_auth.QuartAuth``
            flask_module, _, flask_name = target.rpartition(".")
            if (
                flask_api.EXTENSION_MODULES.get(flask_module) == module
                and flask_api.EXTENSION_RENAMES.get(flask_name, flask_name) == name
                and local == flask_name
            ):
                return name
        if (module, name) not in self.imports:
            self.imports.append((module, name))
        return name

    def add_helper(self, key: str, source: str) -> None:
        self.helpers.setdefault(key, source)
