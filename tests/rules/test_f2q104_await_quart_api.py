import types

from tests.helpers import check_noop, check_transformed, codes, run_rewrite


def test_request_form_is_awaited_with_parentheses():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/", methods=["POST"])
        def index():
            name = request.form["name"]  # keep this comment
            other = request.form.get("other", "")
            return name + other
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.route("/", methods=["POST"])
        async def index():
            name = (await request.form)["name"]  # keep this comment
            other = (await request.form).get("other", "")
            return name + other
        """,
    )


def test_render_template_and_flash_are_awaited():
    check_transformed(
        """\
        import flask

        bp = flask.Blueprint("b", __name__)


        @bp.route("/")
        def page():
            flask.flash("hi")
            return flask.render_template("page.html")
        """,
        """\
        import quart

        bp = quart.Blueprint("b", __name__)


        @bp.route("/")
        async def page():
            await quart.flash("hi")
            return await quart.render_template("page.html")
        """,
    )


def test_local_named_request_is_not_flasks():
    check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        @app.route("/")
        def index():
            request = {"form": 1}
            return str(request.form)
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        @app.route("/")
        async def index():
            request = {"form": 1}
            return str(request.form)
        """,
    )


def test_module_without_flask_is_untouched():
    check_noop(
        """\
        def render_template(name):
            return name


        def view(request):
            return render_template(request.form)
        """
    )


def test_await_impossible_in_lambda_is_reported():
    findings = check_transformed(
        """\
        from flask import Flask, render_template

        app = Flask(__name__)
        page = lambda: render_template("x.html")
        """,
        """\
        from quart import Quart, render_template

        app = Quart(__name__)
        page = lambda: render_template("x.html")
        """,
    )
    assert codes(findings) == ["F2Q104"]
    assert "lambda" in findings[0].message
    assert findings[0].line == 4


def test_chained_awaits_are_parenthesised():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/upload", methods=["POST"])
        def upload():
            request.files["photo"].save("/tmp/photo")
            doc = request.files.get("doc")
            doc.save("/tmp/doc")
            key = request.get_json(force=True)["key"]
            raw = request.get_data(as_text=True).strip()
            if request.form:
                return key + raw
            return ""
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.route("/upload", methods=["POST"])
        async def upload():
            await (await request.files)["photo"].save("/tmp/photo")
            doc = (await request.files).get("doc")
            await doc.save("/tmp/doc")
            key = (await request.get_json(force=True))["key"]
            raw = (await request.get_data(as_text=True)).strip()
            if await request.form:
                return key + raw
            return ""
        """,
    )


def test_responses_reads_are_awaited_but_writes_are_not():
    check_transformed(
        """\
        from flask import Flask, current_app, make_response

        app = Flask(__name__)


        @app.route("/")
        def index():
            resp = make_response("ok")
            resp.data = b"replaced"
            body = resp.data
            return current_app.make_response((body, 200))


        @app.after_request
        def log_size(response):
            app.logger.info(len(response.get_data()))
            return response
        """,
        """\
        from quart import Quart, current_app, make_response

        app = Quart(__name__)


        @app.route("/")
        async def index():
            resp = await make_response("ok")
            resp.set_data(b"replaced")
            body = await resp.get_data()
            return await current_app.make_response((body, 200))


        @app.after_request
        async def log_size(response):
            app.logger.info(len(await response.get_data()))
            return response
        """,
    )


def test_get_json_without_options_keeps_flasks_415():
    findings = check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/api", methods=["POST"])
        def api():
            return {"name": request.json["name"]}
        """,
        """\
        from quart import Quart, request


        async def _f2q_get_json(request, **options):
            \"\"\"`request.get_json()` as Flask answers it: 415 when the body is not JSON.

            Quart returns None there instead (added by flask2quart, F2Q104).
            \"\"\"
            if not (options.get("force") or options.get("silent") or request.is_json):
                from werkzeug.exceptions import UnsupportedMediaType

                raise UnsupportedMediaType(
                    "Did not attempt to load JSON data because the request Content-Type was not"
                    " 'application/json'."
                )
            return await request.get_json(**options)


        app = Quart(__name__)


        @app.route("/api", methods=["POST"])
        async def api():
            return {"name": (await _f2q_get_json(request))["name"]}
        """,
    )
    assert findings == []


