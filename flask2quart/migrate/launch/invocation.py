"""Which program a command runs: past env assignments and wrappers (``exec``, ``env A=b``,
``poetry run``, ``tini --``...), through ``python -m``, and the script of ``sh -c '...'``.
"""

from __future__ import annotations

import re

from .shell import EnvValue, Word, assignment, is_assignment

__all__ = [
    "is_python",
    "program_name",
    "program_start",
    "python_module",
    "script_index",
    "script_word",
]

_WRAPPERS = frozenset(
    {"exec", "nohup", "time", "command", "ddtrace-run", "dumb-init", "opentelemetry-instrument"}
)
#: Words a command can follow (`if ...; then gunicorn ...`, `start() { gunicorn ...; }`).
_RESERVED = frozenset({"{", "!", "if", "then", "elif", "else", "while", "until", "do"})
_RUNNERS = frozenset({"poetry", "pipenv", "uv", "pdm", "hatch", "rye"})
_PYTHON = re.compile(r"^(?:python|pypy)(?:\d+(?:\.\d+)*)?$")
_PYTHON_FLAGS = frozenset(
    {"-u", "-B", "-O", "-OO", "-E", "-s", "-S", "-I", "-b", "-bb", "-q", "-P"}
)
#: Python options that take the next word as their value.
_PYTHON_VALUE_FLAGS = frozenset({"-W", "-X"})
_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})
_SCRIPT_FLAG = re.compile(r"-[a-z]*c[a-z]*")


def program_name(value: str) -> str:
    """The program's name without its folder: ``/venv/bin/gunicorn`` -> ``gunicorn``."""
    return value.rsplit("/", 1)[-1]


def is_python(name: str) -> bool:
    """``python``, ``python3.12``, ``pypy3``..."""
    return _PYTHON.match(name) is not None


def program_start(args: list[Word], *, shell: bool) -> tuple[int, dict[str, EnvValue]]:
    """Position of the program ``args`` (a command without its redirections) runs, and the
    variables set for it on the way (``A=b cmd``, ``env A=b cmd``).

    ``shell``: a shell reads the line (assignments and reserved words mean something)."""
    position = 0
    line_env: dict[str, EnvValue] = {}
    while position < len(args) and shell and is_assignment(args[position]):
        name, value = assignment(args[position])
        line_env[name] = value
        position += 1
    while position < len(args):
        name = program_name(args[position].value)
        following = args[position + 1].value if position + 1 < len(args) else ""
        if name in _WRAPPERS or (name in _RESERVED and shell):
            position += 1
        elif name == "env":
            position += 1
            while position < len(args) and is_assignment(args[position]):
                key, value = assignment(args[position])
                line_env[key] = value
                position += 1
        elif (name in _RUNNERS and following == "run") or (
            name == "newrelic-admin" and following == "run-program"
        ):
            position += 2
        elif name in ("tini", "doppler"):
            position += 1 + (name == "doppler" and following == "run")
            if position < len(args) and args[position].value == "--":
                position += 1
        elif name in ("gosu", "su-exec"):
            position += 2
        else:
            break
    return position, line_env


def python_module(args: list[Word]) -> int | None:
    """Position of the module in ``python`` arguments ``[flags...] -m MODULE ...``, else None."""
    i = 0
    while i < len(args) and args[i].value in _PYTHON_FLAGS | _PYTHON_VALUE_FLAGS:
        i += 2 if args[i].value in _PYTHON_VALUE_FLAGS else 1
    if i + 1 < len(args) and args[i].value == "-m":
        return i + 1
    return None


def script_word(words: list[Word]) -> Word | None:
    """The script of an ``sh -c '...'`` command, when it is one quoted word we can edit inside."""
    args = [word for word in words if not word.redirect]
    position = 0
    while position < len(args) and (
        is_assignment(args[position]) or args[position].value in _WRAPPERS
    ):
        position += 1
    if position >= len(args) or program_name(args[position].value) not in _SHELLS:
        return None
    for i in range(position + 1, len(args) - 1):
        flag = args[i].value
        if _SCRIPT_FLAG.fullmatch(flag):
            script = args[i + 1]
            if script.quoted == "'" or (script.quoted == '"' and "\\" not in script.raw):
                return script
            return None
        if not flag.startswith("-"):
            return None
    return None


def script_index(values: list[str]) -> int | None:
    """Index of the script in an exec-form ``["sh", "-c", "..."]``."""
    if len(values) >= 3 and program_name(values[0]) in _SHELLS:
        for i in range(1, len(values) - 1):
            if _SCRIPT_FLAG.fullmatch(values[i]):
                return i + 1
            if not values[i].startswith("-"):
                return None
    return None
