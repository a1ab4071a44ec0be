"""Field patterns, rule scopes and comparators (parity.rules), on their own and applied by the
engine to real Flask and Quart apps."""

from __future__ import annotations

import itertools
import textwrap
import uuid
from pathlib import Path
from typing import Any

import flask
import pytest
import quart

from flask2quart.parity import (
    Case,
    Category,
    ParityOptions,
    ParityRequest,
    ParityRunner,
    Rules,
    Verdict,
)
from flask2quart.parity.rules import (
    RuleError,
    RuleSet,
    ScopedRules,
    compile_pattern,
    matches,
    resolve_comparator,
)

_names = itertools.count()

# ---------------------------------------------------------------------------------------------
# matches()


@pytest.mark.parametrize(
    ("pattern", "field", "expected"),
    [
        ("status", "status", True),
        ("status", "status_code", False),
        ("status", "header:status", False),
        # header names are case-insensitive, in the pattern as in the field
        ("header:x-request-id", "header:x-request-id", True),
        ("header:X-Request-ID", "header:x-request-id", True),
        ("header:x-request-id", "header:x-request-ids", False),
        ("header:x-request-id", "header:x-correlation-id", False),
        ("header:x-*", "header:x-request-id", True),
        ("header:X-*", "header:x-powered-by", True),
        ("header:x-*", "header:content-type", False),
        ("header:x-*", "cookie:x-a", False),
        # cookie attributes
        ("cookie:theme;SameSite", "cookie:theme;SameSite", True),
        ("cookie:theme;SameSite", "cookie:theme;Path", False),
        ("cookie:theme;SameSite", "cookie:theme", False),
        ("cookie:theme", "cookie:theme;SameSite", True),  # a cookie covers its attributes
        ("cookie:theme", "cookie:theme", True),
        ("cookie:theme", "cookie:themes", False),
        ("cookie:*;Expires", "cookie:csrf;Expires", True),
        ("cookie:*;Expires", "cookie:csrf;Max-Age", False),
        # JSON paths
        ("body:$.links[*].created", "body:$.links[0].created", True),
        ("body:$.links[*].created", "body:$.links[12].created", True),
        ("body:$.links[*].created", "body:$.links[0].title", False),
        ("body:$.links[*].created", "body:$.links.created", False),
        ("body:$.links[0].created", "body:$.links[0].created", True),
        ("body:$.links[0].created", "body:$.links[1].created", False),
        ("body:$.links[0].created", "body:$.links[10].created", False),
        # $.. at any depth, including the top
        ("body:$..created", "body:$.created", True),
        ("body:$..created", "body:$.links[3].created", True),
        ("body:$..created", "body:$.a.b[0].c.created", True),
        ("body:$..created", "body:$.a.created_at", False),
        ("body:$..created", "body:$.a.not_created", False),
        ("body:$..created", "session:$.created", False),
        # a bare $ path is a body path
        ("$.a", "body:$.a", True),
        ("$.a", "body:$.a.b", True),
        ("$.a", "session:$.a", False),
        ("$..id", "body:$.items[2].id", True),
        # a pattern covers what is below it, not what merely starts like it
        ("body:$.links", "body:$.links[0].title", True),
        ("body:$.links", "body:$.links", True),
        ("body:$.link", "body:$.links", False),
        ("body:$.link", "body:$.links[0].title", False),
        ("session:$.user", "session:$.user.id", True),
        ("session:$.user", "session:$.user_id", False),
        ("body:$.a", "body:$.a[3]", True),
        # special characters are literal
        ("body:$.a+b", "body:$.a+b", True),
        ("body:$.a+b", "body:$.aab", False),
        ("body:$.a.b", "body:$.aXb", False),
    ],
)
def test_matches(pattern: str, field: str, expected: bool) -> None:
    assert matches(pattern, field) is expected


@pytest.mark.parametrize("field", ["body:$.count", "body:line 3", "body:final newline"])
def test_body_covers_the_whole_body(field: str) -> None:
    assert matches("body", field)


def test_body_matches_the_body_field() -> None:
    assert matches("body", "body")
    assert not matches("body", "status")


@pytest.mark.parametrize(
    "pattern",
    ["", "   ", "nope:x", "headers:x-a", "Status", "x-request-id", "cookies:theme", "json:$.a"],
)
def test_bad_patterns_raise_rule_error(pattern: str) -> None:
    with pytest.raises(RuleError):
        compile_pattern(pattern)
    with pytest.raises(RuleError):
        Rules.build(ignore=[pattern])


