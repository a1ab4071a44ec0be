import re

import pytest
from quart_auth import current_user
from teamboard.db import get_db


def _f2q_form_files(data):
    """A Flask test-client `data=` mapping as Quart's `form=`/`files=`, encoded as Werkzeug's
    EnvironBuilder does: list values are repeated fields, other values `str()`'d, tuples and
    readable objects are files (content type guessed from the file name); no files, no multipart
    (added by flask2quart, F2Q202)."""
    import mimetypes

    from quart.datastructures import FileStorage
    from werkzeug.datastructures import MultiDict

    class Fields(list):
        """Pairs, repeated names kept: Quart's test client reads fields and files with `.items()`."""

        def items(self):
            return list(self)

    if data is None or isinstance(data, (str, bytes)):
        return {"data": data}  # a raw body: Quart takes it as Flask did
    if hasattr(data, "read"):
        return {"data": data.read()}
    if not hasattr(data, "items"):
        raise TypeError(f"data= of type {type(data).__name__}: pass a dict, str or bytes (flask2quart, F2Q202)")
    form, files = [], Fields()
    items = data.items(multi=True) if isinstance(data, MultiDict) else data.items()
    for key, value in items:
        for item in value if isinstance(value, list) and not isinstance(data, MultiDict) else [value]:
            if isinstance(item, FileStorage):
                files.append((key, item))
            elif isinstance(item, tuple) or hasattr(item, "read"):
                stream, filename, content_type = (*item, None, None)[:3] if isinstance(item, tuple) else (item, None, None)
                if isinstance(stream, str):
                    filename = filename or stream
                    stream = open(stream, "rb")  # noqa: SIM115 - read by the request, as in Werkzeug
                if filename and content_type is None:
                    content_type = mimetypes.guess_type(filename)[0] or "application/octet-stream"
                files.append((key, FileStorage(stream, filename=filename, name=key, content_type=content_type)))
            else:
                form.append((key, item))
    if not files:  # urlencoded: Werkzeug leaves out None values
        return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form if v is not None)}
    return {"form": Fields((k, v if isinstance(v, str) else str(v)) for k, v in form), "files": files}


class _F2QLastRequestG:
    """`g` as the last request through a test client left it (added by flask2quart, F2Q204).

    Flask keeps `g` readable after a request made inside `with client:`; Quart does not, so the
    request's `g` is captured when Quart sends `request_finished`.
    """

    def __init__(self, client):
        self._app = client.app
        self._g = None
        self.current_user = None

    async def _capture(self, sender, **extra):
        from quart import g

        self._g = g._get_current_object()
        # quart-auth keeps the request's user on `g` (Flask-Login's `current_user`)
        self.current_user = getattr(self._g, "_quart_auth_user", None)

    async def __aenter__(self):
        from quart import request_finished

        request_finished.connect(self._capture, self._app)
        return self

    async def __aexit__(self, *exc_info):
        from quart import request_finished

        request_finished.disconnect(self._capture, self._app)

    def __getattr__(self, name):
        return getattr(self._g, name)

    def __contains__(self, name):
        return name in self._g


async def test_register_page(client):
    response = await client.get("/auth/register")
    assert response.status_code == 200
    assert b'name="username"' in await response.get_data()
    assert b'name="confirm"' in await response.get_data()


