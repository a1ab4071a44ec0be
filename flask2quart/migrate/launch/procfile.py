"""Procfile (Heroku, Dokku, honcho...): ``name: command`` lines, each command run by a shell.

The platform sets ``PORT`` (and Heroku ``WEB_CONCURRENCY``) for the processes it runs.

Docs: https://devcenter.heroku.com/articles/procfile
"""

from __future__ import annotations

import re

from .command import Project, Where
from .rewrite import Edit, Log, apply_edits, rewrite_shell

__all__ = ["rewrite_procfile"]

_PROCESS = re.compile(r"^(?P<name>[A-Za-z0-9_.-]+)[ \t]*:[ \t]*")


def rewrite_procfile(text: str, project: Project, log: Log) -> str:
    """The Procfile with its processes' launch commands translated."""
    edits: list[Edit] = []
    offset = 0
    for line in text.splitlines(keepends=True):
        body = line.rstrip("\r\n")
        match = _PROCESS.match(body)
        if match is not None and not body.lstrip().startswith("#"):
            where = Where("Procfile", quoting=True, expands=True)
            edits += rewrite_shell(
                text, offset + match.end(), offset + len(body), where, project, log
            )
        offset += len(line)
    return apply_edits(text, edits)
