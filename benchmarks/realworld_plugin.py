"""pytest plugin the corpus harness (``benchmarks/realworld.py``) loads into an app's own suite.

Loaded with ``-p realworld_plugin`` (its folder on ``PYTHONPATH``); writes one JSON file, named by
``F2Q_RW_OUT``, when the session ends:

* ``tests``: nodeid -> ``outcome`` (passed, failed, error, skipped, xfailed, xpassed), ``frames``
  (``[file, line, function]`` of every traceback of a failed phase, chained exceptions included,
  plus the ``File "...", line N`` lines of captured output: a view's error logged by the app is
  part of the story; plus where each coroutine still alive and never started was created: a
  coroutine that reached a response body or a comparison instead of its value is part of the
  story too) and ``paths`` (request paths the test sent to a Flask or Quart app);
* ``collect_errors``: collector nodeid -> frames (a test module that did not import);
* ``modules``: where each top-level package named in ``F2Q_RW_PACKAGES`` was imported from, so the
  harness can check the suite ran the code it meant (the port, not an editable install of the
  original).

It only observes: no test is changed, skipped or reordered. It runs inside the app's venv, so it
uses the standard library and pytest only.
"""

from __future__ import annotations

import gc
import inspect
import json
import os
import re
import sys
import traceback
import types
import weakref
from types import TracebackType
from typing import Any

import pytest

_FILE_LINE = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')
_tests: dict[str, dict[str, Any]] = {}
_collect_errors: dict[str, list[list[object]]] = {}
#: The unstarted coroutines alive when the running test began (weakly: an id alone could be reused
#: by a coroutine the test makes once the old one is freed).
_before: weakref.WeakSet[types.CoroutineType] = weakref.WeakSet()
_collected: list[list[object]] = []  # origins taken as the collector ran during the running test
_current: list[str] = []  # nodeid of the running test (a list: module state without `global`)


def _frames_of(error: BaseException | None) -> list[list[object]]:
    """``[file, line, function]`` for the traceback of ``error`` and its causes/contexts."""
    frames: list[list[object]] = []
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        seen.add(id(error))
        tb: TracebackType | None = error.__traceback__
        for frame, line in traceback.walk_tb(tb):
            frames.append([frame.f_code.co_filename, line, frame.f_code.co_name])
        error = error.__cause__ or error.__context__
    return frames


def _frames_in_text(text: str) -> list[list[object]]:
    return [[path, int(line), name] for path, line, name in _FILE_LINE.findall(text)]


def _unstarted() -> list[types.CoroutineType]:
    # ``type(obj) is``, not ``isinstance``: a dead weak proxy among the objects raises on the latter.
    return [obj for obj in gc.get_objects()
            if type(obj) is types.CoroutineType and inspect.getcoroutinestate(obj) == inspect.CORO_CREATED]


def _on_collect(phase: str, info: dict[str, Any]) -> None:
    """Before the cyclic collector frees what the running test left in a cycle (an exception's
    traceback holding a coroutine), take the origins of the unstarted coroutines there: the
    test's failure is reported after them."""
    if phase != "start" or not _current:
        return
    for generation in range(int(info.get("generation", 2)) + 1):
        for obj in gc.get_objects(generation):
            if type(obj) is types.CoroutineType and inspect.getcoroutinestate(obj) == inspect.CORO_CREATED and obj not in _before:
                _before.add(obj)
                _collected.extend([file, line, name] for file, line, name in obj.cr_origin or ())


def _unawaited_origins() -> list[list[object]]:
    """``[file, line, function]`` of where each live, never-started coroutine created during the
    running test was created (Python records it once ``sys.set_coroutine_origin_tracking_depth``
    is set; the warning of a coroutine collected unawaited prints the same lines, which
    ``_frames_in_text`` reads)."""
    frames: list[list[object]] = list(_collected)
    _collected.clear()
    for obj in _unstarted():
        if obj not in _before:
            _before.add(obj)  # told once: a setup failure, not its teardown again
            frames.extend([file, line, name] for file, line, name in obj.cr_origin or ())
    return frames