def test_parameter_named_request_shadows_flasks():
    check_transformed(
        """\
        from flask import request


        def first_field(request):
            return request.form["x"]


        def current_field():
            return request.form["x"]
        """,
        """\
        from quart import request


        def first_field(request):
            return request.form["x"]


        async def current_field():
            return (await request.form)["x"]
        """,
    )


def test_aliased_names_are_awaited():
    check_transformed(
        """\
        import flask as f
        from flask import request as req


        def view():
            name = req.form["name"]
            payload = f.request.get_json(silent=True)
            f.flash("saved")
            return f.render_template("x.html", name=name, payload=payload)
        """,
        """\
        import quart as f
        from quart import request as req


        async def view():
            name = (await req.form)["name"]
            payload = await f.request.get_json(silent=True)
            await f.flash("saved")
            return await f.render_template("x.html", name=name, payload=payload)
        """,
    )


def test_app_context_push_and_pop_are_awaited():
    check_transformed(
        """\
        from flask import Flask

        app = Flask(__name__)


        def run_job():
            ctx = app.app_context()
            ctx.push()
            try:
                return 1
            finally:
                ctx.pop()
        """,
        """\
        from quart import Quart

        app = Quart(__name__)


        async def run_job():
            ctx = app.app_context()
            await ctx.push()
            try:
                return 1
            finally:
                await ctx.pop()
        """,
    )


def test_uploads_saved_in_loops_are_awaited():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.route("/up", methods=["POST"])
        def up():
            for f in request.files.getlist("photos"):
                f.save("/tmp/" + f.filename)
            for name, upload in request.files.items():
                upload.save("/tmp/" + name)
            return "ok"
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.route("/up", methods=["POST"])
        async def up():
            for f in (await request.files).getlist("photos"):
                await f.save("/tmp/" + f.filename)
            for name, upload in (await request.files).items():
                await upload.save("/tmp/" + name)
            return "ok"
        """,
    )


def test_request_finished_receiver_reading_the_body_becomes_async():
    check_transformed(
        """\
        from flask import Flask, request_finished

        app = Flask(__name__)
        BODIES = []


        def log(sender, response, **extra):
            BODIES.append(response.get_data(as_text=True))


        request_finished.connect(log, app)
        """,
        """\
        from quart import Quart, request_finished

        app = Quart(__name__)
        BODIES = []


        async def log(sender, response, **extra):
            BODIES.append(await response.get_data(as_text=True))


        request_finished.connect(log, app)
        """,
    )


def test_a_comprehension_target_named_request_is_local():
    # Its targets shadow Flask's `request` inside it; the first iterable is still read outside it.
    check_transformed(
        """\
        from flask import Flask, jsonify, request

        app = Flask(__name__)


        def forms(items):
            return [request.form for request in items]


        def sizes(items):
            return {request.form: len(request.form) for request in items}, {request.form for request in items}


        @app.post("/")
        def view():
            names = [request.strip() for request in request.args.getlist("n")]
            keys = [key for key in request.form if key]
            return jsonify(forms([]), sizes([]), names, keys)
        """,
        """\
        from quart import Quart, jsonify, request

        app = Quart(__name__)


        def forms(items):
            return [request.form for request in items]


        def sizes(items):
            return {request.form: len(request.form) for request in items}, {request.form for request in items}


        @app.post("/")
        async def view():
            names = [request.strip() for request in request.args.getlist("n")]
            keys = [key for key in await request.form if key]
            return jsonify(forms([]), sizes([]), names, keys)
        """,
    )


def test_a_comprehension_over_the_form_in_an_async_function_is_awaited_inside():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.post("/")
        def view():
            return ",".join([request.form[k] for k in ("a", "b")])
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.post("/")
        async def view():
            return ",".join([(await request.form)[k] for k in ("a", "b")])
        """,
    )


