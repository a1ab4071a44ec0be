"""The app ``flask run`` would load, as Hypercorn's ``MODULE:APP``.

Flask reads ``--app``/``FLASK_APP`` as ``module[:name]`` (a dotted module or a file path), else
tries ``wsgi.py`` and ``app.py``; a module alone is searched as Flask's ``find_best_app`` does
(``app``, ``application``, the one Flask instance, ``create_app()``/``make_app()``), and a factory
given by name is called. Hypercorn ``eval``s the part after the colon, so a factory needs its
``()``.

Docs: https://flask.palletsprojects.com/en/stable/cli/#application-discovery
"""

from __future__ import annotations

import ast
import os
import re
from pathlib import Path

from .command import Project

__all__ = ["flask_target"]


def flask_target(project: Project, spec: str | None) -> tuple[str | None, str]:
    """Hypercorn's ``module:app`` for Flask's app spec, and a warning ("" when none); (None, why)
    when it cannot be told."""
    if spec is None:
        for default in ("wsgi", "app"):
            if (project.root / f"{default}.py").is_file():
                spec = default
                break
        else:
            return None, "no --app, FLASK_APP, wsgi.py or app.py: the app is unknown"
    # Flask splits at the first colon not followed by a path separator (``C:\\app.py``)
    parts = re.split(r":(?![\\/])", spec, maxsplit=1)
    module_spec, attribute = parts[0], parts[1] if len(parts) > 1 else ""
    module, file = _import_path(project, module_spec)
    facts = _top_level(file) if file is not None else None
    if attribute:
        if "(" not in attribute and facts is not None and attribute in facts[1]:
            attribute += "()"  # Flask calls a factory given by name; Hypercorn needs the call
        note = (
            ""
            if file is not None
            else f"module {module_spec} not found in the project: check hypercorn {module}:{attribute}"
        )
        return f"{module}:{attribute}", note
    if facts is None:
        return (
            None,
            f"cannot tell which object of {module_spec} is the app (module not found): give --app "
            "module:name",
        )
    names, functions, instances = facts
    for name in ("app", "application"):
        if name in names:
            return f"{module}:{name}", ""
    if len(instances) == 1:
        return f"{module}:{instances[0]}", ""
    for name in ("create_app", "make_app"):
        if name in functions:
            return f"{module}:{name}()", ""
    return None, f"cannot tell which object of {module_spec} is the app: give --app module:name"


def _import_path(project: Project, spec: str) -> tuple[str, Path | None]:
    """Hypercorn's module part for Flask's ``--app`` module (dotted or a file path), and its file.

    Flask adds the folder above the package to ``sys.path`` (``prepare_import``); Hypercorn adds the
    folder of ``DIR/dotted.name`` and imports ``dotted.name``, so ``src/pkg/app.py`` becomes
    ``src/pkg.app``."""
    if "/" not in spec and not spec.endswith(".py"):
        return spec, project.module_file(spec)
    path = (project.root / spec).resolve()
    if path.suffix == ".py":
        path = path.with_suffix("")
    if path.name == "__init__":
        path = path.parent
    names: list[str] = []
    while True:
        path, name = path.parent, path.name
        names.append(name)
        if not (path / "__init__.py").exists():
            break
    dotted = ".".join(reversed(names))
    folder = os.path.relpath(path, project.root.resolve())
    module = dotted if folder == "." else f"{folder}/{dotted}"
    file = path.joinpath(*reversed(names))
    found = file.with_suffix(".py") if file.with_suffix(".py").is_file() else file / "__init__.py"
    return module, found if found.is_file() else None


def _top_level(file: Path) -> tuple[set[str], set[str], list[str]] | None:
    """(names bound, functions defined, names bound to a Flask()/Quart() call) at module level."""
    try:
        tree = ast.parse(file.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return None
    names: set[str] = set()
    functions: set[str] = set()
    instances: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.add(node.name)
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
                    if _called_name(node.value) in ("Flask", "Quart"):
                        instances.append(target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names, functions, instances


def _called_name(value: ast.expr | None) -> str:
    """``Flask`` for ``Flask(...)`` and ``flask.Flask(...)``; "" when ``value`` is no such call."""
    if not isinstance(value, ast.Call):
        return ""
    func = value.func
    if isinstance(func, ast.Attribute):
        return func.attr
    return func.id if isinstance(func, ast.Name) else ""
