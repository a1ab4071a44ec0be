"""``flask2quart parity`` over the wire, against real servers on 127.0.0.1: the Flask original of
linkbox under gunicorn and its Quart port under Hypercorn (``examples/parity/apps.py``; each server
process seeds its own databases, so each side has its own state).

What reached a server is read from its access log (method, path, status and the Host header it
saw), not taken on the report's word.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from flask2quart.parity.engine import ParityRunner
from flask2quart.parity.model import Case, ParityRequest, Verdict

from .servers import ROOT, Server, get, gunicorn, hypercorn, running

pytest.importorskip("gunicorn", reason="the Flask side runs under gunicorn (pip install gunicorn)")

pytestmark = pytest.mark.slow

FLASK_APP = "examples.parity.apps:flask_app"
QUART_APP = "examples.parity.apps:quart_app"
CASES = "examples/parity/cases.yaml"
UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}
#: answers of the servers themselves (not of the apps): never a difference, of any category
SERVER_FIELDS = {"status", "header:date", "header:server", "header:connection", "header:keep-alive"}
#: a Quart port that differs from the original in one header (started by one test only)
CHANGED_PORT = """\
from examples.parity.apps import quart_app


@quart_app.after_request
async def deny_frames(response):
    response.headers["X-Frame-Options"] = "DENY"
    return response


