"""F2Q402: launch commands start Hypercorn instead of gunicorn or ``flask run``.

Where: ``Procfile`` (and ``Procfile.*``), ``Dockerfile``, ``Dockerfile.*`` and ``*.Dockerfile``
(``RUN``/``CMD``/``ENTRYPOINT``, shell form and JSON exec form, ``sh -c "..."`` scripts included),
shell scripts (``*.sh``, and files under ``bin/`` or ``scripts/`` with a sh/bash shebang) and
compose files (``docker-compose*.yml``, ``compose*.yaml``: ``command:``/``entrypoint:`` as a string
or a list). gunicorn is a WSGI server: it cannot serve a Quart app. A command that starts gunicorn
(``gunicorn ...``, ``python -m gunicorn ...``, behind ``exec``, env assignments, ``poetry run``...)
or ``flask run`` (``flask --app X run``, ``FLASK_APP=X flask run``, ``python -m flask run``) becomes
``hypercorn MODULE:app`` with the same meaning; everything else on the line (comments, other
commands, ``exec``, env prefixes) is kept byte for byte.

gunicorn: the options Hypercorn shares keep their spelling (``-b/--bind``, ``-w/--workers``,
``--certfile/--keyfile/--ca-certs/--ciphers``, ``--access-logfile``, ``--error-logfile/--log-file``,
``--access-logformat``, ``--log-level``, ``--log-config``, ``--reload``, ``--root-path``,
``--graceful-timeout``, ``--keep-alive``, ``--backlog``, ``--max-requests``, ``-p/--pid``,
``--statsd-host/--statsd-prefix``; checked against ``hypercorn/__main__.py`` 0.18). A bare module
gets gunicorn's default object: ``wsgi`` -> ``wsgi:application``; a factory call
(``"pkg:create_app()"``) works unchanged (Hypercorn ``eval``s the part after the colon). gunicorn
binds ``0.0.0.0:$PORT`` when ``PORT`` is set and reads ``WEB_CONCURRENCY`` for its worker count;
Hypercorn reads neither (its default, like gunicorn's without ``PORT``, is ``127.0.0.1:8000``,
one worker): in a Procfile (the platform sets ``PORT``) ``--bind 0.0.0.0:$PORT --workers
${WEB_CONCURRENCY:-1}`` is added, elsewhere the same when the file sets those variables.
Options with no Hypercorn counterpart are dropped and reported: INFO when nothing changes for the
app (``--threads``, ``-k sync/gthread``, ``--timeout 0``, ``--worker-connections``), WARNING when
behaviour changes (``-k gevent``: blocking I/O is no longer cooperative; ``--timeout N``: hung
workers are no longer killed; ``--preload`` with several workers; ``--forwarded-allow-ips``:
use ``ProxyFixMiddleware``; ``--max-requests-jitter``: Hypercorn 0.18 sets the jitter to
``--max-requests``). A command that cannot be translated is left untouched and reported as an
ERROR: a gunicorn config file (``-c``, or ``./gunicorn.conf.py`` which gunicorn reads by default),
``GUNICORN_CMD_ARGS``, ``--chdir``, ``--pythonpath``, ``--env``, ``-D`` (gunicorn detaches;
Hypercorn's ``--daemon`` means something else), unknown options. A gunicorn command serving a module
of the project that is not part of the Flask app (a Django service next to it) is not touched.

``flask run``: the app comes from ``--app``, ``FLASK_APP`` (on the line, set earlier in the file,
in an env file of the service, or in ``.env``/``.flaskenv`` as Flask loads them), else ``wsgi.py``
or ``app.py``; a module alone is resolved as Flask does (``app``, ``application``, the one Flask
instance, ``create_app()``/``make_app()``), a factory name gets ``()``. The bind is Flask's:
``--host/-h`` and ``--port/-p`` (``FLASK_RUN_HOST/PORT``), default ``127.0.0.1:5000`` (always
written: Hypercorn's default port is 8000). ``--debug``/``FLASK_DEBUG`` and ``--reload`` become
``--reload`` (debug mode itself is reported: Hypercorn runs the app with debug off),
``--cert/--key`` become ``--certfile/--keyfile`` (``adhoc`` cannot be translated). ``flask run``
loaded ``.env`` and ``.flaskenv``; Hypercorn does not: the other variables they set are reported.
If the app cannot be found the line is reported and left. Other ``flask`` commands are reported
(Flask's CLI cannot load a Quart app: use ``quart``).

Docs: https://hypercorn.readthedocs.io/en/latest/how_to_guides/configuring.html
"""

from __future__ import annotations

import ast
import copy
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import yaml

from ...findings import Finding, Severity
from ..discover import iter_files
from .f2q206_pytest_asyncio_config import ConfigEdit
from .f2q403_flaskenv import parse_dotenv, quart_name

CODE = "F2Q402"


# --- shell words ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Word:
    """One shell word: where it is, its text, and its value once quotes are removed.

    ``$VAR``, ``${...}``, ``$(...)`` and backquotes stay in ``value`` as written (``literal`` is
    then False: the value is only known at run time)."""

    start: int
    end: int
    raw: str
    value: str
    literal: bool = True
    redirect: bool = False
    #: ``'`` or ``"`` when the whole word is one quoted string (an ``sh -c`` script).
    quoted: str = ""


_OPERATORS = ("&&", "||", ";;", ";&", "|&", ";", "&", "|", "(", ")")
_REDIRECT = re.compile(r"&>>|&>|\d*(?:<<<|<<-|<<|>>|<>|>&|<&|>\||>|<)")
_WORD_END = " \t\r\n;&|()<>"


def _newline_length(text: str, index: int, end: int) -> int:
    if text.startswith("\r\n", index) and index + 2 <= end:
        return 2
    return 1 if index < end and text[index] == "\n" else 0


def _skip_docker_comments(text: str, index: int, end: int) -> int:
    """Docker drops comment and empty lines inside a continued instruction."""
    while index < end:
        line_end = text.find("\n", index, end)
        line = text[index : end if line_end < 0 else line_end]
        if line.strip() and not line.lstrip().startswith("#"):
            return index
        if line_end < 0:
            return end
        index = line_end + 1
    return index


def _matching(text: str, index: int, end: int, opening: str, closing: str) -> int:
    """Index after the ``closing`` that matches the ``opening`` at ``index`` (quotes skipped)."""
    depth = 0
    quote = ""
    i = index
    while i < end:
        char = text[i]
        if quote:
            if char == "\\" and quote == '"':
                i += 1
            elif char == quote:
                quote = ""
        elif char in "'\"":
            quote = char
        elif char == "\\":
            i += 1
        elif char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth == 0:
                return i + 1
        i += 1
    return end


def _dollar_end(text: str, index: int, end: int) -> int:
    """End of the expansion starting with the ``$`` at ``index`` (``index + 1``: a plain ``$``)."""
    following = text[index + 1 : index + 2] if index + 1 < end else ""
    if following == "(":
        return _matching(text, index + 1, end, "(", ")")
    if following == "{":
        return _matching(text, index + 1, end, "{", "}")
    if following and (following.isalpha() or following == "_"):
        match = re.compile(r"[A-Za-z0-9_]+").match(text, index + 1, end)
        assert match is not None
        return match.end()
    if following and following in "@*#?$!-0123456789":
        return index + 2
    if following == "'":
        i = index + 2
        while i < end and text[i] != "'":
            i += 2 if text[i] == "\\" else 1
        return min(i + 1, end)
    return index + 1


def _backquote_end(text: str, index: int, end: int) -> int:
    i = index + 1
    while i < end and text[i] != "`":
        i += 2 if text[i] == "\\" else 1
    return min(i + 1, end)


def _read_double(text: str, index: int, end: int, value: list[str]) -> tuple[int, bool]:
    """Read a double-quoted string whose opening quote is before ``index``; (end, literal)."""
    literal = True
    i = index
    while i < end:
        char = text[i]
        if char == '"':
            return i + 1, literal
        if char == "\\" and i + 1 < end:
            following = text[i + 1]
            newline = _newline_length(text, i + 1, end)
            if newline:
                i += 1 + newline
                continue
            if following in '$`"\\':
                value.append(following)
                i += 2
                continue
            value.append(char)
            i += 1
            continue
        if char == "$":
            j = _dollar_end(text, i, end)
            literal = literal and j == i + 1
            value.append(text[i:j])
            i = j
            continue
        if char == "`":
            j = _backquote_end(text, i, end)
            literal = False
            value.append(text[i:j])
            i = j
            continue
        value.append(char)
        i += 1
    return end, literal


