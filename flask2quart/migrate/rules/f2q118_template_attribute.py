"""F2Q118: ``get_template_attribute`` through Quart's async Jinja environment.

Quart renders with an async Jinja environment, where ``template.module`` raises "Module is not
available in async mode": ``quart.get_template_attribute`` fails on every call. The template's
module must be made with ``await template.make_module_async()``, and a macro taken from it returns a
coroutine when called. So ``get_template_attribute(name, attr)`` becomes ``await
get_template_attribute_async(name, attr)`` (a helper written into the module), and every call of
what it returned is awaited, wherever the value flows (the analysis types it ``k:template_macro``).
Where the call cannot be awaited (a sync function that must stay sync) it is reported.

Docs: https://jinja.palletsprojects.com/en/stable/api/#jinja2.Template.make_module_async
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ._awaiting import why_not
from .base import Rule

HELPER = "get_template_attribute_async"
HELPER_SOURCE = '''

async def get_template_attribute_async(template_name, attribute):
    """Flask's `get_template_attribute` for Quart's async Jinja environment: the template's module is
    made asynchronously, and a macro read from it returns a coroutine (added by flask2quart, F2Q118).
    """
    template = {current_app}.jinja_env.get_template(template_name)
    return getattr(await template.make_module_async(), attribute)
'''


class TemplateAttribute(Rule):
    code = "F2Q118"
    name = "template-attribute"
    priority = 40

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        if V.flask_name(self.ctx.value(updated.func)) != "get_template_attribute":
            return updated
        if not self.ctx.can_await():
            self.ctx.report(
                original, self.code,
                f"`get_template_attribute` must be awaited in Quart (its async form), impossible {why_not(self.ctx)}",
                Severity.ERROR,
            )
            return updated
        current_app = self.ctx.require_import("quart", "current_app")
        self.ctx.add_helper(HELPER, HELPER_SOURCE.replace("{current_app}", current_app))
        self.changed()
        result = updated.with_changes(func=cst.Name(HELPER))
        self.ctx.set_value(result.func, self.ctx.value(updated.func))
        return result
