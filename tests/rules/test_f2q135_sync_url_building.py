import asyncio
import sys
import types

import pytest

from tests.helpers import check_transformed, codes, run_rewrite

HELPER_START = "class _f2q_request_urls:"


def _without_helper(output: str) -> str:
    """The module as the rule leaves it, the generated helper class taken out."""
    start = output.index(HELPER_START)
    end = output.index("\n\n\n", output.index("        return url\n", start)) + 3
    return output[:start] + output[end:]


def test_property_building_urls_in_a_request_context_gets_a_sync_builder():
    output, findings, _ = run_rewrite(
        """\
        from flask import current_app, url_for


        class RestUrl:
            def __init__(self, item_id=None):
                self.item_id = item_id

            @property
            def upload(self):
                with current_app.test_request_context():
                    return url_for("api.items")

            @property
            def detail(self):
                with current_app.test_request_context("/api/items", base_url="http://h/root"):
                    # the item's page
                    return current_app.url_for(".detail", name=self.item_id, _external=True)
        """,
        path="tests/test_rest.py",
    )
    assert _without_helper(output) == (
        "from quart import current_app, url_for\n"
        "\n"
        "\n"
        "class RestUrl:\n"
        "    def __init__(self, item_id=None):\n"
        "        self.item_id = item_id\n"
        "\n"
        "    @property\n"
        "    def upload(self):\n"
        "        with _f2q_request_urls(current_app) as _f2q_urls:\n"
        '            return _f2q_urls.url_for("api.items")\n'
        "\n"
        "    @property\n"
        "    def detail(self):\n"
        '        with _f2q_request_urls(current_app, "/api/items", base_url="http://h/root") as _f2q_urls:\n'
        "            # the item's page\n"
        '            return _f2q_urls.url_for(".detail", name=self.item_id, _external=True)\n'
    )
    assert output.count(HELPER_START) == 1
    assert findings == []


def test_sync_helper_module_with_app_object():
    output, findings, _ = run_rewrite(
        """\
        from flask import Flask, url_for

        app = Flask(__name__)

        with app.test_request_context():
            HOME = url_for("index")
            LINKS = [url_for("page", n=n) for n in range(3)]
        """,
    )
    assert "with _f2q_request_urls(app) as _f2q_urls:\n    HOME = _f2q_urls.url_for(\"index\")" in output
    assert 'LINKS = [_f2q_urls.url_for("page", n=n) for n in range(3)]' in output
    assert findings == []


def test_async_code_keeps_async_with():
    check_transformed(
        """\
        from flask import url_for


        def test_urls(app):
            with app.test_request_context():
                assert url_for("index") == "/"
        """,
        """\
        from quart import url_for


        async def test_urls(app):
            async with app.test_request_context("/"):
                assert url_for("index") == "/"
        """,
        path="tests/test_urls.py",
    )


@pytest.mark.parametrize(
    "body",
    [
        'return url_for("index", q=request.args["q"])',  # reads the request
        'session["x"] = 1\n                    return url_for("index")',  # writes the session
        'return url_for("index") + g.suffix',  # the request's g
        "return links()",  # project code, which may read the request
        'return self.link("index")',  # a method of the project's own
        'return "/"',  # builds no URL: nothing to gain
        'return build(url_for)',  # url_for handed over, called later
        'return (lambda: url_for("index"))()',  # runs later
    ],
)
def test_blocks_that_need_more_than_urls_stay_a_finding(body):
    source = f"""\
        from flask import current_app, g, request, session, url_for

        from helpers import build


        def links():
            return [url_for("index")]


        class Urls:
            def link(self, name):
                return name

            @property
            def home(self):
                with current_app.test_request_context():
                    {body}
        """
    output, findings, _ = run_rewrite(source, files={"helpers.py": "def build(f):\n    return f('index')\n"})
    assert "_f2q_request_urls" not in output
    assert 'with current_app.test_request_context("/"):' in output
    finding = next(f for f in findings if f.code == "F2Q107")
    assert "impossible in `Urls.home`" in finding.message


