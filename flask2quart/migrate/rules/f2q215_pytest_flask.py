"""F2Q215: pytest-flask's fixtures, generated for Quart, and its plugin turned off.

pytest-flask is a pytest plugin, active wherever it is installed: for every test that uses the
project's ``app`` fixture it pushes ``app.test_request_context()`` (a Flask call: under Quart it
fails in every such test, "missing 1 required positional argument: 'path'") and it provides the
``client``, ``client_class``, ``config``, ``mimetype``/``accept_*`` and ``live_server`` fixtures.
In a project that declares pytest-flask (its requirements or ``pyproject.toml``) or imports it,
the rewrite:

- turns the plugin off where pytest reads its configuration: ``-p no:flask`` in ``addopts``
  (``[tool.pytest.ini_options]``, ``pytest.ini``, ``tox.ini`` or ``setup.cfg``), and F2Q401 drops
  the ``pytest-flask`` requirement;
- writes what the plugin did, for Quart, into the module that defines the ``app`` fixture (its
  ``conftest.py``): an autouse fixture that applies ``@pytest.mark.options(...)`` to ``app.config``
  and pushes Quart's request context around the test, as pytest-flask did (so ``url_for``,
  ``current_app``, ``g`` and context-bound extensions work in the test body), and, for each
  pytest-flask fixture the tests use that the project does not define, the same fixture built
  on Quart (``client`` is ``app.test_client()``, ``client_class`` sets ``cls.client``...); where
  the tests use ``@pytest.mark.options``, a ``pytest_configure`` hook registers the marker there.

``live_server`` (a real server in a thread) is reported where a test uses it.
``FlaskClient`` subclasses become ``QuartClient`` subclasses through F2Q101's import mapping.

Docs: https://pytest-flask.readthedocs.io/en/latest/features.html
"""

from __future__ import annotations

import ast
import contextlib
import re
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from ...findings import Severity
from .. import analysis as A
from ..context import FileContext
from ..project import project_root
from .base import Rule
from .f2q206_pytest_asyncio_config import _CANDIDATES, ConfigEdit

CODE = "F2Q215"
_DEPENDENCY_FILES = ("pyproject.toml", "setup.cfg", "setup.py", "tox.ini", "Pipfile")
_DECLARED = re.compile(r"(?i)\bpytest[-_.]flask\b")
#: pytest-flask's fixtures -> what the port writes for them (``{pytest}`` is pytest's local name).
FIXTURES = {
    "client": '''

@{pytest}.fixture
def client(app):
    """``app.test_client()``, as pytest-flask's ``client`` fixture gave it. Written by flask2quart (F2Q215)."""
    return app.test_client()
''',
    "client_class": '''

@{pytest}.fixture
def client_class(request, client):
    """Sets ``cls.client`` on the test's class, as pytest-flask's fixture did. Written by flask2quart (F2Q215)."""
    if request.cls is not None:
        request.cls.client = client
''',
    "config": '''

@{pytest}.fixture
def config(app):
    """The app's config, as pytest-flask's ``config`` fixture gave it. Written by flask2quart (F2Q215)."""
    return app.config
''',
    "mimetype": '''

@{pytest}.fixture(params=["application/json", "text/html"])
def mimetype(request):
    """pytest-flask's ``mimetype`` fixture. Written by flask2quart (F2Q215)."""
    return request.param
''',
    "accept_mimetype": '''

@{pytest}.fixture
def accept_mimetype(mimetype):
    """pytest-flask's ``accept_mimetype`` fixture. Written by flask2quart (F2Q215)."""
    return [("Accept", mimetype)]
''',
    "accept_json": '''

@{pytest}.fixture
def accept_json():
    """pytest-flask's ``accept_json`` fixture. Written by flask2quart (F2Q215)."""
    return [("Accept", "application/json")]
''',
    "accept_jsonp": '''

@{pytest}.fixture
def accept_jsonp():
    """pytest-flask's ``accept_jsonp`` fixture. Written by flask2quart (F2Q215)."""
    return [("Accept", "application/json-p")]
''',
    "accept_any": '''

@{pytest}.fixture
def accept_any():
    """pytest-flask's ``accept_any`` fixture. Written by flask2quart (F2Q215)."""
    return [("Accept", "*/*")]
''',
}
_ORDER = ("client", "client_class", "config", "mimetype", "accept_mimetype", "accept_json", "accept_jsonp", "accept_any")
_REQUIRES = {"client_class": ("client",), "accept_mimetype": ("mimetype",)}

