import re
from urllib.parse import parse_qs, urlsplit

import pytest
from teamboard.db import get_db


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


@pytest.mark.parametrize("path", ("/", "/notes/new", "/notes/1/edit"))
async def test_login_required(client, path):
    response = await client.get(path)

    # anonymous visitors are sent to the login page, which brings them back
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    assert parse_qs(location.query)["next"] == [path]


async def test_login_required_explains_why(client):
    response = await client.get("/notes/new", follow_redirects=True)
    assert b"<title>Log in - Team board</title>" in await response.get_data()
    assert b"Please log in to see the team board." in await response.get_data()


async def test_delete_requires_login(client, app):
    response = await client.post("/notes/1/delete")
    assert urlsplit(response.headers["Location"]).path == "/auth/login"

    async with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 1").fetchone() is not None


async def test_login_returns_to_the_page_asked_for(client):
    response = await client.get("/notes/new")
    response = await _f2q_open(
        client.post, response.headers["Location"],
        form={"username": "alice", "password": "alice-pass"},
        follow_redirects=True,
    )
    assert b"<title>New note - Team board</title>" in await response.get_data()


async def test_nav_for_anonymous_visitors(client):
    response = await client.get("/auth/login")
    assert b'href="/auth/register"' in await response.get_data()
    assert b"Log out" not in await response.get_data()


async def test_board_shows_own_and_shared_notes(client, auth):
    await auth.login()
    response = await client.get("/")

    assert response.status_code == 200
    assert b"Logged in as alice" in await response.get_data()
    # both of her own notes, private or not
    assert b"Sprint goals" in await response.get_data()
    assert b"Personal todo" in await response.get_data()
    # what bob shared, with his name, but not his private note
    assert b"Deploy checklist" in await response.get_data()
    assert b"by bob" in await response.get_data()
    assert b"Salary notes" not in await response.get_data()
    # she may edit only her own notes
    assert b'href="/notes/1/edit"' in await response.get_data()
    assert b'href="/notes/3/edit"' not in await response.get_data()


async def test_each_user_sees_their_own_board(client, auth):
    await auth.login("bob", "bob-pass")
    response = await client.get("/")

    assert b"Logged in as bob" in await response.get_data()
    assert b"Salary notes" in await response.get_data()
    assert b"Sprint goals" in await response.get_data()
    assert b"by alice" in await response.get_data()
    assert b"Personal todo" not in await response.get_data()


async def test_create(client, auth, app):
    await auth.login()
    assert (await client.get("/notes/new")).status_code == 200

    response = await client.post(
        "/notes/new",
        form={"title": "  Retro ideas ", "body": "More coffee.", "shared": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    async with app.app_context():
        note = get_db().execute("SELECT * FROM note WHERE title = 'Retro ideas'").fetchone()
        assert note["owner_id"] == 1
        assert note["body"] == "More coffee."
        assert note["shared"] == 1

    # bob sees it on his board because it is shared
    await auth.logout()
    await auth.login("bob", "bob-pass")
    assert b"Retro ideas" in await (await client.get("/")).get_data()


async def test_create_private_note(client, auth):
    await auth.login()
    await client.post("/notes/new", form={"title": "Only for me", "body": ""})

    assert b"Only for me" in await (await client.get("/")).get_data()
    await auth.logout()
    await auth.login("bob", "bob-pass")
    assert b"Only for me" not in await (await client.get("/")).get_data()


@pytest.mark.parametrize(
    ("title", "message"),
    (
        ("", b"A note needs a title."),
        ("   ", b"A note needs a title."),
        ("x" * 121, b"Titles are at most 120 characters long."),
    ),
)
async def test_create_validate_input(client, auth, app, title, message):
    await auth.login()
    response = await client.post("/notes/new", **_f2q_form_files({"title": title, "body": "text"}))

    assert response.status_code == 200
    assert message in await response.get_data()
    async with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM note").fetchone()[0] == 4


async def test_edit_form_shows_the_note(client, auth):
    await auth.login()
    response = await client.get("/notes/1/edit")

    assert response.status_code == 200
    assert b'value="Sprint goals"' in await response.get_data()
    assert b"Ship the login page." in await response.get_data()
    # the note is shared, so the box is ticked
    checkbox = re.search(rb'<input[^>]*name="shared"[^>]*>', await response.get_data()).group(0)
    assert b"checked" in checkbox


async def test_edit(client, auth, app):
    await auth.login()
    response = await client.post(
        "/notes/1/edit", form={"title": "Sprint goals (updated)", "body": "Ship it all."}
    )
    assert response.headers["Location"] == "/"

    async with app.app_context():
        note = get_db().execute("SELECT * FROM note WHERE id = 1").fetchone()
        assert note["title"] == "Sprint goals (updated)"
        assert note["body"] == "Ship it all."
        # the box was not ticked, so the note is private now
        assert note["shared"] == 0


@pytest.mark.parametrize("note_id", (3, 4, 99))
async def test_cannot_edit_other_notes(client, auth, note_id):
    await auth.login()

    assert (await client.get(f"/notes/{note_id}/edit")).status_code == 404
    assert (await client.post(f"/notes/{note_id}/edit", form={"title": "mine now"})).status_code == 404


async def test_delete(client, auth, app):
    await auth.login()
    response = await client.post("/notes/2/delete", follow_redirects=True)

    assert response.status_code == 200
    assert b"Deleted Personal todo." in await response.get_data()
    async with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 2").fetchone() is None


async def test_cannot_delete_other_notes(client, auth, app):
    await auth.login()
    assert (await client.post("/notes/3/delete")).status_code == 404

    async with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 3").fetchone() is not None


async def test_delete_needs_csrf_token_when_enabled(client, auth, app):
    await auth.login()
    app.config["WTF_CSRF_ENABLED"] = True

    assert (await client.post("/notes/2/delete")).status_code == 400

    # the board page carries a token for its delete buttons
    page = await (await client.get("/")).get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = await client.post("/notes/2/delete", **_f2q_form_files({"csrf_token": token}))
    assert response.status_code == 302
    async with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 2").fetchone() is None
