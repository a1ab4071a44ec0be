import os
import subprocess
import sys
import textwrap
from pathlib import Path

from tests.helpers import check_noop, check_transformed

APP = """\
from flask import Flask

app = Flask(__name__)
app.config["GREETING"] = "hello"


@app.get("/")
def index():
    return app.config["GREETING"]
"""

#: A fixture chain handing out only the client, as suites do: the test reaches the app through it.
TESTS = """\
import pytest

from app import app


@pytest.fixture
def client():
    return app.test_client()


@pytest.fixture
def configured_client(client):
    client.application.config["GREETING"] = "hi"
    yield client
    client.application.config["GREETING"] = "hello"


def test_greeting_from_the_clients_app(configured_client):
    assert configured_client.application is app
    assert configured_client.get("/").get_data(as_text=True) == "hi"


def test_default(client):
    assert client.get("/").get_data(as_text=True) == client.application.config["GREETING"]
"""


def test_application_of_a_fixture_client_becomes_app():
    check_transformed(
        """\
        import pytest

        from app import app


        @pytest.fixture
        def client():
            return app.test_client()


        def test_config(client):
            assert client.application.config["TESTING"] is False
            with app.test_client() as other:
                other.application.testing = True
        """,
        """\
        import pytest

        from app import app


        @pytest.fixture
        def client():
            return app.test_client()


        async def test_config(client):
            assert client.app.config["TESTING"] is False
            async with app.test_client() as other:
                other.app.testing = True
        """,
        path="tests/test_config.py",
        files={"app.py": APP},
    )


def test_other_objects_application_is_left_alone():
    check_noop(
        """\
        from app import app


        class Holder:
            application = app


        def test_holder():
            assert Holder().application is app
            assert app.application if hasattr(app, "application") else True
        """,
        path="tests/test_holder.py",
        files={"app.py": APP},
    )


def test_outside_tests_nothing_changes():
    check_noop(
        """\
        class Wrapper:
            def __init__(self, application):
                self.application = application
        """,
        path="pkg/wrapper.py",
    )


def _suite(root: Path, files: dict[str, str]) -> str:
    for name, source in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": str(root)}
    run = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:flask2quart-parity", "tests"],
        cwd=root, capture_output=True, text=True, env=env, timeout=300,
    )
    return run.stdout[-2000:]


def test_ported_suite_reaches_the_app_as_flasks_did(tmp_path):
    from tests.helpers import run_rewrite

    assert "2 passed" in _suite(tmp_path / "flask", {"app.py": APP, "tests/test_app.py": TESTS})
    _, _, ported = run_rewrite(TESTS, path="tests/test_app.py", files={"app.py": APP})
    assert ".application" not in ported["tests/test_app.py"]
    ported["pytest.ini"] = "[pytest]\nasyncio_mode = auto\nasyncio_default_fixture_loop_scope = function\n"
    assert "2 passed" in _suite(tmp_path / "quart", ported)
    # Quart's client has no `application`: the unrenamed suite fails
    kept = {**ported, "tests/test_app.py": ported["tests/test_app.py"].replace(".app.", ".application.").replace(".app is", ".application is")}
    assert "AttributeError" in _suite(tmp_path / "plain", kept)
