"""What the user says about fields: ignore them, compare only some, or compare with a function.

Patterns name fields the way differences do, with JSONPath-like wildcards:

``status``, ``header:x-request-id``, ``header:x-*``, ``cookie:csrf_token``, ``cookie:theme;Expires``,
``session:$.user_id``, ``body:$.generated_at``, ``body:$.links[*].created``, ``body:$..created``
(at any depth), ``body`` (the whole body). A bare ``$.path`` means ``body:$.path``. A pattern also
covers everything below what it names (``body:$.links`` covers ``body:$.links[0].title``).

Rules apply everywhere or to one route, named by endpoint (``api.list_links``), by URL rule
(``/api/links/<int:link_id>``) or by a path glob (``/api/*``).
"""

from __future__ import annotations

import datetime
import email.utils
import fnmatch
import importlib
import math
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

Comparator = Callable[[Any, Any], bool]

_SEGMENT = r"(?:\.[^.\[]+|\[\d+\])"


class RuleError(ValueError):
    """A pattern or comparator the user gave is not usable (message for the user)."""


@lru_cache(maxsize=1024)
def compile_pattern(pattern: str) -> re.Pattern[str]:
    text = pattern.strip()
    if not text:
        raise RuleError("empty field pattern")
    if text.startswith("$"):
        text = "body:" + text
    kind, colon, rest = text.partition(":")
    if kind not in ("status", "error", "header", "cookie", "session", "body"):
        raise RuleError(
            f"{pattern!r}: a field pattern starts with status, header:, cookie:, session:, body: or $"
        )
    if kind == "header":
        rest = rest.lower()
    out = [re.escape(kind + colon)]
    index = 0
    while index < len(rest):
        if rest.startswith("..", index):
            out.append(_SEGMENT + "*\\.")
            index += 2
        elif rest.startswith("[*]", index):
            out.append(r"\[\d+\]")
            index += 3
        elif rest[index] == "*":
            out.append(r"[^.\[;]*")
            index += 1
        else:
            out.append(re.escape(rest[index]))
            index += 1
    # a pattern covers what is below it: members, items, cookie attributes; a bare kind
    # (``body``, ``session``, ``header``...) covers every field of that kind
    below = r"(?:[.\[;].*)?" if colon else r"(?:[:.\[;].*)?"
    return re.compile("".join(out) + below, re.DOTALL)


def matches(pattern: str, field_name: str) -> bool:
    return compile_pattern(pattern).fullmatch(field_name) is not None


def _tolerance(amount: float) -> Comparator:
    def within(flask: Any, quart: Any) -> bool:
        try:
            return math.isclose(float(flask), float(quart), abs_tol=amount)
        except (TypeError, ValueError):
            return flask == quart

    return within


