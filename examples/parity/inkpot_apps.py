"""inkpot twice, for ``flask2quart parity``: the Flask original (``examples/flask_sqlalchemy``) and
its Quart port (``examples/quart_sqlalchemy``), each on its own copy of one seeded database.

The Flask app builds the tables and runs its ``seed`` command (two users, three posts with tags, a
comment); the Quart app gets a copy of that file, so both sides start from the same rows, with the
same timestamps; the users' API tokens are set to ``<username>-token`` for the cases. Run from the repository root::

    flask2quart parity --auto --cases examples/parity/inkpot_cases.yaml \\
        --flask examples.parity.inkpot_apps:flask_app --quart examples.parity.inkpot_apps:quart_app
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
from pathlib import Path
from typing import Any

from examples.packages import load_package

EXAMPLES = Path(__file__).resolve().parent.parent


def _config(database: Path) -> dict[str, Any]:
    return {
        "SECRET_KEY": "parity",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{database}",
        # parity sends every route many times: the limits would only count the run
        "RATELIMIT_ENABLED": False,
        # the cases post the forms as a script does, without the page's token
        "WTF_CSRF_ENABLED": False,
        # the welcome mail of a signup case goes nowhere
        "MAIL_SUPPRESS_SEND": True,
    }


def load_pair(
    flask_folder: Path, quart_folder: Path, prefix: str = "inkpot_parity"
) -> tuple[Any, Any]:
    """(flask_app, quart_app) from two ``inkpot`` package folders, on copies of one seeded database."""
    instance = Path(tempfile.mkdtemp(prefix=f"{prefix}-"))
    atexit.register(shutil.rmtree, instance, ignore_errors=True)
    flask_package = load_package(f"{prefix}_flask", flask_folder)
    flask_app = flask_package.create_app(_config(instance / "flask.sqlite"))
    with flask_app.app_context():
        flask_package.extensions.db.create_all()
    result = flask_app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with flask_app.app_context():  # API tokens the cases can send
        models, db = flask_package.models, flask_package.extensions.db
        for user in db.session.scalars(db.select(models.User)):
            user.api_token = f"{user.username}-token"
        db.session.commit()
    shutil.copyfile(instance / "flask.sqlite", instance / "quart.sqlite")
    quart_package = load_package(f"{prefix}_quart", quart_folder)
    quart_app = quart_package.create_app(_config(instance / "quart.sqlite"))
    return flask_app, quart_app


flask_app, quart_app = load_pair(
    EXAMPLES / "flask_sqlalchemy" / "inkpot", EXAMPLES / "quart_sqlalchemy" / "inkpot"
)
