"""Shared by the report-only extension rules (F2Q321-F2Q326): find every use of a Flask extension.

Some Flask extensions have no safe mechanical port (Flask-SQLAlchemy, Flask-Migrate, Flask-Caching,
Flask-Mail, Flask-RESTX & co, Flask-JWT-Extended): their Quart replacement is a different API, or a
design decision. Those rules never change code. :class:`ExtensionReport` finds each *use site*
and asks the rule (:meth:`ExtensionReport.describe`) what to say about it; every message ends with
a pointer to the recipe in ``docs/extensions.md``.

A use site is one of:

- an ``import``/``from ... import`` of the extension's modules (one finding per statement);
- the outermost expression of a chain of attributes, calls and subscripts that starts at a name of
  the extension (``Message(...)``, ``fields.String``, ``jwt_required()``), at an object one of its
  classes built (``db = SQLAlchemy()``: ``db.session.add(x)``; the object may be defined in another
  module and imported, or re-exported), or at a project class derived from one of its classes
  (``User.query.filter_by(...).first()`` for ``class User(db.Model)``). A chain is one use however
  long it is, and uses nested in its arguments are part of it (``api.model("T", {"a":
  fields.String})`` is one finding);
- a project class derived from the extension (a model, a ``Resource``): one finding on its name,
  which also covers the extension calls in its class body (columns, relationships).

Type annotations are not use sites. Objects are followed through module-level assignments (the
project analysis records them, see ``ModuleFacts.instances``) and local ones; an object that went
through a function's return value or a container is not followed.

Docs: ``docs/extensions.md``.
"""

from __future__ import annotations

import weakref
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import ProjectAnalysis
from ..context import FileContext
from ._extensions import dotted
from .base import Rule

#: A step of a chain after its root: an attribute name, ``CALL`` or ``SUBSCRIPT``.
CALL = "()"
SUBSCRIPT = "[]"
DOCS_PAGE = "docs/extensions.md"


@dataclass(frozen=True, slots=True)
class Origin:
    """What a value comes from, as far as the extension rules care."""

    #: ``"name"``: a name of an extension (``flask_mail.Message``); ``"object"``: an object one of
    #: the extension's classes built (``target`` is that class); ``"class"``: a project class (or
    #: an instance of it) derived from the extension (``target`` is ``module:Class``).
    kind: str
    target: str
    #: Attribute steps already taken from there (``("Model",)`` for ``db.Model``).
    path: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Use:
    """One use site: the outermost node of a chain and what the chain is."""

    kind: str  # as :attr:`Origin.kind`
    target: str
    path: tuple[str, ...]  # attribute names, ``CALL`` and ``SUBSCRIPT``, in order
    node: cst.CSTNode
    spelling: str  # ``db.session.commit()``, arguments elided
    calls: tuple[cst.Call, ...]  # the calls of the chain, in order
    #: For ``kind == "class"``: what the project class derives from.
    base: Origin | None = None
    decorator: bool = False
    assigned: bool = False  # the chain is the target of an assignment (``msg.body = ...``)

    @property
    def member(self) -> str:
        """The extension name or class, without its module (``Message``, ``SQLAlchemy``)."""
        return self.target.rpartition(".")[2] if self.kind != "class" else self.target.rpartition(":")[2]

    @property
    def attrs(self) -> tuple[str, ...]:
        """The attribute names of the path, calls and subscripts left out."""
        return tuple(step for step in self.path if step not in (CALL, SUBSCRIPT))

    def call_after(self, attr: str | None = None) -> cst.Call | None:
        """The call right after attribute ``attr`` (or after the root, for ``None``)."""
        index = 0
        if attr is not None:
            if attr not in self.path:
                return None
            index = self.path.index(attr) + 1
        if index < len(self.path) and self.path[index] == CALL:
            return self.calls[self.path[:index].count(CALL)]
        return None


Report = tuple[str, Severity]


