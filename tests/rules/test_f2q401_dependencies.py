import tomllib
from pathlib import Path

import pytest

from flask2quart.findings import Finding, Severity
from flask2quart.migrate import Mode, RewriteOptions, rewrite, select_codes
from flask2quart.migrate.rules import ProjectDependencies
from flask2quart.migrate.rules.f2q401_dependencies import (
    EXTENSIONS,
    NO_MECHANICAL_PORT,
    quart_requirement,
)
from tests.helpers import FLASK_APP, run_rewrite

QUART = "quart>=0.22,!=0.23.0"


def _plan_with_findings(
    root: Path, files: dict[str, str], *, async_tests: bool = True, **options: bool
) -> tuple[dict[str, str], list[Finding]]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_bytes(text.encode())
    edits, pinned, findings = ProjectDependencies.plan(
        root, async_tests=async_tests, current={}, **options
    )
    assert not pinned
    return {str(edit.path.relative_to(root)): edit.after.decode() for edit in edits}, findings


def _plan(
    root: Path, files: dict[str, str], *, async_tests: bool = True, **options: bool
) -> dict[str, str]:
    return _plan_with_findings(root, files, async_tests=async_tests, **options)[0]


def test_requirements_keep_markers_comments_and_other_lines(tmp_path: Path) -> None:
    edits = _plan(
        tmp_path,
        {
            "requirements.txt": "# web\nFlask[async]==3.0.3 ; python_version >= '3.9'  # the app\nrequests\n",
            "requirements/dev.txt": "-r ../requirements.txt\npytest>=8\n",
        },
    )
    assert edits == {
        "requirements.txt": f"# web\n{QUART} ; python_version >= '3.9'  # the app\nrequests\n",
        "requirements/dev.txt": "-r ../requirements.txt\npytest>=8\npytest-asyncio>=0.24\n",
    }


def test_pyproject_lists_inline_and_multiline_crlf(tmp_path: Path) -> None:
    pyproject = (
        '[project]\r\nname = "x"\r\nrequires-python = ">=3.13"\r\ndependencies = [\r\n    "Flask>=3",  # web\r\n'
        '    "flask-cors",\r\n]\r\n\r\n[project.optional-dependencies]\r\ntest = ["pytest", "coverage"]\r\n'
        '\r\n[tool.other]\r\nx = ["flask"]\r\n'
    )
    edits = _plan(tmp_path, {"pyproject.toml": pyproject})
    assert edits["pyproject.toml"] == pyproject.replace('"Flask>=3"', '"quart>=0.23.1"').replace(
        '"flask-cors"', '"quart-cors>=0.8"'
    ).replace('["pytest", "coverage"]', '["pytest", "pytest-asyncio>=0.24", "coverage"]')


def test_poetry_tables(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry.dependencies]\npython = "^3.11"\nFlask = "^3.0"\n'
        'Flask-Login = { version = "^0.6", optional = true }\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'
    )
    edits = _plan(tmp_path, {"pyproject.toml": pyproject})
    assert edits["pyproject.toml"] == (
        '[tool.poetry.dependencies]\npython = "^3.11"\nquart = ">=0.22,!=0.23.0"\n'
        'quart-auth = { version = ">=0.11", optional = true }\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\npytest-asyncio = ">=0.24"\n'
    )


def test_noop_without_flask_or_when_already_ported(tmp_path: Path) -> None:
    assert _plan(tmp_path, {"requirements.txt": "django\nflasky\nquart-cors\n"}) == {}
    assert (
        _plan(
            tmp_path, {"requirements.txt": f"{QUART}\npytest\npytest-asyncio\nquart-auth>=0.11\n"}
        )
        == {}
    )


def test_pytest_asyncio_only_when_tests_became_async(tmp_path: Path) -> None:
    edits = _plan(tmp_path, {"requirements.txt": "flask\npytest\n"}, async_tests=False)
    assert edits == {"requirements.txt": f"{QUART}\npytest\n"}


