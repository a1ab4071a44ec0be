"""The parity report as one self-contained HTML page: the place to *look at* the differences.

One file, nothing fetched: inline CSS, no script, no external URL (a Content-Security-Policy meta
tag says so to the browser too), so it can be attached to a CI run and opened anywhere. Folding
uses ``<details>``.

Contents, top to bottom: the outcome and verdict counts; a summary table (``id="summary"``) with
one row per case; one section per case in which every step shows the Flask and the Quart answer
side by side (status, headers, body pretty-printed when JSON) with the differing parts highlighted
and the list of differences; then the known framework differences, the noise, the config
differences, the normalisations and the notes (what the run left out).

The bodies and headers are whatever the apps sent, so everything is HTML-escaped; secrets are
redacted (see :mod:`.redact`).
"""

from __future__ import annotations

import difflib
import http
import os
from collections.abc import Iterable, Sequence
from html import escape
from string import Template
from typing import Any

from flask2quart.parity.model import (
    CaseResult,
    Category,
    Difference,
    ParityReport,
    RecordedResponse,
    StepResult,
    Verdict,
)
from flask2quart.parity.report.common import (
    BODY_LIMIT,
    VERDICT_ORDER,
    format_seconds,
    pretty_body,
    short_value,
)
from flask2quart.parity.report.redact import redacted_report

RGB = tuple[int, int, int]

#: background of the summary table's header row (a screenshot test looks for this colour)
SUMMARY_HEADER_RGB: RGB = (0x1F, 0x3A, 0x5F)
#: background of the verdict cells and badges (white text on all of them)
VERDICT_RGB: dict[Verdict, RGB] = {
    Verdict.MATCH: (0x2E, 0x7D, 0x32),
    Verdict.KNOWN: (0x9A, 0x5B, 0x00),
    Verdict.DIFFERENT: (0xC6, 0x28, 0x28),
    Verdict.ERROR: (0x6A, 0x1B, 0x9A),
    Verdict.SKIPPED: (0x6B, 0x72, 0x80),
}
#: bodies with more lines than this are compared line by line instead of with difflib
MAX_DIFFLIB_LINES = 3000
#: how much of a binary body is shown (as hex)
BINARY_PREVIEW = 256
#: difference values in tables are cut to this many characters
VALUE_LIMIT = 240

_CATEGORY_RANK = {Category.REAL: 0, Category.KNOWN: 1, Category.IGNORED: 2, Category.NOISE: 3}


def _hex(rgb: RGB) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def _e(value: object) -> str:
    return escape(str(value), quote=True)


