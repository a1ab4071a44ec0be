"""F2Q206: the pytest configuration pytest-asyncio needs.

Once tests and fixtures are ``async def``, pytest-asyncio must collect them: ``asyncio_mode = "auto"``
and ``asyncio_default_fixture_loop_scope = "function"`` are added to the project's pytest
configuration (``pyproject.toml`` ``[tool.pytest.ini_options]``, ``pytest.ini``, ``tox.ini``
``[pytest]`` or ``setup.cfg`` ``[tool:pytest]``). Without the second, a suite with
``filterwarnings = error`` stops on pytest-asyncio's deprecation warning (porting notes T1).

The file edited is the one ``pytest`` run from the project root reads: found by walking up from the
rewritten folder as pytest does (``rewrite pkg tests`` edits the project's ``pyproject.toml``, never a
new ``tests/pytest.ini`` that would shadow it and its ``filterwarnings``). With no configuration at
all, ``[tool.pytest.ini_options]`` goes into the project's ``pyproject.toml`` when there is one, else
a ``pytest.ini`` is written at the project root (the nearest folder with ``setup.py``,
``setup.cfg``, ``tox.ini`` or ``.git``, else the rewritten folder); an existing file is never
written over. Existing keys are left as they are (an existing ``asyncio_mode = strict`` is reported: async tests would then need
``@pytest.mark.asyncio``). Text outside the added lines is kept
byte for byte.

Docs: https://pytest-asyncio.readthedocs.io/en/stable/reference/configuration.html
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

SETTINGS = (("asyncio_mode", "auto"), ("asyncio_default_fixture_loop_scope", "function"))

#: (file name, section header regex, value quoting) in pytest's own lookup order.
_CANDIDATES = (
    ("pytest.ini", r"\[pytest\]", False),
    ("pyproject.toml", r"\[tool\.pytest\.ini_options\]", True),
    ("tox.ini", r"\[pytest\]", False),
    ("setup.cfg", r"\[tool:pytest\]", False),
)


_PROJECT_MARKERS = ("setup.py", "setup.cfg", "tox.ini", ".git")


def _has_section(path: Path, header: str) -> bool:
    text = path.read_text(encoding="utf-8", errors="replace")
    return re.search(rf"^[ \t]*{header}[ \t]*(?:[#;][^\r\n]*)?\r?$", text, flags=re.MULTILINE) is not None


@dataclass(frozen=True)
class ConfigEdit:
    path: Path
    before: bytes | None  # None: the file is new
    after: bytes


class PytestAsyncioConfig:
    code = "F2Q206"
    name = "pytest-asyncio-config"

    @staticmethod
    def config_root(start: Path) -> Path:
        """The folder whose configuration ``pytest`` reads for tests under ``start``.

        pytest takes, walking up from the folder it runs in, the first ``pytest.ini``, or
        ``pyproject.toml``/``tox.ini``/``setup.cfg`` holding a pytest section. Without one, the
        project root: the nearest folder with a ``pyproject.toml`` (it gets the section), a
        ``setup.py``/``setup.cfg``/``tox.ini`` or ``.git``."""
        folders = [start, *start.parents]
        for folder in folders:
            for name, header, _ in _CANDIDATES:
                path = folder / name
                if path.is_file() and (name == "pytest.ini" or _has_section(path, header)):
                    return folder
        for folder in folders:
            if (folder / "pyproject.toml").is_file():
                return folder
        for folder in folders:
            if any((folder / marker).exists() for marker in _PROJECT_MARKERS):
                return folder
        return start

    @staticmethod
    def strict_mode(root: Path) -> tuple[Path, int] | None:
        """Where the configuration keeps ``asyncio_mode = strict`` (async tests then need markers)."""
        for name, header, _ in _CANDIDATES:
            path = root / name
            if not path.is_file() or (name != "pytest.ini" and not _has_section(path, header)):
                continue
            text = path.read_text(encoding="utf-8", errors="replace")
            match = re.search(r"^asyncio_mode\s*=\s*[\"']?strict\b", text, flags=re.MULTILINE)
            if match is not None:
                return path, text.count("\n", 0, match.start()) + 1
        return None

    @staticmethod
    def plan(root: Path, current: dict[Path, bytes] | None = None) -> ConfigEdit | None:
        """The edit that gives ``root``'s pytest configuration the asyncio settings, if any.

        ``current`` holds text other project-file rules already planned for a path: the edit goes
        on top of it, and keeps the file's original bytes as its ``before``."""
        current = current or {}
        for name, header, quoted in _CANDIDATES:
            path = root / name
            if not path.is_file():
                continue
            raw = path.read_bytes()
            text = current.get(path.resolve(), raw).decode("utf-8")
            match = re.search(rf"^[ \t]*{header}[ \t]*(?:[#;][^\r\n]*)?\r?$", text, flags=re.MULTILINE)
            if match is None:
                if name == "pytest.ini":  # pytest reads pytest.ini even without a [pytest] section
                    newline = "\r\n" if "\r\n" in text else "\n"
                    sep = "" if not text or text.endswith("\n") else newline
                    lines = ["[pytest]", *(f"{k} = {v}" for k, v in SETTINGS)]
                    after = text + sep + newline.join(lines) + newline
                    return ConfigEdit(path, raw, after.encode("utf-8"))
                if name == "pyproject.toml" and not any(
                    (root / other).is_file() and _has_section(root / other, other_header)
                    for other, other_header, _ in _CANDIDATES
                    if other != name
                ):
                    newline = "\r\n" if "\r\n" in text else "\n"
                    sep = "" if not text or text.endswith("\n") else newline
                    blank = newline if text.strip() else ""
                    lines = ["[tool.pytest.ini_options]", *(f'{k} = "{v}"' for k, v in SETTINGS)]
                    after = text + sep + blank + newline.join(lines) + newline
                    return ConfigEdit(path, raw, after.encode("utf-8"))
                continue
            newline = "\r\n" if "\r\n" in text else "\n"
            section_end = re.search(r"^\[", text[match.end() :], flags=re.MULTILINE)
            end = match.end() + section_end.start() if section_end else len(text)
            section = text[match.end() : end]
            lines = []
            for key, value in SETTINGS:
                if re.search(rf"^{key}\s*=", section, flags=re.MULTILINE):
                    continue
                lines.append(f'{key} = "{value}"' if quoted else f"{key} = {value}")
            if not lines:
                return None
            body = section.rstrip("\r\n")
            trailing = section[len(body) :]
            insert = newline.join(lines)
            new_section = f"{body}{newline}{insert}{trailing or newline}"
            after = text[: match.end()] + new_section + text[end:]
            return ConfigEdit(path, raw, after.encode("utf-8"))
        lines = ["[pytest]", *(f"{k} = {v}" for k, v in SETTINGS)]
        return ConfigEdit(root / "pytest.ini", None, ("\n".join(lines) + "\n").encode())
