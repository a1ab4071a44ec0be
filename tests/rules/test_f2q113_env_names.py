import asyncio

import pytest

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_variables_flask_reads_are_read_under_both_names_and_written_under_quarts():
    findings = check_transformed(
        """\
        import os

        from flask import Flask

        app = Flask(__name__)
        debug = os.environ.get("FLASK_DEBUG", "0")
        os.environ["FLASK_APP"] = "app"
        port = os.environ['FLASK_RUN_PORT']
        app.config.from_prefixed_env(prefix="FLASK")
        """,
        """\
        import os

        from quart import Quart

        app = Quart(__name__)
        debug = os.environ.get("QUART_DEBUG", os.environ.get("FLASK_DEBUG", "0"))
        os.environ["QUART_APP"] = "app"
        port = os.environ['QUART_RUN_PORT' if 'QUART_RUN_PORT' in os.environ else 'FLASK_RUN_PORT']
        app.config.from_prefixed_env(prefix="QUART")
        """,
    )
    assert findings == []


def test_the_apps_own_variables_fall_back_to_the_old_name_with_a_warning():
    findings = check_transformed(
        """\
        import os

        from flask import Flask

        app = Flask(__name__)
        app.config.from_envvar("FLASK_SETTINGS")
        secret = os.getenv("FLASK_SECRET_KEY")
        """,
        """\
        import os

        from quart import Quart

        app = Quart(__name__)
        app.config.from_envvar("QUART_SETTINGS" if "QUART_SETTINGS" in os.environ else "FLASK_SETTINGS")
        secret = os.getenv("QUART_SECRET_KEY", os.getenv("FLASK_SECRET_KEY"))
        """,
    )
    assert [(f.code, f.line, f.severity.value) for f in findings] == [("F2Q113", 6, "warning"), ("F2Q113", 7, "warning")]
    assert "set QUART_SETTINGS where the app is deployed" in findings[0].message
    assert "then FLASK_SECRET_KEY as before" in findings[1].message


def test_monkeypatched_environment_in_tests():
    """Quart's own variables are set under its name; the app's own keep theirs (the port's reads
    fall back to them)."""
    findings = check_transformed(
        """\
        def test_debug_env(monkeypatch):
            monkeypatch.setenv("FLASK_DEBUG", "1")
            monkeypatch.delenv("FLASK_FEATURE", raising=False)
        """,
        """\
        def test_debug_env(monkeypatch):
            monkeypatch.setenv("QUART_DEBUG", "1")
            monkeypatch.delenv("FLASK_FEATURE", raising=False)
        """,
        path="tests/test_env.py",
    )
    assert codes(findings) == []


def test_module_without_flask_import_setting_flask_app():
    check_transformed(
        """\
        import os

        os.environ.setdefault("FLASK_APP", "myapp")
        """,
        """\
        import os

        os.environ.setdefault("QUART_APP", "myapp")
        """,
        path="wsgi.py",
    )


def test_other_strings_and_computed_names_are_untouched():
    check_noop(
        """\
        import os

        suffix = "DEBUG"
        computed = os.environ.get(f"FLASK_{suffix}")
        mine = os.environ.get("MYAPP_FLASK_X")
        label = "FLASK_APP"
        docs = {"FLASK_ENV": "removed in Flask 2.3"}
        """
    )


def test_tls_options_take_the_names_quart_run_reads():
    check_transformed(
        """\
        import os

        from flask import Flask

        app = Flask(__name__)
        CERT = os.environ.get("FLASK_RUN_CERT")
        KEY = os.environ.get("FLASK_RUN_KEY")
        """,
        """\
        import os

        from quart import Quart

        app = Quart(__name__)
        CERT = os.environ.get("QUART_RUN_CERTFILE", os.environ.get("FLASK_RUN_CERT"))
        KEY = os.environ.get("QUART_RUN_KEYFILE", os.environ.get("FLASK_RUN_KEY"))
        """,
    )


APP = """\
import os

from flask import Flask

app = Flask(__name__)
app.config["SECRET_KEY"] = os.environ.get("FLASK_SECRET_KEY", "dev")
app.config["TOKEN"] = os.getenv("FLASK_TOKEN")
app.config.from_envvar("FLASK_SETTINGS", silent=True)


@app.route("/")
def index():
    return {"secret": app.config["SECRET_KEY"], "token": app.config["TOKEN"],
            "region": os.environ["FLASK_REGION"], "extra": app.config.get("EXTRA")}
"""


@pytest.mark.parametrize(
    "environ",
    [
        {"FLASK_REGION": "eu"},
        {"FLASK_SECRET_KEY": "old", "FLASK_TOKEN": "t", "FLASK_REGION": "eu", "FLASK_SETTINGS": "SETTINGS"},
        {"QUART_SECRET_KEY": "new", "FLASK_SECRET_KEY": "old", "QUART_REGION": "us", "FLASK_REGION": "eu"},
    ],
)
def test_the_port_reads_what_flask_read(environ, monkeypatch, tmp_path):
    """A deployment that still sets the FLASK_* names gets the same answers from the port; the
    QUART_* name wins where both are set."""
    settings = tmp_path / "settings.cfg"
    settings.write_text('EXTRA = "from file"\n')
    for name in ("FLASK_SECRET_KEY", "FLASK_TOKEN", "FLASK_REGION", "FLASK_SETTINGS", "QUART_SECRET_KEY", "QUART_REGION"):
        monkeypatch.delenv(name, raising=False)
    for name, value in environ.items():
        monkeypatch.setenv(name, str(settings) if value == "SETTINGS" else value)

    flask_side: dict[str, object] = {"__name__": "flask_side"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    expected = flask_side["app"].test_client().get("/").get_json()  # type: ignore[attr-defined]

    output, findings, _ = run_rewrite(APP)
    assert {f.code for f in findings} == {"F2Q113"}
    quart_side: dict[str, object] = {"__name__": "quart_side"}
    exec(compile(output, "app.py", "exec"), quart_side)

    async def get() -> object:
        return await (await quart_side["app"].test_client().get("/")).get_json()  # type: ignore[attr-defined]

    answer = asyncio.run(get())
    if "QUART_SECRET_KEY" in environ:
        assert answer == {**expected, "secret": "new", "region": "us"}
    else:
        assert answer == expected


def test_membership_tests_see_either_name():
    findings = check_transformed(
        """\
        import os

        if "FLASK_SECRET" in os.environ and "FLASK_DEBUG" not in os.environ:
            secret = os.environ["FLASK_SECRET"]
        """,
        """\
        import os

        if ("QUART_SECRET" in os.environ or "FLASK_SECRET" in os.environ) and ("QUART_DEBUG" not in os.environ and "FLASK_DEBUG" not in os.environ):
            secret = os.environ["QUART_SECRET" if "QUART_SECRET" in os.environ else "FLASK_SECRET"]
        """,
        select=("F2Q113",),
    )
    assert [f.line for f in findings] == [3, 4]
