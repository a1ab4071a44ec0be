"""gunicorn's command line as Hypercorn's: ``gunicorn [OPTIONS] MODULE[:APP]`` ->
``hypercorn [OPTIONS] MODULE:APP``.

The options Hypercorn shares keep their spelling (checked against ``hypercorn/__main__.py`` 0.18);
the others are dropped and reported (INFO when nothing changes for the app, WARNING when
behaviour changes), or make the command one to translate by hand (ERROR). gunicorn binds
``0.0.0.0:$PORT`` when ``PORT`` is set and reads ``WEB_CONCURRENCY``; Hypercorn reads neither,
so they are passed on as ``--bind``/``--workers`` where the platform or the file sets them.

Docs: https://docs.gunicorn.org/en/stable/settings.html,
https://hypercorn.readthedocs.io/en/latest/how_to_guides/configuring.html
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ...findings import Severity
from .command import LaunchCommand, Outcome, Where, untranslated
from .options import split_option, take_value
from .shell import EnvValue, Word

__all__ = ["translate_gunicorn"]


@dataclass(frozen=True)
class _Option:
    """What becomes of a gunicorn option: kept, dropped (with a note), refused, or handled."""

    takes_value: bool
    action: str  # keep | drop | error | not-launch | a special handler's name
    severity: Severity = Severity.INFO
    why: str = ""


_OPTIONS: dict[str, _Option] = {}


def _options(
    names: str, takes_value: bool, action: str, severity: Severity = Severity.INFO, why: str = ""
) -> None:
    """Declare the options ``names`` (space-separated spellings)."""
    for name in names.split():
        _OPTIONS[name] = _Option(takes_value, action, severity, why)


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


@dataclass
class _Command:
    """What a gunicorn command line says, read option by option."""

    launch: LaunchCommand
    notes: list[tuple[Severity, str]] = field(default_factory=list)
    app: tuple[int, Word] | None = None
    has_bind: bool = False
    has_workers: bool = False
    preload: bool = False
    #: the worker count when it is known before run time
    workers: str | None = None
    #: The first reason not to translate. Reading goes on to find the app: a command serving some
    #: other framework's module is not ours, whatever its options.
    problem: str | None = None

    def refuse(self, problem: str) -> None:
        self.problem = self.problem or problem


def translate_gunicorn(launch: LaunchCommand) -> Outcome | None:
    """The gunicorn command as Hypercorn's; None when it starts no server (``gunicorn -v``)."""
    command = _Command(launch)
    if not _read(command):
        return None
    actions, args, where, project = launch.actions, launch.args, launch.where, launch.project
    app = command.app
    if app is not None and app[1].literal:
        found = project.module_file(app[1].value.split(":", 1)[0])
        if found is not None and str(found.resolve()) not in project.flask_paths:
            return Outcome("gunicorn", foreign=True)
    if command.problem is not None:
        return _refused(command.problem)
    if app is None:
        return _refused("gunicorn without an app argument (from a config file?): not translated")
    app_index, app_word = app
    if ":" not in app_word.value:
        if not app_word.literal:
            return _refused(
                f"gunicorn app {app_word.value} is only known at run time: not translated"
            )
        # gunicorn's default object is `application`; Hypercorn's would be `app`
        actions[app_index] = (
            app_word.raw + ":application"
            if app_word.raw == app_word.value
            else where.word(f"{app_word.value}:application")
        )
    if project.gunicorn_conf:
        return _refused(
            "gunicorn also reads ./gunicorn.conf.py: translate its settings to Hypercorn and "
            "change this command by hand"
        )
    if "GUNICORN_CMD_ARGS" in launch.line_env or "GUNICORN_CMD_ARGS" in where.env:
        return _refused(
            "gunicorn reads more options from GUNICORN_CMD_ARGS: translate them by hand"
        )
    inserts = _platform_options(command)
    if isinstance(inserts, tuple):
        return untranslated("gunicorn", *inserts)
    if command.preload:
        workers = command.workers
        several = workers is None or not workers.isdigit() or int(workers) > 1
        command.notes.append(
            (
                Severity.WARNING if several else Severity.INFO,
                "dropped gunicorn --preload: Hypercorn imports the app in each worker, so "
                "import-time work runs once per worker",
            )
        )
    outcome = Outcome("gunicorn", actions=actions, translated=True)
    if inserts:
        outcome.inserts[max(index for index, _ in args)] = inserts
    outcome.notes = [(Severity.INFO, "gunicorn -> hypercorn: Quart is an ASGI app"), *command.notes]
    return outcome


