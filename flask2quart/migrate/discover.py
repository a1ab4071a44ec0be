"""Which files a rewrite looks at, and the cheap test that skips most of them unparsed."""

from __future__ import annotations

import errno
import fnmatch
import os
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
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


@dataclass
class Skipped:
    """What a walk did not hand out as a source, so that a run can say so."""

    #: (folder, why): every folder not entered (a default exclude, or the ``exclude`` pattern)
    folders: list[tuple[Path, str]] = field(default_factory=list)
    #: (path, why): FIFOs, devices, sockets, dangling symlinks, symlink loops
    files: list[tuple[Path, str]] = field(default_factory=list)
    #: symlinks kept as they are (never read as sources, never replaced)
    links: list[Path] = field(default_factory=list)
    #: journals of an interrupted run found on the way (see :mod:`.transaction`)
    journals: list[Path] = field(default_factory=list)


@dataclass(frozen=True)
class Entry:
    """One thing a walk found: a regular file, or a symlink (to a file or a folder)."""

    path: Path
    root: Path
    is_link: bool = False


#: Journal files of :mod:`.transaction`: a walk notices them so an interrupted run is finished.
JOURNAL_NAME = ".flask2quart-journal.json"


def _excluded(name: str, rel: str, patterns: Iterable[str]) -> bool:
    return any(fnmatch.fnmatch(name, p) or fnmatch.fnmatch(rel, p) for p in patterns)


def _project_package(folder: Path) -> bool:
    """A default-excluded name (``build``, ``dist``, ``venv``...) that is a package of the
    project: it is importable, so it is code to port, not output or an environment."""
    return folder.name.isidentifier() and (folder / "__init__.py").is_file() and not (folder / "pyvenv.cfg").exists()


def walk(paths: Iterable[Path], exclude: Iterable[str] = (), skipped: Skipped | None = None) -> Iterator[Entry]:
    """Regular files and symlinks under ``paths``, sorted, minus excluded folders and files.

    Symlinks are never followed (a link to a folder is one entry, a loop cannot hang the walk),
    FIFOs and devices are never opened (reading a FIFO blocks): both are recorded in ``skipped``.
    """
    skipped = skipped if skipped is not None else Skipped()
    user = tuple(exclude)
    for given in paths:
        path = given.resolve()
        if not path.exists():
            raise DiscoveryError(f"{given}: no such file or directory")
        if path.is_file():
            yield Entry(path, path.parent)
            continue
        if not path.is_dir():
            skipped.files.append((path, "not a regular file"))
            continue
        yield from _walk_folder(path, path, user, skipped)


def _walk_folder(folder: Path, root: Path, user: tuple[str, ...], skipped: Skipped) -> Iterator[Entry]:
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda e: e.name)
    except OSError as error:
        skipped.folders.append((folder, f"cannot be read: {error.strerror or error}"))
        return
    rel_folder = os.path.relpath(folder, root)
    folders: list[Path] = []
    for entry in entries:
        rel = os.path.normpath(os.path.join(rel_folder, entry.name))
        path = Path(entry.path)
        try:
            is_dir = entry.is_dir(follow_symlinks=False)
            is_link = entry.is_symlink()
            is_file = entry.is_file(follow_symlinks=False)
        except OSError:
            skipped.files.append((path, "cannot be read"))
            continue
        if is_dir:
            if _excluded(entry.name, rel, user):
                skipped.folders.append((path, "excluded by configuration"))
            elif _excluded(entry.name, rel, DEFAULT_EXCLUDES) and not _project_package(path):
                skipped.folders.append((path, "excluded by default"))
            else:
                folders.append(path)
            continue
        if _excluded(entry.name, rel, user) or _excluded(entry.name, rel, DEFAULT_EXCLUDES):
            continue
        if is_link:
            try:
                path.stat()
            except OSError as error:  # ENOENT: dangling; ELOOP: a loop
                why = "symlink loop" if error.errno == errno.ELOOP else "dangling symlink"
                skipped.files.append((path, f"{why} (to {os.readlink(path)}): left as it is"))
            yield Entry(path, root, is_link=True)
        elif is_file:
            if entry.name == JOURNAL_NAME:
                skipped.journals.append(path)
                continue
            yield Entry(path, root)
        else:
            skipped.files.append((path, "not a regular file (FIFO, device or socket): skipped"))
    for sub in folders:
        yield from _walk_folder(sub, root, user, skipped)


def iter_files(
    paths: Iterable[Path], exclude: Iterable[str] = (), *, python_only: bool = True, skipped: Skipped | None = None
) -> Iterator[SourceFile]:
    """Regular files under ``paths`` (``.py`` only unless ``python_only`` is false).

    Symlinks are not sources: they stay links, and the file they point to is rewritten where it
    is found itself. What is left out is recorded in ``skipped``.
    """
    skipped = skipped if skipped is not None else Skipped()
    for entry in walk(paths, exclude, skipped):
        if entry.is_link:
            if not python_only or entry.path.suffix == ".py":
                skipped.links.append(entry.path)
            continue
        if not python_only or entry.path.suffix == ".py":
            yield SourceFile(entry.path, entry.root)


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
