import os

import pytest
from teamboard import create_app
from teamboard.db import get_db, init_db

# rows inserted into every fresh test database
with open(os.path.join(os.path.dirname(__file__), "data.sql"), "rb") as f:
    _data_sql = f.read().decode("utf8")


@pytest.fixture
def app_config(tmp_path):
    """The settings of the test app. A test module can override this fixture."""
    return {
        "TESTING": True,
        "SECRET_KEY": "testing",
        # every test gets its own database file
        "DATABASE": str(tmp_path / "teamboard.sqlite"),
        # the tests post forms without a token; the CSRF tests switch it on
        "WTF_CSRF_ENABLED": False,
        # so the request counts of one test cannot fail another one;
        # test_rate_limits.py switches the limits on
        "QUART_RATE_LIMITER_ENABLED": False,
    }


@pytest.fixture
async def app(app_config):
    """A fresh app with its own database per test."""
    app = create_app(app_config)

    # build the schema and insert the sample rows
    async with app.app_context():
        init_db()
        get_db().executescript(_data_sql)

    yield app


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

    async def login(self, username="alice", password="alice-pass"):
        return await self._client.post("/auth/login", form={"username": username, "password": password})

    async def logout(self):
        return await self._client.get("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)