def _read_word(text: str, index: int, end: int, continuation: str, dockerfile: bool) -> Word:
    value: list[str] = []
    parts: list[str] = []
    literal = True
    i = index
    while i < end:
        char = text[i]
        if char == continuation:
            newline = _newline_length(text, i + 1, end)
            if newline:
                i += 1 + newline
                if dockerfile:
                    i = _skip_docker_comments(text, i, end)
                parts.append("\n")
                continue
        if char == "\\":
            value.append(text[i + 1] if i + 1 < end else char)
            i += 2
            parts.append("\\")
            continue
        if char == "'":
            close = text.find("'", i + 1, end)
            close = end if close < 0 else close
            value.append(text[i + 1 : close])
            i = close + 1
            parts.append("'")
            continue
        if char == '"':
            i, plain = _read_double(text, i + 1, end, value)
            literal = literal and plain
            parts.append('"')
            continue
        if char == "$":
            j = _dollar_end(text, i, end)
            literal = literal and j == i + 1
            value.append(text[i:j])
            i = j
            parts.append("$")
            continue
        if char == "`":
            j = _backquote_end(text, i, end)
            literal = False
            value.append(text[i:j])
            i = j
            parts.append("`")
            continue
        if char in _WORD_END:
            break
        value.append(char)
        i += 1
        if not parts or parts[-1] != "c":
            parts.append("c")
    end_index = min(i, end)
    quoted = parts[0] if len(parts) == 1 and parts[0] in ("'", '"') else ""
    return Word(index, end_index, text[index:end_index], "".join(value), literal, quoted=quoted)


def lex(
    text: str,
    start: int = 0,
    end: int | None = None,
    *,
    dockerfile: bool = False,
    continuation: str = "\\",
) -> list[list[Word]]:
    """The simple commands of ``text[start:end]``, each as its words (redirections marked).

    Control operators and newlines separate commands; comments and here-document bodies are
    skipped; a continuation (``\\`` and a newline) joins lines. Enough of POSIX sh to find
    commands in launch scripts, not an interpreter."""
    end = len(text) if end is None else end
    commands: list[list[Word]] = []
    current: list[Word] = []
    heredocs: list[tuple[str, bool]] = []
    i = start
    while i < end:
        char = text[i]
        if char == continuation and _newline_length(text, i + 1, end):
            i += 1 + _newline_length(text, i + 1, end)
            if dockerfile:
                i = _skip_docker_comments(text, i, end)
            continue
        if char in " \t\r":
            i += 1
            continue
        if char == "\n":
            if current:
                commands.append(current)
                current = []
            i += 1
            if heredocs:
                i = _skip_heredocs(text, i, end, heredocs)
                heredocs = []
            continue
        if char == "#":
            newline = text.find("\n", i, end)
            i = end if newline < 0 else newline
            continue
        redirect = _REDIRECT.match(text, i, end)
        if redirect is not None:
            operator = redirect.group()
            current.append(Word(i, redirect.end(), operator, operator, redirect=True))
            i = redirect.end()
            while i < end and text[i] in " \t":
                i += 1
            if i < end and text[i] not in _WORD_END:
                target = _read_word(text, i, end, continuation, dockerfile)
                current.append(replace(target, redirect=True))
                i = target.end
                if operator.lstrip("0123456789") in ("<<", "<<-"):
                    heredocs.append((target.value, operator.endswith("-")))
            continue
        operator = next((op for op in _OPERATORS if text.startswith(op, i)), None)
        if operator is not None:
            if current:
                commands.append(current)
                current = []
            i += len(operator)
            continue
        word = _read_word(text, i, end, continuation, dockerfile)
        current.append(word)
        i = max(word.end, i + 1)
    if current:
        commands.append(current)
    return commands


def _skip_heredocs(text: str, index: int, end: int, heredocs: list[tuple[str, bool]]) -> int:
    for delimiter, strip_tabs in heredocs:
        while index < end:
            newline = text.find("\n", index, end)
            line = text[index : end if newline < 0 else newline].rstrip("\r")
            index = end if newline < 0 else newline + 1
            if (line.lstrip("\t") if strip_tabs else line) == delimiter:
                break
    return index


_SAFE_WORD = re.compile(r"^[A-Za-z0-9_@%+=:,./-]+$")


def shell_quote(value: str, avoid: str = "") -> str:
    """``value`` as one shell word, without the quote character ``avoid`` (the enclosing one)."""
    if _SAFE_WORD.match(value):
        return value
    if "'" not in value and avoid != "'":
        return f"'{value}'"
    if avoid != '"':
        return '"' + re.sub(r'([\\"$`])', r"\\\1", value) + '"'
    return re.sub(r"([^A-Za-z0-9_@%+=:,./-])", r"\\\1", value)


# --- where a command runs -------------------------------------------------------------------------


@dataclass(frozen=True)
class EnvValue:
    """A variable's value as the file sets it: ``raw`` as written, ``value`` unquoted."""

    raw: str
    value: str
    literal: bool


@dataclass(frozen=True)
class Where:
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
        return shell_quote(value, self.avoid) if self.quoting else value


@dataclass
class Project:
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
            if not path.is_file():
                continue
            files.append(name)
            for entry in parse_dotenv(path.read_text("utf-8", "replace")):
                dotenv[entry.key] = EnvValue(shell_quote(entry.value), entry.value, entry.literal)
        return cls(
            root, frozenset(flask_paths), dotenv, files, (root / "gunicorn.conf.py").is_file()
        )


# --- translating one command ----------------------------------------------------------------------


@dataclass
class Outcome:
    server: str  # "gunicorn" or "flask"
    #: word index -> new raw text (None: the word goes)
    actions: dict[int, str | None] = field(default_factory=dict)
    #: word index -> raw words added after it
    inserts: dict[int, list[str]] = field(default_factory=dict)
    notes: list[tuple[Severity, str]] = field(default_factory=list)
    translated: bool = False
    #: a gunicorn serving something that is not the Flask app: not ours
    foreign: bool = False


def _untranslated(server: str, severity: Severity, message: str) -> Outcome:
    return Outcome(server, notes=[(severity, message)])


_ASSIGNMENT = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*=")
_PYTHON = re.compile(r"^(?:python|pypy)(?:\d+(?:\.\d+)*)?$")
_WRAPPERS = frozenset(
    {"exec", "nohup", "time", "command", "ddtrace-run", "dumb-init", "opentelemetry-instrument"}
)
#: Words a command can follow (`if ...; then gunicorn ...`, `start() { gunicorn ...; }`).
_RESERVED = frozenset({"{", "!", "if", "then", "elif", "else", "while", "until", "do"})
_RUNNERS = frozenset({"poetry", "pipenv", "uv", "pdm", "hatch", "rye"})
_PYTHON_FLAGS = frozenset(
    {"-u", "-B", "-O", "-OO", "-E", "-s", "-S", "-I", "-b", "-bb", "-q", "-P"}
)


def _basename(value: str) -> str:
    return value.rsplit("/", 1)[-1]


def _swap(raw: str, old: str, new: str) -> str:
    """``raw`` with its last ``old`` replaced: ``/venv/bin/gunicorn`` -> ``/venv/bin/hypercorn``."""
    head, found, tail = raw.rpartition(old)
    return f"{head}{new}{tail}" if found else new


def _assignment(word: Word) -> tuple[str, EnvValue]:
    name = word.raw.split("=", 1)[0]
    return name, EnvValue(word.raw[len(name) + 1 :], word.value[len(name) + 1 :], word.literal)


def analyze(words: list[Word], where: Where, project: Project) -> Outcome | None:
    """What to do with one simple command (None: it starts neither gunicorn nor flask)."""
    args = [(index, word) for index, word in enumerate(words) if not word.redirect]
    position = 0
    line_env: dict[str, EnvValue] = {}
    while position < len(args) and where.quoting and _ASSIGNMENT.match(args[position][1].raw):
        name, value = _assignment(args[position][1])
        line_env[name] = value
        position += 1
    while position < len(args):
        name = _basename(args[position][1].value)
        following = args[position + 1][1].value if position + 1 < len(args) else ""
        if name in _WRAPPERS or (name in _RESERVED and where.quoting):
            position += 1
        elif name == "env":
            position += 1
            while position < len(args) and _ASSIGNMENT.match(args[position][1].raw):
                key, value = _assignment(args[position][1])
                line_env[key] = value
                position += 1
        elif (name in _RUNNERS and following == "run") or (
            name == "newrelic-admin" and following == "run-program"
        ):
            position += 2
        elif name in ("tini", "doppler"):
            position += 1 + (name == "doppler" and following == "run")
            if position < len(args) and args[position][1].value == "--":
                position += 1
        elif name in ("gosu", "su-exec"):
            position += 2
        else:
            break
    if position >= len(args):
        return None
    index, command = args[position]
    name = _basename(command.value)
    rest = args[position + 1 :]
    if name == "gunicorn":
        return _gunicorn(
            {index: _swap(command.raw, "gunicorn", "hypercorn")}, rest, where, project, line_env
        )
    if name == "flask":
        return _flask(
            {index: _swap(command.raw, "flask", "hypercorn")}, rest, where, project, line_env
        )
    if _PYTHON.match(name):
        i = 0
        while i < len(rest) and rest[i][1].value in _PYTHON_FLAGS | {"-W", "-X"}:
            i += 2 if rest[i][1].value in ("-W", "-X") else 1
        if i + 1 < len(rest) and rest[i][1].value == "-m":
            module_index, module = rest[i + 1]
            if module.value == "gunicorn":
                return _gunicorn(
                    {module_index: _swap(module.raw, "gunicorn", "hypercorn")},
                    rest[i + 2 :],
                    where,
                    project,
                    line_env,
                )
            if module.value == "flask":
                return _flask(
                    {module_index: _swap(module.raw, "flask", "hypercorn")},
                    rest[i + 2 :],
                    where,
                    project,
                    line_env,
                )
    return None


