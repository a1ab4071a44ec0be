"""The data every part of ``parity`` shares: one canonical request, two recorded responses, the
differences between them and the verdicts.

A :class:`ParityRequest` is built once and turned into a WSGI environ and an ASGI scope by us
(:mod:`.canonical`), so the quirks of the two frameworks' test clients (Host, client address, query
encoding, header case) never show up as differences.
"""

from __future__ import annotations

import enum
import json as jsonlib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})

QueryInput = Mapping[str, Any] | Sequence[tuple[str, Any]] | str | None
HeadersInput = Mapping[str, str] | Sequence[tuple[str, str]] | None


def _pairs(value: Mapping[str, Any] | Sequence[tuple[str, Any]] | None) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    items: Iterable[tuple[str, Any]] = value.items() if isinstance(value, Mapping) else value
    pairs: list[tuple[str, str]] = []
    for name, raw in items:
        values = raw if isinstance(raw, list | tuple) else [raw]
        pairs.extend((str(name), "" if item is None else str(item)) for item in values)
    return tuple(pairs)


@dataclass(frozen=True, slots=True)
class ParityRequest:
    """One HTTP request, as both apps will see it (same bytes on both sides)."""

    method: str = "GET"
    path: str = "/"
    #: the raw query string, already encoded (so both sides get exactly the same bytes)
    query_string: str = ""
    headers: tuple[tuple[str, str], ...] = ()
    body: bytes = b""

    @classmethod
    def build(
        cls,
        method: str = "GET",
        path: str = "/",
        *,
        query: QueryInput = None,
        headers: HeadersInput = None,
        json: Any = None,
        form: Mapping[str, Any] | Sequence[tuple[str, Any]] | None = None,
        data: bytes | str | None = None,
    ) -> ParityRequest:
        """Build a request the way a test client call reads: ``build("POST", "/x", json={...})``."""
        path, _, inline_query = path.partition("?")
        query_string = query if isinstance(query, str) else urlencode(_pairs(query))
        if inline_query:
            query_string = f"{inline_query}&{query_string}" if query_string else inline_query
        header_pairs = list(_pairs(headers))
        given = {name.lower() for name, _ in header_pairs}
        if sum(value is not None for value in (json, form, data)) > 1:
            raise ValueError("give at most one of json=, form= and data=")
        body = b""
        if json is not None:
            body = jsonlib.dumps(json).encode()
            if "content-type" not in given:
                header_pairs.append(("Content-Type", "application/json"))
        elif form is not None:
            body = urlencode(_pairs(form)).encode()
            if "content-type" not in given:
                header_pairs.append(("Content-Type", "application/x-www-form-urlencoded"))
        elif data is not None:
            body = data.encode() if isinstance(data, str) else bytes(data)
        return cls(method.upper(), path or "/", query_string, tuple(header_pairs), body)

    @property
    def safe(self) -> bool:
        return self.method in SAFE_METHODS

    @property
    def target(self) -> str:
        return f"{self.path}?{self.query_string}" if self.query_string else self.path

    def with_headers(self, extra: Sequence[tuple[str, str]]) -> ParityRequest:
        names = {name.lower() for name, _ in extra}
        kept = tuple(pair for pair in self.headers if pair[0].lower() not in names)
        return ParityRequest(self.method, self.path, self.query_string, kept + tuple(extra), self.body)

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)


@dataclass(frozen=True, slots=True)
class RecordedResponse:
    """What one app answered, as received (header order and case kept for the report)."""

    status: int
    headers: tuple[tuple[str, str], ...]
    body: bytes
    #: set when the app raised instead of answering (the exception's type and message)
    error: str | None = None

    def header(self, name: str) -> str | None:
        lowered = name.lower()
        return next((value for key, value in self.headers if key.lower() == lowered), None)

    def header_values(self, name: str) -> list[str]:
        lowered = name.lower()
        return [value for key, value in self.headers if key.lower() == lowered]


class Category(enum.StrEnum):
    #: a behaviour change: fails the run
    REAL = "real"
    #: a documented Flask/Quart difference (204 Content-Length, HEAD bodies, config defaults...)
    KNOWN = "known"
    #: the Flask app itself answers differently each time (seen by sending the request twice)
    NOISE = "noise"
    #: excluded by a rule the user gave
    IGNORED = "ignored"


@dataclass(frozen=True, slots=True)
class Difference:
    """One field that differs. ``field`` is a stable name: ``status``, ``header:location``,
    ``cookie:theme``, ``cookie:theme;Max-Age``, ``session:$.user_id``, ``body:$.links[0].title``,
    ``body:line 12``, ``body``."""

    field: str
    flask: Any
    quart: Any
    category: Category = Category.REAL
    reason: str = ""

    def with_category(self, category: Category, reason: str) -> Difference:
        return Difference(self.field, self.flask, self.quart, category, reason)


