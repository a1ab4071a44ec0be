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


_FLASK_RE = re.compile(rb"flask", re.IGNORECASE)


def mentions_flask(source: bytes) -> bool:
    """Cheap pre-filter: a module that never says "flask" cannot import or configure it."""
    return _FLASK_RE.search(source) is not None


def imports_any(source: bytes, top_level_names: Iterable[str]) -> bool:
    """Does the module import one of the project's packages (or anything relative)?"""
    names = sorted(set(top_level_names))
    if not names:
        return False
    pattern = rb"^[ \t]*(?:from[ \t]+(?:\.|(?:%s)\b)|import[ \t]+(?:%s)\b)" % (
        b"|".join(re.escape(n.encode()) for n in names),
        b"|".join(re.escape(n.encode()) for n in names),
    )
    return re.search(pattern, source, flags=re.MULTILINE) is not None
