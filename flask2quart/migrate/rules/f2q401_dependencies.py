"""F2Q401: the project's dependencies name Quart and the Quart extensions instead of Flask's.

Requirements files (``requirements*.txt``/``.in``, ``*-requirements.txt``, ``requirements/*.txt``
and ``.in``, and those ``tox.ini`` installs with ``-r``), ``pyproject.toml`` (``[project]`` ``dependencies``,
``[project.optional-dependencies]``, ``[dependency-groups]``, Poetry's
``[tool.poetry.*dependencies]``), ``setup.cfg`` (``[options]`` ``install_requires``/
``tests_require``, ``[options.extras_require]``) and ``setup.py`` (the string literals of
``install_requires=[...]``, ``tests_require``, ``extras_require={...}``), found at the project root
walking up from each PATH (``rewrite pkg tests`` edits the project's files):

- ``flask`` becomes ``quart`` with a bound that fits the project's Python (``quart>=0.23.1`` when
  ``requires-python`` starts at 3.13 or later, else ``quart>=0.22,!=0.23.0``: 0.23.0 prints every
  awaited request body). Extras of Flask are dropped (``flask[async]``: Quart is async).
- Each Flask extension with a Quart counterpart becomes it, with the lowest version that works on
  Quart 0.22/0.23: Flask-Login -> ``quart-auth>=0.11``, Flask-WTF -> ``quart-wtforms>=1.0.3``
  (never ``quart-wtf``: a stale distribution that installs the same ``quart_wtf`` module),
  Flask-CORS -> ``quart-cors>=0.8``, Flask-Limiter -> ``quart-rate-limiter>=0.12``, Flask-Babel ->
  ``quart-babel>=1.0.7``, Flask-Session -> ``quart-session>=3``, Flask-Bcrypt ->
  ``quart-bcrypt>=0.0.9``, Flask-HTTPAuth -> ``quart-httpauth>=0.0.1``, Flask-Compress ->
  ``quart-compress>=0.2.1``, Flask-SocketIO -> ``python-socketio>=5.11``. Flask-Sock is removed:
  Quart serves websockets itself (``@app.websocket``). Extras the counterpart also has are kept
  (``flask-limiter[redis]`` -> ``quart-rate-limiter[redis]``), others dropped and said.
- Extensions the port keeps through the generated ``flask_bridge`` (F2Q327: Flask-SQLAlchemy,
  Flask-Migrate, Flask-Caching, Flask-Mail, flask-talisman, Flask-Principal, Flask-Static-Digest)
  stay, said (INFO);
  those with no mechanical port (Flask-RESTX, flasgger, flask-smorest, Flask-JWT-Extended) stay,
  reported with the recommended replacement.
- What the port needs is printed, from what the ported code imports (``flask_babel`` ->
  ``quart-babel>=1.0.7``), when the project's dependency files do not list all of it after the
  edit (a WARNING), or when it has none (INFO: install them).
- A ``werkzeug`` pin that allows no Werkzeug 3.1 (``Werkzeug==3.0.1``, ``<3.1``, ``~=3.0.1``)
  becomes ``werkzeug>=3.1``: Quart 0.22/0.23 declare ``werkzeug>=3.0`` but set every session
  cookie with ``partitioned=``, which ``set_cookie`` takes from 3.1 on; under the old pin the
  port installs, and each response that saves the session (a ``flash``, a login) fails with a
  ``TypeError``.
- ``gunicorn`` becomes ``hypercorn>=0.17`` when F2Q402 moved the launch commands to Hypercorn (it
  stays, with ``hypercorn`` added next to it, when some command still starts gunicorn).
- ``aiohttp>=3.9`` is added next to Quart when ``--http-client aiohttp`` ports code that uses
  ``requests``; ``pytest-asyncio`` next to ``pytest`` where the tests became async.

Names match as PEP 503 normalizes them (``Flask_Login`` is ``flask-login``). A requirement is
replaced whether or not the Python code imports it: the file describes what the ported project
installs, and a Flask extension cannot work in a Quart app. When the counterpart is already listed
the Flask line is removed instead (no duplicate). Environment markers and comments stay. A
requirements file pinned with ``--hash`` is not edited (a new name needs a new hash): it is
reported. Everything else in the files is kept byte for byte.

Docs: https://quart.palletsprojects.com/en/latest/how_to_guides/flask_migration.html
"""