_CSS = Template("""
*{box-sizing:border-box}
body{margin:0;padding:24px 32px 48px;background:#f4f6f9;color:#1d232b;
  font:14px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif}
h1{font-size:24px;margin:0 0 4px}
h2{font-size:19px;margin:36px 0 12px;padding-bottom:4px;border-bottom:2px solid #d5dbe3}
h3{font-size:16px;margin:0}
h4{font-size:13px;margin:0 0 6px;text-transform:uppercase;letter-spacing:.05em;color:#4a5563}
code,pre,.mono{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,"Liberation Mono",monospace;
  font-size:12.5px}
.sub{margin:0 0 14px;color:#4a5563}
.top{display:flex;flex-wrap:wrap;gap:8px;align-items:center;margin-bottom:18px}
.outcome{font-weight:700;padding:6px 14px;border-radius:4px;color:#fff;letter-spacing:.04em}
.outcome.passed{background:$match}.outcome.failed{background:$different}
.count{padding:6px 12px;border-radius:4px;font-weight:600}
.count.zero{background:#e3e7ed!important;color:#6b7280!important}
table{border-collapse:collapse;width:100%;background:#fff}
th,td{text-align:left;vertical-align:baseline;padding:6px 10px;border-bottom:1px solid #e3e7ed}
#summary{border:1px solid #cfd6df}
#summary thead tr{background:$header}
#summary thead th{background:$header;color:#fff;font-weight:600;padding:9px 12px;
  border-bottom:0}
#summary tbody tr:nth-child(even){background:#f7f9fb}
#summary{table-layout:fixed}
#summary td{padding:8px 12px;vertical-align:middle;overflow-wrap:anywhere}
#summary th:nth-child(1){width:34%}
#summary th:nth-child(2){width:14%}
#summary th:nth-child(4){width:8em}
#summary th:nth-child(5){width:9em}
#summary td.verdict{width:9em;text-align:center}
#summary td.num{width:7em;text-align:right}
#summary a{color:#1f3a5f;font-weight:600;text-decoration:none}
#summary a:hover{text-decoration:underline}
.verdict-match,.verdict-known,.verdict-different,.verdict-error,.verdict-skipped{
  color:#fff;font-weight:700;text-transform:uppercase;letter-spacing:.04em;font-size:12px}
.verdict-match{background:$match}
.verdict-known{background:$known}
.verdict-different{background:$different}
.verdict-error{background:$error}
.verdict-skipped{background:$skipped}
.badge{display:inline-block;padding:2px 8px;border-radius:3px;margin-right:8px;
  vertical-align:1px}
details.case{background:#fff;border:1px solid #cfd6df;border-radius:6px;margin:0 0 14px;
  padding:0}
details.case>summary{padding:10px 14px;cursor:pointer;list-style-position:inside}
details.case[open]>summary{border-bottom:1px solid #e3e7ed}
details.case>summary h3{display:inline}
.case-body{padding:10px 14px 14px}
.meta{color:#4a5563;margin:0 0 8px}
.error-box{background:#f6ecfb;border-left:4px solid $error;padding:8px 12px;margin:8px 0;
  white-space:pre-wrap;word-break:break-word}
details.step{border:1px solid #e3e7ed;border-radius:5px;margin:10px 0;background:#fbfcfd}
details.step>summary{padding:7px 12px;cursor:pointer;font-weight:600}
.step-body{padding:4px 12px 12px}
.request{margin:6px 0 10px}
.request>summary{cursor:pointer;color:#4a5563}
.diffs{margin:6px 0 12px;border:1px solid #e3e7ed;font-size:13px}
.diffs th{background:#eef1f5;font-size:12px;text-transform:uppercase;letter-spacing:.04em;
  color:#4a5563}
.diffs td.value{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
  word-break:break-all;max-width:28em}
.cat{font-size:11px;font-weight:700;padding:1px 6px;border-radius:3px;text-transform:uppercase}
.cat-real{background:#fde2e2;color:#9b1c1c}
.cat-known{background:#fff1cc;color:#7a4a00}
.cat-noise,.cat-ignored{background:#e8ebef;color:#4a5563}
.sides{display:grid;grid-template-columns:minmax(0,1fr) minmax(0,1fr);gap:14px}
.side{background:#fff;border:1px solid #d5dbe3;border-radius:5px;padding:10px 12px;min-width:0}
.status{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-weight:700;
  padding:4px 8px;margin:0 0 8px;border-radius:3px;background:#eef1f5}
.headers{table-layout:fixed;margin:0 0 10px;font-size:12.5px}
.headers th{width:32%;font-weight:600;color:#374151;word-break:break-all}
.headers td{font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;
  word-break:break-all}
.headers th,.headers td{padding:3px 8px}
.diff.diff-real,.status.diff-real,.l.diff-real{background:#fde2e2;box-shadow:inset 3px 0 0 $different}
.diff.diff-known,.status.diff-known,.l.diff-known{background:#fff1cc;box-shadow:inset 3px 0 0 $known}
.diff.diff-noise,.diff.diff-ignored{background:#f0f2f5;color:#6b7280}
.absent td{font-style:italic;color:#6b7280}
.body{border:1px solid #e1e6ec;background:#fbfcfd;max-height:520px;overflow:auto;padding:4px 0;
  font-family:ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;font-size:12px;line-height:1.45}
.l{white-space:pre-wrap;word-break:break-all;padding:0 8px 0 3.9em;text-indent:-3.4em}
.no{display:inline-block;width:2.9em;margin-right:.5em;text-align:right;color:#9aa3af;
  text-indent:0;user-select:none}
.note{color:#6b7280;font-size:12px;margin:4px 0}
.empty{color:#6b7280;font-style:italic;margin:4px 0}
.section-table{border:1px solid #cfd6df}
.section-table th{background:#eef1f5;font-size:12px;text-transform:uppercase;letter-spacing:.04em;
  color:#4a5563}
a{color:#1f3a5f}
ul.plain{margin:0;padding-left:20px}
footer{margin-top:40px;color:#6b7280;font-size:12px}
""").substitute(
    header=_hex(SUMMARY_HEADER_RGB),
    **{verdict.value: _hex(rgb) for verdict, rgb in VERDICT_RGB.items()},
)


