"""``flask2quart rewrite -``: rewrite one file read from standard input, as ruff does with ``-``.

For editors and pipes: ``flask2quart rewrite - --stdin-filename app.py < app.py`` prints the
rewritten text on stdout (the text unchanged when there is nothing to rewrite), ``--diff`` prints a
unified diff instead and ``--check`` prints nothing; both exit 1 when the text would change.
Findings and the summary go to stderr, so stdout is only ever the text or the diff.

``--stdin-filename`` names the file in findings and in the diff, decides whether it is a test
module (``test_*.py``), and is where ``[tool.flask2quart]`` settings are looked up from. The text
is rewritten on its own, as :func:`~flask2quart.migrate.rewrite_source` does: calls into other
modules of the project are not followed (run ``rewrite`` on the folder for that).
"""

from __future__ import annotations

import difflib
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import BinaryIO, TextIO

from .config import ConfigError, load_config
from .findings import Finding, Severity
from .migrate import rewrite_source, select_codes

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_ERROR = 2
#: the name findings and the diff use when no --stdin-filename is given (ruff says "-" too)
DEFAULT_NAME = "-"


class StdinUsageError(Exception):
    """An option that does not go with ``-`` (one line, exit 2)."""


@dataclass(frozen=True)
class StdinRequest:
    """What the command line asked for, checked by :func:`validate`."""

    paths: tuple[str, ...]
    stdin_filename: str | None
    diff: bool = False
    check: bool = False
    out: Path | None = None
    select: list[str] | None = None
    ignore: list[str] | None = None
    report: Path | None = None
    quiet: bool = False


def wants_stdin(paths: list[Path] | tuple[Path, ...], stdin_filename: str | None) -> bool:
    return stdin_filename is not None or any(str(path) == "-" for path in paths)


def validate(request: StdinRequest) -> None:
    if request.paths != ("-",):
        if "-" in request.paths:
            raise StdinUsageError("- (read from stdin) cannot be combined with other paths")
        raise StdinUsageError("--stdin-filename goes with - as the only PATH (the text is read from stdin)")
    if request.out is not None:
        raise StdinUsageError("--out cannot be used with - : the rewritten text goes to stdout")


def run(
    request: StdinRequest,
    stdin: BinaryIO | None = None,
    stdout: BinaryIO | None = None,
    stderr: TextIO | None = None,
) -> int:
    """Read, rewrite, print; the exit code. Bad input is one line on stderr and exit 2."""
    stdin = stdin if stdin is not None else sys.stdin.buffer
    stdout = stdout if stdout is not None else sys.stdout.buffer
    stderr = stderr if stderr is not None else sys.stderr
    try:
        validate(request)
        enabled = _enabled(request)
    except (StdinUsageError, ConfigError, ValueError) as error:
        print(f"flask2quart: error: {error}", file=stderr)
        return EXIT_ERROR
    name = request.stdin_filename or DEFAULT_NAME
    source = stdin.read()
    # a bare "-" is a module named "stdin" to the analysis; a named file keeps its own name
    result = rewrite_source(source, name if request.stdin_filename else "stdin.py", enabled)
    result.path = name
    if result.error is not None:
        print(f"flask2quart: error: {name}: {result.error}", file=stderr)
        return EXIT_ERROR
    after = result.after if result.changed and result.after is not None else source
    if request.diff:
        stdout.write(unified_diff(name, source, after).encode("utf-8"))
    elif not request.check:
        stdout.write(after)
    stdout.flush()
    findings = sorted(
        replace(finding, path=name) for finding in result.findings if finding.code not in ("F2Q001", "F2Q002")
    )
    for finding in findings:
        print(finding.render(), file=stderr)
    changed = after != source
    if not request.quiet:
        verb = "changed" if not (request.check or request.diff) else "would change"
        needs_human = sum(1 for finding in findings if finding.severity is not Severity.INFO)
        state = verb if changed else "unchanged"
        print(
            f"{name}: {state}; {needs_human} {'place needs' if needs_human == 1 else 'places need'} a human",
            file=stderr,
        )
    if request.report is not None:
        error = _write_report(request.report, name, changed, findings)
        if error is not None:
            print(f"flask2quart: error: {error}", file=stderr)
            return EXIT_ERROR
    return EXIT_CHANGES if changed and (request.check or request.diff) else EXIT_OK


def _enabled(request: StdinRequest) -> frozenset[str]:
    # settings come from where the file lives, as ruff's --stdin-filename does
    named = Path(request.stdin_filename).resolve().parent if request.stdin_filename else Path.cwd()
    config = load_config(named if named.is_dir() else Path.cwd())
    select = request.select if request.select is not None else list(config.select)
    ignore = request.ignore if request.ignore is not None else list(config.ignore)
    return select_codes(select, ignore)


def unified_diff(name: str, before: bytes, after: bytes) -> str:
    """A ``--- name`` / ``+++ name`` diff, empty when nothing changes (as ``rewrite --diff``)."""
    old = before.decode("utf-8", "replace").splitlines(keepends=True)
    new = after.decode("utf-8", "replace").splitlines(keepends=True)
    lines = difflib.unified_diff(old, new, fromfile=name, tofile=name)
    return "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)


def _write_report(path: Path, name: str, changed: bool, findings: list[Finding]) -> str | None:
    report = {
        "summary": {"scanned": 1, "changed": int(changed), "unchanged": int(not changed), "failed": 0},
        "changed": [name] if changed else [],
        "failed": [],
        "findings": [finding.to_json() for finding in findings],
    }
    try:
        path.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    except OSError as error:
        return f"cannot write report {path}: {error.strerror or error}"
    return None
