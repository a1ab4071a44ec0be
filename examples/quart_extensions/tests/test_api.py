import pytest
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


def _f2q_headers(headers, extra):
    """Test-client headers (a dict, pairs, a Headers object) with `extra` set over them, as
    Werkzeug's `content_type=` and the host of an absolute URL are (added by flask2quart, F2Q202)."""
    from werkzeug.datastructures import Headers

    headers = Headers(headers)
    for name, value in extra.items():
        headers[name] = value
    return headers


def _f2q_client_kwargs(kwargs):
    """Flask test-client keyword arguments handed on through `**kwargs`, in Quart's spelling:
    `data=` as `_f2q_form_files` encodes it, `content_type=` into the headers (a form type is
    Quart's own), `base_url=` as `scheme=` and a `Host` header; what Quart's client cannot take
    fails loudly (added by flask2quart, F2Q202)."""
    from urllib.parse import urlsplit

    kwargs = dict(kwargs)
    if kwargs.get("buffered") is True:
        del kwargs["buffered"]  # Quart's client reads the whole body before it returns
    base_url = urlsplit(str(kwargs.pop("base_url", None) or "http://localhost"))
    if base_url.path.strip("/") or base_url.query or not base_url.scheme:
        raise TypeError(f"Quart's test client has no root path for base_url={base_url.geturl()!r} (flask2quart, F2Q202)")
    if base_url.scheme != "http":
        kwargs["scheme"] = base_url.scheme
    if base_url.netloc not in ("", "localhost"):
        kwargs["headers"] = _f2q_headers(kwargs.get("headers"), {"Host": base_url.netloc})
    for name in ("environ_base", "environ_overrides", "buffered"):
        if name in kwargs:
            raise TypeError(f"Quart's test client has no {name}= (flask2quart, F2Q202)")
    content_type = kwargs.pop("content_type", None)
    mapping = False
    if "data" in kwargs:
        encoded = _f2q_form_files(kwargs.pop("data"))
        mapping = "data" not in encoded
        kwargs.update(encoded)
    form_type = content_type is not None and str(content_type).startswith(
        ("multipart/form-data", "application/x-www-form-urlencoded")
    )
    if content_type is not None and not (mapping and form_type):
        kwargs["headers"] = _f2q_headers(kwargs.get("headers"), {"Content-Type": content_type})
    return kwargs


async def _f2q_open(request, path="/", *, follow_redirects=False, **kwargs):
    """A test-client request as Flask's client makes it: the response carries the request that made
    it (`response.request`) and the responses of the redirects followed (`response.history`),
    followed as Werkzeug does (added by flask2quart, F2Q129)."""
    from urllib.parse import urlsplit

    from werkzeug.test import EnvironBuilder

    client = request.__self__
    method = kwargs.pop("method", None) or ("GET" if request.__name__ == "open" else request.__name__.upper())
    history = []
    url = urlsplit(path)
    if url.scheme and url.netloc:  # as Werkzeug sends an absolute URL: its path, scheme and host
        path = (url.path or "/") + ("?" + url.query if url.query else "")
        kwargs["scheme"] = url.scheme
        if url.netloc != "localhost":
            from werkzeug.datastructures import Headers

            kwargs["headers"] = Headers(kwargs.get("headers") or ())
            kwargs["headers"]["Host"] = url.netloc
    while True:
        response = await client.open(path, method=method, **kwargs)
        url = urlsplit(path)
        response.request = EnvironBuilder(
            path=url.path or "/", method=method, query_string=url.query or kwargs.get("query_string"),
            headers=kwargs.get("headers"), base_url=f"{kwargs.get('scheme', 'http')}://localhost",
        ).get_request()
        if not follow_redirects or response.status_code not in (301, 302, 303, 305, 307, 308):
            break
        history.append(response)
        location = urlsplit(response.location)  # as Werkzeug reads it: its path, from the root
        path = "/" + location.path.lstrip("/") + ("?" + location.query if location.query else "")
        kwargs.pop("query_string", None)
        if response.status_code not in (307, 308) and method != "HEAD":
            method = "GET"
            for body in ("data", "form", "files", "json"):
                kwargs.pop(body, None)
    response.history = tuple(history)
    return response


# the default origin of the JavaScript frontend (CORS_ORIGINS)
FRONTEND = "http://localhost:5173"


@pytest.fixture
def api_login(client):
    """Log in through the JSON API, like the frontend does."""

    async def login(username="alice", password="alice-pass"):
        return await client.post("/api/login", json={"username": username, "password": password})

    return login


async def test_status_is_public(client):
    response = await client.get("/api/status")
    assert response.status_code == 200
    data = await response.get_json()
    assert data["status"] == "ok"
    assert data["board"] == "Team board"


async def test_login(client, api_login):
    response = await api_login()
    assert response.status_code == 200
    assert (await response.get_json())["user"] == {"id": 1, "username": "alice"}

    # the session now works for the API and for the HTML pages
    assert await (await client.get("/api/me")).get_json() == {"id": 1, "username": "alice"}
    assert b"Logged in as alice" in await (await client.get("/")).get_data()


@pytest.mark.parametrize(
    ("username", "password"), (("alice", "wrong-pass"), ("nobody", "alice-pass"))
)
async def test_login_wrong_credentials(client, api_login, username, password):
    response = await api_login(username, password)
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "Unauthorized"
    assert (await client.get("/api/me")).status_code == 401


@pytest.mark.parametrize(
    "kwargs",
    (
        {"data": {"username": "alice", "password": "alice-pass"}},
        {"json": ["alice", "alice-pass"]},
        {"json": {"username": "alice", "password": 12345}},
    ),
)
async def test_login_bad_request(client, kwargs):
    response = await client.post("/api/login", **_f2q_client_kwargs(kwargs))
    assert response.status_code == 400
    assert (await response.get_json())["error"] == "Bad Request"


