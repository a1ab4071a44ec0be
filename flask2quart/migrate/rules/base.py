"""What a rule is, and how all of them run in one pass over a module.

A rule is a class with a stable ``code`` and ``leave_<Node>`` (or ``visit_<Node>``) methods named
like LibCST's. :class:`Rewriter` walks the tree once: at every node it first works out what the
expression is (its *value*, see :mod:`..values`) and keeps scopes, then hands the node to each rule
that asked for that node type, in code order. One pass for all rules keeps a rewrite within a small
multiple of the bare parse.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from typing import ClassVar

import libcst as cst

from .. import values as V
from ..analysis import Role, explicit_super_value, super_value
from ..context import FileContext, Scope
from ..eager import as_list_comprehension, contains_await, eager_genexp_cst

LeaveHandler = Callable[[cst.CSTNode, cst.CSTNode], cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel]  # type: ignore[type-arg]
VisitHandler = Callable[[cst.CSTNode], None]


class Rule:
    """Base class: subclasses set ``code``/``name`` and define ``leave_*``/``visit_*`` methods."""

    code: ClassVar[str]
    name: ClassVar[str]
    #: Handlers of lower priority see a node first. Rules that rewrite arguments run before the
    #: rules that wrap the whole call in ``await`` (which ends the dispatch for that node).
    priority: ClassVar[int] = 50

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx

    def changed(self) -> None:
        self.ctx.changed_by.add(self.code)
        self.ctx.edit_counts[self.code] = self.ctx.edit_counts.get(self.code, 0) + 1


def parenthesized(node: cst.BaseExpression) -> cst.BaseExpression:
    if node.lpar:
        return node
    return node.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])


def paren_bases(node: cst.BaseExpression) -> cst.BaseExpression:
    """Parenthesize an ``await`` used as the base of ``.attr``, ``[...]`` or ``(...)``.

    ``await x.y`` means ``await (x.y)``, so ``(await request.form)["x"]`` needs its parentheses.
    Walks down a chain of calls and attributes that a rule just built.
    """
    if isinstance(node, (cst.Attribute, cst.Subscript)):
        value = node.value
        if isinstance(value, cst.Await):
            return node.with_changes(value=parenthesized(value))
        if isinstance(value, (cst.Attribute, cst.Call, cst.Subscript)):
            return node.with_changes(value=paren_bases(value))
    elif isinstance(node, cst.Call):
        func = node.func
        if isinstance(func, cst.Await):
            return node.with_changes(func=parenthesized(func))
        if isinstance(func, (cst.Attribute, cst.Call, cst.Subscript)):
            return node.with_changes(func=paren_bases(func))
    return node


def awaited(node: cst.BaseExpression) -> cst.Await:
    """``await <node>``, moving the node's own parentheses outside the await."""
    inner = paren_bases(node.with_changes(lpar=[], rpar=[]))
    return cst.Await(expression=inner, lpar=node.lpar, rpar=node.rpar)


