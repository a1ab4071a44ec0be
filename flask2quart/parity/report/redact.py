"""Keep secrets out of every parity report (terminal, JSON, HTML) and assertion message.

A parity run replays real requests: they carry session cookies, ``Authorization`` headers, API
keys, passwords in forms, and the answers set new cookies, and some apps write what they were sent
back into their pages. Reports get pasted into issues and CI logs, so no secret value may appear in
them. A secret is replaced by ``<redacted:xxxxxxxx>``, the first 8 hex digits of the SHA-256 of the
value: the reader cannot recover the value but can still see whether two values are equal (the same
cookie sent twice, Flask and Quart setting the same value).

Two layers:

* **by name**, where a value is known to be secret: request and response headers named ``Cookie``,
  ``Authorization``, ``Proxy-Authorization``, with a secret-looking name (:mod:`.names`) or named
  by the user (``--secret-header``); a ``Cookie`` header keeps its cookie names and an
  ``Authorization`` header its scheme (``Bearer <redacted:...>``); ``Set-Cookie`` values (names and
  attributes stay: they are what parity compares); secret query parameters of the target; the
  values of ``cookie:<name>``, ``session:`` and secret-named ``body:$`` differences; secret config
  values and the password of any ``scheme://user:password@host`` URI (also in the app labels);
* **by value**, everywhere else: every secret the run handled (:mod:`.secrets`: form fields,
  decoded Basic credentials, session payloads, ...) is searched for in everything that came from a
  request or an answer: bodies, header values, difference values, targets and errors
  (:mod:`.scrub`), also where the app HTML- or JSON-escaped or URL-encoded it. The user's own
  labels (case names, endpoints) and the run's notes are left as they are.

:meth:`Redactor.report` makes the redacted copy of a whole report that every renderer draws from,
so the three formats show the same tokens and none can forget a field.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, quote

from flask2quart.parity.model import (
    Case,
    CaseResult,
    ConfigDifference,
    Difference,
    ParityReport,
    ParityRequest,
    RecordedResponse,
    StepResult,
)
from flask2quart.parity.report.names import (
    header_names,
    is_secret_field,
    is_sensitive_config_key,
    is_sensitive_name,
)
from flask2quart.parity.report.scrub import (
    ANYWHERE,
    REDACTED_PREFIX,
    Scrubber,
    is_redacted,
    redaction_token,
)
from flask2quart.parity.report.secrets import collect_secrets

__all__ = [
    "ANYWHERE",
    "REDACTED_PREFIX",
    "Redactor",
    "is_redacted",
    "is_secret_field",
    "is_sensitive_config_key",
    "is_sensitive_name",
    "redact_difference",
    "redact_header",
    "redact_headers",
    "redact_set_cookie",
    "redact_target",
    "redaction_token",
]

_URI_PASSWORD = re.compile(
    r"(?P<head>[A-Za-z][A-Za-z0-9+.-]*://[^:/@\s]*:)(?P<password>[^@/\s]+)@"
)


def redact_cookie_header(value: str) -> str:
    """``a=1; b=2`` -> ``a=<redacted:...>; b=<redacted:...>`` (names kept, values hidden)."""
    parts: list[str] = []
    for item in value.split(";"):
        name, sep, cookie_value = item.strip().partition("=")
        if not sep:
            parts.append(redaction_token(name) if name else name)
        else:
            parts.append(f"{name}={redaction_token(cookie_value)}")
    return "; ".join(part for part in parts if part)


def redact_authorization(value: str) -> str:
    """``Bearer abc`` -> ``Bearer <redacted:...>``: the scheme is no secret, the credentials are."""
    scheme, sep, credentials = value.strip().partition(" ")
    if sep and credentials and scheme.isalpha():
        return f"{scheme} {redaction_token(credentials.strip())}"
    return redaction_token(value)


def redact_set_cookie(value: str) -> str:
    """``session=abc; Path=/; HttpOnly`` -> ``session=<redacted:...>; Path=/; HttpOnly``."""
    first, sep, attributes = value.partition(";")
    name, eq, cookie_value = first.partition("=")
    if not eq:
        return value
    cookie_value = cookie_value.strip()
    if len(cookie_value) >= 2 and cookie_value[0] == cookie_value[-1] == '"':
        cookie_value = cookie_value[1:-1]
    return f"{name.strip()}={redaction_token(cookie_value)}{sep}{attributes}"


def redact_header(name: str, value: str, extra: frozenset[str] = frozenset()) -> str:
    """The value of one header as a report may show it (``extra``: user-named secret headers)."""
    lowered = name.strip().lower()
    if lowered == "set-cookie":
        return redact_set_cookie(value)
    if lowered == "cookie":
        return redact_cookie_header(value)
    if lowered in ("authorization", "proxy-authorization"):
        return redact_authorization(value)
    if is_sensitive_name(lowered, extra):
        return redaction_token(value)
    return value


def redact_headers(
    headers: Iterable[tuple[str, str]], extra: frozenset[str] = frozenset()
) -> list[tuple[str, str]]:
    return [(name, redact_header(name, value, extra)) for name, value in headers]


def redact_query(query: str) -> str:
    """Hide the values of secret query parameters (``token=abc&q=1`` -> ``token=<redacted:...>&q=1``)."""
    if not query:
        return query
    pairs = parse_qsl(query, keep_blank_values=True)
    if not any(is_sensitive_name(name) for name, _ in pairs):
        return query
    return "&".join(
        f"{quote(name, safe='')}={redaction_token(value) if is_sensitive_name(name) else quote(value, safe='')}"
        for name, value in pairs
    )


def redact_target(target: str) -> str:
    """``/cb?token=abc`` -> ``/cb?token=<redacted:...>``."""
    path, sep, query = target.partition("?")
    return f"{path}?{redact_query(query)}" if sep and query else target


def redact_uri_passwords(text: str) -> str:
    """``postgresql://user:pw@db/x`` -> ``postgresql://user:<redacted:...>@db/x``."""
    return _URI_PASSWORD.sub(lambda m: f"{m['head']}{redaction_token(m['password'])}@", text)


