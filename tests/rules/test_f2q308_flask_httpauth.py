import base64

from flask2quart.findings import Severity
from tests.helpers import check_transformed
from tests.rules.extension_apps import loaded, port


def test_callbacks_become_async_and_their_awaits_follow():
    findings = check_transformed(
        """\
        from flask import Flask, g, request
        from flask_httpauth import HTTPBasicAuth

        app = Flask(__name__)
        auth = HTTPBasicAuth()
        USERS = {"ann": "pw"}


        def lookup(username):
            g.db_calls = g.get("db_calls", 0) + 1
            return USERS.get(username)


        def audit():
            return request.get_json(silent=True)


        @auth.verify_password
        def verify_password(username, password):
            audit()
            if lookup(username) == password:
                return username


        @auth.error_handler
        def unauthorized(status):
            return {"error": status}, status


        @app.route("/")
        @auth.login_required
        def index():
            return f"hello {auth.current_user()} {g.flask_httpauth_user}"


        def check_directly():
            return verify_password("ann", "pw")
        """,
        """\
        from quart import Quart, g, request
        from quart_httpauth import HTTPBasicAuth

        app = Quart(__name__)
        auth = HTTPBasicAuth()
        USERS = {"ann": "pw"}


        def lookup(username):
            g.db_calls = g.get("db_calls", 0) + 1
            return USERS.get(username)


        async def audit():
            return await request.get_json(silent=True)


        @auth.verify_password
        async def verify_password(username, password):
            await audit()
            if lookup(username) == password:
                return username


        @auth.error_handler
        async def unauthorized(status):
            return {"error": status}, status


        @app.route("/")
        @auth.login_required
        async def index():
            return f"hello {auth.current_user()} {g.quart_httpauth_user}"


        async def check_directly():
            return await verify_password("ann", "pw")
        """,
    )
    assert findings == []


def test_callbacks_on_an_object_from_another_module_and_missing_api_reported():
    findings, files = port(
        {
            "pkg/__init__.py": """\
                from flask import Flask

                from .auth import basic, tokens

                app = Flask(__name__)


                @basic.get_password
                def get_password(username):
                    return "pw"


                @tokens.verify_token
                def verify_token(token):
                    return token == "t"


                @tokens.get_user_roles
                def roles(user):
                    return ["admin"]


                @app.route("/who")
                @basic.login_required
                def who():
                    return basic.username()
                """,
            "pkg/auth.py": """\
                import flask_httpauth

                basic = flask_httpauth.HTTPBasicAuth()
                tokens = flask_httpauth.HTTPTokenAuth("Bearer")
                """,
        }
    )
    text = files["pkg/__init__.py"]
    for name in ("get_password(username)", "verify_token(token)", "roles(user)", "who()"):
        assert f"async def {name}:" in text
    assert files["pkg/auth.py"].startswith("import quart_httpauth\n\nbasic = quart_httpauth.HTTPBasicAuth()")
    assert [(f.line, f.severity) for f in findings] == [(8, Severity.ERROR), (26, Severity.ERROR)]
    assert "verify_password" in findings[0].message
    assert "current_user()" in findings[1].message


APP = """\
import threading

from flask import Flask, g, jsonify
from flask_httpauth import HTTPBasicAuth, HTTPTokenAuth, MultiAuth

app = Flask(__name__)
basic = HTTPBasicAuth()
tokens = HTTPTokenAuth(scheme="Bearer")
both = MultiAuth(basic, tokens)
USERS = {"ann": "secret", "bob": "hunter2"}
ROLES = {"ann": ["admin"], "bob": []}


@basic.verify_password
def verify_password(username, password):
    g.callback_thread = threading.get_ident()
    if USERS.get(username) == password:
        return username


@tokens.verify_token
def verify_token(token):
    return {"t-ann": "ann"}.get(token)


@basic.get_user_roles
def get_user_roles(user):
    return ROLES[user]


@basic.error_handler
def auth_error(status):
    return jsonify(error=status), status


@app.route("/me")
@both.login_required
def me():
    return f"{both.current_user()}"


@app.route("/admin")
@basic.login_required(role="admin")
def admin():
    same = g.callback_thread == threading.get_ident()
    return f"admin {basic.current_user()} same-thread={same}"


@app.route("/maybe")
@basic.login_required(optional=True)
def maybe():
    return f"user={basic.current_user()}"
"""


def _basic(user: str, password: str) -> dict[str, str]:
    token = base64.b64encode(f"{user}:{password}".encode()).decode()
    return {"Authorization": f"Basic {token}"}


EXPECTED = [
    ("/me", {}, 401, '{"error":401}'),
    ("/me", _basic("ann", "wrong"), 401, '{"error":401}'),
    ("/me", _basic("ann", "secret"), 200, "ann"),
    ("/me", {"Authorization": "Bearer t-ann"}, 200, "ann"),
    ("/admin", _basic("bob", "hunter2"), 403, '{"error":403}'),
    ("/admin", _basic("ann", "secret"), 200, "admin ann same-thread=True"),
    ("/maybe", {}, 200, "user=None"),
]


async def test_ported_app_authenticates_under_quart_httpauth():
    with loaded({"pkg/__init__.py": APP}) as ported:
        assert "async def verify_password(username, password):" in ported.files["pkg/__init__.py"]
        client = ported.package.app.test_client()
        for path, headers, status, body in EXPECTED:
            response = await client.get(path, headers=headers)
            assert (response.status_code, (await response.get_data(as_text=True)).strip()) == (status, body), path
        response = await client.get("/me")
        assert response.headers["WWW-Authenticate"] == 'Basic realm="Authentication Required"'


def test_original_authenticates_the_same_under_flask():
    with loaded({"pkg/__init__.py": APP}, ported=False) as original:
        client = original.package.app.test_client()
        for path, headers, status, body in EXPECTED:
            response = client.get(path, headers=headers)
            assert (response.status_code, response.get_data(as_text=True).strip()) == (status, body), path
        assert client.get("/me").headers["WWW-Authenticate"] == 'Basic realm="Authentication Required"'
