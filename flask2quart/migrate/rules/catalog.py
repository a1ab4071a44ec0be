"""``docs/rules.md``, made from the rules themselves (a test keeps the file in step)."""

from __future__ import annotations

import inspect
import sys

from . import ENGINE_CODES, PROJECT_RULES, PYTHON_RULES


def _sections() -> list[tuple[str, str, str]]:
    rules: list[tuple[str, str, str]] = []
    for rule in (*PYTHON_RULES, *PROJECT_RULES):
        module = sys.modules[rule.__module__]
        doc = inspect.cleandoc(module.__doc__ or "")
        rules.append((rule.code, rule.name, doc))
    return sorted(rules)


def rules_markdown() -> str:
    lines = [
        "# Rules",
        "",
        "Every rewrite rule of `flask2quart rewrite`, one module each under",
        "`flask2quart/migrate/rules/`. Codes are stable: use them with `--select`/`--ignore`",
        "(prefixes work: `F2Q2` is every test-suite rule) and in `[tool.flask2quart]`.",
        "`F2Q1xx` port application code, `F2Q2xx` port test suites, `F2Q4xx` edit project files.",
        "This page is generated from the",
        "rules' docstrings by `python -m flask2quart.migrate.rules.catalog`.",
        "",
        "| code | name | summary |",
        "|---|---|---|",
    ]
    sections = _sections()
    for code, name, doc in sections:
        summary = doc.splitlines()[0].split(": ", 1)[-1]
        lines.append(f"| [{code}](#{code.lower()}-{name}) | `{name}` | {summary} |")
    lines += ["", "Reports of the engine itself:", ""]
    for code, text in ENGINE_CODES.items():
        lines.append(f"- **{code}**: {text}")
    for code, name, doc in sections:
        first, _, rest = doc.partition("\n")
        lines += ["", f"## {code} {name}", "", first.split(": ", 1)[-1], "", rest.strip()]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":  # pragma: no cover
    sys.stdout.write(rules_markdown())
