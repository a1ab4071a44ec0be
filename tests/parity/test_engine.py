"""The engine with real Flask and Quart apps in-process: one canonical request, lifespan,
cookies per side, normalisation, noise calibration, known differences and user rules."""

from __future__ import annotations

import itertools
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import flask
import pytest
import quart

from flask2quart.parity import (
    Case,
    Category,
    ParityOptions,
    ParityReport,
    ParityRequest,
    ParityRunner,
    Rules,
    Verdict,
)

_counter = itertools.count()


def echo_payload(request: Any) -> dict[str, Any]:
    return {
        "host": request.host,
        "url": request.url,
        "remote_addr": request.remote_addr,
        "args": sorted(request.args.items(multi=True)),
        "full_path": request.full_path,
        "user_agent": request.headers.get("User-Agent"),
        "content_length": request.content_length,
    }


def make_apps(**changes: Any) -> tuple[flask.Flask, quart.Quart]:
    """A Flask app and its faithful Quart port; ``changes`` make the port differ on purpose."""
    flask_app = flask.Flask(f"parity_flask_{next(_counter)}")
    quart_app = quart.Quart(f"parity_quart_{next(_counter)}")
    for app in (flask_app, quart_app):
        app.secret_key = "secret"
    started: list[str] = []

    @quart_app.before_serving
    async def startup() -> None:
        started.append("yes")

    quart_app.config["STARTED"] = started

    @flask_app.get("/echo/<path:rest>")
    def flask_echo(rest: str) -> Any:
        return flask.jsonify({**echo_payload(flask.request), "rest": rest})

    @quart_app.get("/echo/<path:rest>")
    async def quart_echo(rest: str) -> Any:
        return quart.jsonify({**echo_payload(quart.request), "rest": rest})

    @flask_app.post("/login")
    def flask_login() -> Any:
        flask.session["user"] = flask.request.form["user"]
        return flask.redirect("/me")

    @quart_app.post("/login")
    async def quart_login() -> Any:
        form = await quart.request.form
        quart.session["user"] = form["user"]
        return quart.redirect(changes.get("login_target", "/me"))

    @flask_app.get("/me")
    def flask_me() -> Any:
        return {"user": flask.session.get("user")}

    @quart_app.get("/me")
    async def quart_me() -> Any:
        return {"user": quart.session.get("user")}

    @flask_app.get("/stats")
    def flask_stats() -> Any:
        now = datetime.now(UTC).isoformat()
        response = flask.jsonify(total=3, at=now)
        response.headers["X-Trace"] = uuid.uuid4().hex
        return response

    @quart_app.get("/stats")
    async def quart_stats() -> Any:
        now = datetime.now(UTC).isoformat()
        response = quart.jsonify(total=changes.get("total", 3), at=now)
        response.headers["X-Trace"] = uuid.uuid4().hex
        return response

    @flask_app.get("/page")
    def flask_page() -> str:
        return f"<h1>Links</h1>\n<p>rendered at {time.perf_counter_ns()}</p>\n<p>3 links</p>\n"

    @quart_app.get("/page")
    async def quart_page() -> str:
        count = changes.get("links", 3)
        return f"<h1>Links</h1>\n<p>rendered at {time.perf_counter_ns()}</p>\n<p>{count} links</p>\n"

    @flask_app.get("/empty")
    def flask_empty() -> Any:
        return "", 204

    @quart_app.get("/empty")
    async def quart_empty() -> Any:
        return "", 204

    @flask_app.get("/price")
    def flask_price() -> Any:
        return {"price": 10.0}

    @quart_app.get("/price")
    async def quart_price() -> Any:
        return {"price": changes.get("price", 10.0)}

    @flask_app.post("/upload")
    def flask_upload() -> Any:
        return {"size": len(flask.request.get_data())}

    @quart_app.post("/upload")
    async def quart_upload() -> Any:
        return {"size": len(await quart.request.get_data())}

    return flask_app, quart_app


async def run(flask_app: Any, quart_app: Any, *requests: ParityRequest | Case, **options: Any) -> ParityReport:
    cases = [item if isinstance(item, Case) else Case(f"{item.method} {item.target}", [item]) for item in requests]
    async with ParityRunner.in_process(flask_app, quart_app, ParityOptions(**options)) as runner:
        return await runner.run(cases)


def beyond_vary(differences: list[Any]) -> list[Any]:
    """Differences other than the Vary: Cookie one each Quart version has its own way (known)."""
    for difference in differences:
        if difference.field == "header:vary":
            assert difference.category is Category.KNOWN and "Vary: Cookie" in difference.reason
    return [d for d in differences if d.field != "header:vary"]


