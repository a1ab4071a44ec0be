"""The parity report on the terminal (``rich``): what a developer reads after ``flask2quart parity``.

Order: a summary line and the verdict counts; the cases that fail the run (errors, then
differences) with each differing field, the Flask and the Quart value and the reason (the first
:data:`SHOWN_FAILING_CASES` without ``verbose``); the real differences grouped by cause, one line
per field pattern with its count and where (:mod:`.causes`), so 100 differences read as a few
lines; the known
framework differences in their own section; skipped cases; the fields excluded as noise per
endpoint; the config differences; the normalisations applied; and a one-line result (the last thing
a CI log shows). The notes of the run (what was left out) are counted; ``verbose`` lists them, and
also the matching cases and the noise/ignored differences of each case.

Everything the apps sent is printed as :class:`rich.text.Text`, never as markup, so a body
containing ``[bold]`` prints as it is. Everything is drawn from the redacted copy of the report
(see :mod:`.redact`).
"""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from flask2quart.parity.model import (
    CaseResult,
    Category,
    Difference,
    ParityReport,
    Verdict,
)
from flask2quart.parity.report.causes import real_causes
from flask2quart.parity.report.common import (
    SHOWN_CATEGORIES,
    VERDICT_ORDER,
    format_seconds,
    short_value,
)
from flask2quart.parity.report.redact import redacted_report

VERDICT_STYLES: dict[Verdict, str] = {
    Verdict.MATCH: "green",
    Verdict.KNOWN: "yellow",
    Verdict.DIFFERENT: "bold red",
    Verdict.ERROR: "bold magenta",
    Verdict.SKIPPED: "dim",
}
CATEGORY_STYLES: dict[Category, str] = {
    Category.REAL: "red",
    Category.KNOWN: "yellow",
    Category.NOISE: "dim",
    Category.IGNORED: "dim",
}
_INDENT = "    "
#: failing cases listed one by one without --verbose; the causes summary covers the rest
SHOWN_FAILING_CASES = 10
#: endpoints named on one line of the causes summary
SHOWN_PLACES = 3


def _heading(console: Console, title: str) -> None:
    console.print()
    console.print(Text(title, style="bold underline"))


def _verdict_label(verdict: Verdict) -> Text:
    return Text(verdict.value.upper(), style=VERDICT_STYLES[verdict])


def _case_title(result: CaseResult) -> Text:
    case = result.case
    title = Text("  ")
    title.append_text(_verdict_label(result.verdict))
    title.append("  ")
    title.append(case.name, style="bold")
    details = [f"endpoint {case.endpoint}" if case.endpoint else "", f"from {case.source}"]
    if result.steps:
        first = result.steps[0].request
        details.insert(0, f"{first.method} {first.target}")
    title.append(f"  ({', '.join(item for item in details if item)})", style="dim")
    return title


def _difference_line(difference: Difference, *, tag_category: bool) -> Text:
    line = Text(_INDENT)
    line.append(difference.field, style="bold")
    line.append(": flask ")
    line.append(short_value(difference.flask))
    line.append(" | quart ")
    line.append(short_value(difference.quart))
    if tag_category and difference.category is not Category.REAL:
        line.append(f" [{difference.category.value}]", style=CATEGORY_STYLES[difference.category])
    if difference.reason:
        line.append(f" ({difference.reason})", style="dim")
    return line


def _print_case(
    console: Console,
    result: CaseResult,
    categories: tuple[Category, ...],
) -> None:
    console.print(_case_title(result), soft_wrap=True)
    if result.error is not None:
        console.print(
            Text(f"{_INDENT}error: {result.error}", style="magenta"), soft_wrap=True
        )
    several = len(result.steps) > 1
    for number, step in enumerate(result.steps, start=1):
        shown = [d for d in step.differences if d.category in categories]
        if several and (shown or step.skipped):
            label = f"  step {number}: {step.request.method} {step.request.target}"
            console.print(Text(label, style="cyan"), soft_wrap=True)
        if step.skipped:
            console.print(Text(f"{_INDENT}skipped: {step.skipped}", style="dim"), soft_wrap=True)
        for difference in shown:
            console.print(_difference_line(difference, tag_category=True), soft_wrap=True)


def _summary_line(report: ParityReport) -> Text:
    line = Text("Parity: Flask ")
    line.append(report.flask_label, style="bold")
    line.append(" vs Quart ")
    line.append(report.quart_label, style="bold")
    count = len(report.cases)
    line.append(
        f" ({report.mode}), {count} case{'s' if count != 1 else ''} in "
        f"{format_seconds(report.elapsed)}: "
    )
    line.append(
        "PASSED" if report.passed else "FAILED", style="bold green" if report.passed else "bold red"
    )
    return line


def _counts_table(report: ParityReport) -> Table:
    table = Table(box=box.SIMPLE, show_edge=False, pad_edge=False)
    table.add_column("Verdict")
    table.add_column("Cases", justify="right")
    for verdict in VERDICT_ORDER:
        count = report.count(verdict)
        table.add_row(
            Text(verdict.value, style=VERDICT_STYLES[verdict] if count else "dim"), str(count)
        )
    table.add_row(Text("total", style="bold"), str(len(report.cases)))
    return table


def _result_line(report: ParityReport) -> Text:
    parts = [
        f"{report.count(verdict)} {verdict.value}"
        for verdict in (Verdict.DIFFERENT, Verdict.ERROR, Verdict.KNOWN, Verdict.SKIPPED)
        if report.count(verdict)
    ]
    line = Text("Result: ")
    line.append(
        "PASSED" if report.passed else "FAILED", style="bold green" if report.passed else "bold red"
    )
    matched = report.count(Verdict.MATCH)
    line.append(
        f" ({matched} of {len(report.cases)} matched" + "".join(f", {p}" for p in parts) + ")"
    )
    return line