def test_current_app_in_a_block_of_another_app_stays_a_finding():
    # Flask's test_request_context pushes the app's context too: current_app works in the block
    # there, not under the sync builder unless a context was there already.
    output, findings, _ = run_rewrite(
        """\
        from flask import Flask, current_app

        app = Flask(__name__)


        class Urls:
            @property
            def home(self):
                with app.test_request_context():
                    return current_app.url_for("index")
        """
    )
    assert "_f2q_request_urls" not in output
    assert codes(findings) == ["F2Q107"]


# --- behaviour: the ported URLs are Flask's ---------------------------------------------------

APP = """\
from flask import Blueprint, Flask, current_app, url_for

bp = Blueprint("api", __name__, url_prefix="/api")


@bp.route("/items")
def items():
    return "items"


@bp.route("/items/<name>")
def detail(name):
    return name


def index():
    return "index"


def create_app(config):
    app = Flask(__name__)
    app.config.update(config)
    app.register_blueprint(bp)
    app.add_url_rule("/", "index", index)
    return app


class Links:
    def __init__(self, name):
        self.name = name

    @property
    def items(self):
        with current_app.test_request_context():
            return url_for("api.items")

    @property
    def relative(self):
        with current_app.test_request_context("/api/items?page=2"):
            return url_for(".detail", name=self.name)

    @property
    def top_level(self):
        with current_app.test_request_context("/"):
            return url_for(".index")

    @property
    def external(self):
        with current_app.test_request_context():
            return url_for("api.detail", name=self.name, _external=True)

    @property
    def anchored(self):
        with current_app.test_request_context():
            return current_app.url_for("api.items", _anchor="top x", page=2)

    @property
    def scheme(self):
        with current_app.test_request_context():
            return url_for("index", _scheme="https", _external=True)

    @property
    def based(self):
        with current_app.test_request_context(base_url="http://other:5000/base"):
            return [url_for("index"), url_for("index", _external=True)]

    @property
    def sub(self):
        with current_app.test_request_context(subdomain="api", url_scheme="https"):
            return url_for("api.items", _external=True)

    @property
    def missing(self):
        with current_app.test_request_context():
            return url_for("nowhere")
"""

PROPERTIES = ("items", "relative", "top_level", "external", "anchored", "scheme", "based", "sub", "missing")

#: Flask config -> the same settings under Quart (F2Q115 moves PREFERRED_URL_SCHEME to PREFER_SECURE_URLS).
CONFIGS = [
    ({}, {}),
    ({"SERVER_NAME": "example.org:8080"}, {"SERVER_NAME": "example.org:8080"}),
    ({"APPLICATION_ROOT": "/root"}, {"APPLICATION_ROOT": "/root"}),
    ({"PREFERRED_URL_SCHEME": "https"}, {"PREFER_SECURE_URLS": True}),
]


def _load(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    sys.modules[name] = module  # Blueprint(__name__) finds its root path through it
    try:
        exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    finally:
        del sys.modules[name]
    return module


def _answers(links: object) -> list[object]:
    got: list[object] = []
    for prop in PROPERTIES:
        try:
            got.append(getattr(links, prop))
        except Exception as error:  # the same error on both sides is the same answer
            got.append(type(error).__name__)
    return got


@pytest.mark.parametrize(("flask_config", "quart_config"), CONFIGS)
def test_urls_are_the_ones_flask_builds(flask_config, quart_config):
    flask_side = _load("flask_links", APP)
    flask_app = flask_side.create_app(flask_config)
    with flask_app.app_context():
        expected = _answers(flask_side.Links("a b"))
    assert expected[0] == flask_config.get("APPLICATION_ROOT", "") + "/api/items"
    assert "BuildError" in expected

    output, findings, _ = run_rewrite(APP)
    assert findings == []
    quart_side = _load("quart_links", output)
    quart_app = quart_side.create_app(quart_config)

    async def answers() -> list[object]:
        async with quart_app.app_context():
            return _answers(quart_side.Links("a b"))

    assert asyncio.run(answers()) == expected
