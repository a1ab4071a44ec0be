"""The parity reports (terminal, JSON, HTML) rendered from a hand-built ParityReport: counts,
redaction of secrets, HTML escaping and self-containment, highlighting, terminal wording."""

from __future__ import annotations

import base64
import datetime as dt
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest
from rich.console import Console

from flask2quart.parity.model import (
    Case,
    CaseResult,
    Category,
    ConfigDifference,
    Difference,
    ParityReport,
    ParityRequest,
    RecordedResponse,
    StepResult,
    Verdict,
)
from flask2quart.parity.report import (
    print_report,
    render_html,
    report_to_json,
    write_html,
    write_json,
    write_report,
)
from flask2quart.parity.report.common import BODY_LIMIT, json_safe
from flask2quart.parity.report.redact import (
    Redactor,
    is_sensitive_config_key,
    is_sensitive_name,
    redact_difference,
    redact_header,
    redact_set_cookie,
    redact_target,
    redaction_token,
)

# secrets: none of these may appear in any report
SESSION_COOKIE = "s3ss10n-v4lue-abcdef123456"
BEARER = "tok-9f8e7d6c5b4a39281706"
FLASK_SESSION = "eyJ1c2VyX2lkIjo0Mn0.flask-sig-AAAAAAAA"
QUART_SESSION = "eyJ1c2VyX2lkIjo0Mn0.quart-sig-BBBBBBBB"
CSRF = "csrf-same-on-both-sides-0123"
THEME_FLASK = "dark-theme-cookie-value"
THEME_QUART = "light-theme-cookie-value"
SECRET_KEY_FLASK = "flask-dev-secret-key-123"
SECRET_KEY_QUART = "quart-dev-secret-key-456"
DB_PASSWORD = "hunter2-db-password"
API_KEY = "api-key-value-31337-xyz"
SECRETS = (
    SESSION_COOKIE,
    BEARER,
    FLASK_SESSION,
    QUART_SESSION,
    CSRF,
    THEME_FLASK,
    THEME_QUART,
    SECRET_KEY_FLASK,
    SECRET_KEY_QUART,
    DB_PASSWORD,
    API_KEY,
)
XSS = '[bold]markup[/bold]<script>alert("pwned")</script><img src="http://evil.example/x.png">'

CASE_NAMES = ("home", "login-then-profile", "head-ping", "echo-xss", "broken-case", "delete-user")


def _json(value: object) -> bytes:
    return json.dumps(value).encode()


def _response(status: int, headers: list[tuple[str, str]], body: bytes = b"") -> RecordedResponse:
    return RecordedResponse(status, tuple(headers), body)


