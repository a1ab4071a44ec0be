"""Imports moved to a module the rewrite generates into the project (``restful.py``,
``rate_limiting.py``): the names it provides come from it, the rest stay where they were."""

from __future__ import annotations

from pathlib import Path

import libcst as cst

from ..context import FileContext


def reference(ctx: FileContext, module: str) -> dict[str, object]:
    """``ImportFrom`` fields naming ``module``: ``from .name import`` within its package, else its
    dotted name."""
    package, _, name = module.rpartition(".")
    facts = ctx.facts
    here = facts.module if Path(facts.path).name == "__init__.py" else facts.module.rpartition(".")[0]
    if package and package == here:
        return {"module": cst.Name(name), "relative": [cst.Dot()]}
    return {"module": cst.parse_expression(module), "relative": []}


def moved_import(
    ctx: FileContext,
    module: str,
    updated: cst.SimpleStatementLine,
    statement: cst.ImportFrom,
    moved: list[cst.ImportAlias],
    kept: list[cst.ImportAlias],
) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
    """``moved`` imported from ``module``; ``kept`` (if any) still from the original, on a line after."""
    new = statement.with_changes(names=_no_last_comma(moved), **reference(ctx, module))
    if not kept:
        return updated.with_changes(body=[new])
    old = statement.with_changes(names=_no_last_comma(kept), lpar=None, rpar=None)
    return cst.FlattenSentinel([updated.with_changes(body=[new]), cst.SimpleStatementLine(body=[old])])


def _no_last_comma(aliases: list[cst.ImportAlias]) -> list[cst.ImportAlias]:
    return [*aliases[:-1], aliases[-1].with_changes(comma=cst.MaybeSentinel.DEFAULT)] if aliases else aliases