def test_bad_patterns_are_refused_in_every_place() -> None:
    for kwargs in (
        {"only": ["nope:x"]},
        {"comparators": {"nope:x": "casefold"}},
        {"routes": {"index": {"ignore": ["nope:x"]}}},
        {"routes": {"/api/*": {"only": ["nope:x"]}}},
        {"routes": {"index": {"compare": {"nope:x": "set"}}}},
    ):
        with pytest.raises(RuleError, match="nope:x"):
            Rules.build(**kwargs)


# ---------------------------------------------------------------------------------------------
# scopes


@pytest.fixture
def rules() -> Rules:
    return Rules.build(
        ignore=["header:x-request-id"],
        routes={
            "api.list_links": {"ignore": ["body:$.generated_at"]},
            "/api/links/<int:link_id>": {"ignore": ["body:$.views"]},
            "/static/*": {"ignore": ["header:etag"]},
        },
    )


def ignores(rule_sets: list[RuleSet]) -> list[str]:
    return [pattern for rule_set in rule_sets for pattern in rule_set.ignore]


def test_everywhere_applies_to_every_route(rules: Rules) -> None:
    assert rules.for_route(None, None, "/nowhere") == [rules.everywhere]


def test_for_route_by_endpoint_name(rules: Rules) -> None:
    assert ignores(rules.for_route("api.list_links", "/api/links", "/api/links")) == [
        "header:x-request-id",
        "body:$.generated_at",
    ]
    assert ignores(rules.for_route("api.create_link", "/api/links", "/api/links")) == [
        "header:x-request-id"
    ]


def test_for_route_by_url_rule(rules: Rules) -> None:
    scoped = rules.for_route("api.get_link", "/api/links/<int:link_id>", "/api/links/3")
    assert ignores(scoped) == ["header:x-request-id", "body:$.views"]
    # the same path matched by another rule does not pick the rule's settings
    assert ignores(rules.for_route("other", "/api/links/<slug>", "/api/links/3")) == [
        "header:x-request-id"
    ]


def test_for_route_by_path_glob(rules: Rules) -> None:
    assert ignores(rules.for_route("static", "/static/<path:filename>", "/static/css/app.css")) == [
        "header:x-request-id",
        "header:etag",
    ]
    assert ignores(rules.for_route(None, None, "/static/app.js")) == [
        "header:x-request-id",
        "header:etag",
    ]
    assert ignores(rules.for_route(None, None, "/staticfiles/app.js")) == ["header:x-request-id"]


def test_an_endpoint_key_is_not_a_glob() -> None:
    rules = Rules.build(routes={"api*": {"ignore": ["status"]}})
    assert rules.for_route("api.list_links", "/api/links", "/api/links") == [rules.everywhere]
    assert len(rules.for_route("api*", "/x", "/x")) == 2


def test_ignored_by_order_case_then_only_then_ignore() -> None:
    scoped = ScopedRules(
        [
            RuleSet(ignore=["header:x-*"], only=["header:*", "body:$.links"]),
            RuleSet(ignore=["header:x-request-id"]),
        ],
        case_ignore=("header:x-request-id", "body:$.secret"),
    )
    # the case's own ignore wins, even over a field that `only` leaves out
    assert scoped.ignored_by("header:x-request-id") == "header:x-request-id"
    assert scoped.ignored_by("body:$.secret") == "body:$.secret"
    # then `only` (across scopes): what none of its patterns names is left out
    assert scoped.ignored_by("body:$.count") == "only: header:*, body:$.links"
    assert scoped.ignored_by("cookie:theme") == "only: header:*, body:$.links"
    # status is always compared
    assert scoped.ignored_by("status") is None
    # then the ignore lists, in scope order
    assert scoped.ignored_by("header:x-powered-by") == "header:x-*"
    # and what is left is compared
    assert scoped.ignored_by("header:content-type") is None
    assert scoped.ignored_by("body:$.links[0].title") is None


def test_only_from_a_route_scope_restricts_that_route() -> None:
    rules = Rules.build(routes={"api.get_link": {"only": ["body:$.id"]}})
    on_route = ScopedRules(rules.for_route("api.get_link", "/api/links/<int:id>", "/api/links/1"))
    elsewhere = ScopedRules(rules.for_route("index", "/", "/"))
    assert on_route.ignored_by("body:$.title") == "only: body:$.id"
    assert on_route.ignored_by("body:$.id") is None
    assert elsewhere.ignored_by("body:$.title") is None