def sample_report() -> ParityReport:
    """A report with one case of every kind (match, different, known, error, skipped)."""
    html_page = b"<!doctype html><h1>Welcome</h1>\n<p>hello</p>\n"
    home_request = ParityRequest.build("GET", "/")
    home = CaseResult(
        Case("home", [home_request], endpoint="index"),
        [
            StepResult(
                home_request,
                flask=_response(200, [("Content-Type", "text/html; charset=utf-8")], html_page),
                quart=_response(200, [("content-type", "text/html; charset=utf-8")], html_page),
            )
        ],
    )

    login = ParityRequest.build(
        "POST",
        "/login",
        form={"username": "ada", "password": "correct horse"},
        headers={"Authorization": f"Bearer {BEARER}", "X-Api-Key": API_KEY},
    )
    profile = ParityRequest.build(
        "GET",
        "/profile",
        query={"tab": "links"},
        headers={
            "Authorization": f"Bearer {BEARER}",
            "Cookie": f"session={SESSION_COOKIE}; csrf={CSRF}",
            "Accept": "application/json",
        },
    )
    login_step = StepResult(
        login,
        flask=_response(
            302,
            [
                ("Location", "/profile"),
                ("Set-Cookie", f"session={FLASK_SESSION}; HttpOnly; Path=/"),
                ("Set-Cookie", f"csrf={CSRF}; Path=/"),
                ("Set-Cookie", f"theme={THEME_FLASK}; Path=/; Max-Age=3600"),
            ],
        ),
        quart=_response(
            302,
            [
                ("location", "/profile"),
                ("set-cookie", f"session={QUART_SESSION}; HttpOnly; Path=/"),
                ("set-cookie", f"csrf={CSRF}; Path=/"),
                ("set-cookie", f"theme={THEME_QUART}; Path=/; Max-Age=60"),
            ],
        ),
        differences=[
            Difference("cookie:theme", THEME_FLASK, THEME_QUART, reason="cookie value differs"),
            Difference("cookie:theme;Max-Age", "3600", "60"),
            Difference("session:$.user_id", 42, 43, reason="session payload differs"),
        ],
    )
    flask_profile = {"user": "ada", "links": [{"title": "Home", "href": "/"}], "n": 1}
    quart_profile = {"user": "ada", "links": [{"title": "Start", "href": "/"}], "n": 1}
    profile_step = StepResult(
        profile,
        flask=_response(
            200,
            [
                ("Content-Type", "application/json"),
                ("X-Frame-Options", "DENY"),
                ("X-Request-Id", "a1"),
            ],
            _json(flask_profile),
        ),
        quart=_response(
            201,
            [("content-type", "application/json"), ("x-request-id", "b2")],
            _json(quart_profile),
        ),
        differences=[
            Difference("status", 200, 201),
            Difference("header:x-frame-options", "DENY", None, reason="header missing"),
            Difference("body:$.links[0].title", "Home", "Start"),
            Difference(
                "header:x-request-id", "a1", "b2", Category.NOISE, "varies between Flask answers"
            ),
        ],
    )
    different = CaseResult(
        Case("login-then-profile", [login, profile], endpoint="auth.login"),
        [login_step, profile_step],
    )

    head = ParityRequest.build("HEAD", "/ping")
    known = CaseResult(
        Case("head-ping", [head], endpoint="ping", source="cases.toml"),
        [
            StepResult(
                head,
                flask=_response(204, [("Content-Length", "0")]),
                quart=_response(204, []),
                differences=[
                    Difference(
                        "header:content-length",
                        "0",
                        None,
                        Category.KNOWN,
                        "Quart sends no Content-Length on a 204 answer",
                    )
                ],
            )
        ],
    )

    echo = ParityRequest.build("GET", "/echo", query={"token": "query-token-value-99", "q": "x"})
    xss = CaseResult(
        Case("echo-xss", [echo], endpoint="echo"),
        [
            StepResult(
                echo,
                flask=_response(
                    200, [("Content-Type", "text/plain")], f"line one\n{XSS}\nend\n".encode()
                ),
                quart=_response(200, [("Content-Type", "text/plain")], b"line one\nsafe\nend\n"),
                differences=[Difference("body:line 2", XSS, "safe")],
            )
        ],
    )

    broken = CaseResult(
        Case("broken-case", [ParityRequest.build("GET", "/down")], endpoint="down"),
        error="ConnectionRefusedError: [Errno 111] Connection refused",
    )

    delete = ParityRequest.build("POST", "/users/1/delete")
    skipped = CaseResult(
        Case("delete-user", [delete], endpoint="users.delete"),
        [StepResult(delete, skipped="POST over the wire needs --allow-unsafe")],
    )

    return ParityReport(
        flask_label="app:app",
        quart_label="app_quart:app",
        mode="in-process",
        cases=[home, different, known, xss, broken, skipped],
        config=[
            ConfigDifference(
                "SECRET_KEY", SECRET_KEY_FLASK, SECRET_KEY_QUART, Category.REAL, "keys differ"
            ),
            ConfigDifference(
                "MAX_CONTENT_LENGTH", None, 16 * 1024 * 1024, Category.KNOWN, "framework default"
            ),
            ConfigDifference(
                "SQLALCHEMY_DATABASE_URI",
                f"postgresql://ada:{DB_PASSWORD}@db/app",
                "sqlite:///app.db",
                Category.REAL,
            ),
            ConfigDifference(
                "PERMANENT_SESSION_LIFETIME",
                dt.timedelta(days=31),
                dt.timedelta(days=1),
                Category.REAL,
            ),
        ],
        normalisations=[
            "Date and Server headers are left out of the comparison.",
            "Header names are compared case-insensitively.",
        ],
        noise={"profile": ["header:x-request-id"]},
        notes=["POST /users/<id>/delete left out: unsafe method under --auto"],
        elapsed=1.234,
    )


