"""Differential oracle: generated Flask apps whose suites pass on Flask, rewritten, run on Quart.

``python benchmarks/oracle.py --count 500 --seed 0 --jobs 2 [--batch 50] [--work DIR] [--json FILE]``

Every failure of a ported test must have a finding of the rewrite in a function of its traceback
(the rule of the corpus harness: ``realworld_report.silent_failures``); a failing test without one
is a **silent failure**. The script prints counts (apps, tests, Flask failures, ported failures,
silent failures) and, for each class of silent failure (the feature and variant the test
exercises), the number of tests and a minimal example (the failing instance alone, or with the
fewest other instances of its app that still fail silently, written under ``WORK/examples/``).
Exit 1 when there is a silent class not in :data:`KNOWN_SILENT` (or a generated test fails on
Flask: a generator bug), else 0.

**Generator** (:func:`generate`): deterministic per seed, no network. One app is a package
``appNNNN`` (``__init__.py`` with a ``create_app`` factory, ``views.py`` with a blueprint,
``helpers.py`` and ``models.py``: imported downwards, models <- helpers <- views) and a test package
``tests_appNNNN`` (``conftest.py`` with a ``client`` fixture, ``test_views.py`` pytest tests,
``test_case.py`` unittest suites on a base class of ``support.py``, whose helpers send requests by
``getattr`` and read responses). An app combines 3 to 7 *features* from :data:`FEATURES`: views
reading the request, helpers across modules, classes (properties, dunders, hierarchies across
modules, function-local classes), callbacks handed to sync code (``key=``, ``default=``,
``re.sub``, lists/dicts of callbacks), generators consumed synchronously (``list``, ``join``,
``yield from``), comprehensions whose target is named ``request``, ``lru_cache``, hooks,
decorators, MethodViews, error handlers, sessions, responses, streaming, request contexts in
tests, a form feed in an indentation. Each feature instance draws from its own random stream
(seeded by app seed and position), so :func:`generate` with ``only=`` rebuilds one feature
exactly: that is the minimal example of a class.

**Runner**: many apps go into one tree (``--batch`` apps), so each side costs one pytest process:
the Flask suite runs, ``flask2quart rewrite --report`` ports a copy (it writes the pytest-asyncio
configuration), the ported suite runs; both runs load ``realworld_plugin`` (tracebacks of every
failure, errors a view logged included). Tests failing on Flask are generator bugs: reported, left
out of the comparison.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import shutil
import subprocess
import sys
import textwrap
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld as rw  # benchmarks/ is not a package
import realworld_report as rr

#: Modules of an app, lowest first: a module imports only the ones before it.
LEVELS = ("models", "helpers", "views")
HEADER = (
    "import functools\nimport json\nimport re\nfrom collections import namedtuple\n\n"
    "from flask import (Blueprint, Response, abort, current_app, g, jsonify, make_response, redirect,\n"
    "                   render_template_string, request, session, stream_with_context, url_for)\n"
    "from flask.views import MethodView\n"
)
WORDS = ("alpha", "beta", "gamma", "delta", "kappa", "sigma", "omega", "lumen", "pixel", "quark",
         "ember", "cedar", "maple", "river", "stone", "cloud", "frost", "amber", "coral", "ivory")
#: Where a test sends a request, then how it checks the response.
STYLES = ("fixture", "direct", "with", "unittest", "support")


@dataclass
class Step:
    method: str
    path: str
    kwargs: dict[str, Any] = field(default_factory=dict)
    checks: list[tuple[str, Any]] = field(default_factory=list)  # ("text"|"json"|"status"|("header", name), value)


@dataclass
class TestSpec:
    key: str  # feature.variant: the class of a failure
    steps: list[Step] = field(default_factory=list)
    body: str | None = None  # a hand-written pytest body (``app`` in scope) instead of steps
    style: str = "body"  # one of STYLES (how the test sends and checks), or "body"
    support_checks: bool = False  # unittest style: read responses through support.py helpers


class Builder:
    """One app under construction: module blocks, imports, create_app lines, tests."""

    def __init__(self, seed: int, rng: random.Random) -> None:
        self.seed = seed
        self.pkg = f"app{seed:04d}"
        self.rng = rng
        self.blocks: dict[str, list[str]] = {level: [] for level in LEVELS}
        self.imports: dict[str, set[str]] = {level: set() for level in LEVELS}
        self.init_lines: list[str] = []
        self.tests: list[TestSpec] = []
        self.counter = 0

    def name(self, base: str) -> str:
        self.counter += 1
        return f"{base}_{self.rng.choice(WORDS)}{self.counter}"

    def route(self) -> str:
        self.counter += 1
        return f"/r{self.counter}"

    def put(self, module: str, code: str) -> None:
        self.blocks[module].append(textwrap.dedent(code).strip("\n") + "\n")

    def below(self, module: str) -> str:
        """A module ``module`` may import from (itself included)."""
        return self.rng.choice(LEVELS[: LEVELS.index(module) + 1])

    def ref(self, user: str, module: str, name: str) -> str:
        """How code in ``user`` spells ``name`` defined in ``module`` (recording the import)."""
        if user == module:
            return name
        if self.rng.random() < 0.5:
            self.imports[user].add(f"from .{module} import {name}")
            return name
        self.imports[user].add(f"from . import {module}")
        return f"{module}.{name}"

    def view(self, code: str, path: str, methods: Sequence[str] = ("GET",)) -> None:
        deco = f'@bp.route("{path}"' + (f", methods={list(methods)!r})" if list(methods) != ["GET"] else ")")
        self.put("views", deco + "\n" + textwrap.dedent(code).strip("\n"))

    def test(self, key: str, *steps: Step) -> None:
        self.tests.append(TestSpec(key, list(steps), style=self.rng.choice(STYLES), support_checks=self.rng.random() < 0.5))


def _word(rng: random.Random) -> str:
    return rng.choice(WORDS)


def _reader(rng: random.Random, key: str) -> tuple[str, str, dict[str, Any]]:
    """(method, expression reading one value of the request that Quart makes awaitable, request
    kwargs sending ``value``): the value is filled in by the caller via ``{v}``."""
    kind = rng.choice(("form", "form_get", "get_json", "json", "values", "data"))
    if kind == "form":
        return "POST", f'request.form["{key}"]', {"data": {key: "{v}"}}
    if kind == "form_get":
        return "POST", f'request.form.get("{key}", "none")', {"data": {key: "{v}"}}
    if kind == "get_json":
        return "POST", f'request.get_json()["{key}"]', {"json": {key: "{v}"}}
    if kind == "json":
        return "POST", f'request.json["{key}"]', {"json": {key: "{v}"}}
    if kind == "values":
        return "POST", f'request.values["{key}"]', {"data": {key: "{v}"}}
    return "POST", "request.get_data(as_text=True)", {"data": "{v}"}


def _fill(kwargs: dict[str, Any], value: str) -> dict[str, Any]:
    def sub(item: Any) -> Any:
        if isinstance(item, dict):
            return {k: sub(v) for k, v in item.items()}
        return value if item == "{v}" else item

    return sub(kwargs)


# --- features --------------------------------------------------------------------------------------
# Each takes the builder and a variant, adds code and tests. Names in the tests are
# ``test_<feature>_<variant>_<n>``.


def f_view_input(b: Builder, variant: str) -> None:
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    fn = b.name("view")
    if variant == "args":
        b.view(f'def {fn}():\n    return request.args.get("{key}", "none").upper()', path)
        b.test(f"view_input.{variant}", Step("GET", path, {"query_string": {key: value}}, [("text", value.upper())]))
        return
    method, expr, kwargs = _reader(b.rng, key)
    if variant == "jsonify":
        b.view(f"def {fn}():\n    value = {expr}\n    return jsonify(value=value, n=len(value))", path, [method])
        b.test(f"view_input.{variant}", Step(method, path, _fill(kwargs, value), [("json", {"value": value, "n": len(value)})]))
    else:
        b.view(f"def {fn}():\n    return {expr} + '!'", path, [method])
        b.test(f"view_input.{variant}", Step(method, path, _fill(kwargs, value), [("text", value + "!"), ("status", 200)]))


def f_helper(b: Builder, variant: str) -> None:
    """A helper reading the request, called across modules (a chain, keywords, static/class/instance methods)."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    method, expr, kwargs = _reader(b.rng, key)
    leaf_mod = b.below("views")
    leaf = b.name("read")
    if variant == "function":
        b.put(leaf_mod, f"def {leaf}(suffix=''):\n    return {expr} + suffix")
        call = f"{b.ref('views', leaf_mod, leaf)}(suffix='?')"
    elif variant == "chain":
        b.put(leaf_mod, f"def {leaf}():\n    return {expr}")
        mid_mod = b.rng.choice(LEVELS[LEVELS.index(leaf_mod):])
        mid = b.name("mid")
        b.put(mid_mod, f"def {mid}(tail):\n    return {b.ref(mid_mod, leaf_mod, leaf)}() + tail")
        call = f"{b.ref('views', mid_mod, mid)}(tail='?')"
    elif variant == "staticmethod":
        cls = b.name("Reader").title()
        b.put(leaf_mod, f"class {cls}:\n    @staticmethod\n    def get():\n        return {expr}\n\n    @classmethod\n"
                        f"    def get_marked(cls, mark):\n        return cls.get() + mark")
        call = f"{b.ref('views', leaf_mod, cls)}.get_marked('?')"
    else:  # instance
        cls = b.name("Service").title()
        b.put(leaf_mod, f"class {cls}:\n    def __init__(self, mark):\n        self.mark = mark\n\n"
                        f"    def fetch(self):\n        return {expr}\n\n    def result(self):\n        return self.fetch() + self.mark")
        call = f"{b.ref('views', leaf_mod, cls)}('?').result()"
    fn = b.name("view")
    b.view(f"def {fn}():\n    return {call}", path, [method])
    b.test(f"helper.{variant}", Step(method, path, _fill(kwargs, value), [("text", value + "?")]))