CONTEXT_SOURCE = '''

@{pytest}.fixture(autouse=True)
def _pytest_flask_app(request):
    """What pytest-flask did for each test using the ``app`` fixture, on Quart.

    Applies ``@pytest.mark.options(key=value)`` to ``app.config`` and pushes a request context
    around the test (Quart's is async: pushed by ``_pytest_flask_request_context``). pytest-flask's
    own plugin, which pushes Flask's, is off (``-p no:flask``). Written by flask2quart (F2Q215).
    """
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    monkeypatch = request.getfixturevalue("monkeypatch")
    for options in request.node.iter_markers("options"):
        for key, value in options.kwargs.items():
            monkeypatch.setitem(app.config, key.upper(), value)
    request.getfixturevalue("_pytest_flask_request_context")


@{pytest}.fixture
async def _pytest_flask_request_context(app):
    """The request context pytest-flask pushed for the test. Written by flask2quart (F2Q215)."""
    async with app.test_request_context("/"):
        yield
'''


MARKER_SOURCE = '''

def pytest_configure(config):
    """Registers ``@pytest.mark.options``, as pytest-flask's plugin (now off) did. Written by
    flask2quart (F2Q215)."""
    config.addinivalue_line("markers", "options(**kwargs): app.config values for the test (pytest-flask)")
'''


@dataclass(frozen=True)
class Plan:
    """What the project needs: where the plugin is declared, which fixtures to write."""

    fixtures: tuple[str, ...]  # pytest-flask fixtures the tests use and the project lacks
    live_server: tuple[tuple[str, int], ...]  # (path, line) of tests using ``live_server``
    options_marker: bool = False  # tests use ``@pytest.mark.options``: the marker is registered


_plans: list[tuple[A.ProjectAnalysis, Plan | None]] = []


def plan(analysis: A.ProjectAnalysis) -> Plan | None:
    """The project's pytest-flask plan (``None``: it does not use pytest-flask), once per process."""
    for seen, found in _plans:
        if seen is analysis:
            return found
    found = _plan(analysis)
    _plans[:] = [(analysis, found)]
    return found


def uses_pytest_flask(analysis: A.ProjectAnalysis) -> bool:
    """The project declares pytest-flask in a dependency file, or imports it."""
    for facts in analysis.modules.values():
        if any(target.split(".")[0] == "pytest_flask" for target in facts.imports.values()):
            return True
    folders = {Path(facts.path).resolve().parent for facts in analysis.modules.values() if facts.is_test}
    seen: set[Path] = set()
    for folder in folders:
        root = project_root(folder)  # not above it: an enclosing project's files are not this one's
        for parent in [folder, *folder.parents]:
            if parent in seen:
                break
            seen.add(parent)
            if _declares(parent):
                return True
            if parent == root:
                break
    return False


def _declares(folder: Path) -> bool:
    names = [*_DEPENDENCY_FILES, *(p.name for p in folder.glob("requirements*.txt"))]
    for name in names:
        with contextlib.suppress(OSError):
            if _DECLARED.search((folder / name).read_text(encoding="utf-8", errors="replace")):
                return True
    return False


def _plan(analysis: A.ProjectAnalysis) -> Plan | None:
    if not uses_pytest_flask(analysis):
        return None
    defined = analysis.fixture_names
    used: set[str] = set()
    live: list[tuple[str, int]] = []
    options = False
    for facts in analysis.modules.values():
        if not facts.is_test:
            continue
        for func in facts.functions.values():
            if func.role in (A.Role.TEST, A.Role.FIXTURE):
                used.update(func.params)
                if "live_server" in func.params and "live_server" not in defined:
                    live.append((facts.path, func.line))
        with contextlib.suppress(OSError, SyntaxError, ValueError):
            tree = ast.parse(Path(facts.path).read_bytes())
            used.update(_usefixtures(tree))
            options = options or any(
                isinstance(node, ast.Attribute) and node.attr == "options"
                and isinstance(node.value, ast.Attribute) and node.value.attr == "mark"
                for node in ast.walk(tree)
            )
    wanted = {name for name in FIXTURES if name in used and name not in defined}
    for name in list(wanted):
        wanted.update(r for r in _REQUIRES.get(name, ()) if r not in defined)
    return Plan(tuple(n for n in _ORDER if n in wanted), tuple(live), options)