def _refused(message: str) -> Outcome:
    return untranslated("gunicorn", Severity.ERROR, message)


def _read(command: _Command) -> bool:
    """Read the arguments into ``command``; False when the command starts no server."""
    args, where = command.launch.args, command.launch.where
    i = 0
    positional_only = False
    while i < len(args):
        index, word = args[i]
        if positional_only or not word.value.startswith("-") or word.value == "-":
            if command.app is not None:
                command.refuse("gunicorn with more than one app argument: not translated")
            command.app = command.app or (index, word)
            i += 1
            continue
        if word.value == "--":
            positional_only = True
            command.launch.actions[index] = None
            i += 1
            continue
        name, attached = split_option(word.value, _OPTIONS, abbreviations=True)
        if name is None:
            command.refuse(f"gunicorn option {word.value} not understood: command left as is")
            i += 1
            continue
        option = _OPTIONS[name]
        if option.action == "not-launch":
            return False
        indexes = [index]
        value: EnvValue | None = None
        if option.takes_value and not (
            option.action == "proxy-protocol" and attached is None and not _proxy_value(args, i)
        ):
            taken = take_value(args, i, name, attached, where)
            if taken is None:
                command.refuse(f"gunicorn {name} without a value: command left as is")
                break
            value, indexes = taken
        i += len(indexes)
        _apply(command, name, option, value, indexes)
    return True


def _apply(
    command: _Command, name: str, option: _Option, value: EnvValue | None, indexes: list[int]
) -> None:
    """Take in option ``name`` (its words at ``indexes``, its value ``value``)."""
    actions, where = command.launch.actions, command.launch.where
    action = option.action
    if action == "config":
        assert value is not None
        command.refuse(
            f"gunicorn reads its settings from {value.value}: translate them to Hypercorn "
            "(hypercorn -c takes TOML, or file:/python: Python with Hypercorn's setting names) "
            "and change this command by hand"
        )
    elif action == "error":
        command.refuse(f"gunicorn {name}: {option.why}; command left as is")
    elif action in ("drop", "proxy-protocol"):
        shown = f"{name} {value.value}" if value is not None else name
        command.notes.append((option.severity, f"dropped gunicorn {shown}: {option.why}"))
        for dropped in indexes:
            actions[dropped] = None
    elif action == "bind":
        command.has_bind = True
        assert value is not None
        fixed = value.value
        if value.literal and fixed.startswith("tcp://"):
            fixed = fixed[len("tcp://") :]  # Hypercorn does not strip gunicorn's optional scheme
        if value.literal and fixed.startswith("[") and fixed.endswith("]"):
            fixed += ":8000"  # Hypercorn would read `[::1]` as host `::`, port 1
        if fixed != value.value:
            stripped = where.word(fixed)
            if len(indexes) == 2:
                actions[indexes[1]] = stripped
            else:
                actions[indexes[0]] = (
                    f"{name}={stripped}" if name.startswith("--") else f"{name}{stripped}"
                )
    elif action == "workers":
        command.has_workers = True
        command.workers = value.value if value is not None and value.literal else None
    elif action == "log-config-json":
        assert value is not None
        new_value = where.word(f"json:{value.value}") if value.literal else f"json:{value.raw}"
        actions[indexes[0]] = "--log-config"
        if len(indexes) == 2:
            actions[indexes[1]] = new_value
        else:
            actions[indexes[0]] = f"--log-config={new_value}"
    elif action == "number":
        assert value is not None
        if not (value.literal and value.value.isdigit() and not value.value.startswith("0")):
            command.refuse(
                f"gunicorn {name} {value.value}: Hypercorn takes only a decimal number here; "
                "command left as is"
            )
    elif action in ("timeout", "worker-class"):
        assert value is not None
        for dropped in indexes:
            actions[dropped] = None
        if action == "timeout":
            command.notes.append(_timeout_note(name, value))
        else:
            command.notes.append(_worker_class_note(value.value))
    elif action == "preload":
        command.preload = True
        actions[indexes[0]] = None


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


