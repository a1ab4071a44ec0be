import io
import os

import pytest
from linkbox.db import get_db


def test_index_lists_own_links(client, auth):
    auth.login()
    response = client.get("/")
    assert b"Log Out" in response.data
    assert b"Flask docs" in response.data
    assert b"Python docs" in response.data
    assert b"Other user link" not in response.data
    assert b'href="/1/edit"' in response.data
    # the domain template filter is used for the link metadata
    assert b"docs.python.org" in response.data


def test_index_filters(client, auth):
    auth.login()
    response = client.get("/", query_string={"q": "flask"})
    assert b"Flask docs" in response.data
    assert b"Python docs" not in response.data

    response = client.get("/?tag=python")
    assert b"Flask docs" in response.data
    assert b"Python docs" in response.data

    response = client.get("/?tag=nothing")
    assert b"No links yet." in response.data


@pytest.mark.parametrize(
    "path",
    ("/", "/create", "/1/edit", "/export.csv", "/uploads", "/uploads/a.txt/download"),
)
def test_login_required_get(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login?next=")


def test_login_required_post(client):
    response = client.post("/1/delete")
    assert response.headers["Location"] == "/auth/login?next=/1/delete"


def test_session_transaction_login(client):
    with client.session_transaction() as sess:
        sess["user_id"] = 2

    response = client.get("/")
    assert response.status_code == 200
    assert b"Other user link" in response.data
    assert b"Flask docs" not in response.data


def test_owner_required(client, auth):
    auth.login()
    # "test" may not change or delete a link that belongs to "other"
    assert client.post("/3/edit", data={"url": "https://x.org", "title": ""}).status_code == 403
    assert client.post("/3/delete").status_code == 403
    # and the foreign link is not listed at all
    assert b'href="/3/edit"' not in client.get("/").data


@pytest.mark.parametrize("path", ("/99/edit", "/99/delete"))
def test_exists_required(client, auth, path):
    auth.login()
    response = client.post(path)
    assert response.status_code == 404
    assert b"Page Not Found" in response.data


def test_create(client, auth, app):
    auth.login()
    assert client.get("/create").status_code == 200
    response = client.post(
        "/create",
        data={
            "url": "https://palletsprojects.com",
            "title": "Pallets",
            "tags": "Python, web",
            "notes": "",
        },
        follow_redirects=True,
    )
    assert b"<h1>Links</h1>" in response.data
    assert b"Link saved." in response.data
    assert b"Pallets" in response.data

    with app.app_context():
        db = get_db()
        count = db.execute("SELECT COUNT(id) FROM link").fetchone()[0]
        assert count == 4
        tags = db.execute("SELECT name FROM tag WHERE link_id = 4 ORDER BY name")
        assert [row["name"] for row in tags] == ["python", "web"]


def test_create_without_title_uses_url(client, auth, app):
    auth.login()
    client.post("/create", data={"url": "https://example.com/page"})

    with app.app_context():
        link = get_db().execute("SELECT title FROM link WHERE id = 4").fetchone()
        assert link["title"] == "https://example.com/page"


def test_update(client, auth, app):
    auth.login()
    assert client.get("/1/edit").status_code == 200
    response = client.post(
        "/1/edit",
        data={
            "url": "https://flask.palletsprojects.com/en/stable/",
            "title": "Flask",
            "tags": "web",
        },
    )
    assert response.headers["Location"] == "/"

    with app.app_context():
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
def test_create_update_validate(client, auth, path, url, message):
    auth.login()
    response = client.post(path, data={"url": url, "title": "x"})
    assert response.status_code == 200
    assert message in response.data


def test_delete(client, auth, app):
    auth.login()
    response = client.post("/1/delete")
    assert response.headers["Location"] == "/"

    with app.app_context():
        db = get_db()
        assert db.execute("SELECT * FROM link WHERE id = 1").fetchone() is None
        assert db.execute("SELECT * FROM tag WHERE link_id = 1").fetchone() is None

    assert b"Link deleted." in client.get("/").data


def test_export_csv(client, auth):
    auth.login()
    response = client.get("/export.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert response.headers["Content-Disposition"] == "attachment; filename=links.csv"
    assert response.headers["X-Request-Id"]

    lines = response.text.splitlines()
    assert lines == [
        "id,url,title,tags,created",
        "2,https://docs.python.org/3/,Python docs,python,2024-01-02 10:00:00",
        "1,https://flask.palletsprojects.com/,Flask docs,flask python,2024-01-01 10:00:00",
    ]


def test_export_csv_quotes_values(client, auth):
    auth.login("other", "other")
    client.post("/create", data={"url": "https://example.com/a,b", "title": 'Say "hi"'})
    response = client.get("/export.csv")
    assert '"https://example.com/a,b","Say ""hi""",' in response.text


def test_upload(client, auth, app):
    auth.login()
    response = client.post(
        "/uploads",
        data={"file": (io.BytesIO(b"remember the milk"), "my notes.txt")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/uploads"

    path = os.path.join(app.config["UPLOAD_FOLDER"], "my_notes.txt")
    with open(path, "rb") as f:
        assert f.read() == b"remember the milk"

    response = client.get("/uploads")
    assert b"Uploaded my_notes.txt." in response.data
    assert b'href="/uploads/my_notes.txt/download"' in response.data


@pytest.mark.parametrize(
    ("data", "message"),
    (
        ({}, b"No file part in the request."),
        ({"file": (io.BytesIO(b""), "")}, b"No file selected."),
        ({"file": (io.BytesIO(b"MZ"), "setup.exe")}, b"This file type is not allowed."),
    ),
)
def test_upload_validate(client, auth, data, message):
    auth.login()
    response = client.post("/uploads", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    assert message in response.data


def test_download(client, auth, app):
    auth.login()
    with open(os.path.join(app.config["UPLOAD_FOLDER"], "notes.txt"), "wb") as f:
        f.write(b"hello from linkbox")

    response = client.get("/uploads/notes.txt/download")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=notes.txt"
    assert response.data == b"hello from linkbox"
    response.close()

    response = client.get("/uploads/notes.txt")
    assert response.status_code == 200
    assert response.mimetype == "text/plain"
    assert response.mimetype == "text/plain"
    assert response.text == "hello from linkbox"
    response.close()


def test_download_missing_file(client, auth):
    auth.login()
    assert client.get("/uploads/missing.txt/download").status_code == 404
    assert client.get("/uploads/missing.txt").status_code == 404


def test_theme_cookie(client, auth):
    auth.login()
    assert b'<body class="theme-light">' in client.get("/").data

    client.set_cookie("theme", "dark")
    assert b'<body class="theme-dark">' in client.get("/").data


def test_set_theme(client, auth):
    response = client.get("/theme/dark")
    assert response.headers["Location"] == "/"
    assert "theme=dark" in response.headers["Set-Cookie"]

    auth.login()
    assert b'<body class="theme-dark">' in client.get("/").data
    assert client.get("/theme/neon").status_code == 404
