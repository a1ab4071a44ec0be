"""``flask2quart`` command line: parse arguments, call the library, map results to exit codes.

Exit codes (as ruff and black): 0 done or nothing to do; 1 ``--check``/``--diff`` found changes;
2 usage error, or a file that could not be processed (listed, and left untouched).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .config import DB_CALLS, HTTP_CLIENTS, ConfigError, load_config
from .findings import Finding, Severity
from .migrate import Mode, RewriteOptions, RewriteResult, rewrite, select_codes
from .migrate.discover import DiscoveryError
from .migrate.transaction import terminate_as_interrupt

EXIT_OK = 0
EXIT_CHANGES = 1
EXIT_ERROR = 2


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"{self.prog}: error: {message}", file=sys.stderr)
        raise SystemExit(EXIT_ERROR)


def _codes(value: str) -> list[str]:
    return [part for part in value.replace(" ", ",").split(",") if part]


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="flask2quart", description="Port Flask applications to Quart.")
    parser.add_argument("--version", action="version", version=f"flask2quart {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)
    commands.required = True
    rw = commands.add_parser(
        "rewrite",
        help="rewrite a Flask app and its tests into Quart code",
        description="Rewrite Flask code (app and tests) into Quart code. Default: in place.",
    )
    rw.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    where = rw.add_mutually_exclusive_group()
    where.add_argument("--out", type=Path, metavar="DIR", help="write the ported tree to DIR; PATH stays untouched")
    where.add_argument("--diff", action="store_true", help="print a unified diff; write nothing")
    where.add_argument("--check", action="store_true", help="write nothing; exit 1 if anything would change")
    rw.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: config, else 1; 0 = all CPUs)")
    rw.add_argument("--select", type=_codes, default=None, metavar="CODES", help="only these rule codes/prefixes")
    rw.add_argument("--ignore", type=_codes, default=None, metavar="CODES", help="skip these rule codes/prefixes")
    rw.add_argument("--report", type=Path, metavar="FILE.json", help="also write the summary and findings as JSON")
    rw.add_argument(
        "--http-client", choices=HTTP_CLIENTS, default=None,
        help="blocking requests calls in async code: run-sync (a worker thread, the default) or aiohttp "
        "(a generated requests-compatible module on one shared aiohttp session)",
    )
    rw.add_argument(
        "--db-calls", choices=DB_CALLS, default=None,
        help="Flask-SQLAlchemy calls in async code (kept through flask_bridge, F2Q327): loop (where they are, "
        "the default) or run-sync (in a worker thread with the request's session, F2Q321)",
    )
    rw.add_argument("--quiet", "-q", action="store_true", help="print only errors and the findings")
    rw.add_argument(
        "--stdin-filename", metavar="NAME",
        help="with PATH '-': the name of the file read from stdin (findings, diff, settings), as ruff",
    )

    sv = commands.add_parser(
        "serve",
        help="serve the ported routes on Quart and the rest on the unported Flask app (Hypercorn)",
        description="Staged migration: one Hypercorn server; a request goes to Quart when Quart's "
        "url_map matches it, otherwise to the Flask app through a WSGI adapter.",
    )
    sv.add_argument("--flask", required=True, metavar="MODULE:APP", help="the unported Flask (WSGI) app")
    sv.add_argument("--quart", metavar="MODULE:APP", help="the Quart app with the ported routes")
    sv.add_argument("--bind", "-b", action="append", metavar="HOST:PORT", help="default 127.0.0.1:8000")
    sv.add_argument("--workers", "-w", type=int, default=1, metavar="N", help="worker processes (default 1)")
    sv.add_argument("--wsgi-threads", type=int, metavar="N", help="threads for the Flask side per worker")
    sv.add_argument("--adapter", default="flask2quart", choices=("flask2quart", "a2wsgi", "asgiref"))
    sv.add_argument("--max-body", type=int, default=16 * 1024 * 1024, metavar="BYTES", help="413 above (Flask side)")
    sv.add_argument("--quart-prefix", action="append", default=[], metavar="PATH", help="always Quart under PATH")
    sv.add_argument("--flask-prefix", action="append", default=[], metavar="PATH", help="always Flask under PATH")
    sv.add_argument("--include-static", action="store_true", help="let Quart's static route own /static")
    sv.add_argument("--certfile", metavar="FILE")
    sv.add_argument("--keyfile", metavar="FILE")
    sv.add_argument("--keep-alive", type=float, metavar="SECONDS")
    sv.add_argument("--graceful-timeout", type=float, metavar="SECONDS")
    sv.add_argument("--access-log", action="store_true", help="log each request with the side that served it")
    sv.add_argument("--body-timeout", type=float, default=60.0, metavar="SECONDS",
                    help="408 when a request body takes longer to arrive (Flask side; default 60, 0 = none)")
    sv.add_argument("--max-body-memory", type=int, default=64 * 1024 * 1024, metavar="BYTES",
                    help="request bodies held in memory per worker, all together; beyond, a temporary file")
    sv.add_argument("--metrics", action="store_true", help="serve /_flask2quart/metrics (default: off)")
    sv.add_argument("--metrics-allow", action="append", default=[], metavar="CIDR",
                    help="clients allowed to read the metrics (repeatable; default: loopback only)")
    pa = commands.add_parser(
        "parity",
        help="send the same requests to the Flask app and its Quart port and compare the answers",
        description=(
            "Compare a Flask app and its Quart port answer by answer, in-process (--flask/--quart) "
            "or over the wire (--flask-url/--quart-url). Exit 0: no real difference; 1: real "
            "differences; 2: usage error."
        ),
    )
    pa.add_argument("--flask", metavar="MODULE:APP", help="the original app, e.g. 'legacy.wsgi:app' or 'legacy:create_app()'")
    pa.add_argument("--quart", metavar="MODULE:APP", help="the port, e.g. 'ported:create_app()'")
    pa.add_argument("--cases", action="append", default=[], metavar="FILE", help="cases and rules: FILE.yaml, FILE.json or module:NAME (repeatable)")
    pa.add_argument("--auto", action="store_true", default=None, help="generate cases from the Flask app's url_map (+ hypothesis variations)")
    pa.add_argument("--flask-url", metavar="URL", help="compare over the wire: the running original, e.g. http://127.0.0.1:8000")
    pa.add_argument("--quart-url", metavar="URL", help="compare over the wire: the running port")
    pa.add_argument("--report", action="append", default=[], type=Path, metavar="FILE", help="also write FILE.json or FILE.html (repeatable)")
    pa.add_argument("--allow-unsafe", action="store_true", default=None, help="send POST/PUT/PATCH/DELETE over the wire, and generate them under --auto")
    pa.add_argument("--no-calibrate", action="store_true", help="do not ask the Flask app twice (nothing is classified as noise)")
    pa.add_argument("--ignore", action="append", default=[], metavar="PATTERN", help="ignore a field everywhere, e.g. 'header:x-request-id' or 'body:$.generated_at' (repeatable)")
    pa.add_argument("--variations", type=int, default=5, metavar="N", help="hypothesis variations per route that reads its query (default 5)")
    pa.add_argument("--seed", type=int, default=0, help="seed for --auto's variations (default 0: the same cases every run)")
    pa.add_argument("--timeout", type=float, default=30.0, metavar="SECONDS", help="per request (default 30)")
    pa.add_argument(
        "--secret-header", action="append", default=[], metavar="NAME",
        help="a header whose values are secrets (redacted in every report, also where an answer repeats "
        "them), besides Cookie, Authorization and names with token/secret/password/api-key (repeatable)",
    )
    pa.add_argument("--verbose", "-v", action="store_true", help="list every case, not only the ones that differ")
    pa.add_argument("--quiet", "-q", action="store_true", help="print only the summary line and errors")
    _add_check_parser(commands)
    return parser


def _add_check_parser(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    ck = commands.add_parser(
        "check",
        help="readiness report: what the rewrite does, what needs a human, blocking calls; changes nothing",
        description=(
            "Report, per file and per route, what `rewrite` would do automatically, what needs a human "
            "(rule codes), the blocking calls left on the event loop, and the readiness figure: the share "
            "of routes that port with no manual work. Writes nothing. Exit 0: passed; 1: below "
            "--fail-under (at 100, the default: anything needs a human); 2: usage error or unreadable file."
        ),
    )
    ck.add_argument("paths", nargs="+", type=Path, metavar="PATH")
    ck.add_argument("--format", choices=("table", "json", "markdown"), default=None, help="default: config, else table")
    ck.add_argument("--output", "-o", type=Path, metavar="FILE", help="write the report to FILE (stdout: the summary line)")
    ck.add_argument(
        "--fail-under", type=float, default=None, metavar="PCT",
        help="exit 1 when fewer than PCT%% of routes port with no manual work (default 100: and nothing "
        "outside routes needs a human)",
    )
    ck.add_argument("--select", type=_codes, default=None, metavar="CODES", help="only these rule codes/prefixes")
    ck.add_argument("--ignore", type=_codes, default=None, metavar="CODES", help="skip these rule codes/prefixes")
    ck.add_argument("--exclude", action="append", default=[], metavar="GLOB", help="also skip these files/folders (repeatable)")
    ck.add_argument("--jobs", "-j", type=int, metavar="N", help="worker processes (default: config, else 1; 0 = all CPUs)")
    ck.add_argument("--http-client", choices=HTTP_CLIENTS, default=None, help="as for rewrite: how requests calls are ported")


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command == "rewrite":
        return run_rewrite(args)
    if args.command == "serve":
        return run_serve(args)
    if args.command == "parity":
        return run_parity(args)
    if args.command == "check":
        return run_check(args)
    parser.error(f"unknown command {args.command}")
    return EXIT_ERROR


def _fail(message: str) -> int:
    print(f"flask2quart: error: {message}", file=sys.stderr)
    return EXIT_ERROR


def run_rewrite(args: argparse.Namespace) -> int:
    from . import stdin_rewrite

    if stdin_rewrite.wants_stdin(args.paths, args.stdin_filename):
        return stdin_rewrite.run(
            stdin_rewrite.StdinRequest(
                tuple(str(path) for path in args.paths), args.stdin_filename, args.diff, args.check,
                args.out, args.select, args.ignore, args.report, args.quiet,
            )
        )
    common = Path(os.path.commonpath([str(p.resolve()) for p in args.paths])) if args.paths else Path.cwd()
    try:
        config = load_config(common if common.exists() else Path.cwd())
    except ConfigError as error:
        return _fail(str(error))
    select = args.select if args.select is not None else list(config.select)
    ignore = args.ignore if args.ignore is not None else list(config.ignore)
    try:
        enabled = select_codes(select, ignore)
    except ValueError as error:
        return _fail(str(error))
    jobs = args.jobs if args.jobs is not None else (config.jobs or 1)
    if jobs < 0:
        return _fail("--jobs must be 0 (all CPUs) or a positive number")
    if jobs == 0:
        jobs = os.cpu_count() or 1
    if args.out is not None:
        out = args.out.resolve()
        for path in args.paths:
            root = path.resolve()
            if out == root or root in out.parents:
                return _fail(f"--out {args.out} must not be inside {path}")
    mode = Mode.DIFF if args.diff else Mode.CHECK if args.check else Mode.WRITE
    progress = _Progress() if sys.stderr.isatty() and not args.quiet else None
    options = RewriteOptions(
        mode=mode,
        out=args.out,
        jobs=jobs,
        enabled=enabled,
        exclude=config.exclude,
        progress=progress.update if progress else None,
        http_client=args.http_client or config.http_client or "run-sync",
        db_calls=args.db_calls or config.db_calls or "loop",
    )
    try:
        with terminate_as_interrupt():
            result = rewrite(args.paths, options)
    except DiscoveryError as error:
        return _fail(str(error))
    except KeyboardInterrupt as error:
        return _interrupted(error)
    finally:
        if progress:
            progress.close()
    if mode == Mode.DIFF and result.diff:
        sys.stdout.write(result.diff)
    _print_summary(result, mode, quiet=args.quiet)
    if args.report is not None:
        try:
            args.report.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
        except OSError as error:
            return _fail(f"cannot write report {args.report}: {error}")
    if result.failed:
        return EXIT_ERROR
    if mode in (Mode.CHECK, Mode.DIFF) and result.changed_count:
        return EXIT_CHANGES
    return EXIT_OK


def _interrupted(error: KeyboardInterrupt) -> int:
    """Ctrl-C (or SIGTERM): one line, exit 128 + the signal (130 for Ctrl-C), never a traceback."""
    written = getattr(error, "written", False)
    state = "the port was already written in full" if written else "no file was changed"
    print(f"flask2quart: interrupted; {state}", file=sys.stderr)
    return 128 + int(getattr(error, "signum", 2))


def run_check(args: argparse.Namespace) -> int:
    """``flask2quart check``: the readiness report (see docs/check.md)."""
    from .readiness import CheckOptions, check, render_json, render_markdown, render_terminal

    common = Path(os.path.commonpath([str(p.resolve()) for p in args.paths]))
    try:
        config = load_config(common if common.exists() else Path.cwd())
    except ConfigError as error:
        return _fail(str(error))
    try:
        enabled = select_codes(
            args.select if args.select is not None else list(config.select),
            args.ignore if args.ignore is not None else list(config.ignore),
        )
    except ValueError as error:
        return _fail(str(error))
    jobs = args.jobs if args.jobs is not None else (config.jobs or 1)
    if jobs < 0:
        return _fail("--jobs must be 0 (all CPUs) or a positive number")
    fail_under = args.fail_under if args.fail_under is not None else config.check_fail_under
    if not 0 <= fail_under <= 100:
        return _fail(f"--fail-under must be between 0 and 100, not {fail_under:g}")
    output_format = args.format or config.check_format
    progress = _Progress("checking") if sys.stderr.isatty() else None
    options = CheckOptions(
        jobs=jobs or os.cpu_count() or 1,
        enabled=enabled,
        exclude=(*config.exclude, *args.exclude),
        http_client=args.http_client or config.http_client or "run-sync",
        fail_under=fail_under,
        progress=progress.update if progress else None,
    )
    try:
        report = check(args.paths, options)
    except DiscoveryError as error:
        return _fail(str(error))
    finally:
        if progress:
            progress.close()
    if output_format == "table":
        from rich.console import Console

        if args.output is None:
            render_terminal.render(report, Console(highlight=False, width=None if sys.stdout.isatty() else 120))
            text = None
        else:
            console = Console(record=True, width=120, file=io.StringIO(), highlight=False, color_system=None)
            render_terminal.render(report, console)
            text = console.export_text()
    else:
        text = (render_json if output_format == "json" else render_markdown).render(report)
    if args.output is not None:
        try:
            args.output.write_text(text or "", encoding="utf-8")
        except OSError as error:
            return _fail(f"cannot write {args.output}: {error.strerror or error}")
        print(render_terminal.summary_line(report))
    elif text is not None:
        sys.stdout.write(text)
    if report.failed:
        return EXIT_ERROR
    return EXIT_OK if report.passed else EXIT_CHANGES


def run_serve(args: argparse.Namespace) -> int:
    from .appspec import AppSpecError
    from .shim.adapters import AdapterError
    from .shim.listen import BindError
    from .shim.metrics import parse_networks
    from .shim.serve import ServeOptions, serve

    if args.workers < 1:
        return _fail("--workers must be at least 1")
    if args.wsgi_threads is not None and args.wsgi_threads < 1:
        return _fail("--wsgi-threads must be at least 1")
    if args.metrics_allow and not args.metrics:
        return _fail("--metrics-allow needs --metrics (the metrics are off without it)")
    try:
        parse_networks(args.metrics_allow)
    except ValueError as error:
        return _fail(f"--metrics-allow: {error}")
    options = ServeOptions(
        flask=args.flask,
        quart=args.quart,
        bind=args.bind or ["127.0.0.1:8000"],
        workers=args.workers,
        wsgi_threads=args.wsgi_threads,
        adapter=args.adapter,
        max_body=args.max_body if args.max_body > 0 else None,
        include_static=args.include_static,
        quart_prefixes=args.quart_prefix,
        flask_prefixes=args.flask_prefix,
        certfile=args.certfile,
        keyfile=args.keyfile,
        keep_alive=args.keep_alive,
        graceful_timeout=args.graceful_timeout,
        access_log=args.access_log,
        body_timeout=args.body_timeout if args.body_timeout > 0 else None,
        max_body_memory=args.max_body_memory if args.max_body_memory > 0 else None,
        metrics=args.metrics,
        metrics_allow=args.metrics_allow,
    )
    try:
        return serve(options)
    except (AppSpecError, AdapterError, BindError) as error:
        return _fail(str(error))


def run_parity(args: argparse.Namespace) -> int:
    from rich.console import Console

    from .parity.command import ParityCommand, ParityUsageError, print_notes, run_command
    from .parity.report import print_report

    try:
        defaults = load_config(Path.cwd()).parity
    except ConfigError as error:
        return _fail(str(error))
    command = ParityCommand(
        flask=args.flask or _string(defaults.get("flask")),
        quart=args.quart or _string(defaults.get("quart")),
        cases=args.cases or ([str(defaults["cases"])] if defaults.get("cases") else []),
        auto=bool(args.auto if args.auto is not None else defaults.get("auto", False)),
        flask_url=args.flask_url,
        quart_url=args.quart_url,
        reports=args.report,
        allow_unsafe=bool(args.allow_unsafe if args.allow_unsafe is not None else defaults.get("allow-unsafe", False)),
        calibrate=not args.no_calibrate,
        ignore=[*(str(item) for item in defaults.get("ignore", []) or []), *args.ignore],  # type: ignore[union-attr]
        variations=args.variations,
        seed=args.seed,
        timeout=args.timeout,
        secret_headers=[*(str(item) for item in defaults.get("secret-headers", []) or []), *args.secret_header],  # type: ignore[union-attr]
    )
    progress = _Progress("comparing") if sys.stderr.isatty() and not args.quiet else None
    try:
        report, notes = run_command(command, progress.update if progress else None)
    except ParityUsageError as error:
        return _fail(str(error))
    finally:
        if progress:
            progress.close()
    console = Console(stderr=False, highlight=False)
    if args.quiet:
        state = "PASS" if report.passed else "FAIL"
        print(f"parity {state}: {len(report.cases)} cases, {_verdict_counts(report)}")
    else:
        print_notes(notes)
        print_report(report, console, verbose=args.verbose)
    for path in args.report:
        print(f"report written to {path}", file=sys.stderr)
    return EXIT_OK if report.passed else EXIT_CHANGES


def _string(value: object) -> str | None:
    return value if isinstance(value, str) else None


def _verdict_counts(report: object) -> str:
    from .parity.model import ParityReport, Verdict

    assert isinstance(report, ParityReport)
    return ", ".join(f"{report.count(verdict)} {verdict}" for verdict in Verdict if report.count(verdict))


def _relative(path: str) -> str:
    try:
        return os.path.relpath(path)
    except ValueError:
        return path


def _print_summary(result: RewriteResult, mode: str, *, quiet: bool) -> None:
    out = sys.stderr if mode == Mode.DIFF else sys.stdout
    for line in result.recovered:
        print(f"flask2quart: {line}", file=sys.stderr)
    for failed in result.failed:
        print(f"error: {_relative(failed.path)}: {failed.error}", file=sys.stderr)
    findings = [f for f in result.findings if f.code not in ("F2Q001", "F2Q002", "F2Q003")]
    for finding in findings:
        shown = Finding(_relative(finding.path), finding.line, finding.col, finding.code, finding.message, finding.severity)
        print(shown.render(), file=out)
    if quiet:
        return
    folders = [(p, why) for p, why in result.skipped.folders if p.name != "__pycache__"]  # bytecode only
    if folders:
        shown = ", ".join(f"{_relative(str(p))}{os.sep} ({why})" for p, why in folders)
        print(f"skipped folders: {shown}", file=out)
    summary = result.summary()
    verb = {Mode.WRITE: "changed", Mode.CHECK: "would change", Mode.DIFF: "would change"}[mode]
    needs_human = sum(1 for f in findings if f.severity is not Severity.INFO)
    print(
        f"{summary['scanned']} files scanned: {summary['changed']} {verb}, "
        f"{summary['unchanged']} unchanged, {summary['failed']} failed; "
        f"{needs_human} {'place needs' if needs_human == 1 else 'places need'} a human",
        file=out,
    )


class _Progress:
    """A rich progress bar on a terminal; nothing when output is piped."""

    def __init__(self, label: str = "rewriting") -> None:
        from rich.console import Console
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn

        self._progress = Progress(
            TextColumn(label), BarColumn(), MofNCompleteColumn(), transient=True, console=Console(stderr=True)
        )
        self._task = self._progress.add_task(label, total=None)
        self._progress.start()

    def update(self, done: int, total: int) -> None:
        self._progress.update(self._task, completed=done, total=total)

    def close(self) -> None:
        self._progress.stop()


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
