"""The launch commands of a shell text, or of an exec-form list, translated: edits to make,
findings (:class:`Note`) and the gunicorn commands moved or left (:class:`Tally`).

A command is translated where it starts gunicorn or ``flask`` (:func:`translate_command`); the
script of an ``sh -c '...'`` is searched in turn. Everything else on a line is kept byte for byte.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from ...findings import Severity
from .command import LaunchCommand, Outcome, Project, Where
from .flask_run import translate_flask
from .gunicorn import translate_gunicorn
from .invocation import (
    is_python,
    program_name,
    program_start,
    python_module,
    script_index,
    script_word,
)
from .shell import EnvValue, Word, is_assignment, lex, set_assignments

__all__ = [
    "Edit",
    "ListEdit",
    "Log",
    "Note",
    "Tally",
    "apply_edits",
    "rewrite_list",
    "rewrite_script",
    "rewrite_shell",
    "rewrite_text",
    "translate_command",
]

#: (start, end, new text) of a file's text.
Edit = tuple[int, int, str]

_SERVERS: dict[str, Callable[[LaunchCommand], Outcome | None]] = {
    "gunicorn": translate_gunicorn,
    "flask": translate_flask,
}


def translate_command(words: list[Word], where: Where, project: Project) -> Outcome | None:
    """What one simple command becomes (None: it starts neither gunicorn nor flask)."""
    args = [(index, word) for index, word in enumerate(words) if not word.redirect]
    position, line_env = program_start([word for _, word in args], shell=where.quoting)
    if position >= len(args):
        return None
    index, program = args[position]
    name = program_name(program.value)
    rest = args[position + 1 :]
    if is_python(name):  # `python -m gunicorn ...`
        module = python_module([word for _, word in rest])
        if module is None:
            return None
        index, program = rest[module]
        name = program.value
        rest = rest[module + 1 :]
    server = _SERVERS.get(name)
    if server is None:
        return None
    actions: dict[int, str | None] = {index: _swap(program.raw, name, "hypercorn")}
    return server(LaunchCommand(actions, rest, where, project, line_env))


def _swap(raw: str, old: str, new: str) -> str:
    """``raw`` with its last ``old`` replaced: ``/venv/bin/gunicorn`` -> ``/venv/bin/hypercorn``."""
    head, found, tail = raw.rpartition(old)
    return f"{head}{new}{tail}" if found else new


@dataclass
class Note:
    """A finding at ``offset`` of the file's text."""

    offset: int
    severity: Severity
    message: str


@dataclass
class Tally:
    """gunicorn commands moved to Hypercorn, and those left (untranslatable, or not the Flask
    app's), over the whole project."""

    moved: int = 0
    gunicorn_left: int = 0


@dataclass
class Log:
    """What translating one file found."""

    tally: Tally
    notes: list[Note] = field(default_factory=list)

    def record(self, outcome: Outcome, offset: int) -> None:
        """Count a command that starts a server, and keep its notes (at ``offset``)."""
        if outcome.server == "gunicorn":
            if outcome.translated:
                self.tally.moved += 1
            else:
                self.tally.gunicorn_left += 1
        self.notes += [Note(offset, severity, message) for severity, message in outcome.notes]


def rewrite_shell(
    text: str,
    start: int,
    end: int,
    where: Where,
    project: Project,
    log: Log,
    *,
    dockerfile: bool = False,
    continuation: str = "\\",
    track_env: bool = False,
) -> list[Edit]:
    """Edits that translate the launch commands in ``text[start:end]``.

    ``track_env``: the text is a script, whose own assignments later commands see."""
    edits: list[Edit] = []
    env = dict(where.env)
    for words in lex(text, start, end, dockerfile=dockerfile, continuation=continuation):
        outcome = translate_command(words, replace(where, env=env), project)
        if outcome is None:
            script = script_word(words)
            if script is not None:
                inner = replace(where, avoid=script.quoted, env=env)
                edits += rewrite_shell(
                    text,
                    script.start + 1,
                    script.end - 1,
                    inner,
                    project,
                    log,
                    dockerfile=dockerfile,
                    continuation=continuation,
                )
        else:
            log.record(outcome, words[0].start)
            if outcome.translated:
                edits.append((words[0].start, words[-1].end, outcome.render_words(text, words)))
        if track_env:
            _track_assignments(words, env)
    return edits


def _track_assignments(words: list[Word], env: dict[str, EnvValue]) -> None:
    """``A=b``, ``export A=b`` (a script's own variables, seen by what it runs later)."""
    args = [word for word in words if not word.redirect]
    if args and args[0].value in ("export", "declare", "readonly", "local"):
        args = [word for word in args[1:] if not word.value.startswith("-")]
    elif not args or not all(is_assignment(word) for word in args):
        return
    set_assignments(args, env)


def rewrite_script(text: str, project: Project, log: Log) -> str:
    """A shell script file with its launch commands translated."""
    where = Where("script", quoting=True, expands=True)
    return apply_edits(text, rewrite_shell(text, 0, len(text), where, project, log, track_env=True))


def rewrite_text(script: str, where: Where, project: Project, log: Log, offset: int) -> str:
    """A whole shell script held in one value (an exec-form ``sh -c`` script, a compose string)
    with its launch commands translated; its notes are put at ``offset``."""
    inner = Log(log.tally)
    edits = rewrite_shell(script, 0, len(script), where, project, inner)
    log.notes += [replace(note, offset=offset) for note in inner.notes]
    return apply_edits(script, edits)


def apply_edits(text: str, edits: list[Edit]) -> str:
    """``text`` with the edits (which do not overlap) made."""
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


@dataclass
class ListEdit:
    """An exec-form command (JSON array, YAML list) after translation, and how each item changed."""

    values: list[str]
    actions: dict[int, str | None]
    inserts: dict[int, list[str]]


def rewrite_list(
    values: list[str], where: Where, project: Project, log: Log, offset: int
) -> ListEdit | None:
    """The exec-form command with its launch command translated (None: unchanged); its notes are
    put at ``offset``."""
    # exec form has no expansion; a compose list has compose's own `$VAR` interpolation
    words = [
        Word(offset, offset, value, value, "$" not in value or where.kind != "compose")
        for value in values
    ]
    outcome = translate_command(words, where, project)
    if outcome is None:
        script = script_index(values)
        if script is None:
            return None
        shell_where = replace(where, quoting=True, expands=where.kind != "compose")
        new_script = rewrite_text(values[script], shell_where, project, log, offset)
        if new_script == values[script]:
            return None
        return ListEdit(
            [*values[:script], new_script, *values[script + 1 :]], {script: new_script}, {}
        )
    log.record(outcome, offset)
    if not outcome.translated:
        return None
    return ListEdit(outcome.render_list(values), outcome.actions, outcome.inserts)
