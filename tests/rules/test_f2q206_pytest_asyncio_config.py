from flask2quart.migrate import Mode, RewriteOptions, rewrite
from flask2quart.migrate.rules import PytestAsyncioConfig
from tests.helpers import FLASK_APP, run_rewrite


def _rewrite_in_place(paths):
    result = rewrite(paths, RewriteOptions(mode=Mode.WRITE))
    assert not result.failed

NEW_INI = b"[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
ASYNC_TEST = """\
def test_index(client):
    assert client.get("/").status_code == 200
"""


def _plan(root, files):
    for name, data in files.items():
        (root / name).write_bytes(data)
    return PytestAsyncioConfig.plan(root)


def test_no_configuration_writes_a_new_pytest_ini(tmp_path):
    edit = _plan(tmp_path, {})
    assert edit.path == tmp_path / "pytest.ini"
    assert edit.before is None
    assert edit.after == NEW_INI


def test_pyproject_section_gets_quoted_values_and_the_rest_is_kept(tmp_path):
    before = (
        b'[project]\nname = "x"\n\n'
        b'[tool.pytest.ini_options]\ntestpaths = ["tests"]  # only these\n\n'
        b"[tool.ruff]\nline-length = 100\n"
    )
    edit = _plan(tmp_path, {"pyproject.toml": before})
    assert edit.path == tmp_path / "pyproject.toml"
    assert edit.before == before
    assert edit.after == (
        b'[project]\nname = "x"\n\n'
        b'[tool.pytest.ini_options]\ntestpaths = ["tests"]  # only these\n'
        b'asyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n\n'
        b"[tool.ruff]\nline-length = 100\n"
    )


def test_section_at_end_of_file_without_final_newline(tmp_path):
    edit = _plan(tmp_path, {"pyproject.toml": b'[tool.pytest.ini_options]\naddopts = "-ra"'})
    assert edit.after == (
        b'[tool.pytest.ini_options]\naddopts = "-ra"\n'
        b'asyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
    )


def test_pyproject_without_pytest_section_gets_one(tmp_path):
    edit = _plan(tmp_path, {"pyproject.toml": b'[project]\nname = "x"\n'})
    assert edit.path == tmp_path / "pyproject.toml"
    assert edit.after == (
        b'[project]\nname = "x"\n\n'
        b'[tool.pytest.ini_options]\nasyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
    )


def test_pyproject_without_section_is_left_when_tox_ini_configures_pytest(tmp_path):
    edit = _plan(tmp_path, {"pyproject.toml": b'[project]\nname = "x"\n', "tox.ini": b"[pytest]\n"})
    assert edit.path == tmp_path / "tox.ini"


def test_config_root_walks_up_as_pytest_does(tmp_path):
    (tmp_path / "pyproject.toml").write_bytes(b'[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n')
    tests = tmp_path / "tests" / "unit"
    tests.mkdir(parents=True)
    assert PytestAsyncioConfig.config_root(tests) == tmp_path
    # a pytest.ini nearer the tests wins, as in pytest
    (tmp_path / "tests" / "pytest.ini").write_bytes(b"[pytest]\n")
    assert PytestAsyncioConfig.config_root(tests) == tmp_path / "tests"


def test_config_root_without_configuration_is_the_project_root(tmp_path):
    (tmp_path / "setup.py").write_bytes(b"")
    tests = tmp_path / "tests"
    tests.mkdir()
    assert PytestAsyncioConfig.config_root(tests) == tmp_path


def test_rewrite_of_package_and_tests_edits_the_root_configuration(tmp_path):
    """``rewrite pkg tests`` from the project root: pytest run there reads the root pyproject.toml,
    so the settings go there (a new tests/pytest.ini would shadow it and its filterwarnings)."""
    root = tmp_path / "proj"
    (root / "pkg").mkdir(parents=True)
    (root / "tests").mkdir()
    pyproject = b'[project]\nname = "pkg"\ndependencies = ["flask"]\n\n[tool.pytest.ini_options]\nfilterwarnings = ["error"]\n'
    (root / "pyproject.toml").write_bytes(pyproject)
    (root / "pkg" / "__init__.py").write_text(FLASK_APP)
    (root / "tests" / "test_app.py").write_text(ASYNC_TEST)
    _rewrite_in_place([root / "pkg", root / "tests"])
    assert not (root / "tests" / "pytest.ini").exists()
    text = (root / "pyproject.toml").read_text()
    assert 'asyncio_mode = "auto"' in text
    assert "quart" in text  # the dependency edit and the pytest settings compose
    _rewrite_in_place([root / "pkg", root / "tests"])
    assert (root / "pyproject.toml").read_text() == text


