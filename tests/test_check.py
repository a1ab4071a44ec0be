"""``flask2quart check``: the figures on the bundled example, the command line, and Flask-SQLAlchemy.

The library is tested piece by piece in tests/readiness/; here the real command runs on real trees.
"""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from flask2quart.readiness import CheckOptions, ReadinessReport, RouteStatus, check

ROOT = Path(__file__).resolve().parent.parent
LEGACY = ROOT / "examples" / "flask_legacy"
SQLALCHEMY_APP = ROOT / "tests" / "fixtures" / "sqlalchemy_app"


@pytest.fixture(scope="module")
def legacy() -> ReadinessReport:
    return check([LEGACY], CheckOptions(relative_to=LEGACY))


# --- examples/flask_legacy ------------------------------------------------------------------------
#
# linkbox has 19 routes: /ping (a view inside create_app), 3 in auth.py, 9 in links.py, and in api.py
# list_links, create_link, quote and the LinkAPI MethodView (get, put, delete: one route each, one
# endpoint). `app.add_url_rule("/", endpoint="index")` names a rule but registers no view.
#
# One place outside the routes needs a human: `create_app` reads the app's own
# FLASK_LINKBOX_SETTINGS, which the port reads as QUART_LINKBOX_SETTINGS first (F2Q113, a warning:
# rename it where the app is deployed). `quote` calls `requests.get`; F2Q117 runs it in a worker thread (`await
# run_sync(requests.get)(...)`), so it is neither manual work nor a blocking call.
#
# Blocking calls left on the loop: every query through the sqlite3 connection `get_db()` returns
# (also from the helpers get_tags, set_tags, query_links and get_link, and the connect in get_db
# itself), and werkzeug's password hashing (cpu) in register and login. Seven routes touch neither.

LEGACY_ROUTES = [
    # (route, endpoint, status, kinds of blocking calls)
    ("GET /ping", "ping", "ready", []),
    ("GET /api/links", "api.list_links", "blocking", ["database"]),  # query_links, get_tags
    ("POST /api/links", "api.create_link", "blocking", ["database"]),
    ("GET /api/links/<int:link_id>", "api.link", "blocking", ["database"]),  # get_link
    ("PUT /api/links/<int:link_id>", "api.link", "blocking", ["database"]),
    ("DELETE /api/links/<int:link_id>", "api.link", "blocking", ["database"]),
    ("GET /api/quote", "api.quote", "ready", []),  # requests.get moved to a thread by F2Q117
    ("GET,POST /auth/register", "auth.register", "blocking", ["cpu", "database"]),  # generate_password_hash
    ("GET,POST /auth/login", "auth.login", "blocking", ["cpu", "database"]),  # check_password_hash
    ("GET /auth/logout", "auth.logout", "ready", []),
    ("GET /", "links.index", "blocking", ["database"]),
    ("GET /theme/<name>", "links.set_theme", "ready", []),
    ("GET,POST /create", "links.create", "blocking", ["database"]),
    ("GET,POST /<int:id>/edit", "links.edit", "blocking", ["database"]),
    ("POST /<int:id>/delete", "links.delete", "blocking", ["database"]),
    ("GET /export.csv", "links.export_csv", "blocking", ["database"]),  # in the streamed generator
    ("GET,POST /uploads", "links.uploads", "ready", []),
    ("GET /uploads/<name>", "links.uploaded_file", "ready", []),
    ("GET /uploads/<name>/download", "links.download", "ready", []),
]


def test_flask_legacy_routes_and_their_status(legacy):
    assert [(r.route.label, r.route.endpoint, str(r.status), r.blocking_kinds) for r in legacy.routes] == LEGACY_ROUTES


def test_flask_legacy_figures(legacy):
    assert legacy.total == 19
    assert [r.route.endpoint for r in legacy.routes if r.status is RouteStatus.MANUAL] == []
    assert legacy.figure() == "19/19 routes (100%)"
    assert legacy.readiness == 100.0
    assert legacy.second_figure() == "7/19 (36%)"
    assert [(f.path, f.line, f.code) for f in legacy.manual_findings] == [("linkbox/__init__.py", 31, "F2Q113")]
    assert not legacy.passed and legacy.manual_outside_routes == legacy.manual_findings