# gunicorn ----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Option:
    takes_value: bool
    action: str  # keep | drop | error | not-launch | a special handler's name
    severity: Severity = Severity.INFO
    why: str = ""


_GUNICORN: dict[str, _Option] = {}


def _options(
    names: str, takes_value: bool, action: str, severity: Severity = Severity.INFO, why: str = ""
) -> None:
    for name in names.split():
        _GUNICORN[name] = _Option(takes_value, action, severity, why)


_NO_COUNTERPART = "Hypercorn has no such option"
# Same spelling and meaning in Hypercorn (hypercorn/__main__.py).
_options("-b --bind", True, "bind")
_options("-w --workers", True, "workers")
_options(
    "--certfile --keyfile --ca-certs --ciphers --cert-reqs --access-logfile --error-logfile "
    "--log-file "
    "--access-logformat --log-level --log-config --root-path --graceful-timeout --keep-alive "
    "--backlog "
    "--max-requests -p --pid --statsd-host --statsd-prefix",
    True,
    "keep",
)
_options("--reload", False, "keep")
_options("--log-config-json", True, "log-config-json")
_options("-u --user -g --group -m --umask", True, "number")
_options("-t --timeout", True, "timeout")
_options("-k --worker-class", True, "worker-class")
_options("--preload", False, "preload")
_options("-c --config", True, "config")
# Dropped, nothing changes for the app.
_options(
    "--threads", True, "drop", Severity.INFO, "Quart serves requests concurrently on its event loop"
)
_options(
    "--worker-connections",
    True,
    "drop",
    Severity.INFO,
    "Hypercorn has no per-worker connection limit",
)
_options(
    "-n --name --worker-tmp-dir --http-parser --asgi-loop --asgi-lifespan "
    "--asgi-disconnect-grace-period "
    "--control-socket --control-socket-mode --http-protocols --http2-cleartext "
    "--http2-initial-window-size "
    "--http2-max-concurrent-streams --http2-max-frame-size --http2-max-header-list-size "
    "--reload-engine "
    "--uwsgi-allow-from",
    True,
    "drop",
    Severity.INFO,
    _NO_COUNTERPART,
)
_options(
    "--capture-output -R --enable-stdio-inheritance --disable-redirect-access-to-syslog "
    "--no-sendfile "
    "--do-handshake-on-connect --suppress-ragged-eofs --enable-backlog-metric --no-control-socket "
    "--spew",
    False,
    "drop",
    Severity.INFO,
    _NO_COUNTERPART,
)
# Dropped, behaviour changes.
_PROXY = (
    "Hypercorn does not trust X-Forwarded-*/PROXY headers by itself: wrap the app in "
    "hypercorn.middleware.ProxyFixMiddleware"
)
_options(
    "--forwarded-allow-ips --forwarder-headers --proxy-allow-from",
    True,
    "drop",
    Severity.WARNING,
    _PROXY,
)
_options("--proxy-protocol", True, "proxy-protocol", Severity.WARNING, _PROXY)
_options(
    "--limit-request-line --limit-request-fields --limit-request-field_size "
    "--websocket-max-message-size "
    "--header-map --dogstatsd-tags --ssl-version --log-syslog-to --log-syslog-prefix "
    "--log-syslog-facility",
    True,
    "drop",
    Severity.WARNING,
    f"{_NO_COUNTERPART} on its command line (some are settings of a Hypercorn config file)",
)
_options(
    "--strip-header-spaces --permit-obsolete-folding --permit-unconventional-http-method "
    "--permit-unconventional-http-version --casefold-http-method --log-syslog --initgroups "
    "--reuse-port",
    False,
    "drop",
    Severity.WARNING,
    _NO_COUNTERPART,
)
_options(
    "--reload-extra-file",
    True,
    "drop",
    Severity.WARNING,
    "Hypercorn's reloader watches only the loaded modules",
)
_options(
    "--max-requests-jitter",
    True,
    "drop",
    Severity.WARNING,
    "Hypercorn 0.18 sets the jitter to the --max-requests value (a bug in hypercorn/__main__.py): "
    "workers "
    "restart without jitter",
)
# Cannot be translated.
_options("--chdir", True, "error", Severity.ERROR, "Hypercorn has no --chdir")
_options(
    "--pythonpath", True, "error", Severity.ERROR, "Hypercorn has no --pythonpath (set PYTHONPATH)"
)
_options(
    "-e --env",
    True,
    "error",
    Severity.ERROR,
    "Hypercorn has no --env (set the variable in the environment)",
)
_options(
    "--paste --paster --paste-global --protocol --logger-class",
    True,
    "error",
    Severity.ERROR,
    _NO_COUNTERPART,
)
_options(
    "-D --daemon",
    False,
    "error",
    Severity.ERROR,
    "gunicorn -D detaches from the terminal; Hypercorn's --daemon only marks its worker processes",
)
_options("--check-config --print-config -v --version -h --help", False, "not-launch")


def _option_name(value: str) -> tuple[str | None, str | None]:
    """(gunicorn option, attached value) for a word starting with ``-``."""
    if value.startswith("--"):
        name, eq, attached = value.partition("=")
        if name not in _GUNICORN:
            # argparse accepts any unambiguous prefix of a long option
            matches = [
                known for known in _GUNICORN if known.startswith(name) and known.startswith("--")
            ]
            if len(matches) != 1:
                return None, None
            name = matches[0]
        return name, attached if eq else None
    name = value[:2]
    if name not in _GUNICORN:
        return None, None
    return name, value[2:] or None


