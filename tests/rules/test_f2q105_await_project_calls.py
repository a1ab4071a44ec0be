import asyncio
import types

from tests.helpers import check_noop, check_transformed, codes, run_rewrite

DB = """\
from flask import request


def form_value(name):
    return request.form.get(name)


def log_request():
    request.get_data()


def cleaned(name):
    return form_value(name).strip()


class Repo:
    def load(self):
        return request.get_json(force=True)

    def size(self):
        return 3
"""


def test_helpers_that_await_become_async_themselves():
    check_transformed(
        DB,
        """\
        from quart import request


        async def form_value(name):
            return (await request.form).get(name)


        async def log_request():
            await request.get_data()


        async def cleaned(name):
            return (await form_value(name)).strip()


        class Repo:
            async def load(self):
                return await request.get_json(force=True)

            def size(self):
                return 3
        """,
        path="db.py",
    )


def test_calls_from_another_module_are_awaited():
    check_transformed(
        """\
        import db
        from db import Repo, cleaned, log_request
        from flask import Blueprint

        bp = Blueprint("views", __name__)


        @bp.route("/")
        def index():
            log_request()  # result unused: still awaited
            name = cleaned("name").upper()
            other = db.form_value("other")
            repo = Repo()
            data = repo.load()
            return name + other + str(data) + str(repo.size())
        """,
        """\
        import db
        from db import Repo, cleaned, log_request
        from quart import Blueprint

        bp = Blueprint("views", __name__)


        @bp.route("/")
        async def index():
            await log_request()  # result unused: still awaited
            name = (await cleaned("name")).upper()
            other = await db.form_value("other")
            repo = Repo()
            data = await repo.load()
            return name + other + str(data) + str(repo.size())
        """,
        path="views.py",
        files={"db.py": DB},
    )


def test_calls_where_await_is_impossible_are_reported():
    findings = check_transformed(
        """\
        from db import form_value
        from flask import Blueprint

        bp = Blueprint("views", __name__)
        key = lambda: form_value("k")


        @bp.url_defaults
        def add_defaults(endpoint, values):
            values["x"] = form_value("x")
        """,
        """\
        from db import form_value
        from quart import Blueprint

        bp = Blueprint("views", __name__)
        key = lambda: form_value("k")


        @bp.url_defaults
        def add_defaults(endpoint, values):
            values["x"] = form_value("x")
        """,
        path="views.py",
        files={"db.py": DB},
    )
    assert codes(findings) == ["F2Q105", "F2Q105"]
    assert [f.line for f in findings] == [5, 10]
    assert "lambda" in findings[0].message
    assert "synchronously" in findings[1].message


def test_test_helper_class_calling_the_client_is_awaited_at_every_call_site():
    conftest = """\
    import pytest

    from myapp import create_app


    @pytest.fixture
    def client():
        return create_app().test_client()


    class AuthActions:
        def __init__(self, client):
            self._client = client

        def login(self, username="test"):
            return self._client.post("/auth/login", json={"username": username})

        def logout(self):
            return self._client.get("/auth/logout")


    @pytest.fixture
    def auth(client):
        return AuthActions(client)
    """
    check_transformed(
        """\
        def test_login(auth):
            response = auth.login()
            assert response.headers["Location"] == "/"


        def test_logout(auth):
            auth.login()
            auth.logout()


        def test_arithmetic():
            assert 1 + 1 == 2
        """,
        """\
        async def test_login(auth):
            response = await auth.login()
            assert response.headers["Location"] == "/"


        async def test_logout(auth):
            await auth.login()
            await auth.logout()


        def test_arithmetic():
            assert 1 + 1 == 2
        """,
        path="tests/test_auth.py",
        files={
            "tests/conftest.py": conftest,
            "myapp.py": "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n",
        },
    )


def test_parameter_shadowing_an_async_helper_is_not_awaited():
    check_noop(
        """\
        import db


        def apply(form_value):
            return form_value("x")
        """,
        path="tools.py",
        files={"db.py": DB},
    )


