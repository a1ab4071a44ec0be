"""F2Q403: ``.flaskenv`` becomes ``.quartenv``, and env files name Quart's variables.

Quart's CLI loads ``.env`` and then ``.quartenv`` (``quart/cli.py``, ``load_dotenv``:
``for name in (".env", ".quartenv")``, through ``QuartGroup.make_context`` when python-dotenv is
installed and ``QUART_SKIP_DOTENV`` is not set); it never reads ``.flaskenv``. So ``.flaskenv`` is
renamed (the old file removed, the new one written; ``--diff`` shows a delete and a create,
``--out`` has only the new name). An existing ``.quartenv`` is never written over: that is reported.

In ``.quartenv``, ``.env`` and ``.env.*`` (edited in place) the variables become the names Quart
reads. ``QuartGroup`` sets click's ``auto_envvar_prefix="QUART"`` and reads ``QUART_APP``,
``QUART_DEBUG`` (``helpers.get_debug_flag``), ``QUART_SKIP_DOTENV``, ``QUART_ENV_FILE`` and, for
``quart run`` (options ``--host``, ``--port``, ``--certfile/--cert``, ``--keyfile/--key``,
``--reload``), ``QUART_RUN_HOST``, ``QUART_RUN_PORT``, ``QUART_RUN_CERTFILE``,
``QUART_RUN_KEYFILE`` and ``QUART_RUN_RELOAD``: so ``FLASK_RUN_CERT``/``FLASK_RUN_KEY`` become
``QUART_RUN_CERTFILE``/``QUART_RUN_KEYFILE``. ``FLASK_RUN_DEBUGGER``, ``FLASK_RUN_WITH_THREADS``,
``FLASK_RUN_EXTRA_FILES`` and ``FLASK_RUN_EXCLUDE_PATTERNS`` have no Quart option: they stay and
are reported. ``FLASK_ENV`` (removed in Flask 2.3; Quart reads no ``QUART_ENV``) is reported.
The app's own ``FLASK_*`` variables become ``QUART_*`` as rule F2Q113 renames them where the code
reads them (``os.environ``, ``from_prefixed_env()``, ``from_envvar``), so code and env file agree;
each is reported so the deployment sets the new name too. Comments, quoting, ``export`` and line
endings are kept. Other project files that name ``.flaskenv`` (a Dockerfile's ``COPY``) are
reported.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/command_line.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from ...findings import Finding, Severity
from ..discover import iter_files
from .f2q206_pytest_asyncio_config import ConfigEdit

CODE = "F2Q403"

#: Variables Flask's CLI reads -> the ones Quart's reads (``quart/cli.py``, ``quart/helpers.py``).
CLI_NAMES = {
    "FLASK_APP": "QUART_APP",
    "FLASK_DEBUG": "QUART_DEBUG",
    "FLASK_SKIP_DOTENV": "QUART_SKIP_DOTENV",
    "FLASK_ENV_FILE": "QUART_ENV_FILE",
    "FLASK_RUN_HOST": "QUART_RUN_HOST",
    "FLASK_RUN_PORT": "QUART_RUN_PORT",
    "FLASK_RUN_CERT": "QUART_RUN_CERTFILE",
    "FLASK_RUN_KEY": "QUART_RUN_KEYFILE",
    "FLASK_RUN_RELOAD": "QUART_RUN_RELOAD",
}
#: ``flask run`` options ``quart run`` does not have: the variables stay, reported.
NO_QUART_OPTION = {
    "FLASK_RUN_DEBUGGER": (Severity.WARNING, "`quart run` has no interactive debugger option"),
    "FLASK_RUN_WITH_THREADS": (Severity.INFO, "`quart run` serves concurrently on its event loop"),
    "FLASK_RUN_EXTRA_FILES": (
        Severity.WARNING,
        "`quart run` has no --extra-files: those files are not watched",
    ),
    "FLASK_RUN_EXCLUDE_PATTERNS": (Severity.WARNING, "`quart run` has no --exclude-patterns"),
}
_FLASK_NAME = re.compile(r"^FLASK_[A-Z0-9_]+$")
_ENTRY = re.compile(
    r"^(?P<lead>[ \t]*(?:export[ \t]+)?)(?P<key>[A-Za-z_][A-Za-z0-9_.]*)(?P<eq>[ \t]*=)(?P<value>.*)$"
)


@dataclass(frozen=True)
class Entry:
    """One ``KEY=value`` of a dotenv file."""

    line: int
    key_start: int  # offset of the key in the file's text
    key: str
    value: str
    literal: bool  # no ``${VAR}`` interpolation: the value is exact


def parse_dotenv(text: str) -> list[Entry]:
    """The assignments of a dotenv file, read as python-dotenv reads them (quotes, ``export``)."""
    entries: list[Entry] = []
    offset = 0
    lines = text.splitlines(keepends=True)
    index = 0
    while index < len(lines):
        line = lines[index]
        body = line.rstrip("\r\n")
        match = _ENTRY.match(body)
        start = offset
        offset += len(line)
        index += 1
        if match is None:
            continue
        raw = match.group("value").lstrip(" \t")
        quote = raw[:1] if raw[:1] in ("'", '"') else ""
        if quote:
            # a quoted value may span lines: it ends at the next unescaped closing quote
            content = raw[1:] + line[len(body) :]
            while not _closes(content, quote) and index < len(lines):
                content += lines[index]
                offset += len(lines[index])
                index += 1
            end = _closing(content, quote)
            value = content[:end] if end >= 0 else content
            if quote == '"':
                value = re.sub(
                    r"\\(.)", lambda m: {"n": "\n", "t": "\t"}.get(m.group(1), m.group(1)), value
                )
            literal = quote == "'" or "${" not in value
        else:
            value = re.split(r"[ \t]+#", raw, maxsplit=1)[0].strip()
            literal = "${" not in value
        entries.append(
            Entry(
                text.count("\n", 0, start) + 1,
                start + len(match.group("lead")),
                match.group("key"),
                value,
                literal,
            )
        )
    return entries


def _closing(text: str, quote: str) -> int:
    escaped = False
    for index, char in enumerate(text):
        if escaped:
            escaped = False
        elif char == "\\" and quote == '"':
            escaped = True
        elif char == quote:
            return index
    return -1


def _closes(text: str, quote: str) -> bool:
    return _closing(text, quote) >= 0


def read_dotenv(path: Path) -> dict[str, Entry]:
    try:
        text = path.read_text("utf-8", "replace")
    except OSError:
        return {}
    return {entry.key: entry for entry in parse_dotenv(text)}


def quart_name(key: str) -> str | None:
    """The name Quart (or the ported app, as F2Q113 renames it) reads for a ``FLASK_*`` variable."""
    if key in CLI_NAMES:
        return CLI_NAMES[key]
    if key in NO_QUART_OPTION or not _FLASK_NAME.match(key):
        return None
    return "QUART_" + key[len("FLASK_") :]


def _rename_keys(text: str, path: Path) -> tuple[str, list[Finding]]:
    findings: list[Finding] = []
    edits: list[tuple[int, int, str]] = []
    for entry in parse_dotenv(text):
        key = entry.key
        where = (str(path), entry.line, 1, CODE)
        if key in NO_QUART_OPTION:
            severity, why = NO_QUART_OPTION[key]
            findings.append(Finding(*where, f"{key} left as is: {why}", severity))
            continue
        new = quart_name(key)
        if new is None:
            continue
        edits.append((entry.key_start, entry.key_start + len(key), new))
        if key == "FLASK_ENV":
            findings.append(
                Finding(
                    *where,
                    "FLASK_ENV (removed in Flask 2.3) renamed QUART_ENV for the app's own use: "
                    "Quart reads "
                    "no QUART_ENV; set QUART_DEBUG=1 for debug mode",
                    Severity.WARNING,
                )
            )
        elif key == "FLASK_RUN_CERT" and entry.value == "adhoc":
            findings.append(
                Finding(
                    *where,
                    "`quart run` has no ad hoc certificate: give --certfile and --keyfile",
                    Severity.ERROR,
                )
            )
        elif key not in CLI_NAMES:
            findings.append(
                Finding(
                    *where,
                    f"renamed the app's own variable {key} to {new} (as F2Q113 renames it in the "
                    "code): "
                    "set it under the new name where the app is deployed",
                    Severity.INFO,
                )
            )
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text, findings


@dataclass(frozen=True)
class RenamedFile(ConfigEdit):
    """A project file moved: ``source`` goes, ``path`` is written with ``after``.

    ``before`` is the old file's content (what a diff shows as deleted)."""

    source: Path


