"""F2Q304's project-wide choice: quart-rate-limiter, or the generated Flask-Limiter API on ``limits``.

quart-rate-limiter covers limits given as literal strings, key and skip functions, exemptions and
blueprint limits. A project that uses anything else of Flask-Limiter (``on_breach``, ``methods``,
``current_limit``, ``shared_limit``, ``enabled``, dynamic limits, ``cost``, application limits...)
would be left with code that fails at import or in every request. Such a project keeps
Flask-Limiter's API instead: its imports move to a generated module (``templates/rate_limiting.py``,
next to the module that builds the limiter) that runs the same limits with ``limits``, the
package Flask-Limiter itself counts with. The choice is made once for the whole project, from the
analysis's extension objects, so that every module agrees on what ``limiter`` is.
"""

from __future__ import annotations

import ast
import contextlib
from pathlib import Path

import libcst as cst

from ...findings import Finding, Severity
from .. import analysis as A
from ..context import FileContext
from ._extensions import dotted
from ._generated_imports import moved_import
from .base import Rule
from .f2q206_pytest_asyncio_config import ConfigEdit

TEMPLATE = Path(__file__).resolve().parent.parent / "templates" / "rate_limiting.py"
MODULE_NAME = "rate_limiting"
LIMITER_MODULES = ("flask_limiter", "flask_limiter.extension", "flask_limiter._extension")
LIMITER_CLASSES = frozenset(f"{module}.Limiter" for module in LIMITER_MODULES)
#: Names of flask_limiter (and its submodules) quart-rate-limiter has a counterpart for.
_MAPPED_NAMES = frozenset({"Limiter", "get_remote_address"})
#: Methods of a limiter quart-rate-limiter covers (their options are checked below).
_MAPPED_METHODS = frozenset({"init_app", "limit", "exempt"})
#: ``limit()`` options with a quart-rate-limiter counterpart.
_MAPPED_LIMIT_OPTIONS = frozenset({"key_func", "exempt_when", "override_defaults"})
#: ``Limiter()`` options quart-rate-limiter covers (or that only change details, reported).
_MAPPED_LIMITER_OPTIONS = frozenset({
    "key_func", "app", "default_limits", "storage_uri", "enabled", "strategy", "headers_enabled",
    "header_name_mapping", "retry_after", "key_prefix", "swallow_errors", "in_memory_fallback",
    "in_memory_fallback_enabled", "fail_on_first_breach",
})
#: ``RATELIMIT_*`` settings quart-rate-limiter has nothing for.
_UNMAPPED_CONFIG = frozenset({
    "RATELIMIT_APPLICATION", "RATELIMIT_DEFAULTS_PER_METHOD", "RATELIMIT_DEFAULTS_EXEMPT_WHEN",
    "RATELIMIT_DEFAULTS_DEDUCT_WHEN", "RATELIMIT_DEFAULTS_COST", "RATELIMIT_REQUEST_IDENTIFIER",
    "RATELIMIT_META", "RATELIMIT_ON_BREACH_CALLBACK", "RATELIMIT_KEY_FUNC", "RATELIMIT_DEFAULT",
})

_plans: list[tuple[A.ProjectAnalysis, str | None, bool]] = []  # the last analysis seen -> its plan


def _cached(analysis: A.ProjectAnalysis) -> tuple[str | None, bool]:
    """The plan of this analysis, made once per process (every file of a run asks)."""
    for seen, plan, kept in _plans:
        if seen is analysis:
            return plan, kept
    plan = _plan(analysis)
    kept = plan is None and _already_kept(analysis)
    _plans[:] = [(analysis, plan, kept)]
    return plan, kept


def emulation_module(analysis: A.ProjectAnalysis) -> str | None:
    """Dotted name of the generated module when the project needs Flask-Limiter's own API, else ``None``."""
    return _cached(analysis)[0]


def already_kept(analysis: A.ProjectAnalysis) -> bool:
    """The project runs on a generated module already (a second run): Flask-Limiter's API is kept."""
    return _cached(analysis)[1]


