"""Cases and rules from a file (YAML or JSON, same schema) or from Python (``module:NAME``).

.. code-block:: yaml

    ignore: ["header:x-request-id"]            # everywhere
    compare: {"body:$.price": "tolerance:0.01"}
    routes:                                     # by endpoint, URL rule or path glob
      api.list_links: {ignore: ["body:$.generated_at"]}
    cases:
      - GET /ping                               # "METHOD target" shorthand
      - name: log in, then list my links        # steps share each side's cookies
        steps:
          - {method: POST, path: /auth/login, form: {username: test, password: test}}
          - {path: /api/links, query: {tag: python}}
        ignore: ["header:location"]

A request takes ``method`` (GET), ``path``, ``query`` (mapping or raw string), ``headers``
(mapping), and at most one of ``json``, ``form`` or ``data`` (a string). Every mistake is reported
with the case it is in; nothing is guessed.
"""

from __future__ import annotations

import importlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .model import Case, ParityRequest
from .rules import RuleError, Rules

REQUEST_KEYS = frozenset({"method", "path", "query", "headers", "json", "form", "data"})
CASE_KEYS = frozenset({"name", "request", "steps", "ignore"})
TOP_KEYS = frozenset({"cases", "ignore", "only", "compare", "routes"})
ROUTE_KEYS = frozenset({"ignore", "only", "compare"})


class CaseFileError(ValueError):
    """A case file that cannot be used (one line for the user, naming the place)."""


@dataclass(slots=True)
class CaseFile:
    cases: list[Case] = field(default_factory=list)
    rules: Rules = field(default_factory=Rules)


def load_cases(location: str) -> CaseFile:
    """A ``.yaml``/``.yml``/``.json`` file, or ``package.module:NAME`` naming a list of
    :class:`Case`/:class:`ParityRequest` (or a function returning one)."""
    path = Path(location)
    if path.suffix.lower() in (".yaml", ".yml", ".json") or path.exists():
        return parse_case_file(path)
    if ":" in location:
        return CaseFile(_python_cases(location))
    raise CaseFileError(f"{location}: no such case file (expected FILE.yaml, FILE.json or module:NAME)")


def parse_case_file(path: Path) -> CaseFile:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise CaseFileError(f"{path}: {error.strerror or error}") from error
    except UnicodeDecodeError as error:
        raise CaseFileError(f"{path}: not UTF-8 text") from error
    data = _parse_text(path, text)
    return cases_from_data(data, str(path))


def _parse_text(path: Path, text: str) -> Any:
    if path.suffix.lower() == ".json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CaseFileError(f"{path}:{error.lineno}: invalid JSON: {error.msg}") from error
    import yaml

    try:
        return yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"{path}:{mark.line + 1}" if mark is not None else str(path)
        problem = getattr(error, "problem", None) or str(error)
        raise CaseFileError(f"{where}: invalid YAML: {problem}") from error


def cases_from_data(data: Any, source: str) -> CaseFile:
    if isinstance(data, list):
        data = {"cases": data}
    if not isinstance(data, Mapping):
        raise CaseFileError(f"{source}: expected a mapping with 'cases' (or a list of cases)")
    _no_unknown_keys(data, TOP_KEYS, source)
    raw_cases = data.get("cases") or []
    if not isinstance(raw_cases, list):
        raise CaseFileError(f"{source}: 'cases' must be a list")
    cases = [_case(raw, f"{source}: case {index + 1}", source) for index, raw in enumerate(raw_cases)]
    routes = data.get("routes") or {}
    if not isinstance(routes, Mapping):
        raise CaseFileError(f"{source}: 'routes' must map a route to its rules")
    route_rules: dict[str, dict[str, Any]] = {}
    for route, settings in routes.items():
        where = f"{source}: routes.{route}"
        if not isinstance(settings, Mapping):
            raise CaseFileError(f"{where} must be a mapping")
        _no_unknown_keys(settings, ROUTE_KEYS, where)
        route_rules[str(route)] = {
            "ignore": _strings(settings.get("ignore"), f"{where}.ignore"),
            "only": _strings(settings.get("only"), f"{where}.only"),
            "compare": _mapping(settings.get("compare"), f"{where}.compare"),
        }
    try:
        rules = Rules.build(
            ignore=_strings(data.get("ignore"), f"{source}: ignore"),
            only=_strings(data.get("only"), f"{source}: only"),
            comparators=_mapping(data.get("compare"), f"{source}: compare"),
            routes=route_rules,
        )
    except RuleError as error:
        raise CaseFileError(f"{source}: {error}") from error
    return CaseFile(cases, rules)


