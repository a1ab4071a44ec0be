from pathlib import Path

from flask2quart.migrate.rules import ProjectDependencies
from flask2quart.migrate.rules.f2q401_dependencies import quart_requirement
from tests.helpers import FLASK_APP, run_rewrite

QUART = "quart>=0.22,!=0.23.0"


def _plan(root: Path, files: dict[str, str], *, async_tests: bool = True) -> dict[str, str]:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)
    edits, pinned = ProjectDependencies.plan(root, async_tests=async_tests, current={})
    assert not pinned
    return {str(edit.path.relative_to(root)): edit.after.decode() for edit in edits}


def test_requirements_keep_markers_comments_and_other_lines(tmp_path: Path) -> None:
    edits = _plan(
        tmp_path,
        {
            "requirements.txt": "# web\nFlask[async]==3.0.3 ; python_version >= '3.9'  # the app\nflask-login>=0.6\nrequests\n",
            "requirements/dev.txt": "-r ../requirements.txt\npytest>=8\n",
        },
    )
    assert edits == {
        "requirements.txt": f"# web\n{QUART} ; python_version >= '3.9'  # the app\nflask-login>=0.6\nrequests\n",
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
        '["pytest", "coverage"]', '["pytest", "pytest-asyncio>=0.24", "coverage"]'
    )


def test_poetry_tables(tmp_path: Path) -> None:
    pyproject = (
        '[tool.poetry.dependencies]\npython = "^3.11"\nFlask = "^3.0"\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\n'
    )
    edits = _plan(tmp_path, {"pyproject.toml": pyproject})
    assert edits["pyproject.toml"] == (
        '[tool.poetry.dependencies]\npython = "^3.11"\nquart = ">=0.22,!=0.23.0"\n\n'
        '[tool.poetry.group.dev.dependencies]\npytest = "^8"\npytest-asyncio = ">=0.24"\n'
    )


def test_noop_without_flask_or_when_already_ported(tmp_path: Path) -> None:
    assert _plan(tmp_path, {"requirements.txt": "django\nflask-cors\nflasky\n"}) == {}
    assert _plan(tmp_path, {"requirements.txt": f"{QUART}\npytest\npytest-asyncio\n"}) == {}


def test_pytest_asyncio_only_when_tests_became_async(tmp_path: Path) -> None:
    edits = _plan(tmp_path, {"requirements.txt": "flask\npytest\n"}, async_tests=False)
    assert edits == {"requirements.txt": f"{QUART}\npytest\n"}


def test_hash_pinned_requirements_are_reported_not_edited(tmp_path: Path) -> None:
    (tmp_path / "requirements.txt").write_text("flask==3.0.3 \\\n    --hash=sha256:abc\n")
    edits, pinned = ProjectDependencies.plan(tmp_path, async_tests=False, current={})
    assert edits == [] and pinned == [tmp_path / "requirements.txt"]


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
    _, _, files = run_rewrite(test, path="tests/test_app.py", files={"app.py": FLASK_APP, "pyproject.toml": pyproject})
    assert files["pyproject.toml"] == (
        f'[project]\nname = "x"\ndependencies = ["{QUART}"]\n\n'
        '[project.optional-dependencies]\ntest = ["pytest", "pytest-asyncio>=0.24"]\n\n'
        '[tool.pytest.ini_options]\ntestpaths = ["tests"]\n'
        'asyncio_mode = "auto"\nasyncio_default_fixture_loop_scope = "function"\n'
    )


def test_not_selected_means_untouched() -> None:
    _, _, files = run_rewrite(FLASK_APP, files={"requirements.txt": "flask\n"}, select=("F2Q1",))
    assert files["requirements.txt"] == "flask\n"
