"""``flask run`` as Hypercorn: ``flask [--app X] run [OPTIONS]`` -> ``hypercorn MODULE:APP
--bind HOST:PORT ...``.

The app comes from ``--app``, ``FLASK_APP`` (on the line, in the file, in an ``-e`` env file, in
``.env``/``.flaskenv``), else ``wsgi.py``/``app.py`` (:mod:`.flask_app`). The bind is Flask's
(``--host``/``--port``, ``FLASK_RUN_HOST``/``FLASK_RUN_PORT``, default ``127.0.0.1:5000``: always
written, Hypercorn's default port is 8000); debug mode and ``--reload`` become ``--reload``,
``--cert``/``--key`` ``--certfile``/``--keyfile``. Other ``flask`` commands are reported: Flask's
CLI cannot load a Quart app.

Docs: https://flask.palletsprojects.com/en/stable/cli/#run-the-development-server
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

from ...findings import Severity
from ..rules.f2q403_flaskenv import quart_name
from .command import LaunchCommand, Outcome, Where, read_env_file, untranslated
from .flask_app import flask_target
from .options import split_option, take_value
from .shell import EnvValue, Word

__all__ = ["translate_flask"]

_GROUP_VALUE = {"--app": "app", "-A": "app", "--env-file": "env_file", "-e": "env_file"}
_RUN_VALUE = {
    "--host": "host",
    "-h": "host",
    "--port": "port",
    "-p": "port",
    "--cert": "cert",
    "--key": "key",
    "--extra-files": "extra_files",
    "--exclude-patterns": "exclude_patterns",
}
_RUN_FLAGS = {
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


def translate_flask(launch: LaunchCommand) -> Outcome | None:
    """The ``flask`` command as Hypercorn's; None when it starts nothing (``flask --version``)."""
    actions, rest = launch.actions, launch.args
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
        name, attached = split_option(word.value, _GROUP_VALUE)
        if name is not None:
            used = _take(launch, i, name, attached, _GROUP_VALUE, given)
            if used is None:
                return _refused(f"flask {name} without a value: command left as is")
            i += used
            continue
        if word.value.startswith("-"):
            return _refused(f"flask option {word.value} not understood: command left as is")
        subcommand = (index, word)
        i += 1
        break
    if subcommand is None:
        return untranslated(
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
        return untranslated(
            "flask",
            Severity.WARNING,
            f"`flask {command}` uses Flask's CLI, which cannot load a Quart app: use `quart "
            f"{command}`{hint}",
        )
    # run options
    while i < len(rest):
        index, word = rest[i]
        if word.value == "--help":
            return None
        if word.value in _RUN_FLAGS:
            key, on = _RUN_FLAGS[word.value]
            flags[key] = on
            actions[index] = None
            i += 1
            continue
        name, attached = split_option(word.value, _RUN_VALUE)
        if name is None:
            return _refused(f"flask run {word.value} not understood: command left as is")
        used = _take(launch, i, name, attached, _RUN_VALUE, given)
        if used is None:
            return _refused(f"flask run {name} without a value: command left as is")
        i += used
    env = _flask_env(launch, given)
    try:
        return _flask_run(launch, subcommand[0], given, flags, env)
    except _RunTimeOnly as error:
        return _refused(f"flask run: {error} is only known at run time here; command left as is")


def _refused(message: str) -> Outcome:
    return untranslated("flask", Severity.ERROR, message)


def _take(
    launch: LaunchCommand,
    i: int,
    name: str,
    attached: str | None,
    table: Mapping[str, str],
    given: dict[str, EnvValue],
) -> int | None:
    """Keep the value of option ``name`` (argument ``i``) in ``given`` under its ``table`` key and
    drop its words from the command; how many words it took (None: it has no value)."""
    taken = take_value(launch.args, i, name, attached, launch.where)
    if taken is None:
        return None
    given[table[name]], used = taken
    for dropped in used:
        launch.actions[dropped] = None
    return len(used)


def _truthy(value: str) -> bool:
    """A true flag value, as Flask reads ``FLASK_DEBUG``."""
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


def _flask_env(launch: LaunchCommand, given: Mapping[str, EnvValue]) -> _FlaskEnv:
    """The environment ``flask run`` would see (``-e FILE`` read when it is given)."""
    env_file: dict[str, EnvValue] = {}
    if "env_file" in given and given["env_file"].literal:
        path = launch.project.root / given["env_file"].value
        if path.is_file():
            env_file = read_env_file(path)
    return _FlaskEnv(launch.where, launch.line_env, env_file, launch.project.dotenv)


def _flask_run(
    launch: LaunchCommand,
    run_index: int,
    given: Mapping[str, EnvValue],
    flags: Mapping[str, bool],
    env: _FlaskEnv,
) -> Outcome:
    """``flask run`` with its options read, as ``hypercorn MODULE:APP --bind ...`` where ``env``
    is what it would have seen; raises :class:`_RunTimeOnly`."""
    actions, where, project = launch.actions, launch.where, launch.project
    notes: list[tuple[Severity, str]] = []
    app = given.get("app") or env.get("FLASK_APP")
    if app is not None and not app.literal:
        raise _RunTimeOnly(f"the app ({app.value})")
    target, problem = flask_target(project, app.value if app is not None else None)
    if target is None:
        return _refused(f"flask run: {problem}; command left as is")
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
            return _refused(
                "flask run --cert adhoc: Hypercorn needs a certificate file; command left as is"
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