class Verdict(enum.StrEnum):
    MATCH = "match"
    #: only known framework differences (reported, not failing)
    KNOWN = "known"
    DIFFERENT = "different"
    SKIPPED = "skipped"
    ERROR = "error"


@dataclass(slots=True)
class Case:
    """One comparison: a sequence of requests sent in order to both apps (each side keeps its own
    cookies, so "log in, then act" is compared step by step)."""

    name: str
    steps: list[ParityRequest]
    #: rule patterns (see :mod:`.rules`) that apply to this case only
    ignore: tuple[str, ...] = ()
    #: where the case came from: ``python``, a file name, or ``auto``
    source: str = "python"
    #: the url_map endpoint of the first step, filled in by the runner for grouping
    endpoint: str | None = None

    @property
    def safe(self) -> bool:
        return all(step.safe for step in self.steps)


@dataclass(slots=True)
class StepResult:
    request: ParityRequest
    flask: RecordedResponse | None = None
    quart: RecordedResponse | None = None
    #: the second Flask answer used for noise calibration (None when the step was not repeated)
    flask_again: RecordedResponse | None = None
    differences: list[Difference] = field(default_factory=list)
    #: why the step was not sent (an unsafe method over the wire without --allow-unsafe...)
    skipped: str | None = None
    #: header names the run was told hold secrets (``--secret-header``): an assertion message made
    #: from this step alone redacts them too
    secret_headers: tuple[str, ...] = ()
    #: the Flask app's url_map endpoint for the request (None when unknown or unmatched)
    endpoint: str | None = None

    def by_category(self, category: Category) -> list[Difference]:
        return [difference for difference in self.differences if difference.category is category]

    @property
    def verdict(self) -> Verdict:
        if self.skipped is not None:
            return Verdict.SKIPPED
        if self.by_category(Category.REAL):
            return Verdict.DIFFERENT
        if self.by_category(Category.KNOWN):
            return Verdict.KNOWN
        return Verdict.MATCH


_VERDICT_RANK = {Verdict.MATCH: 0, Verdict.SKIPPED: 1, Verdict.KNOWN: 2, Verdict.DIFFERENT: 3, Verdict.ERROR: 4}


@dataclass(slots=True)
class CaseResult:
    case: Case
    steps: list[StepResult] = field(default_factory=list)
    #: the engine could not run the case (a broken case file entry, a transport failure...)
    error: str | None = None

    @property
    def verdict(self) -> Verdict:
        if self.error is not None:
            return Verdict.ERROR
        verdicts = [step.verdict for step in self.steps] or [Verdict.SKIPPED]
        if all(verdict is Verdict.SKIPPED for verdict in verdicts):
            return Verdict.SKIPPED
        return max((v for v in verdicts if v is not Verdict.SKIPPED), key=_VERDICT_RANK.__getitem__)

    @property
    def differences(self) -> list[Difference]:
        return [difference for step in self.steps for difference in step.differences]


@dataclass(frozen=True, slots=True)
class ConfigDifference:
    key: str
    flask: Any
    quart: Any
    #: ``known`` when each side holds its own framework's default (MAX_CONTENT_LENGTH...)
    category: Category
    reason: str = ""


@dataclass(slots=True)
class ParityReport:
    """Everything a run found; the reports (terminal, JSON, HTML) render this."""

    flask_label: str
    quart_label: str
    mode: str  # "in-process" or "over the wire"
    cases: list[CaseResult] = field(default_factory=list)
    config: list[ConfigDifference] = field(default_factory=list)
    #: the normalisations applied, in words (the report prints them: nothing is silent)
    normalisations: list[str] = field(default_factory=list)
    #: endpoint -> fields that differed between two Flask answers (Diffy's noise)
    noise: dict[str, list[str]] = field(default_factory=dict)
    #: what was left out and why (unsafe methods under --auto, routes without sample values...)
    notes: list[str] = field(default_factory=list)
    elapsed: float = 0.0
    #: header names the user said hold secrets (``--secret-header``): redacted in every report
    secret_headers: list[str] = field(default_factory=list)

    def count(self, verdict: Verdict) -> int:
        return sum(1 for case in self.cases if case.verdict is verdict)

    @property
    def passed(self) -> bool:
        """No real difference in any answer. Config differences are reported, not judged: two
        apps compared side by side always have some (their own database paths...)."""
        return not any(case.verdict in (Verdict.DIFFERENT, Verdict.ERROR) for case in self.cases)