def _instant(value: Any) -> datetime.datetime | float | None:
    """A timestamp as JSON carries it: ISO 8601 text, an HTTP date, or seconds since the epoch."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if not isinstance(value, str):
        return None
    text = value.strip()
    try:
        return datetime.datetime.fromisoformat(text)
    except ValueError:
        pass
    try:
        return email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        return None


def _timestamps(seconds: float) -> Comparator:
    """Two timestamps at most ``seconds`` apart: the two apps create the "same" row a moment apart
    (a ``created`` column at one-second resolution is one second apart when a second boundary falls
    between the Flask and the Quart request)."""

    def within(flask: Any, quart: Any) -> bool:
        left, right = _instant(flask), _instant(quart)
        if isinstance(left, float) and isinstance(right, float):
            return abs(left - right) <= seconds
        if isinstance(left, datetime.datetime) and isinstance(right, datetime.datetime):
            if (left.tzinfo is None) != (right.tzinfo is None):
                return False  # one says where it is, the other does not: a real difference
            return abs((left - right).total_seconds()) <= seconds
        return type(flask) is type(quart) and bool(flask == quart)  # JSON types kept apart

    return within


def _casefold(flask: Any, quart: Any) -> bool:
    return str(flask).casefold() == str(quart).casefold()


def _as_set(flask: Any, quart: Any) -> bool:
    def tokens(value: Any) -> frozenset[str]:
        if isinstance(value, list | tuple | set | frozenset):
            return frozenset(map(str, value))
        return frozenset(part.strip() for part in str(value).split(","))

    return tokens(flask) == tokens(quart)


def _present(flask: Any, quart: Any) -> bool:
    return (flask is None) == (quart is None)


BUILTIN_COMPARATORS: dict[str, Callable[[str], Comparator]] = {
    "casefold": lambda _: _casefold,
    "set": lambda _: _as_set,
    "present": lambda _: _present,
    "tolerance": lambda argument: _tolerance(float(argument or 0)),
    "timestamp": lambda argument: _timestamps(float(argument or 1)),
}


def resolve_comparator(spec: str | Comparator) -> Comparator:
    """``"casefold"``, ``"set"``, ``"present"``, ``"tolerance:0.01"``, ``"timestamp:60"`` or
    ``"package.module:function"``."""
    if callable(spec):
        return spec
    if not isinstance(spec, str):
        raise RuleError(f"comparator {spec!r}: expected a name such as 'tolerance:0.01' or 'module:function'")
    name, _, argument = spec.partition(":")
    if name in BUILTIN_COMPARATORS:
        try:
            return BUILTIN_COMPARATORS[name](argument)
        except ValueError as error:
            raise RuleError(f"comparator {spec!r}: {error}") from error
    module_name, _, attribute = spec.partition(":")
    if not attribute:
        raise RuleError(
            f"comparator {spec!r}: expected one of {', '.join(BUILTIN_COMPARATORS)} or 'module:function'"
        )
    try:
        function = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise RuleError(f"comparator {spec!r}: {error}") from error
    if not callable(function):
        raise RuleError(f"comparator {spec!r} is not callable")
    return function


@dataclass(slots=True)
class RuleSet:
    """Ignore patterns, compare-only patterns and comparators for one scope."""

    ignore: list[str] = field(default_factory=list)
    #: when given, only fields matching one of these are compared (status always is)
    only: list[str] = field(default_factory=list)
    comparators: dict[str, Comparator] = field(default_factory=dict)

    def validate(self) -> None:
        for pattern in [*self.ignore, *self.only, *self.comparators]:
            compile_pattern(pattern)


@dataclass(slots=True)
class Rules:
    """Global rules plus rules per route (endpoint name, URL rule or path glob)."""

    everywhere: RuleSet = field(default_factory=RuleSet)
    routes: dict[str, RuleSet] = field(default_factory=dict)

    @classmethod
    def build(
        cls,
        *,
        ignore: Iterable[str] = (),
        only: Iterable[str] = (),
        comparators: Mapping[str, str | Comparator] | None = None,
        routes: Mapping[str, Mapping[str, Any]] | None = None,
    ) -> Rules:
        rules = cls(RuleSet(list(ignore), list(only), _comparators(comparators)))
        for route, settings in (routes or {}).items():
            rules.routes[route] = RuleSet(
                list(settings.get("ignore", ())),
                list(settings.get("only", ())),
                _comparators(settings.get("compare")),
            )
        rules.everywhere.validate()
        for rule_set in rules.routes.values():
            rule_set.validate()
        return rules

    def for_route(self, endpoint: str | None, rule: str | None, path: str) -> list[RuleSet]:
        scoped = [self.everywhere]
        for key, rule_set in self.routes.items():
            if key in (endpoint, rule) or (key.startswith("/") and fnmatch.fnmatchcase(path, key)):
                scoped.append(rule_set)
        return scoped


def _comparators(given: Mapping[str, str | Comparator] | None) -> dict[str, Comparator]:
    return {pattern: resolve_comparator(spec) for pattern, spec in (given or {}).items()}


@dataclass(slots=True)
class ScopedRules:
    """The rule sets that apply to one step, plus the case's own ignore patterns."""

    sets: list[RuleSet]
    case_ignore: tuple[str, ...] = ()

    def ignored_by(self, field_name: str) -> str | None:
        """The pattern that excludes ``field_name``, if any."""
        for pattern in self.case_ignore:
            if matches(pattern, field_name):
                return pattern
        only = [pattern for rule_set in self.sets for pattern in rule_set.only]
        if only and field_name != "status" and not any(matches(pattern, field_name) for pattern in only):
            return "only: " + ", ".join(only)
        for rule_set in self.sets:
            for pattern in rule_set.ignore:
                if matches(pattern, field_name):
                    return pattern
        return None

    def comparator_for(self, field_name: str) -> tuple[str, Comparator] | None:
        for rule_set in reversed(self.sets):  # the most specific scope wins
            for pattern, comparator in rule_set.comparators.items():
                if matches(pattern, field_name):
                    return pattern, comparator
        return None

    @property
    def has_comparators(self) -> bool:
        return any(rule_set.comparators for rule_set in self.sets)