def test_monkeypatched_fake_of_a_function_that_became_async_becomes_async():
    files = {
        "myapp/__init__.py": "",
        "myapp/mail.py": (
            "from flask import render_template\n\n\n"
            "def send_welcome(user):\n    return render_template('welcome.txt', user=user)\n"
        ),
    }
    check_transformed(
        """\
        from myapp import mail


        def test_signup(client, monkeypatch):
            sent = []

            def fake_send_welcome(user):
                sent.append(user)

            monkeypatch.setattr("myapp.mail.send_welcome", fake_send_welcome)
            monkeypatch.setattr(mail, "send_welcome", fake_send_welcome)
            client.post("/signup", data={"name": "ada"})
            assert sent == ["ada"]
        """,
        """\
        from myapp import mail


        async def test_signup(client, monkeypatch):
            sent = []

            async def fake_send_welcome(user):
                sent.append(user)

            monkeypatch.setattr("myapp.mail.send_welcome", fake_send_welcome)
            monkeypatch.setattr(mail, "send_welcome", fake_send_welcome)
            await client.post("/signup", form={"name": "ada"})
            assert sent == ["ada"]
        """,
        path="tests/test_signup.py",
        files=files,
    )


def test_helper_imported_inside_the_calling_function_is_awaited():
    files = {
        "myapp/__init__.py": "",
        "myapp/db.py": (
            "from flask import request\n\n\n"
            "def payload():\n    return request.get_json(silent=True)\n"
        ),
    }
    check_transformed(
        """\
        from flask import Blueprint

        bp = Blueprint("api", __name__)


        @bp.route("/echo", methods=["POST"])
        def echo():
            from .db import payload  # imported here to avoid a cycle

            return {"echo": payload()}
        """,
        """\
        from quart import Blueprint

        bp = Blueprint("api", __name__)


        @bp.route("/echo", methods=["POST"])
        async def echo():
            from .db import payload  # imported here to avoid a cycle

            return {"echo": await payload()}
        """,
        path="myapp/views.py",
        files=files,
    )


def test_inherited_method_called_through_self_is_awaited():
    check_transformed(
        """\
        from flask import Flask, render_template_string
        from flask.views import MethodView

        app = Flask(__name__)


        class Base:
            def render(self):
                return render_template_string("b")


        class Child(Base, MethodView):
            def get(self):
                return self.render()
        """,
        """\
        from quart import Quart, render_template_string
        from quart.views import MethodView

        app = Quart(__name__)


        class Base:
            async def render(self):
                return await render_template_string("b")


        class Child(Base, MethodView):
            async def get(self):
                return await self.render()
        """,
    )


def test_async_function_used_as_a_value_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask, flash

        app = Flask(__name__)


        def note(message):
            flash(message)


        HANDLERS = {"note": note}


        def note_all(messages):
            list(map(note, messages))
        """,
        """\
        from quart import Quart, flash

        app = Quart(__name__)


        async def note(message):
            await flash(message)


        HANDLERS = {"note": note}


        def note_all(messages):
            list(map(note, messages))
        """,
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q105", 10), ("F2Q105", 14)]


def test_a_fixture_that_gives_a_function_is_awaited_where_tests_call_it():
    check_transformed(
        """\
        import pytest


        @pytest.fixture
        def api_login(client):
            def login(username="alice"):
                return client.post("/api/login", json={"username": username})

            return login


        def test_login(api_login):
            response = api_login("bob")
            assert response.status_code == 200
            assert response.get_json()["user"] == "bob"
        """,
        """\
        import pytest


        @pytest.fixture
        def api_login(client):
            async def login(username="alice"):
                return await client.post("/api/login", json={"username": username})

            return login


        async def test_login(api_login):
            response = await api_login("bob")
            assert response.status_code == 200
            assert (await response.get_json())["user"] == "bob"
        """,
        path="tests/test_api.py",
    )


def test_super_call_of_a_method_made_async_is_awaited():
    # `super().read()` reaches the base's `read`, one colour with the override that reads the form.
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        class Base:
            def value(self):
                return "[" + self.read() + "]"

            def read(self):
                return "base"


        class Sub(Base):
            def read(self):
                return super().read() + request.form["k"]


        @app.post("/")
        def view():
            return Sub().value()
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        class Base:
            async def value(self):
                return "[" + await self.read() + "]"

            async def read(self):
                return "base"


        class Sub(Base):
            async def read(self):
                return await super().read() + (await request.form)["k"]


        @app.post("/")
        async def view():
            return await Sub().value()
        """,
    )


