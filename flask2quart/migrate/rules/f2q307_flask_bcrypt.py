"""F2Q307: Flask-Bcrypt becomes quart-bcrypt; hashing in async code runs in a worker thread.

quart-bcrypt has Flask-Bcrypt's API (``Bcrypt(app)``/``init_app``, ``generate_password_hash``,
``check_password_hash``, the module-level helpers, the ``BCRYPT_*`` configuration keys), and those
functions stay synchronous. A bcrypt hash is deliberately slow (0.33 s at the default 12 rounds,
0.07 s at 10, measured on a current x86 server), so once the view that checks a password runs on
the event loop, every other request waits for it. quart-bcrypt also
has ``async_generate_password_hash``/``async_check_password_hash``, which run the same function in a
worker thread (``quart.utils.run_sync``): same arguments, same result, same exceptions.

So a hash or a check in a function that is (or becomes) ``async def`` becomes
``await bcrypt.async_check_password_hash(...)`` (reported as INFO). In a function that stays
synchronous (a model's ``check_password``, say) the call is kept, because making it async would
make the model method and every caller async; when such a function is called from async code the
call is reported (WARNING): it blocks the loop, and wrapping its caller's call in ``run_sync`` or
calling the async variant there fixes it. CLI commands and tests are left alone.

Docs: https://github.com/Quart-Addons/quart-bcrypt and https://flask-bcrypt.readthedocs.io/
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..analysis import Role
from ._extensions import ExtensionImports
from .base import awaited

_HASHING = frozenset({"generate_password_hash", "check_password_hash"})
_BCRYPT_CLASS = "flask_bcrypt.Bcrypt"


class FlaskBcrypt(ExtensionImports):
    code = "F2Q307"
    name = "flask-bcrypt"
    # before F2Q104/F2Q105 (90): an await this rule adds ends the dispatch for the call
    priority = 45
    modules = {"flask_bcrypt": "quart_bcrypt"}  # noqa: RUF012 - class-level table of a rule

    def _hashing(self, func: cst.BaseExpression) -> str | None:
        """``generate_password_hash``/``check_password_hash`` when ``func`` is Flask-Bcrypt's."""
        method = V.extension_method(self.ctx.value(func))
        if method is not None and method.rpartition(".")[0] == _BCRYPT_CLASS:
            name = method.rpartition(".")[2]
            return name if name in _HASHING else None
        member = self.member(func)
        return member if member in _HASHING else None

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        name = self._hashing(updated.func)
        if name is None or id(original) in self.ctx.awaited:
            return updated
        if self.ctx.can_await():
            func = updated.func
            if isinstance(func, cst.Attribute):  # ``bcrypt.check_password_hash``, ``flask_bcrypt.…``
                new_func: cst.BaseExpression = func.with_changes(attr=cst.Name(f"async_{name}"))
            else:
                new_func = cst.Name(self.ctx.require_import("quart_bcrypt", f"async_{name}"))
            self.changed()
            self.ctx.report(
                original, self.code, f"`{name}` runs bcrypt (about 0.3 s at 12 rounds): awaiting "
                f"quart-bcrypt's `async_{name}` runs it in a worker thread, so the event loop keeps "
                "serving other requests meanwhile", Severity.INFO,
            )
            result = awaited(updated.with_changes(func=new_func))
            self.ctx.set_value(result, self.ctx.value(updated))
            return result
        scope = self.ctx.enclosing_function()
        if scope is None or scope.role in (Role.CLI, Role.TEST, Role.FIXTURE):
            return updated
        if self.ctx.project_qualname(scope.qualname) in self.ctx.analysis.on_loop:
            self.ctx.report(
                original, self.code, f"`{name}` blocks the event loop for the whole bcrypt hash "
                f"(about 0.3 s at 12 rounds): `{scope.qualname}` is called from async code; call it "
                f"there through `await run_sync({scope.qualname.rpartition('.')[2]})(...)` "
                f"(quart.utils) or use `await bcrypt.async_{name}(...)` in an async function",
                Severity.WARNING,
            )
        return updated
