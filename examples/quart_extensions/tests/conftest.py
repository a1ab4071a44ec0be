import os

import pytest
from teamboard import create_app
from teamboard.db import get_db, init_db


def _f2q_raising_client(client):
    """Quart's test client with Flask's behaviour when the app propagates exceptions (testing): an
    exception a view, a hook or a signal receiver raised fails the request in the test instead of
    becoming a 500 page (added by flask2quart, F2Q207)."""
    from quart import got_request_exception

    app = client.app
    request = client.open

    async def open(*args, **kwargs):
        raised = []

        def keep(sender, exception, **extra):
            raised.append(exception)

        with got_request_exception.connected_to(keep, app):
            response = await request(*args, **kwargs)
        propagate = app.config.get("PROPAGATE_EXCEPTIONS")
        if raised and (propagate if propagate is not None else app.testing or app.debug):
            raise raised[0]
        return response

    client.open = open
    return client


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
    return _f2q_raising_client(app.test_client())


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
