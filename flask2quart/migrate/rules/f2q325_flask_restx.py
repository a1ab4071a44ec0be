"""F2Q325: Flask-RESTX, Flask-RESTPlus, flasgger and flask-smorest uses are reported (Flask-RESTX: what F2Q340 lacks).

These REST/OpenAPI layers are built on Flask's request, views and app context and do not run
under Quart. quart-schema is the counterpart (reference §5): ``QuartSchema(app)`` serves
``/openapi.json`` and ``/docs``; requests and responses are validated per route with
``@validate_request(Model)``, ``@validate_querystring(Model)`` and ``@validate_response(Model,
status)`` against pydantic models or dataclasses, and class-based resources become
``quart.views.MethodView`` classes. The paradigms differ (models instead of ``fields``/``reqparse``/
marshmallow schemas), so nothing is rewritten; each use site is one finding:

- **ERROR**: ``Api(...)``, ``Namespace(...)``/``api.namespace(...)``, ``Swagger(...)``, flask-smorest's
  ``Blueprint(...)``, the registrations (``api.add_resource``, ``api.add_namespace``,
  ``api.init_app``, ``api.register_blueprint``) and each class derived from ``Resource`` (one finding
  on the class name: it becomes a ``MethodView``; run flask2quart again afterwards and its methods
  become ``async def``);
- **WARNING**: each decorator (``@ns.route``, ``@ns.expect``, ``@ns.marshal_with``,
  ``@ns.response``, ``@ns.doc``, ``@blp.arguments``, ``@blp.response``, ``@swag_from``...) with its
  quart-schema form, and ``fields.*``, ``api.model(...)``, ``reqparse`` parsers, ``marshal``,
  ``abort`` and other names.

flasgger's YAML specs in view docstrings are not read by this rule. Flask-RESTful is not reported
here: F2Q340 keeps its API from a generated module. Flask-RESTX's core is kept there too (when F2Q340
runs): then only what it lacks is reported, as a WARNING: the ``Api(...)`` call (its Swagger UI and
``swagger.json`` are not served) and each ``validate=True`` (``@ns.expect``, ``Api``, ``Namespace``:
the payload is not checked against the model); ``flask_restx.inputs`` stays reported.

Docs: https://quart-schema.readthedocs.io/en/latest/; recipe: docs/extensions.md#flask-restx
"""

from __future__ import annotations

import libcst as cst

from ...findings import Severity
from ._report_extension import CALL, ExtensionReport, Origin, Report, Use

_TITLES = {
    "flask_restx": "Flask-RESTX",
    "flask_restplus": "Flask-RESTPlus",
    "flasgger": "flasgger",
    "flask_smorest": "flask-smorest",
}
_SETUP = ("quart-schema is the counterpart: `QuartSchema(app)` serves /openapi.json and /docs; routes become "
          "Quart views or `MethodView`s validated with `@validate_request`/`@validate_response`, and models "
          "become pydantic models or dataclasses")
_REGISTER = ("register each view on the app or a Quart `Blueprint`: `add_url_rule(path, "
             "view_func=View.as_view(\"name\"))` for a `MethodView`, `@bp.route` for a function")
