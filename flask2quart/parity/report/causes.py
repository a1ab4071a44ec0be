"""Real differences grouped by cause: one line per field pattern instead of one per difference.

A port that breaks one thing (a date format, a status code) usually breaks it on many answers; the
terminal summary then says it once: ``body:$.links[*].created: 37 differences on 3 endpoints
(api.list_links, api.link, links.index)``. The pattern is the field with its list indexes and text
line numbers generalised, so the 37 ``created`` members of 12 answers are one cause.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from flask2quart.parity.model import Category, ParityReport, StepResult

_INDEX = re.compile(r"\[\d+\]")
_LINE = re.compile(r"^body:line \d+$")


def field_pattern(name: str) -> str:
    """``body:$.links[3].title`` -> ``body:$.links[*].title``; ``body:line 12`` -> ``body:line *``."""
    if _LINE.match(name):
        return "body:line *"
    return _INDEX.sub("[*]", name)


@dataclass(slots=True)
class Cause:
    pattern: str
    count: int = 0
    #: where it was seen, first seen first: endpoints, or "METHOD path" when the endpoint is unknown
    places: list[str] = field(default_factory=list)


def _place(step: StepResult) -> str:
    return step.endpoint or f"{step.request.method} {step.request.path}"


def real_causes(report: ParityReport) -> list[Cause]:
    """The causes of the real differences, most frequent first."""
    found: dict[str, Cause] = {}
    for result in report.cases:
        for step in result.steps:
            for difference in step.by_category(Category.REAL):
                pattern = field_pattern(difference.field)
                cause = found.setdefault(pattern, Cause(pattern))
                cause.count += 1
                place = _place(step)
                if place not in cause.places:
                    cause.places.append(place)
    return sorted(found.values(), key=lambda cause: (-cause.count, cause.pattern))
