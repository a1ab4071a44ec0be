import re

import pytest
from flask_login import current_user
from teamboard.db import get_db


def test_register_page(client):
    response = client.get("/auth/register")
    assert response.status_code == 200
    assert b'name="username"' in response.data
    assert b'name="confirm"' in response.data


def test_register_logs_the_new_user_in(client, app):
    response = client.post(
        "/auth/register",
        data={"username": "carol", "password": "carol-pass", "confirm": "carol-pass"},
    )
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    # the board greets the new member by name
    response = client.get("/")
    assert response.status_code == 200
    assert b"Welcome to the board, carol!" in response.data
    assert b"Logged in as carol" in response.data

    # only a hash of the password is stored
    with app.app_context():
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
def test_register_validate_input(client, app, username, password, confirm, message):
    response = client.post(
        "/auth/register",
        data={"username": username, "password": password, "confirm": confirm},
    )
    # the form is shown again with the error, and nobody got logged in
    assert response.status_code == 200
    assert message in response.data
    assert b"Logged in as" not in response.data

    with app.app_context():
        count = get_db().execute("SELECT COUNT(*) FROM user").fetchone()[0]
    assert count == 2


def test_login_page(client):
    response = client.get("/auth/login")
    assert response.status_code == 200
    assert b'name="password"' in response.data
    assert b'name="remember"' in response.data


def test_login(client, auth):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"

    response = client.get("/")
    assert b"Logged in as alice" in response.data


def test_login_sets_current_user(client, auth):
    with client:
        auth.login()
        assert current_user.is_authenticated
        assert current_user.username == "alice"

        client.get("/")
        assert current_user.username == "alice"


@pytest.mark.parametrize(
    ("username", "password", "message"),
    (
        ("nobody", "alice-pass", b"Unknown username or wrong password."),
        ("alice", "wrong-pass", b"Unknown username or wrong password."),
        ("", "alice-pass", b"Please enter your username."),
        ("alice", "", b"Please enter your password."),
    ),
)
def test_login_validate_input(auth, username, password, message):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert message in response.data
    assert b"Logged in as" not in response.data


@pytest.mark.parametrize(("remember", "persistent"), ((True, True), (False, False)))
def test_keep_me_logged_in(client, remember, persistent):
    data = {"username": "alice", "password": "alice-pass"}
    if remember:
        data["remember"] = "y"

    response = client.post("/auth/login", data=data)

    # only "keep me logged in" sets a cookie that outlives the browser session
    cookies = [cookie.lower() for cookie in response.headers.getlist("Set-Cookie")]
    assert any("expires=" in cookie or "max-age=" in cookie for cookie in cookies) is persistent


def test_login_redirects_to_next(client):
    response = client.post(
        "/auth/login?next=/notes/new", data={"username": "alice", "password": "alice-pass"}
    )
    assert response.headers["Location"] == "/notes/new"


@pytest.mark.parametrize("next_url", ("//evil.example/", "https://evil.example/"))
def test_login_ignores_external_next(client, next_url):
    response = client.post(
        "/auth/login",
        query_string={"next": next_url},
        data={"username": "alice", "password": "alice-pass"},
    )
    assert response.headers["Location"] == "/"


def test_login_page_when_logged_in(client, auth):
    auth.login()
    response = client.get("/auth/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/"


def test_logout(client, auth):
    auth.login()

    with client:
        response = auth.logout()
        assert not current_user.is_authenticated

    assert response.headers["Location"] == "/auth/login"
    response = client.get("/auth/login")
    assert b"You have been logged out." in response.data
    # and the board is closed again
    assert client.get("/").status_code == 302


def test_logout_requires_login(client):
    response = client.get("/auth/logout")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/auth/login")


def csrf_token_in(page):
    """The CSRF token of the first form on an HTML page."""
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page)
    assert match is not None, "the page has no CSRF token"
    return match.group(1)


def test_login_needs_csrf_token_when_enabled(app, client):
    app.config["WTF_CSRF_ENABLED"] = True

    response = client.post("/auth/login", data={"username": "alice", "password": "alice-pass"})

    assert response.status_code == 400
    assert b"Please go back, reload the page and send it again." in response.data
    assert client.get("/").status_code == 302


def test_login_with_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_in(client.get("/auth/login").text)

    response = client.post(
        "/auth/login",
        data={"username": "alice", "password": "alice-pass", "csrf_token": token},
    )

    assert response.status_code == 302
    assert b"Logged in as alice" in client.get("/").data


def test_register_form_renders_csrf_token(app, client):
    app.config["WTF_CSRF_ENABLED"] = True
    token = csrf_token_in(client.get("/auth/register").text)

    response = client.post(
        "/auth/register",
        data={
            "username": "carol",
            "password": "carol-pass",
            "confirm": "carol-pass",
            "csrf_token": token,
        },
    )

    assert response.status_code == 302