def _gunicorn(
    actions: dict[int, str | None],
    rest: list[tuple[int, Word]],
    where: Where,
    project: Project,
    line_env: dict[str, EnvValue],
) -> Outcome | None:
    outcome = Outcome("gunicorn", actions=actions)
    notes: list[tuple[Severity, str]] = []
    app: tuple[int, Word] | None = None
    has_bind = has_workers = preload = False
    workers: str | None = None
    # The first reason not to translate. Parsing goes on to find the app: a command serving some
    # other framework's module is not ours, whatever its options.
    problem: str | None = None
    i = 0
    positional_only = False
    while i < len(rest):
        index, word = rest[i]
        if positional_only or not word.value.startswith("-") or word.value == "-":
            if app is not None:
                problem = problem or "gunicorn with more than one app argument: not translated"
            app = app or (index, word)
            i += 1
            continue
        if word.value == "--":
            positional_only = True
            actions[index] = None
            i += 1
            continue
        name, attached = _option_name(word.value)
        if name is None:
            problem = problem or f"gunicorn option {word.value} not understood: command left as is"
            i += 1
            continue
        option = _GUNICORN[name]
        if option.action == "not-launch":
            return None
        indexes = [index]
        value: Word | None = None
        value_raw = ""
        if option.takes_value and not (
            option.action == "proxy-protocol" and attached is None and not _proxy_value(rest, i)
        ):
            if attached is not None:
                value_raw = _attached_raw(word, name, attached, where)
                value = Word(word.start, word.end, value_raw, attached, word.literal)
            elif i + 1 < len(rest):
                indexes.append(rest[i + 1][0])
                value = rest[i + 1][1]
                value_raw = value.raw
            else:
                problem = problem or f"gunicorn {name} without a value: command left as is"
                break
        i += len(indexes)
        action = option.action
        if action == "config":
            assert value is not None
            problem = problem or (
                f"gunicorn reads its settings from {value.value}: translate them to Hypercorn "
                "(hypercorn -c takes "
                "TOML, or file:/python: Python with Hypercorn's setting names) and change this "
                "command by hand"
            )
        elif action == "error":
            problem = problem or f"gunicorn {name}: {option.why}; command left as is"
        if action in ("drop", "proxy-protocol"):
            shown = f"{name} {value.value}" if value is not None else name
            notes.append((option.severity, f"dropped gunicorn {shown}: {option.why}"))
            for dropped in indexes:
                actions[dropped] = None
        elif action == "bind":
            has_bind = True
            assert value is not None
            fixed = value.value
            if value.literal and fixed.startswith("tcp://"):
                fixed = fixed[
                    len("tcp://") :
                ]  # Hypercorn does not strip gunicorn's optional scheme
            if value.literal and fixed.startswith("[") and fixed.endswith("]"):
                fixed += ":8000"  # Hypercorn would read `[::1]` as host `::`, port 1
            if fixed != value.value:
                stripped = where.word(fixed)
                if len(indexes) == 2:
                    actions[indexes[1]] = stripped
                else:
                    actions[index] = (
                        f"{name}={stripped}" if name.startswith("--") else f"{name}{stripped}"
                    )
        elif action == "workers":
            has_workers = True
            workers = value.value if value is not None and value.literal else None
        elif action == "log-config-json":
            assert value is not None
            new_value = where.word(f"json:{value.value}") if value.literal else f"json:{value_raw}"
            actions[index] = "--log-config"
            if len(indexes) == 2:
                actions[indexes[1]] = new_value
            else:
                actions[index] = f"--log-config={new_value}"
        elif action == "number":
            assert value is not None
            if not (value.literal and value.value.isdigit() and not value.value.startswith("0")):
                problem = problem or (
                    f"gunicorn {name} {value.value}: Hypercorn takes only a decimal number here; "
                    "command left as is"
                )
        elif action == "timeout":
            assert value is not None
            for dropped in indexes:
                actions[dropped] = None
            if value.literal and value.value.strip() == "0":
                notes.append(
                    (
                        Severity.INFO,
                        f"dropped gunicorn {name} 0 (no worker timeout): Hypercorn has none either",
                    )
                )
            else:
                notes.append(
                    (
                        Severity.WARNING,
                        f"dropped gunicorn {name} {value.value}: gunicorn restarted a worker "
                        "silent that long; Hypercorn "
                        "has no worker timeout (bound slow work with asyncio.timeout in the app)",
                    )
                )
        elif action == "worker-class":
            assert value is not None
            for dropped in indexes:
                actions[dropped] = None
            notes.append(_worker_class_note(value.value))
        elif action == "preload":
            preload = True
            actions[index] = None
    if app is not None and app[1].literal:
        found = _find_module(project, app[1].value.split(":", 1)[0])
        if found is not None and str(found.resolve()) not in project.flask_paths:
            return Outcome("gunicorn", foreign=True)
    if problem is not None:
        return _untranslated("gunicorn", Severity.ERROR, problem)
    if app is None:
        return _untranslated(
            "gunicorn",
            Severity.ERROR,
            "gunicorn without an app argument (from a config file?): not translated",
        )
    app_index, app_word = app
    if ":" not in app_word.value:
        if not app_word.literal:
            return _untranslated(
                "gunicorn",
                Severity.ERROR,
                f"gunicorn app {app_word.value} is only known at run time: not translated",
            )
        # gunicorn's default object is `application`; Hypercorn's would be `app`
        actions[app_index] = (
            app_word.raw + ":application"
            if app_word.raw == app_word.value
            else where.word(f"{app_word.value}:application")
        )
    if project.gunicorn_conf:
        return _untranslated(
            "gunicorn",
            Severity.ERROR,
            "gunicorn also reads ./gunicorn.conf.py: translate its settings to Hypercorn and "
            "change this command by hand",
        )
    if "GUNICORN_CMD_ARGS" in line_env or "GUNICORN_CMD_ARGS" in where.env:
        return _untranslated(
            "gunicorn",
            Severity.ERROR,
            "gunicorn reads more options from GUNICORN_CMD_ARGS: translate them by hand",
        )
    inserts: list[str] = []
    if not has_bind:
        port = _platform_value("PORT", "$PORT", where, line_env)
        if isinstance(port, tuple):
            return _untranslated("gunicorn", *port)
        if port is not None:
            inserts += [
                "--bind",
                f"0.0.0.0:{port}" if port.startswith("$") else where.word(f"0.0.0.0:{port}"),
            ]
            notes.append(
                (
                    Severity.INFO,
                    "added --bind 0.0.0.0:PORT: gunicorn binds there when PORT is set; Hypercorn "
                    "ignores PORT",
                )
            )
        elif where.kind in ("Dockerfile", "compose"):
            notes.append(
                (
                    Severity.WARNING,
                    "gunicorn binds 0.0.0.0:$PORT when the platform sets PORT (Cloud Run, "
                    "Render...); Hypercorn ignores "
                    "PORT and binds 127.0.0.1:8000: add --bind if the container relies on it",
                )
            )
    if not has_workers:
        concurrency = _platform_value("WEB_CONCURRENCY", "${WEB_CONCURRENCY:-1}", where, line_env)
        if isinstance(concurrency, tuple):
            return _untranslated("gunicorn", *concurrency)
        if concurrency is not None:
            inserts += [
                "--workers",
                concurrency if concurrency.startswith("$") else where.word(concurrency),
            ]
            workers = concurrency if not concurrency.startswith("$") else None
            notes.append(
                (
                    Severity.INFO,
                    "added --workers from WEB_CONCURRENCY: gunicorn reads it, Hypercorn does not",
                )
            )
        else:
            workers = "1"
    if preload:
        several = workers is None or not workers.isdigit() or int(workers) > 1
        notes.append(
            (
                Severity.WARNING if several else Severity.INFO,
                "dropped gunicorn --preload: Hypercorn imports the app in each worker, so "
                "import-time work runs once per worker",
            )
        )
    if inserts:
        last = max(index for index, _ in rest) if rest else max(actions)
        outcome.inserts[last] = inserts
    outcome.notes = [(Severity.INFO, "gunicorn -> hypercorn: Quart is an ASGI app"), *notes]
    outcome.translated = True
    return outcome


def _proxy_value(rest: list[tuple[int, Word]], i: int) -> bool:
    """gunicorn 24+ takes a value for --proxy-protocol; older ones took none."""
    return i + 1 < len(rest) and rest[i + 1][1].value.lower() in (
        "off",
        "on",
        "auto",
        "v1",
        "v2",
        "true",
        "false",
    )


def _worker_class_note(worker_class: str) -> tuple[Severity, str]:
    name = worker_class.lower()
    if name in ("sync", "gthread", "tornado") or name.startswith(
        ("gunicorn.workers.sync", "gunicorn.workers.gthread")
    ):
        return (
            Severity.INFO,
            f"dropped gunicorn -k {worker_class}: Quart serves requests concurrently on its event "
            "loop",
        )
    if "gevent" in name or "eventlet" in name:
        return (
            Severity.WARNING,
            f"dropped gunicorn -k {worker_class}: blocking I/O is no longer made cooperative by "
            "monkey-patching; "
            "blocking calls in async code stall the event loop (see F2Q112)",
        )
    return (
        Severity.WARNING,
        f"dropped gunicorn -k {worker_class}: Hypercorn's worker classes are asyncio, uvloop and "
        "trio",
    )


def _platform_value(
    name: str, procfile: str, where: Where, line_env: Mapping[str, EnvValue]
) -> str | tuple[Severity, str] | None:
    """How to write a variable gunicorn reads (PORT, WEB_CONCURRENCY) so Hypercorn gets it.

    A ``$VAR`` expression where a shell expands it at run time, the literal value where the file
    sets it, None where nothing sets it, (severity, message) where it cannot be written."""
    if name in line_env:
        # `PORT=8000 gunicorn ...`: the assignment is not visible to this line's own expansions
        value = line_env[name]
        if value.literal:
            return value.value
        return (
            Severity.ERROR,
            f"{name} is set on the line from a variable: pass it to hypercorn by hand",
        )
    if where.kind == "Procfile":
        return procfile  # the platform running a Procfile sets PORT (and Heroku WEB_CONCURRENCY)
    if name not in where.env:
        return None
    if where.expands:
        return f"${name}"
    value = where.env[name]
    if value.literal:
        return value.value
    return (
        Severity.ERROR,
        f"{name} is set from a variable this command form cannot expand: give hypercorn the value "
        "by hand",
    )


# flask run ---------------------------------------------------------------------------------------

_FLASK_GROUP_VALUE = {"--app": "app", "-A": "app", "--env-file": "env_file", "-e": "env_file"}
_FLASK_RUN_VALUE = {
    "--host": "host",
    "-h": "host",
    "--port": "port",
    "-p": "port",
    "--cert": "cert",
    "--key": "key",
    "--extra-files": "extra_files",
    "--exclude-patterns": "exclude_patterns",
}
_FLASK_RUN_FLAGS = {
    "--reload": ("reload", True),
    "--no-reload": ("reload", False),
    "--debug": ("debug", True),
    "--no-debug": ("debug", False),
    "--debugger": ("debugger", True),
    "--no-debugger": ("debugger", False),
    "--with-threads": ("threads", True),
    "--without-threads": ("threads", False),
}
#: What `flask run` consumed from the environment: not worth a "hypercorn does not load it" note.
_FLASK_CLI_VARIABLES = re.compile(r"^FLASK_(?:APP|DEBUG|ENV|SKIP_DOTENV|ENV_FILE|RUN_[A-Z_]+)$")


def _flask_option(value: str, table: Mapping[str, object]) -> tuple[str | None, str | None]:
    if value.startswith("--"):
        name, eq, attached = value.partition("=")
        return (name, attached if eq else None) if name in table else (None, None)
    name = value[:2]
    return (name, value[2:] or None) if name in table else (None, None)


