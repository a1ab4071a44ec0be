"""Real Flask applications, ported with no manual edit and run as their users run them.

``python benchmarks/realworld.py [APP...] [--sources DIR] [--json FILE] [--python PY] [--jobs N]``

For each app of ``benchmarks/realworld_manifest.toml`` (all of them by default):

1. **build** (cached, keyed by the manifest entry and the Python): with the shared
   ``get_NAME.sh`` script beside ``--sources`` when there is one, else from the entry's recipe
   (PyPI sdist by exact version, pinned requirements); then its suite runs under Flask, once per
   build, before anything of the port is installed in its venv (the suite sees what its users have);
2. **port**: the project root is copied to a fresh folder and ``flask2quart rewrite PACKAGE TESTS
   --report`` runs on the copy (the harness's own flask2quart: the one under test), then again with
   ``--check``, which must find nothing to change (a run is a no-op on its own output);
3. **install** what the port needs into the app's venv, keeping every pin the app had: Quart for the
   venv's Python (0.22.0 on 3.11/3.12, 0.23.1 on 3.13+), pytest-asyncio, and the Quart counterpart
   of each extension the port imports that the venv lacks;
4. **run** the ported suite the same way (``python -m pytest`` from the project root, the entry's
   selection), with an ``async def`` test that unittest would leave unrun, and a coroutine never
   awaited, made errors;
5. **measure**: silent failures (``realworld_report.silent_failures``), ``flask2quart check`` on the
   original and its agreement with the results, ``flask2quart parity --auto`` original vs port
   where the manifest says how to load both in one process.

Prints a table, writes ``--json``; exit 1 when an app is below its floor in
``benchmarks/realworld_floors.toml`` (``--no-floors`` to only measure) or a second rewrite would
change its port, 2 on bad input.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import threading
import time
import tomllib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from string import Template
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import realworld_report as rr  # benchmarks/ is not a package

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
MANIFEST = HERE / "realworld_manifest.toml"
FLOORS = HERE / "realworld_floors.toml"
PLUGIN = HERE / "realworld_plugin.py"
#: Pytest-asyncio for the port; the version the project's own tests run with.
PYTEST_ASYNCIO = "pytest-asyncio==1.5.0"
#: Module a port imports -> the distribution that provides it (Quart counterparts of the Flask
#: extensions the rewrite ports, and what its generated modules use), pinned as the project's
#: own tests run them.
COUNTERPARTS = {
    "quart_auth": "quart-auth==0.12.0",
    "quart_wtf": "quart-wtforms==1.0.3",
    "quart_cors": "quart-cors==0.8.0",
    "quart_rate_limiter": "quart-rate-limiter==0.12.1",
    "quart_babel": "quart-babel==1.0.7",
    "quart_session": "quart-session==3.0.0",
    "quart_bcrypt": "quart-bcrypt==0.0.9",
    "quart_httpauth": "quart-httpauth==0.0.1",
    "quart_compress": "quart-compress==0.2.1",
    "socketio": "python-socketio==5.18.1",
    "aiohttp": "aiohttp==3.14.5",
    "hypercorn": "hypercorn==0.18.0",
}
#: unittest calls an ``async def`` test of a plain TestCase and drops the coroutine: make that
#: (and any coroutine never awaited, reported by pytest as an unraisable exception) a failure.
PORT_WARNINGS = (
    "-W", "error:It is deprecated to return a value that is not None from a test case:DeprecationWarning",
    "-W", "error:coroutine ':RuntimeWarning",
    "-W", "error::pytest.PytestUnraisableExceptionWarning",
)
PYTEST_TIMEOUT = 1800
_print_lock = threading.Lock()


class HarnessError(Exception):
    """Bad input or a step that cannot go on; the message is one line for the user."""


# --- manifest -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class App:
    name: str
    about: str
    root: str  # project root, relative to the build folder
    packages: tuple[str, ...]  # app code, relative to the root (rewritten, isolated for parity)
    tests: tuple[str, ...]  # test folders/files, relative to the root (rewritten)
    pytest: tuple[str, ...] = ()  # pytest arguments: the selection its users run
    import_root: str = "."  # where the packages are imported from ("src" for a src layout)
    script: str | None = None  # shared get_NAME.sh (preferred when found)
    sdist: str | None = None  # recipe: "name==version" from PyPI
    build_requires: tuple[str, ...] = ()  # recipe: installed first; sdist built without isolation
    requires: tuple[str, ...] = ()  # recipe: pinned requirements
    editable: tuple[str, ...] = ()  # recipe: folders of the unpacked sdist to `pip install -e`
    parity: str | None = None  # "module:expression" loading the app (both sides)
    parity_setup: str = ""  # Python run before loading a side ($root, $tmp substituted)
    parity_skip: str = ""  # why parity cannot load this app in-process
    hand_port: int | None = None  # tests a hand port with general rules passes: the ceiling (docs/realworld.md)
    entry: Mapping[str, Any] = field(default_factory=dict, compare=False)

    @property
    def top_packages(self) -> tuple[str, ...]:
        return tuple(sorted({Path(p).parts[-1] for p in self.packages}))


_LIST_FIELDS = {"packages", "tests", "pytest", "build_requires", "requires", "editable"}
_STR_FIELDS = {"about", "root", "import_root", "script", "sdist", "parity", "parity_setup", "parity_skip"}
#: Keys that say what was measured, not how to build: left out of the build key, so recording a
#: measurement does not rebuild the app.
_MEASURE_FIELDS = {"hand_port"}


def load_manifest(path: Path) -> dict[str, App]:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as error:
        raise HarnessError(f"cannot read manifest {path}: {error}") from error
    apps = {}
    for name, entry in (data.get("apps") or {}).items():
        unknown = set(entry) - _LIST_FIELDS - _STR_FIELDS - _MEASURE_FIELDS
        if unknown:
            raise HarnessError(f"manifest {path}: app {name}: unknown keys {sorted(unknown)}")
        hand_port = entry.get("hand_port")
        if hand_port is not None and (not isinstance(hand_port, int) or isinstance(hand_port, bool) or hand_port < 1):
            raise HarnessError(f"manifest {path}: app {name}: hand_port must be a positive integer")
        for key in ("root", "packages", "tests"):
            if key not in entry:
                raise HarnessError(f"manifest {path}: app {name}: missing {key!r}")
        values = {key: tuple(entry[key]) if key in _LIST_FIELDS else entry[key] for key in entry}
        apps[name] = App(name=name, about=entry.get("about", ""), entry=entry, **{k: v for k, v in values.items() if k != "about"})
    if not apps:
        raise HarnessError(f"manifest {path}: no [apps.NAME] tables")
    return apps


def load_floors(path: Path, python: str) -> dict[str, int]:
    """Floors for this Python (``[python311]``); none when the file or the section is absent."""
    if not path.exists():
        return {}
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise HarnessError(f"cannot read floors {path}: {error}") from error
    section = data.get("python" + python.replace(".", ""), {})
    return {str(k): int(v) for k, v in section.items()}


# --- small process helpers ------------------------------------------------------------------------


def say(app: str, message: str) -> None:
    with _print_lock:
        print(f"[{app}] {message}", file=sys.stderr, flush=True)


def run(cmd: Sequence[str | Path], *, cwd: Path | None = None, env: Mapping[str, str] | None = None,
        log: Path | None = None, timeout: float = 3600, check: bool = True) -> subprocess.CompletedProcess[str]:
    """Run a command; its output goes to ``log`` (appended) and, on failure, into the error."""
    merged = {**os.environ, **(env or {})}
    merged.pop("PYTHONHOME", None)
    try:
        done = subprocess.run([str(c) for c in cmd], cwd=cwd, env=merged, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as error:
        raise HarnessError(f"{Path(str(cmd[0])).name} timed out after {timeout:.0f}s") from error
    except OSError as error:
        raise HarnessError(f"cannot run {cmd[0]}: {error}") from error
    if log is not None:
        with log.open("a", encoding="utf-8") as handle:
            handle.write(f"$ {' '.join(map(str, cmd))}\n{done.stdout}{done.stderr}\n[exit {done.returncode}]\n")
    if check and done.returncode != 0:
        tail = (done.stderr.strip() or done.stdout.strip()).splitlines()[-1:] or ["no output"]
        raise HarnessError(f"{' '.join(map(str, cmd[:3]))}... exited {done.returncode}: {tail[0][:200]}")
    return done


def python_version(python: str) -> str:
    done = run([python, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
    return done.stdout.strip()


def quart_pin(version: str) -> str:
    """Quart for a Python: 0.23.1 from 3.13 on (never 0.23.0: it prints request bodies), else 0.22.0."""
    major, minor = (int(part) for part in version.split("."))
    return "quart==0.23.1" if (major, minor) >= (3, 13) else "quart==0.22.0"


# --- build ----------------------------------------------------------------------------------------


@dataclass
class Context:
    python: str
    version: str
    cache: Path
    scripts: Path | None  # folder of the shared get_*.sh scripts (--sources/..)
    sources: Path | None


def build_key(app: App, ctx: Context) -> str:
    """Hash of what the build depends on: the entry, the Python, and the script it runs."""
    entry = {key: value for key, value in app.entry.items() if key not in _MEASURE_FIELDS}
    parts: dict[str, Any] = {"entry": entry, "python": ctx.version, "how": _build_how(app, ctx)}
    if parts["how"] == "script":
        assert ctx.scripts is not None and app.script is not None
        parts["script"] = (ctx.scripts / app.script).read_text(encoding="utf-8")
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()[:12]


def _build_how(app: App, ctx: Context) -> str:
    if app.script and ctx.scripts is not None and (ctx.scripts / app.script).exists():
        return "script"
    if app.sdist:
        return "recipe"
    raise HarnessError(f"needs the shared script {app.script} (pass --sources DIR of the corpus tarballs)")


@dataclass
class Build:
    dir: Path
    root: Path
    venv: Path

    @property
    def python(self) -> Path:
        return self.venv / "bin" / "python"


def ensure_build(app: App, ctx: Context) -> Build:
    """The app built in its cache folder (built now unless a finished build is there)."""
    key = build_key(app, ctx)
    folder = ctx.cache / "builds" / f"{app.name}-py{ctx.version}-{key}"
    build = Build(folder, folder / "target" / app.root, folder / "target" / "venv")
    if (folder / "built").exists():
        return build
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "target").mkdir(parents=True)
    say(app.name, f"building ({_build_how(app, ctx)}) in {folder}")
    log = folder / "build.log"
    if _build_how(app, ctx) == "script":
        assert ctx.scripts is not None and app.script is not None
        run(["bash", ctx.scripts / app.script, folder / "target"], env={"PYTHON": ctx.python}, log=log, timeout=3600)
    else:
        _build_recipe(app, ctx, folder / "target", log)
    if not build.root.is_dir():
        raise HarnessError(f"build did not produce the project root {app.root}")
    (folder / "built").write_text(key + "\n", encoding="utf-8")
    return build


def _build_recipe(app: App, ctx: Context, target: Path, log: Path) -> None:
    """The sdist by exact version, a venv with the pinned requirements, editable installs."""
    assert app.sdist is not None
    venv = target / "venv"
    pip = [venv / "bin" / "python", "-m", "pip"]
    run([ctx.python, "-m", "venv", venv], log=log)
    run([*pip, "install", "-q", "pip>=24"], log=log)
    isolation: list[str] = []
    if app.build_requires:
        run([*pip, "install", "-q", *app.build_requires], log=log)
        isolation = ["--no-build-isolation"]
    download = target / ".sdist"
    run([*pip, "download", "-q", "--no-deps", "--no-binary", ":all:", *isolation, "-d", download, app.sdist], log=log)
    archives = sorted(download.glob("*.tar.gz"))
    if not archives:
        raise HarnessError(f"pip download {app.sdist} produced no .tar.gz")
    with tarfile.open(archives[0]) as archive:
        archive.extractall(target, filter="data")
    if app.requires:
        run([*pip, "install", "-q", *app.requires], log=log)
    unpacked = target / archives[0].name.removesuffix(".tar.gz")
    for folder in app.editable:
        run([*pip, "install", "-q", "--no-deps", *isolation, "-e", unpacked / folder], log=log)


def frozen_pins(build: Build) -> str:
    done = run([build.python, "-m", "pip", "list", "--format=freeze", "--exclude-editable"])
    return done.stdout


def pytest_plugins(build: Build) -> dict[str, str]:
    """pytest11 entry points of the venv: plugin name -> its distribution (normalised)."""
    code = ("from importlib.metadata import entry_points\n"
            "for e in entry_points(group='pytest11'): print(e.name, e.dist.name if e.dist else '-')")
    lines = run([build.python, "-c", code]).stdout.splitlines()
    return {name: _normalise(dist) for name, _, dist in (line.partition(" ") for line in lines)}


def _normalise(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def foreign_plugins(build: Build, requirements: Sequence[str]) -> list[str]:
    """Plugins in the venv that neither the app's users nor the port have: those of the harness's
    own tooling (flask2quart and hypothesis, installed for parity). The ported suite runs without."""
    flask_side = set((build.dir / "plugins.txt").read_text(encoding="utf-8").split())
    port_side = {_normalise(re.split(r"[<>=!~\[ ;]", r, maxsplit=1)[0]) for r in requirements}
    return sorted(name for name, dist in pytest_plugins(build).items() if name not in flask_side and dist not in port_side)


# --- running a suite ------------------------------------------------------------------------------


def run_suite(app: App, build: Build, root: Path, out: Path, extra: Sequence[str] = (), *,
              allow_abort: bool = False) -> dict[str, Any]:
    """``python -m pytest`` from ``root`` with the entry's selection; the plugin's JSON, parsed.

    A run that stopped before any test (a conftest that does not import: pytest exits 4 without a
    session) gives no JSON; with ``allow_abort`` (the port) that is one collection error for the
    whole session, with the frames of the traceback pytest printed, instead of an error."""
    plugin_dir = out.parent / "plugin"
    plugin_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(PLUGIN, plugin_dir / "realworld_plugin.py")
    env = {
        "PYTHONPATH": os.pathsep.join([str(root / app.import_root), str(plugin_dir)]),
        "PATH": f"{build.venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}",
        "F2Q_RW_OUT": str(out),
        "F2Q_RW_PACKAGES": ",".join(app.top_packages),
        "PYTHONDONTWRITEBYTECODE": "1",
    }
    out.unlink(missing_ok=True)
    cmd = [build.python, "-m", "pytest", *app.pytest, "-p", "realworld_plugin", "-p", "no:cacheprovider", *extra]
    run(cmd, cwd=root, env=env, log=out.with_suffix(".log"), timeout=PYTEST_TIMEOUT, check=False)
    if not out.exists():
        text = out.with_suffix(".log").read_text(encoding="utf-8", errors="replace")
        if allow_abort:
            return {"tests": {}, "collect_errors": {"": frames_in_log(text, root)}, "modules": {}, "root": str(root)}
        tail = text.strip().splitlines()[-1:]
        raise HarnessError(f"pytest wrote no results: {tail[0][:200] if tail else 'no output'}")
    data = json.loads(out.read_text(encoding="utf-8"))
    data["root"] = str(root)
    return data


_SHORT_FRAME = re.compile(r"^(\S+\.py):(\d+): in (\S+)", re.MULTILINE)
_LONG_FRAME = re.compile(r'File "([^"]+)", line (\d+), in (\S+)')


def frames_in_log(text: str, root: Path) -> list[list[object]]:
    """Traceback entries pytest printed (``path:line: in name`` or ``File "...", line N, in name``),
    relative paths taken from ``root`` where pytest ran."""
    frames: list[list[object]] = []
    for pattern in (_SHORT_FRAME, _LONG_FRAME):
        for path, line, name in pattern.findall(text):
            frames.append([str(root / path) if not Path(path).is_absolute() else path, int(line), name])
    return frames


def outcomes(data: Mapping[str, Any]) -> dict[str, rr.TestOutcome]:
    return {
        nodeid: rr.TestOutcome(nodeid, str(raw.get("outcome")), [tuple(f) for f in raw.get("frames", [])], list(raw.get("paths", [])))
        for nodeid, raw in data.get("tests", {}).items()
    }


def counts(data: Mapping[str, Any]) -> dict[str, int]:
    tests = outcomes(data)
    return {
        "passed": sum(1 for t in tests.values() if t.outcome in rr.PASSED),
        "failed": sum(1 for t in tests.values() if t.outcome in ("failed", "error")),
        "skipped": sum(1 for t in tests.values() if t.outcome in ("skipped", "xfailed")),
        "total": len(tests),
        "collect_errors": len(data.get("collect_errors", {})),
    }


def check_imported_from(data: Mapping[str, Any], root: Path) -> None:
    """The suite must have run the code under ``root`` (not an installed copy elsewhere)."""
    for name, file in (data.get("modules") or {}).items():
        if file and root.resolve() not in Path(file).resolve().parents:
            raise HarnessError(f"the suite imported {name} from {file}, not from {root}")


# --- port -----------------------------------------------------------------------------------------


def flask_results(app: App, build: Build) -> dict[str, Any]:
    """The suite under Flask, once per build (before anything of the port is installed)."""
    out = build.dir / "flask" / "results.json"
    if out.exists() and (build.dir / "flask" / "done").exists():
        data = json.loads(out.read_text(encoding="utf-8"))
        data["root"] = str(build.root)
        return data
    say(app.name, "running the suite under Flask")
    data = run_suite(app, build, build.root, out)
    check_imported_from(data, build.root)
    (build.dir / "pins.txt").write_text(frozen_pins(build), encoding="utf-8")
    (build.dir / "plugins.txt").write_text("\n".join(sorted(pytest_plugins(build))) + "\n", encoding="utf-8")
    (build.dir / "flask" / "done").write_text("", encoding="utf-8")
    return data


def copy_project(src: Path, dst: Path) -> None:
    if dst.exists():
        shutil.rmtree(dst)
    ignore = shutil.ignore_patterns("__pycache__", ".pytest_cache", "*.pyc", "venv", ".sdist")
    shutil.copytree(src, dst, symlinks=True, ignore=ignore)


def rewrite(app: App, port: Path, report: Path) -> dict[str, Any]:
    paths = [*app.packages, *app.tests]
    cmd = [sys.executable, "-m", "flask2quart", "rewrite", *paths, "--report", report, "-q"]
    done = run(cmd, cwd=port, log=report.with_suffix(".log"), check=False)
    if not report.exists():
        raise HarnessError(f"flask2quart rewrite exited {done.returncode} without a report")
    return json.loads(report.read_text(encoding="utf-8"))


def second_run(app: App, port: Path, report: Path) -> list[str]:
    """The files a second ``rewrite --check`` of the port would change (it must change none)."""
    paths = [*app.packages, *app.tests]
    cmd = [sys.executable, "-m", "flask2quart", "rewrite", *paths, "--check", "--report", report, "-q"]
    done = run(cmd, cwd=port, log=report.with_suffix(".log"), check=False)
    if not report.exists():
        raise HarnessError(f"flask2quart rewrite --check exited {done.returncode} without a report")
    changed = json.loads(report.read_text(encoding="utf-8")).get("changed", [])
    return sorted(_relative(str(path), port) for path in changed)


def _relative(path: str, root: Path) -> str:
    try:
        return str(Path(path).resolve().relative_to(root.resolve()))
    except ValueError:
        return path


_IMPORT = re.compile(r"^\s*(?:from\s+([A-Za-z_]\w*)[\w.]*\s+import|import\s+([A-Za-z_]\w*))", re.MULTILINE)


def imported_top_modules(root: Path, paths: Sequence[str]) -> set[str]:
    names: set[str] = set()
    for rel in paths:
        base = root / rel
        files = [base] if base.is_file() else base.rglob("*.py")
        for file in files:
            text = file.read_text(encoding="utf-8", errors="replace")
            names.update(a or b for a, b in _IMPORT.findall(text))
    return names


def port_requirements(app: App, build: Build, port: Path, version: str) -> list[str]:
    """Quart for the Python, pytest-asyncio, and counterparts the port imports that are missing."""
    wanted = [quart_pin(version), PYTEST_ASYNCIO]
    candidates = sorted(imported_top_modules(port, [*app.packages, *app.tests]) & set(COUNTERPARTS))
    if candidates:
        code = "import importlib.util, sys; print(' '.join(m for m in sys.argv[1:] if importlib.util.find_spec(m) is None))"
        missing = run([build.python, "-c", code, *candidates]).stdout.split()
        wanted += [COUNTERPARTS[m] for m in missing]
    return wanted


def install(build: Build, requirements: Sequence[str | Path], log: Path, editable: bool = False) -> str:
    """``pip install`` keeping the app's pins (constraints); when they clash, without, and say so."""
    pip = [build.python, "-m", "pip", "install", "-q"]
    args = [a for r in requirements for a in (["-e", str(r)] if editable else [str(r)])]
    try:
        run([*pip, "-c", build.dir / "pins.txt", *args], log=log, timeout=1800)
        return ""
    except HarnessError as error:
        run([*pip, *args], log=log, timeout=1800)
        return f"pins relaxed ({error})"