from __future__ import annotations

import re
import tomllib
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from ...findings import Finding, Severity
from .f2q206_pytest_asyncio_config import ConfigEdit

CODE = "F2Q401"
PYTEST_ASYNCIO = "pytest-asyncio>=0.24"
HYPERCORN = "hypercorn>=0.17"
AIOHTTP = "aiohttp>=3.9"

#: Flask extension (PEP 503 name) -> its Quart counterpart's requirement (None: removed).
EXTENSIONS: dict[str, str | None] = {
    "flask-login": "quart-auth>=0.11",
    "flask-wtf": "quart-wtforms>=1.0.3",
    "flask-cors": "quart-cors>=0.8",
    "flask-limiter": "quart-rate-limiter>=0.12",
    "flask-babel": "quart-babel>=1.0.7",
    "flask-session": "quart-session>=3",
    "flask-bcrypt": "quart-bcrypt>=0.0.9",
    "flask-httpauth": "quart-httpauth>=0.0.1",
    "flask-compress": "quart-compress>=0.2.1",
    "flask-socketio": "python-socketio>=5.11",
    "flask-sock": None,
}
#: Extras each counterpart provides (from its METADATA), so ``[redis]`` survives the move.
_TARGET_EXTRAS = {
    "quart-rate-limiter": {"redis", "valkey"},
    "quart-session": {"redis", "mongodb", "dotenv"},
    "python-socketio": {"client", "asyncio-client"},
}
#: Flask extensions a person must port, and what to port them to.
#: Flask extensions the port keeps: they run under Quart through the generated ``flask_bridge``
#: module (F2Q327), so their requirement stays (said once, INFO).
BRIDGED = frozenset(
    {
        "flask-sqlalchemy", "flask-migrate", "flask-caching", "flask-mail", "flask-talisman", "flask-principal",
        "flask-static-digest",
    }
)
NO_MECHANICAL_PORT = {
    "flasgger": "quart-schema",
    "flask-smorest": "quart-schema",
    "flask-jwt-extended": "quart-jwt-extended (a port of the 3.x API, unmaintained)",
}

#: The first Werkzeug whose ``set_cookie`` takes ``partitioned=``, which Quart passes.
WERKZEUG_FLOOR = (3, 1)
_CLAUSE = re.compile(r"(===|==|~=|<=|<|!=|>=|>)\s*([0-9][0-9A-Za-z.*+!-]*)")

_REQUIREMENT = re.compile(
    r"^(?P<lead>\s*)(?P<name>[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)"
    r"(?P<extras>\s*\[[^\]]*\])?(?P<spec>\s*[(<>=!~@][^;#]*?)?(?P<rest>\s*(?:[;#].*)?)$"
)
_NAME_AT_LINE_START = re.compile(r"(?m)^\s*[\"']?(?P<name>[A-Za-z0-9][A-Za-z0-9._-]*)")
_QUOTED = re.compile(r"(?P<quote>[\"'])(?P<text>(?:(?!(?P=quote))[^\n])*)(?P=quote)")
_TABLE = re.compile(r"^\s*\[(?P<name>[^\]]+)\]\s*(?:#.*)?$")
_POETRY_KEY = re.compile(r"^(?P<indent>\s*)(?P<name>[A-Za-z0-9_.-]+)(?P<eq>\s*=\s*)(?P<value>.*)$")
_PYTEST = re.compile(r"^pytest(?:\s*\[[^\]]*\])?\s*(?:[<>=!~;#].*)?$", re.IGNORECASE)


def normalize(name: str) -> str:
    """A distribution name as PEP 503 compares it."""
    return re.sub(r"[-_.]+", "-", name).lower()


def quart_requirement(requires_python: str | None) -> str:
    """``quart`` with the bound that installs a good Quart on every Python the project allows."""
    match = re.search(r">=\s*3\.(\d+)", requires_python or "")
    if match is not None and int(match.group(1)) >= 13:
        return "quart>=0.23.1"
    return "quart>=0.22,!=0.23.0"