def _terminal_text(report: ParityReport, *, verbose: bool = False) -> str:
    console = Console(record=True, width=120, force_terminal=False)
    print_report(report, console, verbose=verbose)
    return console.export_text()


@pytest.fixture
def report() -> ParityReport:
    return sample_report()


# -- JSON -------------------------------------------------------------------------------------------


def test_json_round_trips_and_counts(report: ParityReport) -> None:
    data = report_to_json(report)
    assert json.loads(json.dumps(data)) == data
    summary = data["summary"]
    assert summary["counts"] == {"match": 1, "known": 1, "different": 2, "error": 1, "skipped": 1}
    assert summary["total"] == 6
    assert summary["passed"] is False
    assert summary["mode"] == "in-process"
    assert (summary["flask_label"], summary["quart_label"]) == ("app:app", "app_quart:app")
    assert summary["elapsed"] == pytest.approx(1.234)
    assert summary["real_config_differences"] == 3
    assert data["noise"] == {"profile": ["header:x-request-id"]}
    assert data["normalisations"] == report.normalisations
    assert [case["name"] for case in data["cases"]] == list(CASE_NAMES)
    assert [case["verdict"] for case in data["cases"]] == [
        "match",
        "different",
        "known",
        "different",
        "error",
        "skipped",
    ]


def test_json_case_details(report: ParityReport) -> None:
    cases = {case["name"]: case for case in report_to_json(report)["cases"]}
    login, profile = cases["login-then-profile"]["steps"]
    assert login["request"]["method"] == "POST"
    assert login["request"]["body_size"] == len(report.cases[1].steps[0].request.body)
    assert profile["request"]["target"] == "/profile?tab=links"
    assert profile["flask"]["status"] == 200 and profile["quart"]["status"] == 201
    assert json.loads(profile["flask"]["body"]["text"])["links"][0]["title"] == "Home"
    assert profile["flask"]["body"]["encoding"] == "utf-8"
    assert profile["flask"]["body"]["truncated"] is False
    fields = {d["field"]: d for d in profile["differences"]}
    assert fields["status"] == {
        "field": "status",
        "category": "real",
        "reason": "",
        "flask": 200,
        "quart": 201,
    }
    assert fields["header:x-request-id"]["category"] == "noise"
    assert cases["broken-case"]["error"].startswith("ConnectionRefusedError")
    assert cases["broken-case"]["steps"] == []
    assert cases["delete-user"]["steps"][0]["skipped"].startswith("POST over the wire")
    assert cases["delete-user"]["steps"][0]["flask"] is None
    assert cases["head-ping"]["source"] == "cases.toml"
    assert cases["head-ping"]["endpoint"] == "ping"
    # session payload values are redacted (they may hold tokens); the field still says which key
    # differs, and equal values would give equal tokens
    session = next(d for d in login["differences"] if d["field"] == "session:$.user_id")
    assert (session["flask"], session["quart"]) == (token_of("42"), token_of("43"))
    # a cookie attribute is no secret either
    max_age = next(d for d in login["differences"] if d["field"] == "cookie:theme;Max-Age")
    assert (max_age["flask"], max_age["quart"]) == ("3600", "60")


def test_json_binary_and_truncated_bodies() -> None:
    request = ParityRequest.build("GET", "/blob")
    big = b"x" * (BODY_LIMIT + 100)
    binary = bytes(range(256))
    step = StepResult(
        request,
        flask=_response(200, [("Content-Type", "application/octet-stream")], binary),
        quart=_response(200, [("Content-Type", "text/plain")], big),
        differences=[Difference("body", binary, big)],
    )
    report = ParityReport("a", "b", "over the wire", [CaseResult(Case("blob", [request]), [step])])
    data = report_to_json(report)
    json.dumps(data)
    flask_body = data["cases"][0]["steps"][0]["flask"]["body"]
    quart_body = data["cases"][0]["steps"][0]["quart"]["body"]
    assert flask_body["encoding"] == "base64"
    assert base64.b64decode(flask_body["base64"]) == binary
    assert flask_body["size"] == 256 and flask_body["truncated"] is False
    assert quart_body["encoding"] == "utf-8"
    assert quart_body["truncated"] is True
    assert quart_body["size"] == BODY_LIMIT + 100
    assert len(quart_body["text"]) == BODY_LIMIT


