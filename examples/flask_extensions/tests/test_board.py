import re
from urllib.parse import parse_qs, urlsplit

import pytest
from teamboard.db import get_db


@pytest.mark.parametrize("path", ("/", "/notes/new", "/notes/1/edit"))
def test_login_required(client, path):
    response = client.get(path)

    # anonymous visitors are sent to the login page, which brings them back
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/auth/login"
    assert parse_qs(location.query)["next"] == [path]


def test_login_required_explains_why(client):
    response = client.get("/notes/new", follow_redirects=True)
    assert b"<title>Log in - Team board</title>" in response.data
    assert b"Please log in to see the team board." in response.data


def test_delete_requires_login(client, app):
    response = client.post("/notes/1/delete")
    assert urlsplit(response.headers["Location"]).path == "/auth/login"

    with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 1").fetchone() is not None


def test_login_returns_to_the_page_asked_for(client):
    response = client.get("/notes/new")
    response = client.post(
        response.headers["Location"],
        data={"username": "alice", "password": "alice-pass"},
        follow_redirects=True,
    )
    assert b"<title>New note - Team board</title>" in response.data


def test_nav_for_anonymous_visitors(client):
    response = client.get("/auth/login")
    assert b'href="/auth/register"' in response.data
    assert b"Log out" not in response.data


def test_board_shows_own_and_shared_notes(client, auth):
    auth.login()
    response = client.get("/")

    assert response.status_code == 200
    assert b"Logged in as alice" in response.data
    # both of her own notes, private or not
    assert b"Sprint goals" in response.data
    assert b"Personal todo" in response.data
    # what bob shared, with his name, but not his private note
    assert b"Deploy checklist" in response.data
    assert b"by bob" in response.data
    assert b"Salary notes" not in response.data
    # she may edit only her own notes
    assert b'href="/notes/1/edit"' in response.data
    assert b'href="/notes/3/edit"' not in response.data


def test_each_user_sees_their_own_board(client, auth):
    auth.login("bob", "bob-pass")
    response = client.get("/")

    assert b"Logged in as bob" in response.data
    assert b"Salary notes" in response.data
    assert b"Sprint goals" in response.data
    assert b"by alice" in response.data
    assert b"Personal todo" not in response.data


def test_create(client, auth, app):
    auth.login()
    assert client.get("/notes/new").status_code == 200

    response = client.post(
        "/notes/new",
        data={"title": "  Retro ideas ", "body": "More coffee.", "shared": "y"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    with app.app_context():
        note = get_db().execute("SELECT * FROM note WHERE title = 'Retro ideas'").fetchone()
        assert note["owner_id"] == 1
        assert note["body"] == "More coffee."
        assert note["shared"] == 1

    # bob sees it on his board because it is shared
    auth.logout()
    auth.login("bob", "bob-pass")
    assert b"Retro ideas" in client.get("/").data


def test_create_private_note(client, auth):
    auth.login()
    client.post("/notes/new", data={"title": "Only for me", "body": ""})

    assert b"Only for me" in client.get("/").data
    auth.logout()
    auth.login("bob", "bob-pass")
    assert b"Only for me" not in client.get("/").data


@pytest.mark.parametrize(
    ("title", "message"),
    (
        ("", b"A note needs a title."),
        ("   ", b"A note needs a title."),
        ("x" * 121, b"Titles are at most 120 characters long."),
    ),
)
def test_create_validate_input(client, auth, app, title, message):
    auth.login()
    response = client.post("/notes/new", data={"title": title, "body": "text"})

    assert response.status_code == 200
    assert message in response.data
    with app.app_context():
        assert get_db().execute("SELECT COUNT(*) FROM note").fetchone()[0] == 4


def test_edit_form_shows_the_note(client, auth):
    auth.login()
    response = client.get("/notes/1/edit")

    assert response.status_code == 200
    assert b'value="Sprint goals"' in response.data
    assert b"Ship the login page." in response.data
    # the note is shared, so the box is ticked
    checkbox = re.search(rb'<input[^>]*name="shared"[^>]*>', response.data).group(0)
    assert b"checked" in checkbox


def test_edit(client, auth, app):
    auth.login()
    response = client.post(
        "/notes/1/edit", data={"title": "Sprint goals (updated)", "body": "Ship it all."}
    )
    assert response.headers["Location"] == "/"

    with app.app_context():
        note = get_db().execute("SELECT * FROM note WHERE id = 1").fetchone()
        assert note["title"] == "Sprint goals (updated)"
        assert note["body"] == "Ship it all."
        # the box was not ticked, so the note is private now
        assert note["shared"] == 0


@pytest.mark.parametrize("note_id", (3, 4, 99))
def test_cannot_edit_other_notes(client, auth, note_id):
    auth.login()

    assert client.get(f"/notes/{note_id}/edit").status_code == 404
    assert client.post(f"/notes/{note_id}/edit", data={"title": "mine now"}).status_code == 404


def test_delete(client, auth, app):
    auth.login()
    response = client.post("/notes/2/delete", follow_redirects=True)

    assert response.status_code == 200
    assert b"Deleted Personal todo." in response.data
    with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 2").fetchone() is None


def test_cannot_delete_other_notes(client, auth, app):
    auth.login()
    assert client.post("/notes/3/delete").status_code == 404

    with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 3").fetchone() is not None


def test_delete_needs_csrf_token_when_enabled(client, auth, app):
    auth.login()
    app.config["WTF_CSRF_ENABLED"] = True

    assert client.post("/notes/2/delete").status_code == 400

    # the board page carries a token for its delete buttons
    page = client.get("/").text
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    response = client.post("/notes/2/delete", data={"csrf_token": token})
    assert response.status_code == 302
    with app.app_context():
        assert get_db().execute("SELECT id FROM note WHERE id = 2").fetchone() is None
