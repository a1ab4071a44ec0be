from tests.helpers import check_noop, check_transformed, codes


def test_variables_flask_reads_are_renamed_silently():
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
        debug = os.environ.get("QUART_DEBUG", "0")
        os.environ["QUART_APP"] = "app"
        port = os.environ['QUART_RUN_PORT']
        app.config.from_prefixed_env(prefix="QUART")
        """,
    )
    assert findings == []


def test_the_apps_own_variables_are_renamed_and_reported():
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
        app.config.from_envvar("QUART_SETTINGS")
        secret = os.getenv("QUART_SECRET_KEY")
        """,
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q113", 6), ("F2Q113", 7)]
    assert "QUART_SETTINGS" in findings[0].message
    assert "deployed" in findings[1].message


def test_monkeypatched_environment_in_tests():
    findings = check_transformed(
        """\
        def test_debug_env(monkeypatch):
            monkeypatch.setenv("FLASK_DEBUG", "1")
            monkeypatch.delenv("FLASK_FEATURE", raising=False)
        """,
        """\
        def test_debug_env(monkeypatch):
            monkeypatch.setenv("QUART_DEBUG", "1")
            monkeypatch.delenv("QUART_FEATURE", raising=False)
        """,
        path="tests/test_env.py",
    )
    assert codes(findings) == ["F2Q113"]
    assert findings[0].line == 3


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
        CERT = os.environ.get("QUART_RUN_CERTFILE")
        KEY = os.environ.get("QUART_RUN_KEYFILE")
        """,
    )
