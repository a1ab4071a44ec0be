"""``flask2quart check --format json``: the report as one JSON document with a versioned schema.

The schema is described in docs/check.md ("JSON"). ``version`` changes only when a key is removed or
changes meaning; new keys may appear without a new version. Lists are sorted (files by path, routes
by file and line, findings and blocking calls by path, line, column) so two runs on the same tree
give the same bytes.
"""

from __future__ import annotations

import json

from ..findings import Finding
from .model import FileReadiness, ReadinessReport, RouteReadiness

SCHEMA = "flask2quart-check"
VERSION = 1


def to_json(report: ReadinessReport) -> dict[str, object]:
    routes = report.routes
    return {
        "schema": SCHEMA,
        "version": VERSION,
        "summary": {
            "routes": report.total,
            "without_manual_work": report.without_manual_work,
            "readiness": report.readiness,
            "ready": report.ready,
            "blocking": sum(1 for r in routes if r.status == "blocking"),
            "manual": sum(1 for r in routes if r.status == "manual"),
            "files_scanned": report.scanned,
            "files_changed": sum(1 for f in report.files if f.changed),
            "files_failed": len(report.failed),
            "needs_a_human": len(report.manual_findings),
            "needs_a_human_outside_routes": len(report.manual_outside_routes),
            "blocking_calls": len(report.blocking_calls),
            "fail_under": report.fail_under,
            "passed": report.passed,
        },
        "routes": [_route(route) for route in routes],
        "files": [_file(file) for file in report.files],
    }


def render(report: ReadinessReport) -> str:
    return json.dumps(to_json(report), indent=2) + "\n"


def _finding(finding: Finding) -> dict[str, object]:
    return finding.to_json()


def _route(item: RouteReadiness) -> dict[str, object]:
    route = item.route
    return {
        "endpoint": route.endpoint,
        "rules": list(route.rules),
        "methods": list(route.methods),
        "function": route.function,
        "path": route.path,
        "line": route.line,
        "status": str(item.status),
        "codes": item.codes,
        "needs_a_human": [_finding(f) for f in item.manual],
        "automatic": [_finding(f) for f in item.automatic],
        "blocking": [call.to_json() for call in item.blocking],
        "lines_rewritten": item.lines_rewritten,
    }


def _file(file: FileReadiness) -> dict[str, object]:
    return {
        "path": file.path,
        "changed": file.changed,
        "error": file.error,
        "edits": dict(file.edits),
        "routes": [route.route.endpoint for route in file.routes],
        "needs_a_human": [_finding(f) for f in file.manual],
        "automatic": [_finding(f) for f in file.automatic],
        "blocking": [call.to_json() for call in file.blocking],
    }
