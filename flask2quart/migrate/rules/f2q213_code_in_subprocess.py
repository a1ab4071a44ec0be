"""F2Q213: Python run by a child interpreter from a string is not ported.

Suites test what happens at import time (a missing optional package, an environment variable read
once) by running a fresh interpreter: ``subprocess.run([sys.executable, "-c", code])``, where
``code`` imports the app and drives it (``app.test_client().get("/")``). The rewrite ports Python
files, not Python inside strings: after the port the child imports the Quart app, where the test
client's requests, ``get_data()`` and the views are coroutines, and the string still calls them as
Flask did (``'coroutine' object has no attribute 'status_code'``). A test then fails on the
child's exit status, far from the cause. Where the string (a literal, or a name bound to one in the
same function) imports Flask or a project module that uses it, the call that runs it is reported,
with what to change; there is no mechanical form (module-level code cannot ``await``: the child's
code needs an ``async def`` run by ``asyncio.run``).

Docs: https://docs.python.org/3/using/cmdline.html#cmdoption-c
"""

from __future__ import annotations

import ast

import libcst as cst

from ...findings import Severity
from ..context import FileContext
from .base import Rule

_RUNNERS = frozenset(
    {"q:subprocess.run", "q:subprocess.call", "q:subprocess.check_call", "q:subprocess.check_output",
     "q:subprocess.Popen"}
)
_EXECUTABLE = "q:sys.executable"


def _string(node: cst.BaseExpression) -> str | None:
    if isinstance(node, (cst.SimpleString, cst.ConcatenatedString)):
        value = node.evaluated_value
        return value if isinstance(value, str) else None
    return None


def _imports(code: str) -> list[str]:
    """Modules the code imports (``None`` parts dropped); nothing when it does not parse."""
    try:
        tree = ast.parse(code)
    except (SyntaxError, ValueError):
        return []
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            found.append(node.module)
    return found


class CodeInSubprocess(Rule):
    code = "F2Q213"
    name = "code-in-subprocess"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: Names bound to a string literal, per function being visited (innermost last).
        self._strings: list[dict[str, str]] = [{}]
        self._ported: set[str] | None = None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._strings.append({})

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        self._strings.pop()
        return updated

    def visit_Assign(self, node: cst.Assign) -> None:
        value = _string(node.value)
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                if value is None:
                    self._strings[-1].pop(target.target.value, None)
                else:
                    self._strings[-1][target.target.value] = value

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.Call:
        if self.ctx.value(updated.func) not in _RUNNERS or not updated.args:
            return updated
        command = updated.args[0].value
        if not isinstance(command, (cst.List, cst.Tuple)):
            return updated
        elements = [e.value for e in command.elements if isinstance(e, cst.Element)]
        for index in range(len(elements) - 2):
            if self.ctx.value(elements[index]) == _EXECUTABLE and _string(elements[index + 1]) == "-c":
                code = self._code(elements[index + 2])
                module = self._flask_import(code) if code is not None else None
                if module is not None:
                    self.ctx.report(
                        original, self.code, f"the child Python run here (`-c`) imports `{module}`, which the "
                        "port made a Quart app: code in a string is not rewritten, and there the test client's "
                        "requests, `get_data()` and the views are now coroutines; port the string by hand "
                        "(its code in an `async def main()` run by `asyncio.run(main())`, with `await` on "
                        "each request and body read)", Severity.ERROR,
                    )
                break
        return updated

    def _code(self, node: cst.BaseExpression) -> str | None:
        if isinstance(node, cst.Name):
            return self._strings[-1].get(node.value)
        return _string(node)

    def _flask_import(self, code: str) -> str | None:
        """The first module the code imports that is Flask or a project module using it."""
        ported = self._ported_modules()
        for module in _imports(code):
            if module == "flask" or module.startswith("flask."):
                return module
            if any(name == module or name.startswith(module + ".") for name in ported):
                return module
        return None

    def _ported_modules(self) -> set[str]:
        if self._ported is None:
            self._ported = {
                facts.module for facts in self.ctx.analysis.modules.values() if facts.uses_flask and not facts.is_test
            }
        return self._ported
