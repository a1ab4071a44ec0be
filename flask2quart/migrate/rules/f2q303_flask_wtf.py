"""F2Q303: Flask-WTF becomes quart-wtforms.

Flask-WTF reads ``request.form`` synchronously when a form is built; Quart's request body is a
coroutine, so quart-wtforms (import name ``quart_wtf``; never the stale ``quart-wtf``
distribution, which pins Quart < 0.19) builds a submitted form with ``await Form.create_form()``
and makes ``validate()``/``validate_on_submit()`` coroutines. This rule:

- moves ``flask_wtf``, ``flask_wtf.csrf`` and ``flask_wtf.file`` imports to ``quart_wtf``
  (``FlaskForm``/``Form`` -> ``QuartForm``; ``CSRFProtect``, ``CSRFError``, ``generate_csrf``,
  ``FileField``, ``FileRequired``, ``FileAllowed``, ``FileSize`` keep their names);
- builds every project form class (any class derived from ``FlaskForm``, across modules) with
  ``await MyForm.create_form(...)`` (same arguments: ``formdata``, ``obj``, ``prefix``, ``data``,
  ``meta``, field defaults) and awaits ``form.validate()``/``form.validate_on_submit()`` (the
  project analysis makes helpers that do so async, and awaits their callers);
- a form whose class (or a project base of it) defines its own ``__init__`` (``MemberForm(project,
  edit=True)``) is built with ``await build_form(MemberForm, project, edit=True)``: ``create_form``
  passes formdata as the first positional argument, where Flask-WTF read it inside
  ``FlaskForm.__init__``; the generated ``build_form`` reads the submitted formdata as Flask-WTF did
  (the form, with the files; JSON as a ``MultiDict``) and hands it over as ``formdata=``, the
  form's own arguments unchanged;
- a form given its formdata (``LoginForm(request.form)``, ``formdata=``; a positional argument counts
  where it reaches ``FlaskForm.__init__``) stays a plain constructor call: quart-wtforms' constructor takes it
  as Flask-WTF's did (``request.form`` awaited); ``create_form`` would drop it, and the generated
  helper pass it twice;
- turns ``form.is_submitted()`` into the ``form.is_submitted`` property;
- a form class that overrides ``validate`` (or ``validate_on_submit``): it becomes ``async def``
  (callers await it) and its ``super().validate()`` / ``super(LoginForm, self).validate()`` is
  awaited (unawaited, the coroutine is truthy: validation would pass with no field validated);
- reports what has no counterpart (``RecaptchaField``, ``Recaptcha``).

``WTF_CSRF_*`` configuration keys are the same in both.

Docs: https://quart-wtf.readthedocs.io/ and https://flask-wtf.readthedocs.io/en/latest/form/
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from .. import values as V
from ..context import FileContext
from ._awaiting import await_node
from ._extensions import ExtensionImports
from .base import awaited

_RENAMES = {"FlaskForm": "QuartForm", "Form": "QuartForm"}
#: FlaskForm methods quart-wtforms makes coroutines, which a project form class may override
_COROUTINES = ("validate", "validate_on_submit")
BUILD_FORM = "build_form"
BUILD_FORM_SOURCE = '''

async def build_form(form_class, *args, **kwargs):
    """``form_class(*args, **kwargs)`` as Flask-WTF built it: with the submitted formdata.

    quart-wtforms reads the request asynchronously in ``create_form``, which passes formdata as the
    form's first positional argument; a form whose own ``__init__`` takes other arguments gets them
    unchanged here, and the formdata as a keyword. Written by flask2quart (F2Q303).
    """
    if "formdata" not in kwargs:
        formdata = None
        if {request}.method in ("POST", "PUT", "PATCH", "DELETE"):
            formdata = await {request}.form
            files = await {request}.files
            if files:
                formdata = formdata.copy()
                formdata.update(files)
            elif {request}.is_json:
                formdata = ImmutableMultiDict(await {request}.get_json())
        kwargs["formdata"] = formdata
    return form_class(*args, **kwargs)
'''


class FlaskWtf(ExtensionImports):
    code = "F2Q303"
    name = "flask-wtf"
    # before F2Q105 (90), which would otherwise await the class call itself
    priority = 45
    modules = {  # noqa: RUF012 - class-level tables of a rule
        "flask_wtf": "quart_wtf",
        "flask_wtf.form": "quart_wtf",
        "flask_wtf.csrf": "quart_wtf.csrf",
        "flask_wtf.file": "quart_wtf",
    }
    renames = _RENAMES
    unsupported = {  # noqa: RUF012
        "RecaptchaField": "quart-wtforms has no reCAPTCHA field: validate the token in the view",
        "Recaptcha": "quart-wtforms has no reCAPTCHA validator: validate the token in the view",
        "RecaptchaWidget": "quart-wtforms has no reCAPTCHA widget",
    }

    def _form_class(self, value: V.Value) -> str | None:
        name = V.project_name(value)
        return name if name in self.ctx.analysis.extension_classes else None

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        #: ``validate`` overrides of project form classes being visited -> base calls awaited in them
        self._overrides: dict[int, int] = {}

    def leave_Call(self, original: cst.Call, updated: cst.Call) -> cst.BaseExpression:
        func = updated.func
        if self._base_coroutine_call(original, func) and self.ctx.can_await():
            self.changed()
            *_, innermost = self._overrides  # the innermost override being visited
            self._overrides[innermost] += 1
            return awaited(updated)
        form_class = self._form_class(self.ctx.value(func))
        if form_class is not None and isinstance(func, (cst.Name, cst.Attribute)):
            if id(original) in self.ctx.awaited:
                return updated
            if not self.ctx.can_await():
                return await_node(self, original, updated, f"building `{form_class.rpartition(':')[2]}`")
            self.changed()
            if self._explicit_formdata(form_class, updated):
                return updated  # Flask-WTF reads no request then: quart-wtforms' constructor takes it as is
            if self._own_init(form_class):
                request = self.ctx.require_import("quart", "request")
                self.ctx.require_import("werkzeug.datastructures", "ImmutableMultiDict")
                self.ctx.add_helper(BUILD_FORM, BUILD_FORM_SOURCE.replace("{request}", request))
                args = [cst.Arg(func), *updated.args]
                if len(args) > 1 and args[0].comma is cst.MaybeSentinel.DEFAULT:
                    args[0] = args[0].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                built = updated.with_changes(func=cst.Name(BUILD_FORM), args=args)
            else:
                built = updated.with_changes(func=cst.Attribute(value=func, attr=cst.Name("create_form")))
            result = awaited(built)
            self.ctx.set_value(result, self.ctx.value(updated))
            return result
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "is_submitted"
            and not updated.args
            and self._form_class(_instance_class(self.ctx.value(func.value))) is not None
        ):
            self.changed()
            return func  # a property in quart-wtforms
        if (
            isinstance(func, cst.Attribute)
            and func.attr.value == "validate_on_submit"
            and V.bound_method(self.ctx.value(func)) is None
        ):
            # a form of unknown class: the method name is Flask-WTF's alone
            return await_node(self, original, updated, "`validate_on_submit()`")
        return updated

    def _own_init(self, form_class: str) -> bool:
        """The project form class, or a project base of it, defines ``__init__``."""
        return self._init_params(form_class) is not None

    def _init_params(self, form_class: str, seen: frozenset[str] = frozenset()) -> tuple[str, ...] | None:
        """The named parameters of the ``__init__`` the project form class (or a project base of it)
        defines; None when none does."""
        module, _, qual = form_class.partition(":")
        facts = next((f for f in self.ctx.analysis.modules.values() if f.module == module), None)
        if facts is None or form_class in seen:
            return None
        init = facts.functions.get(f"{qual}.__init__")
        if init is not None:
            return init.params
        klass = facts.classes.get(qual)
        for base in klass.bases if klass is not None else []:
            name = V.project_name(base)
            params = self._init_params(name, seen | {form_class}) if name else None
            if params is not None:
                return params
        return None

    def _explicit_formdata(self, form_class: str, call: cst.Call) -> bool:
        """The call hands Flask-WTF its formdata: ``formdata=...``, or a first positional argument that
        reaches ``FlaskForm.__init__`` (``LoginForm(request.form)``, the form defining no ``__init__``
        or one, ``__init__(self, *args, **kwargs)``, that names no argument of its own)."""
        if any(a.keyword is not None and a.keyword.value == "formdata" for a in call.args):
            return True
        positional = [a for a in call.args if a.keyword is None]
        if not positional or positional[0].star:
            return False
        params = self._init_params(form_class)
        return params is None or tuple(params[1:]) == ()

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        scopes = self.ctx.scopes  # [-1] is the function being entered
        scope = scopes[-2] if len(scopes) > 1 else scopes[-1]
        if scope.kind != "class" or node.name.value not in _COROUTINES:
            return
        owner = (scope.class_value or "")[len("k:obj:"):]
        if owner in self.ctx.analysis.extension_classes:
            self._overrides[id(node)] = 0

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        awaited_calls = self._overrides.pop(id(original), None)
        if awaited_calls is None:
            return updated
        name = original.name.value
        if awaited_calls:
            self.ctx.report(
                original, self.code,
                f"`{name}` overrides quart-wtforms' coroutine: it becomes `async def` and awaits the base "
                f"class's `{name}()`", Severity.INFO,
            )
        elif not self.ctx.can_await():
            self.ctx.report(
                original, self.code,
                f"`{name}` overrides quart-wtforms' coroutine: make it `async def` and await the base class's "
                f"`{name}()` in it", Severity.ERROR,
            )
        return updated

    def _base_coroutine_call(self, original: cst.Call, func: cst.BaseExpression) -> bool:
        """``super().validate()`` / ``super(LoginForm, self).validate()`` in an override of it: the
        base class's method is quart-wtforms' coroutine."""
        if not self._overrides or not isinstance(func, cst.Attribute) or func.attr.value not in _COROUTINES:
            return False
        scope = self.ctx.function_scope()
        if scope is None or scope.kind != "function" or id(original) in self.ctx.awaited:
            return False
        base = func.value
        return (
            isinstance(base, cst.Call) and isinstance(base.func, cst.Name) and base.func.value == "super"
            and len(base.args) in (0, 2) and self.ctx.is_builtin("super")
        )


def _instance_class(value: V.Value) -> V.Value:
    """``k:obj:forms:LoginForm`` -> ``q:forms:LoginForm``."""
    if value and value.startswith("k:obj:"):
        return "q:" + value[len("k:obj:"):]
    return None