class Rewriter(cst.CSTTransformer):
    def __init__(self, ctx: FileContext, rules: list[type[Rule]]) -> None:
        super().__init__()
        self.ctx = ctx
        self._loops: dict[int, cst.For] = {}  # body id -> loop, until the body is entered
        #: The first iterable of each comprehension: evaluated in the enclosing scope, where the
        #: comprehension's targets are not bound (``[r for request in request.args]``).
        self._outer_iters: set[int] = set()
        self._eager_genexps: set[int] = set()  # generator expressions a builtin reads whole
        self._leave: dict[str, list[LeaveHandler]] = {}
        self._visit: dict[str, list[VisitHandler]] = {}
        for rule_class in sorted(rules, key=lambda r: (r.priority, r.code)):
            if rule_class.code not in ctx.enabled:
                continue
            rule = rule_class(ctx)
            for attr in _handler_names(rule):
                if attr.startswith("leave_"):
                    self._leave.setdefault(attr[6:], []).append(getattr(rule, attr))
                else:
                    self._visit.setdefault(attr[6:], []).append(getattr(rule, attr))

    # --- traversal --------------------------------------------------------------------------
    # LibCST asks for ``visit_<Node>_<field>`` hooks before and after each field of each node: a
    # Rewriter has none, and the lookups cost as much as the rest of a visit.
    def on_visit_attribute(self, node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_leave_attribute(self, original_node: cst.CSTNode, attribute: str) -> None:
        return None

    def on_visit(self, node: cst.CSTNode) -> bool:
        kind = type(node).__name__
        if kind not in _VISIT_KINDS and kind not in self._visit and id(node) not in self._outer_iters:
            return True  # most nodes (whitespace, commas, operators): nothing to keep, no rule asks
        if kind in ("Import", "ImportFrom"):
            for handler in self._visit.get(kind, ()):
                handler(node)
            return False  # names in an import statement are bindings, not uses
        if kind == "Await":
            self.ctx.awaited.add(id(node.expression))  # type: ignore[attr-defined]
        elif kind == "Attribute":
            self.ctx.non_use.add(id(node.attr))  # type: ignore[attr-defined]
        elif kind == "Arg" and node.keyword is not None:  # type: ignore[attr-defined]
            self.ctx.non_use.add(id(node.keyword))  # type: ignore[attr-defined]
        elif kind == "Param":
            self.ctx.non_use.add(id(node.name))  # type: ignore[attr-defined]
        elif kind == "For":  # the loop variable no longer holds what it held before the loop
            for name in _names_in(node.target):  # type: ignore[attr-defined]
                self.ctx.scope.kinds.pop(name, None)
            self._loops[id(node.body)] = node  # type: ignore[attr-defined]
        elif kind == "IndentedBlock" and id(node) in self._loops:
            # The loop's iterable has been evaluated by now: bind what its items are.
            loop = self._loops.pop(id(node))
            names = _names_in(loop.target)
            self.ctx.scope.kinds.update(V.loop_bindings(self.ctx.value(loop.iter), names))
        elif kind in ("AssignTarget", "AugAssign") and isinstance(node.target, cst.Attribute):  # type: ignore[attr-defined]
            self.ctx.stores.add(id(node.target))  # type: ignore[attr-defined]
        elif kind == "FunctionDef":
            self._enter_function(node)  # type: ignore[arg-type]
        elif kind == "ClassDef":
            self.ctx.non_use.add(id(node.name))  # type: ignore[attr-defined]
            self._enter_class(node)  # type: ignore[arg-type]
        elif kind == "Lambda":
            params = node.params  # type: ignore[attr-defined]
            names = frozenset(p.name.value for p in (*params.posonly_params, *params.params, *params.kwonly_params))
            self.ctx.scopes.append(Scope("lambda", local_names=names))
        elif kind == "Call":
            eager = eager_genexp_cst(node, self.ctx.is_builtin)  # type: ignore[arg-type]
            if eager is not None:
                self._eager_genexps.add(id(eager))
        elif kind == "GeneratorExp" and id(node) in self._eager_genexps:
            # Read whole by a builtin: a list comprehension if it comes to await (eager.py).
            kinds = self._comprehension_bindings(node)
            self.ctx.scopes.append(
                dataclasses.replace(self.ctx.scope, kind="comprehension", local_names=_comprehension_names(node), kinds=kinds, nested={})
            )
            self._outer_iters.add(id(node.for_in.iter))  # type: ignore[attr-defined]
        elif kind == "GeneratorExp":
            kinds = self._comprehension_bindings(node)
            self.ctx.scopes.append(Scope("genexp", local_names=_comprehension_names(node), kinds=kinds))
            self._outer_iters.add(id(node.for_in.iter))  # type: ignore[attr-defined]
        elif kind in ("ListComp", "SetComp", "DictComp"):
            # Its targets are local to it (a target named ``request`` is not Flask's); awaits stay
            # possible (the enclosing function decides), so the scope only shadows names.
            kinds = self._comprehension_bindings(node)
            self.ctx.scopes.append(
                dataclasses.replace(self.ctx.scope, kind="comprehension", local_names=_comprehension_names(node), kinds=kinds, nested={})
            )
            self._outer_iters.add(id(node.for_in.iter))  # type: ignore[attr-defined]
        if id(node) in self._outer_iters:
            self.ctx.scopes.append(Scope("outer_iter"))
        for handler in self._visit.get(kind, ()):
            handler(node)
        return True

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode):  # type: ignore[no-untyped-def]
        kind = type(original_node).__name__
        if kind not in _LEAVE_KINDS and kind not in self._leave and id(original_node) not in self._outer_iters:
            return updated_node  # no value, binding or scope to keep, no rule asks
        ctx = self.ctx
        updated: cst.CSTNode | cst.RemovalSentinel | cst.FlattenSentinel = updated_node
        if kind == "Name":
            if id(original_node) in ctx.non_use:
                return updated_node
            ctx.set_value(updated_node, ctx.resolve(updated_node.value))  # type: ignore[attr-defined]
        elif kind == "Attribute":
            base = ctx.value(updated_node.value)  # type: ignore[attr-defined]
            attr = updated_node.attr.value  # type: ignore[attr-defined]
            if base and base.startswith("k:obj:"):
                known = ctx.analysis.class_attrs.get(base[6:], {})
            else:  # what the app keeps on ``request``/``g``
                known = ctx.analysis.global_attrs.get(base or "", {})
            step = V.Step(known[attr]) if attr in known else V.attribute_step(base, attr, in_tests=ctx.in_tests)
            if (base is None or base.startswith("k:obj:")) and attr not in known and attr in ctx.analysis.duck_properties:
                step = V.Step(ctx.analysis.duck_properties[attr])  # ``ext.jinja_env``: a project property
            ctx.set_step(updated_node, step)
            ctx.set_value(updated_node, _listed(ctx, step.value))
        elif kind == "Call":
            self._value_of_call(updated_node)  # type: ignore[arg-type]
        elif kind == "Subscript":
            ctx.set_value(updated_node, V.subscript_value(ctx.value(updated_node.value)))  # type: ignore[attr-defined]
        elif kind in ("List", "Tuple", "Set"):
            elements = updated_node.elements  # type: ignore[attr-defined]
            if not any(isinstance(e, cst.StarredElement) for e in elements):
                ctx.set_value(updated_node, V.container_value([ctx.value(e.value) for e in elements]))
        elif kind == "Dict":
            elements = updated_node.elements  # type: ignore[attr-defined]
            values = [ctx.value(e.value) for e in elements if isinstance(e, cst.DictElement)]
            if values and len(values) == len(elements) and len(V.project_functions(values)) == len(values):
                ctx.set_value(updated_node, V.MAPPING + values[0])  # type: ignore[operator]
        elif kind == "Await":
            ctx.set_value(updated_node, ctx.value(updated_node.expression))  # type: ignore[attr-defined]
        elif kind in ("Assign", "AnnAssign"):
            self._bind(updated_node)
        elif kind == "AugAssign":
            for name in _names_in(updated_node.target):  # type: ignore[attr-defined]
                ctx.scope.kinds.pop(name, None)
        elif kind == "WithItem":
            asname = updated_node.asname  # type: ignore[attr-defined]
            value = ctx.value(updated_node.item)  # type: ignore[attr-defined]
            item = updated_node.item  # type: ignore[attr-defined]
            if value not in (V.TEST_CLIENT, V.AIOFILE) and isinstance(item, cst.Call) and len(item.args) == 1:
                value = V.entered_value(ctx.value(item.func), ctx.value(item.args[0].value))  # ``closing(rv)``
            if asname is not None and isinstance(asname.name, cst.Name) and value in (V.TEST_CLIENT, V.AIOFILE, V.TEST_RESPONSE):
                ctx.scope.kinds[asname.name.value] = value
        if original_node is not updated_node and kind in ("Name", "Attribute", "Call", "Subscript", "Await", "List", "Tuple", "Set", "Dict"):
            ctx.set_value(original_node, ctx.value(updated_node))
        added_after: list[cst.CSTNode] = []  # statements rules put after this one (FlattenSentinel)
        for handler in self._leave.get(kind, ()):
            result = handler(original_node, updated)  # type: ignore[arg-type]
            if result is updated:  # the rule left it as it was: nothing to carry over
                continue
            if (
                isinstance(result, cst.FlattenSentinel)
                and result.nodes
                and type(result.nodes[0]) is type(updated)
            ):
                # ``statement`` + what a rule inserts after it: later rules still see the statement
                updated = result.nodes[0]
                added_after.extend(result.nodes[1:])
                continue
            if isinstance(result, cst.CSTNode) and result is not updated and isinstance(updated, cst.CSTNode):
                if ctx.value(result) is None:
                    ctx.set_value(result, ctx.value(updated))
                if type(result) is type(updated) and ctx.step(result) is V.UNKNOWN:
                    ctx.set_step(result, ctx.step(updated))
            if not isinstance(result, cst.CSTNode) or type(result) is not type(updated):
                updated = result
                break
            updated = result
        if added_after:
            if isinstance(updated, cst.FlattenSentinel):
                updated = cst.FlattenSentinel([*updated.nodes, *added_after])
            elif isinstance(updated, cst.CSTNode):
                updated = cst.FlattenSentinel([updated, *added_after])
        # exact types: LibCST's node classes are ABCs, and an ``isinstance`` on one is slow
        new_type = type(updated)
        if (new_type is cst.Attribute or new_type is cst.Subscript) and type(updated.value) is cst.Await:  # type: ignore[union-attr]
            value = ctx.value(updated)
            step = ctx.step(updated)
            updated = updated.with_changes(value=parenthesized(updated.value))
            ctx.set_value(updated, value)
            ctx.set_step(updated, step)
        elif new_type is cst.Call and type(updated.func) is cst.Await:  # type: ignore[union-attr]
            value = ctx.value(updated)
            step = ctx.step(updated)
            updated = updated.with_changes(func=parenthesized(updated.func))
            ctx.set_value(updated, value)
            ctx.set_step(updated, step)
        if id(original_node) in self._outer_iters:
            self._outer_iters.discard(id(original_node))
            ctx.scopes.pop()
        if kind in ("FunctionDef", "ClassDef", "Lambda", "GeneratorExp", "ListComp", "SetComp", "DictComp"):
            ctx.scopes.pop()
        if kind == "GeneratorExp" and id(original_node) in self._eager_genexps and isinstance(updated, cst.GeneratorExp):
            self._eager_genexps.discard(id(original_node))
            if contains_await(updated):
                updated = as_list_comprehension(updated)
        return updated

    def _comprehension_bindings(self, node: cst.CSTNode) -> dict[str, V.Value]:
        """``for check in CHECKS``: what the target holds when the iterable is a name whose value
        says (resolved now, in the enclosing scope: the element is visited before the ``for``)."""
        for_in = node.for_in  # type: ignore[attr-defined]
        if not isinstance(for_in.target, cst.Name):
            return {}
        iterable, value = for_in.iter, None
        if isinstance(iterable, cst.Name):
            value = self.ctx.resolve(iterable.value)
        elif isinstance(iterable, cst.Attribute) and isinstance(iterable.value, cst.Name):  # ``helpers.CHECKS``
            base = self.ctx.resolve(iterable.value.value)
            value = _listed(self.ctx, V.attribute_step(base, iterable.attr.value, in_tests=self.ctx.in_tests).value)
        return dict(V.loop_bindings(value, [for_in.target.value]))

    # --- values -----------------------------------------------------------------------------
    def _value_of_call(self, node: cst.Call) -> None:
        ctx = self.ctx
        func = ctx.value(node.func)
        if func == V.TEST_CLIENT and isinstance(node.func, cst.Attribute) and isinstance(node.func.value, cst.Name):
            func = V.called_attribute(ctx.value(node.func.value), node.func.attr.value, func)
            ctx.set_value(node.func, func)
        if (
            func is None
            and isinstance(node.func, cst.Name)
            and node.func.value == "getattr"
            and len(node.args) >= 2
            and ctx.resolve("getattr") is None
        ):
            name = node.args[1].value
            literal = name.evaluated_value if isinstance(name, cst.SimpleString) else None
            ctx.set_value(node, V.getattr_value(ctx.value(node.args[0].value), literal if isinstance(literal, str) else None))
            return
        if func is None and isinstance(node.func, cst.Name) and node.func.value == "super":
            scope = ctx.enclosing_function()
            if scope is not None and ctx.resolve("super") is None and not node.args:  # ``super().m()``: ``m`` of the base
                ctx.set_value(node, super_value(ctx.facts.classes, scope.qualname))
                return
            if scope is not None and ctx.resolve("super") is None and len(node.args) == 2 and isinstance(node.args[0].value, cst.Name):
                klass = ctx.value(node.args[0].value)  # ``super(Class, self).m()``
                ctx.set_value(node, explicit_super_value(ctx.facts.classes, klass, ctx.facts.module))
                return
        first = node.args[0] if node.args and node.args[0].keyword is None and not node.args[0].star else None
        partial = V.partial_value(func, ctx.value(first.value)) if first is not None else None
        if partial:  # ``functools.partial(f, ...)``: calling it calls ``f``
            ctx.set_step(node, V.Step(partial))
            ctx.set_value(node, partial)
            return
        step = V.call_step(func, project_async=ctx.analysis.awaitable_functions)
        value = step.value
        project = V.project_name(func) or V.bound_method(func)
        if project:
            target = project.rpartition(":")[2]
            if project in ctx.analysis.returns:
                value = ctx.analysis.returns[project]
            elif target.rpartition(".")[2][:1].isupper() and (
                "." not in target or (project.partition(":")[0] == ctx.facts.module and target in ctx.facts.classes)
            ):  # instantiating a project class (a function-local one too)
                value = f"k:obj:{project}"
        patch = self._patch_in_force(node.func)
        if patch is not None:  # ``self.client.get(...)`` replaced in set-up: what the wrapper returns
            value = ctx.analysis.returns.get(patch[0])
        ctx.set_step(node, step)
        ctx.set_value(node, value)

    def _patch_in_force(self, func: cst.BaseExpression) -> tuple[str, str] | None:
        """``self.client.get`` where the class's set-up replaced it (``ProjectAnalysis.class_patches``),
        outside the method that replaces it."""
        if not isinstance(func, cst.Attribute) or not isinstance(func.value, cst.Attribute):
            return None
        if not isinstance(func.value.value, cst.Name):
            return None
        owner = self.ctx.value(func.value.value)
        if not owner or not owner.startswith("k:obj:"):
            return None
        patch = self.ctx.analysis.class_patches.get(owner[6:], {}).get(f"{func.value.attr.value}.{func.attr.value}")
        scope = self.ctx.enclosing_function()
        if patch is None or scope is None or patch[1] == self.ctx.project_qualname(scope.qualname):
            return None
        return patch

    def _bind(self, node: cst.Assign | cst.AnnAssign) -> None:
        if node.value is None:
            return
        value = self.ctx.value(node.value)
        targets = [t.target for t in node.targets] if isinstance(node, cst.Assign) else [node.target]
        for target in targets:
            if isinstance(target, cst.Name):
                if value is None:
                    self.ctx.scope.kinds.pop(target.value, None)
                else:
                    self.ctx.scope.kinds[target.value] = value
            else:  # ``a, b = ...``: whatever those names held before is gone
                for name in _names_in(target):
                    self.ctx.scope.kinds.pop(name, None)

    # --- scopes -----------------------------------------------------------------------------
    def _enter_function(self, node: cst.FunctionDef) -> None:
        ctx = self.ctx
        qual = ctx.qual_prefix() + node.name.value
        facts = ctx.facts.functions.get(qual)
        project_name = ctx.project_qualname(qual)
        outer = ctx.function_scope()
        if outer is not None and outer.kind == "function":
            outer.nested[node.name.value] = project_name
        class_value = ctx.scope.class_value if ctx.scope.kind == "class" else None
        scope = Scope(
            "function",
            qualname=qual,
            role=ctx.analysis.roles.get(project_name, Role.PLAIN),
            local_names=facts.local_names if facts else frozenset(),
            becomes_async=project_name in ctx.analysis.async_functions,
            already_async=node.asynchronous is not None,
            params=facts.params if facts else (),
        )
        if facts is not None:
            for name, target in facts.local_imports.items():
                scope.kinds[name] = ctx.imported(target)
        params = scope.params
        if class_value and params and not _is_staticmethod(node):
            scope.kinds[params[0]] = class_value
        for param, kind in ctx.analysis.param_kinds.get(project_name, {}).items():
            scope.kinds.setdefault(param, kind)  # declared, or what its call sites pass
        body = node.body.body if isinstance(node.body, cst.IndentedBlock) else ()
        for stmt in body:  # a nested def (or class) is callable from siblings defined before it
            if isinstance(stmt, cst.FunctionDef | cst.ClassDef):
                scope.nested.setdefault(stmt.name.value, f"{project_name}.{stmt.name.value}")
        if scope.role in (Role.TEST, Role.FIXTURE):
            for param in params:
                if param in scope.kinds:
                    continue
                if param in ctx.analysis.fixture_names:
                    kind = ctx.analysis.fixtures.get(param)
                else:  # a plugin's fixture (pytest-flask's ``client``): known by its name
                    kind = V.name_value(param, in_tests=True)
                if kind:
                    scope.kinds[param] = kind
        if scope.role is Role.RESPONSE_HOOK and params:
            scope.kinds[params[0]] = V.RESPONSE
        if scope.role is Role.RECEIVER and "response" in params:
            scope.kinds["response"] = V.RESPONSE
        ctx.scopes.append(scope)

    def _enter_class(self, node: cst.ClassDef) -> None:
        ctx = self.ctx
        qual = ctx.qual_prefix() + node.name.value
        ctx.scopes.append(
            Scope("class", qualname=qual, class_value=f"k:obj:{ctx.facts.module}:{qual}")
        )


