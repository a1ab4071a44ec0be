"""``flask2quart rewrite``: the codemod's public entry point.

discover -> cheap pre-filter -> project analysis (once, whole tree, :mod:`ast`) -> per-file LibCST
rewrite in parallel (each worker gets the analysis, never the other trees) -> verify -> write, diff
or check -> findings. :func:`rewrite` is what the CLI calls, and what tests call.
"""

from __future__ import annotations

import contextlib
import difflib
import io
import multiprocessing
import os
import pickle
import re
import signal
import stat
import tokenize
import uuid
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from ..findings import Finding, Severity
from . import analysis as A
from . import projects, transaction
from .discover import (
    JOURNAL_NAME,
    DiscoveryError,
    Skipped,
    SourceFile,
    imported_modules,
    iter_files,
    mentions_flask,
    walk,
)
from .engine import FileResult, transform_source
from .flask_api import is_test_module
from .launch import entry_points
from .project import project_root
from .rules import ALL_CODES, ENGINE_CODES, ProjectDependencies, PytestAsyncioConfig, SyncHttpClient
from .rules import _rate_limiting as rate_limiting
from .rules import f2q215_pytest_flask as pytest_flask
from .rules import f2q327_flask_bridge as flask_bridge
from .rules import f2q340_flask_restful as flask_restful
from .rules.f2q206_pytest_asyncio_config import ConfigEdit
from .rules.f2q401_dependencies import quart_requirement
from .rules.f2q402_launch_commands import LaunchCommands, LaunchPlan
from .rules.f2q403_flaskenv import FlaskEnvFiles, RenamedFile

__all__ = ["PendingRewrite", "RewriteOptions", "RewriteResult", "rewrite", "rewrite_source", "select_codes"]


class Mode:
    WRITE = "write"
    CHECK = "check"
    DIFF = "diff"


@dataclass(frozen=True)
class RewriteOptions:
    mode: str = Mode.WRITE
    out: Path | None = None
    jobs: int = 1
    enabled: frozenset[str] = frozenset(ALL_CODES)
    exclude: tuple[str, ...] = ()
    #: Called after each file is processed: (done, total). For progress bars.
    progress: Callable[[int, int], None] | None = None
    #: How F2Q117 ports blocking ``requests`` calls: ``"run-sync"`` (a worker thread) or
    #: ``"aiohttp"`` (a generated requests-compatible module on one shared aiohttp session).
    http_client: str = "run-sync"
    #: ``"loop"`` or ``"run-sync"``: where Flask-SQLAlchemy's calls in async code run (F2Q321).
    db_calls: str = "loop"


@dataclass
class RewriteResult:
    files: list[FileResult] = field(default_factory=list)
    config_edits: list[ConfigEdit] = field(default_factory=list)
    #: Findings about the project rather than one module (its pytest configuration...).
    project_findings: list[Finding] = field(default_factory=list)
    scanned: int = 0
    diff: str = ""
    #: The whole-project analysis the rewrite used (roles, async functions): for ``check``.
    analysis: A.ProjectAnalysis | None = None
    #: Folders not entered, files not opened, symlinks kept as links.
    skipped: Skipped = field(default_factory=Skipped)
    #: What was done to finish an interrupted earlier run, one sentence each.
    recovered: list[str] = field(default_factory=list)
    #: A write failed: nothing was written (the failed file says which and why).
    rolled_back: bool = False
    #: Failed files that are not among the scanned ones (a project file that could not be written).
    extra_failed: int = 0

    @property
    def changed(self) -> list[FileResult]:
        return [f for f in self.files if f.changed]

    @property
    def failed(self) -> list[FileResult]:
        return [f for f in self.files if f.error is not None]

    @property
    def findings(self) -> list[Finding]:
        return sorted([*self.project_findings, *(finding for f in self.files for finding in f.findings)])

    @property
    def changed_count(self) -> int:
        return len(self.changed) + len(self.config_edits)

    def summary(self) -> dict[str, int]:
        failed = len(self.failed)
        changed = self.changed_count
        # a configuration file the rewrite edited (or failed to write) counts as a scanned file too
        scanned = self.scanned + len(self.config_edits) + self.extra_failed
        return {"scanned": scanned, "changed": changed, "unchanged": scanned - changed - failed, "failed": failed}

    def to_json(self) -> dict[str, object]:
        return {
            "summary": self.summary(),
            "changed": sorted(f.path for f in self.changed) + sorted(str(e.path) for e in self.config_edits),
            "renamed": [
                {"from": str(e.source), "to": str(e.path)} for e in self.config_edits if isinstance(e, RenamedFile)
            ],
            "failed": [{"path": f.path, "error": f.error} for f in self.failed],
            "written": not self.rolled_back,
            "skipped": {
                "folders": [{"path": str(p), "reason": why} for p, why in self.skipped.folders],
                "files": [{"path": str(p), "reason": why} for p, why in self.skipped.files],
                "symlinks": [str(p) for p in self.skipped.links],
            },
            "recovered": self.recovered,
            "findings": [f.to_json() for f in self.findings],
        }


