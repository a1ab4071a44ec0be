import os
import tempfile

import pytest
from linkbox import create_app
from linkbox.db import get_db, init_db

# rows inserted into every fresh test database
with open(os.path.join(os.path.dirname(__file__), "data.sql"), "rb") as f:
    _data_sql = f.read().decode("utf8")


@pytest.fixture
async def app(tmp_path):
    """A fresh app with its own database and upload folder per test."""
    # every test gets its own database file
    db_fd, db_path = tempfile.mkstemp()
    upload_folder = tmp_path / "uploads"
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "testing",
            "DATABASE": db_path,
            "UPLOAD_FOLDER": str(upload_folder),
        }
    )

    # build the schema and insert the sample rows
    async with app.app_context():
        init_db()
        get_db().executescript(_data_sql)

    yield app

    # remove the database file again
    os.close(db_fd)
    os.unlink(db_path)


@pytest.fixture
def client(app):
    """Client for making requests without running a server."""
    return app.test_client()


@pytest.fixture
def runner(app):
    """Runner for invoking the app's CLI commands."""
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    async def login(self, username="test", password="test"):
        return await self._client.post("/auth/login", form={"username": username, "password": password})

    async def logout(self):
        return await self._client.get("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