def test_flask_legacy_blocking_calls_where_a_route_gets_them(legacy):
    item = next(r for r in legacy.routes if r.route.endpoint == "links.delete")
    assert sorted((c.path, c.line, c.api) for c in item.blocking) == [
        ("linkbox/db.py", 22, "sqlite3.connect"),  # get_db, reached through get_link
        ("linkbox/links.py", 117, "sqlite3 connection.execute"),  # get_link's query
        ("linkbox/links.py", 229, "sqlite3 connection.execute"),
        ("linkbox/links.py", 230, "sqlite3 connection.execute"),
        ("linkbox/links.py", 231, "sqlite3 connection.commit"),
    ]
    # the before_app_request hook queries the user on every request: listed, in no route
    hook = [c for c in legacy.blocking_calls if c.role == "hook"]
    assert [(c.path, c.line, c.where) for c in hook] == [("linkbox/auth.py", 51, "load_logged_in_user (hook)")]


# --- examples/flask_extensions (teamboard: Flask-Login, Flask-WTF, Flask-CORS, Flask-Limiter) -----
#
# 16 routes: /health (in create_app), 8 in api.py, 3 in auth.py, 4 in board.py. The four extensions
# port automatically (F2Q301-F2Q304); one route needs a human: /api/status carries `@cross_origin`,
# which becomes quart-cors' `@route_cors`, and quart-cors 0.8.0 answers preflight requests of such a
# route with a 500 on Quart 0.23 (a warning, F2Q301). Outside routes, the factory's
# `from_prefixed_env()` reads CORS_*/RATELIMIT_* keys that were renamed: their environment variables
# change name too (two warnings, F2Q301/F2Q304). Blocking calls: the sqlite queries of the models;
# register hashes a password (cpu; login's check_password is on a user object the analysis does not
# follow, so it is not listed: blocking calls are a floor). The logout views and /api/me run no query
# of their own.

TEAMBOARD = ROOT / "examples" / "flask_extensions"
TEAMBOARD_ROUTES = [
    ("GET /health", "health", "blocking", ["database"]),
    ("GET /api/status", "api.status", "manual", []),
    ("POST /api/login", "api.login", "blocking", ["database"]),
    ("POST /api/logout", "api.logout", "ready", []),
    ("GET /api/me", "api.me", "ready", []),
    ("GET /api/notes", "api.list_notes", "blocking", ["database"]),
    ("POST /api/notes", "api.create_note", "blocking", ["database"]),
    ("GET /api/notes/<int:note_id>", "api.get_note", "blocking", ["database"]),
    ("DELETE /api/notes/<int:note_id>", "api.delete_note", "blocking", ["database"]),
    ("GET,POST /auth/register", "auth.register", "blocking", ["cpu", "database"]),
    ("GET,POST /auth/login", "auth.login", "blocking", ["database"]),
    ("GET /auth/logout", "auth.logout", "ready", []),
    ("GET /", "board.index", "blocking", ["database"]),
    ("GET,POST /notes/new", "board.create", "blocking", ["database"]),
    ("GET,POST /notes/<int:note_id>/edit", "board.edit", "blocking", ["database"]),
    ("POST /notes/<int:note_id>/delete", "board.delete", "blocking", ["database"]),
]


