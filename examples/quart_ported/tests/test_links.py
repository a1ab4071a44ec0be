import io
import os

import pytest
from linkbox.db import get_db
from quart.datastructures import FileStorage


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


async def test_index_lists_own_links(client, auth):
    await auth.login()
    response = await client.get("/")
    assert b"Log Out" in await response.get_data()
    assert b"Flask docs" in await response.get_data()
    assert b"Python docs" in await response.get_data()
    assert b"Other user link" not in await response.get_data()
    assert b'href="/1/edit"' in await response.get_data()
    # the domain template filter is used for the link metadata
    assert b"docs.python.org" in await response.get_data()


async def test_index_filters(client, auth):
    await auth.login()
    response = await client.get("/", query_string={"q": "flask"})
    assert b"Flask docs" in await response.get_data()
    assert b"Python docs" not in await response.get_data()

    response = await client.get("/?tag=python")
    assert b"Flask docs" in await response.get_data()
    assert b"Python docs" in await response.get_data()

    response = await client.get("/?tag=nothing")
    assert b"No links yet." in await response.get_data()


@pytest.mark.parametrize(
    "path",
    ("/", "/create", "/1/edit", "/export.csv", "/uploads", "/uploads/a.txt/download"),
)
async def test_login_required_get(client, path):
    response = await client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


async def test_login_required_post(client):
    response = await client.post("/1/delete")
    assert response.headers["Location"] == "/auth/login?next=/1/delete"


async def test_session_transaction_login(client):
    async with client.session_transaction() as sess:
        sess["user_id"] = 2

    response = await client.get("/")
    assert response.status_code == 200
    assert b"Other user link" in await response.get_data()
    assert b"Flask docs" not in await response.get_data()


async def test_owner_required(client, auth):
    await auth.login()
    # "test" may not change or delete a link that belongs to "other"
    assert (await client.post("/3/edit", form={"url": "https://x.org", "title": ""})).status_code == 403
    assert (await client.post("/3/delete")).status_code == 403
    # and the foreign link is not listed at all
    assert b'href="/3/edit"' not in await (await client.get("/")).get_data()


@pytest.mark.parametrize("path", ("/99/edit", "/99/delete"))
async def test_exists_required(client, auth, path):
    await auth.login()
    response = await client.post(path)
    assert response.status_code == 404
    assert b"Page Not Found" in await response.get_data()


async def test_create(client, auth, app):
    await auth.login()
    assert (await client.get("/create")).status_code == 200
    response = await client.post(
        "/create",
        form={
            "url": "https://palletsprojects.com",
            "title": "Pallets",
            "tags": "Python, web",
            "notes": "",
        },
        follow_redirects=True,
    )
    assert b"<h1>Links</h1>" in await response.get_data()
    assert b"Link saved." in await response.get_data()
    assert b"Pallets" in await response.get_data()

    async with app.app_context():
        db = get_db()
        count = db.execute("SELECT COUNT(id) FROM link").fetchone()[0]
        assert count == 4
        tags = db.execute("SELECT name FROM tag WHERE link_id = 4 ORDER BY name")
        assert [row["name"] for row in tags] == ["python", "web"]


async def test_create_without_title_uses_url(client, auth, app):
    await auth.login()
    await client.post("/create", form={"url": "https://example.com/page"})

    async with app.app_context():
        link = get_db().execute("SELECT title FROM link WHERE id = 4").fetchone()
        assert link["title"] == "https://example.com/page"


async def test_update(client, auth, app):
    await auth.login()
    assert (await client.get("/1/edit")).status_code == 200
    response = await client.post(
        "/1/edit",
        form={
            "url": "https://flask.palletsprojects.com/en/stable/",
            "title": "Flask",
            "tags": "web",
        },
    )
    assert response.headers["Location"] == "/"

    async with app.app_context():
        db = get_db()
        link = db.execute("SELECT * FROM link WHERE id = 1").fetchone()
        assert link["title"] == "Flask"
        assert link["url"].endswith("/en/stable/")
        tags = db.execute("SELECT name FROM tag WHERE link_id = 1").fetchall()
        assert [row["name"] for row in tags] == ["web"]


