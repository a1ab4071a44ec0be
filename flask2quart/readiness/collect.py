"""Build the readiness report: run the real rewrite without writing, then attribute what it found.

1. ``rewrite(paths, mode=CHECK)``: the same analysis, rules and findings as ``flask2quart rewrite``,
   the rewritten bytes kept in memory, nothing written.
2. Every Python file under the paths is summarised with the rewrite's own :mod:`ast` scanner
   (:func:`~flask2quart.migrate.analysis.summarize`), with every module of the tree counted as the
   project's: the call graph then reaches helper modules that never mention Flask (a
   ``services/weather.py`` calling ``requests``), which the rewrite itself never needs to parse.
3. Routes (:mod:`.routes`) from the rewrite's roles; for each route, the functions that run for it:
   the view, its project decorators, and every project function they call, transitively.
4. Blocking calls (:mod:`.blocking`) found in the code as it is, kept when they are still there in
   the code as the rewrite leaves it, and only in functions that run on the event loop after the
   port (async functions, sync-only hooks, and whatever they call).
5. A finding belongs to a route when it is inside one of the route's functions (decorators
   included); so does a blocking call. A finding in code that runs for every request (the app's
   request class, F2Q131) belongs to every route.

Docs: docs/check.md
"""

from __future__ import annotations

import ast
import difflib
import os
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, replace
from pathlib import Path

from ..findings import Finding, Severity
from ..migrate import Mode, RewriteOptions, RewriteResult, rewrite
from ..migrate import analysis as A
from ..migrate.discover import DiscoveryError, imported_modules, iter_files
from ..migrate.engine import FileResult
from ..migrate.rules import ALL_CODES
from . import blocking
from .model import BlockingCall, FileReadiness, ReadinessReport, Route, RouteReadiness
from .routes import FoundRoute, definitions, find_routes

_PARSE_ERRORS = (SyntaxError, ValueError, UnicodeDecodeError, RecursionError)
#: Roles whose functions never run on the event loop: click commands, tests and fixtures.
_OFF_LOOP = frozenset({A.Role.CLI, A.Role.TEST, A.Role.FIXTURE})
#: Findings about code Quart runs for every request, whichever route it reaches: F2Q131's are in
#: the app's ``request_class``, built for each request before the view is chosen.
_EVERY_REQUEST = frozenset({"F2Q131"})


class NothingToCheck(DiscoveryError):
    """The paths hold no Python file, or no file that uses Flask: a readiness figure of "0/0
    routes (100%)" would pass a check pointed at the wrong folder, so it is a usage error."""


@dataclass(frozen=True)
class CheckOptions:
    jobs: int = 1
    enabled: frozenset[str] = frozenset(ALL_CODES)
    exclude: tuple[str, ...] = ()
    #: How the rewrite ports ``requests`` calls (F2Q117): ``run-sync`` or ``aiohttp``.
    http_client: str = "run-sync"
    #: The lowest readiness (percent) that passes; see :attr:`ReadinessReport.passed`.
    fail_under: float = 100.0
    #: Called as the rewrite goes: (done, total). For progress bars.
    progress: Callable[[int, int], None] | None = None
    #: Paths in the report are shown relative to this folder when they are inside it (default:
    #: the current directory).
    relative_to: Path | None = None


def check(paths: Iterable[Path], options: CheckOptions | None = None) -> ReadinessReport:
    """The readiness report for ``paths``. Writes nothing. Raises ``DiscoveryError`` for a missing path."""
    options = options or CheckOptions()
    paths = [Path(p) for p in paths]
    result = rewrite(
        paths,
        RewriteOptions(
            mode=Mode.CHECK,
            jobs=options.jobs,
            enabled=options.enabled,
            exclude=options.exclude,
            progress=options.progress,
            http_client=options.http_client,
        ),
    )
    _require_a_flask_app(paths, result)
    project = _Project.load(paths, options.exclude, result)
    report = _Collector(project, result, options).report()
    return _relative(report, (options.relative_to or Path.cwd()).resolve())


def _require_a_flask_app(paths: list[Path], result: RewriteResult) -> None:
    if result.failed or result.changed_count or (result.analysis is not None and result.analysis.modules):
        return  # a file that cannot be read may be the app: its error is the report's to show
    where = ", ".join(str(path) for path in paths)
    if not result.scanned:
        raise NothingToCheck(f"nothing to check in {where}: no Python file")
    count = f"{result.scanned} Python file{'s' if result.scanned != 1 else ''}"
    raise NothingToCheck(f"nothing to check in {where}: no Flask app ({count}, none uses Flask)")