def f_comprehension(b: Builder, variant: str) -> None:
    """A comprehension whose target is named ``request`` is local: never Flask's request."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    fn = b.name("view")
    if variant == "view_strings":
        b.view(f'def {fn}():\n    names = [request.strip() for request in request.args.getlist("{key}")]\n'
               f"    return ','.join(names) + request.form.get('x', '')", path, ["POST"])
        b.test(f"comprehension.{variant}", Step("POST", path, {"query_string": [(key, " a"), (key, "b ")], "data": {"x": "."}},
                                                  [("text", "a,b.")]))
        return
    mod = b.below("views")
    item = b.name("Item").title()
    helper = b.name("forms")
    if variant == "attribute":
        b.put(mod, f'{item} = namedtuple("{item}", ["form"])\n\n\n'
                   f"def {helper}(items):\n    return [request.form for request in items]")
    else:  # generator expression / dict comprehension
        b.put(mod, f'{item} = namedtuple("{item}", ["form"])\n\n\n'
                   f"def {helper}(items):\n    return dict((request.form, len(request.form)) for request in items)")
    b.view(f"def {fn}():\n    items = [{b.ref('views', mod, item)}(request.form['{key}']), {b.ref('views', mod, item)}('zz')]\n"
           f"    return jsonify(result={b.ref('views', mod, helper)}(items))", path, ["POST"])
    expected: Any = [value, "zz"] if variant == "attribute" else {value: len(value), "zz": 2}
    b.test(f"comprehension.{variant}", Step("POST", path, {"data": {key: value}}, [("json", {"result": expected})]))


def f_property(b: Builder, variant: str) -> None:
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    method, expr, kwargs = _reader(b.rng, key)
    mod = b.below("views")
    cls = b.name("Payload").title()
    if variant == "direct":
        body = f"    @property\n    def body(self):\n        return {expr}"
    elif variant == "helper":
        helper = b.name("source")
        b.put(mod, f"def {helper}():\n    return {expr}")
        body = f"    @property\n    def body(self):\n        return {helper}()"
    else:  # cached_property
        body = f"    @functools.cached_property\n    def body(self):\n        return {expr}"
    b.put(mod, f"class {cls}:\n    prefix = '>'\n\n{body}\n\n    def render(self):\n        return self.prefix + self.body")
    fn = b.name("view")
    b.view(f"def {fn}():\n    return {b.ref('views', mod, cls)}().render()", path, [method])
    b.test(f"property.{variant}", Step(method, path, _fill(kwargs, value), [("text", ">" + value)]))


def f_dunder(b: Builder, variant: str) -> None:
    """Dunder methods reading the request: ``__init__``, ``__iter__``, ``__str__``, ``__len__``, ``__call__``."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    mod = b.below("views")
    cls = b.name("Form").title()
    fn = b.name("view")
    ref = b.ref("views", mod, cls)
    if variant == "init":
        b.put(mod, f"class {cls}:\n    def __init__(self):\n        self.data = request.form.to_dict()\n\n"
                   f"    def get(self, name):\n        return self.data.get(name, '')")
        b.view(f"def {fn}():\n    return {ref}().get('{key}')", path, ["POST"])
        expected: Any = value
    elif variant == "init_helper":
        b.put(mod, f"class {cls}:\n    def __init__(self, name):\n        self.value = self.load(name)\n\n"
                   f"    def load(self, name):\n        return request.form[name]")
        b.view(f"def {fn}():\n    return {ref}('{key}').value", path, ["POST"])
        expected = value
    elif variant == "iter":
        b.put(mod, f"class {cls}:\n    def __iter__(self):\n        return iter(sorted(request.form.items()))")
        b.view(f"def {fn}():\n    return jsonify(dict({ref}()))", path, ["POST"])
        b.test(f"dunder.{variant}", Step("POST", path, {"data": {key: value}}, [("json", {key: value})]))
        return
    elif variant == "str":
        b.put(mod, f"class {cls}:\n    def __str__(self):\n        return 'form:' + request.form['{key}']")
        b.view(f"def {fn}():\n    return str({ref}())", path, ["POST"])
        expected = "form:" + value
    elif variant == "len":
        b.put(mod, f"class {cls}:\n    def __len__(self):\n        return len(request.form['{key}'])")
        b.view(f"def {fn}():\n    return str(len({ref}()))", path, ["POST"])
        expected = str(len(value))
    else:  # call
        b.put(mod, f"class {cls}:\n    def __call__(self, name):\n        return request.form[name].upper()")
        b.view(f"def {fn}():\n    reader = {ref}()\n    return reader('{key}')", path, ["POST"])
        expected = value.upper()
    b.test(f"dunder.{variant}", Step("POST", path, {"data": {key: value}}, [("text", expected)]))


