"""linkbox twice, for ``flask2quart parity``: the Flask original (``examples/flask_legacy``) and
its Quart port (``examples/quart_ported``), each with its own copy of the same seeded database.

Each side gets its own database so that a case that changes data (log in, create, delete) sees the
same state on both sides; both get the rows of the test suite's ``data.sql``. Run from the
repository root::

    flask2quart parity --auto --cases examples/parity/cases.yaml \\
        --flask examples.parity.apps:flask_app --quart examples.parity.apps:quart_app

``load_pair(flask_folder, quart_folder)`` builds the same pair from other copies of the two
packages (the mutation tests use it).
"""

from __future__ import annotations

import atexit
import os
import shutil
import sqlite3
import tempfile
from pathlib import Path
from typing import Any

from examples.packages import load_package

EXAMPLES = Path(__file__).resolve().parent.parent
SEED = EXAMPLES / "flask_legacy" / "tests" / "data.sql"


def _seeded_app(package: Any, instance: Path) -> Any:
    instance.mkdir(parents=True, exist_ok=True)
    database = instance / "linkbox.sqlite"
    app = package.create_app(
        {
            "SECRET_KEY": "parity",
            "DATABASE": str(database),
            "UPLOAD_FOLDER": str(instance / "uploads"),
        }
    )
    schema = (Path(package.__file__).parent / "schema.sql").read_text(encoding="utf-8")
    with sqlite3.connect(database) as connection:
        connection.executescript(schema)
        connection.executescript(SEED.read_text(encoding="utf-8"))
    return app


def load_pair(flask_folder: Path, quart_folder: Path, prefix: str = "linkbox_parity") -> tuple[Any, Any]:
    """(flask_app, quart_app) from two ``linkbox`` package folders, each on a fresh database."""
    instance = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    flask_package = load_package(f"{prefix}_flask", flask_folder)
    quart_package = load_package(f"{prefix}_quart", quart_folder)
    return _seeded_app(flask_package, instance / "flask"), _seeded_app(quart_package, instance / "quart")


flask_app, quart_app = load_pair(
    EXAMPLES / "flask_legacy" / "linkbox",
    EXAMPLES / "quart_ported" / "linkbox",
    prefix=os.environ.get("LINKBOX_PARITY_PREFIX", "linkbox_parity"),
)