app = quart_app
"""


@pytest.fixture(scope="module")
def servers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Server, Server]]:
    base = tmp_path_factory.mktemp("wire")
    specs = gunicorn(FLASK_APP, base / "flask"), hypercorn(QUART_APP, base / "quart")
    with running(*specs) as (flask, quart):
        yield flask, quart


def parity(*args: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """The real command line, from the repository root (so ``examples.parity.apps`` imports)."""
    return subprocess.run(
        [sys.executable, "-m", "flask2quart", "parity", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
        # --flask imports examples.parity.apps here too: its temporary databases go to tmp_path
        env={**os.environ, "TMPDIR": str(tmp_path), "COLUMNS": "200"},
    )


def over_wire(flask: Server, quart: Server) -> list[str]:
    return ["--flask-url", flask.url, "--quart-url", quart.url]


def load_report(path: Path) -> dict[str, Any]:
    return json.loads(path.read_text(encoding="utf-8"))


def all_steps(report: dict[str, Any]) -> Iterator[dict[str, Any]]:
    for case in report["cases"]:
        yield from case["steps"]


def all_differences(report: dict[str, Any]) -> list[dict[str, Any]]:
    return [difference for step in all_steps(report) for difference in step["differences"]]


def header_names(response: dict[str, Any]) -> set[str]:
    return {name.lower() for name, _ in response["headers"]}


def case_named(report: dict[str, Any], name: str) -> dict[str, Any]:
    return next(case for case in report["cases"] if case["name"] == name)


def logged_in_cases(report: dict[str, Any]) -> list[dict[str, Any]]:
    cases = [
        case
        for case in report["cases"]
        if case["steps"][0]["request"]["method"] == "POST"
        and case["steps"][0]["request"]["target"] == "/auth/login"
        and len(case["steps"]) > 1
    ]
    assert len(cases) >= 4, [case["name"] for case in report["cases"]]
    return cases


def test_auto_passes_and_server_noise_is_not_a_difference(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    flask, quart = servers
    report_path = tmp_path / "auto.json"
    result = parity(
        "--auto",
        "--flask",
        FLASK_APP,
        *over_wire(flask, quart),
        "--report",
        str(report_path),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = load_report(report_path)
    summary = report["summary"]
    assert summary["mode"] == "over the wire"
    assert summary["passed"] is True
    assert (summary["flask_label"], summary["quart_label"]) == (flask.url, quart.url)
    assert summary["counts"]["different"] == summary["counts"]["error"] == 0
    assert summary["total"] > 50  # every safe route of linkbox, with variations
    assert [d for d in all_differences(report) if d["category"] == "real"] == []

    # the two servers did answer differently at the HTTP level...
    steps = [step for step in all_steps(report) if step["skipped"] is None]
    assert steps and all(step["flask"] and step["quart"] for step in steps)
    servers_seen = {
        side: {
            value
            for step in steps
            for name, value in step[side]["headers"]
            if name.lower() == "server"
        }
        for side in ("flask", "quart")
    }
    assert servers_seen["flask"] == {"gunicorn"}
    assert all(value.startswith("hypercorn") for value in servers_seen["quart"]), servers_seen
    assert all(
        "date" in header_names(step["flask"]) and "date" in header_names(step["quart"])
        for step in steps
    )
    # gunicorn's "Connection: keep-alive" (Hypercorn's h11 sends none)
    assert any("connection" in header_names(step["flask"]) for step in steps)
    # ...and none of it became a difference of any category; the reason phrases (gunicorn's
    # "302 FOUND" against Hypercorn's bare "302") are not part of what is compared either
    assert {d["field"] for d in all_differences(report)} & SERVER_FIELDS == set()
    assert all(step["flask"]["status"] == step["quart"]["status"] for step in steps)


def test_unsafe_steps_are_skipped_and_never_sent(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    flask, quart = servers
    for server in servers:
        server.settle()
    marks = {server.name: len(server.access()) for server in servers}
    report_path = tmp_path / "safe.json"
    result = parity(
        "--cases", CASES, *over_wire(flask, quart), "--report", str(report_path), tmp_path=tmp_path
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = load_report(report_path)

    for case in logged_in_cases(report):
        assert case["verdict"] == "skipped", case["name"]
        first, *later = case["steps"]
        assert "unsafe" in first["skipped"] and "--allow-unsafe" in first["skipped"]
        # the GETs after it too: they would run logged out
        assert later and all(step["skipped"] for step in later), case["name"]
        assert all(step["flask"] is None and step["quart"] is None for step in case["steps"])
    assert case_named(report, "wrong password")["verdict"] == "skipped"

    for server in servers:
        server.settle()
        sent = server.access()[marks[server.name] :]
        assert [entry for entry in sent if entry.method in UNSAFE] == [], (server.name, sent)
        # the log does record this run: the one safe case was sent, and nothing else
        assert {
            (entry.method, entry.path) for entry in sent if not entry.path.startswith("/__")
        } == {
            ("GET", "/theme/dark"),
            ("GET", "/auth/login"),
        }, (server.name, sent)


def test_allow_unsafe_runs_logged_in_cases_with_each_sides_cookies(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    flask, quart = servers
    report_path = tmp_path / "unsafe.json"
    result = parity(
        "--cases",
        CASES,
        "--allow-unsafe",
        *over_wire(flask, quart),
        "--report",
        str(report_path),
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    report = load_report(report_path)
    assert report["summary"]["passed"] is True
    assert report["summary"]["counts"]["skipped"] == 0

    for case in logged_in_cases(report):
        assert case["verdict"] in ("match", "known"), case["name"]
        login, *_ = case["steps"]
        for step in case["steps"]:
            assert step["skipped"] is None and step["flask"] and step["quart"], case["name"]
        # the login worked on each side (a redirect that sets each side's own session cookie)
        assert login["flask"]["status"] == login["quart"]["status"] == 302
        for side in ("flask", "quart"):
            cookies = [
                value for name, value in login[side]["headers"] if name.lower() == "set-cookie"
            ]
            assert any(value.startswith("session=") for value in cookies), (side, cookies)

    api = case_named(report, "logged in, the JSON API")
    listing = next(step for step in api["steps"] if step["request"]["target"] == "/api/links")
    # sent with each side's own session cookie: logged in on both, not 401
    assert listing["flask"]["status"] == listing["quart"]["status"] == 200
    for side in ("flask", "quart"):
        assert json.loads(listing[side]["body"]["text"])["count"] >= 1

    for server in servers:
        server.settle()
        assert ("POST", "/auth/login") in {(entry.method, entry.path) for entry in server.access()}


def test_a_changed_header_on_the_quart_side_is_a_real_difference(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    flask, _ = servers
    (tmp_path / "changed_port.py").write_text(CHANGED_PORT, encoding="utf-8")
    changed = hypercorn(
        "changed_port:app", tmp_path / "changed", name="changed-hypercorn", pythonpath=[tmp_path]
    )
    with running(changed) as (quart,):
        status, headers, _ = get(quart.port, "/ping")
        assert (status, headers.get("x-frame-options")) == (200, "DENY")
        report_path = tmp_path / "changed.json"
        result = parity(
            "--auto",
            "--flask",
            FLASK_APP,
            *over_wire(flask, quart),
            "--report",
            str(report_path),
            tmp_path=tmp_path,
        )
    assert result.returncode == 1, result.stdout + result.stderr
    report = load_report(report_path)
    assert report["summary"]["passed"] is False
    assert report["summary"]["counts"]["different"] > 0
    real = [d for d in all_differences(report) if d["category"] == "real"]
    assert real and {d["field"] for d in real} == {"header:x-frame-options"}
    assert all((d["flask"], d["quart"]) == (None, "DENY") for d in real)


def test_both_sides_see_the_canonical_host(servers: tuple[Server, Server]) -> None:
    """``/auth//login`` is answered with a 308 to the merged path, an absolute URL built from the
    Host header: asked directly, the two servers (on two ports) disagree; through parity, they agree."""
    flask, quart = servers
    direct = [get(server.port, "/auth//login") for server in servers]
    assert [(status, headers["location"]) for status, headers, _ in direct] == [
        (308, f"http://127.0.0.1:{server.port}/auth/login") for server in servers
    ]
    for server in servers:
        server.settle()
    marks = [len(server.access()) for server in servers]

    async def compare() -> Any:
        async with ParityRunner.over_http(flask.url, quart.url) as runner:
            return await runner.run(
                [Case("merged slashes", [ParityRequest.build("GET", "/auth//login")])]
            )

    report = asyncio.run(compare())
    assert report.mode == "over the wire"
    assert report.passed, report.cases[0].differences
    step = report.cases[0].steps[0]
    assert step.flask is not None and step.quart is not None
    assert step.flask.status == step.quart.status == 308
    assert (
        step.flask.header("location")
        == step.quart.header("location")
        == "http://localhost/auth/login"
    )
    assert step.verdict in (Verdict.MATCH, Verdict.KNOWN)  # Quart 0.22 leaves out Vary: Cookie
    assert "header:location" not in {difference.field for difference in step.differences}

    for server, mark in zip(servers, marks, strict=True):
        server.settle()
        sent = [entry for entry in server.access()[mark:] if entry.path == "/auth//login"]
        assert sent and {entry.host for entry in sent} == {"localhost"}, (server.name, sent)


def assert_one_clean_line(text: str) -> str:
    assert "Traceback" not in text
    lines = text.strip().splitlines()
    assert len(lines) == 1, text
    return lines[0]


def test_flask_url_without_quart_url_is_a_usage_error(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    flask, _ = servers
    result = parity("--auto", "--flask", FLASK_APP, "--flask-url", flask.url, tmp_path=tmp_path)
    assert result.returncode == 2
    assert result.stdout == ""
    line = assert_one_clean_line(result.stderr)
    assert line == "flask2quart: error: --flask-url and --quart-url go together"


UNREACHABLE = "http://127.0.0.1:9"


def test_an_unreachable_side_is_one_clean_usage_error(
    servers: tuple[Server, Server], tmp_path: Path
) -> None:
    """A side that is not there is found before the run: one stderr line naming the side and its
    URL, exit 2, no traceback, no report (nothing was compared)."""
    flask, _ = servers
    cases = tmp_path / "cases.yaml"
    cases.write_text("cases:\n  - GET /ping\n  - GET /api/links\n", encoding="utf-8")
    report_path = tmp_path / "unreachable.json"
    result = parity(
        "--cases", str(cases), "--flask-url", flask.url, "--quart-url", UNREACHABLE,
        "--report", str(report_path), tmp_path=tmp_path,
    )  # fmt: skip
    assert result.returncode == 2, result.stdout + result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"flask2quart: error: quart ({UNREACHABLE}) is not reachable")
    assert "Traceback" not in result.stdout + result.stderr
    assert not report_path.exists()
