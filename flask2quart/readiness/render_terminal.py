"""``flask2quart check`` on a terminal: rich tables for files and routes, then the figure.

Files: what the rewrite does there (rule and edit count), what needs a human (codes), blocking calls.
Routes: route, endpoint, status (ready / blocking: kinds / manual: codes), how many lines of the
view the rewrite changes, where. Then every place that needs a human and every blocking call with
the reason, and last the readiness figure, so it is the line left on screen. Plain text (no colours) when the output is not a terminal.
"""

from __future__ import annotations

from collections import Counter

from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..findings import Severity
from .model import BlockingKind, ReadinessReport, RouteReadiness, RouteStatus

_STATUS_STYLE = {RouteStatus.READY: "green", RouteStatus.BLOCKING: "yellow", RouteStatus.MANUAL: "red"}


def render(report: ReadinessReport, console: Console) -> None:
    routes = report.routes
    console.print(
        Text(f"flask2quart check: {report.scanned} files scanned, {len(routes)} routes", style="bold")
    )
    files = [f for f in report.files if f.changed or f.findings or f.blocking or f.routes or f.error]
    if files:
        table = Table(title="Files", title_justify="left", expand=False)
        table.add_column("file", overflow="fold")
        table.add_column("routes", justify="right")
        table.add_column("automatic: rule (edits)", overflow="fold")
        table.add_column("needs a human", overflow="fold")
        table.add_column("blocking", justify="right")
        for file in files:
            automatic = " ".join(f"{code} ({count})" for code, count in file.edits.items())
            info = sorted({f.code for f in file.automatic} - set(file.edits))
            if info:
                automatic = " ".join([automatic, *(f"{code}(info)" for code in info)]).strip()
            if file.error:
                automatic = "could not be processed"
            manual = Counter(f.code for f in file.manual)
            table.add_row(
                file.path,
                str(len(file.routes)) if file.routes else "",
                automatic or "-",
                Text(" ".join(f"{c} ({n})" if n > 1 else c for c, n in sorted(manual.items())) or "-",
                     style="red" if manual else ""),
                str(len(file.blocking)) if file.blocking else "",
            )
        console.print(table)
    if routes:
        table = Table(title="Routes", title_justify="left", expand=False)
        table.add_column("route", overflow="fold")
        table.add_column("endpoint", overflow="fold")
        table.add_column("status", overflow="fold")
        table.add_column("lines rewritten", justify="right")
        table.add_column("where", overflow="fold")
        for item in routes:
            table.add_row(
                item.route.label, item.route.endpoint, _status(item), str(item.lines_rewritten),
                f"{item.route.path}:{item.route.line}",
            )
        console.print(table)
    manual = report.manual_findings
    if manual:
        console.print(Text("Needs a human", style="bold"))
        for finding in manual:
            style = "red" if finding.severity is Severity.ERROR else "yellow"
            console.print(Text(finding.render(), style=style), soft_wrap=True)
        console.print()
    calls = report.blocking_calls
    if calls:
        console.print(Text(f"Blocking calls on the event loop after the port ({len(calls)})", style="bold"))
        for kind in BlockingKind:
            of_kind = [call for call in calls if call.kind is kind]
            if not of_kind:
                continue
            reasons = sorted({call.reason for call in of_kind})
            console.print(Text(f"{kind}: {'; '.join(reasons)}", style="yellow"), soft_wrap=True)
            for call in of_kind:
                console.print(Text(f"  {call.path}:{call.line}:{call.col} `{call.call}` in {call.where}"), soft_wrap=True)
        console.print()
    for file in report.failed:
        console.print(Text(f"error: {file.path}: {file.error}", style="red"), soft_wrap=True)
    console.print(Text(summary_line(report), style="bold green" if report.passed else "bold red"), soft_wrap=True)


def summary_line(report: ReadinessReport) -> str:
    """The one line that says it all (also printed alone under ``--output``)."""
    verdict = "passed" if report.passed else f"failed (--fail-under {report.fail_under:g})"
    outside = len(report.manual_outside_routes)
    elsewhere = f"; {outside} other {'place needs' if outside == 1 else 'places need'} a human" if outside else ""
    return (
        f"Readiness: {report.figure()} port with no manual work; "
        f"{report.second_figure()} also without blocking calls{elsewhere}: {verdict}"
    )


def _status(item: RouteReadiness) -> Text:
    status = item.status
    if status is RouteStatus.MANUAL:
        text = f"manual: {', '.join(item.codes)}"
        if item.blocking:
            text += f" (+ blocking: {', '.join(item.blocking_kinds)})"
    elif status is RouteStatus.BLOCKING:
        text = f"blocking: {', '.join(item.blocking_kinds)}"
    else:
        text = "ready"
    return Text(text, style=_STATUS_STYLE[status])
