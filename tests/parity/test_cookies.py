"""Cookies (parity.cookies): Set-Cookie headers as Werkzeug writes them, each side's cookie jar,
and the payload of real Flask and Quart session cookies."""

from __future__ import annotations

import itertools
import types
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import flask
import pytest
import quart

from flask2quart.parity import Case, ParityRequest, ParityRunner
from flask2quart.parity.cookies import CookieJar, SetCookie, decode_session, parse_set_cookie
from flask2quart.parity.engine import Conversation

_names = itertools.count()


def werkzeug_set_cookie(name: str, value: str = "", **kwargs: Any) -> str:
    """The Set-Cookie header Werkzeug (Flask's and Quart's response class) writes."""
    response = flask.Response()
    response.set_cookie(name, value, **kwargs)
    (header,) = response.headers.getlist("Set-Cookie")
    return header


def werkzeug_delete_cookie(name: str, **kwargs: Any) -> str:
    response = flask.Response()
    response.delete_cookie(name, **kwargs)
    (header,) = response.headers.getlist("Set-Cookie")
    return header


# ---------------------------------------------------------------------------------------------
# parse_set_cookie


def test_every_attribute_werkzeug_writes() -> None:
    header = werkzeug_set_cookie(
        "theme",
        "dark",
        max_age=3600,
        path="/app",
        domain="example.com",
        secure=True,
        httponly=True,
        samesite="Lax",
        partitioned=True,
    )
    cookie = parse_set_cookie(header)
    assert cookie.name == "theme" and cookie.value == "dark"
    assert set(cookie.attributes) == {
        "Max-Age",
        "Expires",
        "Path",
        "Domain",
        "Secure",
        "HttpOnly",
        "SameSite",
        "Partitioned",
    }
    assert cookie.attributes["Max-Age"] == "3600"
    assert cookie.attributes["Path"] == "/app"
    assert cookie.attributes["Domain"] == "example.com"
    assert cookie.attributes["SameSite"] == "Lax"
    # flags carry no value
    assert (
        cookie.attributes["Secure"]
        == cookie.attributes["HttpOnly"]
        == cookie.attributes["Partitioned"]
        == ""
    )
    assert cookie.attributes["Expires"].endswith(" GMT")


def test_expires_from_a_datetime() -> None:
    when = datetime(2031, 5, 17, 12, 30, tzinfo=UTC)
    cookie = parse_set_cookie(werkzeug_set_cookie("promo", "spring", expires=when))
    assert cookie.attributes["Expires"] == "Sat, 17 May 2031 12:30:00 GMT"
    assert "Max-Age" not in cookie.attributes
    assert cookie.attributes["Path"] == "/"
    assert cookie.expires_at(now=0) == when.timestamp()


def test_max_age_wins_over_expires() -> None:
    past = datetime(2001, 1, 1, tzinfo=UTC)
    cookie = parse_set_cookie(werkzeug_set_cookie("a", "1", max_age=60, expires=past))
    assert cookie.expires_at(now=1000.0) == 1060.0


def test_a_session_cookie_has_no_expiry() -> None:
    cookie = parse_set_cookie(werkzeug_set_cookie("a", "1"))
    assert cookie.expires_at(now=1000.0) is None


def test_samesite_values() -> None:
    for samesite in ("Strict", "Lax", "None"):
        cookie = parse_set_cookie(werkzeug_set_cookie("a", "1", samesite=samesite, secure=True))
        assert cookie.attributes["SameSite"] == samesite


def test_delete_cookie() -> None:
    cookie = parse_set_cookie(werkzeug_delete_cookie("session", path="/app"))
    assert cookie.name == "session" and cookie.value == ""
    assert cookie.attributes["Max-Age"] == "0"
    assert cookie.attributes["Path"] == "/app"
    assert cookie.expires_at(now=5000.0) == 5000.0


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("hello world", "hello world"),  # Werkzeug quotes a value with a space
        ("a,b", r"a\054b"),  # and escapes a comma, octal, inside quotes
        ('say "hi"', r"say \"hi\""),
    ],
)
def test_quoted_values_lose_their_quotes(value: str, expected: str) -> None:
    header = werkzeug_set_cookie("q", value)
    assert header.startswith('q="')
    cookie = parse_set_cookie(header)
    assert cookie.value == expected
    assert cookie.attributes == {"Path": "/"}


def test_lenient_parsing() -> None:
    cookie = parse_set_cookie('  name = "v"  ;path=/x;  httponly;SECURE=ignored; Priority=High; ;')
    assert cookie == SetCookie(
        "name", "v", {"Path": "/x", "HttpOnly": "", "Secure": "", "Priority": "High"}, '"v"'
    )
    assert parse_set_cookie("token=a=b=c").value == "a=b=c"
    assert parse_set_cookie("empty=").value == ""
    assert parse_set_cookie('q=""').value == ""
    assert parse_set_cookie('q="').value == '"'


# ---------------------------------------------------------------------------------------------
# CookieJar