def _requires_python(root: Path) -> str | None:
    path = root / "pyproject.toml"
    if not path.is_file():
        return None
    match = re.search(
        r"(?m)^requires-python\s*=\s*[\"']([^\"']+)[\"']", path.read_text("utf-8", "replace")
    )
    return match.group(1) if match else None


@dataclass(frozen=True)
class Options:
    """What the rest of the rewrite decided, for one project folder."""

    quart: str
    async_tests: bool = False
    #: F2Q402 moved at least one launch command from gunicorn to hypercorn ...
    server_moved: bool = False
    #: ... and some command still starts gunicorn (so gunicorn stays, hypercorn is added).
    gunicorn_left: bool = False
    #: ``--http-client aiohttp`` ported code that used requests.
    add_aiohttp: bool = False
    #: F2Q304 kept Flask-Limiter's API in a generated module counting with ``limits``.
    limits_kept: bool = False


@dataclass(frozen=True)
class _Change:
    """What becomes of one requirement: its new text (``None``: the line goes), an added line."""

    text: str | None
    added: str | None = None
    note: tuple[Severity, str] | None = None


def _extras_for(target: str, extras: str | None) -> tuple[str, list[str]]:
    """``[a,b]`` the target also provides, and those it does not."""
    if not extras:
        return "", []
    wanted = [e.strip() for e in extras.strip()[1:-1].split(",") if e.strip()]
    known = _TARGET_EXTRAS.get(normalize(re.split(r"[<>=!~\[ ]", target, maxsplit=1)[0]), set())
    kept = [e for e in wanted if normalize(e) in known]
    lost = [e for e in wanted if normalize(e) not in known]
    return (f"[{','.join(kept)}]" if kept else ""), lost


def _with_extras(target: str, extras: str) -> str:
    if not extras:
        return target
    name = re.match(r"[A-Za-z0-9._-]+", target)
    assert name is not None
    return f"{name.group(0)}{extras}{target[name.end() :]}"


def _change(text: str, options: Options, present: set[str]) -> _Change | None:
    """The change one requirement string needs, or None (not ours, or nothing to do)."""
    match = _REQUIREMENT.match(text)
    if match is None:
        return None
    name = normalize(match.group("name"))
    lead, rest = match.group("lead"), match.group("rest")
    if name == "flask":
        if "quart" in present:
            return _Change(
                None,
                note=(Severity.INFO, "removed flask: quart is already listed (it installs Flask)"),
            )
        added = AIOHTTP if options.add_aiohttp and "aiohttp" not in present else None
        return _Change(f"{lead}{options.quart}{rest}", added)
    if name == "quart" and options.add_aiohttp and "aiohttp" not in present:
        return _Change(text, AIOHTTP)
    if name == "gunicorn" and options.server_moved and "hypercorn" not in present:
        if options.gunicorn_left:
            return _Change(
                text, HYPERCORN, (Severity.INFO, "added hypercorn: the launch commands start it")
            )
        return _Change(
            f"{lead}{HYPERCORN}{rest}",
            note=(Severity.INFO, "gunicorn -> hypercorn: the launch commands start it"),
        )
    if name == "flask-limiter" and options.limits_kept:  # F2Q304's generated module counts with limits
        return _Change(
            f"{lead}limits{(match.group('extras') or '').strip()}>=3.5{rest}",  # its extras are limits' own
            note=(Severity.INFO, f"{match.group('name')} -> limits: Flask-Limiter's API is kept in the generated "
                  "rate_limiting module, which counts with it (F2Q304)"),
        )
    if name in ("flask-restful", "flask-restx"):  # their core API is generated for Quart (F2Q340)
        return _Change(
            None,
            note=(Severity.INFO, f"removed {match.group('name')}: its API is generated for Quart (restful.py, "
                  "F2Q340)"),
        )
    if name == "pytest-flask":  # a plugin driving Flask: F2Q215 turns it off and writes its fixtures
        return _Change(
            None,
            note=(Severity.INFO, "removed pytest-flask: its plugin drives Flask; the fixtures it gave are "
                  "written into the tests for Quart (F2Q215)"),
        )
    if name == "werkzeug" and _allows_none_from(match.group("spec") or "", WERKZEUG_FLOOR):
        floor = ".".join(map(str, WERKZEUG_FLOOR))
        return _Change(
            f"{lead}{match.group('name')}{(match.group('extras') or '').strip()}>={floor}{rest}",
            note=(Severity.INFO, f"{match.group('name')}{(match.group('spec') or '').strip()} -> >={floor}: "
                  "Quart sets session cookies with partitioned=, which older Werkzeug rejects (TypeError)"),
        )
    if name in BRIDGED:
        return _Change(
            text,
            note=(
                Severity.INFO,
                f"kept {match.group('name')}: the port runs it under Quart through the generated flask_bridge "
                "module (F2Q327)",
            ),
        )
    if name in NO_MECHANICAL_PORT:
        return _Change(
            text,
            note=(
                Severity.WARNING,
                f"{match.group('name')} has no Quart port: it does not work in a Quart app; "
                f"port its uses to {NO_MECHANICAL_PORT[name]} and replace this requirement",
            ),
        )
    if name not in EXTENSIONS:
        return None
    target = EXTENSIONS[name]
    if target is None:
        return _Change(
            None,
            note=(
                Severity.INFO,
                f"removed {match.group('name')}: Quart serves websockets itself (@app.websocket)",
            ),
        )
    target_name = normalize(target.split(">", 1)[0])
    if target_name in present:
        return _Change(
            None,
            note=(Severity.INFO, f"removed {match.group('name')}: {target_name} is already listed"),
        )
    extras, lost = _extras_for(target, match.group("extras"))
    message = f"{match.group('name')} -> {target}"
    if lost:
        message += f" (extras {', '.join(lost)} dropped: {target_name} has none of that name)"
    return _Change(f"{lead}{_with_extras(target, extras)}{rest}", note=(Severity.INFO, message))


