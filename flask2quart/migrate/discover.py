"""Which files a rewrite looks at, and the cheap test that skips most of them unparsed."""

from __future__ import annotations

import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

#: Folders never entered: tool caches, VCS metadata, virtual environments, build output.
DEFAULT_EXCLUDES = (
    ".git", ".hg", ".svn", ".bzr", "__pycache__", ".mypy_cache", ".pytest_cache", ".ruff_cache",
    ".tox", ".nox", ".venv", "venv", ".eggs", "node_modules", "build", "dist", "*.egg-info",
    ".hypothesis",
)


@dataclass(frozen=True)
class SourceFile:
    path: Path  # as given/found (absolute)
    root: Path  # the PATH argument it was found under (a folder, or the file's own folder)

    @property
    def relative(self) -> Path:
        return self.path.relative_to(self.root)


class DiscoveryError(Exception):
    """A PATH that does not exist or cannot be read."""


def _excluded(name: str, rel: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def iter_files(paths: Iterable[Path], exclude: Iterable[str] = (), *, python_only: bool = True) -> Iterator[SourceFile]:
    patterns = (*DEFAULT_EXCLUDES, *exclude)
    for given in paths:
        path = given.resolve()
        if not path.exists():
            raise DiscoveryError(f"{given}: no such file or directory")
        if path.is_file():
            if not python_only or path.suffix == ".py":
                yield SourceFile(path, path.parent)
            continue
        for folder, dirs, files in os.walk(path):
            rel_folder = os.path.relpath(folder, path)
            dirs[:] = sorted(
                d for d in dirs if not _excluded(d, os.path.normpath(os.path.join(rel_folder, d)), patterns)
            )
            for name in sorted(files):
                rel = os.path.normpath(os.path.join(rel_folder, name))
                if _excluded(name, rel, patterns):
                    continue
                if python_only and not name.endswith(".py"):
                    continue
                yield SourceFile(Path(folder) / name, path)


_FLASK_RE = re.compile(rb"flask|quart", re.IGNORECASE)


def mentions_flask(source: bytes) -> bool:
    """Cheap pre-filter: a module that never says "flask" cannot import or configure it.

    "quart" counts too, so that a second run over ported code sees the same project as the first.
    """
    return _FLASK_RE.search(source) is not None


_FROM_RE = re.compile(
    rb"^[ \t]*from[ \t]+(\.*)([\w.]*)[ \t]+import[ \t]+(?:\(([^)]*)\)|([^\r\n#;]*))", re.MULTILINE
)
_IMPORT_RE = re.compile(rb"^[ \t]*import[ \t]+([\w., \t]+)", re.MULTILINE)


def imported_modules(source: bytes, module: str, is_package: bool) -> set[str]:
    """Dotted names a module imports (``from . import db`` in ``app`` gives ``app`` and ``app.db``).

    A regex over the bytes, not a parse: it may over-approximate, which only costs a parse.
    """
    package = module if is_package else module.rpartition(".")[0]
    names: set[str] = set()
    for dots, base, parenthesized, plain in _FROM_RE.findall(source):
        imported = parenthesized or plain
        base_name = base.decode("ascii", "replace")
        if dots:
            parts = package.split(".") if package else []
            parts = parts[: len(parts) - (len(dots) - 1)] if len(dots) > 1 else parts
            base_name = ".".join(p for p in [*parts, base_name] if p)
        if not base_name:
            continue
        names.add(base_name)
        for name in re.split(rb"[\s,()\\]+", imported):
            if name and name not in (b"as",):
                names.add(f"{base_name}.{name.decode('ascii', 'replace')}")
    for group in _IMPORT_RE.findall(source):
        for part in group.split(b","):
            dotted = part.strip().split(b" ")[0].decode("ascii", "replace")
            if dotted:
                names.add(dotted)
    return names