def f_generator(b: Builder, variant: str) -> None:
    """A generator reading the request, consumed by sync code (or ``yield from``)."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    mod = b.below("views")
    gen = b.name("fields")
    b.put(mod, f"def {gen}():\n    for name in sorted(request.form):\n        yield name + '=' + request.form[name]")
    ref = b.ref("views", mod, gen)
    fn = b.name("view")
    consumers = {
        "list": f"','.join(list({ref}()))",
        "join": f"','.join({ref}())",
        "sorted": f"','.join(sorted({ref}()))",
        "tuple": f"','.join(tuple({ref}()))",
        "next": f"next({ref}())",
        "loop": None,
    }
    if variant == "loop":
        b.view(f"def {fn}():\n    out = []\n    for item in {ref}():\n        out.append(item)\n    return ','.join(out)", path, ["POST"])
    elif variant == "yield_from":
        outer = b.name("wrapped")
        b.put(mod, f"def {outer}():\n    yield '<' + request.form.get('{key}', '')\n    yield from {gen}()\n    yield '>'")
        b.view(f"def {fn}():\n    return ''.join({b.ref('views', mod, outer)}())", path, ["POST"])
        b.test(f"generator.{variant}", Step("POST", path, {"data": {key: value}}, [("text", f"<{value}{key}={value}>")]))
        return
    else:
        b.view(f"def {fn}():\n    return {consumers[variant]}", path, ["POST"])
    b.test(f"generator.{variant}", Step("POST", path, {"data": {key: value}}, [("text", f"{key}={value}")]))


def f_callback(b: Builder, variant: str) -> None:
    """A function reading the request handed to sync code as a value."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    mod = b.below("views")
    cb = b.name("cb")
    fn = b.name("view")
    if variant == "json_default":
        b.put(mod, f"def {cb}(obj):\n    return request.form['{key}']")
        b.view(f"def {fn}():\n    return json.dumps({{'v': object()}}, default={b.ref('views', mod, cb)})", path, ["POST"])
        expected = json.dumps({"v": value})
    elif variant in ("max_key", "min_key", "sorted_key"):
        b.put(mod, f"def {cb}(name):\n    return int(request.form.get(name, '0'))")
        data = {"a": "3", "b": "7", "c": "5"}
        call = {"max_key": "max", "min_key": "min", "sorted_key": "sorted"}[variant]
        b.view(f"def {fn}():\n    return str({call}(['a', 'b', 'c'], key={b.ref('views', mod, cb)}))", path, ["POST"])
        b.test(f"callback.{variant}", Step("POST", path, {"data": data},
                                            [("text", {"max_key": "b", "min_key": "a", "sorted_key": str(["a", "c", "b"])}[variant])]))
        return
    elif variant == "re_sub":
        b.put(mod, f"def {cb}(match):\n    return request.form.get(match.group(1), '?')")
        b.view(f"def {fn}():\n    return re.sub(r'\\{{(\\w+)\\}}', {b.ref('views', mod, cb)}, 'x{{{key}}}y')", path, ["POST"])
        expected = f"x{value}y"
    elif variant == "map":
        b.put(mod, f"def {cb}(name):\n    return request.form.get(name, '-')")
        b.view(f"def {fn}():\n    return ','.join(map({b.ref('views', mod, cb)}, ['{key}', 'zz']))", path, ["POST"])
        expected = f"{value},-"
    elif variant == "list":
        other = b.name("cb")
        b.put(mod, f"def {cb}():\n    return request.form['{key}']\n\n\ndef {other}():\n    return 'const'\n\n\n"
                   f"{cb.upper()}_ALL = [{cb}, {other}]")
        b.view(f"def {fn}():\n    return ','.join(check() for check in {b.ref('views', mod, cb.upper() + '_ALL')})", path, ["POST"])
        expected = f"{value},const"
    else:  # dict dispatch
        b.put(mod, f"def {cb}():\n    return request.form['{key}'] + '#'\n\n\n{cb.upper()}_BY = {{'go': {cb}}}")
        b.view(f"def {fn}():\n    return {b.ref('views', mod, cb.upper() + '_BY')}[request.args['op']]()", path, ["POST"])
        b.test(f"callback.{variant}", Step("POST", path, {"data": {key: value}, "query_string": {"op": "go"}}, [("text", value + "#")]))
        return
    b.test(f"callback.{variant}", Step("POST", path, {"data": {key: value}}, [("text", expected)]))