# --- parity ---------------------------------------------------------------------------------------

_SIDES = '''"""Both sides of one app for `flask2quart parity`, generated by benchmarks/realworld.py.

The original and the port have the same package names: the Flask side is imported first and its
modules are then dropped from sys.modules (its objects keep their own globals), so the port is
imported fresh from its own root. A module the Flask side imports lazily at request time would
come from the port: rare, and the reason to keep this to apps whose imports are at module level.
"""
import asyncio, importlib, inspect, os, sys


def _load(root, import_root, packages, spec, setup, tmp, keep):
    os.makedirs(tmp, exist_ok=True)
    path = os.path.join(root, import_root)
    sys.path.insert(0, path)
    here = os.getcwd()
    os.chdir(root)
    try:
        scope = {}
        exec(setup, scope)
        module_name, _, expression = spec.partition(":")
        module = importlib.import_module(module_name)
        scope = {**vars(module), **scope}
        app = eval(expression or "app", scope)
        if inspect.isawaitable(app):
            app = asyncio.run(app)
        return app
    finally:
        os.chdir(here)
        sys.path.remove(path)
        if not keep:
            for name in list(sys.modules):
                if name.split(".")[0] in packages:
                    del sys.modules[name]


flask_app = _load(*FLASK_ARGS)
quart_app = _load(*QUART_ARGS)
'''