def test_json_safe_values() -> None:
    class Odd:
        def __str__(self) -> str:
            return "odd"

    assert json_safe(b"abc") == "abc"
    assert json_safe(b"\xff") == "b'\\xff'"
    assert json_safe((1, (2, 3))) == [1, [2, 3]]
    assert json_safe({3, 1, 2}) == [1, 2, 3]
    assert json_safe(dt.timedelta(days=31)) == "31 days, 0:00:00"
    assert json_safe(float("nan")) == "nan"
    assert json_safe({1: Odd()}) == {"1": "odd"}
    assert json_safe(Category.KNOWN) == "known"


def test_write_json_and_write_report(tmp_path: Path, report: ParityReport) -> None:
    write_json(report, tmp_path / "a.json")
    assert json.loads((tmp_path / "a.json").read_text("utf-8"))["summary"]["total"] == 6
    write_report(report, tmp_path / "b.JSON")
    assert json.loads((tmp_path / "b.JSON").read_text("utf-8"))["summary"]["total"] == 6
    write_report(report, str(tmp_path / "c.htm"))
    assert (tmp_path / "c.htm").read_text("utf-8").startswith("<!DOCTYPE html>")
    write_html(report, tmp_path / "d.html")
    assert 'id="summary"' in (tmp_path / "d.html").read_text("utf-8")
    with pytest.raises(ValueError, match=r"\.json or \.html"):
        write_report(report, tmp_path / "report.txt")


# -- redaction --------------------------------------------------------------------------------------


def test_redaction_rules() -> None:
    token = redaction_token("abc")
    assert re.fullmatch(r"<redacted:[0-9a-f]{8}>", token)
    assert token == redaction_token("abc") != redaction_token("abd")
    assert redact_header("Authorization", "Bearer abc") == f"Bearer {token}"
    assert redact_header("Proxy-Authorization", "xyz") == redaction_token("xyz")
    assert redact_header("Cookie", "a=abc; b=xyz") == f"a={token}; b={redaction_token('xyz')}"
    assert redact_header("X-CSRF-Token", "abc") == token
    assert redact_header("x-api-key", "abc") == token
    assert redact_header("X-Client-Secret", "abc") == token
    assert redact_header("Content-Type", "text/html") == "text/html"
    assert redact_set_cookie("s=abc; Path=/; HttpOnly") == f"s={token}; Path=/; HttpOnly"
    assert redact_header("Set-Cookie", 's="abc"; Max-Age=0') == f"s={token}; Max-Age=0"
    assert redact_target("/cb?token=abc&q=1") == f"/cb?token={token}&q=1"
    assert redact_target("/cb?q=1") == "/cb?q=1"
    assert is_sensitive_name("X-Auth-Token") and not is_sensitive_name("Accept")
    for key in ("SECRET_KEY", "API_KEY", "DB_PASSWORD", "GITHUB_TOKEN", "JWT_SECRET", "KEY"):
        assert is_sensitive_config_key(key), key
    for key in ("SESSION_COOKIE_NAME", "MAX_CONTENT_LENGTH", "KEYWORDS", "JSON_SORT_KEYS"):
        assert not is_sensitive_config_key(key), key
    cookie = redact_difference(Difference("cookie:theme", "dark", None))
    assert (cookie.flask, cookie.quart) == (token_of("dark"), None)
    attribute = redact_difference(Difference("cookie:theme;Max-Age", "3600", "60"))
    assert (attribute.flask, attribute.quart) == ("3600", "60")
    session = redact_difference(Difference("session:$.user", "ada", "bob"))
    assert (session.flask, session.quart) == (token_of("ada"), token_of("bob"))
    flashes = redact_difference(Difference("session:$._flashes[0][1]", "Saved.", None))
    assert flashes.flask == "Saved."  # flashed messages are the page's own text
    header = redact_difference(Difference("header:set-cookie", ["s=abc; Path=/"], "s=xyz"))
    assert header.flask == [f"s={token}; Path=/"] and header.quart == f"s={redaction_token('xyz')}"


def token_of(value: str) -> str:
    return redaction_token(value)


def test_redactor_scrubs_known_secrets_from_free_text(report: ParityReport) -> None:
    redactor = Redactor.for_report(report)
    echoed = f"you sent Bearer {BEARER} and cookie {SESSION_COOKIE}"
    scrubbed = redactor.scrub(echoed)
    assert BEARER not in scrubbed and SESSION_COOKIE not in scrubbed
    assert token_of(BEARER) in scrubbed
    assert redactor.scrub("nothing secret") == "nothing secret"


