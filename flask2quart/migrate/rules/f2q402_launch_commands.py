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

A console script (``[project.scripts]`` in ``pyproject.toml``, ``console_scripts`` in ``setup.cfg``)
whose function became async is reported on its line: the script would only make a coroutine.

Docs: https://hypercorn.readthedocs.io/en/latest/how_to_guides/configuring.html
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from ...findings import Finding, Severity
from ..discover import iter_files
from ..launch.command import Project
from ..launch.compose import ComposeError, rewrite_compose
from ..launch.dockerfile import rewrite_dockerfile
from ..launch.procfile import rewrite_procfile
from ..launch.rewrite import Log, Tally, rewrite_script
from ..launch.shell import lex
from .f2q206_pytest_asyncio_config import ConfigEdit

# ``lex`` is here for the rule's tests of the shell lexer.
__all__ = ["CODE", "LaunchCommands", "LaunchPlan", "lex"]

CODE = "F2Q402"


def _kind(path: Path, root: Path) -> str | None:
    """Which kind of launch file ``path`` is (``Procfile``, ``Dockerfile``, ``compose``, ``script``), None for other files."""
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
    """The edits to the project's launch files, with findings."""

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
        tally = Tally()
        for source in iter_files([root], exclude, python_only=False):
            path = source.path
            kind = _kind(path, root.resolve())
            if kind is None:
                continue
            before = path.read_bytes()
            text = before.decode("utf-8", "surrogateescape")
            if not re.search(r"gunicorn|flask", text, re.IGNORECASE):
                continue
            log = Log(tally)
            try:
                if kind == "Procfile":
                    after = rewrite_procfile(text, project, log)
                elif kind == "Dockerfile":
                    after = rewrite_dockerfile(text, project, log)
                elif kind == "compose":
                    after = rewrite_compose(text, path, project, log)
                else:
                    after = rewrite_script(text, project, log)
            except ComposeError as error:
                plan.findings.append(
                    Finding(str(path), 1, 1, CODE, f"{error}; left untouched", Severity.ERROR)
                )
                continue
            for note in log.notes:
                line = text.count("\n", 0, note.offset) + 1
                plan.findings.append(Finding(str(path), line, 1, CODE, note.message, note.severity))
            if after != text:
                plan.edits.append(
                    ConfigEdit(path, before, after.encode("utf-8", "surrogateescape"))
                )
        plan.moved, plan.gunicorn_left = tally.moved, tally.gunicorn_left
        return plan
