"""``flask2quart check --format markdown``: the report as a pull-request comment.

A heading with the readiness figure, one summary line, a table of the routes that need work (manual
first, then the ones left with blocking calls), and a collapsible ``<details>`` block per file with
the automatic edits, the findings that need a human (with their codes) and the blocking calls.
GitHub-flavoured Markdown; cell text is escaped so a ``|`` in a message cannot break a table.
"""

from __future__ import annotations

from .model import FileReadiness, ReadinessReport, RouteReadiness, RouteStatus


def render(report: ReadinessReport) -> str:
    lines = [f"## flask2quart check: {report.figure()} port with no manual work", ""]
    lines.append(_summary(report))
    lines.append("")
    work = sorted(
        (r for r in report.routes if r.status is not RouteStatus.READY),
        key=lambda r: (r.status is not RouteStatus.MANUAL, r.route.path, r.route.line),
    )
    if work:
        lines += ["### Routes that need work", ""]
        lines += ["| Route | Endpoint | Status | Codes / blocking | Where |", "|---|---|---|---|---|"]
        for item in work:
            lines.append(_route_row(item))
        lines.append("")
    ready = [r for r in report.routes if r.status is RouteStatus.READY]
    if ready:
        names = ", ".join(f"`{_cell(r.route.endpoint)}`" for r in ready)
        lines += [f"Ready, nothing to do: {names}.", ""]
    outside = report.manual_outside_routes
    if outside:
        lines += [f"{len(outside)} {_plural(len(outside), 'place')} outside routes "
                  f"{'needs' if len(outside) == 1 else 'need'} a human (app setup, hooks, tests or "
                  "project files): see the files below.", ""]
    shown = [f for f in report.files if f.manual or f.blocking or f.changed or f.error or f.routes]
    if shown:
        lines += ["### Files", ""]
        for file in shown:
            lines += _file(file)
    return "\n".join(lines).rstrip() + "\n"


def _summary(report: ReadinessReport) -> str:
    changed = sum(1 for f in report.files if f.changed)
    human = len(report.manual_findings)
    calls = len(report.blocking_calls)
    verdict = "**passed**" if report.passed else f"**failed** (`--fail-under {_number(report.fail_under)}`)"
    parts = [
        f"{report.second_figure()} also run without blocking calls",
        f"{report.scanned} {_plural(report.scanned, 'file')} scanned, {changed} would change",
        f"{human} {_plural(human, 'place')} {'needs' if human == 1 else 'need'} a human",
        f"{calls} blocking {_plural(calls, 'call')} on the event loop",
        verdict,
    ]
    if report.failed:
        parts.insert(-1, f"{len(report.failed)} {_plural(len(report.failed), 'file')} could not be read")
    return " · ".join(parts)


def _route_row(item: RouteReadiness) -> str:
    route = item.route
    if item.status is RouteStatus.MANUAL:
        detail = ", ".join(item.codes)
        if item.blocking:
            detail += f"; blocking: {', '.join(item.blocking_kinds)}"
    else:
        detail = ", ".join(item.blocking_kinds)
    cells = [f"`{_cell(route.label)}`", f"`{_cell(route.endpoint)}`", str(item.status), _cell(detail),
             f"`{_cell(route.path)}:{route.line}`"]
    return "| " + " | ".join(cells) + " |"


def _file(file: FileReadiness) -> list[str]:
    facts = []
    if file.routes:
        facts.append(f"{len(file.routes)} {_plural(len(file.routes), 'route')}")
    if file.error:
        facts.append("could not be processed")
    if file.manual:
        facts.append(f"{len(file.manual)} {'needs' if len(file.manual) == 1 else 'need'} a human")
    if file.blocking:
        facts.append(f"{len(file.blocking)} blocking {_plural(len(file.blocking), 'call')}")
    edits = sum(file.edits.values())
    if edits:
        facts.append(f"{edits} automatic {_plural(edits, 'edit')}")
    lines = ["<details>", f"<summary><code>{_html(file.path)}</code>: {' · '.join(facts) or 'nothing to do'}</summary>", ""]
    if file.error:
        lines += [f"**Error:** {_cell(file.error)}", ""]
    if file.edits:
        done = ", ".join(f"{code} ({count})" for code, count in file.edits.items())
        lines += [f"Automatic: {done}", ""]
    if file.automatic:
        lines += ["Done automatically, worth knowing:", ""]
        lines += [f"- `{f.line}:{f.col}` {f.code} {_cell(f.message)}" for f in file.automatic]
        lines.append("")
    if file.manual:
        lines += ["| Line | Code | Severity | Needs a human |", "|---|---|---|---|"]
        lines += [f"| {f.line}:{f.col} | {f.code} | {f.severity} | {_cell(f.message)} |" for f in file.manual]
        lines.append("")
    if file.blocking:
        lines += ["| Line | Blocking call | Kind | In |", "|---|---|---|---|"]
        lines += [f"| {b.line} | `{_cell(b.call)}` | {b.kind} | `{_cell(b.where)}` |" for b in file.blocking]
        lines.append("")
        reasons = sorted({(str(b.kind), b.reason) for b in file.blocking})
        lines += [f"- **{kind}**: {_cell(reason)}" for kind, reason in reasons]
        lines.append("")
    lines += ["</details>", ""]
    return lines


def _cell(text: str) -> str:
    """Text safe inside a table cell: no pipes, no line breaks."""
    return " ".join(text.replace("|", "\\|").split())


def _html(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _plural(count: int, word: str) -> str:
    return word if count == 1 else word + "s"


def _number(value: float) -> str:
    return f"{value:g}"