async def test_register_logs_the_new_user_in(client, app):
    response = await client.post(
        "/auth/register",
        form={"username": "carol", "password": "carol-pass", "confirm": "carol-pass"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    # the board greets the new member by name
    response = await client.get("/")
    assert response.status_code == 200
    assert b"Welcome to the board, carol!" in await response.get_data()
    assert b"Logged in as carol" in await response.get_data()

    # only a hash of the password is stored
    async with app.app_context():
        row = get_db().execute("SELECT * FROM user WHERE username = 'carol'").fetchone()
        assert row is not None
        assert "carol-pass" not in row["password_hash"]


@pytest.mark.parametrize(
    ("username", "password", "confirm", "message"),
    (
        ("", "carol-pass", "carol-pass", b"Please choose a username."),
        ("   ", "carol-pass", "carol-pass", b"Please choose a username."),
        ("cj", "carol-pass", "carol-pass", b"Usernames are 3 to 30 characters long."),
        ("carol smith", "carol-pass", "carol-pass", b"Use only letters, digits"),
        ("carol", "short", "short", b"Passwords need at least 8 characters."),
        ("carol", "carol-pass", "carol-typo", b"The two passwords do not match."),
        ("alice", "alice-pass", "alice-pass", b"The username alice is already taken."),
    ),
)
async def test_register_validate_input(client, app, username, password, confirm, message):
    response = await client.post(
        "/auth/register",
        **_f2q_form_files({"username": username, "password": password, "confirm": confirm}),
    )
    # the form is shown again with the error, and nobody got logged in
    assert response.status_code == 200
    assert message in await response.get_data()
    assert b"Logged in as" not in await response.get_data()

    async with app.app_context():
        count = get_db().execute("SELECT COUNT(*) FROM user").fetchone()[0]
    assert count == 2


async def test_login_page(client):
    response = await client.get("/auth/login")
    assert response.status_code == 200
    assert b'name="password"' in await response.get_data()
    assert b'name="remember"' in await response.get_data()


async def test_login(client, auth):
    response = await auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    response = await client.get("/")
    assert b"Logged in as alice" in await response.get_data()


async def test_login_sets_current_user(client, auth):
    async with client, _F2QLastRequestG(client) as _f2q_g:
        await auth.login()
        assert await _f2q_g.current_user.is_authenticated
        assert _f2q_g.current_user.username == "alice"

        await client.get("/")
        assert _f2q_g.current_user.username == "alice"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    (
        ("nobody", "alice-pass", b"Unknown username or wrong password."),
        ("alice", "wrong-pass", b"Unknown username or wrong password."),
        ("", "alice-pass", b"Please enter your username."),
        ("alice", "", b"Please enter your password."),
    ),
)
async def test_login_validate_input(auth, username, password, message):
    response = await auth.login(username, password)
    assert response.status_code == 200
    assert message in await response.get_data()
    assert b"Logged in as" not in await response.get_data()


@pytest.mark.parametrize(("remember", "persistent"), ((True, True), (False, False)))
async def test_keep_me_logged_in(client, remember, persistent):
    data = {"username": "alice", "password": "alice-pass"}
    if remember:
        data["remember"] = "y"

    response = await client.post("/auth/login", **_f2q_form_files(data))

    # only "keep me logged in" sets a cookie that outlives the browser session
    cookies = [cookie.lower() for cookie in response.headers.getlist("Set-Cookie")]
    assert any("expires=" in cookie or "max-age=" in cookie for cookie in cookies) is persistent


async def test_login_redirects_to_next(client):
    response = await client.post(
        "/auth/login?next=/notes/new", form={"username": "alice", "password": "alice-pass"}
    )
    assert response.headers["Location"] == "/notes/new"


@pytest.mark.parametrize("next_url", ("//evil.example/", "https://evil.example/"))
async def test_login_ignores_external_next(client, next_url):
    response = await client.post(
        "/auth/login",
        query_string={"next": next_url},
        form={"username": "alice", "password": "alice-pass"},
    )
    assert response.headers["Location"] == "/"


async def test_login_page_when_logged_in(client, auth):
    await auth.login()
    response = await client.get("/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


async def test_logout(client, auth):
    await auth.login()

    async with client, _F2QLastRequestG(client) as _f2q_g:
        response = await auth.logout()
        assert not await _f2q_g.current_user.is_authenticated

    assert response.headers["Location"] == "/auth/login"
    response = await client.get("/auth/login")
    assert b"You have been logged out." in await response.get_data()
    # and the board is closed again
    assert (await client.get("/")).status_code == 302


async def test_logout_requires_login(client):
    response = await client.get("/auth/logout")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def csrf_token_in(page):
    """The CSRF token of the first form on an HTML page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match is not None, "the page has no CSRF token"
    return match.group(1)


async def test_login_needs_csrf_token_when_enabled(app, client):
    app.config["WTF_CSRF_ENABLED"] = True

    response = await client.post("/auth/login", form={"username": "alice", "password": "alice-pass"})

    assert response.status_code == 400
    assert b"Please go back, reload the page and send it again." in await response.get_data()
    assert (await client.get("/")).status_code == 302


async def test_login_with_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_in(await (await client.get("/auth/login")).get_data(as_text=True))

    response = await client.post(
        "/auth/login",
        **_f2q_form_files({"username": "alice", "password": "alice-pass", "csrf_token": token}),
    )

    assert response.status_code == 302
    assert b"Logged in as alice" in await (await client.get("/")).get_data()


async def test_register_form_renders_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_in(await (await client.get("/auth/register")).get_data(as_text=True))

    response = await client.post(
        "/auth/register",
        **_f2q_form_files({
            "username": "carol",
            "password": "carol-pass",
            "confirm": "carol-pass",
            "csrf_token": token,
        }),
    )

    assert response.status_code == 302