def parity(app: App, build: Build, port: Path, work: Path, log: Path) -> str:
    """``flask2quart parity --auto`` original vs port in the app's venv: real differences/cases."""
    if app.parity_skip:
        return f"n/a: {app.parity_skip}"
    if not app.parity:
        return "n/a: no app spec in the manifest"
    folder = work / "parity"
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    sides = []
    for side, root in (("flask", build.root), ("quart", port)):
        tmp = folder / f"tmp-{side}"
        setup = Template(app.parity_setup).safe_substitute(root=str(root), tmp=str(tmp))
        spec = Template(app.parity).safe_substitute(root=str(root), tmp=str(tmp))
        sides.append(repr((str(root), app.import_root, app.top_packages, spec, setup, str(tmp), side == "quart")))
    text = _SIDES.replace("*FLASK_ARGS", "*" + sides[0]).replace("*QUART_ARGS", "*" + sides[1])
    (folder / "f2q_rw_sides.py").write_text(text, encoding="utf-8")
    report = folder / "parity.json"
    cmd = [build.python, "-m", "flask2quart", "parity", "--auto", "--flask", "f2q_rw_sides:flask_app",
           "--quart", "f2q_rw_sides:quart_app", "--report", report, "-q"]
    done = run(cmd, cwd=folder, env={"PYTHONPATH": str(folder)}, log=log, timeout=900, check=False)
    if not report.exists():
        return f"n/a: {_error_line(done.stderr + done.stdout)}"
    summary = json.loads(report.read_text(encoding="utf-8")).get("summary", {})
    real = sum(int(summary.get("counts", {}).get(k, 0)) for k in ("different", "error"))
    return f"{real}/{summary.get('total', 0)}"


