"""pytest plugin (entry point ``pytest11``): compare the Flask app and its Quart port from tests.

Name the two apps once, on the command line or in the ini file::

    [tool.pytest.ini_options]
    parity_flask = "legacy.app:create_app()"
    parity_quart = "ported.app:create_app()"

or override the ``parity_apps`` fixture to build them yourself (with test config, a seeded
database...). Then::

    def test_links_api(parity):
        parity.post("/auth/login", form={"username": "test", "password": "test"})
        assert_parity(parity.get("/api/links"))

``parity`` is one conversation per test (each side keeps its own cookies); the apps are started
once per session. ``--parity-report FILE.json|.html`` writes every comparison of the session.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ..appspec import AppSpecError, load_app
from .client import ParityClient, ParitySession, assert_parity
from .engine import ParityOptions
from .rules import RuleError, Rules

__all__ = ["assert_parity"]


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("flask2quart-parity", "flask2quart parity (Flask app vs its Quart port)")
    group.addoption("--parity-flask", metavar="MODULE:APP", help="the Flask app for the `parity` fixture")
    group.addoption("--parity-quart", metavar="MODULE:APP", help="the Quart app for the `parity` fixture")
    group.addoption("--parity-report", metavar="FILE", help="write every parity comparison to FILE.json/.html")
    parser.addini("parity_flask", "the Flask app (MODULE:APP) for the `parity` fixture")
    parser.addini("parity_quart", "the Quart app (MODULE:APP) for the `parity` fixture")
    parser.addini("parity_ignore", "field patterns ignored by every parity check", type="linelist")
    parser.addini(
        "parity_secret_headers",
        "headers whose values are secrets: redacted in reports and assertion messages",
        type="linelist",
    )
    parser.addini("parity_calibrate", "ask the Flask app twice to learn noise (default true)", type="bool", default=True)


def _setting(config: pytest.Config, option: str, ini: str) -> str | None:
    value = config.getoption(option) or config.getini(ini)
    return str(value) if value else None


@pytest.fixture(scope="session")
def parity_apps(pytestconfig: pytest.Config) -> tuple[Any, Any]:
    """(flask_app, quart_app) from --parity-flask/--parity-quart or the ini keys. Override this
    fixture to build the apps yourself."""
    flask_spec = _setting(pytestconfig, "--parity-flask", "parity_flask")
    quart_spec = _setting(pytestconfig, "--parity-quart", "parity_quart")
    # pytest.fail without a traceback: a configuration problem is one line, not a stack of frames
    if flask_spec is None or quart_spec is None:
        pytest.fail(
            "the `parity` fixture needs both apps: set parity_flask and parity_quart in the ini file, "
            "pass --parity-flask/--parity-quart, or override the `parity_apps` fixture",
            pytrace=False,
        )
    try:
        return load_app(flask_spec), load_app(quart_spec)
    except AppSpecError as error:
        pytest.fail(f"parity: {error}", pytrace=False)


@pytest.fixture(scope="session")
def parity_session(pytestconfig: pytest.Config, parity_apps: tuple[Any, Any]) -> Iterator[ParitySession]:
    """Both apps started once (Quart's lifespan included) for the whole session."""
    try:
        rules = Rules.build(ignore=pytestconfig.getini("parity_ignore"))
    except RuleError as error:
        pytest.fail(f"parity_ignore: {error}", pytrace=False)
    options = ParityOptions(
        calibrate=bool(pytestconfig.getini("parity_calibrate")),
        rules=rules,
        secret_headers=tuple(pytestconfig.getini("parity_secret_headers")),
    )
    flask_app, quart_app = parity_apps
    session = ParitySession(flask_app, quart_app, options=options).start()
    try:
        yield session
    finally:
        session.close()
        report_path = pytestconfig.getoption("--parity-report")
        if report_path:
            from .report import write_report

            write_report(session.report(), Path(report_path))


@pytest.fixture
def parity(parity_session: ParitySession, request: pytest.FixtureRequest) -> ParityClient:
    """One conversation with both apps for this test (fresh cookies on each side)."""
    return parity_session.client(request.node.nodeid)
