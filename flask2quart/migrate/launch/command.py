"""One launch command: where it runs (:class:`Where`), the project it serves (:class:`Project`),
the server it starts (:class:`LaunchCommand`) and what it becomes (:class:`Outcome`: word edits,
Hypercorn options added, notes).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ...findings import Severity
from ..rules.f2q403_flaskenv import parse_dotenv
from .shell import EnvValue, Word, shell_quote

__all__ = ["LaunchCommand", "Outcome", "Project", "Where", "read_env_file", "untranslated"]


@dataclass(frozen=True)
class Where:
    """Where a command runs: what kind of file, how its words are written, what it sees."""

    kind: str  # "Procfile", "Dockerfile", "script", "compose"
    #: The command is a string of shell-quoted words (a shell line, a compose string).
    quoting: bool
    #: A shell runs it: ``$VAR`` is read from the running environment.
    expands: bool
    #: Variables the file sets for this command (``ENV``, ``export``, ``environment:``).
    env: Mapping[str, EnvValue] = field(default_factory=dict)
    #: Quote character new words must not use (they go inside a quoted ``sh -c`` script).
    avoid: str = ""

    def word(self, value: str) -> str:
        """``value`` written as one word of this command."""
        return shell_quote(value, self.avoid) if self.quoting else value


def read_env_file(path: Path) -> dict[str, EnvValue]:
    """The variables a dotenv file (``.env``, compose ``env_file``) sets, as python-dotenv reads
    them."""
    return {
        entry.key: EnvValue(shell_quote(entry.value), entry.value, entry.literal)
        for entry in parse_dotenv(path.read_text("utf-8", "replace"))
    }


_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


@dataclass
class Project:
    """What the commands of a project serve, and what Flask and gunicorn read besides them."""

    root: Path
    #: Resolved paths of the Flask app's Python modules (what the rewrite analysed).
    flask_paths: frozenset[str]
    #: What ``flask run`` loads from ``.env`` and ``.flaskenv`` (``.env`` wins).
    dotenv: dict[str, EnvValue]
    dotenv_files: list[str]
    #: gunicorn reads ``./gunicorn.conf.py`` when no ``-c`` is given.
    gunicorn_conf: bool

    @classmethod
    def load(cls, root: Path, flask_paths: Iterable[str]) -> Project:
        dotenv: dict[str, EnvValue] = {}
        files: list[str] = []
        for name in (".flaskenv", ".env"):
            path = root / name
            if path.is_file():
                files.append(name)
                dotenv.update(read_env_file(path))
        return cls(
            root, frozenset(flask_paths), dotenv, files, (root / "gunicorn.conf.py").is_file()
        )

    def module_file(self, dotted: str) -> Path | None:
        """The file of the project's module ``dotted`` (at the root or under ``src/``)."""
        if not _DOTTED.match(dotted):
            return None
        parts = dotted.split(".")
        for base in (self.root, self.root / "src"):
            path = base.joinpath(*parts)
            if path.with_suffix(".py").is_file():
                return path.with_suffix(".py")
            if (path / "__init__.py").is_file():
                return path / "__init__.py"
        return None


@dataclass
class LaunchCommand:
    """A command found to start gunicorn or ``flask``, for a server module to translate."""

    #: word index -> new raw text (None: the word goes); the program is renamed already
    actions: dict[int, str | None]
    #: the program's arguments: (word index, word), redirections left out
    args: list[tuple[int, Word]]
    where: Where
    project: Project
    #: variables set for the program on its own line (``PORT=8000 gunicorn ...``)
    line_env: Mapping[str, EnvValue]


@dataclass
class Outcome:
    """What one command that starts gunicorn or ``flask run`` becomes."""

    server: str  # "gunicorn" or "flask"
    #: word index -> new raw text (None: the word goes)
    actions: dict[int, str | None] = field(default_factory=dict)
    #: word index -> raw words added after it
    inserts: dict[int, list[str]] = field(default_factory=dict)
    #: findings about the command: (severity, message)
    notes: list[tuple[Severity, str]] = field(default_factory=list)
    translated: bool = False
    #: a gunicorn serving something that is not the Flask app: not ours
    foreign: bool = False

    def render_words(self, text: str, words: list[Word]) -> str:
        """The command's text with the edits applied, gaps between kept words kept."""
        pieces: list[str] = []
        pending_gap: str | None = None
        for index, word in enumerate(words):
            gap = text[words[index - 1].end : word.start] if index else ""
            new = self.actions.get(index, word.raw)
            if new is None:
                if pending_gap is None:
                    pending_gap = gap
            else:
                if pending_gap is not None:
                    gap, pending_gap = pending_gap, None
                pieces.append(gap + new)
            for extra in self.inserts.get(index, []):
                pieces.append(" " + extra)
        return "".join(pieces)

    def render_list(self, values: list[str]) -> list[str]:
        """An exec-form command (one item a word) with the edits applied."""
        out: list[str] = []
        for index, value in enumerate(values):
            new = self.actions.get(index, value)
            if new is not None:
                out.append(new)
            out.extend(self.inserts.get(index, []))
        return out


def untranslated(server: str, severity: Severity, message: str) -> Outcome:
    """A command left as it is, with the reason."""
    return Outcome(server, notes=[(severity, message)])