def _allows_none_from(spec: str, floor: tuple[int, ...]) -> bool:
    """Whether the version specifier ``spec`` excludes every release from ``floor`` on."""
    for operator, version in _CLAUSE.findall(spec):
        numbers = re.match(r"\d+(?:\.\d+)*", version)
        assert numbers is not None  # the clause pattern starts the version with a digit
        release = tuple(int(part) for part in numbers.group(0).split("."))
        # ``==3.*`` allows every 3.x: compare as many parts as it names
        pinned_floor = floor[: len(release)] if version.endswith(".*") else floor
        if operator in ("==", "===") and release < pinned_floor:
            return True
        if (operator == "<" and release <= floor) or (operator == "<=" and release < floor):
            return True
        if operator == "~=" and release[:-1] < floor[: len(release) - 1]:
            return True
    return False


def _present(text: str) -> set[str]:
    return {normalize(m.group("name")) for m in _NAME_AT_LINE_START.finditer(text)}


def _edits(requirement: str, options: Options) -> bool:
    """Whether the rule would change this requirement (not only report it)."""
    change = _change(requirement, options, set())
    return change is not None and (change.text != requirement or change.added is not None)


def _valid_toml(text: str) -> bool:
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError:
        return False
    return True


class ProjectDependencies:
    code = CODE
    name = "quart-dependencies"

    @staticmethod
    def requirement_files(root: Path) -> list[Path]:
        found = {
            *root.glob("requirements*.txt"),
            *root.glob("requirements*.in"),
            *root.glob("*-requirements.txt"),
            *root.glob("*_requirements.txt"),
            *(root / "requirements").glob("*.txt"),
            *(root / "requirements").glob("*.in"),
            *_tox_requirements(root),
        }
        return sorted(path for path in found if path.is_file())

    @staticmethod
    def plan(
        root: Path,
        *,
        async_tests: bool,
        current: dict[Path, bytes],
        server_moved: bool = False,
        gunicorn_left: bool = False,
        add_aiohttp: bool = False,
        limits_kept: bool = False,
    ) -> tuple[list[ConfigEdit], list[Path], list[Finding]]:
        """Edits for ``root``'s dependency files, the hash-pinned files left alone, and findings.

        ``current`` holds the text other project-file rules already planned for a path (so that
        two rules editing one ``pyproject.toml`` compose)."""
        options = Options(
            quart_requirement(_requires_python(root)),
            async_tests,
            server_moved,
            gunicorn_left,
            add_aiohttp,
            limits_kept,
        )
        edits: list[ConfigEdit] = []
        pinned: list[Path] = []
        findings: list[Finding] = []
        for path in ProjectDependencies.requirement_files(root):
            before = path.read_bytes()
            text = current.get(path.resolve(), before).decode("utf-8", "surrogateescape")
            if "--hash" in text:
                if any(
                    _edits(line.strip().rstrip("\\").strip(), options) for line in text.splitlines()
                ):
                    pinned.append(path)
                continue
            after, notes = _edit_requirements(text, options)
            findings += [
                Finding(str(path), line, 1, CODE, message, severity)
                for line, severity, message in notes
            ]
            if after != text:
                edits.append(ConfigEdit(path, before, after.encode("utf-8", "surrogateescape")))
        pyproject = root / "pyproject.toml"
        if pyproject.is_file():
            before = pyproject.read_bytes()
            text = current.get(pyproject.resolve(), before).decode("utf-8", "surrogateescape")
            after, notes = _edit_pyproject(text, options)
            if after != text and not _valid_toml(after):
                # a layout the line edits do not understand: better untouched than broken
                notes = [
                    (
                        1,
                        Severity.ERROR,
                        "pyproject.toml: the dependency edit would not parse; edit it by hand",
                    )
                ]
                after = text
            findings += [
                Finding(str(pyproject), line, 1, CODE, message, severity)
                for line, severity, message in notes
            ]
            if after != text:
                edits.append(
                    ConfigEdit(pyproject, before, after.encode("utf-8", "surrogateescape"))
                )
        for name, edit in (("setup.cfg", _edit_setup_cfg), ("setup.py", _edit_setup_py)):
            path = root / name
            if not path.is_file():
                continue
            before = path.read_bytes()
            text = current.get(path.resolve(), before).decode("utf-8", "surrogateescape")
            after, notes = edit(text, options)
            findings += [Finding(str(path), line, 1, CODE, message, severity) for line, severity, message in notes]
            if after != text:
                edits.append(ConfigEdit(path, before, after.encode("utf-8", "surrogateescape")))
        return edits, pinned, findings

    @staticmethod
    def needed(
        root: Path, imported: set[str], planned: dict[Path, bytes], *, async_tests: bool = False,
        server_moved: bool = False, add_aiohttp: bool = False, limits_kept: bool = False,
    ) -> Finding | None:
        """One line naming what the port installs, from the top-level modules the ported code
        imports (``flask_babel`` -> ``quart-babel>=1.0.7``), when the project's dependency files
        (``planned``: their text after this run, by resolved path) do not list all of it."""
        options = Options(quart_requirement(_requires_python(root)), async_tests, add_aiohttp=add_aiohttp,
                          limits_kept=limits_kept)
        needs = [options.quart]
        kept: list[str] = []
        for module in sorted(imported):
            change = _change(module.replace("_", "-"), options, set()) if module.startswith("flask_") else None
            if change is None or change.note is None:
                continue
            if change.text is not None and normalize(change.text) != normalize(module):
                needs.append(change.text)
            elif change.text is not None and change.note[0] is Severity.INFO:
                kept.append(change.text)
        if add_aiohttp:
            needs.append(AIOHTTP)
        if server_moved:
            needs.append(HYPERCORN)
        if async_tests:
            needs.append(PYTEST_ASYNCIO)
        files = [
            path for path in (*ProjectDependencies.requirement_files(root),
                              *(root / n for n in ("pyproject.toml", "setup.cfg", "setup.py")))
            if path.is_file()
        ]
        listed = "\n".join(
            planned.get(path.resolve(), path.read_bytes()).decode("utf-8", "replace") for path in files
        )
        named = {normalize(m.group(1)) for m in re.finditer(r"([A-Za-z0-9][A-Za-z0-9._-]*)", listed)}
        missing = [n for n in dict.fromkeys([*needs, *kept]) if normalize(re.split(r"[<>=!~\[ ]", n)[0]) not in named]
        declares = bool(named & {"flask", "quart"})  # the files are the project's dependency list
        extensions = bool(kept) or any(n not in (AIOHTTP, HYPERCORN, PYTEST_ASYNCIO) for n in needs[1:])
        if not missing or not (declares or extensions):
            return None  # every one is listed (each edit was said on its line), or only Quart is needed
        text = "the port needs: " + ", ".join(dict.fromkeys(needs))
        if kept:
            text += f"; keeps: {', '.join(kept)} (through the generated flask_bridge, F2Q327)"
        if files:
            text += f"; not listed in {', '.join(path.name for path in files)}: {', '.join(missing)}"
        else:
            text += " (no requirements file, pyproject.toml, setup.cfg or setup.py here: install them)"
        return Finding(str(root), 1, 1, CODE, text, Severity.WARNING if files else Severity.INFO)