def _timeout_note(name: str, value: EnvValue) -> tuple[Severity, str]:
    """Why dropping ``--timeout VALUE`` matters, or does not."""
    if value.literal and value.value.strip() == "0":
        return (
            Severity.INFO,
            f"dropped gunicorn {name} 0 (no worker timeout): Hypercorn has none either",
        )
    return (
        Severity.WARNING,
        f"dropped gunicorn {name} {value.value}: gunicorn restarted a worker silent that long; "
        "Hypercorn has no worker timeout (bound slow work with asyncio.timeout in the app)",
    )


def _worker_class_note(worker_class: str) -> tuple[Severity, str]:
    """Why dropping ``-k WORKER_CLASS`` matters, or does not."""
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


@dataclass(frozen=True)
class _FromEnvironment:
    """A setting gunicorn reads from the environment and Hypercorn does not: the variable, what
    it is in a Procfile (the platform sets it), Hypercorn's option, its value made from the
    variable's, and what is said when it is added."""

    variable: str
    in_procfile: str
    option: str
    template: str
    note: str


_BIND_FROM_PORT = _FromEnvironment(
    "PORT",
    "$PORT",
    "--bind",
    "0.0.0.0:{}",
    "added --bind 0.0.0.0:PORT: gunicorn binds there when PORT is set; Hypercorn ignores PORT",
)
_WORKERS_FROM_CONCURRENCY = _FromEnvironment(
    "WEB_CONCURRENCY",
    "${WEB_CONCURRENCY:-1}",
    "--workers",
    "{}",
    "added --workers from WEB_CONCURRENCY: gunicorn reads it, Hypercorn does not",
)


def _platform_options(command: _Command) -> list[str] | tuple[Severity, str]:
    """``--bind``/``--workers`` for what gunicorn took from ``PORT`` and ``WEB_CONCURRENCY``;
    (severity, message) when they cannot be written."""
    inserts: list[str] = []
    if not command.has_bind:
        port = _pass_on(command, _BIND_FROM_PORT, inserts)
        if isinstance(port, tuple):
            return port
        if port is None and command.launch.where.kind in ("Dockerfile", "compose"):
            command.notes.append(
                (
                    Severity.WARNING,
                    "gunicorn binds 0.0.0.0:$PORT when the platform sets PORT (Cloud Run, "
                    "Render...); Hypercorn ignores "
                    "PORT and binds 127.0.0.1:8000: add --bind if the container relies on it",
                )
            )
    if not command.has_workers:
        concurrency = _pass_on(command, _WORKERS_FROM_CONCURRENCY, inserts)
        if isinstance(concurrency, tuple):
            return concurrency
        if concurrency is None:
            command.workers = "1"
        else:
            command.workers = None if concurrency.startswith("$") else concurrency
    return inserts


def _pass_on(
    command: _Command, setting: _FromEnvironment, inserts: list[str]
) -> str | tuple[Severity, str] | None:
    """Add to ``inserts`` the Hypercorn option for ``setting`` where something sets it; returns
    what :func:`_platform_value` found."""
    where = command.launch.where
    value = _platform_value(setting.variable, setting.in_procfile, where, command.launch.line_env)
    if value is not None and not isinstance(value, tuple):
        text = setting.template.format(value)
        inserts += [setting.option, text if value.startswith("$") else where.word(text)]
        command.notes.append((Severity.INFO, setting.note))
    return value


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
