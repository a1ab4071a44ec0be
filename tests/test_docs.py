from pathlib import Path

from flask2quart.migrate.rules import ALL_CODES, PYTHON_RULES
from flask2quart.migrate.rules.catalog import rules_markdown

DOCS = Path(__file__).resolve().parent.parent / "docs" / "rules.md"


def test_rules_md_is_generated_from_the_rules():
    assert DOCS.read_text(encoding="utf-8") == rules_markdown(), (
        "regenerate: python -m flask2quart.migrate.rules.catalog > docs/rules.md"
    )


def test_every_code_is_listed_once_and_every_rule_has_a_docs_link():
    text = DOCS.read_text(encoding="utf-8")
    for code in ALL_CODES:
        assert f"**{code}**" in text or f"## {code} " in text
    for rule in PYTHON_RULES:
        doc = __import__(rule.__module__, fromlist=["x"]).__doc__
        assert doc.startswith(f"{rule.code}: ")
        assert "Docs: https://" in doc


def test_codes_are_unique_and_well_formed():
    codes = [rule.code for rule in PYTHON_RULES]
    assert len(codes) == len(set(codes))
    assert all(code.startswith("F2Q") and len(code) == 6 and code[3:].isdigit() for code in codes)
