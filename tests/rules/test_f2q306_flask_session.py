import json

from flask2quart.findings import Severity
from tests.helpers import check_noop, check_transformed
from tests.rules.extension_apps import loaded, port


def test_redis_client_becomes_asyncio_and_the_type_is_lowercased():
    findings = check_transformed(
        """\
        import os

        import redis
        from flask import Flask
        from flask_session import Session

        app = Flask(__name__)
        app.config["SESSION_TYPE"] = "Redis"
        app.config["SESSION_REDIS"] = redis.from_url(os.environ["REDIS_URL"])
        app.config.update(SESSION_PERMANENT=False, SESSION_USE_SIGNER=True)
        Session(app)
        """,
        """\
        import os

        import redis
        from quart import Quart
        from quart_session import Session
        import redis.asyncio

        app = Quart(__name__)
        app.config["SESSION_TYPE"] = "redis"
        app.config["SESSION_REDIS"] = redis.asyncio.from_url(os.environ["REDIS_URL"])
        app.config.update(SESSION_PERMANENT=False, SESSION_USE_SIGNER=True)
        Session(app)
        """,
    )
    assert [(f.line, f.severity) for f in findings] == [(11, Severity.INFO)]
    assert "test_app()" in findings[0].message


def test_missing_backends_and_keys_are_reported_on_their_line():
    findings, files = port(
        {
            "pkg/__init__.py": """\
                import os

                from flask import Flask
                from flask_session import Session
                from redis import Redis

                sess = Session()


                class Config:
                    SESSION_TYPE = os.environ.get("SESSION_TYPE", "filesystem")
                    SESSION_FILE_DIR = "/tmp/sessions"
                    SESSION_MEMCACHED = object()
                    SESSION_MONGODB_COLLECT = "sessions"


                def create_app(redis_client):
                    app = Flask(__name__)
                    app.config.from_mapping({"SESSION_TYPE": "sqlalchemy", "SESSION_REDIS": redis_client})
                    app.config["SESSION_TYPE"] = "null"
                    app.config.setdefault("SESSION_REDIS", Redis.from_url("redis://cache"))
                    sess.init_app(app)
                    return app
                """
        }
    )
    text = files["pkg/__init__.py"]
    assert 'app.config.setdefault("SESSION_REDIS", redis.asyncio.Redis.from_url("redis://cache"))' in text
    assert "import redis.asyncio\n" in text
    found = [(f.line, f.severity, f.message.split(":")[0]) for f in findings]
    assert found == [
        (11, Severity.ERROR, "quart-session has no 'filesystem' backend (it has redis, memcached, mongodb)"),
        (12, Severity.WARNING, "quart-session ignores `SESSION_FILE_DIR`"),
        (13, Severity.ERROR, "quart-session's memcached backend needs an `aiomcache.Client` here (or leave SESSION_MEMCACHED unset and set SESSION_MEMCACHED_HOST/SESSION_MEMCACHED_PORT)"),
        (14, Severity.ERROR, "quart-session reads SESSION_MONGODB_COLLECTION, not SESSION_MONGODB_COLLECT"),
        (19, Severity.ERROR, "quart-session has no 'sqlalchemy' backend (it has redis, memcached, mongodb)"),
        (19, Severity.ERROR, "SESSION_REDIS must be an asyncio client for quart-session"),
        (20, Severity.WARNING, "quart-session's 'null' backend stores nothing"),
        (22, Severity.INFO, "quart-session stores sessions as JSON (Flask-Session 0.8"),
    ]


def test_session_keys_of_a_project_without_flask_session_are_not_read():
    check_noop(
        """\
        from quart import Quart

        app = Quart(__name__)
        app.config["SESSION_TYPE"] = "filesystem"
        """
    )


APP = """\
from flask import Flask, session
from flask_session import Session

from .store import SESSION_CONFIG

app = Flask(__name__)
app.config.update(SECRET_KEY="test", **SESSION_CONFIG)
Session(app)


@app.post("/login/<name>")
def login(name):
    session["user"] = name
    return "ok"


@app.get("/whoami")
def whoami():
    return session.get("user", "nobody")


@app.get("/empty")
def empty():
    return str(not session)
"""

# Not rewritten (it never mentions Flask): each side gets a store its backend can use.
ASYNC_STORE = """\
class MemoryRedis:
    \"\"\"The three redis.asyncio.Redis methods quart-session's redis backend calls.\"\"\"

    def __init__(self):
        self.data = {}

    async def get(self, key):
        return self.data.get(key)

    async def setex(self, name, time, value):
        self.data[name] = value

    async def delete(self, key):
        self.data.pop(key, None)


STORE = MemoryRedis()
SESSION_CONFIG = {"SESSION_TYPE": "redis", "SESSION_REDIS": STORE}
"""

CACHELIB_STORE = """\
from cachelib import SimpleCache

STORE = SimpleCache()
SESSION_CONFIG = {"SESSION_TYPE": "cachelib", "SESSION_CACHELIB": STORE}
"""


async def test_ported_session_data_is_kept_server_side_by_quart_session():
    with loaded({"pkg/__init__.py": APP, "pkg/store.py": ASYNC_STORE}) as ported:
        assert "from quart_session import Session" in ported.files["pkg/__init__.py"]
        assert ported.files["pkg/store.py"] == ASYNC_STORE
        app = ported.package.app
        store = ported.package.store.STORE
        async with app.test_app():
            client = app.test_client()
            assert await (await client.get("/whoami")).get_data(as_text=True) == "nobody"
            # reported difference: quart-session keeps _addr/_permanent in a new visitor's session
            assert await (await client.get("/empty")).get_data(as_text=True) == "False"
            response = await client.post("/login/ann")
            cookie = response.headers["Set-Cookie"]
            assert await (await client.get("/whoami")).get_data(as_text=True) == "ann"
        sid = cookie.split("session=")[1].split(";")[0]
        # the cookie holds an id; the data is in the store
        assert json.loads(store.data[f"session:{sid}"])["user"] == "ann"


def test_original_keeps_session_data_server_side_under_flask():
    with loaded({"pkg/__init__.py": APP, "pkg/store.py": CACHELIB_STORE}, ported=False) as original:
        client = original.package.app.test_client()
        assert client.get("/whoami").get_data(as_text=True) == "nobody"
        assert client.get("/empty").get_data(as_text=True) == "True"
        response = client.post("/login/ann")
        sid = response.headers["Set-Cookie"].split("session=")[1].split(";")[0]
        assert client.get("/whoami").get_data(as_text=True) == "ann"
        assert original.package.store.STORE.get(f"session:{sid}") is not None
