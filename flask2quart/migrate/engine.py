"""Per-file pipeline: bytes in, bytes out, findings, and never a half-written file.

parse (LibCST, from bytes: the coding cookie, BOM and newlines come back as they were) -> all rules in
one pass -> imports and helpers the rules asked for -> the output must compile -> result. Writing is
done by :func:`write_atomic` (temp file in the same folder, mode kept, ``os.replace``).
"""

from __future__ import annotations

import os
import stat
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import MetadataWrapper, PositionProvider

from ..findings import Finding, Severity
from .analysis import ProjectAnalysis
from .context import FileContext, PendingFinding
from .gcpause import paused_gc
from .rules import PYTHON_RULES
from .rules.base import Rewriter


@dataclass
class FileResult:
    path: str
    before: bytes
    after: bytes | None = None  # None: unchanged (or failed)
    findings: list[Finding] = field(default_factory=list)
    error: str | None = None
    #: Rule code -> how many edits it made, when the file changed.
    edits: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return self.after is not None and self.after != self.before


def transform_source(
    path: str, source: bytes, analysis: ProjectAnalysis, enabled: frozenset[str]
) -> FileResult:
    """Rewrite one module. Never raises for bad input: errors come back in the result."""
    with paused_gc():
        return _transform_source(path, source, analysis, enabled)


def _transform_source(
    path: str, source: bytes, analysis: ProjectAnalysis, enabled: frozenset[str]
) -> FileResult:
    result = FileResult(path, source)
    facts = analysis.module_for(path)
    if facts is None:
        return result
    try:
        module = cst.parse_module(source)
    except (cst.ParserSyntaxError, UnicodeDecodeError, SyntaxError) as error:
        result.error = f"cannot parse: {_one_line(error)}"
        result.findings.append(Finding(path, _error_line(error), 0, "F2Q001", result.error, Severity.ERROR))
        return result
    if "\f" in module.default_indent:
        # A form feed in the first indentation would be copied into every block the rules add (a
        # helper's nested lines: "\f    \f    " resets the column, and no longer compiles). Python
        # ignores it in indentation, so the blocks that used it lose only the form feed.
        module = module.with_changes(default_indent=module.default_indent.replace("\f", "") or "    ")
    ctx = FileContext(path, facts, analysis, enabled, source)
    new_module = module.visit(Rewriter(ctx, list(PYTHON_RULES)))
    new_module = _finish_module(new_module, ctx)
    result.findings.extend(_locate(module, path, ctx.findings))
    if not ctx.changed_by:
        return result
    after = new_module.bytes
    if after == source:
        return result
    try:
        compile(after, path, "exec", dont_inherit=True)
    except (SyntaxError, ValueError) as error:
        result.error = f"rewritten code does not compile ({_one_line(error)}); file left untouched"
        result.findings.append(Finding(path, _error_line(error), 0, "F2Q002", result.error, Severity.ERROR))
        return result
    result.after = after
    result.edits = dict(ctx.edit_counts)
    return result


def _one_line(error: BaseException) -> str:
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__


def _error_line(error: BaseException) -> int:
    line = getattr(error, "raw_line", None) or getattr(error, "lineno", None)
    return int(line) if isinstance(line, int) else 1


def _locate(module: cst.Module, path: str, pending: list[PendingFinding]) -> list[Finding]:
    """Line and column for each finding, computed only for files that have findings."""
    if not pending:
        return []
    positions = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    findings = []
    for item in pending:
        where = positions.get(item.node)
        line, col = (where.start.line, where.start.column + 1) if where else (1, 1)
        findings.append(Finding(path, line, col, item.code, item.message, item.severity))
    return sorted(set(findings))


# --- imports and helpers the rules asked for ---------------------------------------------------