def _flask(
    actions: dict[int, str | None],
    rest: list[tuple[int, Word]],
    where: Where,
    project: Project,
    line_env: dict[str, EnvValue],
) -> Outcome | None:
    given: dict[str, EnvValue] = {}
    flags: dict[str, bool] = {}
    i = 0
    subcommand: tuple[int, Word] | None = None
    # group options, then the command
    while i < len(rest):
        index, word = rest[i]
        if word.value in ("--version", "--help"):
            return None
        if word.value in ("--debug", "--no-debug"):
            flags["debug"] = word.value == "--debug"
            actions[index] = None
            i += 1
            continue
        name, attached = _flask_option(word.value, _FLASK_GROUP_VALUE)
        if name is not None:
            taken = _take_value(rest, i, word, attached, where)
            if taken is None:
                return _untranslated(
                    "flask", Severity.ERROR, f"flask {name} without a value: command left as is"
                )
            given[_FLASK_GROUP_VALUE[name]], used = taken
            for dropped in used:
                actions[dropped] = None
            i += len(used)
            continue
        if word.value.startswith("-"):
            return _untranslated(
                "flask",
                Severity.ERROR,
                f"flask option {word.value} not understood: command left as is",
            )
        subcommand = (index, word)
        i += 1
        break
    if subcommand is None:
        return _untranslated(
            "flask",
            Severity.WARNING,
            "Flask's CLI cannot load a Quart app: run this command with `quart` (QUART_APP or "
            "--app)",
        )
    if subcommand[1].value != "run":
        command = subcommand[1].value
        hint = (
            " (Flask-Migrate has no Quart port: `alembic upgrade head`)" if command == "db" else ""
        )
        return _untranslated(
            "flask",
            Severity.WARNING,
            f"`flask {command}` uses Flask's CLI, which cannot load a Quart app: use `quart "
            f"{command}`{hint}",
        )
    # run options
    j = i
    while j < len(rest):
        index, word = rest[j]
        if word.value == "--help":
            return None
        if word.value in _FLASK_RUN_FLAGS:
            key, on = _FLASK_RUN_FLAGS[word.value]
            flags[key] = on
            actions[index] = None
            j += 1
            continue
        name, attached = _flask_option(word.value, _FLASK_RUN_VALUE)
        if name is None:
            return _untranslated(
                "flask",
                Severity.ERROR,
                f"flask run {word.value} not understood: command left as is",
            )
        taken = _take_value(rest, j, word, attached, where)
        if taken is None:
            return _untranslated(
                "flask", Severity.ERROR, f"flask run {name} without a value: command left as is"
            )
        given[_FLASK_RUN_VALUE[name]], used = taken
        for dropped in used:
            actions[dropped] = None
        j += len(used)
    return _flask_run(actions, subcommand[0], given, flags, where, project, line_env)


def _attached_raw(word: Word, name: str, attached: str, where: Where) -> str:
    """The raw text of the value in ``--opt=value``/``-pVALUE``: quotes, ``$VARS`` as written."""
    prefix = name + "=" if name.startswith("--") else name
    if word.raw.startswith(prefix):
        return word.raw[len(prefix) :]
    return where.word(attached)  # a quoted option word: its value was literal or is requoted


def _take_value(
    rest: list[tuple[int, Word]], i: int, word: Word, attached: str | None, where: Where
) -> tuple[EnvValue, list[int]] | None:
    index = rest[i][0]
    if attached is not None:
        return EnvValue(
            _attached_raw(
                word, word.value[: len(word.value) - len(attached)].rstrip("="), attached, where
            ),
            attached,
            word.literal,
        ), [index]
    if i + 1 >= len(rest):
        return None
    value = rest[i + 1][1]
    return EnvValue(value.raw, value.value, value.literal), [index, rest[i + 1][0]]


def _truthy(value: str) -> bool:
    return value.strip().lower() not in ("", "0", "false", "no", "off", "n", "f")


class _RunTimeOnly(Exception):
    """A variable whose value this command form cannot carry over (known only at run time)."""


@dataclass
class _FlaskEnv:
    """The environment ``flask run`` sees, nearest first: line, file, ``-e FILE``, dotenv."""

    where: Where
    line: Mapping[str, EnvValue]
    env_file: Mapping[str, EnvValue]
    dotenv: Mapping[str, EnvValue]

    def get(self, variable: str) -> EnvValue | None:
        """The value, its ``raw`` written for this command; raises :class:`_RunTimeOnly`."""
        if variable in self.line:
            return self.line[variable]  # same line: its raw text means the same here
        if variable in self.where.env:
            value = self.where.env[variable]
            if value.literal:
                return EnvValue(self.where.word(value.value), value.value, True)
            if self.where.expands:
                return EnvValue(f"${{{variable}}}", value.value, False)  # the shell reads it itself
            raise _RunTimeOnly(variable)
        skip = self.line.get("FLASK_SKIP_DOTENV") or self.where.env.get("FLASK_SKIP_DOTENV")
        dotenv = {} if skip is not None and _truthy(skip.value) else self.dotenv
        for source in (self.env_file, dotenv):
            if variable in source:
                value = source[variable]
                if not value.literal:
                    raise _RunTimeOnly(variable)
                return EnvValue(self.where.word(value.value), value.value, True)
        return None


def _flask_run(
    actions: dict[int, str | None],
    run_index: int,
    given: dict[str, EnvValue],
    flags: dict[str, bool],
    where: Where,
    project: Project,
    line_env: dict[str, EnvValue],
) -> Outcome:
    env_file: dict[str, EnvValue] = {}
    if "env_file" in given and given["env_file"].literal:
        path = project.root / given["env_file"].value
        if path.is_file():
            entries = parse_dotenv(path.read_text("utf-8", "replace"))
            env_file = {e.key: EnvValue(shell_quote(e.value), e.value, e.literal) for e in entries}
    env = _FlaskEnv(where, line_env, env_file, project.dotenv)
    try:
        return _flask_run_in(actions, run_index, given, flags, where, project, env)
    except _RunTimeOnly as error:
        return _untranslated(
            "flask",
            Severity.ERROR,
            f"flask run: {error} is only known at run time here; command left as is",
        )


def _flask_run_in(
    actions: dict[int, str | None],
    run_index: int,
    given: dict[str, EnvValue],
    flags: dict[str, bool],
    where: Where,
    project: Project,
    env: _FlaskEnv,
) -> Outcome:
    notes: list[tuple[Severity, str]] = []
    app = given.get("app") or env.get("FLASK_APP")
    if app is not None and not app.literal:
        raise _RunTimeOnly(f"the app ({app.value})")
    target, problem = _flask_target(project, app.value if app is not None else None)
    if target is None:
        return _untranslated("flask", Severity.ERROR, f"flask run: {problem}; command left as is")
    if problem:
        notes.append((Severity.WARNING, problem))

    host = (
        given.get("host") or env.get("FLASK_RUN_HOST") or EnvValue("127.0.0.1", "127.0.0.1", True)
    )
    port = given.get("port") or env.get("FLASK_RUN_PORT") or EnvValue("5000", "5000", True)
    if host.literal and port.literal:
        literal_host = f"[{host.value}]" if ":" in host.value else host.value
        bind = where.word(f"{literal_host}:{port.value}")
    elif host.literal and ":" in host.value:
        raise _RunTimeOnly("the port of an IPv6 host")
    else:
        bind = f"{host.raw}:{port.raw}"  # shell words concatenate: `0.0.0.0:"$PORT"`

    debug = flags.get("debug")
    if debug is None:
        flag = env.get("FLASK_DEBUG")
        if flag is not None and not flag.literal:
            notes.append(
                (
                    Severity.WARNING,
                    f"FLASK_DEBUG is {flag.value} at run time: add --reload if it turns debug on",
                )
            )
        debug = flag is not None and flag.literal and _truthy(flag.value)
    reload = flags.get("reload")
    if reload is None:
        flag = env.get("FLASK_RUN_RELOAD")
        reload = _truthy(flag.value) if flag is not None and flag.literal else debug

    inserts = ["--bind", bind]
    if reload:
        inserts.append("--reload")
    cert = given.get("cert") or env.get("FLASK_RUN_CERT")
    key = given.get("key") or env.get("FLASK_RUN_KEY")
    if cert is not None:
        if cert.value == "adhoc":
            return _untranslated(
                "flask",
                Severity.ERROR,
                "flask run --cert adhoc: Hypercorn needs a certificate file; command left as is",
            )
        inserts += ["--certfile", cert.raw]
    if key is not None:
        inserts += ["--keyfile", key.raw]

    if debug:
        notes.append(
            (
                Severity.WARNING,
                "flask run ran in debug mode: Hypercorn serves the app with debug off and no "
                "interactive debugger "
                "(--reload keeps the reloader; `quart run --debug` is the development server)",
            )
        )
    if "threads" in flags:
        notes.append(
            (
                Severity.INFO,
                "dropped flask run --with-threads/--without-threads: Quart serves on its event "
                "loop",
            )
        )
    for option in ("extra_files", "exclude_patterns"):
        if option in given:
            notes.append(
                (
                    Severity.WARNING,
                    f"dropped flask run --{option.replace('_', '-')}: Hypercorn's reloader "
                    "watches the loaded modules",
                )
            )
    # named as the port reads them (F2Q403/F2Q113 rename the app's own FLASK_* variables)
    others = sorted(
        quart_name(key) or key for key in project.dotenv if not _FLASK_CLI_VARIABLES.match(key)
    )
    if others:
        notes.append(
            (
                Severity.WARNING,
                f"flask run loaded {' and '.join(project.dotenv_files)}; Hypercorn does not: set "
                f"{', '.join(others)} "
                "in the environment (or load them in the app)",
            )
        )
    actions[run_index] = where.word(target)
    outcome = Outcome("flask", actions=actions, inserts={run_index: inserts}, translated=True)
    outcome.notes = [
        (Severity.INFO, f"flask run -> hypercorn {target}, bound where flask run bound"),
        *notes,
    ]
    return outcome


_DOTTED = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)*$")