@dataclass
class _Module:
    path: str
    tree: ast.Module
    facts: A.ModuleFacts
    #: qualname -> (first line, decorators included; last line)
    spans: dict[str, tuple[int, int]]


@dataclass
class _Project:
    before: dict[str, _Module]
    #: the rewritten module, for files the rewrite changes
    after: dict[str, _Module]

    @classmethod
    def load(cls, paths: list[Path], exclude: tuple[str, ...], result: RewriteResult) -> _Project:
        """The modules whose code can run for a request: the rewrite's (those that mention Flask,
        tests, and what imports them) and every module they import, transitively."""
        if result.analysis is None or not result.analysis.modules:
            return cls({}, {})  # no Flask app: no routes, nothing runs on an event loop
        known = {f.path: f for f in result.files}
        files = [str(source.path) for source in iter_files(paths, exclude)]
        modules = {path: A.module_name_for(Path(path)) for path in files}
        names = frozenset(modules.values())
        data = {path: _read(path, known) for path in files}
        before: dict[str, _Module] = {}
        after: dict[str, _Module] = {}
        for path in _imported_closure(list(result.analysis.modules), modules, data):
            module = _parse(path, data[path], modules[path], names)
            if module is None:
                continue
            before[path] = module
            file_result = known.get(path)
            if file_result is not None and file_result.changed and file_result.after is not None:
                rewritten = _parse(path, file_result.after, modules[path], names, facts=module.facts)
                if rewritten is not None:
                    after[path] = rewritten
        return cls(before, after)


def _read(path: str, known: dict[str, FileResult]) -> bytes:
    if path in known:
        return known[path].before
    try:
        return Path(path).read_bytes()
    except OSError:
        return b""


def _imported_closure(start: list[str], modules: dict[str, str], data: dict[str, bytes]) -> list[str]:
    """``start`` and every project file they import, transitively (by the rewrite's cheap import
    scan: a regex that may over-approximate, which only costs a parse)."""
    by_name = {name: path for path, name in modules.items()}
    seen = {path for path in start if path in modules}
    todo = list(seen)
    while todo:
        path = todo.pop()
        for name in imported_modules(data[path], modules[path], path.endswith("__init__.py")):
            target = by_name.get(name)
            if target is not None and target not in seen:
                seen.add(target)
                todo.append(target)
    return sorted(seen)


def _parse(
    path: str, data: bytes, module: str, names: frozenset[str], *, facts: A.ModuleFacts | None = None
) -> _Module | None:
    """Parse once; summarise with the rewrite's own scanner (or reuse ``facts``: the rewritten
    module keeps the original's names, and what the rewrite adds, ``run_sync`` and ``asyncio``,
    blocks nothing)."""
    try:
        tree = ast.parse(data, filename=path)
        facts = facts or A.summarize_tree(path, tree, module, names)
    except _PARSE_ERRORS:
        return None
    spans = {
        qual: (min([node.lineno, *(d.lineno for d in node.decorator_list)]), node.end_lineno or node.lineno)
        for qual, node in definitions(tree)
    }
    return _Module(path, tree, facts, spans)