def test_comparator_for_the_most_specific_scope_wins() -> None:
    def everywhere(flask: Any, quart: Any) -> bool:
        return True

    def on_route(flask: Any, quart: Any) -> bool:
        return False

    rules = Rules.build(
        comparators={"body:$.price": everywhere, "body:$.total": everywhere},
        routes={"shop.cart": {"compare": {"body:$.price": on_route}}},
    )
    cart = ScopedRules(rules.for_route("shop.cart", "/cart", "/cart"))
    assert cart.comparator_for("body:$.price") == ("body:$.price", on_route)
    assert cart.comparator_for("body:$.total") == ("body:$.total", everywhere)
    assert cart.comparator_for("body:$.tax") is None
    index = ScopedRules(rules.for_route("index", "/", "/"))
    assert index.comparator_for("body:$.price") == ("body:$.price", everywhere)
    assert cart.has_comparators and not ScopedRules([RuleSet()]).has_comparators


def test_comparator_patterns_cover_fields_below() -> None:
    rules = Rules.build(comparators={"body:$.items[*].price": "tolerance:0.5"})
    scoped = ScopedRules(rules.for_route(None, None, "/"))
    assert scoped.comparator_for("body:$.items[4].price") is not None
    assert scoped.comparator_for("body:$.items[4].name") is None


# ---------------------------------------------------------------------------------------------
# comparators


def test_tolerance() -> None:
    within = resolve_comparator("tolerance:0.5")
    assert within(1.0, 1.5) and within(2, 1.6) and within("3.0", "3.25")
    assert not within(1.0, 1.6)
    assert not within(None, 1.0)
    # what is not a number is compared as it is
    assert within("abc", "abc") and not within("abc", "abd")
    exact = resolve_comparator("tolerance")
    assert exact(1, 1.0) and not exact(1.0, 1.0001)
    with pytest.raises(RuleError, match="tolerance:lots"):
        resolve_comparator("tolerance:lots")


def test_set() -> None:
    as_set = resolve_comparator("set")
    assert as_set("GET, HEAD, OPTIONS", "OPTIONS,GET,HEAD")
    assert as_set(["a", "b"], ("b", "a"))
    assert not as_set("GET, HEAD", "GET, HEAD, POST")
    assert not as_set(["a"], ["a", "b"])


def test_casefold() -> None:
    casefold = resolve_comparator("casefold")
    assert casefold("Straße", "STRASSE") and casefold("ABC", "abc")
    assert not casefold("abc", "abd")


def test_present() -> None:
    present = resolve_comparator("present")
    assert present("token-1", "token-2") and present(None, None) and present("", 0)
    assert not present("token", None) and not present(None, "token")


def test_a_callable_is_used_as_it_is() -> None:
    def never(flask: Any, quart: Any) -> bool:
        return False

    assert resolve_comparator(never) is never


