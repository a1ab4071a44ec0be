"""Pure parts of the corpus harness (``benchmarks/realworld.py``): no processes, no network.

* :func:`function_spans`/:func:`qualname_at`: which ``def`` (or class, or the module) a line is in;
* :func:`silent_failures`: failing ported tests with no finding in any function of their traceback;
* :func:`route_matches`/:func:`agreement`: ready routes (``flask2quart check``) whose tests fail;
* :func:`render_table`, :func:`compare_floors`: the printed table and the CI floors.

A *finding in a function* is a finding whose line lies inside the ``def``'s span (decorators
included), innermost ``def`` first. Findings carry lines of the **original** file (the rewrite
reports positions in the code it read) while tracebacks carry lines of the **ported** file, so
both sides are turned into ``(relative path, qualified name)`` with the spans of their own file;
module-level lines are ``<module>``.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

MODULE = "<module>"
PASSED = frozenset({"passed", "xpassed"})


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    qualname: str


def function_spans(source: str) -> list[Span]:
    """Spans of every function and class, outer before inner (so the last match is innermost)."""
    try:
        tree = ast.parse(source)
    except (SyntaxError, ValueError):
        return []
    spans: list[Span] = []

    def visit(node: ast.AST, prefix: str) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                name = f"{prefix}{child.name}"
                start = min([child.lineno, *(d.lineno for d in child.decorator_list)])
                spans.append(Span(start, child.end_lineno or child.lineno, name))
                visit(child, name + ".")
            else:
                visit(child, prefix)

    visit(tree, "")
    return spans


def qualname_at(spans: Iterable[Span], line: int) -> str:
    found = MODULE
    best = None
    for span in spans:
        if span.start <= line <= span.end and (best is None or span.end - span.start <= best):
            found, best = span.qualname, span.end - span.start
    return found


class SpanIndex:
    """Spans per file under one root, parsed once (``files`` maps a relative path to its text)."""

    def __init__(self, root: Path, files: Mapping[str, str] | None = None) -> None:
        self.root = root
        self._texts = dict(files or {})
        self._spans: dict[str, list[Span]] = {}

    def relative(self, path: str) -> str | None:
        """``path`` relative to the root with ``/``, or None when it is outside."""
        candidate = Path(path)
        try:
            rel = candidate.relative_to(self.root) if candidate.is_absolute() else candidate
        except ValueError:
            return None
        return rel.as_posix()

    def where(self, rel: str, line: int) -> str:
        if rel not in self._spans:
            text = self._texts.get(rel)
            if text is None:
                try:
                    text = (self.root / rel).read_text(encoding="utf-8", errors="replace")
                except OSError:
                    text = ""
            self._spans[rel] = function_spans(text)
        return qualname_at(self._spans[rel], line)


@dataclass
class TestOutcome:
    nodeid: str
    outcome: str
    frames: list[tuple[str, int, str]] = field(default_factory=list)
    paths: list[str] = field(default_factory=list)


def failing_tests(flask: Mapping[str, TestOutcome], port: Mapping[str, TestOutcome],
                  collect_errors: Mapping[str, list[tuple[str, int, str]]]) -> list[TestOutcome]:
    """Tests that passed under Flask and do not pass after the port. A test missing from the port
    run (its module did not import) takes the frames of its module's collection error."""
    failing = []
    unmatched = _by_base(port, exclude=flask)
    for nodeid, before in sorted(flask.items()):
        if before.outcome not in PASSED:
            continue
        after = port.get(nodeid)
        if after is None and unmatched.get(_base(nodeid)):
            after = unmatched[_base(nodeid)].pop(0)  # a random parametrize id: same test, other id
        if after is not None and after.outcome in PASSED:
            continue
        if after is None:
            frames = [f for collector, fr in collect_errors.items() if _collected_by(nodeid, collector) for f in fr]
            after = TestOutcome(nodeid, "missing", frames, list(before.paths))
        else:
            after = TestOutcome(nodeid, after.outcome, after.frames, after.paths + before.paths)
        failing.append(after)
    return failing


def _base(nodeid: str) -> str:
    return nodeid.split("[", 1)[0]


