"""The readiness figure and the verdict, on reports built by hand."""

from __future__ import annotations

from flask2quart.findings import Finding, Severity
from flask2quart.readiness import (
    BlockingCall,
    BlockingKind,
    FileReadiness,
    ReadinessReport,
    Route,
    RouteReadiness,
    RouteStatus,
)
from flask2quart.readiness.model import percent, percent_text


def _route(name: str, *, manual: bool = False, blocking: bool = False) -> RouteReadiness:
    route = Route(name, (f"/{name}",), ("GET",), "app.py", 1, f"app:{name}")
    item = RouteReadiness(route)
    if manual:
        item.manual.append(Finding("app.py", 2, 1, "F2Q102", "no environ", Severity.ERROR))
    if blocking:
        item.blocking.append(
            BlockingCall("app.py", 3, 1, "requests.get", BlockingKind.HTTP, "requests.get", "why", f"app:{name}")
        )
    return item


def _report(routes: list[RouteReadiness], fail_under: float = 100.0, **file: object) -> ReadinessReport:
    entry = FileReadiness("app.py", routes=routes, findings=[f for r in routes for f in r.manual])
    for key, value in file.items():
        setattr(entry, key, value)
    return ReadinessReport(files=[entry], scanned=1, fail_under=fail_under)


def test_percent_rounds_down_so_100_means_every_route():
    assert percent(199, 200) == 99.5 and percent_text(199, 200) == "99%"
    assert percent(2, 3) == 66.6 and percent_text(2, 3) == "66%"
    assert percent(0, 0) == 100.0 and percent_text(0, 0) == "100%"


def test_status_manual_wins_over_blocking():
    assert _route("a").status is RouteStatus.READY
    assert _route("b", blocking=True).status is RouteStatus.BLOCKING
    assert _route("c", manual=True, blocking=True).status is RouteStatus.MANUAL


def test_blocking_calls_do_not_lower_the_figure_but_the_second_one():
    report = _report([_route("a"), _route("b", blocking=True), _route("c", manual=True), _route("d")])
    assert report.figure() == "3/4 routes (75%)"
    assert report.second_figure() == "2/4 (50%)"
    assert report.readiness == 75.0


def test_verdict_at_the_default_and_below_it():
    routes = [_route("a"), _route("b", manual=True)]
    assert not _report(routes).passed
    assert _report(routes, fail_under=50).passed
    assert not _report(routes, fail_under=51).passed
    assert _report([_route("a", blocking=True)]).passed  # blocking calls alone never fail the check


def test_a_file_that_could_not_be_processed_fails_whatever_the_threshold():
    assert not _report([_route("a")], fail_under=0, error="cannot parse: invalid syntax").passed


def test_no_routes_is_100_percent_and_passes_when_nothing_needs_a_human():
    report = ReadinessReport(files=[], scanned=3)
    assert report.figure() == "0/0 routes (100%)" and report.passed