#: Node types :meth:`Rewriter.on_visit` keeps track of (scopes, loops, names that do not use). The
#: others skip it unless a rule asks for them: a type ``on_visit`` (or ``on_leave``, below) starts
#: to handle goes in its set (tests/test_rewriter_dispatch.py checks it).
_VISIT_KINDS = frozenset({
    "Import", "ImportFrom", "Await", "Attribute", "Arg", "Param", "For", "IndentedBlock", "AssignTarget", "Call",
    "AugAssign", "FunctionDef", "ClassDef", "Lambda", "GeneratorExp", "ListComp", "SetComp", "DictComp",
})
#: Node types :meth:`Rewriter.on_leave` keeps track of (values, bindings, scopes).
_LEAVE_KINDS = frozenset({
    "Name", "Attribute", "Call", "Subscript", "List", "Tuple", "Set", "Dict", "Await", "Assign", "AnnAssign",
    "AugAssign", "WithItem", "FunctionDef", "ClassDef", "Lambda", "GeneratorExp", "ListComp", "SetComp", "DictComp",
})


#: Node types whose visit opens a scope, closed when they are left.
_SCOPE_KINDS = frozenset({"FunctionDef", "ClassDef", "Lambda", "GeneratorExp", "ListComp", "SetComp", "DictComp"})