def test_explicit_super_call_skips_to_the_named_class_base():
    # `super(Detail, self).get()` in a subclass of Detail reaches Detail's first base's `get`
    # (a MethodView method, async once ported): it is awaited as `super().get()` is.
    check_transformed(
        """\
        from flask import Flask
        from flask.views import MethodView

        app = Flask(__name__)


        class Download(MethodView):
            def get(self, name):
                return "download " + name


        class Detail(Download):
            def get(self, name):
                return "detail " + name


        class Raw(Detail):
            def get(self, name):
                return super(Detail, self).get(name)


        app.add_url_rule("/<name>", view_func=Raw.as_view("raw"))
        """,
        """\
        from quart import Quart
        from quart.views import MethodView

        app = Quart(__name__)


        class Download(MethodView):
            async def get(self, name):
                return "download " + name


        class Detail(Download):
            async def get(self, name):
                return "detail " + name


        class Raw(Detail):
            async def get(self, name):
                return await super(Detail, self).get(name)


        app.add_url_rule("/<name>", view_func=Raw.as_view("raw"))
        """,
    )


EXPLICIT_SUPER = """\
from flask import Flask
from flask.views import MethodView

app = Flask(__name__)


class Download(MethodView):
    def get(self, name):
        return "download " + name


class Detail(Download):
    def get(self, name):
        return "detail " + name


class Raw(Detail):
    def get(self, name):
        return super(Detail, self).get(name)


class Both(Detail):
    def get(self, name):
        return super(Both, self).get(name) + " / " + super(Detail, self).get(name)


app.add_url_rule("/raw/<name>", view_func=Raw.as_view("raw"))
app.add_url_rule("/both/<name>", view_func=Both.as_view("both"))
"""


def _load(name: str, source: str) -> types.ModuleType:
    module = types.ModuleType(name)
    exec(compile(source, f"{name}.py", "exec"), module.__dict__)
    return module


def test_explicit_super_calls_answer_as_under_flask():
    flask_client = _load("flask_side", EXPLICIT_SUPER).app.test_client()
    expected = [(r.status_code, r.get_data(as_text=True)) for r in (flask_client.get("/raw/a"), flask_client.get("/both/b"))]
    assert expected == [(200, "download a"), (200, "detail b / download b")]
    output, _, _ = run_rewrite(EXPLICIT_SUPER)
    quart_app = _load("quart_side", output).app

    async def fetch() -> list[tuple[int, str]]:
        client = quart_app.test_client()
        return [(r.status_code, await r.get_data(as_text=True)) for r in (await client.get("/raw/a"), await client.get("/both/b"))]

    assert asyncio.run(fetch()) == expected


def test_explicit_super_of_a_class_elsewhere_is_left_as_it_is():
    # `super(Other, self)` with `Other` unknown to the module: nothing is decided from it.
    check_noop(
        """\
        from lib import Other


        class Sub(Other):
            def read(self):
                return super(Other, self).read()
        """
    )


def test_super_call_of_a_sync_method_stays_sync():
    check_noop(
        """\
        class Base:
            def __init__(self, name):
                self.name = name


        class Sub(Base):
            def __init__(self):
                super().__init__("sub")
        """
    )


def test_method_of_a_function_local_class_made_async_is_awaited():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        def make():
            class Local:
                def read(self, name):
                    return request.form[name]

            return Local()


        @app.post("/")
        def view():
            class Reader:
                def read(self):
                    return request.form["a"]

            return Reader().read() + make().read("b")
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        def make():
            class Local:
                async def read(self, name):
                    return (await request.form)[name]

            return Local()


        @app.post("/")
        async def view():
            class Reader:
                async def read(self):
                    return (await request.form)["a"]

            return await Reader().read() + await make().read("b")
        """,
    )


def test_getattr_dispatch_by_a_run_time_name_to_a_method_made_async_is_reported():
    source = """\
        from flask import Flask, request

        app = Flask(__name__)


        class Api:
            def handle_get(self):
                return "listing"

            def handle_post(self):
                return request.form["a"]

            def dispatch(self):
                return getattr(self, "handle_" + request.method.lower())()

            def listing(self):
                return getattr(self, "handle_get")()


        @app.route("/", methods=["GET", "POST"])
        def view():
            return Api().dispatch()
        """
    findings = check_transformed(
        source,
        source.replace("from flask import Flask", "from quart import Quart").replace("Flask(", "Quart(")
        .replace("def view", "async def view").replace("def handle_post", "async def handle_post")
        .replace('request.form["a"]', '(await request.form)["a"]'),
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q105", 14)]
    assert "`handle_post` became async" in findings[0].message


def test_callbacks_listed_together_share_a_colour_and_their_calls_are_awaited():
    # `CHECKS = [check_a, check_b]`: whichever `check` is, it is awaited (so both become async);
    # the generator expression `join` reads whole becomes a list comprehension that can await.
    findings = check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        def check_a():
            return request.form["a"]


        def check_b():
            return "const"


        CHECKS = [check_a, check_b]


        @app.post("/")
        def view():
            first = [check() for check in CHECKS]
            return ",".join(check() for check in CHECKS) + ",".join(first)
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        async def check_a():
            return (await request.form)["a"]


        async def check_b():
            return "const"


        CHECKS = [check_a, check_b]


        @app.post("/")
        async def view():
            first = [await check() for check in CHECKS]
            return ",".join([await check() for check in CHECKS]) + ",".join(first)
        """,
    )
    assert findings == []