def select_codes(select: Iterable[str] = (), ignore: Iterable[str] = ()) -> frozenset[str]:
    """Codes enabled by ``--select``/``--ignore`` (prefixes allowed, like ruff: ``F2Q2``)."""
    select = [s.strip().upper() for s in select if s.strip()]
    ignore = [s.strip().upper() for s in ignore if s.strip()]
    for code in (*select, *ignore):
        if not any(known.startswith(code) for known in ALL_CODES):
            raise ValueError(f"unknown rule code or prefix: {code}")
    chosen = {c for c in ALL_CODES if not select or any(c.startswith(s) for s in select)}
    chosen = {c for c in chosen if not any(c.startswith(i) for i in ignore)}
    chosen |= set(ENGINE_CODES)  # parse and verification failures are always reported
    return frozenset(chosen)


# --- the pipeline ------------------------------------------------------------------------------


def rewrite(paths: Iterable[Path], options: RewriteOptions) -> RewriteResult:
    """Rewrite ``paths`` (files or folders). Raises :class:`DiscoveryError` for missing paths or
    an interrupted earlier run that this mode may not finish, :class:`~.transaction.Interrupted`
    on Ctrl-C/SIGTERM (the tree is then the original or the complete port)."""
    paths = [Path(p) for p in paths]
    skipped = Skipped()
    sources = list(iter_files(paths, options.exclude, skipped=skipped))
    recovered = _recover(paths, options, skipped.journals)
    if recovered:  # the tree changed under the walk: look again
        skipped = Skipped()
        sources = list(iter_files(paths, options.exclude, skipped=skipped))
    result = RewriteResult(scanned=len(sources), skipped=skipped, recovered=recovered)
    result.project_findings.extend(_skipped_findings(skipped, paths))
    candidates = _candidates(sources)
    module_names = {str(f.path): A.module_name_for(f.path) for f, _ in candidates}
    any_flask = any(mentions_flask(data) or b"test_client" in data for _, data in candidates)
    # Two packages with one name (a monorepo, a port beside its original) are separate projects.
    groups = projects.split(
        candidates, {i: f.path for i, (f, _) in enumerate(candidates)},
        {i: module_names[str(f.path)] for i, (f, _) in enumerate(candidates)},
    )
    done = len(sources) - len(candidates)
    analyses: list[A.ProjectAnalysis] = []
    scripts = entry_points.targets(project_root(p if p.is_dir() else p.parent) for p in paths)
    with _workers(options.jobs) as pool:  # one pool for every parallel phase
        for _, group in groups:
            names = frozenset(module_names[str(f.path)] for f, _ in group)
            summaries, unreadable = _summarize_all(group, module_names, names, pool, options.jobs)
            analysis = A.decide(
                summaries, set(names), sources={str(f.path): data for f, data in group},
                http_calls="F2Q117" in options.enabled, entry_points=scripts,
            )
            analyses.append(analysis)
            result.files.extend(unreadable)
            done += len(unreadable)
            if not any_flask:
                analysis.modules = {}  # no Flask anywhere: nothing to port, nothing to guess about
            if options.http_client == "aiohttp" and "F2Q117" in options.enabled:
                result.project_findings.extend(SyncHttpClient.plan(analysis))
            analysis.db_calls = options.db_calls
            work = [(str(f.path), data) for f, data in group if str(f.path) in analysis.modules]
            transaction.fault("analysis")
            for file_result in _transform_all(work, analysis, options, pool):
                result.files.append(file_result)
                done += 1
                if options.progress:
                    options.progress(done, len(sources))
            for generated in (
                SyncHttpClient.module_edit(analysis),  # the http_client module (--http-client aiohttp)
                rate_limiting.module_edit(analysis) if "F2Q304" in options.enabled else None,  # Flask-Limiter's API
                flask_restful.module_edit(analysis) if "F2Q340" in options.enabled else None,  # Flask-RESTful's API
            ):
                if generated is not None:
                    result.config_edits.append(generated[0])
                    result.project_findings.append(generated[1])
            bridge = flask_bridge.module_edit(analysis) if "F2Q327" in options.enabled else None
            if bridge is not None:  # the Flask context bridge (F2Q327)
                if bridge[0] is not None:
                    result.config_edits.append(bridge[0])
                result.project_findings.append(bridge[1])
    analysis = projects.merge(analyses) if analyses else A.decide([], set())
    result.analysis = analysis
    result.files.sort(key=lambda f: f.path)
    if {"F2Q206", "F2Q401", "F2Q402", "F2Q403"} & options.enabled:
        # split projects each get their own project files (the files under none of them: none)
        folders = [folder for folder, _ in groups if folder is not None] or paths
        result.config_edits = [*_config_edits(folders, analysis, result, options), *result.config_edits]
    _emit(paths, result, options)
    return result


