"""linkbox in the middle of its migration: ``auth`` and ``api`` served by the Quart port, the HTML
pages (``links``: listing, forms, uploads, CSV export) still by the original Flask app.

Both packages are called ``linkbox``; they are loaded here as ``linkbox_flask`` and ``linkbox_quart``
so that one process can hold both. They share the SECRET_KEY (a session set on one side is read on
the other) and the sqlite database. Serve with (from the repository root)::

    python -m flask2quart serve --flask examples.staged.apps:flask_app \\
        --quart examples.staged.apps:quart_app --quart-prefix /api --quart-prefix /auth --flask-prefix /
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

from examples.packages import load_package

HERE = Path(__file__).resolve().parent
EXAMPLES = HERE.parent
INSTANCE = Path(os.environ.get("LINKBOX_STAGED_INSTANCE", HERE / "instance"))
CONFIG = {
    "SECRET_KEY": os.environ.get("LINKBOX_SECRET_KEY", "staged-dev-key"),
    "DATABASE": str(INSTANCE / "linkbox.sqlite"),
    "UPLOAD_FOLDER": str(INSTANCE / "uploads"),
}


linkbox_flask = load_package("linkbox_flask", EXAMPLES / "flask_legacy" / "linkbox")
linkbox_quart = load_package("linkbox_quart", EXAMPLES / "quart_ported" / "linkbox")

INSTANCE.mkdir(parents=True, exist_ok=True)
Path(CONFIG["UPLOAD_FOLDER"]).mkdir(parents=True, exist_ok=True)
flask_app = linkbox_flask.create_app(CONFIG)
quart_app = linkbox_quart.create_app(CONFIG)

if not Path(CONFIG["DATABASE"]).exists():
    with flask_app.app_context():
        sys.modules["linkbox_flask.db"].init_db()
