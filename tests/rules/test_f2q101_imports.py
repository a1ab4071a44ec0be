from tests.helpers import check_noop, check_transformed


def test_from_import_and_renamed_class():
    check_transformed(
        """\
        from flask import Flask, jsonify

        app = Flask(__name__)
        payload = jsonify({"a": 1})
        """,
        """\
        from quart import Quart, jsonify

        app = Quart(__name__)
        payload = jsonify({"a": 1})
        """,
    )


def test_module_alias_is_kept():
    check_transformed(
        """\
        import flask as f

        app = f.Flask(__name__)
        bp = f.Blueprint("bp", __name__)
        """,
        """\
        import quart as f

        app = f.Quart(__name__)
        bp = f.Blueprint("bp", __name__)
        """,
    )


def test_plain_module_import_and_attribute_uses():
    check_transformed(
        """\
        import flask

        app = flask.Flask(__name__)
        client_class = flask.testing.FlaskClient
        """,
        """\
        import quart

        app = quart.Quart(__name__)
        client_class = quart.testing.QuartClient
        """,
    )


def test_name_alias_keeps_its_alias():
    check_transformed(
        """\
        from flask import Flask as App
        from flask import request as req

        app = App(__name__)
        """,
        """\
        from quart import Quart as App
        from quart import request as req

        app = App(__name__)
        """,
    )


def test_submodules_and_their_renamed_names():
    check_transformed(
        """\
        from flask.cli import FlaskGroup
        from flask.testing import FlaskClient, FlaskCliRunner
        from flask.views import MethodView
        import flask.json

        cli = FlaskGroup(create_app=lambda: None)
        data = flask.json.dumps({})
        """,
        """\
        from quart.cli import QuartGroup
        from quart.testing import QuartClient, QuartCliRunner
        from quart.views import MethodView
        import quart.json

        cli = QuartGroup(create_app=lambda: None)
        data = quart.json.dumps({})
        """,
    )


def test_parenthesised_import_keeps_comments_and_layout():
    check_transformed(
        """\
        from flask import (  # the web framework
            Flask,
            g,  # per-request storage


            session,
        )

        app = Flask(__name__)
        """,
        """\
        from quart import (  # the web framework
            Quart,
            g,  # per-request storage


            session,
        )

        app = Quart(__name__)
        """,
    )


def test_local_name_shadowing_flask_is_not_renamed():
    check_transformed(
        """\
        from flask import Flask


        def make(Flask):
            return Flask("x")


        app = Flask(__name__)
        """,
        """\
        from quart import Quart


        def make(Flask):
            return Flask("x")


        app = Quart(__name__)
        """,
    )


def test_extension_packages_and_own_class_named_flask_are_untouched():
    check_noop(
        """\
        from flask_sqlalchemy import SQLAlchemy
        from .flask import helpers


        class Flask:
            pass


        db = SQLAlchemy()
        bottle = Flask()
        """
    )