_Note = tuple[int, Severity, str]
_SETUP_CFG_LISTS = re.compile(r"^(?P<key>install_requires|tests_require|setup_requires)\s*=\s*(?P<value>.*)$")
_SETUP_PY_LIST = re.compile(r"\b(?:install_requires|tests_require|setup_requires|extras_require)\s*=\s*[\[{]")


def _tox_requirements(root: Path) -> Iterator[Path]:
    """Requirements files ``tox.ini`` installs (``deps = -r{toxinidir}/requirements.d/dev.txt``),
    inside the project."""
    tox = root / "tox.ini"
    if not tox.is_file():
        return
    text = tox.read_text(encoding="utf-8", errors="replace")
    for match in re.finditer(r"(?:^|\s)-r\s*(\S+)", text, re.MULTILINE):
        name = match.group(1).replace("{toxinidir}", ".").strip("\"'")
        if "{" in name:  # another tox substitution: not a file of the project
            continue
        path = (root / name).resolve()
        if root.resolve() in path.parents:
            yield path


def _edit_setup_cfg(text: str, options: Options) -> tuple[str, list[_Note]]:
    """``[options] install_requires``/``tests_require`` and every ``[options.extras_require]`` list:
    one requirement per (indented) line, edited like a requirements file's."""
    present = _present("\n".join(line.strip() for line in text.splitlines()))
    add_asyncio = options.async_tests and "pytest-asyncio" not in present
    out: list[str] = []
    notes: list[_Note] = []
    section, in_list = "", False
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        stripped = body.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            section, in_list = stripped[1:-1].strip(), False
            out.append(line)
            continue
        value = None
        if body[:1] not in (" ", "\t"):  # a key line ends the list before it
            in_list = False
            key = _SETUP_CFG_LISTS.match(body) if section == "options" else None
            if key is not None or (section == "options.extras_require" and "=" in body):
                in_list = True
                value = (key.group("value") if key else body.partition("=")[2]).strip()
            if not value:
                out.append(line)
                continue
            requirement, indent = value, body[: len(body) - len(value)]
        elif in_list and stripped and not stripped.startswith(("#", ";")):
            requirement, indent = stripped, body[: len(body) - len(body.lstrip())]
        else:
            out.append(line)
            continue
        change = _change(requirement, options, present)
        if change is None and add_asyncio and _PYTEST.match(requirement):
            change = _Change(requirement, PYTEST_ASYNCIO)  # the tests became async
            add_asyncio = False
        if change is None:
            out.append(line)
            continue
        if change.note is not None:
            notes.append((number, *change.note))
        if change.text is not None:
            out.append(f"{indent}{change.text}{ending}" if change.text != requirement else line)
        if change.added is not None:
            out.append(f"{' ' * 4 if value else indent}{change.added}{ending or chr(10)}")
            present.add(normalize(re.split(r"[<>=!~\[]", change.added, maxsplit=1)[0]))
    return "".join(out), notes