def _assert_no_secrets(text: str) -> None:
    for secret in SECRETS:
        assert secret not in text, secret
    assert "correct horse" not in text  # the request body is never shown
    assert "query-token-value-99" not in text


def test_secrets_never_appear_in_any_report(report: ParityReport) -> None:
    # an app that echoes the credentials back must not leak them through its body either
    step = report.cases[0].steps[0]
    assert step.flask is not None
    step.flask = _response(200, list(step.flask.headers), f"echo: Bearer {BEARER}".encode())
    outputs = {
        "json": json.dumps(report_to_json(report)),
        "html": render_html(report),
        "terminal": _terminal_text(report, verbose=True),
    }
    for name, text in outputs.items():
        _assert_no_secrets(text)
        assert ("&lt;redacted:" if name == "html" else "<redacted:") in text, name
    data = json.loads(outputs["json"])
    login, profile = data["cases"][1]["steps"]
    # equal values give equal tokens: the same bearer token on both steps, the same csrf cookie
    # set by both apps and sent back; different values give different tokens
    assert dict(login["request"]["headers"])["Authorization"] == f"Bearer {token_of(BEARER)}"
    assert dict(profile["request"]["headers"])["Authorization"] == f"Bearer {token_of(BEARER)}"
    assert dict(profile["request"]["headers"])["Cookie"] == (
        f"session={token_of(SESSION_COOKIE)}; csrf={token_of(CSRF)}"
    )
    flask_cookies = [v for k, v in login["flask"]["headers"] if k == "Set-Cookie"]
    quart_cookies = [v for k, v in login["quart"]["headers"] if k == "set-cookie"]
    assert flask_cookies[1] == quart_cookies[1] == f"csrf={token_of(CSRF)}; Path=/"
    assert flask_cookies[0] != quart_cookies[0]
    assert flask_cookies[0] == f"session={token_of(FLASK_SESSION)}; HttpOnly; Path=/"
    theme = next(d for d in login["differences"] if d["field"] == "cookie:theme")
    assert (theme["flask"], theme["quart"]) == (token_of(THEME_FLASK), token_of(THEME_QUART))
    config = {item["key"]: item for item in data["config"]}
    assert config["SECRET_KEY"]["flask"] == token_of(SECRET_KEY_FLASK)
    assert config["SQLALCHEMY_DATABASE_URI"]["flask"] == (
        f"postgresql://ada:{token_of(DB_PASSWORD)}@db/app"
    )
    assert config["MAX_CONTENT_LENGTH"]["quart"] == 16 * 1024 * 1024
    assert config["PERMANENT_SESSION_LIFETIME"]["flask"] == "31 days, 0:00:00"
    assert data["cases"][3]["steps"][0]["request"]["target"].startswith("/echo?token=<redacted:")


# -- HTML -------------------------------------------------------------------------------------------

_VOID = frozenset({"meta", "br", "img", "hr", "input", "link", "wbr", "col", "source"})