@dataclass
class ProjectTables:
    """Extension objects and classes of the whole project, worked out once per analysis."""

    #: ``module:name`` -> extension class, for module-level objects and their re-exports
    #: (``ProjectAnalysis.extension_objects``).
    instances: dict[str, str]
    #: ``module:Class`` -> what the project class derives from (directly or through others).
    bases: dict[str, Origin]
    #: Top-level packages some module of the project imports (``flask_mail``...).
    packages: frozenset[str] = frozenset()


_cache: list[tuple[weakref.ReferenceType[ProjectAnalysis], ProjectTables]] = []


@dataclass(frozen=True, slots=True)
class _Chain:
    """A chain of attributes, calls and subscripts, read from its outermost node."""

    spine: tuple[int, ...]  # ids of its nodes (not the arguments of its calls)
    root: str  # the name it starts at ("" when it starts at something else)
    steps: tuple[str, ...]
    calls: tuple[cst.Call, ...]
    origin: Origin | None  # what the root (and the attribute steps folded into it) is
    folded: int  # how many steps the origin took up


#: Per file being rewritten: chain of each node, shared by the six rules.
_chains: weakref.WeakKeyDictionary[FileContext, dict[int, _Chain]] = weakref.WeakKeyDictionary()


def project_tables(analysis: ProjectAnalysis) -> ProjectTables:
    if _cache and _cache[0][0]() is analysis:
        return _cache[0][1]
    packages = {
        target.partition(".")[0]
        for facts in analysis.modules.values()
        for imports in (facts.imports, *(f.local_imports for f in facts.functions.values()))
        for target in imports.values()
    }
    tables = ProjectTables(analysis.extension_objects, {}, frozenset(packages))
    classes = [
        (f"{facts.module}:{qual}", klass.bases)
        for facts in analysis.modules.values()
        for qual, klass in facts.classes.items()
    ]
    changed = True
    while changed:
        changed = False
        for name, bases in classes:
            if name in tables.bases:
                continue
            for base in bases:
                origin = origin_of(base, tables)
                if origin is None or (origin.kind == "name" and not _is_extension_name(origin.target)):
                    continue
                if origin.kind == "object" and not origin.path:
                    continue  # ``class X(db)``: not a class
                tables.bases[name] = tables.bases[origin.target] if origin.kind == "class" else origin
                changed = True
                break
    _cache[:] = [(weakref.ref(analysis), tables)]
    return tables


def _is_extension_name(name: str) -> bool:
    top = name.partition(".")[0]
    return top.startswith("flask_") or top == "flasgger"


def origin_of(value: V.Value, tables: ProjectTables) -> Origin | None:
    """What a value (see :mod:`..values`) comes from, or ``None`` when it is nothing of ours."""
    if not value:
        return None
    if value.startswith(V.EXTENSION_OBJECT):
        return Origin("object", value[len(V.EXTENSION_OBJECT) :])
    if value.startswith("b:" + V.EXTENSION_OBJECT):
        base, _, attr = value[2:].rpartition("|")
        return Origin("object", base[len(V.EXTENSION_OBJECT) :], (attr,))
    if value.startswith("k:obj:"):
        name = value[len("k:obj:") :]
        return Origin("class", name) if name in tables.bases else None
    if not value.startswith("q:"):
        return None
    name = value[2:]
    if ":" not in name:
        return Origin("name", name)
    module, _, qual = name.partition(":")
    parts = qual.split(".") if qual else []
    for end in range(len(parts), 0, -1):
        key = f"{module}:{'.'.join(parts[:end])}"
        if key in tables.instances:
            return Origin("object", tables.instances[key], tuple(parts[end:]))
        if key in tables.bases:
            return Origin("class", key, tuple(parts[end:]))
    return None