class PendingRewrite(DiscoveryError):
    """An interrupted earlier run left a journal that this run may not finish (it writes nothing,
    or writes elsewhere): a one-line error."""


def _anchor(paths: list[Path]) -> Path:
    """The folder of an in-place run's journal: the deepest one holding every PATH."""
    folders = [str(p.resolve() if p.resolve().is_dir() else p.resolve().parent) for p in paths]
    return Path(os.path.commonpath(folders))


def _recover(paths: list[Path], options: RewriteOptions, seen: list[Path]) -> list[str]:
    """Finish what an interrupted run left (in place: its journal at or above the PATHs, or in
    them; ``--out``: the output's own journal) before looking at the tree."""
    found = list(dict.fromkeys([*transaction.find_journals(_anchor(paths)), *seen]))
    if found and (options.mode != Mode.WRITE or options.out is not None):
        raise PendingRewrite(
            f"{found[0]}: an interrupted rewrite is not finished; run `flask2quart rewrite` on "
            "the same paths (in place) to finish it first"
        )
    if options.mode == Mode.WRITE and options.out is not None:
        journal = transaction.out_journal(options.out.resolve())
        found = [journal] if journal.exists() else []
    try:
        return [transaction.recover(journal) for journal in found]
    except transaction.JournalError as error:
        raise PendingRewrite(str(error)) from None


def _skipped_findings(skipped: Skipped, paths: list[Path]) -> list[Finding]:
    """A dangling symlink, a loop, a FIFO or a device: said, never opened; the run goes on."""
    findings = [
        # a FIFO or a device is never source code: information; a broken link may be a lost file
        Finding(str(path), 1, 1, "F2Q004", why, Severity.INFO if why.startswith("not a regular") else Severity.WARNING)
        for path, why in skipped.files
    ]
    roots = [p.resolve() for p in paths]
    for link in skipped.links:
        target = link.resolve()
        if link.suffix == ".py" and target.exists() and not any(r == target or r in target.parents for r in roots):
            findings.append(
                Finding(
                    str(link), 1, 1, "F2Q004", f"symlink to {target}, outside the rewritten paths: kept as a "
                    "link, its target not rewritten", Severity.WARNING,
                )
            )
    return findings


def rewrite_source(
    source: bytes, path: str = "app.py", enabled: frozenset[str] = frozenset(ALL_CODES)
) -> FileResult:
    """Rewrite one module on its own (no project around it): for editors, hooks and tests."""
    module = Path(path).stem
    try:
        facts = A.summarize(path, source, module, frozenset({module}))
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError) as error:
        result = FileResult(path, source, error=f"cannot parse: {error}")
        result.findings.append(Finding(path, _line_of(str(error)), 0, "F2Q001", result.error or "", Severity.ERROR))
        return result
    analysis = A.decide([facts], {module}, http_calls="F2Q117" in enabled)
    return transform_source(path, source, analysis, enabled)