def _by_base(tests: Mapping[str, TestOutcome], exclude: Mapping[str, object]) -> dict[str, list[TestOutcome]]:
    """Tests not in ``exclude`` grouped by nodeid without parameters, passed ones first (ids
    generated at random differ between two runs; pair them up by test function)."""
    groups: dict[str, list[TestOutcome]] = {}
    for nodeid, test in sorted(tests.items()):
        if nodeid not in exclude:
            groups.setdefault(_base(nodeid), []).append(test)
    for group in groups.values():
        group.sort(key=lambda test: test.outcome not in PASSED)
    return groups


def _collected_by(nodeid: str, collector: str) -> bool:
    """``collector`` (a module or folder nodeid; "" is the session) would have collected ``nodeid``."""
    return not collector or nodeid == collector or nodeid.startswith((collector + "::", collector + "/"))


#: Findings about a whole file: it was left untouched (it did not parse, or its rewrite did not
#: compile), so every function in it is on the finding's story.
WHOLE_FILE = frozenset({"F2Q001", "F2Q002"})
ANYWHERE = "*"


def finding_places(findings: Iterable[Mapping[str, object]], original: SpanIndex) -> set[tuple[str, str]]:
    """``(relative path, qualname)`` of each finding, on the original file's spans; ``(relative
    path, ANYWHERE)`` for a finding about the whole file."""
    places = set()
    for finding in findings:
        rel = original.relative(str(finding.get("path", "")))
        line = finding.get("line")
        if rel is not None and finding.get("code") in WHOLE_FILE:
            places.add((rel, ANYWHERE))
        elif rel is not None and isinstance(line, int):
            places.add((rel, original.where(rel, line)))
    return places


def frame_places(frames: Iterable[tuple[str, int, str]], port: SpanIndex) -> set[tuple[str, str]]:
    places = set()
    for path, line, _ in frames:
        rel = port.relative(path)
        if rel is not None and not rel.startswith(".."):
            places.add((rel, port.where(rel, int(line))))
    return places


def silent_failures(failing: Iterable[TestOutcome], findings: set[tuple[str, str]], port: SpanIndex) -> list[str]:
    """Nodeids of failing tests none of whose traceback functions (in the port) has a finding."""
    def explained(test: TestOutcome) -> bool:
        places = frame_places(test.frames, port)
        return bool(places & findings) or any((rel, ANYWHERE) in findings for rel, _ in places)

    return [test.nodeid for test in failing if not explained(test)]


# --- agreement: routes `check` calls ready whose tests fail ------------------------------------

_CONVERTER = re.compile(r"<(?:([a-zA-Z_][\w]*)(?:\([^)]*\))?:)?[a-zA-Z_]\w*>")


def rule_regex(rule: str) -> re.Pattern[str]:
    """A werkzeug rule as a regex over request paths: ``<path:x>`` spans slashes, others do not."""
    parts, last = [], 0
    for match in _CONVERTER.finditer(rule):
        parts.append(re.escape(rule[last:match.start()]))
        parts.append(".+" if match.group(1) == "path" else "[^/]+")
        last = match.end()
    parts.append(re.escape(rule[last:]))
    return re.compile("^" + "".join(parts) + "/?$")


@dataclass(frozen=True)
class Route:
    endpoint: str
    rules: tuple[str, ...]
    path: str  # the view's file, relative to the project root
    function: str  # the view's qualified name inside that file
    ready: bool  # `check` says it ports with no manual work


def routes_from_check(data: Mapping[str, object]) -> list[Route]:
    """Routes of a ``flask2quart check --format json`` report. ``function`` there is
    ``module:qualname``; ready means no manual work (status ``ready`` or ``blocking``)."""
    routes = []
    for raw in data.get("routes", []) or []:  # type: ignore[union-attr]
        if not isinstance(raw, dict):
            continue
        function = str(raw.get("function", "")).partition(":")[2]
        routes.append(Route(str(raw.get("endpoint", "")), tuple(raw.get("rules", []) or ()),
                            str(raw.get("path", "")), function, raw.get("status") in ("ready", "blocking")))
    return routes