def _edit_setup_py(text: str, options: Options) -> tuple[str, list[_Note]]:
    """String literals in ``install_requires=[...]``, ``tests_require``, ``extras_require={...}``
    of ``setup.py``; an edit that would not parse is not made (said instead)."""
    import ast

    present = _present("\n".join(m.group("text") for m in _QUOTED.finditer(text)))
    state = {"asyncio": False}
    out: list[str] = []
    notes: list[_Note] = []
    depth = 0
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        code = _split_comment(line)[0]
        starts = _SETUP_PY_LIST.search(code)
        if depth or starts is not None:
            out.append(_edit_quoted(line, options, present, state, notes, number))
            tail = code[starts.end() - 1 :] if starts else code
            opened = sum(tail.count(c) for c in "[{(") - sum(tail.count(c) for c in "]})")
            depth = max(depth + opened, 0)
        else:
            out.append(line)
    after = "".join(out)
    try:
        ast.parse(after)
    except SyntaxError:
        return text, [(1, Severity.ERROR, "setup.py: the dependency edit would not parse; edit it by hand")]
    return after, notes


def _edit_requirements(text: str, options: Options) -> tuple[str, list[_Note]]:
    present = _present(text)
    add_asyncio = options.async_tests and "pytest-asyncio" not in present
    out: list[str] = []
    notes: list[_Note] = []
    for number, line in enumerate(text.splitlines(keepends=True), start=1):
        body = line.rstrip("\r\n")
        ending = line[len(body) :]
        stripped = body.strip()
        if not stripped or stripped.startswith(("#", "-")):
            out.append(line)
            continue
        change = _change(body, options, present)
        if change is None:
            out.append(line)
        else:
            if change.note is not None:
                notes.append((number, *change.note))
            if change.text is not None:
                out.append(f"{change.text}{ending}")
            if change.added is not None:
                out.append(f"{change.added}{ending or chr(10)}")
                present.add(normalize(re.split(r"[<>=!~\[]", change.added, maxsplit=1)[0]))
        if add_asyncio and _PYTEST.match(stripped):
            out.append(f"{PYTEST_ASYNCIO}{ending or chr(10)}")
            add_asyncio = False
    return "".join(out), notes


