"""Secrets planted in every place a parity run handles them, then looked for in every output a
user can get: the terminal summary (plain and --verbose), the JSON and HTML reports of the command,
and the assertion messages and --parity-report files of the pytest plugin.

The apps write back everything they receive (a page that repeats the password, HTML-escaped; a
debug view that dumps its request headers; an answer that repeats the query and the session), and
the port words each answer a little differently, so every secret is also inside the values of a
real difference."""

from __future__ import annotations

import base64
import html
import json
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]

#: a form field called password (special characters: the page shows it HTML-escaped)
PASSWORD = "hun&ter<2>"
#: Basic credentials: user "ada" (no secret: it is shown) and a short password
BASIC_PASSWORD = "Pa5s"
#: query parameters with secret names, one long and one only three characters
QUERY_TOKEN = "qtok-5f4e3d2c1b"
API_KEY = "k9x"
#: a header with an ordinary name that the user says is secret (--secret-header / ini)
INTERNAL = "internal-auth-7a6b5c"
#: what the app keeps in its session: strings, one of them short
SESSION_LONG = "sess-payload-9d8c7b6a"
SESSION_SHORT = "zq7"
PLANTED = (PASSWORD, BASIC_PASSWORD, QUERY_TOKEN, API_KEY, INTERNAL, SESSION_LONG, SESSION_SHORT)
BASIC = "Basic " + base64.b64encode(f"ada:{BASIC_PASSWORD}".encode()).decode()

APPS = '''
from flask import Flask, jsonify, request, session
from markupsafe import escape
from quart import Quart, jsonify as q_jsonify, request as q_request, session as q_session

flask_app = Flask("vault")
quart_app = Quart("vault")
flask_app.secret_key = "vault-flask-key"
quart_app.secret_key = "vault-quart-key"


@flask_app.post("/login")
def login():
    session["note"] = "SESSION_LONG"
    session["pin"] = "SESSION_SHORT"
    password = request.form["password"]
    return f"<p>Welcome {escape(request.form['username'])}</p>\\n<p>you typed {escape(password)}</p>\\n"


@quart_app.post("/login")
async def q_login():
    form = await q_request.form
    q_session["note"] = "SESSION_LONG"
    q_session["pin"] = "SESSION_SHORT"
    return f"<p>Welcome {escape(form['username'])}</p>\\n<p>You typed: {escape(form['password'])}</p>\\n"


@flask_app.get("/debug")
def debug():
    headers = {name: value for name, value in request.headers.items() if name != "Remote-Addr"}
    return jsonify(headers=headers, args=request.args, session=dict(session), where="flask")


@quart_app.get("/debug")
async def q_debug():
    headers = {name: value for name, value in q_request.headers.items() if name != "Remote-Addr"}
    return q_jsonify(headers=headers, args=q_request.args, session=dict(q_session), where="quart")


@flask_app.get("/who")
def who():
    auth = request.authorization
    return f"user {auth.username} password {auth.password} key {request.args.get('api_key')}\\n"


@quart_app.get("/who")
async def q_who():
    auth = q_request.authorization
    return f"user {auth.username} with password {auth.password} key {q_request.args.get('api_key')}\\n"
'''.replace("SESSION_LONG", SESSION_LONG).replace("SESSION_SHORT", SESSION_SHORT)

CASES = f"""
cases:
  - name: log in and look around
    steps:
      - {{method: POST, path: /login, form: {{username: ada, password: "{PASSWORD}"}}}}
      - path: /debug
        query: {{token: {QUERY_TOKEN}, api_key: {API_KEY}, q: plain}}
        headers: {{X-Internal-Auth: {INTERNAL}, Authorization: "{BASIC}"}}
      - path: /who
        query: {{api_key: {API_KEY}}}
        headers: {{Authorization: "{BASIC}"}}
"""


def spellings(secret: str) -> set[str]:
    return {secret, html.escape(secret), json.dumps(secret)[1:-1], html.escape(html.escape(secret))}


def assert_no_secret(text: str, where: str, readable: tuple[str, ...] = ("user ada",)) -> None:
    for secret in PLANTED:
        for spelling in spellings(secret):
            # a short secret counts where it stands as a word of its own ("k9x", not "k9xy")
            pattern = re.escape(spelling) if len(secret) >= 8 else rf"(?<![A-Za-z0-9_]){re.escape(spelling)}(?![A-Za-z0-9_])"
            found = re.search(pattern, text)
            assert found is None, f"{secret!r} in {where}: ...{text[max(found.start() - 80, 0):found.end() + 80]}..."
    assert BASIC.split()[1] not in text, where
    # and the report is still readable: the user name and the ordinary words are there
    for words in readable:
        assert words in text, (words, where)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "vaultapps.py").write_text(textwrap.dedent(APPS), encoding="utf-8")
    (tmp_path / "cases.yaml").write_text(CASES, encoding="utf-8")
    return tmp_path