@pytest.mark.parametrize(
    ("url", "message"),
    (
        ("", b"URL is required."),
        ("ftp://example.com", b"URL must start with http:// or https://."),
    ),
)
@pytest.mark.parametrize("path", ("/create", "/1/edit"))
async def test_create_update_validate(client, auth, path, url, message):
    await auth.login()
    response = await client.post(path, **_f2q_form_files({"url": url, "title": "x"}))
    assert response.status_code == 200
    assert message in await response.get_data()


async def test_delete(client, auth, app):
    await auth.login()
    response = await client.post("/1/delete")
    assert response.headers["Location"] == "/"

    async with app.app_context():
        db = get_db()
        assert db.execute("SELECT * FROM link WHERE id = 1").fetchone() is None
        assert db.execute("SELECT * FROM tag WHERE link_id = 1").fetchone() is None

    assert b"Link deleted." in await (await client.get("/")).get_data()


async def test_export_csv(client, auth):
    await auth.login()
    response = await client.get("/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=links.csv"
    assert response.headers["X-Request-Id"]

    lines = (await response.get_data(as_text=True)).splitlines()
    assert lines == [
        "id,url,title,tags,created",
        "2,https://docs.python.org/3/,Python docs,python,2024-01-02 10:00:00",
        "1,https://flask.palletsprojects.com/,Flask docs,flask python,2024-01-01 10:00:00",
    ]


async def test_export_csv_quotes_values(client, auth):
    await auth.login("other", "other")
    await client.post("/create", form={"url": "https://example.com/a,b", "title": 'Say "hi"'})
    response = await client.get("/export.csv")
    assert '"https://example.com/a,b","Say ""hi""",' in await response.get_data(as_text=True)


async def test_upload(client, auth, app):
    await auth.login()
    response = await client.post(
        "/uploads",
        files={"file": FileStorage(io.BytesIO(b"remember the milk"), filename="my notes.txt")},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/uploads"

    path = os.path.join(app.config["UPLOAD_FOLDER"], "my_notes.txt")
    with open(path, "rb") as f:
        assert f.read() == b"remember the milk"

    response = await client.get("/uploads")
    assert b"Uploaded my_notes.txt." in await response.get_data()
    assert b'href="/uploads/my_notes.txt/download"' in await response.get_data()


@pytest.mark.parametrize(
    ("data", "message"),
    (
        ({}, b"No file part in the request."),
        ({"file": (io.BytesIO(b""), "")}, b"No file selected."),
        ({"file": (io.BytesIO(b"MZ"), "setup.exe")}, b"This file type is not allowed."),
    ),
)
async def test_upload_validate(client, auth, data, message):
    await auth.login()
    response = await client.post("/uploads", **_f2q_form_files(data))
    assert response.status_code == 200
    assert message in await response.get_data()


async def test_download(client, auth, app):
    await auth.login()
    with open(os.path.join(app.config["UPLOAD_FOLDER"], "notes.txt"), "wb") as f:
        f.write(b"hello from linkbox")

    response = await client.get("/uploads/notes.txt/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=notes.txt"
    assert await response.get_data() == b"hello from linkbox"

    response = await client.get("/uploads/notes.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.mimetype == "text/plain"
    assert await response.get_data(as_text=True) == "hello from linkbox"


async def test_download_missing_file(client, auth):
    await auth.login()
    assert (await client.get("/uploads/missing.txt/download")).status_code == 404
    assert (await client.get("/uploads/missing.txt")).status_code == 404


async def test_theme_cookie(client, auth):
    await auth.login()
    assert b'<body class="theme-light">' in await (await client.get("/")).get_data()

    client.set_cookie("localhost", "theme", "dark")
    assert b'<body class="theme-dark">' in await (await client.get("/")).get_data()


async def test_set_theme(client, auth):
    response = await client.get("/theme/dark")
    assert response.headers["Location"] == "/"
    assert "theme=dark" in response.headers["Set-Cookie"]

    await auth.login()
    assert b'<body class="theme-dark">' in await (await client.get("/")).get_data()
    assert (await client.get("/theme/neon")).status_code == 404