def _plan(analysis: A.ProjectAnalysis) -> str | None:
    owners = sorted(
        (facts for facts in analysis.modules.values() if any(c in LIMITER_CLASSES for c in facts.instances.values())),
        key=lambda facts: (facts.module.count("."), facts.path),
    )
    if not owners or not any(_needs_emulation(analysis, facts) for facts in analysis.modules.values()):
        return None
    package, _, _ = owners[0].module.rpartition(".")
    if Path(owners[0].path).name == "__init__.py":
        package = owners[0].module
    taken = Path(owners[0].path).resolve().parent / f"{MODULE_NAME}.py"
    name = f"f2q_{MODULE_NAME}" if taken.exists() and not _generated(taken) else MODULE_NAME
    return f"{package}.{name}" if package else name


def _already_kept(analysis: A.ProjectAnalysis) -> bool:
    for facts in analysis.modules.values():
        parts = facts.module.split(".")
        root = Path(facts.path).resolve().parents[len(parts) - (Path(facts.path).name != "__init__.py")]
        for target in facts.imports.values():
            module, _, name = target.partition(":")
            named = name == "Limiter" and module.rpartition(".")[2] in (MODULE_NAME, f"f2q_{MODULE_NAME}")
            if named and _generated(root.joinpath(*module.split(".")).with_suffix(".py")):
                return True
    return False


def _generated(path: Path) -> bool:
    """The file is the generated module, not edited by hand (its first line is still there)."""
    with contextlib.suppress(OSError):
        return path.read_bytes().split(b"\n", 1)[0] == TEMPLATE.read_bytes().split(b"\n", 1)[0]
    return False


def module_path(analysis: A.ProjectAnalysis) -> Path | None:
    """Where the generated module goes (beside the module that builds the limiter)."""
    dotted = emulation_module(analysis)
    if dotted is None:
        return None
    package, _, name = dotted.rpartition(".")
    for facts in analysis.modules.values():
        if any(c in LIMITER_CLASSES for c in facts.instances.values()):
            path = Path(facts.path).resolve()
            folder = path.parent
            own = facts.module if path.name == "__init__.py" else facts.module.rpartition(".")[0]
            if own == package:
                return folder / f"{name}.py"
    return None


def module_edit(analysis: A.ProjectAnalysis) -> tuple[ConfigEdit, Finding] | None:
    """The generated module, new or brought up to date (``None``: not needed, current, or owned by the user)."""
    path = module_path(analysis)
    if path is None:
        return None
    after = TEMPLATE.read_bytes()
    before = path.read_bytes() if path.exists() else None
    if before == after or (before is not None and not _generated(path)):
        return None
    finding = Finding(
        str(path), 1, 1, "F2Q304", f"{'wrote' if before is None else 'updated'} {path.name}: the app uses "
        "Flask-Limiter options quart-rate-limiter lacks, so it keeps Flask-Limiter's API, run on Quart with the "
        "`limits` package (same limits, same 429s; docs/extensions.md#flask-limiter)", Severity.INFO,
    )
    return ConfigEdit(path, before, after), finding


def _limiter_names(analysis: A.ProjectAnalysis, facts: A.ModuleFacts) -> set[str]:
    """Names bound in this module to a Flask-Limiter object (built here or imported)."""
    names = {name for name, cls in facts.instances.items() if cls in LIMITER_CLASSES}
    names.update(
        local for local, target in facts.imports.items() if analysis.extension_objects.get(target) in LIMITER_CLASSES
    )
    return names


def _needs_emulation(analysis: A.ProjectAnalysis, facts: A.ModuleFacts) -> bool:
    """Whether this module uses Flask-Limiter beyond what quart-rate-limiter can do."""
    limiters = _limiter_names(analysis, facts)
    imports_flask_limiter = any(t.split(":")[0].startswith("flask_limiter") for t in facts.imports.values())
    if not limiters and not imports_flask_limiter:
        return False
    with contextlib.suppress(OSError, SyntaxError, ValueError):
        tree = ast.parse(Path(facts.path).read_bytes())
        return any(_unmapped(node, limiters) for node in ast.walk(tree))
    return False


