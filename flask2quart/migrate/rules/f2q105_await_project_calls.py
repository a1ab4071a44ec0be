"""F2Q105: await the project's own functions that became async.

When a helper such as ``get_db()`` in ``db.py`` or ``AuthActions.login()`` in ``conftest.py`` becomes
``async def`` (because it awaits something, porting notes A7/T9), every call to it in any module is
awaited, even when the result is unused: an un-awaited coroutine never runs. Where an ``await`` is
impossible (a lambda, a generator expression, a hook Quart calls synchronously) the call is
reported instead, and so is such a function used as a value where something else calls it later
(a dispatch table, ``map``, ``atexit.register``), and ``getattr(obj, name)()``
with a name known only at run time on an object some of whose methods became async. At module level
under ``if __name__ == "__main__":`` and in the function a console script runs (``[project.scripts]``,
``console_scripts``: it stays sync, its script calls it synchronously), where no event loop runs
yet, such a call is run with ``asyncio.run(...)`` (each call on a loop of its own).

``functools.partial(f, ...)`` is ``f`` for the value flow, and so is a method a project function
returns (``return self.handle``): calling the result awaits as calling ``f`` does, wherever the
value went (``endpoint = server.get_endpoint(path); return endpoint()``).

A ``threading.Thread``/``Timer`` whose target became async (the usual "send the mail in a thread"
helper, async once its ``with app.app_context()`` is): the thread would create the coroutine and
drop it, so the work silently never happens. The target becomes ``lambda *args, **kwargs:
asyncio.run(target(*args, **kwargs))``: the thread runs it on an event loop of its own, with the
same arguments (Quart's app context works on any loop).

Docs: https://docs.python.org/3/library/asyncio-task.html#coroutines
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._awaiting import await_node
from .base import Rule
from .f2q104_await_quart_api import describe

#: Threads that call a function (keyword, position among the positional arguments): a project
#: function that became async is run there with ``asyncio.run``.
_THREADS = {"q:threading.Thread": ("target", 1), "q:threading.Timer": ("function", 1)}
#: Calls that take a function and call it later, where no ``await`` can be added.
_CALLS_LATER = frozenset(
    {"q:threading.Thread", "q:threading.Timer", "q:atexit.register"}
)


class AwaitProjectCalls(Rule):
    code = "F2Q105"
    name = "await-project-calls"
    priority = 90

    def __init__(self, ctx) -> None:  # type: ignore[no-untyped-def]
        super().__init__(ctx)
        self._passed: set[int] = set()
        #: Thread targets this rule runs on a loop of their own (nothing left to report).
        self._passed_on: set[int] = set()

    def visit_If(self, node: cst.If) -> None:
        if self.ctx.function_scope() is None and _is_main_guard(node.test):
            self.ctx.main_guards += 1  # ``await_node`` runs the project's coroutines there

    def leave_If(self, original: cst.If, updated: cst.If) -> cst.If:
        if self.ctx.function_scope() is None and _is_main_guard(original.test):
            self.ctx.main_guards -= 1
        return updated

    def _awaitable(self, node: cst.BaseExpression) -> str | None:
        """The project function that became async which ``node`` names (or ``functools.partial``
        binds: the value flow gives it ``f``'s value, and its calls are awaited as ``f``'s)."""
        if not isinstance(node, (cst.Name, cst.Attribute, cst.Call)):
            return None
        target = V.project_name(self.ctx.value(node))
        return target if target in self.ctx.analysis.awaitable_functions else None

    def _report_value(self, node: cst.CSTNode, target: str) -> None:
        self.ctx.report(
            node, self.code, f"`{target.rpartition(':')[2]}` became async but is used as a value here: "
            "whoever calls it must await the result", Severity.ERROR,
        )

    def leave_Dict(self, original: cst.Dict, updated: cst.Dict) -> cst.Dict:
        """A dispatch table of views or helpers: ``HANDLERS = {"a": view_a}``."""
        for element, old in zip(updated.elements, original.elements, strict=True):
            if isinstance(element, cst.DictElement):
                target = self._awaitable(element.value)
                if target:
                    self._report_value(old.value, target)  # type: ignore[attr-defined]
        return updated

    def _dynamic_method(self, original: cst.Call) -> None:
        """``getattr(obj, name)()`` with a name known only at run time, on a project object some of
        whose methods became async: which one runs is not known here, so it is reported."""
        inner = original.func
        if not (isinstance(inner, cst.Call) and isinstance(inner.func, cst.Name) and inner.func.value == "getattr"):
            return
        if len(inner.args) < 2 or isinstance(inner.args[1].value, cst.SimpleString) or self.ctx.resolve("getattr") is not None:
            return
        owner = self.ctx.value(inner.args[0].value) or ""
        if not owner.startswith("k:obj:"):
            return
        methods = sorted(n.rpartition(".")[2] for n in self.ctx.analysis.awaitable_functions if n.startswith(owner[6:] + "."))
        if methods:
            self.ctx.report(
                original, self.code,
                f"{describe(inner)} is called with a name known only at run time, and {', '.join(f'`{m}`' for m in methods)} "
                "became async: await the result where the method is async (or dispatch by name)", Severity.ERROR,
            )

    def _thread_target(self, original: cst.Call, updated: cst.Call, where: tuple[str, int]) -> cst.Call:
        """``Thread(target=send_async_email, args=(app, msg))`` with a target that became async: the
        thread would only create the coroutine, never run it (the mail is never sent, silently).
        The thread runs it on an event loop of its own, with the arguments it was given:
        ``target=lambda *args, **kwargs: asyncio.run(send_async_email(*args, **kwargs))``."""
        keyword, position = where
        if len(original.args) != len(updated.args):
            return updated
        positional = [i for i, a in enumerate(original.args) if a.keyword is None and not a.star]
        for index, arg in enumerate(original.args):
            named = arg.keyword is not None and arg.keyword.value == keyword
            if not (named or (arg.keyword is None and not arg.star and positional.index(index) == position)):
                continue
            target = self._awaitable(arg.value)
            if target is None:
                return updated
            asyncio = self.ctx.require_import("asyncio")
            function = cst.Module([]).code_for_node(updated.args[index].value)  # a name or an attribute
            runner = cst.parse_expression(f"lambda *args, **kwargs: {asyncio}.run({function}(*args, **kwargs))")
            self._passed_on.add(id(arg.value))  # run, not a value someone must await: no finding
            self.changed()
            args = list(updated.args)
            args[index] = args[index].with_changes(value=runner)
            return updated.with_changes(args=args)
        return updated

    def visit_Arg(self, node: cst.Arg) -> None:
        self._passed.add(id(node.value))  # ``asyncio.run(main())``: handed over, not awaited here

    def _resumed(self, original: cst.Call) -> bool:
        """A call of a function already async, from a function sync in the source (a tree a previous
        run left half ported), whose result is used here: awaited as a clean run would."""
        scope = self.ctx.enclosing_function()
        return (
            scope is not None
            and not scope.already_async
            and id(original) not in self._passed
            and id(original) not in self.ctx.awaited
        )

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = self.ctx.value(updated.func)
        self._dynamic_method(original)
        builtin = (
            isinstance(updated.func, cst.Name)
            and updated.func.value in ("map", "filter", "sorted")
            and func is None
        )
        if func in _THREADS:
            updated = self._thread_target(original, updated, _THREADS[func])
        if func in _CALLS_LATER or builtin:
            for arg, old in zip(updated.args, original.args, strict=True):
                passed = self._awaitable(arg.value)
                if passed and id(old.value) not in self._passed_on:
                    self._report_value(old.value, passed)
        target = V.project_name(func) or V.bound_method(func)
        if target is not None and target in self.ctx.analysis.resumable and self._resumed(original):
            return await_node(self, original, updated, describe(original.func) + "() is async and")
        if target is None or target not in self.ctx.analysis.awaitable_functions:
            return updated
        if target.rpartition(":")[2][:1].isupper() and "." not in target.rpartition(":")[2]:
            return updated  # a class
        return await_node(self, original, updated, describe(original.func) + "() became async and")


def _is_main_guard(test: cst.BaseExpression) -> bool:
    """``__name__ == "__main__"`` (either way round)."""
    if not (isinstance(test, cst.Comparison) and len(test.comparisons) == 1 and isinstance(test.comparisons[0].operator, cst.Equal)):
        return False
    sides = (test.left, test.comparisons[0].comparator)
    names = [s for s in sides if isinstance(s, cst.Name) and s.value == "__name__"]
    strings = [s for s in sides if isinstance(s, cst.SimpleString) and s.evaluated_value == "__main__"]
    return len(names) == 1 and len(strings) == 1