def _token_of(value: Any) -> str:
    if isinstance(value, bytes):
        return redaction_token(value)
    # 42 and "42" are different values: JSON keeps them apart
    return redaction_token(value if isinstance(value, str) else json.dumps(value, sort_keys=True, default=str))


def redact_difference_value(field: str, value: Any, extra: frozenset[str] = frozenset()) -> Any:
    """One side's value of a difference, redacted when the field holds a secret (None stays None:
    "absent" is no secret and is the interesting part)."""
    if value is None or not is_secret_field(field, extra):
        return value
    if field.startswith("header:"):
        if isinstance(value, list | tuple):
            return [redact_difference_value(field, item, extra) for item in value]
        text = value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)
        return redact_header(field.removeprefix("header:"), text, extra)
    if isinstance(value, str) and is_redacted(value):
        return value
    return _token_of(value)


def redact_difference(difference: Difference, extra: frozenset[str] = frozenset()) -> Difference:
    return Difference(
        difference.field,
        redact_difference_value(difference.field, difference.flask, extra),
        redact_difference_value(difference.field, difference.quart, extra),
        difference.category,
        difference.reason,
    )


def redact_config_value(key: str, value: Any) -> Any:
    if value is None:
        return None
    if is_sensitive_config_key(key):
        return redaction_token(value if isinstance(value, bytes) else str(value))
    if isinstance(value, str):
        return redact_uri_passwords(value)
    return value


def redact_config_difference(item: ConfigDifference) -> ConfigDifference:
    return ConfigDifference(
        item.key,
        redact_config_value(item.key, item.flask),
        redact_config_value(item.key, item.quart),
        item.category,
        item.reason,
    )


