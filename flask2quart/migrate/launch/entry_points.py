"""Console scripts whose function the port made async (F2Q402).

A console script (``[project.scripts]``/``[project.gui-scripts]`` in ``pyproject.toml``,
``console_scripts``/``gui_scripts`` under ``[options.entry_points]`` in ``setup.cfg``) calls its
function synchronously and exits with what it returns: once the function is ``async def`` the script
only makes a coroutine, which never runs. The analysis keeps those functions sync (``Role.ENTRY``:
F2Q105 runs what they call that became async with ``asyncio.run()``); one that became async all the
same is reported on its script's line.
"""

from __future__ import annotations

import configparser
import re
import tomllib
from collections.abc import Iterable
from pathlib import Path

from ...findings import Finding, Severity


def scripts(root: Path) -> Iterable[tuple[Path, int, str, str]]:
    """``(file, line, script name, "module:function")`` of the project's console and GUI scripts."""
    pyproject = root / "pyproject.toml"
    if pyproject.is_file():
        text = pyproject.read_text(encoding="utf-8", errors="replace")
        try:
            project = tomllib.loads(text).get("project", {})
        except tomllib.TOMLDecodeError:
            project = {}
        for table in ("scripts", "gui-scripts"):
            for name, target in (project.get(table) or {}).items():
                if isinstance(target, str):
                    yield pyproject, _line(text, name), name, target
    setup_cfg = root / "setup.cfg"
    if setup_cfg.is_file():
        text = setup_cfg.read_text(encoding="utf-8", errors="replace")
        parser = configparser.ConfigParser(interpolation=None)
        try:
            parser.read_string(text)
        except configparser.Error:
            return
        for option in ("console_scripts", "gui_scripts"):
            value = parser.get("options.entry_points", option, fallback="")
            for entry in value.splitlines():
                name, _, target = entry.partition("=")
                if target.strip():
                    yield setup_cfg, _line(text, name.strip()), name.strip(), target.strip()


def targets(roots: Iterable[Path]) -> frozenset[str]:
    """``module:function`` of the console and GUI scripts of the projects at ``roots``."""
    return frozenset(target.split("[")[0].strip() for root in set(roots) for _, _, _, target in scripts(root))


def async_scripts(root: Path, async_functions: set[str], code: str) -> list[Finding]:
    """A finding for each script whose function (``module:qualname``) became async."""
    findings = []
    for path, line, name, target in scripts(root):
        function = target.split("[")[0].strip()  # ``mod:func [extra]``
        if function in async_functions:
            findings.append(
                Finding(
                    str(path), line, 1, code,
                    f"console script `{name}` runs `{function}`, which became async: the script would only "
                    "make a coroutine that never runs. Point the script at a sync function that runs it "
                    "(`def run(): return asyncio.run(main())`)",
                    Severity.ERROR,
                )
            )
    return findings


def _line(text: str, name: str) -> int:
    """The line that declares ``name`` (1 when not found)."""
    pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", re.MULTILINE)
    found = pattern.search(text)
    return text.count("\n", 0, found.start()) + 1 if found else 1
