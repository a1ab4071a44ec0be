import pytest

from tests.helpers import check_transformed, codes, run_rewrite
from tests.rules.extension_apps import loaded

EXTENSIONS = """\
from flask_login import LoginManager

login_manager = LoginManager()
login_manager.login_view = "login"
login_manager.login_message = "Log in first."
"""

MODELS = """\
from flask_login import UserMixin

from .extensions import login_manager

USERS = {}


class User(UserMixin):
    def __init__(self, id, name, active=True):
        self.id = id
        self.name = name
        self.active = active

    @property
    def is_active(self):
        return self.active


@login_manager.user_loader
def load_user(user_id):
    return USERS.get(int(user_id))
"""

APP = """\
from flask import Flask, get_flashed_messages, request
from flask_login import current_user, login_required, login_user, logout_user

from .extensions import login_manager
from .models import USERS, User


class Note:
    def __init__(self, owner):
        self.owner = owner


class OwnerColumn:  # compares like a mapped relationship in a query: only against a user object
    def __eq__(self, other):
        return f"owner is {other.name}" if isinstance(other, User) else "not a user"


def create_app():
    app = Flask(__name__)
    app.config["SECRET_KEY"] = "test"
    login_manager.init_app(app)
    USERS[1] = User(1, "ada")
    USERS[2] = User(2, "cy", active=False)

    @app.route("/login", methods=["GET", "POST"])
    def login():
        if request.method == "POST":
            login_user(USERS[1], remember=request.args.get("remember") == "1")
            return "hello " + current_user.name
        return "login page " + "|".join(get_flashed_messages())

    @app.route("/me")
    @login_required
    def me():
        return f"{current_user.name} {current_user.get_id()} {current_user.is_authenticated}"

    @app.route("/who")
    def who():
        if current_user.is_anonymous:
            return "anonymous"
        return "user " + current_user.name

    @app.route("/rename/<name>")
    @login_required
    def rename(name):
        current_user.name = name  # sets the model's attribute, as Flask-Login's proxy did
        return f"{USERS[1].name} {USERS[1] == current_user} {current_user != USERS[1]}"

    @app.route("/login-disabled")
    def login_disabled():
        refused = login_user(USERS[2])  # Flask-Login refuses an inactive user ...
        return f"{refused} {current_user.is_authenticated} {login_user(USERS[2], force=True)}"  # ... unless forced

    @app.route("/note")
    @login_required
    def note():
        note = Note(owner=current_user)  # the user object itself, as a model relationship takes it
        return (
            f"{isinstance(note.owner, User)} {isinstance(current_user._get_current_object(), User)} "
            f"{OwnerColumn() == current_user}"
        )

    @app.route("/logout")
    def logout():
        logout_user()
        return "bye"

    return app
"""


def _rewrite() -> dict[str, str]:
    _, findings, files = run_rewrite(
        APP, path="pkg/__init__.py", files={"pkg/extensions.py": EXTENSIONS, "pkg/models.py": MODELS}
    )
    assert [(f.path, f.code) for f in findings] == [("pkg/models.py", "F2Q302")]  # UserMixin dropped (info)
    return files


def test_login_manager_module_gets_the_generated_manager_and_user():
    files = _rewrite()
    extensions = files["pkg/extensions.py"]
    assert "flask_login" not in extensions
    assert "from quart_auth import Action, AuthUser, QuartAuth, Unauthorized" in extensions
    assert "class CurrentUser(AuthUser):" in extensions
    assert "class LoginManager(QuartAuth):" in extensions
    # the app's own configuration lines are kept as they were
    assert extensions.endswith('login_manager = LoginManager()\nlogin_manager.login_view = "login"\n'
                               'login_manager.login_message = "Log in first."\n')
    models = files["pkg/models.py"]
    assert "flask_login" not in models and "class User:" in models
    assert "@login_manager.user_loader\ndef load_user(user_id):" in models  # stays sync


def test_views_use_quart_auth():
    app = _rewrite()["pkg/__init__.py"]
    assert "from quart_auth import current_user, login_required, login_user, logout_user" in app
    assert "from .extensions import CurrentUser" in app
    assert 'CurrentUser.login(USERS[1], remember=request.args.get("remember") == "1")' in app
    assert "{current_user.auth_id} {await current_user.is_authenticated}" in app
    assert "if (not await current_user.is_authenticated):" in app
    assert "note = Note(owner=current_user.user)" in app
    assert "isinstance(current_user.user, User)" in app


