import asyncio
import textwrap

from flask2quart.migrate import flask_api
from tests.helpers import check_noop, check_transformed, codes, run_rewrite


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
        """,
        select=("F2Q101",),  # F2Q327 imports its bridge before the extension: not this rule
    )


def test_every_mapped_module_exists_where_quart_is_installed():
    """Each target of the mapping table imports with the installed Quart (run on both versions)."""
    import importlib

    assert flask_api.MODULE_TARGETS["flask.scaffold"] == "flask.sansio.scaffold"
    for flask_module, target in sorted(flask_api.MODULE_TARGETS.items()):
        assert importlib.import_module(target), flask_module
    # every module Flask ships has a row
    import pkgutil

    import flask

    shipped = {m.name for m in pkgutil.walk_packages(flask.__path__, "flask.")} | {"flask"}
    shipped |= {f"flask.sansio.{m.name}" for m in pkgutil.iter_modules([f"{flask.__path__[0]}/sansio"])}
    assert shipped <= set(flask_api.MODULE_TARGETS), shipped - set(flask_api.MODULE_TARGETS)


def test_sansio_and_debug_modules_stay_flasks_and_scaffold_moves():
    check_transformed(
        """\
        import flask
        import flask.sansio.scaffold
        from flask.scaffold import setupmethod
        from flask.sansio.blueprints import BlueprintSetupState
        from flask.debughelpers import explain_template_loading_attempts

        app = flask.Flask(__name__)
        decorator = flask.sansio.scaffold.setupmethod
        """,
        """\
        import quart
        import flask.sansio.scaffold
        from flask.sansio.scaffold import setupmethod
        from flask.sansio.blueprints import BlueprintSetupState
        from flask.debughelpers import explain_template_loading_attempts

        app = quart.Quart(__name__)
        decorator = flask.sansio.scaffold.setupmethod
        """,
    )


def test_ported_module_using_sansio_names_imports_and_registers():
    """A blueprint subclass built on Flask's sansio ``setupmethod`` keeps working under Quart."""
    source = """\
        from flask import Blueprint, Flask
        from flask.scaffold import setupmethod


        class Api(Blueprint):
            @setupmethod
            def resource(self, rule):
                def register(view):
                    self.add_url_rule(rule, view_func=view)
                    return view
                return register


        api = Api("api", __name__)


        @api.resource("/ping")
        def ping():
            return "pong"


        app = Flask(__name__)
        app.register_blueprint(api)
        """
    output, findings, _ = run_rewrite(textwrap.dedent(source))
    assert not findings
    namespace: dict[str, object] = {"__name__": "ported"}
    exec(compile(output, "app.py", "exec"), namespace)

    async def get() -> bytes:
        response = await namespace["app"].test_client().get("/ping")  # type: ignore[attr-defined]
        return await response.get_data()

    assert asyncio.run(get()) == b"pong"


def test_module_without_counterpart_is_reported():
    findings = check_noop(
        """\
        from flask._compat import text_type
        """
    )
    assert codes(findings) == ["F2Q101"] and "by hand" in findings[0].message