def test_a_list_of_callbacks_imported_from_another_module_is_followed():
    files = {
        "pkg/__init__.py": "",
        "pkg/checks.py": (
            "from flask import request\n\n\ndef check_a():\n    return request.form['a']\n\n\n"
            "def check_b():\n    return 'const'\n\n\nCHECKS = [check_a, check_b]\n"
        ),
    }
    check_transformed(
        """\
        from flask import Blueprint

        from .checks import CHECKS

        bp = Blueprint("b", __name__)


        @bp.post("/")
        def view():
            return ",".join([check() for check in CHECKS])
        """,
        """\
        from quart import Blueprint

        from .checks import CHECKS

        bp = Blueprint("b", __name__)


        @bp.post("/")
        async def view():
            return ",".join([await check() for check in CHECKS])
        """,
        path="pkg/views.py",
        files=files,
    )


def test_a_call_through_a_dispatch_table_of_functions_made_async_is_awaited():
    findings = check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        def go():
            return request.form["a"] + "#"


        def stop():
            return "stop"


        ACTIONS = {"go": go, "stop": stop}


        @app.post("/")
        def view():
            return ACTIONS[request.args["op"]]()
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        async def go():
            return (await request.form)["a"] + "#"


        async def stop():
            return "stop"


        ACTIONS = {"go": go, "stop": stop}


        @app.post("/")
        async def view():
            return await ACTIONS[request.args["op"]]()
        """,
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q105", 14), ("F2Q105", 14)]


def test_callbacks_reached_as_attributes_of_a_project_module_are_followed():
    files = {
        "pkg/__init__.py": "",
        "pkg/checks.py": (
            "from flask import request\n\n\ndef check_a():\n    return request.form['a']\n\n\n"
            "def check_b():\n    return 'const'\n\n\nCHECKS = [check_a, check_b]\nACTIONS = {'go': check_a}\n"
        ),
    }
    check_transformed(
        """\
        from flask import Blueprint

        from . import checks

        bp = Blueprint("b", __name__)


        @bp.post("/")
        def view():
            return ",".join([check() for check in checks.CHECKS]) + checks.ACTIONS["go"]()
        """,
        """\
        from quart import Blueprint

        from . import checks

        bp = Blueprint("b", __name__)


        @bp.post("/")
        async def view():
            return ",".join([await check() for check in checks.CHECKS]) + await checks.ACTIONS["go"]()
        """,
        path="pkg/views.py",
        files=files,
    )


SCRIPT = """\
import sys

from flask import Flask

app = Flask(__name__)


def names():
    with app.app_context():
        return [app.name, "done"]


def main():
    print(*names())
    return 3


if __name__ == "__main__":
    sys.exit(main())