def test_quart_functions_keep_the_current_user_object():
    source = APP.replace('return "hello " + current_user.name', 'return render_template_string("{{ u.name }}", u=current_user)')
    source = source.replace("from flask import Flask,", "from flask import Flask, render_template_string,")
    _, _, files = run_rewrite(
        source, path="pkg/__init__.py", files={"pkg/extensions.py": EXTENSIONS, "pkg/models.py": MODELS}
    )
    assert 'await render_template_string("{{ u.name }}", u=current_user)' in files["pkg/__init__.py"]


def test_unsupported_names_stay_imported_from_flask_login_and_are_reported():
    findings = check_transformed(
        """\
        from flask_login import fresh_login_required, login_required


        @fresh_login_required
        def settings():
            return "s"
        """,
        """\
        from quart_auth import login_required
        from flask_login import fresh_login_required


        @fresh_login_required
        def settings():
            return "s"
        """,
    )
    assert codes(findings) == ["F2Q302", "F2Q302"]
    assert "fresh logins" in findings[0].message


def test_request_loader_and_unauthorized_handler_are_reported():
    _, findings, _ = run_rewrite(
        """\
        from flask_login import LoginManager

        login_manager = LoginManager()


        @login_manager.request_loader
        def from_header(request):
            return None


        @login_manager.unauthorized_handler
        def unauthorized():
            return "no", 401
        """,
        path="ext.py",
    )
    assert [(f.line, f.code) for f in findings] == [(7, "F2Q302"), (12, "F2Q302")]


@pytest.fixture
def ported():
    with loaded({"pkg/__init__.py": APP, "pkg/extensions.py": EXTENSIONS, "pkg/models.py": MODELS}) as app:
        yield app.package.create_app()


async def test_login_required_redirects_to_login_view_with_next_and_message(ported):
    client = ported.test_client()
    response = await client.get("/me?tab=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=%2Fme%3Ftab%3D1"
    page = await client.get("/login")
    assert await page.get_data(as_text=True) == "login page Log in first."


async def test_logged_in_user_reads_through_to_the_loaded_model(ported):
    client = ported.test_client()
    assert await (await client.get("/who")).get_data(as_text=True) == "anonymous"
    response = await client.post("/login")
    assert await response.get_data(as_text=True) == "hello ada"
    assert "Max-Age" not in response.headers["Set-Cookie"]  # remember=False: a browser-session cookie
    assert "Secure" not in response.headers["Set-Cookie"]  # as Flask-Login's session cookie was
    assert await (await client.get("/me")).get_data(as_text=True) == "ada 1 True"
    assert await (await client.get("/who")).get_data(as_text=True) == "user ada"
    assert await (await client.get("/rename/bo")).get_data(as_text=True) == "bo True False"
    assert await (await client.get("/note")).get_data(as_text=True) == "True True owner is bo"
    assert await (await client.get("/me")).get_data(as_text=True) == "bo 1 True"
    await client.get("/logout")
    assert (await client.get("/me")).status_code == 302


async def test_an_inactive_user_is_refused_unless_forced(ported):
    client = ported.test_client()
    assert await (await client.get("/login-disabled")).get_data(as_text=True) == "False False True"
    assert (await client.get("/me")).status_code == 302  # logged in, but not authenticated while inactive


async def test_remember_me_sets_a_lasting_cookie(ported):
    client = ported.test_client()
    response = await client.post("/login?remember=1")
    assert "Max-Age=31536000" in response.headers["Set-Cookie"]


async def test_without_login_view_anonymous_users_get_401():
    files = _rewrite()
    files["pkg/extensions.py"] = files["pkg/extensions.py"].replace('login_manager.login_view = "login"\n', "")
    with loaded(files, ported=False) as app:  # the port above, one line removed
        assert (await app.package.create_app().test_client().get("/me")).status_code == 401


def test_the_flask_original_behaves_as_the_port_is_asserted_to():
    original = {"pkg/__init__.py": APP, "pkg/extensions.py": EXTENSIONS, "pkg/models.py": MODELS}
    with loaded(original, ported=False) as app:
        client = app.package.create_app().test_client()
        response = client.get("/me?tab=1")
        assert response.status_code == 302
        assert response.headers["Location"] == "/login?next=%2Fme%3Ftab%3D1"
        assert client.get("/login").get_data(as_text=True) == "login page Log in first."
        assert client.get("/who").get_data(as_text=True) == "anonymous"
        assert client.post("/login").get_data(as_text=True) == "hello ada"
        assert client.get("/me").get_data(as_text=True) == "ada 1 True"
        assert client.get("/rename/bo").get_data(as_text=True) == "bo True False"
        assert client.get("/note").get_data(as_text=True) == "True True owner is bo"
        assert client.get("/me").get_data(as_text=True) == "bo 1 True"
        client.get("/logout")
        assert client.get("/me").status_code == 302
        assert client.get("/login-disabled").get_data(as_text=True) == "False False True"
        assert client.get("/me").status_code == 302