def _edit_pyproject(text: str, options: Options) -> tuple[str, list[_Note]]:
    lines = list(_pyproject_lines(text))
    # only strings in dependency lists name packages (``http-client = "aiohttp"`` does not)
    listed = "".join(line for line, table, in_list in lines if in_list)
    quoted = (
        re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", m.group("text"))
        for m in _QUOTED.finditer(listed)
    )
    present = _present(text) | {normalize(name.group(1)) for name in quoted if name is not None}
    state = {"asyncio": options.async_tests and "pytest-asyncio" not in present}
    out: list[str] = []
    notes: list[_Note] = []
    for number, (line, table, in_list) in enumerate(lines, start=1):
        if in_list:
            line = _edit_quoted(line, options, present, state, notes, number)
        elif table.startswith("tool.poetry") and table.endswith("dependencies"):
            line = _edit_poetry(line, options, present, state, notes, number)
        out.append(line)
    return "".join(out), notes


def _pyproject_lines(text: str) -> Iterator[tuple[str, str, bool]]:
    """Each line of ``pyproject.toml`` with its table, and whether it is in a dependency list
    (``[project] dependencies``, ``[project.optional-dependencies]``, ``[dependency-groups]``)."""
    table = ""
    in_project_dependencies = False
    for line in text.splitlines(keepends=True):
        header = _TABLE.match(line)
        if header is not None:
            table = header.group("name").strip()
            in_project_dependencies = False
            yield line, table, False
            continue
        if table == "project" and re.match(r"\s*dependencies\s*=", line):
            in_project_dependencies = True
        yield line, table, in_project_dependencies or table in (
            "project.optional-dependencies",
            "dependency-groups",
        )
        if in_project_dependencies and "]" in line.split("#", 1)[0]:
            in_project_dependencies = False


