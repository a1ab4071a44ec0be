"""What ``flask2quart check`` reports: routes, files, blocking calls and the readiness figure.

Plain dataclasses, built by :mod:`.collect` and read by the three renderers (terminal, JSON,
Markdown). The figure is defined here once: a route *ports with no manual work* when none of the
findings that belong to it needs a human (error or warning). Blocking calls do not lower it (the
rewrite handles such a route; it just runs slowly until the call is moved off the event loop); they
give the second figure, routes that are also free of blocking calls. See ``docs/check.md``.
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field

from ..findings import Finding, Severity


class RouteStatus(enum.StrEnum):
    #: No manual work and nothing blocking left on the event loop.
    READY = "ready"
    #: No manual work, but a blocking call will run on the event loop after the port.
    BLOCKING = "blocking"
    #: At least one finding that needs a human (error or warning).
    MANUAL = "manual"


class BlockingKind(enum.StrEnum):
    HTTP = "http"
    DATABASE = "database"
    SLEEP = "sleep"
    SUBPROCESS = "subprocess"
    MAIL = "mail"
    NETWORK = "network"
    CPU = "cpu"


@dataclass(frozen=True, order=True)
class BlockingCall:
    """A call that will run on the event loop after the port and stop it while it waits."""

    path: str
    line: int
    col: int
    #: The call as written (``get_db().execute``), shortened.
    call: str
    kind: BlockingKind
    #: What is called, independent of spelling: ``requests.get``, ``sqlite3 connection.execute``.
    api: str
    #: Why it blocks and what to do about it.
    reason: str
    #: ``module:qualname`` of the function it is in.
    function: str
    #: What that function is to Flask (``view``, ``hook``, ``plain``...): a hook's call runs for
    #: every request, whatever the route.
    role: str = "plain"

    @property
    def where(self) -> str:
        """``get_db`` or ``load_logged_in_user (hook)``."""
        name = self.function.partition(":")[2] or self.function
        return name if self.role in ("plain", "view", "") else f"{name} ({self.role.replace('_', ' ')})"

    def to_json(self) -> dict[str, object]:
        return {
            "path": self.path,
            "line": self.line,
            "col": self.col,
            "call": self.call,
            "kind": str(self.kind),
            "api": self.api,
            "reason": self.reason,
            "function": self.function,
            "role": self.role,
        }


@dataclass(frozen=True)
class Route:
    """A view function or one method of a ``MethodView``, with what can be read of its URL rules."""

    #: Endpoint name as Flask builds it (``api.link``); the function's name when not registered.
    endpoint: str
    #: URL rules, blueprint prefixes applied (empty when they are not literals).
    rules: tuple[str, ...]
    #: HTTP methods (``GET`` when the registration names none).
    methods: tuple[str, ...]
    path: str
    line: int
    #: ``module:qualname`` of the view (``linkbox.api:LinkAPI.get``).
    function: str

    @property
    def label(self) -> str:
        """``GET,POST /auth/register``, or the endpoint when no rule could be read."""
        rules = " ".join(self.rules) if self.rules else f"({self.endpoint})"
        return f"{','.join(self.methods)} {rules}" if self.methods else rules


@dataclass
class RouteReadiness:
    route: Route
    #: Findings that need a human (errors and warnings) in the view or the code it calls.
    manual: list[Finding] = field(default_factory=list)
    #: Findings about changes made automatically (info), same scope.
    automatic: list[Finding] = field(default_factory=list)
    #: Blocking calls left on the event loop in the view or the code it calls.
    blocking: list[BlockingCall] = field(default_factory=list)
    #: Lines of the view itself (decorators included) the rewrite changes.
    lines_rewritten: int = 0

    @property
    def status(self) -> RouteStatus:
        if self.manual:
            return RouteStatus.MANUAL
        if self.blocking:
            return RouteStatus.BLOCKING
        return RouteStatus.READY

    @property
    def codes(self) -> list[str]:
        """The codes of the findings that need a human, once each, sorted."""
        return sorted({f.code for f in self.manual})

    @property
    def blocking_kinds(self) -> list[str]:
        return sorted({str(b.kind) for b in self.blocking})


@dataclass
class FileReadiness:
    path: str
    #: The rewrite would change this file.
    changed: bool = False
    #: Rule code -> edits the rewrite makes here (for a project file, the rule -> 1).
    edits: dict[str, int] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    blocking: list[BlockingCall] = field(default_factory=list)
    routes: list[RouteReadiness] = field(default_factory=list)
    #: The file could not be read, parsed or rewritten.
    error: str | None = None

    @property
    def manual(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is not Severity.INFO]

    @property
    def automatic(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is Severity.INFO]


@dataclass
class ReadinessReport:
    files: list[FileReadiness] = field(default_factory=list)
    #: Files looked at (Python files, and project files the rewrite edits), as ``rewrite`` counts.
    scanned: int = 0
    #: ``--fail-under``: the lowest readiness (percent) that passes.
    fail_under: float = 100.0

    @property
    def routes(self) -> list[RouteReadiness]:
        return [route for file in self.files for route in file.routes]

    @property
    def findings(self) -> list[Finding]:
        return sorted(f for file in self.files for f in file.findings)

    @property
    def manual_findings(self) -> list[Finding]:
        return [f for f in self.findings if f.severity is not Severity.INFO]

    @property
    def manual_outside_routes(self) -> list[Finding]:
        """Places that need a human but belong to no route: app factory, hooks, tests, config."""
        in_routes = {f for route in self.routes for f in route.manual}
        return [f for f in self.manual_findings if f not in in_routes]

    @property
    def blocking_calls(self) -> list[BlockingCall]:
        return sorted(b for file in self.files for b in file.blocking)

    @property
    def failed(self) -> list[FileReadiness]:
        return [file for file in self.files if file.error is not None]

    # --- the figures ---------------------------------------------------------------------------
    @property
    def total(self) -> int:
        return len(self.routes)

    @property
    def without_manual_work(self) -> int:
        return sum(1 for route in self.routes if route.status is not RouteStatus.MANUAL)

    @property
    def ready(self) -> int:
        """Routes with no manual work and no blocking call: the second figure."""
        return sum(1 for route in self.routes if route.status is RouteStatus.READY)

    @property
    def readiness(self) -> float:
        """Percent of routes that port with no manual work, rounded down to 0.1 (100 when no routes)."""
        return percent(self.without_manual_work, self.total)

    @property
    def passed(self) -> bool:
        """At ``--fail-under 100`` (the default) nothing may need a human, inside routes or not;
        below it only the route figure is compared."""
        if self.failed:
            return False
        if self.fail_under >= 100:
            return not self.manual_findings
        return self.without_manual_work * 100 >= self.fail_under * self.total

    def figure(self) -> str:
        """``18/19 routes (94%)``."""
        return f"{self.without_manual_work}/{self.total} routes ({percent_text(self.without_manual_work, self.total)})"

    def second_figure(self) -> str:
        return f"{self.ready}/{self.total} ({percent_text(self.ready, self.total)})"


def percent(part: int, whole: int) -> float:
    """``part/whole`` in percent, rounded *down* to 0.1: 199/200 is 99.5, never shown as 100."""
    if whole == 0:
        return 100.0
    return math.floor(part * 1000 / whole) / 10


def percent_text(part: int, whole: int) -> str:
    """Whole percent, rounded down: a figure of 100% means every route."""
    if whole == 0:
        return "100%"
    return f"{part * 100 // whole}%"
