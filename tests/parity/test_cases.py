"""Case files (YAML and JSON, one schema) and ``module:NAME`` Python cases: what they load to,
and a one-line ``CaseFileError`` naming the file, the case and the problem for every mistake."""

from __future__ import annotations

import json
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest
import yaml

from flask2quart.parity import Case, CaseFileError, ParityRequest, load_cases
from flask2quart.parity.rules import ScopedRules

# one case file, written as YAML and as JSON
SCHEMA: dict[str, Any] = {
    "ignore": ["header:x-request-id"],
    "only": ["status", "body:$.links"],
    "compare": {"body:$.price": "tolerance:0.5", "header:x-tags": "set"},
    "routes": {
        "api.list_links": {
            "ignore": ["body:$.generated_at"],
            "compare": {"body:$.title": "casefold"},
        },
        "/api/links/<int:link_id>": {"only": ["body:$.id"]},
        "/static/*": {"ignore": ["header:etag"]},
    },
    "cases": [
        "GET /ping",
        "post /api/reset?force=1",
        {
            "name": "with a query mapping",
            "request": {"path": "/search", "query": {"q": "flask quart", "tag": ["a", "b"]}},
        },
        {"request": {"path": "/search", "query": "q=flask%20quart&tag=a"}},
        {
            "name": "log in, then list my links",
            "steps": [
                {
                    "method": "POST",
                    "path": "/auth/login",
                    "form": {"username": "test", "password": "s3cret!"},
                },
                {
                    "path": "/api/links",
                    "query": {"tag": "python"},
                    "headers": {"Accept": "application/json"},
                },
                {
                    "method": "PUT",
                    "path": "/api/links/1",
                    "json": {"title": "Quart", "tags": ["async"]},
                },
                {
                    "method": "POST",
                    "path": "/raw",
                    "data": "plain text",
                    "headers": {"Content-Type": "text/plain"},
                },
            ],
            "ignore": ["header:location", "cookie:session"],
        },
    ],
}


def write(path: Path, text: str) -> Path:
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def error_of(tmp_path: Path, text: str, name: str = "cases.yaml") -> str:
    path = write(tmp_path / name, text)
    with pytest.raises(CaseFileError) as raised:
        load_cases(str(path))
    message = str(raised.value)
    assert message.startswith(str(path)), message
    assert "\n" not in message
    return message


@pytest.fixture
def both(tmp_path: Path) -> tuple[Path, Path]:
    yaml_path = tmp_path / "cases.yaml"
    yaml_path.write_text(yaml.safe_dump(SCHEMA, sort_keys=False), encoding="utf-8")
    json_path = tmp_path / "cases.json"
    json_path.write_text(json.dumps(SCHEMA, indent=2), encoding="utf-8")
    return yaml_path, json_path


# ---------------------------------------------------------------------------------------------
# what a file loads to


def test_yaml_and_json_with_the_same_content_give_the_same_cases_and_rules(
    both: tuple[Path, Path],
) -> None:
    from_yaml, from_json = (load_cases(str(path)) for path in both)
    assert [(case.name, case.steps, case.ignore) for case in from_yaml.cases] == [
        (case.name, case.steps, case.ignore) for case in from_json.cases
    ]
    assert len(from_yaml.cases) == 5
    for loaded in (from_yaml, from_json):
        assert loaded.rules.everywhere.ignore == ["header:x-request-id"]
        assert loaded.rules.everywhere.only == ["status", "body:$.links"]
        assert set(loaded.rules.everywhere.comparators) == {"body:$.price", "header:x-tags"}
        assert set(loaded.rules.routes) == {
            "api.list_links",
            "/api/links/<int:link_id>",
            "/static/*",
        }
    # the comparators behave the same whichever file they came from
    for loaded in (from_yaml, from_json):
        tolerance = loaded.rules.everywhere.comparators["body:$.price"]
        assert tolerance(1.0, 1.4) and not tolerance(1.0, 1.6)
        as_set = loaded.rules.everywhere.comparators["header:x-tags"]
        assert as_set("a, b", "b,a") and not as_set("a, b", "a")
    # the source of a case is its file
    assert {case.source for case in from_yaml.cases} == {str(both[0])}
    assert {case.source for case in from_json.cases} == {str(both[1])}