def test_teamboard_routes_figures_and_what_needs_a_human():
    report = check([TEAMBOARD], CheckOptions(relative_to=TEAMBOARD))
    assert [(r.route.label, r.route.endpoint, str(r.status), r.blocking_kinds) for r in report.routes] == TEAMBOARD_ROUTES
    assert report.figure() == "15/16 routes (93%)"
    assert report.second_figure() == "3/16 (18%)"
    assert not report.passed  # something needs a human: exit 1 at the default --fail-under 100
    assert sorted((f.path, f.line, f.code) for f in report.manual_findings) == [
        ("teamboard/__init__.py", 35, "F2Q301"),  # from_prefixed_env: TEAMBOARD_CORS_ORIGINS renamed
        ("teamboard/__init__.py", 35, "F2Q304"),  # ... and TEAMBOARD_RATELIMIT_ENABLED
        ("teamboard/api.py", 75, "F2Q301"),  # @route_cors preflight on Quart 0.23
    ]
    status = next(r for r in report.routes if r.route.endpoint == "api.status")
    assert status.codes == ["F2Q301"]
    # the extensions themselves need no human: no F2Q302/F2Q303 finding above INFO anywhere
    assert not [f for f in report.findings if f.code in ("F2Q302", "F2Q303") and f.severity != "info"]


# --- Flask-SQLAlchemy -----------------------------------------------------------------------------
#
# Flask-SQLAlchemy runs under Quart as it is, through the generated flask_bridge module (rule F2Q327,
# flask2quart/migrate/rules/f2q327_flask_bridge.py): models and queries are no manual work (F2Q321
# only says so at the import), but every query stays synchronous, so the routes that query are
# listed as blocking (database).

SQLALCHEMY_QUERIES = [
    ("blog/views.py", 12),  # User.query.filter_by(...).first_or_404()
    ("blog/views.py", 20),  # db.session.commit()
    ("blog/views.py", 26),  # db.get_or_404(Post, post_id)
    ("blog/views.py", 32),  # db.paginate(db.select(Post)...)
]


def test_flask_sqlalchemy_app_runs_through_the_bridge_with_its_queries_listed_as_blocking():
    report = check([SQLALCHEMY_APP], CheckOptions(relative_to=SQLALCHEMY_APP))
    ours = {(f.path, f.line, f.code, f.severity.value) for f in report.findings if f.code in ("F2Q321", "F2Q327")}
    assert ours == {("blog/flask_bridge.py", 1, "F2Q327", "info"), ("blog/models.py", 3, "F2Q321", "info")}
    blocking = {(call.path, call.line) for route in report.routes for call in route.blocking}
    assert blocking == set(SQLALCHEMY_QUERIES)
    statuses = {r.route.endpoint: (str(r.status), r.codes, sorted(r.blocking_kinds)) for r in report.routes}
    assert statuses == {
        "blog.user_detail": ("blocking", [], ["database"]),
        "blog.create_user": ("blocking", [], ["database"]),
        "blog.post_detail": ("blocking", [], ["database"]),
        "blog.list_posts": ("blocking", [], ["database"]),
        "blog.health": ("ready", [], []),  # touches no database
    }
    assert report.figure() == "5/5 routes (100%)"


# --- the command line -----------------------------------------------------------------------------


def run_cli(*args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "flask2quart", "check", *args],
        cwd=cwd, capture_output=True, text=True, timeout=300, check=False,
    )