def _handler_names(rule: Rule) -> tuple[str, ...]:
    """A rule's ``leave_*``/``visit_*`` methods, in :func:`dir` order: looked up once per class,
    not once per module, unless the rule lists them itself (a ``__dir__`` that depends on the module)."""
    if type(rule).__dir__ is not object.__dir__:
        return tuple(attr for attr in dir(rule) if attr.startswith(("leave_", "visit_")))
    return _class_handler_names(type(rule))


@functools.cache
def _class_handler_names(rule_class: type[Rule]) -> tuple[str, ...]:
    return tuple(attr for attr in dir(rule_class) if attr.startswith(("leave_", "visit_")))


def _listed(ctx: FileContext, value: V.Value) -> V.Value:
    """``checks.CHECKS`` (a project module's attribute): the list of functions it holds, if it is one;
    ``app.app``: the kind it holds, if it is tracked."""
    if value and value.startswith("q:") and value[2:] in ctx.analysis.module_kinds:
        return ctx.imported(value[2:])  # ``import app; app.app``: the app
    if value and value.startswith("q:"):
        return ctx.analysis.listed_callables.get(value[2:], value)
    return value


def _is_staticmethod(node: cst.FunctionDef) -> bool:
    return any(
        isinstance(d.decorator, cst.Name) and d.decorator.value == "staticmethod"
        for d in node.decorators
    )


def _comprehension_names(node: cst.CSTNode) -> frozenset[str]:
    names: set[str] = set()
    for_in = getattr(node, "for_in", None)
    while for_in is not None:
        for target in _names_in(for_in.target):
            names.add(target)
        for_in = for_in.inner_for_in
    return frozenset(names)


def _names_in(node: cst.CSTNode) -> list[str]:
    if isinstance(node, cst.Name):
        return [node.value]
    if isinstance(node, (cst.Tuple, cst.List)):
        return [n for el in node.elements for n in _names_in(el.value)]
    return []