def test_method_path_shorthand(both: tuple[Path, Path]) -> None:
    cases = load_cases(str(both[0])).cases
    assert cases[0].name == "GET /ping"
    assert cases[0].steps == [ParityRequest("GET", "/ping")]
    # the method is upper-cased and an inline query is kept as the query string
    assert cases[1].name == "POST /api/reset?force=1"
    assert cases[1].steps == [ParityRequest("POST", "/api/reset", "force=1")]
    assert not cases[1].safe and cases[0].safe


def test_request_is_one_step_and_steps_are_several(both: tuple[Path, Path]) -> None:
    cases = load_cases(str(both[0])).cases
    assert len(cases[2].steps) == 1
    assert cases[2].name == "with a query mapping"
    login = cases[4]
    assert login.name == "log in, then list my links"
    assert [(step.method, step.path) for step in login.steps] == [
        ("POST", "/auth/login"),
        ("GET", "/api/links"),
        ("PUT", "/api/links/1"),
        ("POST", "/raw"),
    ]
    # a case without a name is named after its first step
    assert cases[3].name == "GET /search?q=flask%20quart&tag=a"


def test_query_as_a_mapping_is_encoded_and_as_a_string_is_kept(both: tuple[Path, Path]) -> None:
    cases = load_cases(str(both[0])).cases
    assert cases[2].steps[0].query_string == "q=flask+quart&tag=a&tag=b"
    assert cases[3].steps[0].query_string == "q=flask%20quart&tag=a"
    assert cases[3].steps[0].target == "/search?q=flask%20quart&tag=a"


def test_json_form_and_data_bodies(both: tuple[Path, Path]) -> None:
    login, links, put, raw = load_cases(str(both[0])).cases[4].steps
    assert login.body == b"username=test&password=s3cret%21"
    assert login.header("content-type") == "application/x-www-form-urlencoded"
    assert links.body == b"" and links.header("content-type") is None
    assert links.header("accept") == "application/json"
    assert json.loads(put.body) == {"title": "Quart", "tags": ["async"]}
    assert put.header("Content-Type") == "application/json"
    assert raw.body == b"plain text"
    # the case's own Content-Type is kept, not doubled
    assert [value for name, value in raw.headers if name.lower() == "content-type"] == [
        "text/plain"
    ]


def test_a_json_body_keeps_a_content_type_the_case_gives(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cases.yaml",
        """
        cases:
          - request: {method: POST, path: /x, json: [1, 2], headers: {content-type: application/vnd.api+json}}
        """,
    )
    (request,) = load_cases(str(path)).cases[0].steps
    assert json.loads(request.body) == [1, 2]
    assert [value for name, value in request.headers if name.lower() == "content-type"] == [
        "application/vnd.api+json"
    ]


def test_per_case_ignore(both: tuple[Path, Path]) -> None:
    cases = load_cases(str(both[0])).cases
    assert cases[4].ignore == ("header:location", "cookie:session")
    assert cases[0].ignore == ()
    scoped = ScopedRules([], cases[4].ignore)
    assert scoped.ignored_by("cookie:session;HttpOnly") == "cookie:session"
    assert scoped.ignored_by("header:location") == "header:location"
    assert scoped.ignored_by("status") is None


def test_a_single_ignore_string_is_one_pattern(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cases.yaml",
        """
        ignore: header:x-request-id
        cases:
          - {request: {path: /}, ignore: "body:$.now"}
        """,
    )
    loaded = load_cases(str(path))
    assert loaded.rules.everywhere.ignore == ["header:x-request-id"]
    assert loaded.cases[0].ignore == ("body:$.now",)


def test_routes_rules_apply_by_endpoint_url_rule_and_glob(both: tuple[Path, Path]) -> None:
    rules = load_cases(str(both[0])).rules
    by_endpoint = rules.for_route("api.list_links", "/api/links", "/api/links")
    assert [rule_set.ignore for rule_set in by_endpoint] == [
        ["header:x-request-id"],
        ["body:$.generated_at"],
    ]
    assert ScopedRules(by_endpoint).comparator_for("body:$.title") is not None
    by_rule = rules.for_route("api.get_link", "/api/links/<int:link_id>", "/api/links/7")
    assert by_rule[-1].only == ["body:$.id"]
    by_glob = rules.for_route(None, None, "/static/app.css")
    assert by_glob[-1].ignore == ["header:etag"]
    assert rules.for_route("index", "/", "/") == [rules.everywhere]


