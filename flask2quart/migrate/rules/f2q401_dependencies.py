"""F2Q401: the project's dependencies name Quart instead of Flask.

Requirements files (``requirements*.txt``, ``*-requirements.txt``, ``requirements/*.txt``) and
``pyproject.toml`` (``[project]`` ``dependencies``, ``[project.optional-dependencies]``,
``[dependency-groups]``, Poetry's ``[tool.poetry.*dependencies]``): ``flask`` becomes ``quart`` with
a bound that fits the project's Python (``quart>=0.23.1`` when ``requires-python`` starts at 3.13 or
later, else ``quart>=0.22,!=0.23.0``: 0.23.0 prints every awaited request body). Extras of Flask
are dropped (``flask[async]`` has no Quart counterpart: Quart is async); environment markers and
comments stay. Where the tests became async, ``pytest-asyncio`` is added next to ``pytest``.
A requirements file pinned with ``--hash`` is not edited (a new name needs a new hash): it is
reported instead. Everything else in the files is kept byte for byte.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/flask_migration.html
"""

from __future__ import annotations

import re
from pathlib import Path

from .f2q206_pytest_asyncio_config import ConfigEdit

PYTEST_ASYNCIO = "pytest-asyncio>=0.24"
_FLASK = re.compile(
    r"^(?P<name>flask)(?P<extras>\s*\[[^\]]*\])?(?P<spec>\s*[<>=!~][^;#]*?)?(?P<rest>\s*(?:[;#].*)?)$",
    re.IGNORECASE,
)
_PYTEST = re.compile(r"^pytest(?:\s*\[[^\]]*\])?\s*(?:[<>=!~;#].*)?$", re.IGNORECASE)
_HAS_PYTEST_ASYNCIO = re.compile(r"(?im)^\s*[\"']?pytest[-_]asyncio\b")
_QUOTED = re.compile(r"(?P<quote>[\"'])(?P<text>[^\"'\n]*)(?P=quote)")
_TABLE = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*(?:#.*)?$")
_POETRY_KEY = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z0-9_.-]+)(?P<eq>\s*=\s*)(?P<value>.*)$")


def quart_requirement(requires_python: str | None) -> str:
    """``quart`` with the bound that installs a good Quart on every Python the project allows."""
    match = re.search(r">=\s*3\.(\d+)", requires_python or "")
    if match is not None and int(match.group(1)) >= 13:
        return "quart>=0.23.1"
    return "quart>=0.22,!=0.23.0"


def _requires_python(root: Path) -> str | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    match = re.search(r"(?m)^requires-python\s*=\s*[\"']([^\"']+)[\"']", path.read_text("utf-8", "replace"))
    return match.group(1) if match else None


def _rewrite_requirement(text: str, quart: str) -> str | None:
    """The requirement string with Flask replaced, or None when it does not name Flask."""
    match = _FLASK.match(text.strip())
    if match is None:
        return None
    leading = text[: len(text) - len(text.lstrip())]
    return f"{leading}{quart}{match.group('rest')}"


class ProjectDependencies:
    code = "F2Q401"
    name = "quart-dependencies"

    @staticmethod
    def requirement_files(root: Path) -> list[Path]:
        found = {
            *root.glob("requirements*.txt"),
            *root.glob("*-requirements.txt"),
            *root.glob("*_requirements.txt"),
            *(root / "requirements").glob("*.txt"),
        }
        return sorted(path for path in found if path.is_file())

    @staticmethod
    def plan(root: Path, *, async_tests: bool, current: dict[Path, bytes]) -> tuple[list[ConfigEdit], list[Path]]:
        """Edits for ``root``'s dependency files, and the hash-pinned files left alone.

        ``current`` holds the text other project-file rules already planned for a path (so that
        two rules editing one ``pyproject.toml`` compose)."""
        quart = quart_requirement(_requires_python(root))
        edits: list[ConfigEdit] = []
        pinned: list[Path] = []
        for path in ProjectDependencies.requirement_files(root):
            before = path.read_bytes()
            text = current.get(path.resolve(), before).decode("utf-8", "replace")
            if "--hash" in text and _FLASK_LINE.search(text):
                pinned.append(path)
                continue
            after = _edit_requirements(text, quart, async_tests)
            if after != text:
                edits.append(ConfigEdit(path, before, after.encode("utf-8")))
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            before = pyproject.read_bytes()
            text = current.get(pyproject.resolve(), before).decode("utf-8", "replace")
            after = _edit_pyproject(text, quart, async_tests)
            if after != text:
                edits.append(ConfigEdit(pyproject, before, after.encode("utf-8")))
        return edits, pinned


