"""The parity engine: send each case to both sides, step by step, and classify what differs.

For every step the Flask side is asked twice (Diffy's primary and secondary: the second answer
comes after the Quart one, so a clock that ticks between the answers shows up as noise); fields
that differ between the two Flask answers are noise for that endpoint. Unsafe steps are not
repeated, since the repeat would change state.

Order of classification, first match wins: the user's ignore rules, documented framework
differences (:mod:`.known`), noise, and what is left is real.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .compare import (
    DEFAULT_EXPIRY_TOLERANCE,
    NORMALISATIONS,
    Flattened,
    field_differences,
    flatten,
    text_differences,
)
from .cookies import CookieJar
from .known import classify_known, config_differences, framing_differences, hides_remote_addr
from .model import (
    Case,
    CaseResult,
    Category,
    Difference,
    ParityReport,
    ParityRequest,
    RecordedResponse,
    StepResult,
)
from .rules import Rules, ScopedRules
from .transports import AsgiTransport, HttpTransport, Transport, TransportError, WsgiTransport

NOISE_REASON = "varies between two Flask answers"
APP_WIDE_PREFIXES = ("header:", "cookie:", "session:")


@dataclass(slots=True)
class ParityOptions:
    #: ask the Flask side a second time to learn what is noise (safe steps only)
    calibrate: bool = True
    #: safe steps per endpoint that are always asked twice; after that, a step is asked twice
    #: only when its answers differ in a field not yet known to be noise
    calibration_samples: int = 3
    #: send unsafe methods over the wire (in-process, a case that names one is always sent)
    allow_unsafe: bool = False
    expiry_tolerance: float = DEFAULT_EXPIRY_TOLERANCE
    rules: Rules = field(default_factory=Rules)
    timeout: float = 30.0
    #: headers whose values are secrets besides the built-in ones (Cookie, Authorization, names
    #: with token/secret/password...): redacted in every report and assertion message
    secret_headers: tuple[str, ...] = ()


@dataclass(slots=True)
class Conversation:
    """The cookies of one case: each side keeps its own, as two browsers would."""

    flask: CookieJar = field(default_factory=CookieJar)
    quart: CookieJar = field(default_factory=CookieJar)


def _with_cookies(request: ParityRequest, jar: CookieJar) -> ParityRequest:
    if request.header("cookie") is not None:
        return request  # the case sets its own Cookie header
    cookie = jar.header_for(request.path)
    return request if cookie is None else request.with_headers([("Cookie", cookie)])


class ParityRunner:
    """Holds the two (three, with calibration) ways to reach the apps for the length of a run."""

    def __init__(
        self,
        flask: Transport,
        quart: Transport,
        *,
        flask_app: Any = None,
        quart_app: Any = None,
        options: ParityOptions | None = None,
        over_the_wire: bool = False,
    ) -> None:
        self.flask = flask
        self.quart = quart
        self.flask_app = flask_app
        self.quart_app = quart_app
        self.options = options or ParityOptions()
        self.over_the_wire = over_the_wire
        self.flask_label = _label(flask, flask_app)
        self.quart_label = _label(quart, quart_app)
        self._routes: dict[tuple[str, str], tuple[str | None, str | None]] = {}
        #: endpoint -> fields seen to differ between two Flask answers
        self.learned_noise: dict[str | None, set[str]] = {}
        self._calibrated: dict[str | None, int] = {}
        self._app_wide: set[str] | None = None
        self._flattened: dict[int, tuple[RecordedResponse, Flattened]] = {}
        self._adapter = flask_app.url_map.bind("localhost") if flask_app is not None else None
        #: the Quart app is a port that removes Quart's Remote-Addr request header (F2Q130)
        self.hides_remote_addr = hides_remote_addr(quart_app)
        self.session_cookies = {
            str(app.config.get("SESSION_COOKIE_NAME") or "session")
            for app in (flask_app, quart_app)
            if app is not None
        } or {"session"}

    @classmethod
    def in_process(cls, flask_app: Any, quart_app: Any, options: ParityOptions | None = None) -> ParityRunner:
        options = options or ParityOptions()
        flask_side = WsgiTransport(flask_app, "flask")
        quart_side = AsgiTransport(quart_app, "quart", timeout=options.timeout)
        return cls(flask_side, quart_side, flask_app=flask_app, quart_app=quart_app, options=options)

    @classmethod
    def over_http(
        cls,
        flask_url: str,
        quart_url: str,
        *,
        flask_app: Any = None,
        quart_app: Any = None,
        options: ParityOptions | None = None,
    ) -> ParityRunner:
        options = options or ParityOptions()
        return cls(
            HttpTransport(flask_url, "flask", options.timeout),
            HttpTransport(quart_url, "quart", options.timeout),
            flask_app=flask_app,
            quart_app=quart_app,
            options=options,
            over_the_wire=True,
        )

    async def start(self) -> None:
        await self.flask.start()
        try:
            await self.quart.start()
        except BaseException:
            await self.flask.close()
            raise

    async def close(self) -> None:
        try:
            await self.quart.close()
        finally:
            await self.flask.close()

    async def __aenter__(self) -> ParityRunner:
        await self.start()
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.close()

    # -- routing ---------------------------------------------------------------------------------

    def route_of(self, request: ParityRequest) -> tuple[str | None, str | None]:
        """(endpoint, URL rule) of the Flask app for this request, when the app is known."""
        key = (request.method, request.path)
        found = self._routes.get(key)
        if found is None:
            found = (None, None)
            if self._adapter is not None:
                try:
                    rule, _ = self._adapter.match(request.path, method=request.method, return_rule=True)
                    found = (rule.endpoint, rule.rule)
                except Exception:  # 404/405/redirect: no endpoint to group by
                    found = (None, None)
            self._routes[key] = found
        return found

    def scoped_rules(self, case: Case, request: ParityRequest) -> ScopedRules:
        endpoint, rule = self.route_of(request)
        return ScopedRules(self.options.rules.for_route(endpoint, rule, request.path), case.ignore)

    # -- sending -----------------------------------------------------------------------------------

    async def send_step(self, conversation: Conversation, case: Case, request: ParityRequest) -> StepResult:
        """Send one request to both sides (and the Flask side again, to calibrate)."""
        if self.over_the_wire and not request.safe and not self.options.allow_unsafe:
            return StepResult(request, skipped=f"{request.method} is unsafe: not sent over the wire without --allow-unsafe")
        flask_request = _with_cookies(request, conversation.flask)
        quart_request = _with_cookies(request, conversation.quart)
        if self.over_the_wire:
            # both requests finish before an error of either is raised: none is left running
            answers = await asyncio.gather(
                self.flask.send(flask_request), self.quart.send(quart_request), return_exceptions=True
            )
            for answer in answers:
                if isinstance(answer, BaseException):
                    raise answer
            flask, quart = answers
        else:
            flask = await self.flask.send(flask_request)
            quart = await self.quart.send(quart_request)
        step = StepResult(
            request, flask, quart, secret_headers=self.options.secret_headers, endpoint=self.route_of(request)[0]
        )
        if self.options.calibrate and request.safe and self._needs_calibration(case, step):
            # the same cookies the first Flask answer saw; what it sets is not kept
            step.flask_again = await self.flask.send(flask_request)
            self.learn_noise(step)
        conversation.flask.update(flask.header_values("set-cookie"))
        conversation.quart.update(quart.header_values("set-cookie"))
        return step

    def _needs_calibration(self, case: Case, step: StepResult) -> bool:
        """The first few safe steps of each endpoint, then only steps whose answers differ in a way
        that noise could explain (a field not yet known to be noise, or a text line)."""
        endpoint = self.route_of(step.request)[0]
        sampled = self._calibrated.get(endpoint, 0)
        if sampled < self.options.calibration_samples:
            self._calibrated[endpoint] = sampled + 1
            return True
        differences = self.compare_step(case, step, self.noise_for(step.request))
        return any(difference.category is Category.REAL for difference in differences)

    async def record_case(self, case: Case) -> CaseResult:
        result = CaseResult(case)
        if case.endpoint is None and case.steps:
            case.endpoint = self.route_of(case.steps[0])[0]
        conversation = Conversation()
        try:
            for index, request in enumerate(case.steps):
                if result.steps and result.steps[-1].skipped is not None:
                    result.steps.append(StepResult(request, skipped=f"step {index} was not sent"))
                    continue
                result.steps.append(await self.send_step(conversation, case, request))
        except TransportError as error:
            result.error = str(error)
        return result

    # -- comparing ---------------------------------------------------------------------------------

    def flatten(self, response: RecordedResponse) -> Flattened:
        cached = self._flattened.get(id(response))
        if cached is not None and cached[0] is response:
            return cached[1]
        flattened = flatten(response, self.session_cookies)
        self._flattened[id(response)] = (response, flattened)
        return flattened

    def calibration_noise(self, step: StepResult) -> set[str]:
        """Fields (not text lines) that differ between the two Flask answers of one step."""
        if step.flask is None or step.flask_again is None:
            return set()
        first, second = self.flatten(step.flask), self.flatten(step.flask_again)
        noisy = {difference.field for difference in field_differences(first, second, None, self.options.expiry_tolerance)}
        if first.text is not None and second.text is not None and first.text != second.text:
            noisy.add("body")
        return noisy

    def compare_step(self, case: Case, step: StepResult, noise: set[str]) -> list[Difference]:
        """Classified differences of one sent step (``noise``: noisy fields of its endpoint)."""
        if step.flask is None or step.quart is None:
            return []
        request = step.request
        flask_fields, quart_fields = self.flatten(step.flask), self.flatten(step.quart)
        rules = self.scoped_rules(case, request)
        if request.method == "HEAD":
            # a HEAD answer has no body to compare field by field: only whether there is one
            flask_fields, quart_fields = _without_body(flask_fields), _without_body(quart_fields)
        found = field_differences(flask_fields, quart_fields, rules, self.options.expiry_tolerance)
        if request.method == "HEAD" and step.flask.body != step.quart.body:
            found.append(Difference("body", _size(step.flask.body), _size(step.quart.body)))
        if flask_fields.text is not None and quart_fields.text is not None:
            again_text = None
            if step.flask_again is not None:
                again_text = self.flatten(step.flask_again).text
            lines = text_differences(flask_fields.text, quart_fields.text, again_text)
            if again_text is None and step.flask_again is not None and step.flask_again.body != step.flask.body:
                # the second Flask answer is not even text (random bytes that happened to decode
                # the first time): every line of the body varies between two Flask answers
                lines = [line.with_category(Category.NOISE, NOISE_REASON) for line in lines]
            found.extend(lines)
        found.extend(framing_differences(request, step.flask, step.quart, in_process=not self.over_the_wire))
        classified: list[Difference] = []
        for difference in found:
            pattern = rules.ignored_by(difference.field)
            if pattern is not None:
                classified.append(difference.with_category(Category.IGNORED, f"ignored by {pattern}"))
            else:
                classified.append(difference)
        endpoint = self.route_of(request)[0]
        classified = classify_known(
            request,
            step.flask,
            step.quart,
            classified,
            endpoint=endpoint,
            flask_config=_config(self.flask_app),
            quart_config=_config(self.quart_app),
            hides_remote_addr=self.hides_remote_addr,
        )
        return [
            difference.with_category(Category.NOISE, NOISE_REASON)
            if difference.category is Category.REAL and difference.field in noise
            else difference
            for difference in classified
        ]

    def learn_noise(self, step: StepResult) -> None:
        noisy = self.calibration_noise(step)
        if noisy:
            self.learned_noise.setdefault(self.route_of(step.request)[0], set()).update(noisy)
            self._app_wide = None

    def app_wide_noise(self) -> set[str]:
        """Header and cookie fields that are noisy on two endpoints or more (an ``after_request``
        hook's request id...): noise on every endpoint, including steps that were not repeated."""
        if self._app_wide is not None:
            return self._app_wide
        seen: dict[str, int] = {}
        for fields in self.learned_noise.values():
            for name in fields:
                if name.startswith(APP_WIDE_PREFIXES):
                    seen[name] = seen.get(name, 0) + 1
        self._app_wide = {name for name, count in seen.items() if count >= 2}
        return self._app_wide

    def noise_for(self, request: ParityRequest) -> set[str]:
        return self.learned_noise.get(self.route_of(request)[0], set()) | self.app_wide_noise()

    def compare_case(self, result: CaseResult) -> None:
        for step in result.steps:
            step.differences = self.compare_step(result.case, step, self.noise_for(step.request))

    async def exchange(self, conversation: Conversation, case: Case, request: ParityRequest) -> StepResult:
        """One step of an open-ended conversation (the pytest client): sent, learned from, compared."""
        step = await self.send_step(conversation, case, request)
        step.differences = self.compare_step(case, step, self.noise_for(request))
        return step

    async def check(self, case: Case) -> CaseResult:
        """Run and compare one case (noise: what this runner has learned so far, this case included)."""
        result = await self.record_case(case)
        self.compare_case(result)
        return result

    async def run(self, cases: Iterable[Case], *, progress: Any = None) -> ParityReport:
        """Run every case, then compare with the noise learned across all of them."""
        started = time.perf_counter()
        report = ParityReport(
            flask_label=self.flask_label,
            quart_label=self.quart_label,
            mode="over the wire" if self.over_the_wire else "in-process",
            secret_headers=list(self.options.secret_headers),
        )
        case_list = list(cases)
        for index, case in enumerate(case_list):
            report.cases.append(await self.record_case(case))
            if progress is not None:
                progress(index + 1, len(case_list))
        for result in report.cases:
            self.compare_case(result)
        report.noise = self.noise_report()
        if self.flask_app is not None and self.quart_app is not None:
            report.config = config_differences(self.flask_app.config, self.quart_app.config)
        report.normalisations = normalisation_notes(self.options, self.session_cookies, self.options.calibrate)
        report.elapsed = time.perf_counter() - started
        return report

    def noise_report(self) -> dict[str, list[str]]:
        app_wide = self.app_wide_noise()
        noise = {"(every endpoint)": sorted(app_wide)} if app_wide else {}
        for endpoint, fields in sorted(self.learned_noise.items(), key=lambda item: str(item[0])):
            own = sorted(fields - app_wide)
            if own:
                noise[str(endpoint or "(no endpoint)")] = own
        return noise


def _without_body(flattened: Flattened) -> Flattened:
    fields = {name: value for name, value in flattened.fields.items() if not name.startswith("body")}
    return Flattened(fields, None)


def _size(body: bytes) -> str:
    return f"{len(body)} bytes"


def normalisation_notes(options: ParityOptions, session_cookies: Iterable[str], calibrated: bool) -> list[str]:
    notes = [
        note.format(tolerance=options.expiry_tolerance, session=", ".join(sorted(session_cookies)))
        for note in NORMALISATIONS
    ]
    if calibrated:
        notes.append("each safe request was also sent to the Flask app a second time; fields that differed are noise")
    else:
        notes.append("noise calibration was off: nothing was classified as noise")
    return notes


def _config(app: Any) -> Mapping[str, Any] | None:
    return getattr(app, "config", None)


def _label(transport: Transport, app: Any) -> str:
    if isinstance(transport, HttpTransport):
        return transport.base_url
    if app is not None:
        return f"{type(app).__name__} {getattr(app, 'name', '')}".strip()
    return transport.label
