"""Differences in words, for an assertion message: what a failing ``assert_parity`` prints."""

from __future__ import annotations

from typing import Any

from .model import CaseResult, Category, Difference, StepResult
from .report.redact import Redactor

MAX_VALUE = 200


class ParityMismatch(AssertionError):
    """The Flask app and its Quart port answered differently (the message lists how)."""


def short(value: Any, limit: int = MAX_VALUE) -> str:
    if isinstance(value, frozenset):
        text = "{" + ", ".join(sorted(map(str, value))) + "}"
    elif isinstance(value, bytes):
        text = f"<{len(value)} bytes>"
    else:
        text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


def describe(difference: Difference) -> str:
    if difference.flask is None:
        change = f"only quart: {short(difference.quart)}"
    elif difference.quart is None:
        change = f"only flask: {short(difference.flask)}"
    else:
        change = f"flask {short(difference.flask)} != quart {short(difference.quart)}"
    reason = f"  ({difference.reason})" if difference.reason else ""
    return f"{difference.field}: {change}{reason}"


def explain(result: StepResult | CaseResult) -> str | None:
    """``None`` when nothing real differs, else a readable account of every real difference."""
    raw_steps = result.steps if isinstance(result, CaseResult) else [result]
    failing = isinstance(result, CaseResult) and result.error is not None
    if not failing and not any(step.by_category(Category.REAL) for step in raw_steps):
        return None  # nothing to say: no need to look for secrets
    # an assertion message ends up in CI logs: secrets are redacted as in the reports, by name and
    # by value (a password the app echoes), from the redacted copy of the steps
    redactor = Redactor.for_steps(raw_steps)
    if isinstance(result, CaseResult):
        result = redactor.case_result(result)
        steps = result.steps
    else:
        steps = [redactor.step(result)]
    lines: list[str] = []
    if isinstance(result, CaseResult) and result.error is not None:
        lines.append(f"{result.case.name}: could not run: {result.error}")
    for number, step in enumerate(steps, start=1):
        real = step.by_category(Category.REAL)
        if not real:
            continue
        where = f"step {number}: " if len(steps) > 1 else ""
        statuses = ""
        if step.flask is not None and step.quart is not None:
            statuses = f" (flask {step.flask.status}, quart {step.quart.status})"
        lines.append(f"{where}Flask and Quart answer {step.request.method} {step.request.target} differently{statuses}:")
        lines.extend(f"  {describe(difference)}" for difference in real)
        known = step.by_category(Category.KNOWN)
        if known:
            lines.append("  known framework differences (not failing): " + ", ".join(d.field for d in known))
    return "\n".join(lines) if lines else None