# -- highlighting -----------------------------------------------------------------------------------


def _strongest(categories: Iterable[Category]) -> Category | None:
    return min(categories, key=_CATEGORY_RANK.__getitem__, default=None)


def _diff_class(category: Category | None) -> str:
    return "" if category is None else f"diff diff-{category.value}"


class _Highlights:
    """Which parts of one step's two answers differ, from the step's differences."""

    def __init__(self, differences: Sequence[Difference]) -> None:
        self.status: Category | None = None
        self.body: Category | None = None
        self.headers: dict[str, list[Category]] = {}
        self.cookies: dict[str, list[Category]] = {}
        for difference in differences:
            field, category = difference.field, difference.category
            if field == "status":
                self.status = _strongest([category, *([self.status] if self.status else [])])
            elif field == "body" or field.startswith("body:"):
                if category in (Category.REAL, Category.KNOWN):
                    self.body = _strongest([category, *([self.body] if self.body else [])])
            elif field.startswith("header:"):
                self.headers.setdefault(field.removeprefix("header:").lower(), []).append(category)
            elif field.startswith("cookie:"):
                name = field.removeprefix("cookie:").split(";", 1)[0]
                self.cookies.setdefault(name, []).append(category)

    def header(self, name: str, value: str) -> Category | None:
        lowered = name.lower()
        found = list(self.headers.get(lowered, []))
        if lowered == "set-cookie":
            cookie_name = value.split(";", 1)[0].partition("=")[0].strip()
            found.extend(self.cookies.get(cookie_name, []))
        return _strongest(found)


def _line_marks(left: list[str], right: list[str]) -> tuple[set[int], set[int]]:
    """The indexes of the lines of ``left`` and ``right`` that are not common to both."""
    if max(len(left), len(right)) > MAX_DIFFLIB_LINES:
        marks = {
            i for i in range(max(len(left), len(right))) if left[i : i + 1] != right[i : i + 1]
        }
        return {i for i in marks if i < len(left)}, {i for i in marks if i < len(right)}
    matcher = difflib.SequenceMatcher(None, left, right, autojunk=False)
    left_marks: set[int] = set()
    right_marks: set[int] = set()
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag != "equal":
            left_marks.update(range(i1, i2))
            right_marks.update(range(j1, j2))
    return left_marks, right_marks


# -- pieces -----------------------------------------------------------------------------------------


def _badge(verdict: Verdict) -> str:
    return f'<span class="badge verdict-{verdict.value}">{_e(verdict.value)}</span>'


def _category(category: Category) -> str:
    return f'<span class="cat cat-{category.value}">{_e(category.value)}</span>'


def _status_line(status: int) -> str:
    try:
        phrase = http.HTTPStatus(status).phrase
    except ValueError:
        phrase = ""
    return f"HTTP {status} {phrase}".rstrip()


def _headers_table(
    headers: Sequence[tuple[str, str]],
    highlights: _Highlights,
    absent: Iterable[str],
    caption: str = "headers",
) -> str:
    rows = []
    for name, value in headers:
        css = _diff_class(highlights.header(name, value))
        attribute = f' class="{css}"' if css else ""
        rows.append(f"<tr{attribute}><th>{_e(name)}</th><td>{_e(value)}</td></tr>")
    for name in absent:
        css = _diff_class(_strongest(highlights.headers.get(name, [])))
        rows.append(f'<tr class="{css} absent"><th>{_e(name)}</th><td>absent</td></tr>')
    if not rows:
        return f'<p class="empty">no {_e(caption)}</p>'
    return f'<table class="headers" aria-label="{_e(caption)}">{"".join(rows)}</table>'


def _body_lines(lines: list[str], marks: set[int], category: Category | None) -> str:
    css = _diff_class(category) if category else ""
    out = []
    for index, line in enumerate(lines):
        classes = f"l {css}" if index in marks and css else "l"
        out.append(f'<div class="{classes}"><span class="no">{index + 1}</span>{_e(line)}</div>')
    return f'<div class="body">{"".join(out)}</div>'