@pytest.fixture
def clock(monkeypatch: pytest.MonkeyPatch) -> list[float]:
    """The jar's clock, moved by the test."""
    now = [1_800_000_000.0]
    monkeypatch.setattr(
        "flask2quart.parity.cookies.time", types.SimpleNamespace(time=lambda: now[0])
    )
    return now


def test_an_empty_jar_sends_nothing() -> None:
    jar = CookieJar()
    assert jar.header_for("/") is None and len(jar) == 0


def test_path_matching() -> None:
    jar = CookieJar()
    jar.update([werkzeug_set_cookie("site", "1"), werkzeug_set_cookie("app", "2", path="/app")])
    assert jar.header_for("/") == "site=1"
    assert jar.header_for("/other") == "site=1"
    assert jar.header_for("/app") == "app=2; site=1"  # the longer path first, as browsers send
    assert jar.header_for("/app/x/y") == "app=2; site=1"
    assert jar.header_for("/application") == "site=1"
    assert jar.header_for("/ap") == "site=1"


def test_a_path_with_a_trailing_slash() -> None:
    jar = CookieJar()
    jar.update([werkzeug_set_cookie("a", "1", path="/admin/")])
    assert jar.header_for("/admin/") == "a=1"
    assert jar.header_for("/admin/users") == "a=1"
    assert jar.header_for("/administrator") is None


def test_overwrite_keeps_one_cookie_per_name_and_path() -> None:
    jar = CookieJar()
    jar.update([werkzeug_set_cookie("theme", "light")])
    jar.update([werkzeug_set_cookie("theme", "dark")])
    assert jar.header_for("/") == "theme=dark" and len(jar) == 1
    # the same name on another path is another cookie
    jar.update([werkzeug_set_cookie("theme", "blue", path="/app")])
    assert len(jar) == 2
    assert jar.header_for("/app") == "theme=blue; theme=dark"
    assert jar.header_for("/") == "theme=dark"


def test_several_headers_in_one_answer_last_wins() -> None:
    jar = CookieJar()
    jar.update(
        [
            werkzeug_set_cookie("a", "1"),
            werkzeug_set_cookie("b", "2"),
            werkzeug_set_cookie("a", "3"),
        ]
    )
    assert jar.header_for("/") == "a=3; b=2"


def test_deletion_by_max_age_zero() -> None:
    jar = CookieJar()
    jar.update([werkzeug_set_cookie("session", "abc"), werkzeug_set_cookie("keep", "1")])
    jar.update([werkzeug_delete_cookie("session")])
    assert jar.header_for("/") == "keep=1" and len(jar) == 1


def test_deletion_only_on_its_own_path() -> None:
    jar = CookieJar()
    jar.update([werkzeug_set_cookie("a", "root"), werkzeug_set_cookie("a", "app", path="/app")])
    jar.update([werkzeug_delete_cookie("a", path="/app")])
    assert jar.header_for("/app") == "a=root"


def test_deletion_by_an_expires_in_the_past() -> None:
    jar = CookieJar()
    jar.update([werkzeug_set_cookie("old", "1"), werkzeug_set_cookie("keep", "1")])
    jar.update([werkzeug_set_cookie("old", "", expires=datetime(2000, 1, 1, tzinfo=UTC))])
    assert jar.header_for("/") == "keep=1"


def test_a_past_expires_on_a_new_cookie_is_not_stored() -> None:
    jar = CookieJar()
    jar.update([werkzeug_set_cookie("gone", "1", expires=datetime(2000, 1, 1, tzinfo=UTC))])
    assert jar.header_for("/") is None and len(jar) == 0


def test_expiry_by_max_age(clock: list[float]) -> None:
    jar = CookieJar()
    jar.update(
        [
            werkzeug_set_cookie("short", "1", max_age=10),
            werkzeug_set_cookie("long", "2", max_age=100),
        ]
    )
    assert jar.header_for("/") == "short=1; long=2"
    clock[0] += 9
    assert jar.header_for("/") == "short=1; long=2"
    clock[0] += 2
    assert jar.header_for("/") == "long=2"
    clock[0] += 100
    assert jar.header_for("/") is None


def test_expiry_by_expires(clock: list[float]) -> None:
    jar = CookieJar()
    expires = format_datetime(datetime.fromtimestamp(clock[0] + 30, UTC), usegmt=True)
    jar.update([f"promo=spring; Expires={expires}; Path=/"])
    assert jar.header_for("/") == "promo=spring"
    clock[0] += 31
    assert jar.header_for("/") is None


def test_a_quoted_value_is_sent_back_as_the_app_can_read_it() -> None:
    from werkzeug.http import parse_cookie

    jar = CookieJar()
    jar.update([werkzeug_set_cookie("greeting", "hello world, é")])
    header = jar.header_for("/")
    assert header is not None
    assert parse_cookie(header).get("greeting") == "hello world, é"


