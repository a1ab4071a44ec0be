"""The three formats of the same report: JSON (versioned schema), Markdown, terminal."""

from __future__ import annotations

import io
import json

from rich.console import Console

from flask2quart.readiness import render_json, render_markdown, render_terminal
from flask2quart.readiness.render_markdown import _cell

from .helpers import check_project
from .test_attribution import APP

SUMMARY_KEYS = {
    "routes", "without_manual_work", "readiness", "ready", "blocking", "manual", "files_scanned",
    "files_changed", "files_failed", "needs_a_human", "needs_a_human_outside_routes", "blocking_calls",
    "fail_under", "passed",
}
ROUTE_KEYS = {
    "endpoint", "rules", "methods", "function", "path", "line", "status", "codes", "needs_a_human",
    "automatic", "blocking", "lines_rewritten",
}
FILE_KEYS = {"path", "changed", "error", "edits", "routes", "needs_a_human", "automatic", "blocking"}
FINDING_KEYS = {"path", "line", "col", "code", "message", "severity"}


def test_json_schema():
    report = check_project({"app.py": APP})
    data = json.loads(render_json.render(report))
    assert set(data) == {"schema", "version", "summary", "routes", "files"}
    assert (data["schema"], data["version"]) == ("flask2quart-check", 1)
    assert set(data["summary"]) == SUMMARY_KEYS
    summary = data["summary"]
    assert (summary["routes"], summary["without_manual_work"], summary["readiness"]) == (5, 2, 40.0)
    assert (summary["manual"], summary["needs_a_human_outside_routes"], summary["passed"]) == (3, 1, False)
    assert all(set(route) == ROUTE_KEYS for route in data["routes"])
    who = next(route for route in data["routes"] if route["endpoint"] == "who")
    assert (who["rules"], who["methods"], who["status"], who["codes"]) == (["/who"], ["GET"], "manual", ["F2Q102"])
    assert set(who["needs_a_human"][0]) == FINDING_KEYS
    assert who["needs_a_human"][0]["severity"] == "error"
    # the project itself: what the port needs to install (no requirements file to edit here)
    [project] = [f for f in data["files"] if f["path"] == "."]
    assert [f["code"] for f in project["automatic"]] == ["F2Q401"]
    [file] = [f for f in data["files"] if f["path"] == "app.py"]
    assert set(file) == FILE_KEYS and file["path"] == "app.py" and file["changed"] is True
    # rule code -> edits: the import (F2Q101) and the views made async (F2Q103) at least
    assert {"F2Q101", "F2Q103"} <= set(file["edits"]) and all(n >= 1 for n in file["edits"].values())


def test_json_is_the_same_bytes_on_a_second_run():
    assert render_json.render(check_project({"app.py": APP})) == render_json.render(check_project({"app.py": APP}))


def test_markdown_comment():
    text = render_markdown.render(check_project({"app.py": APP}))
    lines = text.splitlines()
    assert lines[0] == "## flask2quart check: 2/5 routes (40%) port with no manual work"
    assert "| Route | Endpoint | Status | Codes / blocking | Where |" in lines
    assert "| `GET /who` | `who` | manual | F2Q102 | `app.py:25` |" in lines
    assert "| `GET /admin` | `admin` | manual | F2Q102 | `app.py:35` |" in lines
    assert "Ready, nothing to do: `settings`, `plain`." in lines
    assert "<details>" in lines and "</details>" in lines
    assert any(line.startswith("<summary><code>app.py</code>: 5 routes · 3 need a human") for line in lines)
    assert any(line.startswith("| 13:12 | F2Q102 | error | ") for line in lines)
    assert "**failed**" in lines[2]


def test_markdown_cells_cannot_break_a_table():
    assert _cell("a | b\nc") == "a \\| b c"


def test_terminal_tables_and_the_figure_last():
    console = Console(record=True, width=120, file=io.StringIO(), color_system=None)
    render_terminal.render(check_project({"app.py": APP}), console)
    text = console.export_text()
    assert "manual: F2Q102" in text and "ready" in text
    assert "app.py:13:12 F2Q102" in text  # each place that needs a human, with its code
    last = text.rstrip().splitlines()[-1]
    assert last.startswith("Readiness: 2/5 routes (40%) port with no manual work; 2/5 (40%) also without blocking calls")
    assert last.endswith("failed (--fail-under 100)")