def f_cache(b: Builder, variant: str) -> None:
    path, n = b.route(), b.rng.randint(1, 99)
    mod = b.below("views")
    fn, cached = b.name("view"), b.name("label")
    deco = "@functools.lru_cache(maxsize=None)" if variant == "lru_cache" else "@functools.cache"
    b.put(mod, f"{deco}\ndef {cached}(n):\n    return str(render_template_string('[{{{{ n }}}}]', n=n))")
    b.view(f"def {fn}():\n    return {b.ref('views', mod, cached)}({n}) + {b.ref('views', mod, cached)}({n})", path)
    b.test(f"cache.{variant}", Step("GET", path, {}, [("text", f"[{n}][{n}]")]))


def f_local(b: Builder, variant: str) -> None:
    """Function-local classes and nested functions reading the request."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    fn = b.name("view")
    if variant == "class":
        b.view(f"def {fn}():\n    class Reader:\n        def read(self):\n            return request.form['{key}']\n\n"
               f"    return Reader().read() + '.'", path, ["POST"])
    elif variant == "helper_class":
        mod = b.below("views")
        maker = b.name("make")
        b.put(mod, f"def {maker}():\n    class Local:\n        def read(self, name):\n            return request.form[name]\n\n    return Local()")
        b.view(f"def {fn}():\n    return {b.ref('views', mod, maker)}().read('{key}') + '.'", path, ["POST"])
    else:  # closure
        b.view(f"def {fn}():\n    def inner(suffix):\n        return request.form['{key}'] + suffix\n\n    return inner('.')", path, ["POST"])
    b.test(f"local.{variant}", Step("POST", path, {"data": {key: value}}, [("text", value + ".")]))


def f_form_feed(b: Builder, variant: str) -> None:
    """A form feed in the indentation (Python ignores it; a copied indentation must not break)."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    mod = b.below("views") if variant == "helper" else "views"
    helper = b.name("ff")
    b.put(mod, f"def {helper}():\n\f    value = request.form['{key}']\n    \f\n    return value.upper()")
    fn = b.name("view")
    b.view(f"def {fn}():\n\f    return {b.ref('views', mod, helper)}()", path, ["POST"])
    b.test(f"form_feed.{variant}", Step("POST", path, {"data": {key: value}}, [("text", value.upper())]))


def f_hooks(b: Builder, variant: str) -> None:
    path, value = b.route(), _word(b.rng)
    mod = b.below("views")
    hook, after = b.name("load"), b.name("stamp")
    attr = b.name("val")
    if variant == "form":
        b.put(mod, f"def {hook}():\n    g.{attr} = request.form.get('who', 'anon')")
        kwargs: dict[str, Any] = {"data": {"who": value}}
        method = "POST"
    else:
        b.put(mod, f"def {hook}():\n    g.{attr} = request.headers.get('X-Who', 'anon')")
        kwargs = {"headers": {"X-Who": value}}
        method = "GET"
    header = f"X-Seen-{attr}"
    b.put(mod, f"def {after}(response):\n    response.headers['{header}'] = g.get('{attr}', 'none')\n    return response")
    if variant == "decorator":
        b.put("views", f"bp.before_app_request({b.ref('views', mod, hook)})\nbp.after_app_request({b.ref('views', mod, after)})")
    else:
        b.init_lines.append(f"app.before_request({hook})\n    app.after_request({after})")
        b.imports.setdefault("__init__", set()).add(f"from .{mod} import {hook}, {after}")
    fn = b.name("view")
    b.view(f"def {fn}():\n    return 'hi ' + g.{attr}", path, [method])
    b.test(f"hooks.{variant}", Step(method, path, kwargs, [("text", "hi " + value), (("header", header), value)]))


def f_decorator(b: Builder, variant: str) -> None:
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    mod = b.below("views")
    deco = b.name("guard")
    if variant == "wraps":
        b.put(mod, f"def {deco}(view):\n    @functools.wraps(view)\n    def wrapper(*args, **kwargs):\n"
                   f"        if request.form.get('token') != 'ok':\n            abort(403)\n        return view(*args, **kwargs)\n\n    return wrapper")
        use = f"@{b.ref('views', mod, deco)}"
    elif variant == "factory":
        b.put(mod, f"def {deco}(field):\n    def decorate(view):\n        @functools.wraps(view)\n        def wrapper(*args, **kwargs):\n"
                   f"            if request.form.get(field) != 'ok':\n                abort(403)\n            return view(*args, **kwargs)\n\n"
                   f"        return wrapper\n\n    return decorate")
        use = f"@{b.ref('views', mod, deco)}('token')"
    else:  # registers the route itself
        b.put("views", f"def {deco}(rule):\n    def decorate(view):\n        bp.add_url_rule(rule, view.__name__, view, methods=['POST'])\n"
                       f"        return view\n\n    return decorate")
        fn = b.name("view")
        b.put("views", f"@{deco}('{path}')\ndef {fn}():\n    return request.form['{key}'] + '+'")
        b.test(f"decorator.{variant}", Step("POST", path, {"data": {key: value}}, [("text", value + "+")]))
        return
    fn = b.name("view")
    b.put("views", f"@bp.route('{path}', methods=['POST'])\n{use}\ndef {fn}():\n    return request.form['{key}'] + '+'")
    b.test(f"decorator.{variant}", Step("POST", path, {"data": {key: value, "token": "ok"}}, [("text", value + "+")]))
    b.test(f"decorator.{variant}", Step("POST", path, {"data": {key: value}}, [("status", 403)]))


