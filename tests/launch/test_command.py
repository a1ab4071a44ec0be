from pathlib import Path

from flask2quart.migrate.launch.command import Outcome, Project
from flask2quart.migrate.launch.flask_app import flask_target
from flask2quart.migrate.launch.shell import lex


def test_rendering_drops_words_with_the_gap_before_them_and_adds_words() -> None:
    text = "gunicorn  -k gevent\t--reload app:app"
    [words] = lex(text)
    outcome = Outcome(
        "gunicorn", actions={0: "hypercorn", 1: None, 2: None}, inserts={4: ["-w", "2"]}
    )
    assert outcome.render_words(text, words) == "hypercorn  --reload app:app -w 2"
    values = [word.value for word in words]
    assert outcome.render_list(values) == ["hypercorn", "--reload", "app:app", "-w", "2"]


def _project(tmp_path: Path) -> Project:
    return Project.load(tmp_path, [])


def test_flask_app_discovery_gives_hypercorn_a_module_and_an_object(tmp_path: Path) -> None:
    (tmp_path / "wsgi.py").write_text("from flask import Flask\n\nserver = Flask(__name__)\n")
    package = tmp_path / "src" / "shop"
    package.mkdir(parents=True)
    (package / "__init__.py").write_text("def create_app():\n    pass\n")
    (package / "app.py").write_text("from flask import Flask\n\napplication = Flask('x')\n")
    project = _project(tmp_path)
    assert flask_target(project, None) == ("wsgi:server", "")  # the one Flask instance
    assert flask_target(project, "shop") == ("shop:create_app()", "")  # found under src/
    assert flask_target(project, "shop:create_app") == ("shop:create_app()", "")
    assert flask_target(project, "src/shop/app.py") == ("src/shop.app:application", "")
    target, why = flask_target(project, "missing")
    assert target is None and "module not found" in why


def test_dotenv_files_are_read_as_flask_run_reads_them(tmp_path: Path) -> None:
    (tmp_path / ".flaskenv").write_text("FLASK_APP=wsgi\nA=1\n")
    (tmp_path / ".env").write_text("A='two words'\nB=${HOME}\nC=$HOME\n")
    project = _project(tmp_path)
    assert project.dotenv_files == [".flaskenv", ".env"]
    assert {key: (value.value, value.literal) for key, value in project.dotenv.items()} == {
        "FLASK_APP": ("wsgi", True),
        "A": ("two words", True),  # .env wins
        "B": ("${HOME}", False),  # python-dotenv expands ${VAR} only
        "C": ("$HOME", True),
    }