def test_compare_takes_builtin_names_and_module_functions(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    module = f"user_comparators_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(
        "def same_length(flask, quart):\n    return len(str(flask)) == len(str(quart))\n",
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    path = write(
        tmp_path / "cases.yaml",
        f"""
        compare:
          body:$.name: casefold
          header:vary: set
          body:$.token: present
          body:$.total: "tolerance:0.01"
          body:$.code: {module}:same_length
        cases: [GET /]
        """,
    )
    comparators = load_cases(str(path)).rules.everywhere.comparators
    assert comparators["body:$.name"]("Flask", "FLASK") and not comparators["body:$.name"](
        "Flask", "Quart"
    )
    assert comparators["header:vary"]("Cookie, Accept", "Accept,Cookie")
    assert comparators["body:$.token"]("abc", "xyz") and not comparators["body:$.token"](
        "abc", None
    )
    assert comparators["body:$.total"](10.0, 10.005) and not comparators["body:$.total"](
        10.0, 10.02
    )
    assert comparators["body:$.code"]("abcd", "wxyz") and not comparators["body:$.code"](
        "abcd", "xyz"
    )
    assert comparators["body:$.code"] is sys.modules[module].same_length


def test_a_top_level_list_is_a_list_of_cases(tmp_path: Path) -> None:
    path = write(tmp_path / "cases.yaml", "- GET /a\n- {request: {path: /b}}\n")
    assert [case.name for case in load_cases(str(path)).cases] == ["GET /a", "GET /b"]


def test_a_yml_suffix_and_an_existing_file_without_suffix_are_files(tmp_path: Path) -> None:
    yml = write(tmp_path / "cases.yml", "cases: [GET /a]\n")
    plain = write(tmp_path / "cases", "cases: [GET /b]\n")
    assert load_cases(str(yml)).cases[0].name == "GET /a"
    assert load_cases(str(plain)).cases[0].name == "GET /b"


# ---------------------------------------------------------------------------------------------
# every mistake: one line naming the file, the case/step and the problem


def test_unknown_key_at_the_top(tmp_path: Path) -> None:
    message = error_of(tmp_path, "cases: [GET /]\nignored: [status]\n")
    assert "unknown key 'ignored'" in message
    assert "cases" in message and "routes" in message  # lists what is allowed


def test_unknown_key_in_a_case_names_the_case(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """
        cases:
          - GET /
          - {name: second, request: {path: /}, expect: 200}
        """,
    )
    assert "case 2" in message and "unknown key 'expect'" in message


def test_unknown_key_in_a_step_names_the_case_and_the_step(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """
        cases:
          - steps:
              - {path: /a}
              - {path: /b, body: "x"}
        """,
    )
    assert "case 1, step 2" in message and "unknown key 'body'" in message


def test_unknown_key_in_a_route(tmp_path: Path) -> None:
    message = error_of(tmp_path, "routes: {index: {skip: true}}\ncases: [GET /]\n")
    assert "routes.index" in message and "unknown key 'skip'" in message


def test_both_json_and_form(tmp_path: Path) -> None:
    message = error_of(
        tmp_path,
        """
        cases:
          - GET /
          - GET /x
          - request: {method: POST, path: /x, json: {a: 1}, form: {a: 1}}
        """,
    )
    assert "case 3" in message
    assert "json" in message and "form" in message


def test_a_path_without_a_slash(tmp_path: Path) -> None:
    message = error_of(tmp_path, "cases:\n  - {request: {path: api/links}}\n")
    assert "case 1" in message and "'path'" in message and "'/'" in message


def test_a_shorthand_without_a_slash(tmp_path: Path) -> None:
    message = error_of(tmp_path, "cases:\n  - GET /ok\n  - GET api/links\n")
    assert "case 2" in message and "'GET api/links' is not 'METHOD /path'" in message


def test_a_shorthand_with_a_bad_method(tmp_path: Path) -> None:
    message = error_of(tmp_path, "cases:\n  - GET /ok\n  - 1 /x\n")
    assert "case 2" in message


def test_request_and_steps_together_or_neither(tmp_path: Path) -> None:
    both = error_of(tmp_path, "cases:\n  - {request: {path: /}, steps: [{path: /}]}\n")
    neither = error_of(tmp_path, "cases:\n  - {name: nothing}\n")
    for message in (both, neither):
        assert "case 1" in message and "'request' or 'steps'" in message
    empty = error_of(tmp_path, "cases:\n  - {steps: []}\n")
    assert "case 1" in empty and "non-empty" in empty


def test_bad_values_in_a_request(tmp_path: Path) -> None:
    assert "'method'" in error_of(tmp_path, "cases:\n  - {request: {method: 'GE T', path: /}}\n")
    assert "'query'" in error_of(tmp_path, "cases:\n  - {request: {path: /, query: [a, b]}}\n")
    assert "'data'" in error_of(tmp_path, "cases:\n  - {request: {path: /, data: {a: 1}}}\n")
    assert "'form'" in error_of(tmp_path, "cases:\n  - {request: {path: /, form: a=1}}\n")
    assert "case 1" in error_of(tmp_path, "cases:\n  - 42\n")


def test_bad_yaml_names_the_line(tmp_path: Path) -> None:
    message = error_of(tmp_path, "cases:\n  - GET /\n  - {request: {path: /x}}}\n  - GET /y\n")
    assert message.startswith(f"{tmp_path / 'cases.yaml'}:3: invalid YAML: "), message
    message = error_of(tmp_path, "cases:\n  - GET /\n\n\tbad: 1\n")
    assert message.startswith(f"{tmp_path / 'cases.yaml'}:4: invalid YAML: "), message


def test_bad_json_names_the_line(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, '{\n  "cases": [\n    "GET /"\n    "GET /x"\n  ]\n}\n', name="cases.json"
    )
    assert "invalid JSON" in message
    assert message.startswith(f"{tmp_path / 'cases.json'}:4:"), message


def test_json_is_not_read_as_yaml(tmp_path: Path) -> None:
    # valid YAML, not valid JSON: a .json file is parsed as JSON
    message = error_of(tmp_path, "cases: [GET /]\n", name="cases.json")
    assert "invalid JSON" in message


@pytest.mark.parametrize("text", ["42\n", "just a string\n", "", '"cases"\n'])
def test_a_top_level_that_is_not_a_mapping(tmp_path: Path, text: str) -> None:
    message = error_of(tmp_path, text)
    assert "expected a mapping with 'cases'" in message


def test_cases_that_are_not_a_list(tmp_path: Path) -> None:
    assert "'cases' must be a list" in error_of(tmp_path, "cases: {a: GET /}\n")


def test_unknown_comparator(tmp_path: Path) -> None:
    message = error_of(tmp_path, "compare: {'body:$.x': fuzzy}\ncases: [GET /]\n")
    assert (
        "comparator 'fuzzy'" in message and "casefold" in message and "module:function" in message
    )


def test_comparator_module_that_does_not_exist(tmp_path: Path) -> None:
    message = error_of(tmp_path, "compare: {'body:$.x': 'no_such_module_f2q:fn'}\ncases: [GET /]\n")
    assert "no_such_module_f2q:fn" in message


def test_bad_tolerance(tmp_path: Path) -> None:
    message = error_of(tmp_path, "compare: {'body:$.x': 'tolerance:abc'}\ncases: [GET /]\n")
    assert "tolerance:abc" in message


def test_bad_field_pattern_in_a_case(tmp_path: Path) -> None:
    message = error_of(
        tmp_path, "cases:\n  - GET /\n  - {request: {path: /}, ignore: ['nope:x']}\n"
    )
    assert "case 2" in message and "'nope:x'" in message and "field pattern" in message


@pytest.mark.parametrize(
    "text",
    [
        "ignore: ['nope:x']\ncases: [GET /]\n",
        "only: ['nope:x']\ncases: [GET /]\n",
        "compare: {'nope:x': casefold}\ncases: [GET /]\n",
        "routes: {index: {ignore: ['nope:x']}}\ncases: [GET /]\n",
    ],
)
def test_bad_field_pattern_in_the_rules(tmp_path: Path, text: str) -> None:
    message = error_of(tmp_path, text)
    assert "'nope:x'" in message and "field pattern" in message


def test_a_missing_file(tmp_path: Path) -> None:
    missing = tmp_path / "missing.yaml"
    with pytest.raises(CaseFileError) as raised:
        load_cases(str(missing))
    assert str(raised.value).startswith(str(missing))
    assert "No such file" in str(raised.value)


def test_neither_a_file_nor_a_module(tmp_path: Path) -> None:
    with pytest.raises(CaseFileError, match="no such case file"):
        load_cases(str(tmp_path / "cases"))


def test_a_file_that_is_not_utf8(tmp_path: Path) -> None:
    path = tmp_path / "cases.yaml"
    path.write_bytes(b"cases: ['GET /\xff']\n")
    with pytest.raises(CaseFileError, match="not UTF-8"):
        load_cases(str(path))


def test_a_route_compare_that_is_not_a_mapping(tmp_path: Path) -> None:
    message = error_of(tmp_path, "routes: {index: {compare: casefold}}\ncases: [GET /]\n")
    assert "routes.index" in message


def test_a_route_ignore_string_is_one_pattern(tmp_path: Path) -> None:
    path = write(
        tmp_path / "cases.yaml",
        "routes: {index: {ignore: 'header:x-request-id'}}\ncases: [GET /]\n",
    )
    assert load_cases(str(path)).rules.routes["index"].ignore == ["header:x-request-id"]


def test_a_comparator_that_is_not_a_string(tmp_path: Path) -> None:
    message = error_of(tmp_path, "compare: {'body:$.x': 5}\ncases: [GET /]\n")
    assert "comparator" in message


def test_headers_that_are_not_a_mapping(tmp_path: Path) -> None:
    message = error_of(tmp_path, "cases:\n  - {request: {path: /, headers: [a]}}\n")
    assert message.count("case 1, step 1") == 1, message


# ---------------------------------------------------------------------------------------------
# Python cases: module:NAME


@pytest.fixture
def python_cases(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    module = f"parity_cases_{uuid.uuid4().hex[:8]}"
    (tmp_path / f"{module}.py").write_text(
        textwrap.dedent(
            """
            from flask2quart.parity import Case, ParityRequest

            REQUESTS = [ParityRequest.build("GET", "/a"), ParityRequest.build("POST", "/b", json={"x": 1})]
            MIXED = [
                Case("log in", [ParityRequest.build("POST", "/login", form={"u": "t"}), ParityRequest.build("GET", "/me")]),
                ParityRequest.build("GET", "/c", query={"q": "1"}),
            ]

            def build():
                return [Case("built", [ParityRequest.build("DELETE", "/d")], ignore=("header:x-id",))]

            NOT_A_LIST = 42
            BAD_ITEM = [ParityRequest.build("GET", "/"), "GET /x"]
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.chdir(tmp_path.parent)  # no file of that name in the working directory
    return module


def test_python_cases_list_of_requests(python_cases: str) -> None:
    cases = load_cases(f"{python_cases}:REQUESTS").cases
    assert [case.name for case in cases] == ["GET /a", "POST /b"]
    assert cases[1].steps[0].body == b'{"x": 1}'
    assert all(len(case.steps) == 1 for case in cases)


def test_python_cases_mixed_cases_and_requests(python_cases: str) -> None:
    cases = load_cases(f"{python_cases}:MIXED").cases
    assert [case.name for case in cases] == ["log in", "GET /c?q=1"]
    assert [step.path for step in cases[0].steps] == ["/login", "/me"]
    assert all(isinstance(case, Case) for case in cases)


def test_python_cases_from_a_function(python_cases: str) -> None:
    loaded = load_cases(f"{python_cases}:build")
    (case,) = loaded.cases
    assert case.name == "built" and case.ignore == ("header:x-id",)
    assert case.steps[0].method == "DELETE"
    assert loaded.rules.everywhere.ignore == [] and loaded.rules.routes == {}


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("NOT_A_LIST", "expected a list of Case or ParityRequest"),
        ("BAD_ITEM", "'GET /x' is not a Case or a ParityRequest"),
        ("MISSING", "MISSING"),
    ],
)
def test_python_cases_errors(python_cases: str, name: str, expected: str) -> None:
    with pytest.raises(CaseFileError) as raised:
        load_cases(f"{python_cases}:{name}")
    assert str(raised.value).startswith(f"{python_cases}:{name}: ")
    assert expected in str(raised.value)


def test_python_cases_from_a_module_that_does_not_exist() -> None:
    with pytest.raises(CaseFileError) as raised:
        load_cases("no_such_module_f2q_cases:CASES")
    assert str(raised.value).startswith("no_such_module_f2q_cases:CASES: ")
    assert "no_such_module_f2q_cases" in str(raised.value).split(": ", 1)[1]


def test_json_null_is_a_body(tmp_path: Path) -> None:
    path = write(tmp_path / "cases.yaml", "cases:\n  - {request: {method: POST, path: /x, json: null}}\n")
    (request,) = load_cases(str(path)).cases[0].steps
    assert request.body == b"null"
    assert request.header("content-type") == "application/json"