def f_method_view(b: Builder, variant: str) -> None:
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    mod = b.below("views")
    cls = b.name("Api").title()
    endpoint = b.name("ep")
    if variant == "methods":
        b.put(mod, f"class {cls}(MethodView):\n    def get(self):\n        return 'listing'\n\n"
                   f"    def post(self):\n        return self.value() + '*'\n\n    def value(self):\n        return request.form['{key}']")
    else:  # getattr dispatch in a plain class
        b.put(mod, f"class {cls}:\n    def handle_get(self):\n        return 'listing'\n\n    def handle_post(self):\n"
                   f"        return request.form['{key}'] + '*'\n\n    def dispatch(self):\n"
                   f"        return getattr(self, 'handle_' + request.method.lower())()")
    ref = b.ref("views", mod, cls)
    if variant == "methods":
        b.put("views", f"bp.add_url_rule('{path}', view_func={ref}.as_view('{endpoint}'))")
    else:
        fn = b.name("view")
        b.view(f"def {fn}():\n    return {ref}().dispatch()", path, ["GET", "POST"])
    b.test(f"method_view.{variant}", Step("GET", path, {}, [("text", "listing")]),
           Step("POST", path, {"data": {key: value}}, [("text", value + "*")]))


def f_errors(b: Builder, variant: str) -> None:
    path, value = b.route(), _word(b.rng)
    mod = b.below("views")
    exc, handler = b.name("Problem").title(), b.name("on_problem")
    b.put(mod, f"class {exc}(Exception):\n    pass")
    if variant == "form":
        b.put("views", f"@bp.app_errorhandler({b.ref('views', mod, exc)})\ndef {handler}(error):\n"
                       f"    return jsonify(error=str(error), who=request.form.get('who', '')), 409")
    else:
        b.put("views", f"@bp.app_errorhandler({b.ref('views', mod, exc)})\ndef {handler}(error):\n"
                       f"    return jsonify(error=str(error), who=request.path), 409")
    fn = b.name("view")
    b.view(f"def {fn}():\n    raise {b.ref('views', mod, exc)}('bad ' + request.form['who'])", path, ["POST"])
    who = value if variant == "form" else path
    b.test(f"errors.{variant}", Step("POST", path, {"data": {"who": value}}, [("status", 409), ("json", {"error": "bad " + value, "who": who})]))


def f_session(b: Builder, variant: str) -> None:
    path, value = b.route(), _word(b.rng)
    put, get = b.name("remember"), b.name("recall")
    b.view(f"def {put}():\n    session['v'] = request.form['v']\n    return redirect(url_for('main.{get}'))", path + "/set", ["POST"])
    b.view(f"def {get}():\n    return 'got ' + session.get('v', 'nothing')", path + "/get")
    b.test(f"session.{variant}", Step("POST", path + "/set", {"data": {"v": value}}, [("status", 302)]),
           Step("GET", path + "/get", {}, [("text", "got " + value)]))


def f_response(b: Builder, variant: str) -> None:
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    fn = b.name("view")
    if variant == "make_response":
        b.view(f"def {fn}():\n    response = make_response(request.form['{key}'])\n    response.headers['X-Len'] = str(len(request.form['{key}']))\n"
               f"    return response", path, ["POST"])
        b.test(f"response.{variant}", Step("POST", path, {"data": {key: value}}, [("text", value), (("header", "X-Len"), str(len(value)))]))
    elif variant == "redirect":
        target = b.name("target")
        b.view(f"def {target}():\n    return 'landed ' + request.args.get('k', '')", path + "/t")
        b.view(f"def {fn}():\n    return redirect(url_for('main.{target}', k=request.form['{key}']))", path, ["POST"])
        b.test(f"response.{variant}", Step("POST", path, {"data": {key: value}, "follow_redirects": True}, [("text", "landed " + value)]))
    else:  # a streamed body from a generator of local data
        b.view(f"def {fn}():\n    parts = request.form['{key}'].split('a')\n\n    def generate():\n        for part in parts:\n"
               f"            yield part + ';'\n\n    return Response(generate(), mimetype='text/plain')", path, ["POST"])
        b.test(f"response.{variant}", Step("POST", path, {"data": {key: value}}, [("text", "".join(p + ";" for p in value.split("a")))]))


def f_hierarchy(b: Builder, variant: str) -> None:
    """A base class in a lower module, a subclass overriding the method that reads the request."""
    path, key, value = b.route(), _word(b.rng), _word(b.rng)
    base_mod = b.below("helpers")
    sub_mod = b.rng.choice(LEVELS[LEVELS.index(base_mod):])
    base, sub = b.name("Base").title(), b.name("Sub").title()
    b.put(base_mod, f"class {base}:\n    def value(self):\n        return '[' + self.read() + ']'\n\n    def read(self):\n        return 'base'")
    read = f"request.form['{key}']" if variant == "override" else f"super().read() + request.form['{key}']"
    b.put(sub_mod, f"class {sub}({b.ref(sub_mod, base_mod, base)}):\n    def read(self):\n        return {read}")
    fn = b.name("view")
    b.view(f"def {fn}():\n    return {b.ref('views', sub_mod, sub)}().value()", path, ["POST"])
    expected = f"[{value}]" if variant == "override" else f"[base{value}]"
    b.test(f"hierarchy.{variant}", Step("POST", path, {"data": {key: value}}, [("text", expected)]))


def f_test_context(b: Builder, variant: str) -> None:
    """Tests calling app code directly inside a request or app context."""
    key, value = _word(b.rng), _word(b.rng)
    mod = b.below("views")
    helper = b.name("ctx")
    imp = f"from {b.pkg}.{mod} import {helper}"
    if variant == "request_context":
        b.put(mod, f"def {helper}():\n    return request.args['{key}'] + request.path")
        body = (f"{imp}\n\nwith app.test_request_context('/x?{key}={value}'):\n    assert {helper}() == '{value}/x'")
    else:  # app context and config
        b.put(mod, f"def {helper}():\n    return current_app.config['SECRET_KEY'] + '{value}'")
        body = f"{imp}\n\nwith app.app_context():\n    assert {helper}() == 'k{value}'"
    b.tests.append(TestSpec(f"test_context.{variant}", body=body))


FEATURES: dict[str, tuple[Callable[[Builder, str], None], tuple[str, ...]]] = {
    "view_input": (f_view_input, ("plain", "jsonify", "args")),
    "helper": (f_helper, ("function", "chain", "staticmethod", "instance")),
    "comprehension": (f_comprehension, ("view_strings", "attribute", "genexp")),
    "property": (f_property, ("direct", "helper", "cached")),
    "dunder": (f_dunder, ("init", "init_helper", "iter", "str", "len", "call")),
    "generator": (f_generator, ("list", "join", "sorted", "tuple", "next", "loop", "yield_from")),
    "callback": (f_callback, ("json_default", "max_key", "min_key", "sorted_key", "re_sub", "map", "list", "dict")),
    "cache": (f_cache, ("lru_cache", "cache")),
    "local": (f_local, ("class", "helper_class", "closure")),
    "form_feed": (f_form_feed, ("view", "helper")),
    "hooks": (f_hooks, ("headers", "form", "decorator")),
    "decorator": (f_decorator, ("wraps", "factory", "registers")),
    "method_view": (f_method_view, ("methods", "getattr")),
    "errors": (f_errors, ("form", "path")),
    "session": (f_session, ("redirect",)),
    "response": (f_response, ("make_response", "redirect", "stream")),
    "hierarchy": (f_hierarchy, ("override", "super")),
    "test_context": (f_test_context, ("request_context", "app_context")),
}