def make_cookie_apps() -> tuple[flask.Flask, quart.Quart]:
    flask_app = flask.Flask(f"cookies_flask_{next(_names)}")
    quart_app = quart.Quart(f"cookies_quart_{next(_names)}")

    @flask_app.get("/set")
    def flask_set() -> Any:
        response = flask.make_response("set")
        response.set_cookie("greeting", flask.request.args["value"])
        return response

    @quart_app.get("/set")
    async def quart_set() -> Any:
        response = await quart.make_response("set")
        response.set_cookie("greeting", quart.request.args["value"])
        return response

    @flask_app.get("/get")
    def flask_get() -> Any:
        return {"greeting": flask.request.cookies.get("greeting")}

    @quart_app.get("/get")
    async def quart_get() -> Any:
        return {"greeting": quart.request.cookies.get("greeting")}

    return flask_app, quart_app


async def send_back(value: str) -> list[Any]:
    """Step 1 sets a cookie, step 2 reads it: what each app read."""
    async with ParityRunner.in_process(*make_cookie_apps()) as runner:
        conversation = Conversation()
        case = Case("cookies", [])
        await runner.send_step(
            conversation, case, ParityRequest.build("GET", "/set", query={"value": value})
        )
        step = await runner.send_step(conversation, case, ParityRequest.build("GET", "/get"))
    assert step.flask is not None and step.quart is not None
    return [
        flask.json.loads(step.flask.body)["greeting"],
        flask.json.loads(step.quart.body)["greeting"],
    ]


async def test_each_app_reads_back_a_plain_cookie() -> None:
    assert await send_back("dark") == ["dark", "dark"]


async def test_each_app_reads_back_a_quoted_cookie() -> None:
    assert await send_back("hello world") == ["hello world", "hello world"]


# ---------------------------------------------------------------------------------------------
# decode_session with the apps' own session interfaces

NOTES = [f"note {index}: " + "x" * 20 for index in range(40)]


def session_apps() -> tuple[flask.Flask, quart.Quart]:
    flask_app = flask.Flask(f"session_flask_{next(_names)}")
    quart_app = quart.Quart(f"session_quart_{next(_names)}")
    flask_app.secret_key = "flask-secret"
    quart_app.secret_key = "a-different-quart-secret"

    @flask_app.get("/login")
    def flask_login() -> Any:
        flask.session["user_id"] = 1
        if flask.request.args.get("big"):
            flask.session["notes"] = NOTES
        flask.flash("Welcome back", "info")
        return "ok"

    @quart_app.get("/login")
    async def quart_login() -> Any:
        quart.session["user_id"] = 1
        if quart.request.args.get("big"):
            quart.session["notes"] = NOTES
        await quart.flash("Welcome back", "info")
        return "ok"

    return flask_app, quart_app


def session_value(headers: list[str]) -> str:
    (cookie,) = [parse_set_cookie(header) for header in headers if header.startswith("session=")]
    return cookie.value


async def session_cookies(query: str) -> tuple[str, str]:
    flask_app, quart_app = session_apps()
    flask_headers = flask_app.test_client().get(f"/login?{query}").headers.getlist("Set-Cookie")
    quart_response = await quart_app.test_client().get(f"/login?{query}")
    return session_value(flask_headers), session_value(quart_response.headers.getlist("Set-Cookie"))


@pytest.mark.parametrize("big", [False, True], ids=["plain", "compressed"])
async def test_flask_and_quart_session_cookies_decode_to_the_same_payload(big: bool) -> None:
    flask_value, quart_value = await session_cookies("big=1" if big else "")
    # signed with different keys, at different times: the values differ, the payloads do not
    assert flask_value != quart_value
    assert flask_value.startswith(".") is big and quart_value.startswith(".") is big
    expected: dict[str, Any] = {"user_id": 1, "_flashes": [["info", "Welcome back"]]}
    if big:
        expected["notes"] = NOTES
    assert decode_session(flask_value) == expected
    assert decode_session(quart_value) == expected


def test_tagged_values_other_than_tuples_are_kept() -> None:
    flask_app = flask.Flask(f"session_flask_{next(_names)}")
    flask_app.secret_key = "k"

    @flask_app.get("/")
    def view() -> Any:
        flask.session["when"] = datetime(2030, 1, 2, tzinfo=UTC)
        flask.session["pair"] = (1, 2)
        return "ok"

    value = session_value(flask_app.test_client().get("/").headers.getlist("Set-Cookie"))
    decoded = decode_session(value)
    assert decoded["pair"] == [1, 2]
    assert decoded["when"] == {" d": "Wed, 02 Jan 2030 00:00:00 GMT"}


@pytest.mark.parametrize(
    "value",
    ["", "dark", "a.b", "a.b.c.d", "not base64!.sig.sig", "abc.def.ghi", "eyJhIjox.x.y"],
)
def test_a_value_that_is_not_a_session_cookie_raises_value_error(value: str) -> None:
    with pytest.raises(ValueError):
        decode_session(value)


def test_a_dotted_value_that_is_not_compressed_raises_value_error() -> None:
    with pytest.raises(ValueError):
        decode_session(".abcd.def.ghi")


def test_a_signed_value_from_another_serializer_decodes_without_the_key() -> None:
    from itsdangerous import URLSafeTimedSerializer

    value = URLSafeTimedSerializer("any key", salt="cookie-session").dumps({"cart": [1, 2]})
    assert decode_session(value) == {"cart": [1, 2]}
