"""A synchronous face for the async engine, for tests and scripts: ``ParitySession`` keeps the
two apps started (Quart's lifespan included) on an event loop of its own thread, and each
``ParityClient`` is one conversation (its own cookies on each side) made of steps.

.. code-block:: python

    with ParitySession(flask_app, quart_app) as session:
        client = session.client()
        client.post("/auth/login", form={"username": "test", "password": "test"})
        assert_parity(client.get("/api/links"))

The thread is what lets the same code run from a plain test, an ``async def`` test (whose loop is
already running) and a script.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Iterable
from typing import Any, TypeVar

from .engine import Conversation, ParityOptions, ParityRunner
from .explain import ParityMismatch, explain
from .model import Case, CaseResult, ParityReport, ParityRequest, StepResult

T = TypeVar("T")


class _LoopThread:
    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, name="flask2quart-parity", daemon=True)
        self.thread.start()

    def run(self, coroutine: Coroutine[Any, Any, T], timeout: float | None = None) -> T:
        return asyncio.run_coroutine_threadsafe(coroutine, self.loop).result(timeout)

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join(timeout=10)
        if not self.thread.is_alive():
            self.loop.close()


class ParitySession:
    """Both apps, started once; every result is kept for an end-of-session report."""

    def __init__(
        self,
        flask_app: Any = None,
        quart_app: Any = None,
        *,
        options: ParityOptions | None = None,
        runner: ParityRunner | None = None,
    ) -> None:
        if runner is None:
            if flask_app is None or quart_app is None:
                raise ValueError("give flask_app and quart_app, or a runner")
            runner = ParityRunner.in_process(flask_app, quart_app, options)
        self.runner = runner
        self.results: list[CaseResult] = []
        self._loop: _LoopThread | None = None

    def start(self) -> ParitySession:
        if self._loop is None:
            self._loop = _LoopThread()
            try:
                self._loop.run(self.runner.start())
            except BaseException:
                self._loop.stop()
                self._loop = None
                raise
        return self

    def close(self) -> None:
        if self._loop is not None:
            loop, self._loop = self._loop, None
            try:
                loop.run(self.runner.close(), timeout=60)
            finally:
                loop.stop()

    def __enter__(self) -> ParitySession:
        return self.start()

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def run(self, coroutine: Coroutine[Any, Any, T]) -> T:
        if self._loop is None:
            self.start()
        assert self._loop is not None
        return self._loop.run(coroutine)

    def client(self, name: str = "parity") -> ParityClient:
        return ParityClient(self, name)

    def check(self, case: Case) -> CaseResult:
        result = self.run(self.runner.check(case))
        self.results.append(result)
        return result

    def report(self) -> ParityReport:
        """Everything this session compared, as one report (for ``--parity-report``)."""
        report = ParityReport(
            flask_label=_app_label(self.runner.flask_app), quart_label=_app_label(self.runner.quart_app), mode="in-process"
        )
        report.cases = list(self.results)
        report.noise = self.runner.noise_report()
        report.secret_headers = list(self.runner.options.secret_headers)
        return report


def _app_label(app: Any) -> str:
    return f"{type(app).__name__} {getattr(app, 'name', '')}".strip() if app is not None else "?"


class ParityClient:
    """One conversation: requests read like a test client's, and each returns the compared step."""

    def __init__(self, session: ParitySession, name: str = "parity") -> None:
        self.session = session
        self.name = name
        self.conversation = Conversation()
        self.case = Case(name, [], source="pytest")
        self._result = CaseResult(self.case)
        session.results.append(self._result)

    def request(
        self, method: str, path: str, *, ignore: Iterable[str] = (), **kwargs: Any
    ) -> StepResult:
        """``kwargs`` as :meth:`ParityRequest.build`: ``query``, ``headers``, ``json``, ``form``, ``data``."""
        request = ParityRequest.build(method, path, **kwargs)
        step_case = Case(self.name, [request], ignore=tuple(ignore), source="pytest")
        step = self.session.run(self.session.runner.exchange(self.conversation, step_case, request))
        self.case.steps.append(request)
        self._result.steps.append(step)
        return step

    def get(self, path: str, **kwargs: Any) -> StepResult:
        return self.request("GET", path, **kwargs)

    def head(self, path: str, **kwargs: Any) -> StepResult:
        return self.request("HEAD", path, **kwargs)

    def options(self, path: str, **kwargs: Any) -> StepResult:
        return self.request("OPTIONS", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> StepResult:
        return self.request("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> StepResult:
        return self.request("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> StepResult:
        return self.request("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> StepResult:
        return self.request("DELETE", path, **kwargs)

    def check(self, method: str, path: str, **kwargs: Any) -> StepResult:
        """Send and assert parity in one call."""
        step = self.request(method, path, **kwargs)
        assert_parity(step)
        return step


def assert_parity(result: StepResult | CaseResult) -> None:
    """Raise :class:`ParityMismatch` (an ``AssertionError``) naming every real difference."""
    message = explain(result)
    if message is not None:
        raise ParityMismatch(message)