def real(report: ParityReport) -> list[str]:
    return [d.field for case in report.cases for d in case.differences if d.category is Category.REAL]


async def test_one_canonical_request_means_no_test_client_noise() -> None:
    flask_app, quart_app = make_apps()
    request = ParityRequest.build(
        "GET", "/echo/caf%C3%A9/x", query=[("a", "*"), ("a", "2"), ("é", "ü")], headers={"User-Agent": "probe"}
    )
    report = await run(flask_app, quart_app, request)
    step = report.cases[0].steps[0]
    assert step.flask is not None and step.quart is not None
    assert step.flask.body == step.quart.body  # host, client address, raw query: byte for byte
    assert b'"remote_addr":"127.0.0.1"' in step.flask.body
    assert b'"rest":"caf\\u00e9/x"' in step.flask.body
    assert beyond_vary(report.cases[0].differences) == []


async def test_quart_lifespan_runs_before_the_first_request() -> None:
    flask_app, quart_app = make_apps()
    await run(flask_app, quart_app, ParityRequest.build("GET", "/me"))
    assert quart_app.config["STARTED"] == ["yes"]


async def test_each_side_keeps_its_own_cookies_across_steps() -> None:
    flask_app, quart_app = make_apps()
    case = Case(
        "log in, then ask who I am",
        [ParityRequest.build("POST", "/login", form={"user": "ann"}), ParityRequest.build("GET", "/me")],
    )
    report = await run(flask_app, quart_app, case)
    me = report.cases[0].steps[1]
    assert me.flask is not None and me.quart is not None
    assert me.flask.body == me.quart.body == b'{"user":"ann"}\n'
    assert report.passed, real(report)


async def test_a_different_redirect_after_login_is_named() -> None:
    flask_app, quart_app = make_apps(login_target="/elsewhere")
    case = Case("login", [ParityRequest.build("POST", "/login", form={"user": "ann"})])
    report = await run(flask_app, quart_app, case)
    assert not report.passed
    assert "header:location" in real(report)


async def test_session_cookies_are_compared_by_their_payload() -> None:
    flask_app, quart_app = make_apps()
    case = Case("login", [ParityRequest.build("POST", "/login", form={"user": "ann"})])
    report = await run(flask_app, quart_app, case)
    fields = {d.field for d in report.cases[0].differences}
    assert not any(name.startswith(("session:", "cookie:session")) for name in fields)

    quart_app.secret_key = "another secret"  # signature differs, payload does not
    report = await run(flask_app, quart_app, case)
    assert report.passed, real(report)


async def test_noise_is_learned_from_two_flask_answers_and_reported() -> None:
    flask_app, quart_app = make_apps()
    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/stats"), ParityRequest.build("GET", "/page"))
    assert report.passed, real(report)
    noisy = {name for fields in report.noise.values() for name in fields}
    assert {"body:$.at", "header:x-trace"} <= noisy
    page = report.cases[1].steps[0]
    assert [(d.field, d.category) for d in beyond_vary(page.differences)] == [("body:line 2", Category.NOISE)]


async def test_noise_does_not_hide_a_real_change_next_to_it() -> None:
    flask_app, quart_app = make_apps(total=4, links=4)
    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/stats"), ParityRequest.build("GET", "/page"))
    assert sorted(real(report)) == ["body:$.total", "body:line 3"]


async def test_random_bytes_that_decode_once_are_noise() -> None:
    # one random byte: text ("E") in the first Flask answer, not UTF-8 in the second; the Quart
    # answer is another byte: the whole body varies between two Flask answers
    flask_app = flask.Flask(f"bytes_flask_{next(_counter)}")
    quart_app = quart.Quart(f"bytes_quart_{next(_counter)}")
    answers = itertools.cycle([b"E", b"\xff"])

    @flask_app.get("/bytes")
    def flask_bytes() -> Any:
        return flask.Response(next(answers), mimetype="application/octet-stream")

    @quart_app.get("/bytes")
    async def quart_bytes() -> Any:
        return quart.Response(b"A", mimetype="application/octet-stream")

    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/bytes"))
    differences = report.cases[0].differences
    assert [(d.field, d.category) for d in differences] == [("body:line 1", Category.NOISE)]
    assert report.passed


async def test_without_calibration_nothing_is_noise() -> None:
    flask_app, quart_app = make_apps()
    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/stats"), calibrate=False)
    assert {"body:$.at", "header:x-trace"} <= set(real(report))
    assert report.noise == {}