def tree_hash(root: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*")):
        digest.update(str(path.relative_to(root)).encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def test_check_changes_nothing_in_any_format_on_the_example():
    before = tree_hash(LEGACY)
    table = run_cli("examples/flask_legacy")
    as_json = run_cli("examples/flask_legacy", "--format", "json")
    markdown = run_cli("examples/flask_legacy", "--format", "markdown")
    assert tree_hash(LEGACY) == before
    # every route is ready; the F2Q113 warning in create_app fails the default --fail-under 100
    assert (table.returncode, as_json.returncode, markdown.returncode) == (1, 1, 1), table.stderr
    assert "Readiness: 19/19 routes (100%) port with no manual work" in table.stdout
    assert json.loads(as_json.stdout)["summary"]["readiness"] == 100.0
    assert markdown.stdout.startswith("## flask2quart check: 19/19 routes (100%) port with no manual work\n")


MANUAL_APP = """\
    from flask import Flask, request

    app = Flask(__name__)


    @app.route("/who")
    def who():
        return request.environ["werkzeug.request"]


    @app.route("/")
    def index():
        return "hello"
"""


def _project(tmp_path: Path, files: dict[str, str]) -> Path:
    root = tmp_path / "project"
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def test_exit_1_below_fail_under_and_0_at_or_above(tmp_path):
    root = _project(tmp_path, {"app.py": MANUAL_APP})
    failed = run_cli(str(root))
    assert failed.returncode == 1
    assert "1/2 routes (50%)" in failed.stdout and "manual: F2Q102" in failed.stdout
    assert run_cli(str(root), "--fail-under", "50").returncode == 0
    assert run_cli(str(root), "--fail-under", "60").returncode == 1


def test_config_sets_the_threshold_and_the_format(tmp_path):
    root = _project(
        tmp_path,
        {"app.py": MANUAL_APP, "pyproject.toml": '[tool.flask2quart.check]\nfail-under = 50\nformat = "json"\n'},
    )
    result = run_cli(str(root))
    assert result.returncode == 0
    assert json.loads(result.stdout)["summary"]["fail_under"] == 50.0
    assert run_cli(str(root), "--fail-under", "100", "--format", "markdown").returncode == 1


def test_output_writes_the_report_and_prints_the_summary_line(tmp_path):
    root = _project(tmp_path, {"app.py": MANUAL_APP})
    out = tmp_path / "readiness.md"
    result = run_cli(str(root), "--format", "markdown", "--output", str(out))
    assert result.returncode == 1
    assert out.read_text().startswith("## flask2quart check: 1/2 routes (50%) port with no manual work")
    assert result.stdout.splitlines() == [
        "Readiness: 1/2 routes (50%) port with no manual work; 1/2 (50%) also without blocking calls: "
        "failed (--fail-under 100)"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["does/not/exist"], "flask2quart: error: does/not/exist: no such file or directory"),
        (["examples/flask_legacy", "--fail-under", "101"], "flask2quart: error: --fail-under must be between 0 and 100, not 101"),
        (["examples/flask_legacy", "--select", "NOPE"], "flask2quart: error: unknown rule code or prefix: NOPE"),
    ],
)
def test_bad_input_exits_2_with_one_line(args, message):
    result = run_cli(*args)
    assert result.returncode == 2
    assert result.stderr.splitlines() == [message]
    assert result.stdout == ""


def test_bad_config_exits_2_with_one_line(tmp_path):
    root = _project(tmp_path, {"app.py": MANUAL_APP, "pyproject.toml": "[tool.flask2quart.check]\nfail-under = 120\n"})
    result = run_cli(str(root))
    assert result.returncode == 2
    assert len(result.stderr.splitlines()) == 1 and "fail-under must be a number from 0 to 100" in result.stderr


def test_a_file_that_cannot_be_parsed_exits_2_and_is_named(tmp_path):
    root = _project(tmp_path, {"app.py": MANUAL_APP, "broken.py": "from flask import Flask\ndef (:\n"})
    result = run_cli(str(root), "--fail-under", "0")
    assert result.returncode == 2
    assert "error: broken.py: cannot parse" in result.stdout.replace(str(root) + "/", "")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({}, "no Python file"),
        ({"README.md": "# notes\n"}, "no Python file"),
        ({"tools/build.py": "import os\nprint(os.getcwd())\n"}, "no Flask app (1 Python file, none uses Flask)"),
    ],
)
def test_a_folder_without_a_flask_app_says_so_and_exits_2(tmp_path, files, message):
    # "0/0 routes (100%) passed" would let a CI check pointed at the wrong folder pass for ever
    root = _project(tmp_path, files)
    root.mkdir(parents=True, exist_ok=True)
    for output_format in ("table", "json", "markdown"):
        result = run_cli(str(root), "--format", output_format)
        assert result.returncode == 2, result.stdout
        assert result.stderr.splitlines() == [f"flask2quart: error: nothing to check in {root}: {message}"]
        assert result.stdout == ""