class _BodyView:
    def __init__(self, response: RecordedResponse) -> None:
        view = pretty_body(response.body, response.header("content-type"), BODY_LIMIT)
        self.size = view.size
        self.truncated = view.truncated
        self.is_json = view.is_json
        self.binary = view.text is None
        if view.text is None:
            preview = response.body[:BINARY_PREVIEW]
            self.lines = [preview[i : i + 16].hex(" ") for i in range(0, len(preview), 16)]
        else:
            text = view.text
            self.lines = text.splitlines() if text else []

    def note(self) -> str:
        parts = [f"{self.size} bytes"]
        if self.binary:
            parts.append(f"binary, first {min(self.size, BINARY_PREVIEW)} bytes as hex")
        elif self.is_json:
            parts.append("JSON, pretty-printed")
        if self.truncated:
            parts.append(f"truncated at {BODY_LIMIT // 1024} KiB")
        return f'<p class="note">body: {_e(", ".join(parts))}</p>'


def _side(
    title: str,
    response: RecordedResponse | None,
    body: _BodyView | None,
    marks: set[int],
    highlights: _Highlights,
    absent: Iterable[str],
) -> str:
    parts = [f'<div class="side"><h4>{_e(title)}</h4>']
    if response is None:
        parts.append('<p class="empty">no response</p></div>')
        return "".join(parts)
    status_css = f"status {_diff_class(highlights.status)}".strip()
    parts.append(f'<div class="{status_css}">{_e(_status_line(response.status))}</div>')
    if response.error:
        parts.append(f'<div class="error-box">raised: {_e(response.error)}</div>')
    parts.append(_headers_table(list(response.headers), highlights, absent))
    if body is None or body.size == 0:
        parts.append('<p class="empty">empty body</p>')
    else:
        parts.append(body.note())
        parts.append(_body_lines(body.lines, marks, highlights.body))
    parts.append("</div>")
    return "".join(parts)


def _value_cell(value: Any) -> str:
    return f'<td class="value">{_e(short_value(value, VALUE_LIMIT))}</td>'