async def test_ignore_rules_global_per_route_and_per_case() -> None:
    flask_app, quart_app = make_apps(total=4, price=10.5)
    stats, price = ParityRequest.build("GET", "/stats"), ParityRequest.build("GET", "/price")
    rules = Rules.build(ignore=["header:x-trace"], routes={"/stats": {"ignore": ["$.total"]}})
    report = await run(flask_app, quart_app, stats, price, rules=rules)
    assert real(report) == ["body:$.price"]
    ignored = {d.field: d.reason for d in report.cases[0].differences if d.category is Category.IGNORED}
    assert ignored["body:$.total"] == "ignored by $.total"

    report = await run(flask_app, quart_app, Case("price", [price], ignore=("body:$.price",)), rules=rules)
    assert report.passed


async def test_custom_comparators() -> None:
    flask_app, quart_app = make_apps(price=10.004)
    price = ParityRequest.build("GET", "/price")
    close = Rules.build(comparators={"body:$.price": "tolerance:0.01"})
    assert (await run(flask_app, quart_app, price, rules=close)).passed
    strict = Rules.build(comparators={"body:$.price": lambda flask, quart: flask == quart})
    assert real(await run(flask_app, quart_app, price, rules=strict)) == ["body:$.price"]


async def test_json_types_are_kept_apart() -> None:
    flask_app, quart_app = make_apps(price=10)  # 10 where Flask says 10.0
    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/price"))
    assert real(report) == ["body:$.price"]


async def test_known_differences_have_their_own_category() -> None:
    flask_app, quart_app = make_apps()
    report = await run(
        flask_app,
        quart_app,
        ParityRequest.build("GET", "/empty"),
        ParityRequest.build("HEAD", "/me"),
        ParityRequest.build("POST", "/upload", data=b"x" * (17 * 1024 * 1024)),
    )
    assert report.passed
    by_case = {case.case.name: case for case in report.cases}
    empty = beyond_vary(by_case["GET /empty"].differences)
    assert [(d.field, d.category) for d in empty] == [("header:content-length", Category.KNOWN)]
    head = by_case["HEAD /me"]
    assert head.verdict is Verdict.KNOWN
    assert all("HEAD" in d.reason for d in head.differences if d.field.startswith("body"))
    upload = by_case["POST /upload"]
    step = upload.steps[0]
    assert step.flask is not None and step.quart is not None
    assert (step.flask.status, step.quart.status) == (200, 413)
    assert upload.verdict is Verdict.KNOWN
    assert all("MAX_CONTENT_LENGTH" in d.reason for d in upload.differences)


async def test_config_differences_are_part_of_the_report() -> None:
    flask_app, quart_app = make_apps()
    quart_app.config["FEATURE_X"] = True
    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/me"))
    config = {item.key: item for item in report.config}
    assert config["MAX_CONTENT_LENGTH"].category is Category.KNOWN
    assert config["SEND_FILE_MAX_AGE_DEFAULT"].category is Category.KNOWN
    assert config["FEATURE_X"].category is Category.REAL
    assert "SECRET_KEY" not in config  # same value on both sides


async def test_an_app_that_raises_is_an_answer_not_a_crash() -> None:
    flask_app, quart_app = make_apps()

    @flask_app.get("/boom")
    def flask_boom() -> str:
        raise ZeroDivisionError("no")

    @quart_app.get("/boom")
    async def quart_boom() -> str:
        return "fine"

    flask_app.testing = True  # exceptions propagate out of the WSGI call
    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/boom"))
    fields = real(report)
    assert "error" in fields and "status" in fields


async def test_over_the_wire_unsafe_steps_are_skipped_unless_allowed() -> None:
    class Recorder:
        def __init__(self, label: str) -> None:
            self.label = label
            self.seen: list[str] = []

        async def start(self) -> None:
            return None

        async def close(self) -> None:
            return None

        async def send(self, request: ParityRequest) -> Any:
            from flask2quart.parity import RecordedResponse

            self.seen.append(request.method)
            return RecordedResponse(200, (("Content-Type", "text/plain"),), b"ok")

    for allow, expected in ((False, ["GET"]), (True, ["GET", "POST", "GET"])):
        flask_side, quart_side = Recorder("flask"), Recorder("quart")
        runner = ParityRunner(
            flask_side, quart_side, options=ParityOptions(allow_unsafe=allow, calibrate=False), over_the_wire=True
        )
        case = Case("flow", [ParityRequest.build("GET", "/"), ParityRequest.build("POST", "/x"), ParityRequest.build("GET", "/y")])
        async with runner:
            report = await runner.run([case])
        assert flask_side.seen == quart_side.seen == expected
        verdicts = [step.verdict for step in report.cases[0].steps]
        if not allow:
            assert verdicts == [Verdict.MATCH, Verdict.SKIPPED, Verdict.SKIPPED]
            assert "unsafe" in (report.cases[0].steps[1].skipped or "")