def _edit_quoted(
    line: str,
    options: Options,
    present: set[str],
    state: dict[str, bool],
    notes: list[_Note],
    number: int,
) -> str:
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    code, hash_sign, comment = _split_comment(body)
    removed = False

    def replace(match: re.Match[str]) -> str:
        nonlocal removed
        quote, text = match.group("quote"), match.group("text")
        change = _change(text, options, present)
        if change is not None:
            if change.note is not None:
                notes.append((number, *change.note))
            if change.text is None:
                removed = True
                return "\0"
            new = f"{quote}{change.text}{quote}"
            if change.added is not None:
                present.add(normalize(re.split(r"[<>=!~\[]", change.added, maxsplit=1)[0]))
                new += f", {quote}{change.added}{quote}"
            return new
        if state["asyncio"] and _PYTEST.match(text.strip()):
            state["asyncio"] = False
            return f"{quote}{text}{quote}, {quote}{PYTEST_ASYNCIO}{quote}"
        return match.group(0)

    lone = re.fullmatch(r"(?P<indent>\s*)(?P<element>(?P<q>['\"]).*?(?P=q))(?P<comma>\s*,?)\s*", code)
    gap = code[len(code.rstrip()) :]  # the spaces before a comment
    code = _QUOTED.sub(replace, code)
    if lone is not None and not removed and code.count(lone.group("q")) == 4:
        # an element alone on its line gained a neighbour: give it a line of its own, same indent
        first, _, second = code.strip().rstrip(",").partition(", ")
        indent, comma = lone.group("indent"), lone.group("comma").strip()
        return f"{indent}{first},{gap}{hash_sign}{comment}{ending}{indent}{second}{comma}{ending}"
    if removed:
        if re.fullmatch(r"\s*\0\s*,?\s*", code):
            return ""  # the element was alone on its line: the line goes, comment and all
        code = re.sub(r"\0\s*,\s*|,\s*\0|\0", "", code)
    return code + hash_sign + comment + ending


def _split_comment(line: str) -> tuple[str, str, str]:
    """``code``, ``#``, ``comment`` of a TOML line (a ``#`` inside a string is not a comment)."""
    quote = ""
    for index, char in enumerate(line):
        if quote:
            if char == quote:
                quote = ""
        elif char in "\"'":
            quote = char
        elif char == "#":
            return line[:index], "#", line[index + 1 :]
    return line, "", ""


def _edit_poetry(
    line: str,
    options: Options,
    present: set[str],
    state: dict[str, bool],
    notes: list[_Note],
    number: int,
) -> str:
    match = _POETRY_KEY.match(line.rstrip("\r\n"))
    if match is None:
        return line
    ending = line[len(line.rstrip("\r\n")) :]
    name = normalize(match.group("name"))
    if name == "pytest" and state["asyncio"]:
        state["asyncio"] = False
        return (
            line
            + f'{match.group("indent")}pytest-asyncio{match.group("eq")}">=0.24"{ending or chr(10)}'
        )
    change = _change(match.group("name"), options, present)
    if change is None:
        return line
    if change.note is not None:
        notes.append((number, *change.note))
    if change.text is None:
        return ""
    if change.text == match.group("name"):  # kept (reported, or something added next to it)
        new_line = line
    else:
        target = change.text
        bound = re.search(r"[<>=!~].*$", target)
        target_name = re.match(r"[A-Za-z0-9._-]+", target)
        assert target_name is not None
        value = match.group("value")
        if value.lstrip().startswith("{"):
            # an inline table keeps its other keys (optional, markers...); its version is replaced
            value = re.sub(
                r"(version\s*=\s*)([\"'])[^\"']*\2",
                lambda m: f'{m.group(1)}"{bound.group(0) if bound else "*"}"',
                value,
            )
        else:
            value = f'"{bound.group(0) if bound else "*"}"'
        new_line = (
            f"{match.group('indent')}{target_name.group(0)}{match.group('eq')}{value}{ending}"
        )
    if change.added is not None:
        added_name = re.match(r"[A-Za-z0-9._-]+", change.added)
        assert added_name is not None
        bound = change.added[added_name.end() :]
        new_line += f'{match.group("indent")}{added_name.group(0)}{match.group("eq")}"{bound}"{ending or chr(10)}'
        present.add(normalize(added_name.group(0)))
    return new_line