#: Files that may name ``.flaskenv`` (a ``COPY .flaskenv``), checked when it is renamed.
_MENTIONS = re.compile(
    r"^(?:Dockerfile.*|.*\.[Dd]ockerfile|(?:docker-)?compose.*\.ya?ml|Procfile.*|.*\.sh|\.dockerignore|Makefile|MANIFEST\.in)$"
)


class FlaskEnvFiles:
    code = CODE
    name = "quartenv"

    @staticmethod
    def plan(root: Path, exclude: Iterable[str] = ()) -> tuple[list[ConfigEdit], list[Finding]]:
        """Edits for ``root``'s ``.flaskenv`` (a rename) and ``.env`` files, and findings."""
        edits: list[ConfigEdit] = []
        findings: list[Finding] = []
        renamed: list[Path] = []
        others: list[Path] = []
        for source in iter_files([root], exclude, python_only=False):
            path = source.path
            name = path.name
            if name == ".flaskenv":
                before = path.read_bytes()
                target = path.with_name(".quartenv")
                if target.exists():
                    findings.append(
                        Finding(
                            str(path),
                            1,
                            1,
                            CODE,
                            ".flaskenv left as is: .quartenv exists too; Quart reads "
                            "only .quartenv: move what .flaskenv sets into it",
                            Severity.WARNING,
                        )
                    )
                    continue
                text, notes = _rename_keys(before.decode("utf-8", "surrogateescape"), path)
                findings += notes
                findings.append(
                    Finding(
                        str(target),
                        1,
                        1,
                        CODE,
                        "renamed .flaskenv to .quartenv: Quart's CLI loads .env and .quartenv",
                        Severity.INFO,
                    )
                )
                edits.append(
                    RenamedFile(target, before, text.encode("utf-8", "surrogateescape"), path)
                )
                renamed.append(path)
            elif name == ".env" or name.startswith(".env."):
                before = path.read_bytes()
                text = before.decode("utf-8", "surrogateescape")
                after, notes = _rename_keys(text, path)
                findings += notes
                if after != text:
                    edits.append(ConfigEdit(path, before, after.encode("utf-8", "surrogateescape")))
            elif _MENTIONS.match(name):
                others.append(path)
        if renamed:
            for path in others:
                text = path.read_text("utf-8", "replace")
                for match in re.finditer(r"\.flaskenv\b", text):
                    line = text.count("\n", 0, match.start()) + 1
                    findings.append(
                        Finding(
                            str(path),
                            line,
                            1,
                            CODE,
                            ".flaskenv is now .quartenv: update this reference",
                            Severity.WARNING,
                        )
                    )
        return edits, findings
