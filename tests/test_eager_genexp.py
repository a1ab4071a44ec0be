"""Generator expressions a builtin reads whole become list comprehensions when they come to await
(flask2quart/migrate/eager.py); those that may stop early stay and are reported."""

from __future__ import annotations

import textwrap

import flask
import quart

from tests.helpers import check_transformed, codes, run_rewrite

APP = """\
from flask import Flask, request
app = Flask(__name__)

def size(name):
    return len(request.form.get(name, ""))

def label(name):
    return request.form.get(name, "-")

@app.post("/")
def index():
    total = sum(size(x) for x in "abc")
    names = ", ".join(label(x) for x in "abc")
    ordered = sorted((label(x) for x in "abc"), reverse=True)
    pairs = dict((x, size(x)) for x in "ab")
    return {"total": total, "names": names, "ordered": ordered, "pairs": pairs}
"""


def test_builtins_that_read_every_item_get_a_list_comprehension():
    check_transformed(
        APP,
        """\
        from quart import Quart, request
        app = Quart(__name__)

        async def size(name):
            return len((await request.form).get(name, ""))

        async def label(name):
            return (await request.form).get(name, "-")

        @app.post("/")
        async def index():
            total = sum([await size(x) for x in "abc"])
            names = ", ".join([await label(x) for x in "abc"])
            ordered = sorted(([await label(x) for x in "abc"]), reverse=True)
            pairs = dict([(x, await size(x)) for x in "ab"])
            return {"total": total, "names": names, "ordered": ordered, "pairs": pairs}
        """,
    )


def test_generators_that_need_no_await_and_shadowed_builtins_stay():
    output, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask, request
            app = Flask(__name__)

            def size(name):
                return len(request.form.get(name, ""))

            def sorted(items):
                return list(items)

            @app.post("/")
            def index():
                names = ", ".join(x.upper() for x in request.args)
                return {"n": sorted(size(x) for x in "ab"), "names": names}
            """
        )
    )
    assert '    names = ", ".join(x.upper() for x in request.args)\n' in output
    # the project's own ``sorted`` may read lazily: its generator stays, and the await is reported
    assert '    return {"n": sorted(size(x) for x in "ab"), "names": names}\n' in output
    assert codes(findings) == ["F2Q105"]


def test_a_consumer_that_may_stop_early_keeps_its_generator_and_is_reported():
    _, findings, _ = run_rewrite(
        textwrap.dedent(
            """\
            from flask import Flask, request
            app = Flask(__name__)

            def size(name):
                return len(request.form.get(name, ""))

            @app.post("/")
            def index():
                return {"any": any(size(x) for x in "ab")}
            """
        )
    )
    assert codes(findings) == ["F2Q105"]
    assert findings[0].line == 9
    assert "generator expression" in findings[0].message


async def test_the_port_answers_as_the_original():
    output, findings, _ = run_rewrite(APP)
    assert findings == []
    flask_side: dict[str, object] = {"__name__": "eager_app"}
    exec(compile(APP, "app.py", "exec"), flask_side)
    quart_side: dict[str, object] = {"__name__": "eager_app"}
    exec(compile(output, "app.py", "exec"), quart_side)
    form = {"a": "xy", "b": "z"}
    flask_app = flask_side["app"]
    quart_app = quart_side["app"]
    assert isinstance(flask_app, flask.Flask) and isinstance(quart_app, quart.Quart)
    expected = flask_app.test_client().post("/", data=form).get_json()
    got = await (await quart_app.test_client().post("/", form=form)).get_json()
    assert got == expected == {"total": 3, "names": "xy, z, -", "ordered": ["z", "xy", "-"], "pairs": {"a": 2, "b": 1}}