def _find_module(project: Project, dotted: str) -> Path | None:
    if not _DOTTED.match(dotted):
        return None
    parts = dotted.split(".")
    for base in (project.root, project.root / "src"):
        path = base.joinpath(*parts)
        if path.with_suffix(".py").is_file():
            return path.with_suffix(".py")
        if (path / "__init__.py").is_file():
            return path / "__init__.py"
    return None


def _import_path(project: Project, spec: str) -> tuple[str, Path | None]:
    """Hypercorn's module part for Flask's ``--app`` module (dotted or a file path), and its file.

    Flask adds the folder above the package to ``sys.path`` (``prepare_import``); Hypercorn adds the
    folder of ``DIR/dotted.name`` and imports ``dotted.name``, so ``src/pkg/app.py`` becomes
    ``src/pkg.app``."""
    if "/" not in spec and not spec.endswith(".py"):
        return spec, _find_module(project, spec)
    path = (project.root / spec).resolve()
    if path.suffix == ".py":
        path = path.with_suffix("")
    if path.name == "__init__":
        path = path.parent
    names: list[str] = []
    while True:
        path, name = path.parent, path.name
        names.append(name)
        if not (path / "__init__.py").exists():
            break
    dotted = ".".join(reversed(names))
    folder = os.path.relpath(path, project.root.resolve())
    module = dotted if folder == "." else f"{folder}/{dotted}"
    file = path.joinpath(*reversed(names))
    found = file.with_suffix(".py") if file.with_suffix(".py").is_file() else file / "__init__.py"
    return module, found if found.is_file() else None


def _top_level(file: Path) -> tuple[set[str], set[str], list[str]] | None:
    """(names bound, functions defined, names bound to a Flask()/Quart() call) at module level."""
    try:
        tree = ast.parse(file.read_bytes())
    except (SyntaxError, ValueError, OSError):
        return None
    names: set[str] = set()
    functions: set[str] = set()
    instances: list[str] = []
    for node in tree.body:
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.add(node.name)
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    names.add(target.id)
                    call = node.value
                    if isinstance(call, ast.Call):
                        func = call.func
                        called = (
                            func.attr
                            if isinstance(func, ast.Attribute)
                            else func.id
                            if isinstance(func, ast.Name)
                            else ""
                        )
                        if called in ("Flask", "Quart"):
                            instances.append(target.id)
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                names.add((alias.asname or alias.name).split(".")[0])
    return names, functions, instances


def _flask_target(project: Project, spec: str | None) -> tuple[str | None, str]:
    """Hypercorn's ``module:app`` for Flask's app spec; (None, why) when it cannot be told."""
    if spec is None:
        for default in ("wsgi", "app"):
            if (project.root / f"{default}.py").is_file():
                spec = default
                break
        else:
            return None, "no --app, FLASK_APP, wsgi.py or app.py: the app is unknown"
    # Flask splits at the first colon not followed by a path separator (``C:\\app.py``)
    parts = re.split(r":(?![\\/])", spec, maxsplit=1)
    module_spec, attribute = parts[0], parts[1] if len(parts) > 1 else ""
    module, file = _import_path(project, module_spec)
    facts = _top_level(file) if file is not None else None
    if attribute:
        if "(" not in attribute and facts is not None and attribute in facts[1]:
            attribute += "()"  # Flask calls a factory given by name; Hypercorn needs the call
        note = (
            ""
            if file is not None
            else f"module {module_spec} not found in the project: check hypercorn {module}:{attribute}"
        )
        return f"{module}:{attribute}", note
    if facts is None:
        return (
            None,
            f"cannot tell which object of {module_spec} is the app (module not found): give --app "
            "module:name",
        )
    names, functions, instances = facts
    for name in ("app", "application"):
        if name in names:
            return f"{module}:{name}", ""
    if len(instances) == 1:
        return f"{module}:{instances[0]}", ""
    for name in ("create_app", "make_app"):
        if name in functions:
            return f"{module}:{name}()", ""
    return None, f"cannot tell which object of {module_spec} is the app: give --app module:name"


# --- rendering ------------------------------------------------------------------------------------


def render_words(text: str, words: list[Word], outcome: Outcome) -> str:
    """The command's text with the outcome's actions applied, gaps between kept words kept."""
    pieces: list[str] = []
    pending_gap: str | None = None
    for index, word in enumerate(words):
        gap = text[words[index - 1].end : word.start] if index else ""
        new = outcome.actions.get(index, word.raw)
        if new is None:
            if pending_gap is None:
                pending_gap = gap
        else:
            if pending_gap is not None:
                gap, pending_gap = pending_gap, None
            pieces.append(gap + new)
        for extra in outcome.inserts.get(index, []):
            pieces.append(" " + extra)
    return "".join(pieces)


def render_list(values: list[str], outcome: Outcome) -> list[str]:
    out: list[str] = []
    for index, value in enumerate(values):
        new = outcome.actions.get(index, value)
        if new is not None:
            out.append(new)
        out.extend(outcome.inserts.get(index, []))
    return out


# --- files ----------------------------------------------------------------------------------------


@dataclass
class _Note:
    offset: int
    severity: Severity
    message: str


@dataclass
class _Stats:
    moved: int = 0
    gunicorn_left: int = 0


_SHELLS = frozenset({"sh", "bash", "dash", "ash", "zsh", "ksh"})


def _script_word(words: list[Word]) -> Word | None:
    """The script of an ``sh -c '...'`` command, when it is one quoted word we can edit inside."""
    args = [word for word in words if not word.redirect]
    position = 0
    while position < len(args) and (
        _ASSIGNMENT.match(args[position].raw) or args[position].value in _WRAPPERS
    ):
        position += 1
    if position >= len(args) or _basename(args[position].value) not in _SHELLS:
        return None
    for i in range(position + 1, len(args) - 1):
        flag = args[i].value
        if re.fullmatch(r"-[a-z]*c[a-z]*", flag):
            script = args[i + 1]
            if script.quoted == "'" or (script.quoted == '"' and "\\" not in script.raw):
                return script
            return None
        if not flag.startswith("-"):
            return None
    return None


def _script_index(values: list[str]) -> int | None:
    """Index of the script in an exec-form ``["sh", "-c", "..."]``."""
    if len(values) >= 3 and _basename(values[0]) in _SHELLS:
        for i in range(1, len(values) - 1):
            if re.fullmatch(r"-[a-z]*c[a-z]*", values[i]):
                return i + 1
            if not values[i].startswith("-"):
                return None
    return None


def rewrite_shell(
    text: str,
    start: int,
    end: int,
    where: Where,
    project: Project,
    notes: list[_Note],
    stats: _Stats,
    *,
    dockerfile: bool = False,
    continuation: str = "\\",
    track_env: bool = False,
) -> list[tuple[int, int, str]]:
    """Edits (start, end, new text) that translate the launch commands in ``text[start:end]``."""
    edits: list[tuple[int, int, str]] = []
    env = dict(where.env)
    for words in lex(text, start, end, dockerfile=dockerfile, continuation=continuation):
        outcome = analyze(words, replace(where, env=env), project)
        if outcome is None:
            script = _script_word(words)
            if script is not None:
                inner = replace(where, avoid=script.quoted, env=env)
                edits += rewrite_shell(
                    text,
                    script.start + 1,
                    script.end - 1,
                    inner,
                    project,
                    notes,
                    stats,
                    dockerfile=dockerfile,
                    continuation=continuation,
                )
        else:
            _count(outcome, stats)
            notes += [
                _Note(words[0].start, severity, message) for severity, message in outcome.notes
            ]
            if outcome.translated:
                edits.append((words[0].start, words[-1].end, render_words(text, words, outcome)))
        if track_env:
            _track_assignments(words, env)
    return edits


def _count(outcome: Outcome, stats: _Stats) -> None:
    if outcome.server != "gunicorn":
        return
    if outcome.translated:
        stats.moved += 1
    else:
        stats.gunicorn_left += 1


def _track_assignments(words: list[Word], env: dict[str, EnvValue]) -> None:
    """``A=b``, ``export A=b`` (a script's own variables, seen by what it runs later)."""
    args = [word for word in words if not word.redirect]
    if args and args[0].value in ("export", "declare", "readonly", "local"):
        args = [word for word in args[1:] if not word.value.startswith("-")]
    elif not args or not all(_ASSIGNMENT.match(word.raw) for word in args):
        return
    for word in args:
        if _ASSIGNMENT.match(word.raw):
            name, value = _assignment(word)
            env[name] = value


def rewrite_text(
    script: str, where: Where, project: Project, notes: list[_Note], stats: _Stats
) -> str:
    """A whole shell script (an exec-form ``sh -c`` value) with its launch commands translated."""
    inner: list[_Note] = []
    edits = rewrite_shell(script, 0, len(script), where, project, inner, stats)
    notes += inner
    return _apply(script, edits)