#: Methods of an ``Api``/``Namespace``/smorest ``Blueprint`` object -> (quart-schema form, severity).
_OBJECT_METHODS: dict[str, tuple[str, Severity]] = {
    "add_resource": (_REGISTER, Severity.ERROR),
    "add_namespace": ("register the Quart `Blueprint` that replaces the namespace: "
                      "`app.register_blueprint(bp)` (tag its routes with `@tag([...])`)", Severity.ERROR),
    "namespace": ("a Quart `Blueprint` (its routes tagged with quart-schema's `@tag([...])`)", Severity.ERROR),
    "init_app": (_SETUP, Severity.ERROR),
    "register_blueprint": ("`app.register_blueprint(bp)` of a Quart `Blueprint`", Severity.ERROR),
    "route": (_REGISTER, Severity.WARNING),
    "expect": ("`@validate_request(Model)` (the view receives `data: Model`) or `@validate_querystring(Model)` "
               "for a parser", Severity.WARNING),
    "arguments": ("`@validate_request(Model)` (JSON body; the view receives `data: Model`) or "
                  "`@validate_querystring(Model)` (`location=\"query\"`)", Severity.WARNING),
    "marshal_with": ("`@validate_response(Model, status)` and return the model (or a dict)", Severity.WARNING),
    "marshal_list_with": ("`@validate_response(list[Model], status)`", Severity.WARNING),
    "response": ("`@validate_response(Model, status)` (or `@document_response(Model, status)` to document "
                 "without validating)", Severity.WARNING),
    "alt_response": ("`@document_response(Model, status)`", Severity.WARNING),
    "doc": ("the view's docstring, quart-schema's `@tag([...])`, `@document_querystring`/`@document_headers`",
            Severity.WARNING),
    "param": ("a field of the `@validate_querystring(Model)` model (or the route's converter)", Severity.WARNING),
    "header": ("`@validate_headers(Model)`", Severity.WARNING),
    "deprecated": ("`@deprecate`", Severity.WARNING),
    "hide": ("`@hide`", Severity.WARNING),
    "errorhandler": ("`@app.errorhandler(...)` (quart-schema raises `RequestSchemaValidationError` on bad input: "
                     "handle it there)", Severity.WARNING),
    "model": ("a pydantic model or dataclass", Severity.WARNING),
    "schema_model": ("a pydantic model or dataclass", Severity.WARNING),
    "inherit": ("a subclass of the pydantic model or dataclass", Severity.WARNING),
    "clone": ("a subclass of the pydantic model or dataclass", Severity.WARNING),
    "parser": ("a querystring model for `@validate_querystring(Model)`", Severity.WARNING),
    "abort": ("`quart.abort(status)`", Severity.WARNING),
    "paginate": ("pagination by hand: `page`/`page_size` fields of a `@validate_querystring` model",
                 Severity.WARNING),
    "etag": ("set `response.set_etag(...)`/`make_conditional` in the view", Severity.WARNING),
    "add_argument": ("a field of the querystring/body model (`@validate_querystring(Model)`, "
                     "`@validate_request(Model)`)", Severity.WARNING),
    "parse_args": ("`@validate_querystring(Model)` (the view receives `query_args: Model`) or "
                   "`@validate_request(Model)` for a body", Severity.WARNING),
}
#: Module-level names -> quart-schema form (constructors of the setup are handled apart).
_NAMES = {
    "fields": "a field of a pydantic model or dataclass (`str`, `int`, `list[Item]`, `Item | None`...)",
    "reqparse": "`@validate_querystring(Model)`/`@validate_request(Model)` with a model of the arguments",
    "RequestParser": "`@validate_querystring(Model)`/`@validate_request(Model)` with a model of the arguments",
    "marshal": "return the pydantic model/dataclass (validated by `@validate_response(Model)`)",
    "marshal_with": "`@validate_response(Model, status)`",
    "marshal_with_field": "`@validate_response(Model, status)`",
    "abort": "`quart.abort(status)` (a JSON error body needs an errorhandler)",
    "swag_from": "quart-schema's `@validate_*`/`@document_*` decorators: the YAML spec moves into models",
    "inputs": "a pydantic type or validator",
    "Model": "a pydantic model or dataclass",
    "OrderedModel": "a pydantic model or dataclass",
    "Schema": "a pydantic model or dataclass (quart-schema does not read marshmallow schemas)",
}
#: Classes whose construction sets the extension up.
_SETUP_CLASSES = frozenset({"Api", "Swagger", "Namespace", "Blueprint", "APISpec"})


#: What the generated module (F2Q340) does not keep of Flask-RESTX's core, by the use's first method.
_KEPT_LOSSES = {
    "expect": "`validate=True` is not applied by the generated module: the payload is not checked against the "
              "model (validate it in the resource, or with quart-schema's `@validate_request`)",
}


def _validates(call: cst.Call | None) -> bool:
    """A ``validate=`` argument that is not literally false/None."""
    return call is not None and any(
        arg.keyword is not None and arg.keyword.value == "validate"
        and not (isinstance(arg.value, cst.Name) and arg.value.value in ("False", "None"))
        for arg in call.args
    )