def _differences_table(differences: Sequence[Difference], labels: tuple[str, str]) -> str:
    if not differences:
        return ""
    rows = []
    ordered = sorted(differences, key=lambda d: _CATEGORY_RANK[d.category])
    for difference in ordered:
        rows.append(
            f'<tr class="{_diff_class(difference.category)}"><td class="mono">{_e(difference.field)}</td>'
            f"<td>{_category(difference.category)}</td>"
            f"{_value_cell(difference.flask)}{_value_cell(difference.quart)}"
            f"<td>{_e(difference.reason)}</td></tr>"
        )
    return (
        '<table class="diffs"><thead><tr><th>Field</th><th>Category</th>'
        f"<th>{_e(labels[0])}</th><th>{_e(labels[1])}</th><th>Reason</th></tr></thead>"
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _absent_headers(
    highlights: _Highlights, mine: RecordedResponse | None, other: RecordedResponse | None
) -> list[str]:
    if mine is None or other is None:
        return []
    have = {name.lower() for name, _ in mine.headers}
    other_has = {name.lower() for name, _ in other.headers}
    return [name for name in highlights.headers if name not in have and name in other_has]


def _step(number: int, count: int, step: StepResult) -> str:
    request = step.request
    verdict = step.verdict
    differences = step.differences
    highlights = _Highlights(differences)
    title = f"Step {number} of {count}: " if count > 1 else ""
    opened = " open" if verdict is not Verdict.MATCH or count == 1 else ""
    parts = [
        f'<details class="step"{opened}><summary>{_e(title)}'
        f'<span class="mono">{_e(request.method)} {_e(request.target)}</span> '
        f'{_badge(verdict)}</summary><div class="step-body">'
    ]
    if step.skipped:
        parts.append(f'<p class="note">skipped: {_e(step.skipped)}</p>')
    request_headers = list(request.headers)
    parts.append(
        f'<details class="request"><summary>Request: {len(request_headers)} header'
        f"{'s' if len(request_headers) != 1 else ''}, body {len(request.body)} bytes</summary>"
        f"{_headers_table(request_headers, _Highlights(()), (), 'request headers')}</details>"
    )
    parts.append(_differences_table(differences, ("Flask", "Quart")))
    if step.flask is not None or step.quart is not None:
        flask_body = _BodyView(step.flask) if step.flask is not None else None
        quart_body = _BodyView(step.quart) if step.quart is not None else None
        flask_marks: set[int] = set()
        quart_marks: set[int] = set()
        if highlights.body is not None and flask_body is not None and quart_body is not None:
            flask_marks, quart_marks = _line_marks(flask_body.lines, quart_body.lines)
        parts.append('<div class="sides">')
        parts.append(
            _side(
                "Flask",
                step.flask,
                flask_body,
                flask_marks,
                highlights,
                _absent_headers(highlights, step.flask, step.quart),
            )
        )
        parts.append(
            _side(
                "Quart",
                step.quart,
                quart_body,
                quart_marks,
                highlights,
                _absent_headers(highlights, step.quart, step.flask),
            )
        )
        parts.append("</div>")
    parts.append("</div></details>")
    return "".join(parts)


def _first_request(result: CaseResult) -> str:
    if not result.steps:
        if result.case.steps:
            first = result.case.steps[0]
            return f"{first.method} {first.target}"
        return ""
    request = result.steps[0].request
    extra = f" (+{len(result.steps) - 1} more)" if len(result.steps) > 1 else ""
    return f"{request.method} {request.target}{extra}"


def _shown_count(result: CaseResult) -> int:
    return sum(1 for d in result.differences if d.category in (Category.REAL, Category.KNOWN))


def _summary_table(report: ParityReport) -> str:
    rows = []
    for index, result in enumerate(report.cases):
        verdict = result.verdict
        rows.append(
            f'<tr><td><a href="#case-{index}">{_e(result.case.name)}</a></td>'
            f'<td class="mono">{_e(result.case.endpoint or "")}</td>'
            f'<td class="mono">{_e(_first_request(result))}</td>'
            f'<td class="num">{_shown_count(result)}</td>'
            f'<td class="verdict verdict-{verdict.value}">{_e(verdict.value)}</td></tr>'
        )
    if not rows:
        rows.append('<tr><td colspan="5" class="empty">no cases</td></tr>')
    return (
        '<table id="summary"><thead><tr><th>Case</th><th>Endpoint</th><th>Request</th>'
        '<th class="num">Differences</th><th>Verdict</th></tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )


def _case(index: int, result: CaseResult) -> str:
    case = result.case
    verdict = result.verdict
    opened = " open" if verdict not in (Verdict.MATCH, Verdict.SKIPPED) else ""
    meta = [f"source <code>{_e(case.source)}</code>"]
    if case.endpoint:
        meta.insert(0, f"endpoint <code>{_e(case.endpoint)}</code>")
    meta.append(f"{len(result.steps)} step{'s' if len(result.steps) != 1 else ''}")
    parts = [
        f'<details class="case" id="case-{index}"{opened}><summary><h3>{_badge(verdict)}'
        f'{_e(case.name)}</h3></summary><div class="case-body">'
        f'<p class="meta">{" &middot; ".join(meta)}</p>'
    ]
    if result.error is not None:
        parts.append(f'<div class="error-box">{_e(result.error)}</div>')
    for number, step in enumerate(result.steps, start=1):
        parts.append(_step(number, len(result.steps), step))
    parts.append("</div></details>")
    return "".join(parts)


def _known_section(report: ParityReport) -> str:
    rows = []
    for index, result in enumerate(report.cases):
        for step in result.steps:
            for difference in step.by_category(Category.KNOWN):
                shown = difference
                rows.append(
                    f'<tr><td><a href="#case-{index}">{_e(result.case.name)}</a></td>'
                    f'<td class="mono">{_e(shown.field)}</td>'
                    f"{_value_cell(shown.flask)}{_value_cell(shown.quart)}"
                    f"<td>{_e(shown.reason)}</td></tr>"
                )
    if not rows:
        body = '<p class="empty">none</p>'
    else:
        body = (
            '<table class="section-table diffs"><thead><tr><th>Case</th><th>Field</th>'
            "<th>Flask</th><th>Quart</th><th>Reason</th></tr></thead>"
            f"<tbody>{''.join(rows)}</tbody></table>"
        )
    return (
        '<section id="known"><h2>Known Flask/Quart differences</h2>'
        '<p class="note">Documented framework differences: reported, they do not fail the run.</p>'
        f"{body}</section>"
    )


def _noise_section(report: ParityReport) -> str:
    if not report.noise:
        body = '<p class="empty">none</p>'
    else:
        rows = "".join(
            f'<tr><td class="mono">{_e(endpoint)}</td><td>'
            + ", ".join(f"<code>{_e(name)}</code>" for name in fields)
            + "</td></tr>"
            for endpoint, fields in report.noise.items()
        )
        body = (
            '<table class="section-table"><thead><tr><th>Endpoint</th><th>Fields excluded as noise'
            f"</th></tr></thead><tbody>{rows}</tbody></table>"
        )
    return (
        '<section id="noise"><h2>Noise</h2><p class="note">Fields that varied between two answers '
        "of the Flask app itself to the same request; they are excluded from the comparison.</p>"
        f"{body}</section>"
    )


def _config_section(report: ParityReport) -> str:
    if not report.config:
        body = '<p class="empty">none</p>'
    else:
        rows = []
        for item in report.config:
            rows.append(
                f'<tr class="{_diff_class(item.category)}"><td class="mono">{_e(item.key)}</td>'
                f"{_value_cell(item.flask)}{_value_cell(item.quart)}"
                f"<td>{_category(item.category)}</td><td>{_e(item.reason)}</td></tr>"
            )
        body = (
            '<table class="section-table diffs"><thead><tr><th>Key</th><th>Flask</th><th>Quart</th>'
            f"<th>Category</th><th>Reason</th></tr></thead><tbody>{''.join(rows)}</tbody></table>"
        )
    return (
        '<section id="config"><h2>Config differences</h2><p class="note">Reported, not judged: '
        f"two apps compared side by side always have some.</p>{body}</section>"
    )


def _notes_section(report: ParityReport) -> str:
    if not report.notes:
        return ""
    items = "".join(f"<li>{_e(note)}</li>" for note in report.notes)
    return (
        '<section id="notes"><h2>Notes</h2><p class="note">What the run left out, and why.</p>'
        f'<ul class="plain">{items}</ul></section>'
    )


def _normalisations_section(report: ParityReport) -> str:
    if not report.normalisations:
        body = '<p class="empty">none</p>'
    else:
        items = "".join(f"<li>{_e(sentence)}</li>" for sentence in report.normalisations)
        body = f'<ul class="plain">{items}</ul>'
    return (
        '<section id="normalisations"><h2>Normalisations</h2><p class="note">Applied to both '
        f"answers before comparing.</p>{body}</section>"
    )


def render_html(report: ParityReport) -> str:
    """The whole report as one self-contained HTML document."""
    report = redacted_report(report)  # every value below is drawn from the redacted copy
    title = f"Parity report: {report.flask_label} vs {report.quart_label}"
    outcome = "passed" if report.passed else "failed"
    counts = "".join(
        f'<span class="count verdict-{verdict.value}{"" if report.count(verdict) else " zero"}">'
        f"{report.count(verdict)} {_e(verdict.value)}</span>"
        for verdict in VERDICT_ORDER
    )
    cases_count = len(report.cases)
    subtitle = (
        f"Flask <code>{_e(report.flask_label)}</code> vs Quart <code>{_e(report.quart_label)}</code>"
        f" &middot; {_e(report.mode)} &middot; {cases_count} case{'s' if cases_count != 1 else ''}"
        f" in {_e(format_seconds(report.elapsed))}"
    )
    cases = "".join(_case(index, result) for index, result in enumerate(report.cases))
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'\">"
        f"<title>{_e(title)}</title><style>{_CSS}</style></head><body>"
        f'<header><h1>{_e(title)}</h1><p class="sub">{subtitle}</p>'
        f'<div class="top"><span class="outcome {outcome}">{outcome.upper()}</span>{counts}</div>'
        "</header>"
        f"<main>{_summary_table(report)}"
        f'<section id="cases"><h2>Cases</h2>{cases or "<p class=empty>no cases</p>"}</section>'
        f"{_known_section(report)}{_noise_section(report)}"
        f"{_config_section(report)}{_normalisations_section(report)}"
        f"{_notes_section(report)}</main>"
        "<footer>Generated by flask2quart parity. Secrets are shown as &lt;redacted:sha256 prefix&gt;."
        "</footer></body></html>\n"
    )


def write_html(report: ParityReport, path: str | os.PathLike[str]) -> None:
    """Write :func:`render_html` to ``path`` (UTF-8)."""
    with open(path, "w", encoding="utf-8", errors="backslashreplace") as handle:
        handle.write(render_html(report))