_FLASK_LINE = re.compile(r"(?im)^\s*flask\s*(?:\[[^\]]*\])?\s*(?:[<>=!~;#\\]|$)")


def _edit_requirements(text: str, quart: str, async_tests: bool) -> str:
    lines = text.splitlines(keepends=True)
    add_asyncio = async_tests and not _HAS_PYTEST_ASYNCIO.search(text)
    out: list[str] = []
    for line in lines:
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        stripped = body.strip()
        if not stripped or stripped.startswith(("#", "-")):
            out.append(line)
            continue
        replaced = _rewrite_requirement(body, quart)
        out.append(f"{replaced}{ending}" if replaced is not None else line)
        if add_asyncio and _PYTEST.match(stripped):
            out.append(f"{PYTEST_ASYNCIO}{ending or chr(10)}")
            add_asyncio = False
    return "".join(out)


def _edit_pyproject(text: str, quart: str, async_tests: bool) -> str:
    add_asyncio = async_tests and not _HAS_PYTEST_ASYNCIO.search(text)
    out: list[str] = []
    table = ""
    in_project_dependencies = False
    for line in text.splitlines(keepends=True):
        header = _TABLE.match(line)
        if header is not None:
            table = header.group("name").strip()
            in_project_dependencies = False
            out.append(line)
            continue
        if table == "project" and re.match(r"\s*dependencies\s*=", line):
            in_project_dependencies = True
        dependency_list = in_project_dependencies or table in ("project.optional-dependencies", "dependency-groups")
        if dependency_list:
            line, added = _edit_quoted(line, quart, add_asyncio)
            add_asyncio = add_asyncio and not added
        elif table.startswith("tool.poetry") and table.endswith("dependencies"):
            line, added = _edit_poetry(line, quart, add_asyncio)
            add_asyncio = add_asyncio and not added
        if in_project_dependencies and "]" in line.split("#", 1)[0]:
            in_project_dependencies = False
        out.append(line)
    return "".join(out)


def _edit_quoted(line: str, quart: str, add_asyncio: bool) -> tuple[str, bool]:
    added = False

    def replace(match: re.Match[str]) -> str:
        nonlocal added
        quote, text = match.group("quote"), match.group("text")
        replaced = _rewrite_requirement(text, quart)
        if replaced is not None:
            return f"{quote}{replaced}{quote}"
        if add_asyncio and not added and _PYTEST.match(text.strip()):
            added = True
            return f"{quote}{text}{quote}, {quote}{PYTEST_ASYNCIO}{quote}"
        return match.group(0)

    code, hash_sign, comment = line.partition("#")
    return _QUOTED.sub(replace, code) + hash_sign + comment, added


def _edit_poetry(line: str, quart: str, add_asyncio: bool) -> tuple[str, bool]:
    match = _POETRY_KEY.match(line.rstrip("\r\n"))
    if match is None:
        return line, False
    ending = line[len(line.rstrip("\r\n")) :]
    name = match.group("name").lower()
    if name == "flask":
        bound = quart.removeprefix("quart")
        return f'{match.group("indent")}quart{match.group("eq")}"{bound}"{ending}', False
    if name == "pytest" and add_asyncio:
        asyncio_line = f'{match.group("indent")}pytest-asyncio{match.group("eq")}">=0.24"{ending or chr(10)}'
        return line + asyncio_line, True
    return line, False