async def test_logout(client, api_login):
    await api_login()
    response = await client.post("/api/logout")
    assert response.status_code == 204
    assert (await client.get("/api/me")).status_code == 401


@pytest.mark.parametrize(
    ("method", "path"),
    (
        ("GET", "/api/me"),
        ("GET", "/api/notes"),
        ("POST", "/api/notes"),
        ("GET", "/api/notes/1"),
        ("DELETE", "/api/notes/1"),
        ("POST", "/api/logout"),
    ),
)
async def test_requires_login(client, method, path):
    response = await client.open(path, method=method, json={"title": "x"})
    # JSON clients get a 401, not a redirect to the login page
    assert response.status_code == 401
    assert (await response.get_json())["error"] == "Unauthorized"


async def test_list_own_notes(client, api_login):
    await api_login("bob", "bob-pass")
    response = await client.get("/api/notes")

    assert response.status_code == 200
    data = await response.get_json()
    assert data["count"] == 2
    assert [note["title"] for note in data["notes"]] == ["Salary notes", "Deploy checklist"]
    assert {note["author"] for note in data["notes"]} == {"bob"}


async def test_create_note(client, api_login, app):
    await api_login()
    response = await client.post(
        "/api/notes", json={"title": " Standup ", "body": "At 10.", "shared": True}
    )

    assert response.status_code == 201
    note = await response.get_json()
    assert note["title"] == "Standup"
    assert note["shared"] is True
    assert note["author"] == "alice"
    assert response.headers["Location"] == f"/api/notes/{note['id']}"
    assert await (await _f2q_open(client.get, response.headers["Location"])).get_json() == note

    async with app.app_context():
        row = get_db().execute("SELECT owner_id FROM note WHERE id = ?", (note["id"],)).fetchone()
        assert row["owner_id"] == 1


@pytest.mark.parametrize(
    ("payload", "message"),
    (
        ({"body": "no title"}, "title is required."),
        ({"title": "   "}, "title is required."),
        ({"title": "x" * 121}, "title must be at most 120 characters."),
        ({"title": "ok", "body": 42}, "body must be a string"),
        ({"title": "ok", "shared": "yes"}, "shared must be true or false."),
        (["not", "an", "object"], "The request body must be a JSON object."),
    ),
)
async def test_create_note_validate_input(client, api_login, app, payload, message):
    await api_login()
    response = await client.post("/api/notes", json=payload)

    assert response.status_code == 400
    assert message in (await response.get_json())["message"]
    async with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM note").fetchone()[0] == 4


async def test_get_note(client, api_login):
    await api_login()
    response = await client.get("/api/notes/2")
    assert response.status_code == 200
    assert (await response.get_json())["title"] == "Personal todo"


@pytest.mark.parametrize("note_id", (3, 4, 99))
async def test_other_users_notes_are_not_found(client, api_login, app, note_id):
    await api_login()

    assert (await client.get(f"/api/notes/{note_id}")).status_code == 404
    response = await client.delete(f"/api/notes/{note_id}")
    assert response.status_code == 404
    assert (await response.get_json())["error"] == "Not Found"


async def test_delete_note(client, api_login, app):
    await api_login()
    assert (await client.delete("/api/notes/2")).status_code == 204
    assert (await client.get("/api/notes/2")).status_code == 404

    async with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM note").fetchone()[0] == 3


async def test_api_does_not_need_csrf_tokens(client, api_login, app):
    app.config["WTF_CSRF_ENABLED"] = True

    assert (await api_login()).status_code == 200
    assert (await client.post("/api/notes", json={"title": "From the app"})).status_code == 201
    # while the HTML forms still need one
    assert (await client.post("/notes/new", form={"title": "From a form"})).status_code == 400


async def test_preflight_from_the_frontend(client):
    response = await client.options(
        "/api/notes",
        headers={
            "Origin": FRONTEND,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "Content-Type",
        },
    )

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONTEND
    # the browser may send the session cookie along
    assert response.headers["Access-Control-Allow-Credentials"] == "true"
    methods = {m.strip() for m in response.headers["Access-Control-Allow-Methods"].split(",")}
    assert {"GET", "POST", "DELETE"} <= methods
    assert "content-type" in response.headers["Access-Control-Allow-Headers"].lower()


async def test_cors_headers_on_api_responses(client, api_login):
    await api_login()
    response = await client.get("/api/notes", headers={"Origin": FRONTEND})

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] == FRONTEND
    assert response.headers["Access-Control-Allow-Credentials"] == "true"


@pytest.mark.parametrize("origin", ("https://evil.example", "http://localhost:8080"))
async def test_other_origins_are_not_allowed(client, origin):
    preflight = await client.options(
        "/api/notes",
        headers={"Origin": origin, "Access-Control-Request-Method": "POST"},
    )
    assert "Access-Control-Allow-Origin" not in preflight.headers

    response = await client.get("/api/notes", headers={"Origin": origin})
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_html_pages_are_not_shared_cross_origin(client):
    response = await client.get("/auth/login", headers={"Origin": FRONTEND})
    assert response.status_code == 200
    assert "Access-Control-Allow-Origin" not in response.headers


async def test_status_may_be_read_from_any_origin(client):
    origin = "https://status.example"
    response = await client.get("/api/status", headers={"Origin": origin})

    assert response.status_code == 200
    assert response.headers["Access-Control-Allow-Origin"] in ("*", origin)
    # public data only: no cookies
    assert response.headers.get("Access-Control-Allow-Credentials") != "true"