def _error_line(text: str) -> str:
    """The line that says what went wrong: flask2quart's own error line, else the last
    ``SomeError: ...`` line, else the last line."""
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    for prefix in ("flask2quart: error:", "parity:"):
        for line in reversed(lines):
            if line.startswith(prefix):
                return line.removeprefix("flask2quart: error:").strip()[:160]
    for line in reversed(lines):
        if re.match(r"^[\w.]+(Error|Exception): ", line):
            return line[:160]
    return (lines[-1] if lines else "no output")[:160]


def ensure_tooling(app: App, build: Build, log: Path) -> str:
    """flask2quart itself in the app's venv (for parity), once per build; "" or why not."""
    marker = build.dir / "tooling"
    stamp = f"{REPO}\n{hashlib.sha256((REPO / 'pyproject.toml').read_bytes()).hexdigest()}\n"
    if marker.exists() and marker.read_text(encoding="utf-8") == stamp:
        return ""
    try:
        note = install(build, [REPO], log, editable=True)
    except HarnessError as error:
        return f"flask2quart not installable beside the app: {error}"
    marker.write_text(stamp, encoding="utf-8")
    return note


# --- one app --------------------------------------------------------------------------------------


def measure(app: App, ctx: Context) -> dict[str, Any]:
    started = time.monotonic()
    result: dict[str, Any] = {"app": app.name, "about": app.about, "python": ctx.version}
    if app.hand_port is not None:
        result["hand_port"] = app.hand_port
    try:
        result.update(_measure(app, ctx))
    except HarnessError as error:
        result["error"] = str(error)
        say(app.name, f"error: {error}")
    result["seconds"] = round(time.monotonic() - started, 1)
    return result