# --- rendering -------------------------------------------------------------------------------------


def _call(step: Step, client: str, via_support: bool) -> str:
    args = "".join(f", {k}={v!r}" for k, v in step.kwargs.items())
    if via_support:
        return f"support.send({client}, {step.method.lower()!r}, {step.path!r}{args})"
    return f"{client}.{step.method.lower()}({step.path!r}{args})"


def _checks(step: Step, resp: str, via_support: bool, unittest: bool) -> list[str]:
    lines = []
    for kind, value in step.checks:
        if kind == "text":
            got = f"support.text({resp})" if via_support else f"{resp}.get_data(as_text=True)"
        elif kind == "json":
            got = f"support.body({resp})" if via_support else f"{resp}.get_json()"
        elif kind == "status":
            got = f"{resp}.status_code"
        else:
            got = f"{resp}.headers[{kind[1]!r}]"
        lines.append(f"self.assertEqual({got}, {value!r})" if unittest else f"assert {got} == {value!r}")
    return lines


def _steps(spec: TestSpec, client: str, via_support: bool, unittest: bool) -> list[str]:
    lines = []
    for i, step in enumerate(spec.steps):
        resp = f"resp{i}"
        lines.append(f"{resp} = {_call(step, client, via_support)}")
        lines.extend(_checks(step, resp, via_support, unittest))
    return lines


def _style_name(spec: TestSpec) -> str:
    """The style in the test's name; ``_data`` when a ``data=`` dict goes through ``support.send``
    (``getattr(client, method)(path, **kwargs)``): a class of its own, on the test side."""
    style = "unittest_support" if spec.style == "unittest" and spec.support_checks else spec.style
    if style in ("support", "unittest_support") and any(isinstance(s.kwargs.get("data"), dict) for s in spec.steps):
        style += "_data"
    return style


def _test_name(spec: TestSpec, n: int) -> str:
    return "test_" + spec.key.replace(".", "_") + f"__{_style_name(spec)}_{n}"


def render(b: Builder) -> dict[str, str]:
    """The files of the app, relative to the tree root."""
    pkg, tests = b.pkg, f"tests_{b.pkg}"
    files: dict[str, str] = {}
    for level in LEVELS:
        imports = "".join(line + "\n" for line in sorted(b.imports[level]))
        head = HEADER + ("\n" + imports if imports else "")
        if level == "views":
            head += '\nbp = Blueprint("main", __name__)\n'
        files[f"{pkg}/{level}.py"] = f'"""{level.title()} of {pkg} (generated)."""\n\n{head}\n\n' + "\n\n".join(b.blocks[level])
    init_imports = "".join(f"    {line}\n" for line in sorted(b.imports.get("__init__", set())))
    init_body = "".join(f"    {line}\n" for line in b.init_lines)
    files[f"{pkg}/__init__.py"] = (
        f'"""{pkg}: a generated Flask app."""\n\nfrom flask import Flask\n\n\ndef create_app(config=None):\n'
        f"    app = Flask(__name__)\n    app.config.update(SECRET_KEY='k', TESTING=True)\n    app.config.update(config or {{}})\n"
        f"    from .views import bp\n{init_imports}\n    app.register_blueprint(bp)\n{init_body}    return app\n"
    )
    files[f"{tests}/__init__.py"] = ""
    files[f"{tests}/conftest.py"] = (
        f"import pytest\n\nfrom {pkg} import create_app\n\n\n@pytest.fixture\ndef app():\n    return create_app()\n\n\n"
        "@pytest.fixture\ndef client(app):\n    return app.test_client()\n"
    )
    files[f"{tests}/support.py"] = (
        f'"""Test helpers shared by the suites."""\n\nimport unittest\n\nfrom {pkg} import create_app\n\n\n'
        "def send(client, method, path, **kwargs):\n    return getattr(client, method)(path, **kwargs)\n\n\n"
        "def text(response):\n    return response.get_data(as_text=True)\n\n\n"
        "def body(response):\n    return response.get_json()\n\n\n"
        "class AppCase(unittest.TestCase):\n    def setUp(self):\n        self.app = create_app()\n        self.client = self.app.test_client()\n\n"
        "    def post_text(self, path, **kwargs):\n        return text(self.client.post(path, **kwargs))\n"
    )
    pytest_tests: list[str] = []
    unittest_tests: list[str] = []
    for n, spec in enumerate(b.tests):
        name = _test_name(spec, n)
        style = spec.style
        if style == "body":
            pytest_tests.append(f"def {name}(app):\n" + textwrap.indent(spec.body or "", "    "))
        elif style == "fixture":
            pytest_tests.append(f"def {name}(client):\n" + textwrap.indent("\n".join(_steps(spec, "client", False, False)), "    "))
        elif style == "direct":
            lines = ["app = create_app()", "client = app.test_client()", *_steps(spec, "client", False, False)]
            pytest_tests.append(f"def {name}():\n" + textwrap.indent("\n".join(lines), "    "))
        elif style == "with":
            inner = textwrap.indent("\n".join(_steps(spec, "client", False, False)), "    ")
            pytest_tests.append(f"def {name}(app):\n    with app.test_client() as client:\n" + textwrap.indent(inner, "    "))
        elif style == "support":
            pytest_tests.append(f"def {name}(client):\n" + textwrap.indent("\n".join(_steps(spec, "client", True, False)), "    "))
        else:
            unittest_tests.append(f"def {name}(self):\n" + textwrap.indent("\n".join(_steps(spec, "self.client", spec.support_checks, True)), "    "))
    files[f"{tests}/test_views.py"] = (
        f"from {pkg} import create_app\n\nfrom . import support\n\n\n" + "\n\n\n".join(pytest_tests) + "\n"
    )
    if unittest_tests:
        files[f"{tests}/test_case.py"] = (
            "import unittest\n\nfrom . import support\nfrom .support import AppCase\n\n\n"
            f"class {pkg.title()}Tests(AppCase):\n" + textwrap.indent("\n\n".join(unittest_tests), "    ") + "\n\n\n"
            "if __name__ == '__main__':\n    unittest.main()\n"
        )
    for rel, text in files.items():
        compile(text, rel, "exec")
    return files