def _unmapped(node: ast.AST, limiters: set[str]) -> bool:
    from .f2q304_flask_limiter import parse_limits  # the rule imports this module

    if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("flask_limiter") and not node.level:
        return node.module != "flask_limiter.util" and any(a.name not in _MAPPED_NAMES for a in node.names)
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value in _UNMAPPED_CONFIG
    if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id in limiters:
        return node.attr not in _MAPPED_METHODS
    if not isinstance(node, ast.Call):
        return False
    func = node.func
    if (isinstance(func, ast.Name) and func.id == "Limiter") or (isinstance(func, ast.Attribute) and func.attr == "Limiter"):
        return any(k.arg not in _MAPPED_LIMITER_OPTIONS for k in node.keywords) or any(
            k.arg == "default_limits" and not _literal_limits(k.value) for k in node.keywords
        )
    if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name) and func.value.id in limiters:
        if func.attr == "limit":
            first = node.args[0] if len(node.args) == 1 else None
            literal = isinstance(first, ast.Constant) and isinstance(first.value, str) and parse_limits(first.value)
            options = {k.arg for k in node.keywords}
            return not literal or not options <= _MAPPED_LIMIT_OPTIONS or any(
                k.arg == "override_defaults" and not (isinstance(k.value, ast.Constant) and k.value.value is True)
                for k in node.keywords
            )
        if func.attr == "exempt":
            return len(node.args) != 1 or bool(node.keywords)
    return False


def _literal_limits(node: ast.expr) -> bool:
    from .f2q304_flask_limiter import parse_limits

    return isinstance(node, (ast.List, ast.Tuple)) and all(
        isinstance(e, ast.Constant) and isinstance(e.value, str) and parse_limits(e.value) for e in node.elts
    )


#: What the generated module defines, by the names Flask-Limiter gives them.
PROVIDED = frozenset({"Limiter", "RateLimitExceeded", "RequestLimit", "get_remote_address"})


class Inert(Rule):
    """F2Q304 where the project already keeps Flask-Limiter's API: nothing to do."""

    code = "F2Q304"
    name = "flask-limiter"


class KeptFlaskLimiterApi(Rule):
    """F2Q304 in a project that keeps Flask-Limiter's API: its imports move to the generated module.

    ``FlaskLimiter`` hands a file over to this rule (see its ``__new__``); nothing but the imports
    changes, so ``limiter.limit(..., on_breach=..., methods=[...])``, ``limiter.current_limit`` and
    the ``RATELIMIT_*`` settings keep their meaning.
    """

    code = "F2Q304"
    name = "flask-limiter"
    priority = 45

    def __init__(self, ctx: FileContext, module: str) -> None:
        super().__init__(ctx)
        self.module = module

    def leave_SimpleStatementLine(
        self, original: cst.SimpleStatementLine, updated: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        if len(updated.body) != 1 or not isinstance(updated.body[0], cst.ImportFrom):
            return updated
        statement = updated.body[0]
        module = dotted(statement.module) if statement.module is not None else ""
        if statement.relative or module.split(".")[0] != "flask_limiter" or isinstance(statement.names, cst.ImportStar):
            return updated
        moved = [a for a in statement.names if dotted(a.name) in PROVIDED]
        kept = [a for a in statement.names if dotted(a.name) not in PROVIDED]
        for alias in kept:
            self.ctx.report(original, self.code, f"`{module}.{dotted(alias.name)}` is not part of the generated "
                            f"{self.module} module: port its use by hand", Severity.ERROR)
        if not moved:
            return updated
        self.changed()
        self.ctx.report(original, self.code, f"Flask-Limiter's API kept: imported from the generated {self.module} "
                        "(the app uses options quart-rate-limiter lacks; limits counted as Flask-Limiter counts "
                        "them); see docs/extensions.md#flask-limiter", Severity.INFO)
        return moved_import(self.ctx, self.module, updated, statement, moved, kept)


    def leave_Import(self, original: cst.Import, updated: cst.Import) -> cst.Import:
        for alias in updated.names:
            if dotted(alias.name).split(".")[0] == "flask_limiter":
                self.ctx.report(original, self.code, f"`import {dotted(alias.name)}`: import its names from the "
                                f"generated {self.module} module instead (`from {self.module} import Limiter`)",
                                Severity.ERROR)
        return updated

