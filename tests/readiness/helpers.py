"""Run ``flask2quart check`` on a small project written to a temp folder."""

from __future__ import annotations

import tempfile
import textwrap
from pathlib import Path

from flask2quart.migrate import select_codes
from flask2quart.readiness import CheckOptions, ReadinessReport, RouteReadiness, check


def write_project(root: Path, files: dict[str, str]) -> None:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")


def check_project(
    files: dict[str, str], *, ignore: tuple[str, ...] = (), fail_under: float = 100.0
) -> ReadinessReport:
    """The report for ``files`` (paths in it are relative to the project folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        write_project(root, files)
        options = CheckOptions(enabled=select_codes((), ignore), fail_under=fail_under, relative_to=root)
        return check([root], options)


def blocking_of(report: ReadinessReport) -> list[tuple[str, int, str]]:
    """(path, line, api) of every blocking call, sorted."""
    return sorted((call.path, call.line, call.api) for call in report.blocking_calls)


def route(report: ReadinessReport, endpoint: str, method: str | None = None) -> RouteReadiness:
    """The one route with this endpoint (and method, for a MethodView)."""
    found = [
        r for r in report.routes if r.route.endpoint == endpoint and (method is None or method in r.route.methods)
    ]
    assert len(found) == 1, [(r.route.endpoint, r.route.methods) for r in report.routes]
    return found[0]