@pytest.mark.parametrize("calibrate", [True, False])
async def test_every_case_gets_a_verdict(calibrate: bool) -> None:
    flask_app, quart_app = make_apps()
    requests = [ParityRequest.build("GET", path) for path in ("/me", "/price", "/nope", "/empty")]
    report = await run(flask_app, quart_app, *requests, calibrate=calibrate)
    assert len(report.cases) == 4
    assert all(case.verdict in (Verdict.MATCH, Verdict.KNOWN) for case in report.cases)
    assert report.normalisations and report.mode == "in-process"


async def test_a_side_failing_mid_run_leaves_no_request_of_the_other_side_running() -> None:
    import asyncio

    from flask2quart.parity import RecordedResponse
    from flask2quart.parity.transports import TransportError

    finished: list[str] = []

    class Slow:
        label = "flask"

        async def start(self) -> None:
            return None

        async def close(self) -> None:
            return None

        async def send(self, request: ParityRequest) -> RecordedResponse:
            await asyncio.sleep(0.05)
            finished.append(request.path)
            return RecordedResponse(200, (), b"")

    class Broken(Slow):
        label = "quart"

        async def send(self, request: ParityRequest) -> RecordedResponse:
            raise TransportError("quart (http://127.0.0.1:9): gone")

    runner = ParityRunner(Slow(), Broken(), options=ParityOptions(calibrate=False), over_the_wire=True)
    async with runner:
        report = await runner.run([Case("a", [ParityRequest.build("GET", "/a")])])
    assert finished == ["/a"]  # the Flask request completed before the case ended
    assert report.cases[0].verdict is Verdict.ERROR
    assert report.cases[0].error == "quart (http://127.0.0.1:9): gone"
    assert not [task for task in asyncio.all_tasks() if task is not asyncio.current_task()]


@pytest.mark.parametrize("same_bytes", [True, False])
async def test_two_copies_of_a_static_file(tmp_path: Any, same_bytes: bool) -> None:
    """Two checkouts serve copies of one file (other folder, other mtime): known, as long as the
    bytes are the same."""
    import os

    flask_static, quart_static = tmp_path / "flask", tmp_path / "quart"
    for folder, text in ((flask_static, "body{color:red}\n"), (quart_static, "body{color:red}\n" if same_bytes else "body{color:blu}\n")):
        folder.mkdir()
        (folder / "site.css").write_text(text)
    os.utime(quart_static / "site.css", (1_700_000_000, 1_700_000_000))
    flask_app = flask.Flask(f"static_flask_{next(_counter)}", static_folder=str(flask_static), static_url_path="/static")
    quart_app = quart.Quart(f"static_quart_{next(_counter)}", static_folder=str(quart_static), static_url_path="/static")
    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/static/site.css"))
    categories = {d.field: d.category for d in report.cases[0].differences}
    assert categories["header:etag"] is (Category.KNOWN if same_bytes else Category.REAL)
    assert categories["header:last-modified"] is (Category.KNOWN if same_bytes else Category.REAL)
    assert report.passed is same_bytes


async def test_quarts_remote_addr_request_header_is_a_known_difference() -> None:
    # Quart adds Remote-Addr to every request's headers; an app that echoes its headers (as JSON,
    # as text lines, as a repr) shows it on the Quart side only: known, with its reason
    flask_app = flask.Flask(f"remote_addr_flask_{next(_counter)}")
    quart_app = quart.Quart(f"remote_addr_quart_{next(_counter)}")

    @flask_app.get("/json")
    def flask_json() -> Any:
        return flask.jsonify(dict(flask.request.headers))

    @quart_app.get("/json")
    async def quart_json() -> Any:
        return quart.jsonify(dict(quart.request.headers))

    @flask_app.get("/text")
    def flask_text() -> str:
        return "".join(f"{name}: {value}\n" for name, value in flask.request.headers.items())

    @quart_app.get("/text")
    async def quart_text() -> str:
        return "".join(f"{name}: {value}\n" for name, value in quart.request.headers.items())

    @flask_app.get("/repr")
    def flask_repr() -> Any:
        return flask.jsonify(repr(dict(flask.request.headers)))

    @quart_app.get("/repr")
    async def quart_repr() -> Any:
        return quart.jsonify(repr(dict(quart.request.headers)))

    requests = [ParityRequest.build("GET", path, headers={"X-Probe": "1"}) for path in ("/json", "/text", "/repr")]
    report = await run(flask_app, quart_app, *requests)
    assert report.passed, real(report)
    for case in report.cases:
        differences = beyond_vary(case.differences)
        assert differences, case.case.name
        for difference in differences:
            assert difference.category is Category.KNOWN, difference
            assert "Remote-Addr" in difference.reason