def route_matches(route: Route, test: TestOutcome, port: SpanIndex) -> bool:
    """A test exercises a route when a request it sent matches one of the route's rules, or when
    the route's view function is on its traceback."""
    if (route.path, route.function) in frame_places(test.frames, port):
        return True
    patterns = [rule_regex(rule) for rule in route.rules]
    # A middleware may strip a prefix and leave PATH_INFO without its leading slash.
    return any(p.match("/" + path.lstrip("/")) for p in patterns for path in test.paths)


def agreement(routes: Iterable[Route], failing: Iterable[TestOutcome], port: SpanIndex) -> tuple[int, int]:
    """(ready routes with a failing test, ready routes)."""
    ready = [route for route in routes if route.ready]
    failing = list(failing)
    broken = sum(1 for route in ready if any(route_matches(route, test, port) for test in failing))
    return broken, len(ready)


# --- table and floors -----------------------------------------------------------------------------

COLUMNS = ("app", "Flask", "ported", "hand port", "findings (human)", "silent", "parity", "agreement", "time")


def table_row(result: Mapping[str, object]) -> list[str]:
    """One row of the table from one app's result (the ``--json`` entry)."""
    if result.get("error"):
        return [str(result["app"]), f"error: {result['error']}", "", "", "", "", "", "", _seconds(result)]
    flask = result.get("flask", {}) or {}
    port = result.get("port", {}) or {}
    findings = result.get("findings", {}) or {}
    errors = int(flask.get("collect_errors", 0))  # type: ignore[union-attr]
    return [
        str(result["app"]),
        f"{flask.get('passed', 0)}/{flask.get('total', 0)}" + (f" +{errors} errors" if errors else ""),  # type: ignore[union-attr]
        str(port.get("passed", 0)) + (f" +{port.get('collect_errors')} errors" if port.get("collect_errors") else ""),  # type: ignore[union-attr]
        _hand_port(result.get("hand_port"), int(port.get("passed", 0))),  # type: ignore[union-attr]
        f"{findings.get('total', 0)} ({findings.get('human', 0)})",  # type: ignore[union-attr]
        str(result.get("silent", "")),
        str(result.get("parity", "")),
        str(result.get("agreement", "")),
        _seconds(result),
    ]


def _hand_port(hand_port: object, passed: int) -> str:
    """The manifest's hand-port count and the share of it the port reaches ("70 (97%)"), or ""."""
    if not isinstance(hand_port, int) or hand_port < 1:
        return ""
    return f"{hand_port} ({100 * passed // hand_port}%)"


def _seconds(result: Mapping[str, object]) -> str:
    seconds = result.get("seconds")
    return f"{float(seconds):.0f}s" if isinstance(seconds, (int, float)) else ""


def render_table(results: Iterable[Mapping[str, object]]) -> str:
    """A Markdown table (readable as text too)."""
    rows = [list(COLUMNS), *(table_row(result) for result in results)]
    widths = [max(len(row[i]) for row in rows) for i in range(len(COLUMNS))]
    lines = ["| " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)) + " |" for row in rows]
    lines.insert(1, "|" + "|".join("-" * (width + 2) for width in widths) + "|")
    return "\n".join(lines)


def compare_floors(results: Iterable[Mapping[str, object]], floors: Mapping[str, int]) -> list[str]:
    """One message per app below its floor (ported passed < floor), that failed to run, or whose
    port a second rewrite would change (a run must be a no-op on its own output)."""
    problems = []
    for result in results:
        app = str(result["app"])
        changes = result.get("second_run_changes") or []
        if changes:
            problems.append(f"{app}: a second rewrite changes {len(changes)} file(s): {', '.join(map(str, changes))}")  # type: ignore[call-overload]
        if app not in floors:
            continue
        if result.get("error"):
            problems.append(f"{app}: did not run ({result['error']}); floor {floors[app]}")
            continue
        passed = int((result.get("port", {}) or {}).get("passed", 0))  # type: ignore[union-attr]
        if passed < floors[app]:
            problems.append(f"{app}: {passed} ported tests passed, below the floor of {floors[app]}")
    return problems
