import pytest
from quart import g, session
from inkpot.extensions import db, mail
from inkpot.models import User


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


SIGNUP = {
    "username": "linus",
    "email": "Linus@Example.com",
    "password": "a-long-password",
    "confirm": "a-long-password",
}


async def test_signup_page(client):
    response = await client.get("/auth/signup")
    assert response.status_code == 200
    assert b'name="username"' in await response.get_data()


async def test_signup_creates_the_user(client, app):
    response = await client.post("/auth/signup", **_f2q_form_files(SIGNUP))
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    async with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="linus"))
        assert user.email == "linus@example.com"
        assert user.check_password("a-long-password")


async def test_signup_sends_a_welcome_mail(client, app):
    with mail.record_messages() as outbox:
        await client.post("/auth/signup", **_f2q_form_files(SIGNUP))
    assert len(outbox) == 1
    message = outbox[0]
    assert message.subject == "Welcome to inkpot"
    assert message.recipients == ["linus@example.com"]
    assert message.sender == "inkpot <noreply@inkpot.example>"
    async with app.app_context():
        token = db.session.scalar(db.select(User.api_token).filter_by(username="linus"))
    assert "Hello linus," in message.body
    assert f"Authorization: Bearer {token}" in message.body
    assert "http://localhost/auth/login" in message.body


async def test_signup_flashes_on_the_login_page(client):
    response = await client.post("/auth/signup", **_f2q_form_files(SIGNUP), follow_redirects=True)
    assert b"Check your mail" in await response.get_data()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": ""}, b"This field is required."),
        ({"username": "ab"}, b"Field must be between 3 and 40 characters long."),
        ({"username": "no spaces"}, b"Letters, digits and _ only."),
        ({"username": "ada"}, b"That username is taken."),
        ({"email": "not-an-address"}, b"Invalid email address."),
        ({"email": "ADA@example.com"}, b"An account with that email exists already."),
        ({"password": "short", "confirm": "short"}, b"Field must be at least 8 characters long."),
        ({"confirm": "something-else"}, b"Passwords must match."),
    ],
)
async def test_signup_validation(client, app, changes, message):
    with mail.record_messages() as outbox:
        response = await client.post("/auth/signup", **_f2q_form_files({**SIGNUP, **changes}))
    assert response.status_code == 200
    assert message in await response.get_data()
    assert outbox == []
    async with app.app_context():
        assert User.query.count() == 2


async def test_login_page(client):
    assert (await client.get("/auth/login")).status_code == 200


async def test_login(client, auth):
    response = await auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    async with client, _F2QLastRequestG(client) as _f2q_g:
        await client.get("/")
        assert session["user_id"] == 1
        assert _f2q_g.user.username == "ada"


@pytest.mark.parametrize(
    ("username", "password"), [("ada", "wrong"), ("nobody", "ada-password")]
)
async def test_login_refused(auth, username, password):
    response = await auth.login(username, password)
    assert response.status_code == 200
    assert b"Incorrect username or password." in await response.get_data()


async def test_login_goes_back_to_next(client):
    response = await client.post(
        "/auth/login?next=/create", form={"username": "ada", "password": "ada-password"}
    )
    assert response.headers["Location"] == "/create"


async def test_login_never_goes_to_another_site(client):
    response = await client.post(
        "/auth/login?next=//evil.example/", form={"username": "ada", "password": "ada-password"}
    )
    assert response.headers["Location"] == "/"


async def test_logout(client, auth):
    await auth.login()
    async with client:
        response = await auth.logout()
        assert response.headers["Location"] == "/"
        assert "user_id" not in session


@pytest.mark.parametrize("path", ["/create", "/drafts", "/post/1/edit"])
async def test_login_required(client, path):
    response = await client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next={path}"


@pytest.fixture
async def csrf_client(app_config):
    from inkpot import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    async with app.app_context():
        db.create_all()
    return app.test_client()


async def test_forms_need_a_csrf_token(csrf_client):
    response = await csrf_client.post("/auth/signup", **_f2q_form_files(SIGNUP))
    assert response.status_code == 400
    assert b"The CSRF token is missing." in await response.get_data()


async def test_forms_carry_a_csrf_token(csrf_client):
    page = await (await csrf_client.get("/auth/signup")).get_data(as_text=True)
    assert 'name="csrf_token"' in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = await csrf_client.post("/auth/signup", **_f2q_form_files({**SIGNUP, "csrf_token": token}))
    assert response.status_code == 302


async def test_api_needs_no_csrf_token(csrf_client):
    response = await csrf_client.get("/api/tags")
    assert response.status_code == 200
    response = await csrf_client.post("/api/posts", json={"title": "x", "body": "y"})
    assert response.status_code == 401