@pytest.mark.parametrize("quart_changes", [False, True])
async def test_non_ascii_header_text_is_a_known_encoding_difference(quart_changes: bool) -> None:
    # WSGI sends header text as Latin-1, Quart as UTF-8; Werkzeug tunnels a non-ASCII cookie
    # name's UTF-8 through Latin-1 and Quart encodes it again (httpbin's /response-headers and
    # /cookies/set with non-ASCII query arguments): known, unless the values really differ
    from flask2quart.parity.known import HEADER_ENCODING

    flask_app = flask.Flask(f"header_flask_{next(_counter)}")
    quart_app = quart.Quart(f"header_quart_{next(_counter)}")

    @flask_app.get("/headers")
    def flask_headers() -> Any:
        response = flask.make_response("ok")
        for name, value in flask.request.args.items():
            response.headers[name] = value
        response.set_cookie("¡ñ", "1")
        response.set_cookie("ĻĠ", "2")  # UTF-8 C4 A0: a Latin-1 space that cookie parsing strips
        return response

    @quart_app.get("/headers")
    async def quart_headers() -> Any:
        response = await quart.make_response("ok")
        for name, value in quart.request.args.items():
            response.headers[name] = value + ("!" if quart_changes and name == "sort" else "")
        response.set_cookie("¡ñ", "1")
        response.set_cookie("ĻĠ", "2")
        return response

    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/headers", query={"sort": "÷", "Ľľ": "z/O"}))
    differences = beyond_vary(report.cases[0].differences)
    fields = {d.field: (d.category, d.reason) for d in differences}
    known = (Category.KNOWN, HEADER_ENCODING)
    assert fields.pop("header:ľľ") == fields.pop("header:ä¾ä¾") == known
    assert fields.pop("cookie:Â¡Ã±") == fields.pop("cookie:Ã\x82Â¡Ã\x83Â±") == known
    assert fields.pop("cookie:Â¡Ã±;Path") == fields.pop("cookie:Ã\x82Â¡Ã\x83Â±;Path") == known
    cut_short = {field: fields.pop(field) for field in list(fields) if field.startswith("cookie:")}
    assert len(cut_short) == 4 and set(cut_short.values()) == {known}, cut_short
    if quart_changes:
        assert fields == {"header:sort": (Category.REAL, "")}
    else:
        assert fields == {"header:sort": known}
        assert report.passed


@pytest.mark.parametrize("hook_first", [True, False])
async def test_remote_addr_is_real_in_a_port_that_removes_it(hook_first: bool) -> None:
    # A port with F2Q130's hook shows the client's headers as Flask does; where something reads
    # them before the hook runs, Quart's Remote-Addr is no longer an expected difference: real
    from flask2quart.migrate.rules.f2q130_remote_addr_header import HOOK, HOOK_SOURCE
    from flask2quart.parity.known import REMOTE_ADDR_HOOK, REMOTE_ADDR_PORTED

    assert HOOK == REMOTE_ADDR_HOOK
    flask_app = flask.Flask(f"remote_addr_flask_{next(_counter)}")
    quart_app = quart.Quart(f"remote_addr_quart_{next(_counter)}")
    generated: dict[str, Any] = {"request": quart.request}
    exec(HOOK_SOURCE.replace("{request}", "request"), generated)

    async def snapshot() -> None:
        quart.g.headers = dict(quart.request.headers)

    hooks = [generated[HOOK], snapshot] if hook_first else [snapshot, generated[HOOK]]
    for hook in hooks:
        quart_app.before_request(hook)

    @flask_app.get("/json")
    def flask_json() -> Any:
        return flask.jsonify(dict(flask.request.headers))

    @quart_app.get("/json")
    async def quart_json() -> Any:
        return quart.jsonify(quart.g.headers)

    report = await run(flask_app, quart_app, ParityRequest.build("GET", "/json", headers={"X-Probe": "1"}))
    differences = beyond_vary(report.cases[0].differences)
    if hook_first:
        assert differences == [] and report.passed
    else:
        assert [(d.field, d.category, d.reason) for d in differences] == [
            ("body:$.Remote-Addr", Category.REAL, REMOTE_ADDR_PORTED)
        ]