def _entry(nodeid: str) -> dict[str, Any]:
    return _tests.setdefault(nodeid, {"outcome": None, "frames": [], "paths": []})


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    _current[:] = [item.nodeid]
    _entry(item.nodeid)
    _before.clear()
    _before.update(_unstarted())
    _collected.clear()
    try:
        return (yield)
    finally:
        _current.clear()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item: pytest.Item, nextitem: pytest.Item | None) -> object:
    """Collect what the test left in reference cycles as its teardown starts: a coroutine it never
    awaited warns now, in this test's teardown (pytest reports unraisable exceptions at the end
    of each phase), and not in whichever later test the collector happens to run in, which would
    then fail for another test's reason."""
    gc.collect()
    return (yield)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> pytest.TestReport:
    report: pytest.TestReport = yield
    entry = _entry(item.nodeid)
    if call.excinfo is not None and report.failed:
        entry["frames"].extend(_frames_of(call.excinfo.value))
    if report.failed:
        entry["frames"].extend(_unawaited_origins())
        for _, text in report.sections:
            entry["frames"].extend(_frames_in_text(text))
        entry["frames"].extend(_frames_in_text(str(report.longrepr)))
    entry["outcome"] = _outcome(report, entry["outcome"])
    return report


def _outcome(report: pytest.TestReport, before: str | None) -> str:
    """One outcome per test: a failed setup/teardown is an error, a failed call a failure."""
    if before in ("failed", "error"):
        return before
    if report.failed:
        return "failed" if report.when == "call" else "error"
    if hasattr(report, "wasxfail"):
        return "xfailed" if report.skipped else "xpassed"
    if report.skipped:
        return "skipped"
    if report.when == "call" or before is None:
        return "passed"
    return before


def pytest_collectreport(report: pytest.CollectReport) -> None:
    if report.failed:
        _collect_errors[report.nodeid] = _frames_in_text(str(report.longrepr))


def _record_path(path: object) -> None:
    if _current and isinstance(path, str):
        _entry(_current[0])["paths"].append(path)


def _patch_apps() -> None:
    """Record each request path an app receives: the WSGI/ASGI entry points, patched on the class
    before the tests build their apps (so a middleware wrapping ``app.wsgi_app`` still goes
    through it)."""
    try:
        import flask
    except ImportError:
        flask = None  # type: ignore[assignment]
    if flask is not None:
        original_wsgi = flask.Flask.wsgi_app

        def wsgi_app(self: Any, environ: dict[str, Any], start_response: Any) -> Any:
            _record_path(environ.get("PATH_INFO"))
            return original_wsgi(self, environ, start_response)

        flask.Flask.wsgi_app = wsgi_app  # type: ignore[method-assign]
        _patch_log_exception(flask.Flask)
    try:
        import quart
    except ImportError:
        return
    original_asgi = quart.Quart.asgi_app

    async def asgi_app(self: Any, scope: dict[str, Any], receive: Any, send: Any) -> Any:
        if scope.get("type") in ("http", "websocket"):
            _record_path(scope.get("path"))
        return await original_asgi(self, scope, receive, send)

    quart.Quart.asgi_app = asgi_app  # type: ignore[method-assign]
    _patch_log_exception(quart.Quart)
    _patch_asgi_error_page()


def _patch_asgi_error_page() -> None:
    """Under ``debug``/``testing`` an error Quart propagates is turned into a traceback page by
    its ASGI layer (``quart.asgi._handle_exception``), where no test sees it: take its frames."""
    try:
        import quart.asgi as asgi
    except ImportError:
        return
    original = getattr(asgi, "_handle_exception", None)
    if original is None:
        return

    async def _handle_exception(app: Any, error: Exception) -> Any:
        if _current:
            _entry(_current[0])["frames"].extend(_frames_of(error))
        return await original(app, error)

    asgi._handle_exception = _handle_exception


def _patch_log_exception(cls: Any) -> None:
    """An error a view raised and the app turned into a 500 is on the test's story too: the app
    logs it (to a handler pytest may not capture), so take its frames where it is logged."""
    original = cls.log_exception

    def log_exception(self: Any, exc_info: Any) -> Any:
        error = exc_info[1] if isinstance(exc_info, tuple) else None
        if _current and isinstance(error, BaseException):
            _entry(_current[0])["frames"].extend(_frames_of(error))
        return original(self, exc_info)

    cls.log_exception = log_exception


def pytest_configure(config: pytest.Config) -> None:
    sys.set_coroutine_origin_tracking_depth(32)
    gc.callbacks.append(_on_collect)
    _patch_apps()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    out = os.environ.get("F2Q_RW_OUT")
    if not out:
        return
    modules = {}
    for name in filter(None, os.environ.get("F2Q_RW_PACKAGES", "").split(",")):
        module = sys.modules.get(name)
        modules[name] = getattr(module, "__file__", None) if module else None
    data = {"tests": _tests, "collect_errors": _collect_errors, "modules": modules, "exitstatus": int(exitstatus)}
    with open(out, "w", encoding="utf-8") as handle:
        json.dump(data, handle)