#: What a test module says when it may use a Flask test client through a fixture.
_TEST_MARKERS = (b"client", b"app_context", b"test_request_context")
#: A module that may make blocking HTTP calls: a helper the app calls becomes async (F2Q117).
_SYNC_HTTP_RE = re.compile(rb"\b(?:import requests|from requests|urlopen)\b")


def _candidates(sources: list[SourceFile]) -> list[tuple[SourceFile, bytes]]:
    """Files worth an :mod:`ast` parse; the rest are never parsed.

    A file qualifies if it mentions Flask, if it is a test module that may use a test client, if
    it may make blocking HTTP calls, if it imports (transitively) a module that qualifies: only
    those can call a function that becomes async; or if a test module (or such a helper) imports
    it: tests hand their clients and responses to helpers that mention nothing of Flask.
    """
    chosen: list[tuple[SourceFile, bytes]] = []
    rest: list[tuple[SourceFile, bytes, str]] = []
    for source in sources:
        try:
            data = source.path.read_bytes()
        except OSError:
            data = b""
        test_like = is_test_module(source.path.name) and any(m in data for m in _TEST_MARKERS)
        if mentions_flask(data) or test_like or _SYNC_HTTP_RE.search(data):
            chosen.append((source, data))
        else:
            rest.append((source, data, A.module_name_for(source.path)))
    accepted = {A.module_name_for(f.path) for f, _ in chosen}
    # pytest hands a conftest's fixtures to every test module below it, with no import.
    fixture_dirs = {f.path.parent for f, _ in chosen if f.path.name == "conftest.py"}
    suite = [(f, data) for f, data in chosen if is_test_module(f.path.name)]
    changed = True
    while changed and rest:
        changed = False
        helpers_of_tests = {
            name
            for f, data in suite
            for name in imported_modules(data, A.module_name_for(f.path), f.path.name == "__init__.py")
        }
        still: list[tuple[SourceFile, bytes, str]] = []
        for source, data, module in rest:
            imported = imported_modules(data, module, source.path.name == "__init__.py")
            gets_fixtures = is_test_module(source.path.name) and not fixture_dirs.isdisjoint(source.path.parents)
            if gets_fixtures or imported & accepted or module in helpers_of_tests:
                chosen.append((source, data))
                accepted.add(module)
                if source.path.name == "conftest.py":
                    fixture_dirs.add(source.path.parent)
                if is_test_module(source.path.name) or module in helpers_of_tests:
                    suite.append((source, data))
                changed = True
            else:
                still.append((source, data, module))
        rest = still
    return chosen


def _summarize_one(item: tuple[str, bytes, str, frozenset[str]]) -> A.ModuleFacts | tuple[str, str]:
    path, data, module, names = item
    try:
        return A.summarize(path, data, module, names)
    except (SyntaxError, ValueError, UnicodeDecodeError, RecursionError) as error:
        return (path, f"{type(error).__name__}: {error}")