def snake_case_table_name(class_name: str) -> str:
    """The ``__tablename__`` Flask-SQLAlchemy 3.1 derives from a model's name (``UserRole`` ->
    ``user_role``); plain SQLAlchemy needs it spelt out. Same rule as its ``camel_to_snake_case``."""
    out: list[str] = []
    for index, char in enumerate(class_name):
        # ASCII classes only, as its regular expression has them (``[A-Z]``, ``[a-z0-9]``)
        if "A" <= char <= "Z" and index > 0:
            before = class_name[index - 1]
            after = class_name[index + 1] if index + 1 < len(class_name) else ""
            if "a" <= before <= "z" or "0" <= before <= "9" or "a" <= after <= "z":
                out.append("_")
        out.append(char.lower())
    return "".join(out).lstrip("_")


class ExtensionReport(Rule):
    """Base class: set ``modules``, ``title`` and ``anchor``; override :meth:`describe`."""

    #: Top-level packages of the extension (``{"flask_mail"}``).
    modules: ClassVar[frozenset[str]]
    #: Its name as people know it (``"Flask-Mail"``).
    title: ClassVar[str]
    #: Section of ``docs/extensions.md`` with the recipe.
    anchor: ClassVar[str]
    #: What replaces it, for the import finding (``"aiosmtplib"``).
    replacement: ClassVar[str]
    #: Which of its uses are reported, for the import finding.
    uses_reported: ClassVar[str] = "reported one by one"
    # first: the rule only reads, and must see every node before another rule replaces it
    priority = 5

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._seen: set[int] = set()  # ids of nodes already part of a chain or a reported use
        self._decorators: set[int] = set()
        self._assigned: int | None = None  # id of the target of the assignment being visited
        self._tables: ProjectTables | None = None
        self._active: bool | None = None

    def __dir__(self) -> list[str]:
        # The Rewriter registers the ``visit_*`` handlers ``dir()`` lists: where the project never
        # imports the extension, list none, so its nodes cost no call at all.
        names = super().__dir__()
        return list(names) if self.active else [n for n in names if not n.startswith("visit_")]

    # --- what subclasses say ----------------------------------------------------------------
    def describe(self, use: Use) -> Report | None:
        """The message and severity for a use, or ``None`` when it is not worth a finding."""
        raise NotImplementedError

    def describe_class(self, node: cst.ClassDef, base: Origin | None, body_uses: list[Use]) -> Report | None:
        """A class derived from the extension (``base``), or one whose class body uses it.

        A report here covers the class body's uses (they are not reported one by one).
        """
        return None

    def see(self) -> str:
        return f"see {DOCS_PAGE}#{self.anchor}"

    def title_of(self, module: str) -> str:
        """The extension's name for an import of ``module`` (one rule may cover several)."""
        return self.title

    # --- helpers for subclasses -------------------------------------------------------------
    @property
    def tables(self) -> ProjectTables:
        if self._tables is None:
            self._tables = project_tables(self.ctx.analysis)
        return self._tables

    @property
    def bridged(self) -> bool:
        """The extension runs under Quart as it is, through the generated ``flask_bridge`` module
        (F2Q327): only what still breaks or blocks is reported."""
        from . import f2q327_flask_bridge as bridge  # the bridge rule reads the analysis too

        return (
            "F2Q327" in self.ctx.enabled
            and self.modules <= bridge.BRIDGED
            and bridge.plan(self.ctx.analysis)[1]
        )

    def on_loop(self) -> bool:
        """The use runs on the event loop, in the app (a blocking call in a test harms nothing)."""
        return not self.ctx.facts.is_test and self.ctx.in_async_function()

    @property
    def active(self) -> bool:
        """Some module of the project imports the extension: else there is nothing to find."""
        if self._active is None:
            self._active = not self.modules.isdisjoint(self.tables.packages)
        return self._active

    def ours(self, origin: Origin | None) -> bool:
        if origin is None:
            return False
        if origin.kind == "class":
            origin = self.tables.bases.get(origin.target)
            if origin is None:
                return False
        return origin.target.partition(".")[0] in self.modules

    # --- imports ----------------------------------------------------------------------------
    def visit_Import(self, node: cst.Import) -> None:
        if not self.active:
            return
        names = [dotted(alias.name) for alias in node.names]
        if any(name.partition(".")[0] in self.modules for name in names):
            self._report_import(node, ", ".join(n for n in names if n.partition(".")[0] in self.modules), ())

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.relative or node.module is None or not self.active:
            return
        module = dotted(node.module)
        if module.partition(".")[0] not in self.modules:
            return
        names = () if isinstance(node.names, cst.ImportStar) else tuple(
            dotted(alias.name) for alias in node.names
        )
        self._report_import(node, module, names)

    def _report_import(self, node: cst.CSTNode, module: str, names: tuple[str, ...]) -> None:
        what = f"`{module}`" + (f" ({', '.join(names)})" if names else "")
        if self.bridged:
            self.ctx.report(
                node, self.code,
                f"{what}: {self.title_of(module)} runs under Quart as it is, through the generated `flask_bridge` "
                f"module (F2Q327); its calls stay synchronous; {self.see()}",
                Severity.INFO,
            )
            return
        self.ctx.report(
            node, self.code,
            f"{what}: {self.title_of(module)} does not work under Quart: port its uses ({self.uses_reported}) "
            f"to {self.replacement}, then drop this import; {self.see()}",
            Severity.WARNING,
        )

    # --- uses -------------------------------------------------------------------------------
    def visit_Decorator(self, node: cst.Decorator) -> None:
        self._decorators.add(id(node.decorator))

    def visit_Annotation(self, node: cst.Annotation) -> None:
        self._seen.update(_subtree_ids(node))

    def visit_Call(self, node: cst.Call) -> None:
        self._visit_head(node)

    def visit_Attribute(self, node: cst.Attribute) -> None:
        self._visit_head(node)

    def visit_Subscript(self, node: cst.Subscript) -> None:
        self._visit_head(node)

    def visit_Name(self, node: cst.Name) -> None:
        if id(node) not in self.ctx.non_use:
            self._visit_head(node)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._assigned = id(node.target)

    def _visit_head(self, node: cst.BaseExpression) -> None:
        if id(node) in self._seen or not self.active:
            return
        use = self._use(node, self._seen)
        if use is None:
            return
        report = self.describe(use)
        if report is not None:
            self.ctx.report(node, self.code, f"{report[0]}; {self.see()}", report[1])
            self._seen.update(_subtree_ids(node))

    def _use(self, node: cst.BaseExpression, seen: set[int]) -> Use | None:
        """The use a chain starting at ``node`` is; marks the chain's nodes in ``seen``."""
        chains = _chains.setdefault(self.ctx, {})
        chain = chains.get(id(node))
        if chain is None:  # the six rules see the same node at the same moment: work it out once
            chain = chains[id(node)] = self._chain(node)
        seen.update(chain.spine)
        origin = chain.origin
        if origin is None or not self.ours(origin):
            return None
        return Use(
            kind=origin.kind,
            target=origin.target,
            path=(*origin.path, *chain.steps[chain.folded :]),
            node=node,
            spelling=_spelling(chain.root, chain.steps, chain.calls),
            calls=chain.calls,
            base=self.tables.bases.get(origin.target) if origin.kind == "class" else None,
            decorator=id(node) in self._decorators,
            assigned=id(node) == self._assigned,
        )

    def _chain(self, node: cst.BaseExpression) -> _Chain:
        steps: list[str] = []
        calls: list[cst.Call] = []
        spine: list[int] = []
        current: cst.BaseExpression = node
        while True:
            spine.append(id(current))
            if isinstance(current, cst.Call):
                steps.append(CALL)
                calls.append(current)
                current = current.func
            elif isinstance(current, cst.Attribute):
                steps.append(current.attr.value)
                spine.append(id(current.attr))
                current = current.value
            elif isinstance(current, cst.Subscript):
                steps.append(SUBSCRIPT)
                current = current.value
            else:
                break
        if not isinstance(current, cst.Name):
            return _Chain(tuple(spine), "", (), (), None, 0)
        steps.reverse()
        calls.reverse()
        value = self.ctx.resolve(current.value)
        folded = 0
        while folded < len(steps) and steps[folded] not in (CALL, SUBSCRIPT) and value:
            attribute = self._fold(value, steps[folded])
            if attribute is None:
                break
            value = attribute
            folded += 1
        return _Chain(tuple(spine), current.value, tuple(steps), tuple(calls), origin_of(value, self.tables), folded)

    def _fold(self, value: str, attr: str) -> str | None:
        """``<value>.<attr>`` while that is still a name: a module member, a project global."""
        if value.startswith("q:"):
            name = value[2:]
            if ":" in name:  # the project's: resolved against its objects and classes later
                return f"{value}{'' if name.endswith(':') else '.'}{attr}"
            if name.rpartition(".")[2][:1].islower():  # a module (``flask_restx.fields``)
                return f"{value}.{attr}"
            return None
        if value.startswith("k:obj:"):  # ``self.db`` set in ``__init__``
            return self.ctx.analysis.class_attrs.get(value[len("k:obj:") :], {}).get(attr)
        return None

    # --- classes ----------------------------------------------------------------------------
    def visit_ClassDef(self, node: cst.ClassDef) -> None:
        if not self.active:
            return
        name = self.ctx.project_qualname(self.ctx.scope.qualname)
        base = self.tables.bases.get(name)
        base = base if self.ours(base) else None
        seen: set[int] = set()
        uses: list[Use] = []
        for statement in _class_level_statements(node.body):
            self._collect(statement, seen, uses)
        if base is None and not uses:
            return
        report = self.describe_class(node, base, uses)
        if report is None:
            return
        self.ctx.report(node.name, self.code, f"{report[0]}; {self.see()}", report[1])
        for arg in node.bases:
            self._seen.update(_subtree_ids(arg.value))
        for use in uses:
            self._seen.update(_subtree_ids(use.node))

    def _collect(self, node: cst.CSTNode, seen: set[int], uses: list[Use]) -> None:
        if isinstance(node, (cst.FunctionDef, cst.ClassDef, cst.Annotation)):
            return
        if isinstance(node, (cst.Call, cst.Attribute, cst.Subscript, cst.Name)) and id(node) not in seen:
            use = self._use(node, seen)
            if use is not None:
                uses.append(use)
                return
        for child in node.children:
            self._collect(child, seen, uses)