"""


def test_the_main_block_runs_what_became_async_with_asyncio_run():
    output, findings, _ = run_rewrite(SCRIPT, path="tool.py")
    assert findings == []
    assert output.endswith('if __name__ == "__main__":\n    sys.exit(asyncio.run(main()))\n')
    assert "import asyncio\n" in output
    assert "    print(*await names())\n" in output


def test_the_ported_script_prints_and_exits_as_the_flask_one(tmp_path):
    import subprocess
    import sys

    def run(name: str, source: str) -> tuple[int, str]:
        (tmp_path / name).write_text(source)
        done = subprocess.run([sys.executable, name], cwd=tmp_path, capture_output=True, text=True, timeout=120)
        return done.returncode, done.stdout

    expected = run("flask_tool.py", SCRIPT)
    assert expected == (3, "flask_tool done\n")
    output, _, _ = run_rewrite(SCRIPT, path="tool.py")
    assert run("quart_tool.py", output) == (3, "quart_tool done\n")


def test_an_await_at_module_level_outside_the_main_block_is_still_reported():
    findings = check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        def names():
            with app.app_context():
                return [app.name]


        NAMES = names()
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        async def names():
            async with app.app_context():
                return [app.name]


        NAMES = names()
        """,
    )
    assert codes(findings) == ["F2Q105"]
    assert "module level" in findings[0].message


CONSOLE_APP = """\
from flask import Flask

app = Flask(__name__)


class Report:
    def __call__(self):
        with app.app_context():
            return [app.name, "report"]


def names():
    with app.app_context():
        return ["names"]


def main():
    print(*names(), *Report()())
    return 4
"""
CONSOLE_PYPROJECT = '[project]\nname = "tool"\nversion = "1"\n\n[project.scripts]\ntool = "app:main"\n'


def test_a_console_script_function_stays_sync_and_runs_what_became_async():
    output, findings, _ = run_rewrite(CONSOLE_APP, files={"pyproject.toml": CONSOLE_PYPROJECT})
    assert [f.code for f in findings] == []
    assert "\ndef main():\n    print(*asyncio.run(names()), *asyncio.run(Report()()))\n" in output
    assert "    async def __call__(self):\n" in output and "\nasync def names():\n" in output


def test_the_ported_console_script_prints_and_returns_as_the_flask_one(tmp_path):
    import subprocess
    import sys

    def run(folder: str, source: str) -> tuple[int, str]:
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "app.py").write_text(source)
        # as the script pip writes does: sys.exit(main())
        done = subprocess.run(
            [sys.executable, "-c", "import sys, app; sys.exit(app.main())"],
            cwd=tmp_path / folder, capture_output=True, text=True, timeout=120,
        )
        return done.returncode, done.stdout

    expected = run("flask", CONSOLE_APP)
    assert expected == (4, "names app report\n")
    output, _, _ = run_rewrite(CONSOLE_APP, files={"pyproject.toml": CONSOLE_PYPROJECT})
    assert run("quart", output) == expected


MAILER = """\
from threading import Thread, Timer

from flask import Flask, current_app

app = Flask(__name__)
SENT = []


def deliver(app, message):
    with app.app_context():
        SENT.append(f"{current_app.name}: {message}")


def send(message, later=False):
    if later:
        return Timer(0.01, deliver, args=(current_app._get_current_object(), message))
    return Thread(target=deliver, args=(current_app._get_current_object(), message))


@app.route("/send/<message>")
def send_view(message):
    for worker in (send(message), send(message, later=True)):
        worker.start()
        worker.join()
    return " | ".join(SENT)
"""


def test_a_thread_target_that_became_async_runs_on_a_loop_of_its_own():
    output, findings, _ = run_rewrite(MAILER, path="mailer.py")
    assert findings == []
    assert "    async with app.app_context():\n" in output
    assert (
        "Timer(0.01, lambda *args, **kwargs: asyncio.run(deliver(*args, **kwargs)), "
        "args=(current_app._get_current_object(), message))"
    ) in output
    assert (
        "Thread(target=lambda *args, **kwargs: asyncio.run(deliver(*args, **kwargs)), "
        "args=(current_app._get_current_object(), message))"
    ) in output


def test_a_sync_thread_target_is_left_alone():
    check_noop(
        """\
        from threading import Thread


        def work(n):
            return n


        def start():
            Thread(target=work, args=(1,)).start()
        """,
        path="jobs.py",
    )


async def test_the_ported_thread_does_the_work_the_flask_one_did():
    def load(source: str) -> types.ModuleType:
        module = types.ModuleType("mailer")
        exec(compile(source, "mailer.py", "exec"), module.__dict__)
        return module

    flask_app = load(MAILER)
    expected = flask_app.app.test_client().get("/send/hi").get_data(as_text=True)
    assert expected == "mailer: hi | mailer: hi"
    output, _, _ = run_rewrite(MAILER, path="mailer.py")
    ported = load(output)
    response = await ported.app.test_client().get("/send/hi")
    assert await response.get_data(as_text=True) == expected