@pytest.fixture
def comparator_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    module = f"user_rules_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(
        textwrap.dedent(
            """
            def same_prefix(flask, quart):
                return str(flask)[:3] == str(quart)[:3]

            NOT_CALLABLE = 3
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    return module


def test_module_function_comparator(comparator_module: str) -> None:
    same_prefix = resolve_comparator(f"{comparator_module}:same_prefix")
    assert same_prefix("abc-1", "abc-2") and not same_prefix("abc", "abd")


@pytest.mark.parametrize(
    ("spec", "expected"),
    [
        ("fuzzy", "expected one of casefold, set, present, tolerance, timestamp or 'module:function'"),
        ("no_such_module_f2q_rules:fn", "no_such_module_f2q_rules"),
        ("{module}:missing", "missing"),
        ("{module}:NOT_CALLABLE", "is not callable"),
    ],
)
def test_unusable_comparators(comparator_module: str, spec: str, expected: str) -> None:
    spec = spec.format(module=comparator_module)
    with pytest.raises(RuleError) as raised:
        resolve_comparator(spec)
    assert spec in str(raised.value) and expected in str(raised.value)


# ---------------------------------------------------------------------------------------------
# the rules applied by the engine to real apps


def make_apps(
    quart_price: float = 10.3, quart_name: str = "LINKBOX"
) -> tuple[flask.Flask, quart.Quart]:
    flask_app = flask.Flask(f"rules_flask_{next(_names)}")
    quart_app = quart.Quart(f"rules_quart_{next(_names)}")
    request_ids = itertools.count()

    @flask_app.get("/items/<int:item_id>")
    def flask_item(item_id: int) -> Any:
        response = flask.jsonify(id=item_id, price=10.0, name="linkbox", tags=["a", "b"])
        response.headers["X-Request-Id"] = f"flask-{next(request_ids)}"
        return response

    @quart_app.get("/items/<int:item_id>")
    async def quart_item(item_id: int) -> Any:
        response = quart.jsonify(id=item_id, price=quart_price, name=quart_name, tags=["a", "b"])
        response.headers["X-Request-Id"] = f"quart-{next(request_ids)}"
        return response

    return flask_app, quart_app


async def compare(
    flask_app: Any, quart_app: Any, rules: Rules, *, ignore: tuple[str, ...] = ()
) -> dict[str, Category]:
    options = ParityOptions(calibrate=False, rules=rules)
    case = Case("item", [ParityRequest.build("GET", "/items/7")], ignore=ignore)
    async with ParityRunner.in_process(flask_app, quart_app, options) as runner:
        report = await runner.run([case])
    return {difference.field: difference.category for difference in report.cases[0].differences}


async def test_engine_without_rules_names_every_difference() -> None:
    found = await compare(*make_apps(), Rules())
    assert found == {
        "header:x-request-id": Category.REAL,
        "body:$.price": Category.REAL,
        "body:$.name": Category.REAL,
    }


async def test_engine_applies_ignore_and_comparators_by_endpoint_rule_and_glob() -> None:
    flask_app, quart_app = make_apps()
    by_endpoint = Rules.build(
        ignore=["header:x-*"],
        routes={
            "flask_item": {"compare": {"body:$.price": "tolerance:0.5", "body:$.name": "casefold"}}
        },
    )
    assert await compare(flask_app, quart_app, by_endpoint) == {
        "header:x-request-id": Category.IGNORED
    }
    by_rule = Rules.build(
        routes={
            "/items/<int:item_id>": {"ignore": ["body:$.price", "$.name", "header:X-Request-Id"]}
        }
    )
    assert set((await compare(flask_app, quart_app, by_rule)).values()) == {Category.IGNORED}
    by_glob = Rules.build(routes={"/items/*": {"only": ["body:$.id"]}})
    assert set((await compare(flask_app, quart_app, by_glob)).values()) == {Category.IGNORED}
    elsewhere = Rules.build(
        routes={"/other/*": {"only": ["body:$.id"]}, "index": {"ignore": ["body"]}}
    )
    assert Category.REAL in (await compare(flask_app, quart_app, elsewhere)).values()


async def test_engine_a_comparator_does_not_accept_too_much() -> None:
    flask_app, quart_app = make_apps(quart_price=11.0)
    rules = Rules.build(
        ignore=["header:x-request-id"], comparators={"body:$.price": "tolerance:0.5"}
    )
    assert await compare(flask_app, quart_app, rules) == {
        "header:x-request-id": Category.IGNORED,
        "body:$.price": Category.REAL,
        "body:$.name": Category.REAL,
    }


async def test_engine_module_function_comparator_and_case_ignore(comparator_module: str) -> None:
    flask_app, quart_app = make_apps(quart_price=10.0, quart_name="linkbox-quart")
    rules = Rules.build(comparators={"body:$.name": f"{comparator_module}:same_prefix"})
    found = await compare(flask_app, quart_app, rules, ignore=("header:x-request-id",))
    assert found == {"header:x-request-id": Category.IGNORED}


async def test_engine_verdict_follows_the_rules() -> None:
    flask_app, quart_app = make_apps()
    rules = Rules.build(ignore=["header:x-request-id", "body:$.price", "body:$.name"])
    options = ParityOptions(calibrate=False, rules=rules)
    async with ParityRunner.in_process(flask_app, quart_app, options) as runner:
        report = await runner.run([Case("item", [ParityRequest.build("GET", "/items/1")])])
    assert report.cases[0].verdict is Verdict.MATCH and report.passed


async def test_engine_ignore_body_ignores_the_json_body() -> None:
    flask_app, quart_app = make_apps()
    found = await compare(flask_app, quart_app, Rules.build(ignore=["header:x-request-id", "body"]))
    assert set(found.values()) == {Category.IGNORED}


@pytest.mark.parametrize(
    ("flask_value", "quart_value", "equal"),
    [
        ("2026-01-01T10:00:00", "2026-01-01T10:00:01", True),  # a second boundary between the requests
        ("2026-01-01T10:00:00", "2026-01-01T10:01:01", False),
        ("2026-01-01T10:00:00+00:00", "2026-01-01T10:00:30Z", True),
        ("2026-01-01T10:00:00+00:00", "2026-01-01T10:00:00", False),  # one side lost its time zone
        ("Wed, 07 Jan 2026 10:00:00 GMT", "Wed, 07 Jan 2026 10:00:59 GMT", True),
        (1767261600, 1767261630.5, True),
        ("not a time", "not a time", True),
        ("not a time", "2026-01-01T10:00:00", False),
        (None, "2026-01-01T10:00:00", False),
        (True, 1, False),
    ],
)
def test_timestamp_comparator(flask_value: Any, quart_value: Any, equal: bool) -> None:
    assert resolve_comparator("timestamp:60")(flask_value, quart_value) is equal