def _finish_module(module: cst.Module, ctx: FileContext) -> cst.Module:
    if not ctx.imports and not ctx.helpers:
        return module
    if ctx.helpers and not ctx.imports and all(
        name in ctx.facts.functions or name in ctx.facts.classes for name in ctx.helpers
    ):
        return module
    body = list(module.body)
    insert_at = _after_imports(body)
    new_statements: list[cst.BaseStatement] = []
    stdlib_statements: list[cst.BaseStatement] = []
    wanted: dict[tuple[str, bool], list[str]] = {}  # names from one module go in one statement
    for target, name in ctx.imports:
        if name is not None and _merge_into_existing(body, target, name):
            continue
        wanted.setdefault((target, name is None), []).append(name or "")
    for (target, whole_module), names in wanted.items():
        code = f"import {target}\n" if whole_module else f"from {target} import {', '.join(sorted(set(names)))}\n"
        statement = cst.parse_statement(code)
        if target.split(".")[0] in sys.stdlib_module_names:
            stdlib_statements.append(statement)
        else:
            new_statements.append(statement)
    if stdlib_statements:
        # Standard-library imports go after the module's own standard-library imports.
        at = _after_stdlib_imports(body, insert_at)
        body[at:at] = stdlib_statements
        insert_at += len(stdlib_statements)
    helpers: list[cst.BaseStatement] = []
    for name, source in ctx.helpers.items():
        if name in ctx.facts.functions or name in ctx.facts.classes:
            continue  # already there: a second run adds nothing
        # The file's own line endings, also inside the helper's docstring (a string token keeps them).
        statements = list(cst.parse_module(source.replace("\n", module.default_newline)).body)
        if statements:  # two blank lines before each helper (LibCST gives them to the header)
            first = statements[0]
            statements[0] = first.with_changes(
                leading_lines=[cst.EmptyLine(), cst.EmptyLine(), *getattr(first, "leading_lines", [])][:2]
            )
        helpers.extend(statements)
    body[insert_at:insert_at] = [*new_statements, *helpers]
    if helpers and insert_at + len(new_statements) + len(helpers) < len(body):
        following = body[insert_at + len(new_statements) + len(helpers)]
        lines = list(getattr(following, "leading_lines", []))
        blank = sum(1 for line in lines if line.comment is None)
        if blank < 2 and hasattr(following, "leading_lines"):
            body[insert_at + len(new_statements) + len(helpers)] = following.with_changes(
                leading_lines=[cst.EmptyLine()] * (2 - blank) + lines
            )
    return module.with_changes(body=body)


def _is_import(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and all(
        isinstance(s, (cst.Import, cst.ImportFrom)) for s in statement.body
    )


def _after_imports(body: list[cst.BaseStatement]) -> int:
    """Index just after the module's first block of imports (after the docstring if none)."""
    index = 1 if body and _is_docstring(body[0]) else 0
    while index < len(body) and not _is_import(body[index]) and index < 3 and _is_simple(body[index]):
        index += 1  # e.g. ``__all__`` or a comment-only line before the imports
    start = index
    while index < len(body) and _is_import(body[index]):
        index += 1
    if index == start:
        return 1 if body and _is_docstring(body[0]) else 0
    return index


def _after_stdlib_imports(body: list[cst.BaseStatement], end: int) -> int:
    """Index after the last standard-library import before ``end`` (or the block's start)."""
    start = end
    while start > 0 and _is_import(body[start - 1]):
        start -= 1
    at = start
    for index in range(start, end):
        statement = body[index]
        modules = [
            cst.Module([]).code_for_node(s.names[0].name if isinstance(s, cst.Import) else s.module)
            for s in statement.body  # type: ignore[attr-defined]
            if isinstance(s, cst.Import) or (isinstance(s, cst.ImportFrom) and s.module is not None and not s.relative)
        ]
        if modules and all(m.split(".")[0] in sys.stdlib_module_names for m in modules):
            at = index + 1
    if at < end and at > start:
        return at
    return at if at > start else start


def _is_simple(statement: cst.CSTNode) -> bool:
    return isinstance(statement, cst.SimpleStatementLine) and not _is_import(statement)


def _is_docstring(statement: cst.CSTNode) -> bool:
    return (
        isinstance(statement, cst.SimpleStatementLine)
        and len(statement.body) == 1
        and isinstance(statement.body[0], cst.Expr)
        and isinstance(statement.body[0].value, (cst.SimpleString, cst.ConcatenatedString))
    )


def _merge_into_existing(body: list[cst.BaseStatement], target: str, name: str) -> bool:
    for index, statement in enumerate(body):
        if not _is_import(statement):
            continue
        line = statement  # type: ignore[assignment]
        for small_index, small in enumerate(line.body):  # type: ignore[attr-defined]
            if not isinstance(small, cst.ImportFrom) or small.relative or small.module is None:
                continue
            if isinstance(small.names, cst.ImportStar):
                continue
            if cst.Module([]).code_for_node(small.module) != target:
                continue
            names = list(small.names)
            last = names[-1]
            comma = last.comma
            if isinstance(comma, cst.Comma):
                # One name per line with a trailing comma: the new last line keeps the closing
                # layout, the old last one takes the separator its neighbours use.
                if len(names) > 1:
                    names[-1] = last.with_changes(comma=names[-2].comma)
                new_alias = cst.ImportAlias(cst.Name(name), comma=comma)
            else:
                names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
                new_alias = cst.ImportAlias(cst.Name(name))
            names.append(new_alias)
            new_small = small.with_changes(names=names)
            new_body = list(line.body)  # type: ignore[attr-defined]
            new_body[small_index] = new_small
            body[index] = line.with_changes(body=new_body)
            return True
    return False


# --- writing ---------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temp file in the same folder; keep the file's mode."""
    mode = None
    if path.exists():
        mode = stat.S_IMODE(path.stat().st_mode)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".f2q-tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        else:
            os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current