def _class_level_statements(body: cst.BaseSuite) -> list[cst.CSTNode]:
    return [s for s in getattr(body, "body", ()) if not isinstance(s, (cst.FunctionDef, cst.ClassDef))]


def _subtree_ids(node: cst.CSTNode) -> set[int]:
    ids: set[int] = set()
    stack = [node]
    while stack:
        current = stack.pop()
        ids.add(id(current))
        stack.extend(current.children)
    return ids


def _spelling(root: str, steps: tuple[str, ...], calls: tuple[cst.Call, ...]) -> str:
    text = root
    call_index = 0
    for step in steps:
        if step == CALL:
            text += "(...)" if calls[call_index].args else "()"
            call_index += 1
        elif step == SUBSCRIPT:
            text += "[...]"
        else:
            text += f".{step}"
    return text


def keyword_value(call: cst.Call | None, name: str) -> cst.BaseExpression | None:
    """The value passed as ``name=`` to ``call``."""
    if call is None:
        return None
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    return None


def is_true(node: cst.BaseExpression | None) -> bool:
    return isinstance(node, cst.Name) and node.value == "True"


__all__ = [
    "CALL",
    "SUBSCRIPT",
    "ExtensionReport",
    "Origin",
    "ProjectTables",
    "Report",
    "Use",
    "is_true",
    "keyword_value",
    "origin_of",
    "project_tables",
    "snake_case_table_name",
]