def _case(raw: Any, where: str, source: str) -> Case:
    if isinstance(raw, str):
        request = _request(raw, where)
        return Case(f"{request.method} {request.target}", [request], source=source)
    if not isinstance(raw, Mapping):
        raise CaseFileError(f"{where}: expected 'METHOD /path' or a mapping")
    _no_unknown_keys(raw, CASE_KEYS, where)
    if ("request" in raw) == ("steps" in raw):
        raise CaseFileError(f"{where}: give either 'request' or 'steps'")
    raw_steps = [raw["request"]] if "request" in raw else raw["steps"]
    if not isinstance(raw_steps, list) or not raw_steps:
        raise CaseFileError(f"{where}: 'steps' must be a non-empty list")
    steps = [_request(step, f"{where}, step {index + 1}") for index, step in enumerate(raw_steps)]
    name = str(raw.get("name") or f"{steps[0].method} {steps[0].target}")
    ignore = tuple(_strings(raw.get("ignore"), f"{where}: ignore"))
    try:
        Rules.build(ignore=ignore)
    except RuleError as error:
        raise CaseFileError(f"{where}: {error}") from error
    return Case(name, steps, ignore=ignore, source=source)


def _request(raw: Any, where: str) -> ParityRequest:
    if isinstance(raw, str):
        method, _, target = raw.strip().partition(" ")
        if not target.strip().startswith("/") or not method.isalpha():
            raise CaseFileError(f"{where}: {raw!r} is not 'METHOD /path'")
        return ParityRequest.build(method, target.strip())
    if not isinstance(raw, Mapping):
        raise CaseFileError(f"{where}: a request is 'METHOD /path' or a mapping")
    _no_unknown_keys(raw, REQUEST_KEYS, where)
    path = raw.get("path")
    if not isinstance(path, str) or not path.startswith("/"):
        raise CaseFileError(f"{where}: 'path' must be a string starting with '/'")
    method = raw.get("method", "GET")
    if not isinstance(method, str) or not method.isalpha():
        raise CaseFileError(f"{where}: 'method' must be an HTTP method name")
    query = raw.get("query")
    if query is not None and not isinstance(query, str | Mapping):
        raise CaseFileError(f"{where}: 'query' must be a mapping or a string")
    data = raw.get("data")
    if data is not None and not isinstance(data, str):
        raise CaseFileError(f"{where}: 'data' must be a string")
    form = raw.get("form")
    if form is not None and not isinstance(form, Mapping):
        raise CaseFileError(f"{where}: 'form' must be a mapping")
    headers = {str(k): str(v) for k, v in _mapping(raw.get("headers"), f"{where}: headers").items()}
    if "json" in raw and raw["json"] is None:  # `json: null` sends a JSON null, not "no body"
        if data is not None or form is not None:
            raise CaseFileError(f"{where}: give at most one of json=, form= and data=")
        data = "null"
        headers.setdefault("Content-Type", "application/json")
    try:
        return ParityRequest.build(
            method,
            path,
            query=query,
            headers=headers,
            json=raw.get("json"),
            form=form,
            data=data,
        )
    except ValueError as error:
        raise CaseFileError(f"{where}: {error}") from error


def _no_unknown_keys(raw: Mapping[str, Any], allowed: frozenset[str], where: str) -> None:
    unknown = sorted(str(key) for key in raw if key not in allowed)
    if unknown:
        raise CaseFileError(f"{where}: unknown key {unknown[0]!r} (expected one of {', '.join(sorted(allowed))})")


def _strings(value: Any, where: str) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    if not isinstance(value, list) or not all(isinstance(item, str) for item in value):
        raise CaseFileError(f"{where}: expected a list of strings")
    return list(value)


def _mapping(value: Any, where: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, Mapping):
        raise CaseFileError(f"{where}: expected a mapping")
    return {str(key): item for key, item in value.items()}


def _python_cases(location: str) -> list[Case]:
    module_name, _, attribute = location.partition(":")
    try:
        found: Any = getattr(importlib.import_module(module_name), attribute)
    except (ImportError, AttributeError) as error:
        raise CaseFileError(f"{location}: {error}") from error
    if callable(found):
        found = found()
    if not isinstance(found, Sequence):
        raise CaseFileError(f"{location}: expected a list of Case or ParityRequest")
    cases: list[Case] = []
    for item in found:
        if isinstance(item, Case):
            cases.append(item)
        elif isinstance(item, ParityRequest):
            cases.append(Case(f"{item.method} {item.target}", [item], source=location))
        else:
            raise CaseFileError(f"{location}: {item!r} is not a Case or a ParityRequest")
    return cases