def test_hash_pinned_requirements_are_reported_not_edited(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask==3.0.3 \\\n    --hash=sha256:abc\n")
    edits, pinned, _ = ProjectDependencies.plan(tmp_path, async_tests=False, current={})
    assert edits == [] and pinned == [tmp_path / "requirements.txt"]
    # an extension to replace is as much an edit as Flask itself
    (tmp_path / "requirements.txt").write_text("flask-login==0.6.3 \\\n    --hash=sha256:abc\n")
    assert ProjectDependencies.plan(tmp_path, async_tests=False, current={})[1] == [
        tmp_path / "requirements.txt"
    ]
    # only reported, never edited: no pinning complaint for a requirement that stays
    (tmp_path / "requirements.txt").write_text("flask-sqlalchemy==3.1 \\\n    --hash=sha256:abc\n")
    assert ProjectDependencies.plan(tmp_path, async_tests=False, current={})[1] == []


def test_bound_follows_requires_python() -> None:
    assert quart_requirement(None) == QUART
    assert quart_requirement(">=3.10") == QUART
    assert quart_requirement(">=3.13,<4") == "quart>=0.23.1"


def test_rewrite_edits_pyproject_once_for_both_project_rules_and_a_second_run_is_a_noop() -> None:
    pyproject = (
        '[project]\nname = "x"\ndependencies = ["flask>=3"]\n\n'
        '[project.optional-dependencies]\ntest = ["pytest"]\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    )
    test = "def test_index(client):\n    assert client.get('/').status_code == 200\n"
    _, _, files = run_rewrite(
        test, path="tests/test_app.py", files={"app.py": FLASK_APP, "pyproject.toml": pyproject}
    )
    assert files["pyproject.toml"] == (
        f'[project]\nname = "x"\ndependencies = ["{QUART}"]\n\n'
        '[project.optional-dependencies]\ntest = ["pytest", "pytest-asyncio>=0.24"]\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
        'asyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
    )


def test_not_selected_means_untouched() -> None:
    _, _, files = run_rewrite(FLASK_APP, files={"requirements.txt": "flask\n"}, select=("F2Q1",))
    assert files["requirements.txt"] == "flask\n"


# --- Flask extensions -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("flask_name", "quart"), [(name, target) for name, target in EXTENSIONS.items() if target]
)
def test_each_extension_with_a_counterpart_becomes_it(
    tmp_path: Path, flask_name: str, quart: str
) -> None:
    edits, findings = _plan_with_findings(
        tmp_path, {"requirements.txt": f"{flask_name}==1.2.3\n"}, async_tests=False
    )
    assert edits == {"requirements.txt": quart + "\n"}
    assert [(f.line, f.severity) for f in findings] == [(1, Severity.INFO)]
    assert quart in findings[0].message


def test_names_are_compared_as_pep_503_normalizes_them(tmp_path: Path) -> None:
    edits = _plan(
        tmp_path,
        {
            "requirements.txt": "Flask_Login==0.6.3  # auth\nFLASK.CORS>=4 ; python_version >= '3.9'\nFlask-WTF\n"
        },
        async_tests=False,
    )
    assert edits == {
        "requirements.txt": "quart-auth>=0.11  # auth\nquart-cors>=0.8 ; python_version >= '3.9'\nquart-wtforms>=1.0.3\n"
    }


def test_flask_wtf_is_never_the_stale_quart_wtf_distribution(tmp_path: Path) -> None:
    edits = _plan(tmp_path, {"requirements.txt": "flask-wtf\n"}, async_tests=False)
    names = [line.split(">")[0] for line in edits["requirements.txt"].splitlines()]
    assert names == ["quart-wtforms"]


def test_extras_the_counterpart_has_are_kept_others_said(tmp_path: Path) -> None:
    edits, findings = _plan_with_findings(
        tmp_path,
        {"requirements.txt": "flask-limiter[redis]>=3.5\nflask-session[filesystem]\n"},
        async_tests=False,
    )
    assert edits == {"requirements.txt": "quart-rate-limiter[redis]>=0.12\nquart-session>=3\n"}
    assert "filesystem" in findings[1].message


def test_flask_sock_is_removed_and_said(tmp_path: Path) -> None:
    edits, findings = _plan_with_findings(
        tmp_path,
        {
            "requirements.txt": "flask\nflask-sock==0.7  # websockets\n",
            "pyproject.toml": '[project]\ndependencies = [\n    "flask",\n    "flask-sock",  # ws\n]\n'
            '[project.optional-dependencies]\nws = ["flask-sock", "simple-websocket"]\n',
        },
        async_tests=False,
    )
    assert edits["requirements.txt"] == f"{QUART}\n"
    assert edits["pyproject.toml"] == (
        f'[project]\ndependencies = [\n    "{QUART}",\n]\n[project.optional-dependencies]\nws = ["simple-websocket"]\n'
    )
    tomllib.loads(edits["pyproject.toml"])
    assert all("websocket" in f.message for f in findings)
    assert [f.severity for f in findings] == [Severity.INFO] * 3


@pytest.mark.parametrize("name", ["flask-restful", "Flask-RESTX"])
def test_restful_apis_generated_for_quart_drop_their_requirement(tmp_path: Path, name: str) -> None:
    edits, findings = _plan_with_findings(
        tmp_path, {"requirements.txt": f"flask\n{name}>=0.3\n"}, async_tests=False
    )
    assert edits == {"requirements.txt": f"{QUART}\n"}
    assert [(f.line, f.severity) for f in findings] == [(2, Severity.INFO)]
    assert "restful.py, F2Q340" in findings[0].message


@pytest.mark.parametrize("name", sorted(NO_MECHANICAL_PORT))
def test_extensions_with_no_mechanical_port_stay_and_are_reported(
    tmp_path: Path, name: str
) -> None:
    edits, findings = _plan_with_findings(
        tmp_path, {"requirements.txt": f"flask\n{name}>=1\n"}, async_tests=False
    )
    assert edits == {"requirements.txt": f"{QUART}\n{name}>=1\n"}
    assert [(f.line, f.severity) for f in findings] == [(2, Severity.WARNING)]
    assert NO_MECHANICAL_PORT[name].split(" ")[0] in findings[0].message


def test_a_counterpart_already_listed_removes_the_flask_line(tmp_path: Path) -> None:
    edits = _plan(
        tmp_path,
        {"requirements.txt": "flask-cors\nquart-cors>=0.8\nflask\nquart\n"},
        async_tests=False,
    )
    assert edits == {"requirements.txt": "quart-cors>=0.8\nquart\n"}


# --- the server and the HTTP client ---------------------------------------------------------------


def test_gunicorn_becomes_hypercorn_only_when_the_launch_commands_moved(tmp_path: Path) -> None:
    files = {"requirements.txt": "flask\ngunicorn==22.0  # server\n"}
    assert _plan(tmp_path, files, async_tests=False) == {
        "requirements.txt": f"{QUART}\ngunicorn==22.0  # server\n"
    }
    assert _plan(tmp_path, files, async_tests=False, server_moved=True) == {
        "requirements.txt": f"{QUART}\nhypercorn>=0.17  # server\n"
    }
    # a command still starts gunicorn (a Django service next to the app): both stay
    assert _plan(tmp_path, files, async_tests=False, server_moved=True, gunicorn_left=True) == {
        "requirements.txt": f"{QUART}\ngunicorn==22.0  # server\nhypercorn>=0.17\n"
    }


def test_aiohttp_goes_next_to_quart_once(tmp_path: Path) -> None:
    assert _plan(
        tmp_path, {"requirements.txt": "flask\nrequests\n"}, async_tests=False, add_aiohttp=True
    ) == {"requirements.txt": f"{QUART}\naiohttp>=3.9\nrequests\n"}
    # already ported by an earlier run without aiohttp: it goes next to quart
    assert _plan(
        tmp_path, {"requirements.txt": f"{QUART}\n"}, async_tests=False, add_aiohttp=True
    ) == {"requirements.txt": f"{QUART}\naiohttp>=3.9\n"}
    assert (
        _plan(
            tmp_path,
            {"requirements.txt": f"{QUART}\naiohttp\n"},
            async_tests=False,
            add_aiohttp=True,
        )
        == {}
    )
    edits = _plan(
        tmp_path,
        {"pyproject.toml": '[project]\ndependencies = ["flask"]\n'},
        async_tests=False,
        add_aiohttp=True,
    )
    assert edits == {"pyproject.toml": f'[project]\ndependencies = ["{QUART}", "aiohttp>=3.9"]\n'}
    # one requirement a line: aiohttp gets a line of its own; a string elsewhere that says
    # "aiohttp" (the tool's own setting) is not a dependency
    pyproject = (
        '[project]\ndependencies = [\n    "flask>=3.0",  # web\n    "requests",\n]\n\n'
        '[tool.flask2quart]\nhttp-client = "aiohttp"\n'
    )
    edits = _plan(tmp_path, {"pyproject.toml": pyproject}, async_tests=False, add_aiohttp=True)
    assert edits == {
        "pyproject.toml": pyproject.replace(
            '    "flask>=3.0",  # web\n', f'    "{QUART}",  # web\n    "aiohttp>=3.9",\n'
        )
    }


REQUESTS_APP = """\
import requests
from flask import Flask

app = Flask(__name__)


@app.route("/")
def index():
    return requests.get("https://example.com", timeout=2).text
"""


@pytest.mark.parametrize(
    ("http_client", "expected"),
    [("aiohttp", f"{QUART}\naiohttp>=3.9\n"), ("run-sync", f"{QUART}\n")],
)
def test_rewrite_adds_aiohttp_for_the_aiohttp_http_client(
    tmp_path: Path, http_client: str, expected: str
) -> None:
    (tmp_path / "app.py").write_text(REQUESTS_APP)
    (tmp_path / "requirements.txt").write_text("flask\n")
    result = rewrite(
        [tmp_path], RewriteOptions(mode=Mode.WRITE, enabled=select_codes(), http_client=http_client)
    )
    assert not result.failed
    assert (tmp_path / "requirements.txt").read_text() == expected


def test_rewrite_replaces_gunicorn_when_the_procfile_moved() -> None:
    _, findings, files = run_rewrite(
        FLASK_APP,
        files={
            "Procfile": "web: gunicorn -b 0.0.0.0:$PORT -w 2 app:app\n",
            "requirements.txt": "Flask\ngunicorn\n",
        },
    )
    assert files["requirements.txt"] == f"{QUART}\nhypercorn>=0.17\n"
    assert files["Procfile"] == "web: hypercorn -b 0.0.0.0:$PORT -w 2 app:app\n"
    assert any(f.code == "F2Q401" and "hypercorn" in f.message for f in findings)


def test_an_extension_is_replaced_even_where_the_code_does_not_import_it() -> None:
    _, _, files = run_rewrite(FLASK_APP, files={"requirements.txt": "flask\nflask-login\n"})
    assert files["requirements.txt"] == f"{QUART}\nquart-auth>=0.11\n"


def test_bytes_that_are_not_utf8_are_kept(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_bytes(b"# caf\xe9 (latin-1)\r\nflask\r\n")
    edits, _, _ = ProjectDependencies.plan(tmp_path, async_tests=False, current={})
    assert edits[0].after == f"# caf\xe9 (latin-1)\r\n{QUART}\r\n".encode("latin-1")


def test_setup_cfg_lists_are_edited_line_by_line(tmp_path: Path) -> None:
    setup_cfg = (
        "[metadata]\nname = x\n\n[options]\ninstall_requires =\n    flask>=3\n    flask-babel  # i18n\n"
        "    Flask-SQLAlchemy\ntests_require = pytest\n\n[options.extras_require]\ncors = flask-cors\n"
    )
    edits, findings = _plan_with_findings(tmp_path, {"setup.cfg": setup_cfg}, async_tests=False)
    assert edits["setup.cfg"] == setup_cfg.replace("flask>=3", QUART).replace(
        "flask-babel  # i18n", "quart-babel>=1.0.7  # i18n").replace("cors = flask-cors", "cors = quart-cors>=0.8")
    assert [(f.line, f.severity) for f in findings] == [(7, Severity.INFO), (8, Severity.INFO), (12, Severity.INFO)]
    assert "kept Flask-SQLAlchemy" in findings[1].message


def test_setup_py_requirement_lists_are_edited(tmp_path: Path) -> None:
    setup_py = (
        'from setuptools import setup\n\nsetup(\n    name="flask-thing",\n    install_requires=[\n'
        '        "Flask>=3",\n        "Flask-Login",\n    ],\n    extras_require={"dev": ["pytest"]},\n)\n'
    )
    edits, findings = _plan_with_findings(tmp_path, {"setup.py": setup_py}, async_tests=False)
    assert edits["setup.py"] == setup_py.replace('"Flask>=3"', f'"{QUART}"').replace(
        '"Flask-Login"', '"quart-auth>=0.11"')
    assert [f.line for f in findings] == [7]


def test_rewrite_of_a_package_folder_names_what_the_port_needs() -> None:
    """``rewrite pkg tests`` in a project without dependency files: the packages are printed."""
    _, findings, _ = run_rewrite(
        "from flask import Flask\nfrom flask_babel import Babel\n\napp = Flask(__name__)\nbabel = Babel(app)\n",
        path="pkg/__init__.py", files={}, project_needs=True,
    )
    needs = [f for f in findings if f.code == "F2Q401"]
    assert [f.message for f in needs] == [
        f"the port needs: {QUART}, quart-babel>=1.0.7 (no requirements file, pyproject.toml, setup.cfg or "
        "setup.py here: install them)"
    ]


def test_a_dependency_list_missing_what_the_port_needs_is_said(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask>=3\n")
    needed = ProjectDependencies.needed(
        tmp_path, {"flask", "flask_babel", "flask_sqlalchemy"}, {(tmp_path / "requirements.txt").resolve(): QUART.encode()}
    )
    assert needed is not None and needed.severity is Severity.WARNING
    assert needed.message == (
        f"the port needs: {QUART}, quart-babel>=1.0.7; keeps: flask-sqlalchemy (through the generated flask_bridge, "
        "F2Q327); not listed in requirements.txt: quart-babel>=1.0.7, flask-sqlalchemy"
    )
    listed = f"{QUART}\nquart-babel>=1.0.7\nflask-sqlalchemy\n".encode()
    assert ProjectDependencies.needed(tmp_path, {"flask_babel"}, {(tmp_path / "requirements.txt").resolve(): listed}) is None


def test_setup_cfg_gets_pytest_asyncio_next_to_pytest_when_tests_became_async(tmp_path: Path) -> None:
    setup_cfg = "[options]\ninstall_requires =\n    flask\n\n[options.extras_require]\ntest =\n    pytest\n    coverage\n"
    edits = _plan(tmp_path, {"setup.cfg": setup_cfg}, async_tests=True)
    assert edits["setup.cfg"] == (
        f"[options]\ninstall_requires =\n    {QUART}\n\n[options.extras_require]\ntest =\n    pytest\n"
        "    pytest-asyncio>=0.24\n    coverage\n"
    )


def test_requirements_tox_installs_are_edited(tmp_path: Path) -> None:
    # bepasty's layout: tox installs requirements.d/dev.txt, where pytest is listed
    edits = _plan(
        tmp_path,
        {
            "pyproject.toml": '[project]\nname = "x"\nversion = "1"\ndependencies = ["Flask"]\n',
            "tox.ini": "[testenv]\ndeps = -r{toxinidir}/requirements.d/dev.txt\ncommands = pytest\n"
            "[testenv:other]\ndeps = -r{env:EXTRA}\n",
            "requirements.d/dev.txt": "tox\npytest\npytest-cov\n",
        },
    )
    assert edits["requirements.d/dev.txt"] == "tox\npytest\npytest-asyncio>=0.24\npytest-cov\n"
    assert 'dependencies = ["quart>=0.22,!=0.23.0"]' in edits["pyproject.toml"]


# --- Werkzeug pins older than what Quart calls ----------------------------------------------------


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("Werkzeug==3.0.1", "Werkzeug>=3.1"),
        ("werkzeug[watchdog]<3.1 ; python_version >= '3.9'  # pinned", "werkzeug[watchdog]>=3.1 ; python_version >= '3.9'  # pinned"),
        ("werkzeug~=3.0.1", "werkzeug>=3.1"),
        ("werkzeug==2.*", "werkzeug>=3.1"),
        ("werkzeug<=3.0.6", "werkzeug>=3.1"),
    ],
)
def test_a_werkzeug_pin_below_3_1_is_raised(tmp_path: Path, line: str, expected: str) -> None:
    edits, findings = _plan_with_findings(tmp_path, {"requirements.txt": f"flask\n{line}\n"}, async_tests=False)
    assert edits == {"requirements.txt": f"{QUART}\n{expected}\n"}
    assert any("partitioned" in f.message for f in findings)


@pytest.mark.parametrize("line", ["werkzeug", "Werkzeug==3.1.3", "werkzeug>=3.0,<4", "werkzeug~=3.0", "werkzeug==3.*"])
def test_a_werkzeug_pin_that_allows_3_1_stays(tmp_path: Path, line: str) -> None:
    assert _plan(tmp_path, {"requirements.txt": f"flask\n{line}\n"}, async_tests=False) == {
        "requirements.txt": f"{QUART}\n{line}\n"
    }


async def test_quart_sets_the_session_cookie_with_partitioned(monkeypatch: pytest.MonkeyPatch) -> None:
    """Why the pin is raised: Quart passes ``partitioned=`` (a keyword Werkzeug's ``set_cookie`` has
    from 3.1 on) whenever it saves the session, so under Werkzeug 3.0 a flash or a login fails."""
    import quart
    from quart.wrappers import Response

    passed: list[dict[str, object]] = []
    set_cookie = Response.set_cookie

    def recording(self: Response, *args: object, **kwargs: object) -> None:
        passed.append(kwargs)
        set_cookie(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(Response, "set_cookie", recording)
    app = quart.Quart(__name__)
    app.secret_key = "test"

    @app.route("/")
    async def index() -> str:
        await quart.flash("saved")
        return "ok"

    response = await app.test_client().get("/")
    assert response.status_code == 200
    assert passed and "partitioned" in passed[0]