def _measure(app: App, ctx: Context) -> dict[str, Any]:
    build = ensure_build(app, ctx)
    flask = flask_results(app, build)
    work = ctx.cache / "runs" / f"{app.name}-py{ctx.version}"
    work.mkdir(parents=True, exist_ok=True)
    for stale in ("port.json", "port.log", "install.log", "parity.log", "second.json"):
        (work / stale).unlink(missing_ok=True)
    port = work / "port"
    copy_project(build.root, port)
    say(app.name, "rewriting")
    report = rewrite(app, port, work / "rewrite.json")
    not_idempotent = second_run(app, port, work / "second.json")
    requirements = port_requirements(app, build, port, ctx.version)
    notes = [install(build, requirements, work / "install.log")]
    if app.parity and not app.parity_skip:
        notes.append(ensure_tooling(app, build, work / "install.log"))
    disable = [a for name in foreign_plugins(build, requirements) for a in ("-p", f"no:{name}")]
    say(app.name, "running the ported suite")
    ported = run_suite(app, build, port, work / "port.json", [*PORT_WARNINGS, *disable], allow_abort=True)
    check_imported_from(ported, port)
    findings = report.get("findings", [])
    original_index, port_index = rr.SpanIndex(build.root), rr.SpanIndex(port)
    # Findings name files of the copy (the rewrite ran there) at lines of the original text.
    places = rr.finding_places([{**f, "path": _rebase(str(f.get("path", "")), port, build.root)} for f in findings], original_index)
    failing = rr.failing_tests(outcomes(flask), outcomes(ported), {k: [tuple(f) for f in v] for k, v in ported.get("collect_errors", {}).items()})
    silent = rr.silent_failures(failing, places, port_index)
    agreement = check_agreement(app, build, failing, port_index, work)
    say(app.name, "parity")
    parity_text = parity(app, build, port, work, work / "parity.log")
    return {
        "flask": counts(flask),
        "port": counts(ported),
        "findings": {"total": len(findings), "human": sum(1 for f in findings if f.get("severity") != "info"),
                     "codes": _code_counts(findings)},
        "failing": [t.nodeid for t in failing],
        "silent": len(silent),
        "silent_tests": silent,
        "parity": parity_text,
        "agreement": agreement,
        "notes": [n for n in notes if n],
        "second_run_changes": not_idempotent,
    }