def _usefixtures(tree: ast.Module) -> set[str]:
    """Names in ``pytest.mark.usefixtures("client_class", ...)``."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "usefixtures":
            names.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return names


class PytestFlask(Rule):
    code = CODE
    name = "pytest-flask"

    def __init__(self, ctx: FileContext) -> None:
        super().__init__(ctx)
        self._plan = plan(ctx.analysis) if ctx.facts.is_test else None

    def _defines_app_fixture(self) -> bool:
        function = self.ctx.facts.functions.get("app")
        return function is not None and function.role is A.Role.FIXTURE

    def leave_FunctionDef(self, original: cst.FunctionDef, updated: cst.FunctionDef) -> cst.FunctionDef:
        if self._plan is not None and self._plan.live_server:
            names = {p.name.value for p in (*original.params.params, *original.params.kwonly_params)}
            if "live_server" in names and "live_server" not in self.ctx.analysis.fixture_names:
                self.ctx.report(original, self.code, "pytest-flask's `live_server` has no Quart counterpart here: "
                                "serve the app with Hypercorn in a background thread (or test through "
                                "`app.test_client()`)", Severity.ERROR)
        return updated

    def leave_Module(self, original: cst.Module, updated: cst.Module) -> cst.Module:
        if self._plan is None or not self._defines_app_fixture():
            return updated
        pytest = self.ctx.require_import("pytest")
        self.ctx.add_helper("_pytest_flask_app", CONTEXT_SOURCE.format(pytest=pytest))
        for name in self._plan.fixtures:
            if name not in self.ctx.facts.functions:
                self.ctx.add_helper(name, FIXTURES[name].format(pytest=pytest))
        if self._plan.options_marker and Path(self.ctx.facts.path).name == "conftest.py":
            if "pytest_configure" in self.ctx.facts.functions:
                self.ctx.report(original, self.code, "register the `options` marker pytest-flask registered: "
                                "`config.addinivalue_line(\"markers\", \"options: ...\")` in pytest_configure",
                                Severity.WARNING)
            else:
                self.ctx.add_helper("pytest_configure", MARKER_SOURCE)
        self.changed()
        written = ", ".join(("request context", *self._plan.fixtures))
        self.ctx.report(original, self.code, f"pytest-flask's plugin is off (`-p no:flask`); what it gave the "
                        f"tests is written here for Quart: {written}", Severity.INFO)
        return updated


# --- the pytest configuration ------------------------------------------------------------------

_ADDOPTS = "-p no:flask"


def config_edit(root: Path, current: dict[Path, bytes]) -> ConfigEdit | None:
    """``-p no:flask`` in the ``addopts`` of ``root``'s pytest configuration (on top of ``current``)."""
    for name, header, quoted in _CANDIDATES:
        path = root / name
        if not path.is_file():
            continue
        raw = path.read_bytes()
        text = current.get(path.resolve(), raw).decode("utf-8")
        if name != "pytest.ini" and not _has_section_text(text, header):
            continue
        match = re.search(rf"^[ \t]*{header}[ \t]*(?:[#;][^\r\n]*)?\r?$", text, flags=re.MULTILINE)
        newline = "\r\n" if "\r\n" in text else "\n"
        if match is None:  # a pytest.ini without its section
            after = text + ("" if text.endswith("\n") or not text else newline) + f"[pytest]{newline}addopts = {_ADDOPTS}{newline}"
            return ConfigEdit(path, raw, after.encode("utf-8"))
        section_end = re.search(r"^\[", text[match.end() :], flags=re.MULTILINE)
        end = match.end() + section_end.start() if section_end else len(text)
        section = text[match.end() : end]
        if "no:flask" in section:
            return None
        existing = re.search(r"^addopts[ \t]*=[ \t]*(?P<value>.*)$", section, flags=re.MULTILINE)
        if existing is not None:
            value = existing.group("value").rstrip("\r")
            if quoted and value[:1] in "\"'" and value.endswith(value[:1]) and len(value) > 1:
                new_value = f"{value[:-1]} {_ADDOPTS}{value[-1]}"
            elif quoted and value.startswith("[") and value.endswith("]"):
                new_value = f'{value[:-1].rstrip()}{", " if value[1:-1].strip() else ""}"-p", "no:flask"]'
            elif quoted:
                return None  # a multi-line value: left for a human (reported by the caller)
            else:
                new_value = f"{value} {_ADDOPTS}" if value.strip() else _ADDOPTS
            start = match.end() + existing.start("value")
            after = text[:start] + new_value + text[start + len(value):]
            return ConfigEdit(path, raw, after.encode("utf-8"))
        body = section.rstrip("\r\n")
        trailing = section[len(body):]
        line = f'addopts = "{_ADDOPTS}"' if quoted else f"addopts = {_ADDOPTS}"
        after = text[: match.end()] + f"{body}{newline}{line}{trailing or newline}" + text[end:]
        return ConfigEdit(path, raw, after.encode("utf-8"))
    return None


def _has_section_text(text: str, header: str) -> bool:
    return re.search(rf"^[ \t]*{header}[ \t]*(?:[#;][^\r\n]*)?\r?$", text, flags=re.MULTILINE) is not None


__all__ = ["CODE", "Plan", "PytestFlask", "config_edit", "plan", "uses_pytest_flask"]
