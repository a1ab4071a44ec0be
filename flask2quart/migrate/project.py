"""Where a project's own files are, seen from a folder being rewritten.

``flask2quart rewrite pkg tests`` is given folders inside a project; the files that describe the
project (``pyproject.toml``, requirements, pytest configuration) sit at its root, which is found by
walking up as pip and pytest do.
"""

from __future__ import annotations

from pathlib import Path

#: Files that mark a project root, nearest first wins.
PROJECT_MARKERS = ("pyproject.toml", "setup.py", "setup.cfg", "tox.ini", ".git")


def project_root(start: Path) -> Path:
    """The nearest folder at or above ``start`` that holds a project marker, else ``start``.

    ``requirements*.txt`` beside the start folder count too: many apps have no packaging file."""
    start = start.resolve()
    for folder in (start, *start.parents):
        if any((folder / marker).exists() for marker in PROJECT_MARKERS):
            return folder
        if any(folder.glob("requirements*.txt")):
            return folder
    return start