class _Collector:
    def __init__(self, project: _Project, result: RewriteResult, options: CheckOptions) -> None:
        self.project = project
        self.result = result
        self.options = options
        analysis = result.analysis
        self.roles: dict[str, A.Role] = dict(analysis.roles) if analysis else {}
        self.async_functions: set[str] = set(analysis.async_functions) if analysis else set()
        self.calls: dict[str, set[str]] = {}
        self.where: dict[str, tuple[str, int, int]] = {}  # function -> (path, first, last line)
        self.children: dict[str, list[str]] = defaultdict(list)  # function -> nested functions
        self.test_modules: set[str] = set()
        for module in project.before.values():
            facts = module.facts
            if facts.is_test:
                self.test_modules.add(facts.module)
            for qual, func in facts.functions.items():
                key = f"{facts.module}:{qual}"
                self.calls[key] = set(func.calls)
                start, end = module.spans.get(qual, (func.line, func.line))
                self.where[key] = (module.path, start, end)
                if "." in qual:
                    self.children[f"{facts.module}:{qual.rpartition('.')[0]}"].append(key)

    # --- what runs on the event loop --------------------------------------------------------------
    def _in_tests(self, function: str) -> bool:
        return function.partition(":")[0] in self.test_modules or self.roles.get(function) in _OFF_LOOP

    def on_loop(self) -> set[str]:
        """Functions that run on the event loop after the port: async ones (views, hooks, what
        became async), sync-only hooks Quart calls on the loop, and every project function they
        call. Click commands, tests and fixtures are left out."""
        roots = [
            name
            for name in self.async_functions | {n for n, r in self.roles.items() if r is A.Role.SYNC_HOOK}
            if not self._in_tests(name)
        ]
        return self._reach(roots)

    def _reach(self, roots: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(roots)
        while todo:
            name = todo.pop()
            if name in seen or self._in_tests(name):
                continue
            seen.add(name)
            todo.extend(self.calls.get(name, ()))
        return seen

    def _nested(self, function: str) -> list[str]:
        found = []
        todo = list(self.children.get(function, ()))
        while todo:
            name = todo.pop()
            found.append(name)
            todo.extend(self.children.get(name, ()))
        return found

    def route_functions(self, found: FoundRoute) -> set[str]:
        """The view, its decorators (with their wrappers) and what they call, transitively."""
        view, *decorators = found.roots
        roots = [view, *decorators]
        for decorator in decorators:
            roots.extend(self._nested(decorator))
        return self._reach(roots) | {view}

    # --- blocking calls ---------------------------------------------------------------------------
    def blocking_calls(self) -> list[BlockingCall]:
        before = self.project.before
        modules = [(m.tree, m.facts) for m in before.values()]
        knowledge = blocking.learn(modules)
        on_loop = self.on_loop()
        kept: list[BlockingCall] = []
        for path, module in before.items():
            found = blocking.scan(module.tree, module.facts, knowledge, path)
            found = [call for call in found if call.function in on_loop]
            if not found:
                continue
            rewritten = self.project.after.get(path)
            if rewritten is not None:
                left = Counter((c.function, c.api) for c in blocking.scan(rewritten.tree, rewritten.facts, knowledge, path))
                found = _still_there(found, left)
            kept.extend(replace(call, role=str(self.roles.get(call.function, A.Role.PLAIN))) for call in found)
        return sorted(kept)

    # --- the report -------------------------------------------------------------------------------
    def report(self) -> ReadinessReport:
        files: dict[str, FileReadiness] = {}

        def file(path: str) -> FileReadiness:
            if path not in files:
                files[path] = FileReadiness(path)
            return files[path]

        for file_result in self.result.files:
            entry = file(file_result.path)
            entry.changed = file_result.changed
            entry.edits = dict(sorted(file_result.edits.items()))
            entry.findings = sorted(file_result.findings)
            entry.error = file_result.error
        for edit in self.result.config_edits:
            entry = file(str(edit.path))
            entry.changed = True
            codes = _project_file_codes(edit.path, edit.before, edit.after, self.options.enabled)
            entry.edits = {code: 1 for code in codes}
        for finding in self.result.project_findings:
            file(finding.path).findings.append(finding)
        calls = self.blocking_calls()
        for call in calls:
            file(call.path).blocking.append(call)
        modules = [(m.tree, m.facts) for m in self.project.before.values()]
        findings_by_path: dict[str, list[Finding]] = defaultdict(list)
        for finding in self.result.findings:
            findings_by_path[finding.path].append(finding)
        changed_lines = {path: _changed_lines(f.before, f.after) for path, f in self._changed().items()}
        for found in find_routes(modules, self.roles):
            route = self._route(found, findings_by_path, calls, changed_lines)
            file(found.route.path).routes.append(route)
        ordered = [files[path] for path in sorted(files)]
        scanned = self.result.summary()["scanned"]  # as ``rewrite`` counts: project files edited too
        return ReadinessReport(files=ordered, scanned=scanned, fail_under=self.options.fail_under)

    def _changed(self) -> dict[str, _Changed]:
        return {
            f.path: _Changed(f.before, f.after)
            for f in self.result.files
            if f.changed and f.after is not None
        }

    def _route(
        self,
        found: FoundRoute,
        findings_by_path: dict[str, list[Finding]],
        calls: list[BlockingCall],
        changed_lines: dict[str, set[int]],
    ) -> RouteReadiness:
        functions = self.route_functions(found)
        spans: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for name in functions:
            if name in self.where:
                path, start, end = self.where[name]
                spans[path].append((start, end))
        route = found.route
        view_end = self.where.get(route.function, (route.path, route.line, route.line))[2]
        spans[route.path].append((route.line, view_end))
        mine = [
            finding
            for path, ranges in spans.items()
            for finding in findings_by_path.get(path, ())
            if any(start <= finding.line <= end for start, end in ranges)
        ]
        # Code Quart runs for every request of the app, whatever the route (the request class):
        # what needs a human there needs it before any route is ready.
        mine += [f for found_in in findings_by_path.values() for f in found_in if f.code in _EVERY_REQUEST]
        mine = sorted(set(mine))
        lines = changed_lines.get(route.path, set())
        return RouteReadiness(
            route=route,
            manual=[f for f in mine if f.severity is not Severity.INFO],
            automatic=[f for f in mine if f.severity is Severity.INFO],
            blocking=[call for call in calls if call.function in functions],
            lines_rewritten=sum(1 for line in lines if route.line <= line <= view_end),
        )


@dataclass(frozen=True)
class _Changed:
    before: bytes
    after: bytes


def _still_there(found: list[BlockingCall], left: Counter[tuple[str, str]]) -> list[BlockingCall]:
    """The calls of ``found`` that the rewritten code still makes (same function, same API)."""
    kept = []
    for call in found:
        key = (call.function, call.api)
        if left[key] > 0:
            left[key] -= 1
            kept.append(call)
    return kept


def _changed_lines(before: bytes, after: bytes) -> set[int]:
    """Line numbers of ``before`` that the rewrite replaces, deletes, or inserts text after."""
    old = before.decode("utf-8", "replace").splitlines()
    new = after.decode("utf-8", "replace").splitlines()
    changed: set[int] = set()
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    for tag, i1, i2, _, _ in matcher.get_opcodes():
        if tag in ("replace", "delete"):
            changed.update(range(i1 + 1, i2 + 1))
        elif tag == "insert" and i1 > 0:
            changed.add(i1)
    return changed


def _project_file_codes(path: Path, before: bytes | None, after: bytes, enabled: frozenset[str]) -> list[str]:
    """Which rule edited a project file. The edit itself does not say, so it is told from the file:
    a generated module (F2Q117's ``http_client.py``), an env file (F2Q403), otherwise pytest-asyncio
    settings (F2Q206) and/or dependencies (F2Q401)."""
    name = path.name
    if name.endswith(".py"):
        codes = ["F2Q117"]
    elif name in (".flaskenv", ".quartenv") or name == ".env" or name.startswith(".env."):
        codes = ["F2Q403"]
    else:
        old = (before or b"").decode("utf-8", "replace").splitlines()
        new = after.decode("utf-8", "replace").splitlines()
        edited = [line for line in difflib.ndiff(old, new) if line[:2] in ("- ", "+ ")]
        settings = [line for line in edited if "asyncio_" in line]
        codes = (["F2Q206"] if settings else []) + (["F2Q401"] if len(settings) < len(edited) else [])
    return [code for code in codes if code in enabled] or codes


# --- paths as the reader sees them -----------------------------------------------------------------


def _relative(report: ReadinessReport, root: Path) -> ReadinessReport:
    def show(path: str) -> str:
        try:
            resolved = Path(path).resolve()
        except OSError:
            return path
        if resolved == root or root in resolved.parents:
            return os.path.relpath(resolved, root)
        return path

    def finding(f: Finding) -> Finding:
        return replace(f, path=show(f.path))

    def call(c: BlockingCall) -> BlockingCall:
        return replace(c, path=show(c.path))

    def route(r: Route) -> Route:
        return replace(r, path=show(r.path))

    for entry in report.files:
        entry.path = show(entry.path)
        entry.findings = sorted(finding(f) for f in entry.findings)
        entry.blocking = sorted(call(c) for c in entry.blocking)
        for item in entry.routes:
            item.route = route(item.route)
            item.manual = [finding(f) for f in item.manual]
            item.automatic = [finding(f) for f in item.automatic]
            item.blocking = [call(c) for c in item.blocking]
    report.files.sort(key=lambda f: f.path)
    return report
