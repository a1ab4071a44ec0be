from tests.helpers import check_noop, check_transformed, codes


def test_preferred_url_scheme_becomes_prefer_secure_urls():
    findings = check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)
        app.config["PREFERRED_URL_SCHEME"] = "https"
        app.config.update(PREFERRED_URL_SCHEME="http", SECRET_KEY="dev")
        """,
        """\
        from quart import Quart

        app = Quart(__name__)
        app.config["PREFER_SECURE_URLS"] = True
        app.config.update(PREFER_SECURE_URLS=False, SECRET_KEY="dev")
        """,
    )
    assert codes(findings) == []


def test_unsupported_keys_and_dynamic_scheme_are_reported():
    findings = check_transformed(
        """\
        import os

        from flask import Flask

        app = Flask(__name__)
        app.config["TRUSTED_HOSTS"] = ["example.com"]
        app.config.from_mapping(USE_X_SENDFILE=True, PREFERRED_URL_SCHEME=os.environ["SCHEME"])
        """,
        """\
        import os

        from quart import Quart

        app = Quart(__name__)
        app.config["TRUSTED_HOSTS"] = ["example.com"]
        app.config.from_mapping(USE_X_SENDFILE=True, PREFERRED_URL_SCHEME=os.environ["SCHEME"])
        """,
    )
    assert sorted((f.line, f.severity) for f in findings) == [(6, "warning"), (7, "error"), (7, "warning")]


def test_config_of_something_else_is_left_alone():
    findings = check_noop(
        """\
        settings = {}
        settings["PREFERRED_URL_SCHEME"] = "https"
        """
    )
    assert findings == []
