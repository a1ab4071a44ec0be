import pytest
from quart import g, session
from linkbox.db import get_db


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

    async def _capture(self, sender, **extra):
        from quart import g

        self._g = g._get_current_object()

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


async def test_register(client, app):
    # the form page renders
    assert (await client.get("/auth/register")).status_code == 200

    # a valid registration sends the user on to the login form
    response = await client.post("/auth/register", form={"username": "alice", "password": "secret"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"

    # the new account is stored with a hashed password
    async with app.app_context():
        user = get_db().execute("SELECT * FROM user WHERE username = 'alice'").fetchone()
        assert user is not None
        assert user["password"] != "secret"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    (
        ("", "", b"Username is required."),
        ("   ", "secret", b"Username is required."),
        ("alice", "", b"Password is required."),
        ("alice", "abc", b"Password must be at least 4 characters."),
        ("test", "test", b"The username test is already taken."),
    ),
)
async def test_register_validate_input(client, username, password, message):
    response = await client.post("/auth/register", **_f2q_form_files({"username": username, "password": password}))
    assert response.status_code == 200
    assert message in await response.get_data()


async def test_register_then_login(client, auth):
    await client.post("/auth/register", form={"username": "bob", "password": "hunter2"})
    response = await auth.login("bob", "hunter2")
    assert response.headers["Location"] == "/"


async def test_login(client, auth):
    # the form page renders
    assert (await client.get("/auth/login")).status_code == 200

    # good credentials lead to the link list
    response = await auth.login()
    assert response.headers["Location"] == "/"

    # keep the request context around to inspect the session and g
    async with client, _F2QLastRequestG(client) as _f2q_g:
        await client.get("/")
        assert session["user_id"] == 1
        assert _f2q_g.user["username"] == "test"


@pytest.mark.parametrize(
    ("username", "password"),
    (("nobody", "test"), ("test", "wrong")),
)
async def test_login_validate_input(auth, username, password):
    response = await auth.login(username, password)
    assert response.status_code == 200
    assert b"Unknown username or wrong password." in await response.get_data()


async def test_login_redirects_to_next(client):
    response = await client.post(
        "/auth/login?next=/create", form={"username": "test", "password": "test"}
    )
    assert response.headers["Location"] == "/create"


async def test_login_ignores_external_next(client):
    response = await client.post(
        "/auth/login?next=//evil.example/", form={"username": "test", "password": "test"}
    )
    assert response.headers["Location"] == "/"


async def test_logout(client, auth):
    await auth.login()

    async with client:
        response = await auth.logout()
        assert "user_id" not in session

    assert response.headers["Location"] == "/auth/login"
    response = await client.get("/auth/login")
    assert b"You have been logged out." in await response.get_data()