def _print_known_summary(console: Console, report: ParityReport, examples: int = 3) -> None:
    """One line per (field, reason) with how often it was seen and a few requests where: the same
    framework difference on 80 steps is one fact, not 80."""
    seen: dict[tuple[str, str], list[str]] = {}
    for result in report.cases:
        for step in result.steps:
            for difference in step.by_category(Category.KNOWN):
                where = f"{step.request.method} {step.request.path}"
                requests = seen.setdefault((difference.field, difference.reason), [])
                if where not in requests:
                    requests.append(where)
    for (name, reason), requests in seen.items():
        line = Text("  ")
        line.append(name, style="bold yellow")
        line.append(f" on {len(requests)} request{'s' if len(requests) != 1 else ''}")
        line.append(f" ({', '.join(requests[:examples])}{', ...' if len(requests) > examples else ''})", style="dim")
        console.print(line, soft_wrap=True)
        console.print(Text(f"{_INDENT}{reason}"), soft_wrap=True)
    console.print(Text("  (--verbose lists every step)", style="dim"), soft_wrap=True)


def _print_causes(console: Console, report: ParityReport) -> None:
    """One line per field pattern: how many real differences, and where."""
    causes = real_causes(report)
    width = max((len(cause.pattern) for cause in causes), default=0)
    for cause in causes:
        line = Text("  ")
        line.append(cause.pattern.ljust(width), style="bold red")
        places = len(cause.places)
        line.append(
            f"  {cause.count} difference{'s' if cause.count != 1 else ''} on {places} "
            f"endpoint{'s' if places != 1 else ''}"
        )
        more = f", +{places - SHOWN_PLACES} more" if places > SHOWN_PLACES else ""
        line.append(f" ({', '.join(cause.places[:SHOWN_PLACES])}{more})", style="dim")
        console.print(line, soft_wrap=True)


def print_report(report: ParityReport, console: Console, *, verbose: bool = False) -> None:
    """Print ``report`` to ``console``. ``verbose`` adds matching cases and noise/ignored fields."""
    report = redacted_report(report)  # every value below is drawn from the redacted copy
    console.print(_summary_line(report), soft_wrap=True)
    console.print(_counts_table(report))

    failing = [r for r in report.cases if r.verdict is Verdict.ERROR] + [
        r for r in report.cases if r.verdict is Verdict.DIFFERENT
    ]
    every: tuple[Category, ...] = tuple(Category)
    if failing:
        _heading(console, "Differences (these fail the run)")
        shown = failing if verbose else failing[:SHOWN_FAILING_CASES]
        for result in shown:
            _print_case(console, result, every if verbose else SHOWN_CATEGORIES)
        if len(shown) < len(failing):
            rest = len(failing) - len(shown)
            console.print(
                Text(
                    f"  ... and {rest} more failing case{'s' if rest != 1 else ''} "
                    "(--verbose or --report FILE.html lists every one)",
                    style="dim",
                ),
                soft_wrap=True,
            )
        if any(step.by_category(Category.REAL) for result in failing for step in result.steps):
            _heading(console, "Real differences by cause")
            _print_causes(console, report)

    known = [r for r in report.cases if r.verdict is Verdict.KNOWN]
    if known:
        _heading(console, "Known Flask/Quart differences (reported, not failing)")
        if verbose:
            for result in known:
                _print_case(console, result, every)
        else:
            _print_known_summary(console, report)

    skipped = [r for r in report.cases if r.verdict is Verdict.SKIPPED]
    if skipped:
        _heading(console, "Skipped")
        for result in skipped:
            _print_case(console, result, ())

    if verbose:
        matching = [r for r in report.cases if r.verdict is Verdict.MATCH]
        if matching:
            _heading(console, "Matching")
            for result in matching:
                _print_case(console, result, every)

    if report.noise:
        _heading(console, "Noise (fields that vary between two answers of the Flask app itself)")
        for endpoint, fields in report.noise.items():
            for name in fields:
                line = Text("  ")
                line.append(endpoint, style="bold")
                line.append(f": excluded as noise: {name} (varied between two Flask answers)")
                console.print(line, soft_wrap=True)

    if report.config:
        _heading(console, "Config differences (reported, not judged)")
        for item in report.config:
            line = Text("  ")
            line.append(item.key, style="bold")
            line.append(f": flask {short_value(item.flask)} | quart {short_value(item.quart)}")
            line.append(f" [{item.category.value}]", style=CATEGORY_STYLES[item.category])
            if item.reason:
                line.append(f" ({item.reason})", style="dim")
            console.print(line, soft_wrap=True)

    if report.normalisations:
        _heading(console, "Normalisations applied before comparing")
        for sentence in report.normalisations:
            console.print(Text(f"  - {sentence}"), soft_wrap=True)

    if report.notes:
        count = len(report.notes)
        _heading(console, f"Notes: what was left out ({count})")
        if verbose:
            for note in report.notes:
                console.print(Text(f"  - {note}"), soft_wrap=True)
        else:
            plural = "s" if count != 1 else ""
            console.print(
                Text(
                    f"  {count} note{plural}: listed in verbose output and in the JSON/HTML reports"
                ),
                soft_wrap=True,
            )

    console.print()
    console.print(_result_line(report), soft_wrap=True)