def test_a_plain_generator_reading_the_request_stays_sync_and_is_reported():
    # Its callers iterate it with `for`, `list()`, `join`, `yield from`: an async generator would
    # break each of them (and `yield from` would not compile), so it stays sync, reported.
    source = """\
        from flask import Flask, request

        app = Flask(__name__)


        def fields():
            for name in sorted(request.form):
                yield name + "=" + request.form[name]


        def wrapped():
            yield "<"
            yield from fields()


        @app.post("/")
        def view():
            out = [item for item in fields()]
            return ",".join(out) + "".join(wrapped()) + ",".join(list(fields()))
        """
    findings = check_transformed(
        source,
        source.replace("from flask import Flask", "from quart import Quart").replace("Flask(", "Quart(").replace("def view", "async def view"),
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q104", 7), ("F2Q104", 8)]
    assert "cannot be in `fields`" in findings[0].message


def test_a_cached_function_reading_the_request_stays_sync_and_is_reported():
    # cachetools would cache the coroutine object, which can be awaited once only.
    source = """\
        import cachetools
        from flask import Flask, request

        app = Flask(__name__)


        @cachetools.cached(cache={})
        def rates():
            return request.form["base"]


        @app.post("/")
        def view():
            return rates()
        """
    findings = check_transformed(
        source,
        source.replace("from flask import Flask", "from quart import Quart").replace("Flask(", "Quart(").replace("def view", "async def view"),
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q104", 9)]
    assert "cannot be in `rates`" in findings[0].message


def test_a_generator_streamed_from_a_view_still_becomes_async():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        @app.get("/")
        def view():
            def generate():
                yield request.get_data()

            return app.response_class(generate())
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        @app.get("/")
        async def view():
            async def generate():
                yield await request.get_data()

            return app.response_class(generate())
        """,
    )


def test_a_function_handed_to_sync_code_that_calls_it_stays_sync_and_is_reported():
    # `key=`, `default=`, `re.sub`'s replacement, `list.sort`: the caller cannot await.
    source = """\
        import json
        import re

        from flask import Flask, request

        app = Flask(__name__)


        def weight(name):
            return int(request.form.get(name, "0"))


        def enc(obj):
            return request.form["x"]


        def repl(match):
            return request.form.get(match.group(1), "?")


        @app.post("/")
        def view():
            names = ["a", "b"]
            names.sort(key=weight)
            found = max(names, key=weight) + json.dumps({"v": object()}, default=enc)
            return found + re.sub(r"{(\\w+)}", repl, "x{a}y")
        """
    findings = check_transformed(
        source,
        source.replace("from flask import Flask", "from quart import Quart").replace("Flask(", "Quart(").replace("def view", "async def view"),
    )
    assert [(f.code, f.line) for f in findings] == [("F2Q104", 10), ("F2Q104", 14), ("F2Q104", 18)]


def test_a_project_function_named_like_a_builtin_is_not_a_sync_consumer():
    check_transformed(
        """\
        from flask import Flask, request

        app = Flask(__name__)


        def max(key):
            return key()


        def read():
            return request.form["a"]


        @app.post("/")
        def view():
            return max(key=read)
        """,
        """\
        from quart import Quart, request

        app = Quart(__name__)


        async def max(key):
            return await key()


        async def read():
            return (await request.form)["a"]


        @app.post("/")
        async def view():
            return await max(key=read)
        """,
    )


WORKER = """\
from flask import Flask, current_app, render_template_string

app = Flask("worker")
app.app_context().push()


def job():
    return render_template_string("{{ name }} ran", name=current_app.name)
"""


def test_an_app_context_pushed_at_module_level_is_pushed_there():
    output, findings, _ = run_rewrite(WORKER, path="worker.py")
    assert findings == []
    assert "\n_f2q_push_now(app.app_context())\n" in output
    assert "async def job():\n    return await render_template_string(" in output


def test_the_worker_module_runs_its_job_in_the_context_it_pushed_as_under_flask():
    import asyncio
    import contextvars

    def load(source: str) -> types.ModuleType:
        module = types.ModuleType("worker")
        exec(compile(source, "worker.py", "exec"), module.__dict__)
        return module

    # each in a context of its own: the push is the importing thread's, as Flask's was
    expected = contextvars.Context().run(lambda: load(WORKER).job())
    assert expected == "worker ran"
    output, _, _ = run_rewrite(WORKER, path="worker.py")
    assert contextvars.Context().run(lambda: asyncio.run(load(output).job())) == expected