def picks(seed: int) -> list[tuple[str, str]]:
    """The feature instances of app ``seed``: ``(feature, variant)`` by position. Each instance
    draws from its own random stream, ``random.Random(f"{seed}:{position}")``."""
    rng = random.Random(seed)
    features = [rng.choice(sorted(FEATURES)) for _ in range(rng.randint(3, 7))]
    return [(name, random.Random(f"{seed}:{i}").choice(FEATURES[name][1])) for i, name in enumerate(features)]


def generate(seed: int, keep: set[int] | None = None) -> dict[str, str]:
    """The files of app ``seed`` (3 to 7 feature instances). With ``keep``, only the instances at
    those positions, each exactly as in the whole app (names, choices): a reduced example."""
    b = Builder(seed, random.Random(seed))
    for i, (feature, variant) in enumerate(picks(seed)):
        sub = random.Random(f"{seed}:{i}")
        sub.choice(FEATURES[feature][1])  # the variant draw, as in picks()
        if keep is not None and i not in keep:
            continue
        b.rng, b.counter = sub, i * 100
        FEATURES[feature][0](b, variant)
    return render(b)


# --- running ---------------------------------------------------------------------------------------


def write_tree(root: Path, files: Mapping[str, str]) -> None:
    for rel, text in files.items():
        path = root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def run_pytest(root: Path, out: Path, extra: Sequence[str] = (), *, python: str = sys.executable) -> dict[str, Any]:
    """One pytest process over the whole tree with the harness's plugin; its JSON, parsed."""
    plugin_dir = out.parent / "plugin"
    plugin_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(rw.PLUGIN, plugin_dir / "realworld_plugin.py")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(root), str(plugin_dir)]), "F2Q_RW_OUT": str(out),
           "PYTHONDONTWRITEBYTECODE": "1"}
    env.pop("PYTEST_ADDOPTS", None)
    out.unlink(missing_ok=True)
    # pytest-flask, when installed, pushes a Flask request context around tests with an ``app``
    # fixture: not what the generated suites ask for (and it does not know Quart).
    cmd = [python, "-m", "pytest", "-q", "-p", "realworld_plugin", "-p", "no:cacheprovider", "-p", "no:randomly", "-p", "no:flask", *extra]
    done = subprocess.run(cmd, cwd=root, env=env, capture_output=True, text=True, timeout=1800, check=False)
    out.with_suffix(".log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if not out.exists():
        return {"tests": {}, "collect_errors": {"": rw.frames_in_log(done.stdout + done.stderr, root)}}
    return json.loads(out.read_text(encoding="utf-8"))


#: A folder holding the ``flask2quart`` package to measure instead of the installed one (a
#: checkout or ``git archive`` of another commit): ``--source``.
SOURCE: list[Path] = []


def rewrite(port: Path, report: Path, *, python: str = sys.executable) -> dict[str, Any]:
    cmd = [python, "-m", "flask2quart", "rewrite", ".", "--report", str(report), "-q", "--jobs", "1"]
    env = {**os.environ, "PYTHONPATH": str(SOURCE[0])} if SOURCE else None
    done = subprocess.run(cmd, cwd=port, env=env, capture_output=True, text=True, timeout=1800, check=False)
    report.with_suffix(".log").write_text(done.stdout + done.stderr, encoding="utf-8")
    if not report.exists():
        raise RuntimeError(f"flask2quart rewrite exited {done.returncode} without a report: {done.stderr[-500:]}")
    return json.loads(report.read_text(encoding="utf-8"))


def test_class(nodeid: str) -> tuple[str, str]:
    """``(feature.variant, style)`` of a generated test's nodeid (``test_<feature>_<variant>__<style>_<n>``)."""
    name = nodeid.rsplit("::", 1)[-1]
    head, _, tail = name.removeprefix("test_").partition("__")
    style = tail.rsplit("_", 1)[0]
    for feature, (_, variants) in FEATURES.items():
        for variant in variants:
            if head == f"{feature}_{variant}":
                return f"{feature}.{variant}", style
    return "?", style


#: The test-side class: a ``data=`` dict a test helper forwards to ``getattr(client, method)``.
SEND_DATA = "tests.send_data_kwargs"


#: Silent classes left to rules this oracle's fixes do not own: class -> why, and which rule.
KNOWN_SILENT: dict[str, str] = {}


def silent_class(nodeid: str) -> str:
    key, style = test_class(nodeid)
    return SEND_DATA if style.endswith("_data") else key


def run_batch(seeds: Sequence[int], work: Path, *, python: str = sys.executable) -> dict[str, Any]:
    """Generate ``seeds`` into one tree, run it on Flask, port a copy, run the port."""
    files: dict[str, str] = {}
    for seed in seeds:
        files.update(generate(seed))
    result = run_files(files, work, python=python)
    result["seeds"] = list(seeds)
    return result


def _run_tree(work: Path, *, python: str = sys.executable) -> dict[str, Any]:
    original, port = work / "flask", work / "port"
    flask = run_pytest(original, work / "flask.json", python=python)
    shutil.copytree(original, port)
    report = rewrite(port, work / "rewrite.json", python=python)
    ported = run_pytest(port, work / "port.json", rw.PORT_WARNINGS, python=python)
    findings = [{**f, "path": _rebase(str(f.get("path", "")), port, original)} for f in report.get("findings", [])]
    places = rr.finding_places(findings, rr.SpanIndex(original))
    flask_tests, port_tests = rw.outcomes(flask), rw.outcomes(ported)
    collect = {k: [tuple(f) for f in v] for k, v in ported.get("collect_errors", {}).items()}
    failing = rr.failing_tests(flask_tests, port_tests, collect)
    silent = rr.silent_failures(failing, places, rr.SpanIndex(port))
    flask_failed = [n for n, t in flask_tests.items() if t.outcome not in rr.PASSED]
    flask_failed += [f"{k} (collection)" for k in flask.get("collect_errors", {})]
    return {
        "tests": len(flask_tests),
        "flask_failed": flask_failed,
        "failing": [t.nodeid for t in failing],
        "silent": silent,
        "findings": len(findings),
        "codes": sorted({str(f.get("code")) for f in findings}),
    }


def _rebase(path: str, port: Path, original: Path) -> str:
    try:
        return str(original / Path(path).resolve().relative_to(port.resolve()))
    except ValueError:
        return path


def _seed_of(nodeid: str) -> int:
    return int(nodeid.split("/", 1)[0].removeprefix("tests_app"))


def run_files(files: Mapping[str, str], work: Path, *, python: str = sys.executable) -> dict[str, Any]:
    if work.exists():
        shutil.rmtree(work)
    write_tree(work / "flask", files)
    return _run_tree(work, python=python)


def reduce(nodeid: str, work: Path, *, python: str = sys.executable) -> tuple[int, set[int]] | None:
    """The smallest set of feature instances of the test's app (the instance itself, then others
    added back greedily) with which the test still fails silently; None if it does not reproduce."""
    seed = _seed_of(nodeid)
    key, style = test_class(nodeid)
    instances = picks(seed)
    own = [i for i, pick in enumerate(instances) if ".".join(pick) == key]

    def fails(keep: set[int]) -> bool:
        # The test's position in the reduced app differs: find it by its class and style.
        result = run_files(generate(seed, keep), work, python=python)
        return any(test_class(n) == (key, style) for n in result["silent"])

    for i in own:
        if fails({i}):
            return seed, {i}
    everything = set(range(len(instances)))
    if not fails(everything):
        return None
    keep = set(everything)
    for i in sorted(everything, reverse=True):
        if i in own or i not in keep:
            continue
        if fails(keep - {i}):
            keep -= {i}
    return seed, keep


def summarise(results: Sequence[Mapping[str, Any]], work: Path, *, examples: bool = True,
              python: str = sys.executable) -> dict[str, Any]:
    classes: dict[str, list[str]] = {}
    for result in results:
        for nodeid in result["silent"]:
            classes.setdefault(silent_class(nodeid), []).append(nodeid)
    found: dict[str, Any] = {}
    for key, nodeids in sorted(classes.items()):
        if key in ("?", SEND_DATA) or not examples:
            continue
        for nodeid in nodeids[:3]:
            reduced = reduce(nodeid, work / "reduce", python=python)
            if reduced is None:
                continue
            seed, keep = reduced
            target = work / "examples" / key.replace(".", "_")
            if target.exists():
                shutil.rmtree(target)
            write_tree(target, generate(seed, keep))
            found[key] = {"dir": str(target), "seed": seed, "keep": sorted(keep), "nodeid": nodeid,
                          "features": [".".join(picks(seed)[i]) for i in sorted(keep)]}
            break
    return {
        "apps": sum(len(r["seeds"]) for r in results),
        "tests": sum(r["tests"] for r in results),
        "flask_failed": [n for r in results for n in r["flask_failed"]],
        "failures": sum(len(r["failing"]) for r in results),
        "silent": sum(len(r["silent"]) for r in results),
        "classes": {key: len(v) for key, v in sorted(classes.items())},
        "styles": {key: sorted({test_class(n)[1] for n in v}) for key, v in sorted(classes.items())},
        "examples_of": {key: v[:3] for key, v in sorted(classes.items())},
        "examples": found,
        "silent_tests": [n for r in results for n in r["silent"]],
    }


def render_summary(summary: Mapping[str, Any]) -> str:
    lines = [f"apps {summary['apps']}, tests {summary['tests']}, failing on Flask {len(summary['flask_failed'])}, "
             f"failing after the port {summary['failures']}, silent failures {summary['silent']}"]
    for nodeid in summary["flask_failed"][:10]:
        lines.append(f"  generator bug (fails on Flask): {nodeid}")
    for key, count in summary["classes"].items():
        example = summary["examples"].get(key, {})
        lines.append(f"  silent {key}: {count} (styles {', '.join(summary['styles'][key])}; e.g. {example.get('nodeid', '?')}; "
                     f"minimal example {example.get('dir', '-')}: {' + '.join(example.get('features', []))})")
    return "\n".join(lines)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--count", type=int, default=50)
    parser.add_argument("--seed", type=int, default=0, help="first seed; apps are seed..seed+count-1")
    parser.add_argument("--jobs", type=int, default=1, help="batches run at once")
    parser.add_argument("--batch", type=int, default=50, help="apps per tree (one pytest process per side)")
    parser.add_argument("--work", type=Path, default=Path(os.environ.get("TMPDIR", "/tmp")) / "f2q-oracle")
    parser.add_argument("--json", type=Path)
    parser.add_argument("--no-examples", action="store_true", help="skip reducing each silent class to a minimal example")
    parser.add_argument("--python", default=sys.executable, help="interpreter with Flask, Quart, pytest-asyncio, flask2quart")
    parser.add_argument("--source", type=Path, help="folder whose flask2quart package does the rewrite (default: the installed one)")
    args = parser.parse_args(argv)
    if args.source:
        SOURCE[:] = [args.source.resolve()]
    seeds = list(range(args.seed, args.seed + args.count))
    batches = [seeds[i:i + args.batch] for i in range(0, len(seeds), args.batch)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=max(1, args.jobs)) as pool:
        futures = [pool.submit(run_batch, batch, args.work / f"batch{batch[0]:05d}", python=args.python) for batch in batches]
        results = []
        for future in futures:
            results.append(future.result())
            done = results[-1]
            print(f"batch {done['seeds'][0]}..{done['seeds'][-1]}: {done['tests']} tests, {len(done['failing'])} failing, "
                  f"{len(done['silent'])} silent", flush=True)
    summary = summarise(results, args.work, examples=not args.no_examples, python=args.python)
    summary["seconds"] = round(time.monotonic() - started, 1)
    print(render_summary(summary))
    if args.json:
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")
    unknown = sorted(set(summary["classes"]) - set(KNOWN_SILENT))
    if unknown:
        print("silent classes not known:", ", ".join(unknown))
    return 1 if unknown or summary["flask_failed"] else 0


if __name__ == "__main__":
    sys.exit(main())
