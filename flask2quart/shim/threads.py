"""How many worker threads the WSGI adapter gets by default.

A Flask app moved behind the shim should keep the concurrency it had in production. When it ran under
gunicorn with ``--threads N`` (``gthread`` worker), each process served N requests at once, so the
adapter's pool gets N threads in each server process. The setting is looked up the way gunicorn reads
it, without running anything: the ``GUNICORN_CMD_ARGS`` environment variable first (it overrides the
config file), then the config file it names with ``-c``/``--config``, else ``./gunicorn.conf.py``.
A config file is parsed, never executed: only a literal ``threads = N`` at module level is understood.
"""

from __future__ import annotations

import ast
import logging
import os
import shlex
from collections.abc import Mapping
from pathlib import Path

DEFAULT_THREADS = 10
"""The pool size when no gunicorn deployment says otherwise (the same as a2wsgi's)."""

logger = logging.getLogger("flask2quart.shim")


def default_wsgi_threads(
    environ: Mapping[str, str] | None = None, cwd: str | os.PathLike[str] | None = None
) -> int:
    """The ``threads`` setting of the gunicorn deployment configured here, else ``DEFAULT_THREADS``."""
    environ = os.environ if environ is None else environ
    folder = Path.cwd() if cwd is None else Path(cwd)
    args = _split(environ.get("GUNICORN_CMD_ARGS", ""))
    threads = _option(args, "--threads")
    if threads is not None:
        return _positive(threads, "GUNICORN_CMD_ARGS") or DEFAULT_THREADS
    config = _option(args, "--config", "-c")
    path = folder / (config or "gunicorn.conf.py")
    value = _threads_in_config(path) if path.is_file() else None
    return value or DEFAULT_THREADS


def _split(command_line: str) -> list[str]:
    try:
        return shlex.split(command_line)
    except ValueError:
        return []


def _option(args: list[str], *names: str) -> str | None:
    """The last value given to one of ``names`` (``--name VALUE``, ``--name=VALUE``, ``-cVALUE``)."""
    value = None
    for index, arg in enumerate(args):
        for name in names:
            if arg == name and index + 1 < len(args):
                value = args[index + 1]
            elif name.startswith("--") and arg.startswith(name + "="):
                value = arg[len(name) + 1 :]
            elif not name.startswith("--") and arg.startswith(name) and len(arg) > len(name):
                value = arg[len(name) :]
    return value


def _threads_in_config(path: Path) -> int | None:
    try:
        tree = ast.parse(path.read_bytes(), str(path))
    except (OSError, SyntaxError, ValueError):
        logger.warning("could not read %s; the WSGI pool uses its default size", path)
        return None
    value: ast.expr | None = None
    for node in tree.body:
        targets: list[ast.expr]
        if isinstance(node, ast.AnnAssign):
            targets = [node.target]
        elif isinstance(node, ast.Assign):
            targets = node.targets
        else:
            continue
        if any(isinstance(target, ast.Name) and target.id == "threads" for target in targets):
            value = node.value
    if value is None:
        return None
    try:
        literal = ast.literal_eval(value)
    except ValueError:
        logger.warning(
            "%s sets threads with an expression this shim does not evaluate; "
            "pass threads= to WsgiToAsgi",
            path,
        )
        return None
    return _positive(literal, str(path))


def _positive(value: object, source: str) -> int | None:
    number = 0
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and value.strip().isdigit():
        number = int(value)
    if number < 1:
        logger.warning("ignoring threads=%r from %s", value, source)
        return None
    return number
