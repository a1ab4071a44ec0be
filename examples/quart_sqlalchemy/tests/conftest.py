import pytest
from inkpot import create_app
from sample_data import populated


@pytest.fixture
def app_config(tmp_path):
    """The settings of the test app. A test module can override this fixture."""
    return {
        "TESTING": True,
        "SECRET_KEY": "testing",
        # every test gets its own database file
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'inkpot.sqlite'}",
        # the tests post forms without a token; test_auth switches it on
        "WTF_CSRF_ENABLED": False,
        # so that the requests of one test cannot fail another one;
        # test_rate_limits.py switches the limits on
        "RATELIMIT_ENABLED": False,
    }


@pytest.fixture
async def app(app_config):
    """A fresh app with its own database per test."""
    return await populated(create_app(app_config))


@pytest.fixture
def client(app):
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client):
        self._client = client

    async def login(self, username="ada", password="ada-password"):
        return await self._client.post("/auth/login", form={"username": username, "password": password})

    async def logout(self):
        return await self._client.get("/auth/logout")


@pytest.fixture
def auth(client):
    return AuthActions(client)

