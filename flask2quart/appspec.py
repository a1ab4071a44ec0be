"""``"pkg.mod:app"`` / ``"pkg.mod:create_app()"`` -> the app object, as gunicorn reads it.

Shared by ``serve`` and ``parity``. Every failure is one :class:`AppSpecError` line for the user.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import os
import sys
from typing import Any


class AppSpecError(Exception):
    """A ``MODULE:APP`` that does not name a loadable app (the message is for the user)."""


def load_app(spec: str) -> Any:
    """Import ``module`` and evaluate ``app`` (an attribute path, or a call with literal arguments)."""
    module_name, _, expression = spec.partition(":")
    module_name, expression = module_name.strip(), (expression.strip() or "app")
    if not module_name or not all(part.isidentifier() for part in module_name.split(".")):
        raise AppSpecError(f"{spec!r}: expected MODULE:APP, e.g. 'myapp.wsgi:app' or 'myapp:create_app()'")
    if os.getcwd() not in sys.path:
        sys.path.insert(0, os.getcwd())  # like gunicorn: the working directory is importable
    try:
        module = importlib.import_module(module_name)
    except ModuleNotFoundError as error:
        if error.name and (module_name == error.name or module_name.startswith(error.name + ".")):
            raise AppSpecError(f"{spec!r}: no module named {error.name!r}") from error
        raise AppSpecError(f"{spec!r}: importing {module_name} failed: {_missing(error)}") from error
    except Exception as error:  # the user's module raised while importing
        raise AppSpecError(f"{spec!r}: importing {module_name} failed: {type(error).__name__}: {error}") from error
    return _evaluate(spec, module, expression)


def _missing(error: ModuleNotFoundError) -> str:
    """``examples/x/http_client.py:30 imports 'aiohttp', which is not installed``: the spec itself
    is fine, a module it imports needs a package (an extra the user has not installed)."""
    where = None
    frame = error.__traceback__
    while frame is not None:  # the last frame of real code: importlib's own frames are "<frozen ...>"
        filename = frame.tb_frame.f_code.co_filename
        if not filename.startswith("<"):
            where = f"{_shown(filename)}:{frame.tb_lineno}"
        frame = frame.tb_next
    missing = f"{error.name!r}" if error.name else str(error)
    return f"{where} imports {missing}, which is not installed" if where else f"{error}"


def _shown(filename: str) -> str:
    try:
        relative = os.path.relpath(filename)
    except ValueError:  # another drive (Windows)
        return filename
    return filename if relative.startswith("..") else relative


def _evaluate(spec: str, module: Any, expression: str) -> Any:
    try:
        tree = ast.parse(expression, mode="eval").body
    except SyntaxError as error:
        raise AppSpecError(f"{spec!r}: {expression!r} is not an attribute name or a call") from error
    call_args: tuple[list[Any], dict[str, Any]] | None = None
    if isinstance(tree, ast.Call):
        try:
            args = [ast.literal_eval(arg) for arg in tree.args]
            kwargs = {kw.arg: ast.literal_eval(kw.value) for kw in tree.keywords if kw.arg}
        except ValueError as error:
            raise AppSpecError(f"{spec!r}: factory arguments must be literals") from error
        call_args = (args, kwargs)
        tree = tree.func
    path = _attribute_path(tree)
    if path is None:
        raise AppSpecError(f"{spec!r}: {expression!r} is not an attribute name or a call")
    target: Any = module
    for name in path:
        try:
            target = getattr(target, name)
        except AttributeError as error:
            raise AppSpecError(f"{spec!r}: {module.__name__} has no attribute {'.'.join(path)!r}") from error
    if call_args is not None:
        try:
            target = target(*call_args[0], **call_args[1])
        except Exception as error:
            raise AppSpecError(f"{spec!r}: calling the factory failed: {type(error).__name__}: {error}") from error
    return target


def _attribute_path(node: ast.expr) -> list[str] | None:
    if isinstance(node, ast.Name):
        return [node.id]
    if isinstance(node, ast.Attribute):
        head = _attribute_path(node.value)
        return None if head is None else [*head, node.attr]
    return None


def is_quart_app(app: Any) -> bool:
    try:
        from quart import Quart
    except ImportError:  # pragma: no cover - quart is a dependency
        return False
    return isinstance(app, Quart)


def is_asgi_app(app: Any) -> bool:
    call = app if inspect.isfunction(app) or inspect.ismethod(app) else getattr(app, "__call__", None)  # noqa: B004
    return inspect.iscoroutinefunction(call)


def is_wsgi_app(app: Any) -> bool:
    if is_asgi_app(app) or not callable(app):
        return False
    try:
        parameters = inspect.signature(app).parameters
    except (TypeError, ValueError):
        return True  # a C callable: give it the benefit of the doubt
    return len(parameters) >= 2 or any(p.kind is p.VAR_POSITIONAL for p in parameters.values())