def _apply(text: str, edits: list[tuple[int, int, str]]) -> str:
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
    values: list[str],
    where: Where,
    project: Project,
    notes: list[_Note],
    stats: _Stats,
    offset: int,
) -> ListEdit | None:
    """The exec-form command with its launch command translated (None: unchanged)."""
    # exec form has no expansion; a compose list has compose's own `$VAR` interpolation
    words = [
        Word(offset, offset, value, value, "$" not in value or where.kind != "compose")
        for value in values
    ]
    outcome = analyze(words, where, project)
    if outcome is None:
        script = _script_index(values)
        if script is None:
            return None
        shell_where = replace(where, quoting=True, expands=where.kind != "compose")
        inner: list[_Note] = []
        new_script = rewrite_text(values[script], shell_where, project, inner, stats)
        notes += [_Note(offset, note.severity, note.message) for note in inner]
        if new_script == values[script]:
            return None
        return ListEdit(
            [*values[:script], new_script, *values[script + 1 :]], {script: new_script}, {}
        )
    _count(outcome, stats)
    notes += [_Note(offset, severity, message) for severity, message in outcome.notes]
    if not outcome.translated:
        return None
    return ListEdit(render_list(values, outcome), outcome.actions, outcome.inserts)


# Procfile -----------------------------------------------------------------------------------------

_PROCESS = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)[ \t]*:[ \t]*")


def rewrite_procfile(text: str, project: Project, notes: list[_Note], stats: _Stats) -> str:
    edits: list[tuple[int, int, str]] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        match = _PROCESS.match(body)
        if match is not None and not body.lstrip().startswith("#"):
            where = Where("Procfile", quoting=True, expands=True)
            edits += rewrite_shell(
                text, offset + match.end(), offset + len(body), where, project, notes, stats
            )
        offset += len(line)
    return _apply(text, edits)


# Dockerfile ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Instruction:
    keyword: str
    start: int
    args_start: int
    end: int  # before the newline that ends it


def _instructions(text: str, continuation: str) -> list[_Instruction]:
    found: list[_Instruction] = []
    lines = text.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))
    i = 0
    while i < len(lines):
        body = lines[i].rstrip("\r\n")
        stripped = body.lstrip(" \t\ufeff")
        if not stripped or stripped.startswith("#"):
            i += 1
            continue
        match = re.match(r"[A-Za-z]+", stripped)
        if match is None:
            i += 1
            continue
        keyword = match.group().upper()
        start = offsets[i] + (len(body) - len(stripped))
        args_start = start + match.end()
        heredoc = (
            re.search(r"<<-?\s*([\"']?)([A-Za-z_]\w*)\1", body)
            if keyword in ("RUN", "COPY", "ADD")
            else None
        )
        last = i
        while lines[last].rstrip("\r\n").rstrip(" \t").endswith(continuation) and last + 1 < len(
            lines
        ):
            last += 1
            while (
                last + 1 < len(lines)
                and (not lines[last].strip() or lines[last].lstrip().startswith("#"))
                and not lines[last].rstrip("\r\n").rstrip(" \t").endswith(continuation)
            ):
                last += 1
        if heredoc is not None:
            # a here-document's body is the instruction's, not more instructions: skip it whole
            delimiter = heredoc.group(2)
            last += 1
            while last < len(lines) and lines[last].rstrip("\r\n").lstrip("\t") != delimiter:
                last += 1
            found.append(
                _Instruction("HEREDOC", start, args_start, offsets[min(last + 1, len(lines))])
            )
            i = last + 1
            continue
        end = offsets[last] + len(lines[last].rstrip("\r\n"))
        found.append(_Instruction(keyword, start, args_start, end))
        i = last + 1
    return found


def _exec_form(text: str, continuation: str) -> list[str] | None:
    joined = re.sub(
        re.escape(continuation) + r"[ \t]*\r?\n(?:[ \t]*(?:#[^\n]*)?\r?\n)*", "", text
    ).strip()
    if not joined.startswith("["):
        return None
    try:
        values = json.loads(joined)
    except ValueError:
        return None  # Docker runs what is not a JSON array as a shell command
    if isinstance(values, list) and all(isinstance(v, str) for v in values):
        return values
    return None


def _docker_env(
    text: str, instruction: _Instruction, continuation: str, env: dict[str, EnvValue]
) -> None:
    commands = lex(
        text, instruction.args_start, instruction.end, dockerfile=True, continuation=continuation
    )
    words = [word for command in commands for word in command]
    if not words:
        return
    if "=" in words[0].raw:
        for word in words:
            if _ASSIGNMENT.match(word.raw):
                name, value = _assignment(word)
                env[name] = value
    else:  # legacy `ENV NAME value with spaces`
        raw = text[words[1].start : words[-1].end] if len(words) > 1 else ""
        value = " ".join(word.value for word in words[1:])
        env[words[0].value] = EnvValue(raw, value, all(word.literal for word in words[1:]))


def _stage_envs(
    text: str, instructions: list[_Instruction], continuation: str
) -> list[dict[str, EnvValue]]:
    """The environment at each instruction: its stage's ``ENV`` so far, over its base stage's."""
    finished: dict[str, dict[str, EnvValue]] = {}  # stage name -> its environment at its end
    env: dict[str, EnvValue] = {}
    stage = ""
    running: list[dict[str, EnvValue]] = []
    for instruction in instructions:
        if instruction.keyword == "FROM":
            if stage:
                finished[stage] = env
            parts = text[instruction.args_start : instruction.end].split()
            base = next((p for p in parts if not p.startswith("--")), "")
            env = dict(finished.get(base.lower(), {}))
            stage = parts[-1].lower() if len(parts) >= 3 and parts[-2].lower() == "as" else ""
        elif instruction.keyword == "ENV":
            env = dict(env)
            _docker_env(text, instruction, continuation, env)
        running.append(env)
    return running


def rewrite_dockerfile(text: str, project: Project, notes: list[_Note], stats: _Stats) -> str:
    directive = re.match(r"(?:\ufeff)?(?:[ \t]*#[ \t]*\w+[ \t]*=[^\n]*\n)*", text)
    escape = re.search(
        r"(?im)^[ \t]*#[ \t]*escape[ \t]*=[ \t]*(\S)", directive.group() if directive else ""
    )
    continuation = escape.group(1) if escape else "\\"
    instructions = _instructions(text, continuation)
    running = _stage_envs(text, instructions, continuation)
    # CMD and ENTRYPOINT run in the finished image: every ENV of their stage applies, later ones too
    final: list[dict[str, EnvValue]] = []
    for position in range(len(instructions)):
        later = position
        while later + 1 < len(instructions) and instructions[later + 1].keyword != "FROM":
            later += 1
        final.append(running[later])
    edits: list[tuple[int, int, str]] = []
    for position, instruction in enumerate(instructions):
        if instruction.keyword not in ("RUN", "CMD", "ENTRYPOINT"):
            continue
        env = running[position] if instruction.keyword == "RUN" else final[position]
        args = text[instruction.args_start : instruction.end]
        values = _exec_form(args, continuation)
        if values is None:
            where = Where("Dockerfile", quoting=True, expands=True, env=env)
            edits += rewrite_shell(
                text,
                instruction.args_start,
                instruction.end,
                where,
                project,
                notes,
                stats,
                dockerfile=True,
                continuation=continuation,
            )
        else:
            where = Where("Dockerfile", quoting=False, expands=False, env=env)
            edit = rewrite_list(values, where, project, notes, stats, instruction.start)
            if edit is not None:
                bracket = text.index("[", instruction.args_start)
                edits.append(
                    (bracket, instruction.end, json.dumps(edit.values, ensure_ascii=False))
                )
    return _apply(text, edits)


# shell scripts ------------------------------------------------------------------------------------


def rewrite_script(text: str, project: Project, notes: list[_Note], stats: _Stats) -> str:
    where = Where("script", quoting=True, expands=True)
    return _apply(
        text, rewrite_shell(text, 0, len(text), where, project, notes, stats, track_env=True)
    )


# compose ------------------------------------------------------------------------------------------


class ComposeError(Exception):
    """The compose file cannot be read, or the edit would change more than the commands."""


def _yaml_plain_ok(value: str, flow: bool) -> bool:
    """Whether ``value`` can be written as a plain YAML scalar (a flow list forbids ``,[]{}``)."""
    if (
        not value
        or value != value.strip()
        or "\n" in value
        or ": " in value
        or " #" in value
        or value.endswith(":")
    ):
        return False
    if value[0] in ",[]{}#&*!|>'\"%@`" or (value[0] in "-?:" and value[1:2] in ("", " ")):
        return False
    if flow and any(char in value for char in ",[]{}"):
        return False
    try:
        return yaml.safe_load(value) == value
    except yaml.YAMLError:
        return False


def _yaml_scalar(value: str, style: str | None, flow: bool = False) -> str:
    if style == "'" and "\n" not in value:
        return "'" + value.replace("'", "''") + "'"
    if style is None and _yaml_plain_ok(value, flow):
        return value
    return json.dumps(value, ensure_ascii=False)


def _compose_env(service: yaml.MappingNode, folder: Path) -> dict[str, EnvValue]:
    env: dict[str, EnvValue] = {}
    for key, node in service.value:
        if key.value == "env_file":
            files = [node] if isinstance(node, yaml.ScalarNode) else getattr(node, "value", [])
            for item in files:
                name: object = item.value
                if isinstance(item, yaml.MappingNode):  # the long form: `- path: ./x.env`
                    name = next((v.value for k, v in item.value if k.value == "path"), None)
                path = folder / name if isinstance(name, str) else None
                if path is not None and path.is_file():
                    for entry in parse_dotenv(path.read_text("utf-8", "replace")):
                        env[entry.key] = EnvValue(entry.value, entry.value, entry.literal)
    for key, node in service.value:
        if key.value != "environment":
            continue
        if isinstance(node, yaml.MappingNode):
            for name, value in node.value:
                text = value.value if isinstance(value, yaml.ScalarNode) else ""
                env[str(name.value)] = EnvValue(
                    text, text, "$" not in text and value.tag != "tag:yaml.org,2002:null"
                )
        elif isinstance(node, yaml.SequenceNode):
            for item in node.value:
                name, eq, text = str(item.value).partition("=")
                env[name] = EnvValue(text, text, bool(eq) and "$" not in text)
    return env


