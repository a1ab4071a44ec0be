"""Split a tree into projects when two packages in it have the same name.

Module names are derived from paths (:func:`analysis.module_name_for`): ``orig/app/views.py`` and
``ported/app/views.py`` are both ``app.views``. Analysed together, the facts of one would be read
for the other (a function async in the port makes the original's callers await twice). Python
itself never imports both in one process, so each is analysed as its own project: every folder
that holds one of the clashing packages is widened to its highest ancestor that holds no other,
and each file goes with the deepest such folder above it (files under none form one more project).
A tree without clashes is one project, as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from pathlib import Path
from typing import TypeVar

from . import analysis as A

T = TypeVar("T")


def import_root(path: Path) -> Path:
    """The folder Python would import ``path`` from: the first one up without ``__init__.py``."""
    folder = path.resolve().parent
    while (folder / "__init__.py").exists() and folder.parent != folder:
        folder = folder.parent
    return folder


def split(items: Sequence[T], path_of: dict[int, Path], names: dict[int, str]) -> list[tuple[Path | None, list[T]]]:
    """``items`` grouped into projects (see the module docstring), each with its folder (``None``
    for the whole tree, or for the files under no project folder); ``path_of``/``names`` give
    each item's path and module name by index."""
    roots_by_name: dict[str, set[Path]] = {}
    for index in range(len(items)):
        roots_by_name.setdefault(names[index], set()).add(import_root(path_of[index]))
    clashing = {root for roots in roots_by_name.values() if len(roots) > 1 for root in roots}
    if not clashing:
        return [(None, list(items))]
    anchors = {_widen(root, clashing - {root}) for root in clashing}
    groups: dict[Path | None, list[T]] = {}
    for index, item in enumerate(items):
        path = path_of[index].resolve()
        above = [anchor for anchor in anchors if anchor in path.parents]
        groups.setdefault(max(above, key=lambda a: len(a.parts)) if above else None, []).append(item)
    return [(key, groups[key]) for key in sorted(groups, key=lambda k: (k is None, str(k)))]


def _widen(root: Path, others: set[Path]) -> Path:
    """``root``'s highest ancestor that holds none of ``others`` (a project's tests and config
    live beside its package, e.g. ``services/a/src/app`` -> ``services/a``)."""
    anchor = root
    while anchor.parent != anchor and not any(_holds(anchor.parent, other) for other in others):
        anchor = anchor.parent
    return anchor


def _holds(folder: Path, other: Path) -> bool:
    return other == folder or folder in other.parents


def merge(analyses: list[A.ProjectAnalysis]) -> A.ProjectAnalysis:
    """One view of several projects' analyses (by path they never clash), for what reads the
    whole run: project files, ``check``. Each file was rewritten with its own project's."""
    first = analyses[0]
    if len(analyses) == 1:
        return first
    merged = dataclasses.replace(first)
    for item in dataclasses.fields(first):
        values = [getattr(analysis, item.name) for analysis in analyses]
        if isinstance(values[0], dict):
            combined: object = {k: v for value in values for k, v in value.items()}
        elif isinstance(values[0], set):
            combined = set().union(*values)
        elif isinstance(values[0], list):
            combined = [v for value in values for v in value]
        else:
            combined = next((v for v in values if v is not None), None)
        setattr(merged, item.name, combined)
    return merged