def parity(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask2quart", "parity", "--flask", "vaultapps:flask_app",
         "--quart", "vaultapps:quart_app", "--cases", "cases.yaml", *args],
        cwd=cwd, capture_output=True, text=True, timeout=120, check=False,
    )


def test_no_planted_secret_reaches_the_terminal_or_the_report_files(project: Path) -> None:
    verbose = parity(project, "--secret-header", "X-Internal-Auth", "--report", "r.json", "--report", "r.html", "-v")
    assert verbose.returncode == 1, verbose.stderr  # the port words its answers differently
    plain = parity(project, "--secret-header", "x-internal-auth")
    assert plain.returncode == 1
    outputs = {
        "terminal (verbose)": verbose.stdout + verbose.stderr,
        "terminal": plain.stdout + plain.stderr,
        "JSON report": (project / "r.json").read_text(encoding="utf-8"),
        "HTML report": (project / "r.html").read_text(encoding="utf-8"),
    }
    for where, text in outputs.items():
        assert_no_secret(text, where, ("user ada", "Welcome ada") if "report" in where else ("user ada",))
        assert "redacted:" in text, where
    # the secrets were really in the answers, and the differences are still there to read
    data = json.loads(outputs["JSON report"])
    fields = {d["field"] for step in data["cases"][0]["steps"] for d in step["differences"]}
    assert {"body:line 2", "body:$.where", "body:line 1"} <= fields
    # equal values, equal tokens: the echoed header and the sent one read the same
    debug = data["cases"][0]["steps"][1]
    sent = dict(debug["request"]["headers"])["X-Internal-Auth"]
    echoed = json.loads(debug["flask"]["body"]["text"])["headers"]["X-Internal-Auth"]
    assert sent == echoed and sent.startswith("<redacted:")


def test_without_the_secret_header_option_its_value_shows(project: Path) -> None:
    # the control: what --secret-header hides is really in the outputs without it
    parity(project, "--report", "control.json")
    assert INTERNAL in (project / "control.json").read_text(encoding="utf-8")


PLUGIN_TESTS = f"""
from flask2quart.parity import assert_parity


def test_flow(parity):
    parity.post("/login", form={{"username": "ada", "password": {PASSWORD!r}}})
    assert_parity(parity.get("/who", query={{"api_key": {API_KEY!r}}}, headers={{"Authorization": {BASIC!r}}}))


def test_debug(parity):
    parity.post("/login", form={{"username": "ada", "password": {PASSWORD!r}}})
    assert_parity(parity.get(
        "/debug",
        query={{"token": {QUERY_TOKEN!r}, "api_key": {API_KEY!r}}},
        headers={{"X-Internal-Auth": {INTERNAL!r}, "Authorization": {BASIC!r}}},
    ))


def test_login_page(parity):
    assert_parity(parity.post("/login", form={{"username": "ada", "password": {PASSWORD!r}}}))
"""


def test_no_planted_secret_reaches_assertion_messages_or_plugin_reports(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(vaultapps=textwrap.dedent(APPS), test_vault=PLUGIN_TESTS)
    pytester.makefile(
        ".ini",
        pytest=(
            "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
            "parity_flask = vaultapps:flask_app\nparity_quart = vaultapps:quart_app\n"
            "parity_secret_headers =\n    X-Internal-Auth\n"
        ),
    )
    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "--parity-report", "p.json")
    result.assert_outcomes(failed=3)
    output = result.stdout.str() + result.stderr.str()
    # the assertion messages name the differences, with the values redacted
    assert "Flask and Quart answer" in output and "body:line" in output
    # pytest's own traceback shows the test's source lines, which hold the secrets as literals:
    # only the assertion messages (the E lines) are the plugin's to keep clean
    messages = "\n".join(line for line in output.splitlines() if line.startswith("E "))
    assert_no_secret(messages, "assertion messages", ("user ada", "you typed"))
    pytester.runpytest_subprocess("-p", "no:cacheprovider", "--parity-report", "p.html")
    for name in ("p.json", "p.html"):
        assert_no_secret((pytester.path / name).read_text(encoding="utf-8"), name, ("user ada", "Welcome ada"))


def test_secret_headers_from_the_project_configuration(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        '[tool.flask2quart.parity]\nsecret-headers = ["X-Internal-Auth"]\n', encoding="utf-8"
    )
    parity(project, "--report", "configured.json")
    assert INTERNAL not in (project / "configured.json").read_text(encoding="utf-8")
    (project / "pyproject.toml").write_text('[tool.flask2quart.parity]\nsecret-headers = "X-Internal-Auth"\n', encoding="utf-8")
    wrong = parity(project)
    assert wrong.returncode == 2
    assert wrong.stderr.strip().endswith("[tool.flask2quart.parity] secret-headers must be a list of strings")
