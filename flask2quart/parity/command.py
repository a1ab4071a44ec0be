"""``flask2quart parity``: what the command line asks for, checked, run, reported.

Kept apart from ``cli.py`` (which only parses arguments) so tests and the pytest plugin can run
exactly what the command runs. Every user mistake is a :class:`ParityUsageError` (one line, exit 2).
"""

from __future__ import annotations

import asyncio
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..appspec import AppSpecError, is_asgi_app, load_app
from .cases import CaseFileError, load_cases
from .engine import ParityOptions, ParityRunner
from .model import Case, ParityReport
from .rules import RuleError, Rules, RuleSet
from .transports import TransportError


class ParityUsageError(Exception):
    """Something the user gave cannot be used (one line, exit code 2)."""


@dataclass(slots=True)
class ParityCommand:
    flask: str | None = None
    quart: str | None = None
    cases: list[str] = field(default_factory=list)
    auto: bool = False
    flask_url: str | None = None
    quart_url: str | None = None
    reports: list[Path] = field(default_factory=list)
    allow_unsafe: bool = False
    calibrate: bool = True
    ignore: list[str] = field(default_factory=list)
    variations: int = 5
    seed: int = 0
    timeout: float = 30.0
    #: headers whose values are secrets, besides the built-in ones (see report/names.py)
    secret_headers: list[str] = field(default_factory=list)


@dataclass(slots=True)
class Prepared:
    runner: ParityRunner
    cases: list[Case]
    #: what --auto left out and why (unsafe methods, routes without sample values...)
    notes: list[str]


def _load(spec: str, flag: str) -> Any:
    try:
        return load_app(spec)
    except AppSpecError as error:
        raise ParityUsageError(f"{flag}: {error}") from error


def prepare(command: ParityCommand) -> Prepared:
    wire = command.flask_url is not None or command.quart_url is not None
    if wire and (command.flask_url is None or command.quart_url is None):
        raise ParityUsageError("--flask-url and --quart-url go together")
    if not wire and (command.flask is None or command.quart is None):
        raise ParityUsageError("give --flask MODULE:APP and --quart MODULE:APP (or --flask-url and --quart-url)")
    if not command.cases and not command.auto:
        raise ParityUsageError("nothing to compare: give --cases FILE and/or --auto")
    if command.auto and command.flask is None:
        raise ParityUsageError("--auto reads the Flask app's url_map: give --flask MODULE:APP")
    for report in command.reports:
        if report.suffix.lower() not in (".json", ".html", ".htm"):
            raise ParityUsageError(f"--report {report}: the name must end in .json or .html")
    if command.variations < 0:
        raise ParityUsageError("--variations must be 0 or more")

    flask_app = _load(command.flask, "--flask") if command.flask else None
    quart_app = _load(command.quart, "--quart") if command.quart else None
    if flask_app is not None and not hasattr(flask_app, "url_map"):
        raise ParityUsageError(f"--flask {command.flask}: {type(flask_app).__name__} is not a Flask app")
    if not wire:
        if not callable(flask_app):
            raise ParityUsageError(f"--flask {command.flask}: not a WSGI app")
        if not is_asgi_app(quart_app):
            raise ParityUsageError(f"--quart {command.quart}: not an ASGI app (a Quart app is)")

    rules = Rules()
    cases: list[Case] = []
    for location in command.cases:
        try:
            loaded = load_cases(location)
        except CaseFileError as error:
            raise ParityUsageError(str(error)) from error
        cases.extend(loaded.cases)
        rules = _merge(rules, loaded.rules)
    try:
        rules = _merge(rules, Rules.build(ignore=command.ignore))
    except RuleError as error:
        raise ParityUsageError(f"--ignore: {error}") from error
    notes: list[str] = []
    if command.auto:
        from .auto import generate_cases

        generated, auto_notes = generate_cases(
            flask_app, allow_unsafe=command.allow_unsafe, variations=command.variations, seed=command.seed
        )
        cases.extend(generated)
        notes.extend(f"{note.rule}: {note.message}" for note in auto_notes)
    if not cases:
        raise ParityUsageError("no cases to run (the case files are empty and --auto found no route)")

    options = ParityOptions(
        calibrate=command.calibrate,
        allow_unsafe=command.allow_unsafe,
        rules=rules,
        timeout=command.timeout,
        secret_headers=tuple(name.strip() for name in command.secret_headers if name.strip()),
    )
    if wire:
        assert command.flask_url is not None and command.quart_url is not None
        runner = ParityRunner.over_http(
            command.flask_url, command.quart_url, flask_app=flask_app, quart_app=quart_app, options=options
        )
    else:
        runner = ParityRunner.in_process(flask_app, quart_app, options)
    runner.flask_label = command.flask_url or command.flask or runner.flask_label
    runner.quart_label = command.quart_url or command.quart or runner.quart_label
    return Prepared(runner, cases, notes)


def _merge(left: Rules, right: Rules) -> Rules:
    merged = Rules(
        RuleSet(
            [*left.everywhere.ignore, *right.everywhere.ignore],
            [*left.everywhere.only, *right.everywhere.only],
            {**left.everywhere.comparators, **right.everywhere.comparators},
        ),
        dict(left.routes),
    )
    for route, rule_set in right.routes.items():
        if route in merged.routes:
            existing = merged.routes[route]
            merged.routes[route] = RuleSet(
                [*existing.ignore, *rule_set.ignore],
                [*existing.only, *rule_set.only],
                {**existing.comparators, **rule_set.comparators},
            )
        else:
            merged.routes[route] = rule_set
    return merged


async def run_prepared(prepared: Prepared, progress: Any = None) -> ParityReport:
    try:
        async with prepared.runner as runner:
            return await runner.run(prepared.cases, progress=progress)
    except TransportError as error:
        raise ParityUsageError(str(error)) from error


def run_command(command: ParityCommand, progress: Any = None) -> tuple[ParityReport, list[str]]:
    """Prepare, run and write the report files; returns the report and --auto's notes."""
    prepared = prepare(command)
    report = asyncio.run(run_prepared(prepared, progress))
    report.notes = prepared.notes
    from .report import write_report

    for path in command.reports:
        try:
            write_report(report, path)
        except OSError as error:
            raise ParityUsageError(f"cannot write report {path}: {error.strerror or error}") from error
    return report, prepared.notes


def print_notes(notes: list[str], limit: int = 20) -> None:
    for note in notes[:limit]:
        print(f"note: {note}", file=sys.stderr)
    if len(notes) > limit:
        print(f"note: ... and {len(notes) - limit} more (see the report)", file=sys.stderr)
