"""F2Q205: ``unittest.TestCase`` suites that await become ``IsolatedAsyncioTestCase``.

A ``TestCase`` whose tests now await (test-client calls, ``async with app.app_context()``) needs an
event loop per test: its base becomes ``unittest.IsolatedAsyncioTestCase``, also where only a
subclass in another module awaits (the root of a ``TestBase -> ApiTestBase -> TestX`` hierarchy), and a ``setUp``/
``tearDown`` that awaits becomes ``asyncSetUp``/``asyncTearDown``.

Docs: https://docs.python.org/3/library/unittest.html#unittest.IsolatedAsyncioTestCase
"""

from __future__ import annotations

import libcst as cst

from .base import Rule

_TESTCASE = ("q:unittest.TestCase", "q:unittest.case.TestCase")
_RENAMES = {"setUp": "asyncSetUp", "tearDown": "asyncTearDown"}


class UnittestAsync(Rule):
    code = "F2Q205"
    name = "unittest-async"

    def _class_awaits(self, qual: str) -> bool:
        prefix = f"{self.ctx.facts.module}:{qual}."
        return any(
            name.startswith(prefix) and "." not in name[len(prefix) :]
            for name in self.ctx.analysis.async_functions
        )

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        name = updated.name.value
        if name not in _RENAMES or len(self.ctx.scopes) < 2:
            return updated
        owner = self.ctx.scopes[-2]
        if owner.kind != "class" or not self._is_testcase(owner.qualname):
            return updated
        if not self.ctx.scope.becomes_async or self.ctx.scope.already_async:
            return updated
        self.changed()
        return updated.with_changes(name=cst.Name(_RENAMES[name]))

    def _is_testcase(self, qual: str) -> bool:
        klass = self.ctx.facts.classes.get(qual)
        return klass is not None and any(b in _TESTCASE for b in klass.bases)

    def leave_ClassDef(self, original: cst.ClassDef, updated: cst.ClassDef) -> cst.ClassDef:
        qual = self.ctx.scope.qualname
        below = f"{self.ctx.facts.module}:{qual}" in self.ctx.analysis.async_test_roots  # subclasses too
        if not self._is_testcase(qual) or not (below or self._class_awaits(qual)):
            return updated
        bases = []
        for arg in updated.bases:
            if self.ctx.value(arg.value) in _TESTCASE:
                if isinstance(arg.value, cst.Attribute):
                    arg = arg.with_changes(value=arg.value.with_changes(attr=cst.Name("IsolatedAsyncioTestCase")))
                else:
                    name = self.ctx.require_import("unittest", "IsolatedAsyncioTestCase")
                    arg = arg.with_changes(value=cst.Name(name))
                self.changed()
            bases.append(arg)
        return updated.with_changes(bases=bases)