def _rebase(path: str, port: Path, original: Path) -> str:
    try:
        return str(original / Path(path).resolve().relative_to(port.resolve()))
    except ValueError:
        return path


def _code_counts(findings: Sequence[Mapping[str, Any]]) -> dict[str, int]:
    codes: dict[str, int] = {}
    for finding in findings:
        codes[str(finding.get("code"))] = codes.get(str(finding.get("code")), 0) + 1
    return dict(sorted(codes.items()))


def check_agreement(app: App, build: Build, failing: list[rr.TestOutcome], port_index: rr.SpanIndex, work: Path) -> str:
    """Ready routes (``check`` on the original) that have a failing test after the port."""
    out = work / "check.json"
    out.unlink(missing_ok=True)
    cmd = [sys.executable, "-m", "flask2quart", "check", *app.packages, *app.tests, "--format", "json", "--output", out]
    done = run(cmd, cwd=build.root, log=work / "check.log", check=False)
    if not out.exists():
        return f"n/a: check exited {done.returncode}"
    routes = rr.routes_from_check(json.loads(out.read_text(encoding="utf-8")))
    broken, ready = rr.agreement(routes, failing, port_index)
    return f"{broken}/{ready} ready failing ({len(routes)} routes)"


# --- command line ---------------------------------------------------------------------------------


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="realworld.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("apps", nargs="*", metavar="APP", help="apps of the manifest (default: all)")
    parser.add_argument("--sources", type=Path, help="folder of the corpus tarballs (default: ../shared/corpus/src when it exists)")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results as JSON")
    parser.add_argument("--python", default=None, help="interpreter for the apps' venvs (default: this one)")
    parser.add_argument("--jobs", "-j", type=int, default=2, help="apps measured in parallel (default 2)")
    parser.add_argument("--cache", type=Path, default=None, help="build cache (default ~/.cache/flask2quart-realworld)")
    parser.add_argument("--manifest", type=Path, default=MANIFEST)
    parser.add_argument("--floors", type=Path, default=FLOORS)
    parser.add_argument("--no-floors", action="store_true", help="measure only; do not compare with the floors")
    return parser.parse_args(argv)