@dataclass(frozen=True, slots=True)
class Redactor:
    """The redaction of one report (or one step, for an assertion message): the name rules above
    plus scrubbing the secrets the report handled out of free text. Build it with
    :meth:`for_report` or :meth:`for_steps`."""

    scrubber: Scrubber = field(default_factory=Scrubber)
    #: header names the user said hold secrets (lower case)
    secret_headers: frozenset[str] = frozenset()

    @classmethod
    def for_steps(
        cls,
        steps: Iterable[StepResult],
        config: Iterable[ConfigDifference] = (),
        secret_headers: Iterable[str] = (),
    ) -> Redactor:
        step_list = list(steps)
        names = header_names([*secret_headers, *(name for step in step_list for name in step.secret_headers)])
        return cls(Scrubber.of(collect_secrets(step_list, config, names)), names)

    @classmethod
    def for_report(cls, report: ParityReport) -> Redactor:
        steps = [step for case in report.cases for step in case.steps]
        return cls.for_steps(steps, report.config, report.secret_headers)

    @property
    def secrets(self) -> frozenset[str]:
        return self.scrubber.secrets

    # -- pieces --------------------------------------------------------------------------------

    def scrub(self, text: str) -> str:
        """Replace every known secret in ``text`` by its token."""
        return self.scrubber.text(text)

    def text(self, text: str) -> str:
        return self.scrubber.text(redact_uri_passwords(text)) if text else text

    def scrub_value(self, value: Any) -> Any:
        """:meth:`scrub` applied to the strings inside a (JSON-like) value."""
        if isinstance(value, str):
            return value if is_redacted(value) else self.scrub(value)
        if isinstance(value, bytes):
            return self.scrubber.data(value)
        if isinstance(value, Mapping):
            return {key: self.scrub_value(item) for key, item in value.items()}
        if isinstance(value, list):
            return [self.scrub_value(item) for item in value]
        if isinstance(value, tuple):
            return tuple(self.scrub_value(item) for item in value)
        if isinstance(value, frozenset):
            return frozenset(self.scrub_value(item) for item in value)
        if isinstance(value, int | float) and not isinstance(value, bool) and str(value) in self.secrets:
            return redaction_token(str(value))  # a PIN sent as 1234 and echoed as a number
        return value

    def headers(self, headers: Iterable[tuple[str, str]]) -> list[tuple[str, str]]:
        return [(name, self.scrub(value)) for name, value in redact_headers(headers, self.secret_headers)]

    def target(self, target: str) -> str:
        return self.scrub(redact_target(target))

    def error(self, error: str | None) -> str | None:
        return None if error is None else self.text(error)

    def difference(self, difference: Difference) -> Difference:
        redacted = redact_difference(difference, self.secret_headers)
        return Difference(
            redacted.field,
            self.scrub_value(redacted.flask),
            self.scrub_value(redacted.quart),
            redacted.category,
            self.scrub(redacted.reason),
        )

    def config(self, item: ConfigDifference) -> ConfigDifference:
        redacted = redact_config_difference(item)
        return ConfigDifference(
            redacted.key,
            self.scrub_value(redacted.flask),
            self.scrub_value(redacted.quart),
            redacted.category,
            self.scrub(redacted.reason),
        )

    # -- whole objects: what the renderers draw from ---------------------------------------------

    def request(self, request: ParityRequest) -> ParityRequest:
        path = self.scrub(request.path)
        query = self.scrub(redact_query(request.query_string))
        # no report shows a request body, only its size: the copy keeps the size and nothing else
        body = b"*" * len(request.body)
        return ParityRequest(request.method, path, query, tuple(self.headers(request.headers)), body)

    def response(self, response: RecordedResponse | None) -> RecordedResponse | None:
        if response is None:
            return None
        return RecordedResponse(
            response.status,
            tuple(self.headers(response.headers)),
            self.scrubber.data(response.body),
            self.error(response.error),
        )

    def step(self, step: StepResult) -> StepResult:
        return StepResult(
            self.request(step.request),
            self.response(step.flask),
            self.response(step.quart),
            self.response(step.flask_again),
            [self.difference(difference) for difference in step.differences],
            None if step.skipped is None else self.text(step.skipped),
            step.secret_headers,
            step.endpoint,
        )

    def case_result(self, result: CaseResult) -> CaseResult:
        case = result.case
        # the case's name is the user's own label, not something an app sent: a case called "wrong
        # password" keeps its name although its form sends the password "wrong"
        redacted_case = Case(
            case.name, [self.request(request) for request in case.steps], case.ignore, case.source, case.endpoint
        )
        return CaseResult(redacted_case, [self.step(step) for step in result.steps], self.error(result.error))

    def report(self, report: ParityReport) -> ParityReport:
        """A copy of ``report`` with every secret replaced: what every renderer draws."""
        return ParityReport(
            flask_label=redact_uri_passwords(report.flask_label),
            quart_label=redact_uri_passwords(report.quart_label),
            mode=report.mode,
            cases=[self.case_result(result) for result in report.cases],
            config=[self.config(item) for item in report.config],
            normalisations=list(report.normalisations),
            noise={endpoint: list(fields) for endpoint, fields in report.noise.items()},
            notes=list(report.notes),  # written by the run (--auto), not by the apps
            elapsed=report.elapsed,
            secret_headers=list(report.secret_headers),
        )


def redacted_report(report: ParityReport) -> ParityReport:
    """``report`` with every secret replaced by its token (see :class:`Redactor`)."""
    return Redactor.for_report(report).report(report)
