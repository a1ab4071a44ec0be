import asyncio

from flask2quart.findings import Severity
from tests.helpers import check_noop, check_transformed, codes
from tests.rules.extension_apps import loaded, port


def test_hashing_in_views_runs_in_a_worker_thread():
    findings = check_transformed(
        """\
        from flask import Flask, request
        from flask_bcrypt import Bcrypt, generate_password_hash

        app = Flask(__name__)
        bcrypt = Bcrypt(app)
        USERS = {}


        @app.post("/register")
        def register():
            USERS["ann"] = bcrypt.generate_password_hash(request.args["pw"], 10)
            return "ok"


        @app.post("/login")
        def login():
            if bcrypt.check_password_hash(USERS["ann"], request.args["pw"]):
                return "ok"
            return "no", 401


        @app.post("/quick")
        def quick():
            return generate_password_hash("x")
        """,
        """\
        from quart import Quart, request
        from quart_bcrypt import Bcrypt, generate_password_hash, async_generate_password_hash

        app = Quart(__name__)
        bcrypt = Bcrypt(app)
        USERS = {}


        @app.post("/register")
        async def register():
            USERS["ann"] = await bcrypt.async_generate_password_hash(request.args["pw"], 10)
            return "ok"


        @app.post("/login")
        async def login():
            if await bcrypt.async_check_password_hash(USERS["ann"], request.args["pw"]):
                return "ok"
            return "no", 401


        @app.post("/quick")
        async def quick():
            return await async_generate_password_hash("x")
        """,
    )
    assert codes(findings) == ["F2Q307"] * 3
    assert {f.severity for f in findings} == {Severity.INFO}


def test_module_alias_and_object_from_another_module():
    findings, files = port(
        {
            "pkg/__init__.py": """\
                from flask import Flask

                from .ext import bcrypt
                import flask_bcrypt


                def create_app():
                    app = Flask(__name__)
                    bcrypt.init_app(app)

                    @app.get("/h")
                    def h():
                        return bcrypt.generate_password_hash("pw") + flask_bcrypt.generate_password_hash("x")

                    return app
                """,
            "pkg/ext.py": "from flask_bcrypt import Bcrypt\n\nbcrypt = Bcrypt()\n",
        }
    )
    app = files["pkg/__init__.py"]
    assert "import quart_bcrypt" in app
    assert (
        'return await bcrypt.async_generate_password_hash("pw") + '
        'await quart_bcrypt.async_generate_password_hash("x")'
    ) in app
    assert files["pkg/ext.py"] == "from quart_bcrypt import Bcrypt\n\nbcrypt = Bcrypt()\n"
    assert codes(findings) == ["F2Q307", "F2Q307"]


def test_sync_helper_called_from_a_view_is_kept_and_reported():
    findings = check_transformed(
        """\
        from flask import Flask
        from flask_bcrypt import Bcrypt

        app = Flask(__name__)
        bcrypt = Bcrypt(app)


        class User:
            def __init__(self, pw_hash):
                self.pw_hash = pw_hash

            def check_password(self, password):
                return bcrypt.check_password_hash(self.pw_hash, password)


        @app.post("/login")
        def login():
            return str(User(b"").check_password("pw"))
        """,
        """\
        from quart import Quart
        from quart_bcrypt import Bcrypt

        app = Quart(__name__)
        bcrypt = Bcrypt(app)


        class User:
            def __init__(self, pw_hash):
                self.pw_hash = pw_hash

            def check_password(self, password):
                return bcrypt.check_password_hash(self.pw_hash, password)


        @app.post("/login")
        async def login():
            return str(User(b"").check_password("pw"))
        """,
    )
    assert [(f.code, f.line, f.severity) for f in findings] == [("F2Q307", 13, Severity.WARNING)]
    assert "User.check_password" in findings[0].message


def test_cli_commands_and_unrelated_hashers_are_left_alone():
    findings = check_transformed(
        """\
        import click
        from flask import Flask
        from flask_bcrypt import Bcrypt
        from werkzeug.security import check_password_hash

        app = Flask(__name__)
        bcrypt = Bcrypt(app)


        @app.cli.command("hash")
        @click.argument("pw")
        def hash_command(pw):
            click.echo(bcrypt.generate_password_hash(pw))


        @app.get("/w")
        def w():
            return str(check_password_hash("h", "pw"))
        """,
        """\
        import click
        from quart import Quart
        from quart_bcrypt import Bcrypt
        from werkzeug.security import check_password_hash

        app = Quart(__name__)
        bcrypt = Bcrypt(app)


        @app.cli.command("hash", with_appcontext=True)
        @click.argument("pw")
        def hash_command(pw):
            click.echo(bcrypt.generate_password_hash(pw))


        @app.get("/w")
        async def w():
            return str(check_password_hash("h", "pw"))
        """,
    )
    assert findings == []


def test_a_method_of_the_same_name_on_another_object_is_untouched():
    check_noop(
        """\
        from quart import Quart

        app = Quart(__name__)


        @app.get("/")
        async def index(hasher=None):
            return hasher.check_password_hash("a", "b")
        """
    )


APP = """\
from flask import Flask, request
from flask_bcrypt import Bcrypt

app = Flask(__name__)
app.config["BCRYPT_LOG_ROUNDS"] = 12
bcrypt = Bcrypt(app)
USERS = {}


@app.post("/register")
def register():
    USERS[request.args["name"]] = bcrypt.generate_password_hash(request.args["pw"])
    return "registered"


@app.post("/login")
def login():
    known = USERS.get(request.args["name"])
    if known and bcrypt.check_password_hash(known, request.args["pw"]):
        return "welcome"
    return "no", 401


@app.get("/ping")
def ping():
    return "pong"
"""


async def test_ported_app_hashes_and_checks_without_blocking_the_loop():
    with loaded({"pkg/__init__.py": APP}) as ported:
        client = ported.package.app.test_client()
        assert (await client.post("/register?name=ann&pw=s3cret")).status_code == 200
        assert (await client.post("/login?name=ann&pw=wrong")).status_code == 401
        response = await client.post("/login?name=ann&pw=s3cret")
        assert await response.get_data(as_text=True) == "welcome"
        # a check takes ~0.3 s: a request sent after it started answers before it ends
        login = asyncio.ensure_future(client.post("/login?name=ann&pw=s3cret"))
        await asyncio.sleep(0.02)
        ping = asyncio.ensure_future(client.get("/ping"))
        done, _ = await asyncio.wait({login, ping}, return_when=asyncio.FIRST_COMPLETED)
        assert done == {ping}
        assert (await login).status_code == 200


def test_original_hashes_and_checks_under_flask():
    with loaded({"pkg/__init__.py": APP}, ported=False) as original:
        client = original.package.app.test_client()
        assert client.post("/register?name=ann&pw=s3cret").status_code == 200
        assert client.post("/login?name=ann&pw=wrong").status_code == 401
        assert client.post("/login?name=ann&pw=s3cret").get_data(as_text=True) == "welcome"

