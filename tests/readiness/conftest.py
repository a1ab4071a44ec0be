from __future__ import annotations

from pathlib import Path

import pytest

FIXTURE = Path(__file__).parent.parent / "fixtures" / "sqlalchemy_app"


@pytest.fixture
def sqlalchemy_app() -> dict[str, str]:
    """The files of tests/fixtures/sqlalchemy_app, to copy into a temp project."""
    return {
        str(path.relative_to(FIXTURE)): path.read_text(encoding="utf-8")
        for path in sorted(FIXTURE.rglob("*.py"))
    }