def test_setup_cfg_and_tox_ini_sections(tmp_path):
    setup_cfg = tmp_path / "a"
    setup_cfg.mkdir()
    edit = _plan(setup_cfg, {"setup.cfg": b"[metadata]\nname = x\n\n[tool:pytest]\ntestpaths = tests\n"})
    assert edit.after == (
        b"[metadata]\nname = x\n\n[tool:pytest]\ntestpaths = tests\n"
        b"asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )
    tox = tmp_path / "b"
    tox.mkdir()
    edit = _plan(tox, {"tox.ini": b"[tox]\nenvlist = py311\n\n[pytest]\nfilterwarnings =\n    error\n"})
    assert edit.path == tox / "tox.ini"
    assert edit.after == (
        b"[tox]\nenvlist = py311\n\n[pytest]\nfilterwarnings =\n    error\n"
        b"asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )


def test_pytest_ini_wins_and_existing_keys_are_kept(tmp_path):
    edit = _plan(
        tmp_path,
        {
            "pytest.ini": b"[pytest]\nasyncio_mode = strict\n",
            "pyproject.toml": b"[tool.pytest.ini_options]\n",
        },
    )
    assert edit.path == tmp_path / "pytest.ini"
    assert edit.after == b"[pytest]\nasyncio_mode = strict\nasyncio_default_fixture_loop_scope = function\n"


def test_crlf_file_gets_crlf_lines(tmp_path):
    edit = _plan(tmp_path, {"pytest.ini": b"[pytest]\r\naddopts = -ra\r\n\r\n"})
    assert edit.after == (
        b"[pytest]\r\naddopts = -ra\r\n"
        b"asyncio_mode = auto\r\nasyncio_default_fixture_loop_scope = function\r\n\r\n"
    )


def test_keys_already_present_need_no_edit(tmp_path):
    assert _plan(
        tmp_path,
        {
            "pyproject.toml": (
                b'[tool.pytest.ini_options]\nasyncio_mode = "auto"\n'
                b'asyncio_default_fixture_loop_scope = "function"\n'
            )
        },
    ) is None


def test_rewrite_edits_the_pyproject_when_tests_became_async():
    pyproject = '[project]\nname = "demo"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
    _, _, texts = run_rewrite(ASYNC_TEST, path="tests/test_views.py", files={"pyproject.toml": pyproject, "app.py": FLASK_APP})
    assert texts["pyproject.toml"] == (
        '[project]\nname = "demo"\n\n[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
        'asyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
    )
    assert "pytest.ini" not in texts


def test_rewrite_writes_pytest_ini_only_when_tests_became_async():
    _, _, texts = run_rewrite(ASYNC_TEST, path="tests/test_views.py")
    assert texts["pytest.ini"] == NEW_INI.decode()

    _, _, texts = run_rewrite(
        "def test_add():\n    assert 1 + 1 == 2\n",
        path="tests/test_math.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    assert sorted(texts) == ["app.py", "tests/test_math.py"]


def test_section_header_with_a_comment_is_found(tmp_path):
    edit = _plan(tmp_path, {"pytest.ini": b"[pytest]  # project settings\naddopts = -ra\n"})
    assert edit.path == tmp_path / "pytest.ini"
    assert edit.after == (
        b"[pytest]  # project settings\naddopts = -ra\n"
        b"asyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    )


def test_pytest_ini_without_a_section_is_appended_to_not_overwritten(tmp_path):
    edit = _plan(tmp_path, {"pytest.ini": b"# nothing yet\n"})
    assert edit.before == b"# nothing yet\n"
    assert edit.after.startswith(b"# nothing yet\n[pytest]\n")


def test_strict_mode_is_reported():
    pyproject = '[tool.pytest.ini_options]\nasyncio_mode = "strict"\n'
    findings, texts = run_rewrite(ASYNC_TEST, path="tests/test_views.py", files={"pyproject.toml": pyproject, "app.py": FLASK_APP})[1:]
    assert texts["pyproject.toml"].startswith(pyproject)
    assert [(f.code, f.line) for f in findings] == [("F2Q206", 2)]