def make_context(args: argparse.Namespace) -> Context:
    sources = args.sources
    if sources is None:
        default = REPO.parent / "shared" / "corpus" / "src"
        sources = default if default.is_dir() else None
    elif not sources.is_dir():
        raise HarnessError(f"--sources {sources}: not a folder")
    python = args.python or sys.executable
    if shutil.which(python) is None and not Path(python).exists():
        raise HarnessError(f"--python {python}: not found")
    cache = args.cache or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "flask2quart-realworld"
    cache.mkdir(parents=True, exist_ok=True)
    scripts = sources.resolve().parent if sources is not None else None
    return Context(python, python_version(python), cache.resolve(), scripts, sources)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    try:
        manifest = load_manifest(args.manifest)
        unknown = [name for name in args.apps if name not in manifest]
        if unknown:
            raise HarnessError(f"unknown app(s) {', '.join(unknown)}; the manifest has {', '.join(manifest)}")
        if args.jobs < 1:
            raise HarnessError("--jobs must be at least 1")
        ctx = make_context(args)
        floors = {} if args.no_floors else load_floors(args.floors, ctx.version)
    except HarnessError as error:
        print(f"realworld.py: {error}", file=sys.stderr)
        return 2
    apps = [manifest[name] for name in (args.apps or manifest)]
    started = time.monotonic()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda app: measure(app, ctx), apps))
    wall = time.monotonic() - started
    print(rr.render_table(results))
    print(f"\nPython {ctx.version}, {quart_pin(ctx.version)}; wall time {wall:.0f}s with --jobs {args.jobs}")
    for result in results:
        for note in result.get("notes", []):
            print(f"{result['app']}: {note}")
    if args.json:
        payload = {"python": ctx.version, "wall_seconds": round(wall, 1), "apps": results}
        args.json.write_text(json.dumps(payload, indent=2) + "\n", encoding="utf-8")
    problems = rr.compare_floors(results, floors)
    for problem in problems:
        print(f"below floor: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