def rewrite_compose(
    text: str, path: Path, project: Project, notes: list[_Note], stats: _Stats
) -> str:
    try:
        document = yaml.compose(text)
        loaded = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise ComposeError(
            f"cannot parse the compose file ({str(error).splitlines()[0]})"
        ) from error
    if not isinstance(document, yaml.MappingNode):
        return text
    services = next((v for k, v in document.value if k.value == "services"), None)
    if not isinstance(services, yaml.MappingNode):
        return text
    edits: list[tuple[int, int, str]] = []
    expected: dict[tuple[str, str], object] = {}
    seen: dict[int, object] = {}
    for service_key, service in services.value:
        if not isinstance(service, yaml.MappingNode):
            continue
        env = _compose_env(service, path.parent)
        for key, node in service.value:
            if key.value not in ("command", "entrypoint"):
                continue
            if id(node) in seen:  # an anchor shared by several services: edited once
                if seen[id(node)] is not None:
                    expected[(service_key.value, key.value)] = seen[id(node)]
                continue
            new_value, node_edits = _compose_command(text, node, env, project, notes, stats)
            seen[id(node)] = new_value
            if new_value is not None:
                edits += node_edits
                expected[(service_key.value, key.value)] = new_value
    if not edits:
        return text
    after = _apply(text, edits)
    try:
        check = yaml.safe_load(after)
    except yaml.YAMLError as error:
        raise ComposeError("the command edit would not parse: edit it by hand") from error
    wanted = copy.deepcopy(loaded)
    for (service, key), value in expected.items():
        wanted["services"][service][key] = value
    if check != wanted:
        raise ComposeError("the command edit would change more than the commands: edit it by hand")
    return after


def _compose_command(
    text: str,
    node: yaml.Node,
    env: dict[str, EnvValue],
    project: Project,
    notes: list[_Note],
    stats: _Stats,
) -> tuple[object | None, list[tuple[int, int, str]]]:
    offset = node.start_mark.index
    if isinstance(node, yaml.ScalarNode) and isinstance(node.value, str) and node.value.strip():
        where = Where("compose", quoting=True, expands=False, env=env)
        value = node.value
        commands = lex(value)
        if len(commands) != 1:
            return None, []
        inner: list[_Note] = []
        new_value = rewrite_text(value, where, project, inner, stats)
        notes += [_Note(offset, note.severity, note.message) for note in inner]
        if new_value == value:
            return None, []
        return new_value, [_replace_scalar(text, node, new_value)]
    if isinstance(node, yaml.SequenceNode) and all(
        isinstance(item, yaml.ScalarNode) for item in node.value
    ):
        values = [str(item.value) for item in node.value]
        where = Where("compose", quoting=False, expands=False, env=env)
        edit = rewrite_list(values, where, project, notes, stats, offset)
        if edit is None:
            return None, []
        return edit.values, _replace_sequence(text, node, edit)
    return None, []


def _replace_scalar(text: str, node: yaml.ScalarNode, value: str) -> tuple[int, int, str]:
    start, end = node.start_mark.index, node.end_mark.index
    if node.style in ("|", ">"):
        # keep the header (`>-`...), write the command at the block's indentation
        header_end = text.index("\n", start) + 1
        indent = re.match(r"[ \t]*", text[header_end:end])
        body_end = position = header_end
        for line in text[header_end:end].splitlines(keepends=True):
            position += len(line)
            if line.strip():
                body_end = position
        newline = "\r\n" if text[header_end:body_end].endswith("\r\n") else "\n"
        prefix = indent.group() if indent else "  "
        # each line at the block's indentation: more-indented lines keep their extra spaces
        body = "".join(f"{prefix}{line}{newline}" for line in value.strip("\n").split("\n"))
        return header_end, body_end, body
    return start, end, _yaml_scalar(value, node.style)


def _replace_sequence(
    text: str, node: yaml.SequenceNode, edit: ListEdit
) -> list[tuple[int, int, str]]:
    items = node.value
    if node.flow_style:
        # `[a, b]`: written again, the items kept as they were spelled
        pieces: list[str] = []
        for index, item in enumerate(items):
            new = edit.actions.get(index, text[item.start_mark.index : item.end_mark.index])
            if index in edit.actions and new is not None:
                new = _yaml_scalar(new, item.style, flow=True)
            if new is not None:
                pieces.append(new)
            pieces += [
                _yaml_scalar(value, None, flow=True) for value in edit.inserts.get(index, [])
            ]
        return [(node.start_mark.index, node.end_mark.index, "[" + ", ".join(pieces) + "]")]
    # block style: each `- item` on its own line; a dropped item's line goes, added items get lines
    edits: list[tuple[int, int, str]] = []
    for index, item in enumerate(items):
        line_start = text.rfind("\n", 0, item.start_mark.index) + 1
        prefix = text[line_start : item.start_mark.index]
        if not re.fullmatch(r"[ \t]*-[ \t]+", prefix):
            raise ComposeError("a command list this rule cannot edit line by line: edit it by hand")
        newline_at = text.find("\n", item.end_mark.index)
        line_end = len(text) if newline_at < 0 else newline_at + 1
        newline = "\r\n" if text[line_start:line_end].endswith("\r\n") else "\n"
        if index in edit.actions:
            new = edit.actions[index]
            if new is None:
                edits.append((line_start, line_end, ""))
            else:
                edits.append(
                    (item.start_mark.index, item.end_mark.index, _yaml_scalar(new, item.style))
                )
        added = [f"{prefix}{_yaml_scalar(value, None)}" for value in edit.inserts.get(index, [])]
        if added:
            if newline_at < 0:  # the last line has no newline
                edits.append((line_end, line_end, newline + newline.join(added)))
            else:
                edits.append((line_end, line_end, newline.join(added) + newline))
    return edits


# --- the rule -------------------------------------------------------------------------------------


def _kind(path: Path, root: Path) -> str | None:
    name = path.name
    if name == "Procfile" or name.startswith("Procfile."):
        return "Procfile"
    if (
        name == "Dockerfile"
        or name.startswith("Dockerfile.")
        or name.lower().endswith(".dockerfile")
    ):
        return "Dockerfile"
    if re.fullmatch(r"(?:docker-)?compose(?:\.[\w.-]+)?\.ya?ml", name):
        return "compose"
    if name.endswith(".sh"):
        return "script"
    folders = path.relative_to(root).parts[:-1]
    if any(folder in ("bin", "scripts") for folder in folders) and "." not in name:
        try:
            with path.open("rb") as handle:
                first = handle.readline(200)
        except OSError:
            return None
        if re.match(rb"#!\s*\S*/(?:env\s+)?(?:ba|da|a|z|k)?sh\b", first):
            return "script"
    return None


@dataclass
class LaunchPlan:
    edits: list[ConfigEdit] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    #: gunicorn commands moved to hypercorn, and those left (untranslatable, or not the Flask app's)
    moved: int = 0
    gunicorn_left: int = 0


class LaunchCommands:
    code = CODE
    name = "launch-commands"

    @staticmethod
    def plan(root: Path, flask_paths: Iterable[str], exclude: Iterable[str] = ()) -> LaunchPlan:
        """Edits that make ``root``'s launch commands start Hypercorn, with findings."""
        project = Project.load(root, flask_paths)
        plan = LaunchPlan()
        stats = _Stats()
        for source in iter_files([root], exclude, python_only=False):
            path = source.path
            kind = _kind(path, root.resolve())
            if kind is None:
                continue
            before = path.read_bytes()
            text = before.decode("utf-8", "surrogateescape")
            if not re.search(r"gunicorn|flask", text, re.IGNORECASE):
                continue
            notes: list[_Note] = []
            try:
                if kind == "Procfile":
                    after = rewrite_procfile(text, project, notes, stats)
                elif kind == "Dockerfile":
                    after = rewrite_dockerfile(text, project, notes, stats)
                elif kind == "compose":
                    after = rewrite_compose(text, path, project, notes, stats)
                else:
                    after = rewrite_script(text, project, notes, stats)
            except ComposeError as error:
                plan.findings.append(
                    Finding(str(path), 1, 1, CODE, f"{error}; left untouched", Severity.ERROR)
                )
                continue
            for note in notes:
                line = text.count("\n", 0, note.offset) + 1
                plan.findings.append(Finding(str(path), line, 1, CODE, note.message, note.severity))
            if after != text:
                plan.edits.append(
                    ConfigEdit(path, before, after.encode("utf-8", "surrogateescape"))
                )
        plan.moved, plan.gunicorn_left = stats.moved, stats.gunicorn_left
        return plan