class FlaskRestx(ExtensionReport):
    code = "F2Q325"
    name = "flask-restx"
    modules = frozenset(_TITLES)
    title = "Flask-RESTX"
    anchor = "flask-restx"
    replacement = "quart-schema (`QuartSchema(app)`, `@validate_request`, `@validate_response`)"

    def title_of(self, module: str) -> str:
        return _TITLES.get(module.partition(".")[0], self.title)

    @property
    def kept(self) -> bool:
        """F2Q340 generates Flask-RESTX's core for this project (its imports move there)."""
        return "F2Q340" in self.ctx.enabled

    def _restx(self, target: str) -> bool:
        return self.kept and target.partition(".")[0] == "flask_restx"

    def _report_import(self, node: cst.CSTNode, module: str, names: tuple[str, ...]) -> None:
        if not self._restx(module):  # F2Q340 reports the moved import and the names it lacks
            super()._report_import(node, module, names)

    def describe(self, use: Use) -> Report | None:
        if use.kind != "class" and self._restx(use.target):
            return self._kept_loss(use)
        return self._describe(use)

    def _kept_loss(self, use: Use) -> Report | None:
        """Flask-RESTX kept by F2Q340: only what the generated module lacks is reported."""
        text = f"`{use.spelling}`"
        if use.kind == "name" and use.member == "Api" and use.path[:1] == (CALL,):
            lost = ("Flask-RESTX served the Swagger UI (at `doc=`, `/` by default) and `/swagger.json`: the "
                    "generated module serves neither (quart-schema's `QuartSchema(app)` serves /docs and "
                    "/openapi.json from its own models)")
            if _validates(use.calls[0] if use.calls else None):
                lost += "; " + _KEPT_LOSSES["expect"]
            return (f"{text}: {lost}", Severity.WARNING)
        if use.kind == "name" and use.member == "Namespace" and _validates(use.calls[0] if use.calls else None):
            return (f"{text}: {_KEPT_LOSSES['expect']}", Severity.WARNING)
        if use.kind == "name" and use.target.rpartition(".")[2] == "inputs":
            return self._describe(use)
        if (use.kind == "object" and use.attrs and use.attrs[0] in ("expect", "namespace")
                and _validates(use.call_after(use.attrs[0]))):
            return (f"{text}: {_KEPT_LOSSES['expect']}", Severity.WARNING)
        return None

    def _describe(self, use: Use) -> Report | None:
        text = f"`{use.spelling}`"
        title = self.title_of(use.target) if use.kind != "class" else self.title
        if use.kind == "name":
            if use.member in _SETUP_CLASSES and use.path[:1] == (CALL,):
                if use.member == "Namespace":
                    return (f"{text}: a Quart `Blueprint`, its routes tagged with quart-schema's `@tag([...])`",
                            Severity.ERROR)
                return (f"{text}: {title} does not work under Quart; {_SETUP}", Severity.ERROR)
            if use.member == "Resource":
                return (f"{text}: a `quart.views.MethodView`", Severity.WARNING)
            for part in reversed(use.target.split(".")):
                if part in _NAMES:
                    return (f"{text}: {_NAMES[part]}", Severity.WARNING)
            return (f"{text} is {title}'s: see the quart-schema recipe", Severity.WARNING)
        if use.kind != "object" or not use.attrs:
            return None
        method = use.attrs[0]
        form, severity = _OBJECT_METHODS.get(method, ("no quart-schema counterpart: see the recipe", Severity.WARNING))
        return (f"{text}: {form}", severity)

    def describe_class(self, node: cst.ClassDef, base: Origin | None, body_uses: list[Use]) -> Report | None:
        if base is None or base.kind != "name" or base.target.rpartition(".")[2] != "Resource":
            return None
        if self._restx(base.target):
            return None  # a Resource of the generated module
        name = node.name.value
        return (
            f"`{name}` is a {self.title_of(base.target)} `Resource`: make it a `quart.views.MethodView` (run "
            "flask2quart again afterwards: its methods become `async def`), register it with "
            f"`add_url_rule(path, view_func={name}.as_view(\"{name.lower()}\"))`, and validate its input and "
            "output with quart-schema's `@validate_request`/`@validate_querystring`/`@validate_response`",
            Severity.ERROR,
        )
