import asyncio
import textwrap
import types

import flask
import pytest

from tests.helpers import check_transformed, run_rewrite

APP = '''\
from flask import Flask, get_template_attribute

app = Flask(__name__)
app.jinja_loader = __import__("jinja2").DictLoader(
    {"macros.html": "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}"}
)


@app.route("/<name>")
def greet(name):
    hello = get_template_attribute("macros.html", "hello")
    return render(hello, name)


def render(macro, name):
    return str(macro(name))
'''


def test_macro_read_and_called_through_a_helper_both_awaited():
    check_transformed(
        APP,
        '''\
        from quart import Quart, get_template_attribute, current_app


        async def get_template_attribute_async(template_name, attribute):
            """Flask's `get_template_attribute` for Quart's async Jinja environment: the template's module is
            made asynchronously, and a macro read from it returns a coroutine (added by flask2quart, F2Q118).
            """
            template = current_app.jinja_env.get_template(template_name)
            return getattr(await template.make_module_async(), attribute)


        app = Quart(__name__)
        app.jinja_loader = __import__("jinja2").DictLoader(
            {"macros.html": "{% macro hello(name) %}Hello {{ name }}!{% endmacro %}"}
        )


        @app.route("/<name>")
        async def greet(name):
            hello = await get_template_attribute_async("macros.html", "hello")
            return await render(hello, name)


        async def render(macro, name):
            return str(await macro(name))
        ''',
    )


def test_sync_function_that_must_stay_sync_is_reported():
    output, findings, _ = run_rewrite(
        '''\
        import functools

        from flask import Flask, get_template_attribute

        app = Flask(__name__)


        @app.url_value_preprocessor
        def pre(endpoint, values):
            get_template_attribute("m.html", "x")
        '''
    )
    assert [f.code for f in findings if f.code == "F2Q118"] == ["F2Q118"]
    assert "get_template_attribute(" in output


def test_the_port_renders_what_flask_renders():
    """Run the original on Flask and the rewritten module on Quart: same body."""
    pytest.importorskip("quart")
    flask_module = types.ModuleType("flask_side")
    exec(compile(textwrap.dedent(APP), "flask_side.py", "exec"), flask_module.__dict__)
    with flask_module.app.test_client() as client:
        expected = client.get("/Ada").get_data(as_text=True)
    assert expected == "Hello Ada!"

    output, findings, _ = run_rewrite(APP)
    assert not [f for f in findings if f.code == "F2Q118"]
    quart_module = types.ModuleType("quart_side")
    exec(compile(output, "quart_side.py", "exec"), quart_module.__dict__)

    async def fetch() -> str:
        response = await quart_module.app.test_client().get("/Ada")
        return await response.get_data(as_text=True)

    assert asyncio.run(fetch()) == expected
    assert flask  # the original ran on the real Flask