PARTIAL_APP = """\
import functools
from functools import partial

from flask import Flask, request

app = Flask(__name__)


class Server:
    def handle_request(self, name):
        return request.form.get(name, "-")

    def get_endpoint(self, name):
        return functools.partial(self.handle_request, name)

    def direct(self):
        return self.handle_request


server = Server()


def shout(word):
    return request.form.get(word, "").upper()


@app.post("/<name>")
def view(name):
    endpoint = server.get_endpoint(name)
    loud = partial(shout, name)
    return endpoint() + loud() + server.direct()(name)
"""


def test_functools_partial_and_returned_methods_are_called_like_the_function_they_bind():
    """``partial(f, ...)`` is ``f`` for the value flow, and so is a method a project function
    returns: their calls are awaited where ``f`` became async (no "used as a value" finding; F2Q136
    adds its guard for the calls the flow cannot see, said as INFO)."""
    output, findings, _ = run_rewrite(PARTIAL_APP)
    assert "    return await endpoint() + await loud() + await server.direct()(name)\n" in output
    assert "    async def handle_request(self, name):\n" in output and "async def shout(word):\n" in output
    assert "    def get_endpoint(self, name):\n        return functools.partial(self.handle_request, name)\n" in output
    assert [(f.code, f.severity.value) for f in findings] == [("F2Q136", "info")]


async def test_a_partial_of_a_ported_method_answers_as_under_flask():
    import flask

    output, _, _ = run_rewrite(PARTIAL_APP)
    flask_side: dict[str, object] = {"__name__": "partial_app"}
    exec(compile(PARTIAL_APP, "app.py", "exec"), flask_side)
    quart_side: dict[str, object] = {"__name__": "partial_app"}
    exec(compile(output, "app.py", "exec"), quart_side)
    flask_app = flask_side["app"]
    assert isinstance(flask_app, flask.Flask)
    expected = flask_app.test_client().post("/x", data={"x": "ab"}).get_data(as_text=True)
    got = await (await quart_side["app"].test_client().post("/x", form={"x": "ab"})).get_data(as_text=True)  # type: ignore[attr-defined]
    assert got == expected == "abABab"


def test_a_partial_handed_to_sync_code_is_still_reported():
    _, findings, _ = run_rewrite(
        """\
        import functools

        from flask import Flask, request

        app = Flask(__name__)


        def size(name):
            return len(request.form.get(name, ""))


        @app.post("/")
        def view():
            return str(sorted("ab", key=functools.partial(size)))
        """
    )
    assert [(f.code, f.line) for f in findings if f.code == "F2Q105"] == [("F2Q105", 14)]


HOOK_BY_PARTIAL = """\
import contextvars
import functools

from flask import Flask, request

account = contextvars.ContextVar("account", default=None)


def set_account(server):
    account.set(server + ":" + request.headers.get("X-User", "anon"))


def create_app():
    app = Flask(__name__)
    app.before_request(functools.partial(set_account, "srv"))

    @app.get("/")
    def index():
        return account.get() or "none"

    return app
"""


async def test_a_hook_registered_through_functools_partial_is_a_hook():
    """Registered as ``before_request(partial(hook, ...))``, it is async like any hook: Quart runs a
    sync hook in a worker thread, where what it sets in a context variable (werkzeug's ``Local``
    too) is lost to the view."""
    output, findings, _ = run_rewrite(HOOK_BY_PARTIAL)
    assert "async def set_account(server):" in output
    assert "await_returned_coroutines" not in output and findings == []
    flask_side: dict[str, object] = {"__name__": "hook_app"}
    exec(compile(HOOK_BY_PARTIAL, "app.py", "exec"), flask_side)
    quart_side: dict[str, object] = {"__name__": "hook_app"}
    exec(compile(output, "app.py", "exec"), quart_side)
    expected = flask_side["create_app"]().test_client().get("/", headers={"X-User": "ada"}).get_data(as_text=True)  # type: ignore[operator]
    response = await quart_side["create_app"]().test_client().get("/", headers={"X-User": "ada"})  # type: ignore[operator]
    assert await response.get_data(as_text=True) == expected == "srv:ada"