def _summarize_all(
    candidates: list[tuple[SourceFile, bytes]],
    module_names: dict[str, str],
    names: frozenset[str],
    pool: ProcessPoolExecutor | None,
    jobs: int,
) -> tuple[list[A.ModuleFacts], list[FileResult]]:
    items = [(str(f.path), data, module_names[str(f.path)], names) for f, data in candidates]
    summaries: list[A.ModuleFacts] = []
    failed: list[FileResult] = []
    data_by_path = {str(f.path): data for f, data in candidates}
    outcomes = (
        pool.map(_summarize_one, items, chunksize=max(1, len(items) // (jobs * 8)))
        if pool is not None and len(items) > 1
        else map(_summarize_one, items)
    )
    for outcome in outcomes:
        if isinstance(outcome, tuple):
            path, message = outcome
            error = f"cannot parse: {message.splitlines()[0]}"
            line = _line_of(message)
            result = FileResult(path, data_by_path[path], error=error)
            result.findings.append(Finding(path, line, 0, "F2Q001", error, Severity.ERROR))
            failed.append(result)
        else:
            summaries.append(outcome)
    return summaries, failed


def _line_of(message: str) -> int:
    match = re.search(r"line (\d+)", message)
    return int(match.group(1)) if match else 1


#: The analysis a worker process received last, by token: unpickled once per worker, not per file.
_WORKER_STATE: dict[str, tuple[A.ProjectAnalysis, frozenset[str]]] = {}


def _transform_one(path: str, data: bytes, analysis: A.ProjectAnalysis, enabled: frozenset[str]) -> FileResult:
    try:
        return transform_source(path, data, analysis, enabled)
    except RecursionError:
        result = FileResult(path, data, error="too deeply nested for the rewriter; left untouched")
        result.findings.append(Finding(path, 1, 0, "F2Q001", result.error or "", Severity.ERROR))
        return result


def _transform_batch(task: tuple[str, bytes, list[tuple[str, bytes]]]) -> list[FileResult]:
    token, state, batch = task
    if token not in _WORKER_STATE:
        _WORKER_STATE.clear()
        _WORKER_STATE[token] = pickle.loads(state)
    analysis, enabled = _WORKER_STATE[token]
    return [_transform_one(path, data, analysis, enabled) for path, data in batch]


def _transform_all(
    work: list[tuple[str, bytes]],
    analysis: A.ProjectAnalysis,
    options: RewriteOptions,
    pool: ProcessPoolExecutor | None,
) -> Iterator[FileResult]:
    if pool is None or len(work) < 2:
        for path, data in work:
            yield _transform_one(path, data, analysis, options.enabled)
        return
    state = pickle.dumps((analysis, options.enabled), protocol=pickle.HIGHEST_PROTOCOL)
    token = uuid.uuid4().hex
    size = max(1, len(work) // (options.jobs * 6))
    batches = [work[i : i + size] for i in range(0, len(work), size)]
    for results in pool.map(_transform_batch, [(token, state, batch) for batch in batches]):
        yield from results


@contextlib.contextmanager
def _workers(jobs: int) -> Iterator[ProcessPoolExecutor | None]:
    if jobs <= 1:
        yield None
        return
    pool = ProcessPoolExecutor(max_workers=jobs, mp_context=_mp_context(), initializer=_ignore_interrupts)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)  # Ctrl-C: do not wait for queued work
        raise
    pool.shutdown()


def _ignore_interrupts() -> None:
    """A terminal's Ctrl-C reaches the workers too: only the main process reacts (one line, its
    cleanup), the workers must not print a traceback each."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _mp_context() -> multiprocessing.context.BaseContext:
    """Workers forked from a clean server process: forking this one, which may run threads (the
    progress bar's), can deadlock, and Python 3.13 warns about it."""
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["flask2quart.migrate._forkserver", "flask2quart.migrate"])
        return context
    return multiprocessing.get_context("spawn")


# --- project files -----------------------------------------------------------------------------


def _config_edits(
    paths: list[Path], analysis: A.ProjectAnalysis, result: RewriteResult, options: RewriteOptions
) -> list[ConfigEdit]:
    """Project files of each PATH folder: pytest-asyncio settings where tests became async
    (F2Q206), launch commands starting Hypercorn (F2Q402), ``.quartenv`` and env files (F2Q403),
    dependencies naming Quart where code was ported (F2Q401, told what F2Q402 did)."""
    flask_modules = {facts.module for facts in analysis.modules.values() if facts.uses_flask}
    async_tests = {
        facts.path
        for facts in analysis.modules.values()
        for qual, func in facts.functions.items()
        if func.role in (A.Role.TEST, A.Role.FIXTURE)
        and f"{facts.module}:{qual}" in analysis.async_functions
        # already async in a test module of the app: a tree a previous run left half ported
        and (not func.already_async or facts.uses_flask or not flask_modules.isdisjoint(
            target.partition(":")[0] for target in facts.imports.values()
        ))
        and not _in_testcase(facts, qual)
    }
    failed = {f.path for f in result.failed}
    changed = [f.path for f in result.changed]
    edits: dict[Path, ConfigEdit] = {}
    for given in paths:
        root = given.resolve()
        if not root.is_dir():
            continue
        inside = str(root) + os.sep
        async_here = any(p.startswith(inside) and p not in failed for p in async_tests)
        if async_here and "F2Q206" in options.enabled:
            config_root = PytestAsyncioConfig.config_root(root)
            edit = PytestAsyncioConfig.plan(config_root, {path: e.after for path, e in edits.items()})
            if edit is not None:
                edits[edit.path.resolve()] = edit
            strict = PytestAsyncioConfig.strict_mode(config_root)
            if strict is not None:
                result.project_findings.append(
                    Finding(
                        str(strict[0]), strict[1], 1, PytestAsyncioConfig.code,
                        "asyncio_mode = strict: the tests that became async need @pytest.mark.asyncio "
                        "(or set asyncio_mode = auto)", Severity.ERROR,
                    )
                )
        if "F2Q215" in options.enabled and pytest_flask.plan(analysis) is not None:  # its plugin off
            edit = pytest_flask.config_edit(
                PytestAsyncioConfig.config_root(root), {path: e.after for path, e in edits.items()}
            )
            if edit is not None:
                earlier = edits.get(edit.path.resolve())
                edits[edit.path.resolve()] = ConfigEdit(edit.path, earlier.before if earlier else edit.before, edit.after)
        flask_here = {p for p in analysis.modules if p.startswith(inside)}
        launch = LaunchPlan()
        if flask_here and "F2Q402" in options.enabled:
            launch = LaunchCommands.plan(root, flask_here, options.exclude)
            for edit in launch.edits:
                edits[edit.path.resolve()] = edit
            result.project_findings.extend(launch.findings)
            scripts = entry_points.async_scripts(project_root(root), analysis.async_functions, LaunchCommands.code)
            result.project_findings.extend(f for f in scripts if f not in result.project_findings)
        if flask_here and "F2Q403" in options.enabled:
            env_edits, env_findings = FlaskEnvFiles.plan(root, options.exclude)
            for edit in env_edits:
                edits[edit.path.resolve()] = edit
            result.project_findings.extend(env_findings)
        aiohttp = options.http_client == "aiohttp" and "F2Q117" in options.enabled and any(
            target.split(".")[0] == "requests" for p in flask_here for target in analysis.modules[p].imports.values()
        )
        if "F2Q401" in options.enabled and (launch.moved or any(p.startswith(inside) for p in changed)):
            current = {path: edit.after for path, edit in edits.items()}
            planned, pinned, found = ProjectDependencies.plan(
                project_root(root), async_tests=async_here, current=current, server_moved=launch.moved > 0,
                gunicorn_left=launch.gunicorn_left > 0, add_aiohttp=aiohttp,
                limits_kept="F2Q304" in options.enabled and rate_limiting.emulation_module(analysis) is not None,
            )
            top = str(project_root(root)) + os.sep
            imported = {  # what the project's ported modules import, for the list of what it needs
                target.partition(":")[0].split(".")[0]
                for path, facts in analysis.modules.items() if path.startswith(top) and not facts.is_test
                for target in facts.imports.values()
            }
            needed = ProjectDependencies.needed(
                project_root(root), imported, {**current, **{e.path.resolve(): e.after for e in planned}},
                async_tests=async_here, server_moved=launch.moved > 0, add_aiohttp=aiohttp,
                limits_kept="F2Q304" in options.enabled and rate_limiting.emulation_module(analysis) is not None,
            )
            if needed is not None:
                found.append(needed)
            # two PATHs of one project (``rewrite pkg tests``) plan its files twice: say it once
            result.project_findings.extend(f for f in found if f not in result.project_findings)
            for edit in planned:
                key = edit.path.resolve()
                earlier = edits.get(key)
                # one edit per file: the dependency change goes on top of the pytest settings
                edits[key] = ConfigEdit(edit.path, earlier.before if earlier else edit.before, edit.after)
            for path in pinned:
                result.project_findings.append(
                    Finding(
                        str(path), 1, 1, ProjectDependencies.code,
                        "requirements pinned with --hash name what the port replaces (Flask: "
                        f"{quart_requirement(None)}, its extensions, gunicorn): edit them and regenerate "
                        "the hashes", Severity.ERROR,
                    )
                )
    return list(edits.values())


def _in_testcase(facts: A.ModuleFacts, qual: str) -> bool:
    owner = qual.rpartition(".")[0]
    klass = facts.classes.get(owner)
    return klass is not None and any(b.endswith("TestCase") for b in klass.bases)


# --- output -------------------------------------------------------------------------------------


def _emit(paths: list[Path], result: RewriteResult, options: RewriteOptions) -> None:
    # path -> (before, after); before None: a new file, after None: the file goes (a rename's source)
    changes: dict[Path, tuple[bytes | None, bytes | None]] = {
        Path(f.path): (f.before, f.after) for f in result.changed if f.after is not None
    }
    for edit in result.config_edits:
        if isinstance(edit, RenamedFile):
            changes[edit.source.resolve()] = (edit.before, None)
            changes[edit.path.resolve()] = (None, edit.after)
        else:
            changes[edit.path.resolve()] = (edit.before, edit.after)
    if options.mode == Mode.DIFF:
        result.diff = "".join(_unified_diff(path, before, after) for path, (before, after) in sorted(changes.items()))
        return
    if options.mode == Mode.CHECK:
        return
    try:
        if options.out is None:
            outputs = [transaction.Output(path, data=after) for path, (_, after) in changes.items()]
            if outputs:
                transaction.commit_in_place(outputs, _anchor(paths) / JOURNAL_NAME)
        else:
            transaction.commit_tree(_tree_outputs(paths, options, changes), options.out.resolve())
    except transaction.WriteError as error:
        _record_write_error(result, error)


def _record_write_error(result: RewriteResult, error: transaction.WriteError) -> None:
    """One file could not be written: it is named (never a temp file) with F2Q003, and the result
    says what really changed: nothing, since the run is all or nothing."""
    where = str(error.path)
    message = f"cannot write: {error.reason}" + ("" if error.switching else "; nothing was written")
    if not error.switching:
        result.rolled_back = True
        for file_result in result.files:
            file_result.after = None
        result.config_edits = []
    finding = Finding(where, 1, 0, "F2Q003", message, Severity.ERROR)
    for file_result in result.files:
        if file_result.path == where:
            file_result.error = message
            file_result.findings.append(finding)
            return
    failed = FileResult(where, b"", error=message)
    failed.findings.append(finding)
    result.files.append(failed)
    result.extra_failed += 1


def _out_path(given: Path, file: Path, out: Path, single_dir: bool) -> Path:
    root = given.resolve()
    if root.is_file():
        return out / root.name
    rel = file.relative_to(root)
    return out / rel if single_dir else out / root.name / rel


def _tree_outputs(
    paths: list[Path], options: RewriteOptions, changes: dict[Path, tuple[bytes | None, bytes | None]]
) -> list[transaction.Output]:
    """``--out``: every file of each PATH, rewritten or copied with its mode; symlinks as symlinks."""
    out = options.out
    assert out is not None
    out = out.resolve()
    single_dir = len(paths) == 1 and paths[0].resolve().is_dir()
    outputs: dict[Path, transaction.Output] = {}
    seen: set[Path] = set()
    for given in paths:
        for entry in walk([given], options.exclude):
            target = _out_path(given, entry.path, out, single_dir)
            seen.add(entry.path)
            if entry.is_link:
                outputs[target] = transaction.Output(target, link=os.readlink(entry.path))
            elif entry.path in changes:
                after = changes[entry.path][1]
                if after is not None:  # None: renamed away, only the new name goes in the tree
                    mode = stat.S_IMODE(entry.path.stat().st_mode)
                    outputs[target] = transaction.Output(target, data=after, mode=mode)
            else:
                outputs[target] = transaction.Output(target, copy_from=entry.path)
    for path, (_, after) in changes.items():
        if path in seen or after is None:
            continue
        for given in paths:
            root = given.resolve()
            if root.is_dir() and (path == root or root in path.parents):
                target = _out_path(given, path, out, single_dir)
                outputs[target] = transaction.Output(target, data=after)
    return list(outputs.values())


def _decode(data: bytes) -> str:
    """Text of a module in its own encoding (coding cookie or BOM), for showing a diff."""
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError:
        encoding = "utf-8"
    return data.decode(encoding, errors="replace")


def _unified_diff(path: Path, before: bytes | None, after: bytes | None) -> str:
    old = _decode(before or b"").splitlines(keepends=True)
    new = _decode(after or b"").splitlines(keepends=True)
    name = os.path.relpath(path)
    lines = difflib.unified_diff(
        old, new, fromfile=name if before is not None else "/dev/null", tofile=name if after is not None else "/dev/null"
    )
    text = "".join(line if line.endswith("\n") else line + "\n\\ No newline at end of file\n" for line in lines)
    return text
