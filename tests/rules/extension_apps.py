"""Small Flask apps for the extension rules (F2Q3xx): ported with the real rewrite, then imported.

:func:`loaded` writes a package to a temp dir, runs the rewrite on it (or not, to run the Flask
original) and imports it under a unique module name, so the port and the original can be exercised
side by side with the real Flask and Quart extensions.
"""

from __future__ import annotations

import itertools
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from examples.packages import load_package
from flask2quart.findings import Finding
from tests.helpers import run_rewrite

_counter = itertools.count()


@dataclass
class App:
    package: ModuleType
    files: dict[str, str]  # path -> text as imported (ported or original)
    findings: list[Finding]
    root: Path


def port(files: dict[str, str]) -> tuple[list[Finding], dict[str, str]]:
    """Run the rewrite on a project made of ``files`` (dedented); return findings and all files."""
    files = {name: textwrap.dedent(text) for name, text in files.items()}
    first, *_ = files
    _, findings, ported = run_rewrite(files[first], path=first, files=files)
    return findings, ported


@contextmanager
def loaded(files: dict[str, str], *, ported: bool = True) -> Iterator[App]:
    """Import the package ``pkg`` made of ``files`` (``{"pkg/__init__.py": source, ...}``)."""
    files = {name: textwrap.dedent(text) for name, text in files.items()}
    findings: list[Finding] = []
    if ported:
        findings, files = port(files)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        for name, text in files.items():
            path = root / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        name = f"ext_app_{'quart' if ported else 'flask'}_{next(_counter)}"
        try:
            yield App(load_package(name, root / "pkg"), files, findings, root)
        finally:
            for module in [m for m in sys.modules if m == name or m.startswith(name + ".")]:
                del sys.modules[module]