class _Structure(HTMLParser):
    """Checks that tags nest properly and collects the text of the summary table."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag not in _VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"unexpected </{tag}> with open {self.stack[-3:]}")
            return
        self.stack.pop()


def test_html_is_well_formed_and_self_contained(report: ParityReport) -> None:
    page = render_html(report)
    parser = _Structure()
    parser.feed(page)
    parser.close()
    assert parser.errors == []
    assert parser.stack == []
    tags = [tag for tag, _ in parser.tags]
    assert (
        "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    )
    for _, attrs in parser.tags:
        for name in ("src", "href", "action"):
            value = attrs.get(name)
            assert value is None or value.startswith("#"), (name, value)
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "@import" not in page and "url(" not in page
    assert page.count('id="summary"') == 1


def test_html_escapes_bodies(report: ParityReport) -> None:
    page = render_html(report)
    assert "<script" not in page
    assert '<img src="http://evil' not in page
    assert "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;" in page


def test_html_summary_and_verdicts(report: ParityReport) -> None:
    page = render_html(report)
    summary = page[
        page.index('<table id="summary"') : page.index("</table>", page.index('id="summary"'))
    ]
    for name in CASE_NAMES:
        assert f">{name}</a>" in summary
    for verdict in Verdict:
        assert f"verdict verdict-{verdict.value}" in summary
    assert "POST /login (+1 more)" in summary
    assert "1 match" in page and "2 different" in page
    assert "FAILED" in page


def test_html_highlights_differences(report: ParityReport) -> None:
    page = render_html(report)
    # the header that differs, on the side that has it and as an "absent" row on the other side
    assert '<tr class="diff diff-real"><th>X-Frame-Options</th><td>DENY</td></tr>' in page
    assert '<tr class="diff diff-real absent"><th>x-frame-options</th><td>absent</td></tr>' in page
    # noise is marked as such, not as a real difference
    assert '<tr class="diff diff-noise"><th>X-Request-Id</th>' in page
    # a cookie difference highlights that cookie's Set-Cookie row only
    assert re.search(r'<tr class="diff diff-real"><th>Set-Cookie</th><td>theme=&lt;redacted:', page)
    assert re.search(r"<tr><th>Set-Cookie</th><td>csrf=&lt;redacted:", page)
    # the status line, and the differing body lines (pretty-printed JSON)
    assert page.count('class="status diff diff-real"') == 2
    assert re.search(
        r'<div class="l diff diff-real"><span class="no">\d+</span>\s*&quot;title&quot;: &quot;Home&quot;',
        page,
    )
    assert re.search(
        r'<div class="l diff diff-real"><span class="no">\d+</span>\s*&quot;title&quot;: &quot;Start&quot;',
        page,
    )
    assert re.search(
        r'<div class="l"><span class="no">\d+</span>\s*&quot;user&quot;: &quot;ada&quot;', page
    )
    # known differences are highlighted differently and listed in their own section
    assert '<tr class="diff diff-known"><th>Content-Length</th><td>0</td></tr>' in page
    known = page[page.index('<section id="known"') :]
    assert "Quart sends no Content-Length on a 204 answer" in known
    for section in ("noise", "config", "normalisations"):
        assert f'<section id="{section}"' in page
    assert "Header names are compared case-insensitively." in page


# -- terminal ---------------------------------------------------------------------------------------


def test_terminal_names_differing_fields(report: ParityReport) -> None:
    text = _terminal_text(report)
    assert text.startswith("Parity: Flask app:app vs Quart app_quart:app (in-process), 6 cases")
    assert "FAILED" in text
    for name in ("login-then-profile", "echo-xss", "broken-case", "delete-user"):
        assert name in text
    # known differences are summed up per field and reason, with the requests where they were seen
    assert "header:content-length on 1 request (HEAD /ping)" in text
    assert "status: flask 200 | quart 201" in text
    assert "header:x-frame-options: flask 'DENY' | quart None (header missing)" in text
    assert "body:$.links[0].title: flask 'Home' | quart 'Start'" in text
    assert "cookie:theme: flask '<redacted:" in text
    assert "ConnectionRefusedError" in text
    assert "POST over the wire needs --allow-unsafe" in text
    assert (
        "profile: excluded as noise: header:x-request-id (varied between two Flask answers)" in text
    )
    assert "MAX_CONTENT_LENGTH: flask None | quart 16777216 [known]" in text
    assert "  - Date and Server headers are left out of the comparison." in text
    assert "[bold]markup[/bold]" in text  # printed as text, not interpreted as rich markup
    # the matching case and the noise of a case are only listed in verbose mode
    assert "header:x-request-id: flask" not in text
    assert "\n  MATCH  home" not in text
    verbose = _terminal_text(report, verbose=True)
    assert "header:x-request-id: flask 'a1' | quart 'b2' [noise]" in verbose
    assert "MATCH  home" in verbose
    assert "head-ping" in verbose
    assert "header:content-length: flask '0' | quart None [known]" in verbose
    # no line is cut: long values are shortened by the report itself
    assert all(len(line) <= 200 for line in text.splitlines())


def test_terminal_counts_table_and_result(report: ParityReport) -> None:
    text = _terminal_text(report)
    counts = {}
    for line in text.splitlines():
        match = re.fullmatch(r"\s*(match|known|different|error|skipped|total)\s+(\d+)\s*", line)
        if match:
            counts[match[1]] = int(match[2])
    assert counts == {"match": 1, "known": 1, "different": 2, "error": 1, "skipped": 1, "total": 6}
    assert text.rstrip().splitlines()[-1].startswith("Result: FAILED (1 of 6 matched, 2 different")


def test_terminal_passing_report() -> None:
    request = ParityRequest.build("GET", "/")
    answer = _response(200, [], b"ok")
    report = ParityReport(
        "a",
        "b",
        "over the wire",
        [CaseResult(Case("root", [request]), [StepResult(request, answer, answer)])],
    )
    text = _terminal_text(report)
    assert "PASSED" in text
    assert "Differences" not in text
    assert text.rstrip().splitlines()[-1] == "Result: PASSED (1 of 1 matched)"
    assert render_html(report).count("verdict-match") >= 2


def test_short_secrets_are_found_as_words_and_single_letters_only_as_whole_values() -> None:
    from flask2quart.parity.report.scrub import Scrubber

    scrubber = Scrubber.of(["test", "a", "hunter2-long-secret"])
    token, letter, long_token = token_of("test"), token_of("a"), token_of("hunter2-long-secret")
    # four characters: a whole word, not inside others
    assert scrubber.text("logged in as test, testing the tests") == f"logged in as {token}, testing the tests"
    # one character: only a whole value, quoted or after "="; never every "a" of the page
    assert scrubber.text("a link, a list") == "a link, a list"
    assert scrubber.text('{"pin": "a", "name": "anna"}') == f'{{"pin": "{letter}", "name": "anna"}}'
    assert scrubber.text("pin=a&x=abc") == f"pin={letter}&x=abc"
    assert scrubber.text("a") == letter
    # long: anywhere, and as the app may have escaped or encoded it
    assert scrubber.text("xhunter2-long-secretx") == f"x{long_token}x"
    special = Scrubber.of(["p&ss<w0rd>"])
    assert special.text("you typed p&amp;ss&lt;w0rd&gt;") == f"you typed {token_of('p&ss<w0rd>')}"
    assert special.text("next=p%26ss%3Cw0rd%3E") == f"next={token_of('p&ss<w0rd>')}"
    # a token already in the text is left alone
    assert scrubber.text(f"{token} and test") == f"{token} and {token}"


def _many_differences() -> ParityReport:
    """50 failing cases, 100 real differences, two causes: a status and a price in each item."""
    cases = []
    for number in range(50):
        request = ParityRequest.build("GET", f"/shop/{number}")
        headers = [("Content-Type", "application/json")]
        if number % 2:
            differences = [Difference("status", 200, 500), Difference("body:$.error", None, "boom")]
            endpoint = f"admin.page_{number}"
        else:
            differences = [Difference(f"body:$.items[{index}].price", 1.0, 1) for index in range(2)]
            endpoint = "shop.list_items"
        step = StepResult(
            request, _response(200, headers, b"{}"), _response(200, headers, b"{}"), differences=differences,
            endpoint=endpoint,
        )
        cases.append(CaseResult(Case(f"case {number}", [request], endpoint=endpoint), [step]))
    return ParityReport("flask", "quart", "in-process", cases)


def test_terminal_groups_real_differences_by_cause() -> None:
    report = _many_differences()
    text = _terminal_text(report)
    section = text.split("Real differences by cause", 1)[1].split("Result:", 1)[0]
    lines = [line.strip() for line in section.strip().splitlines() if line.strip()]
    assert lines[0].split()[:5] == ["body:$.items[*].price", "50", "differences", "on", "1"]
    assert lines[0].endswith("endpoint (shop.list_items)")
    assert lines[1].startswith("body:$.error") and "25 differences on 25 endpoints" in lines[1]
    assert lines[1].endswith("(admin.page_1, admin.page_3, admin.page_5, +22 more)")
    assert lines[2].startswith("status") and "25 differences on 25 endpoints" in lines[2]
    assert len(lines) == 3
    # the case by case listing stops after ten, and says where the rest is
    assert "case 9 " in text and "case 10 " not in text
    assert "... and 40 more failing cases (--verbose or --report FILE.html lists every one)" in text
    assert len(text.splitlines()) < 80
    verbose = _terminal_text(report, verbose=True)
    assert "case 49 " in verbose and "more failing cases" not in verbose
