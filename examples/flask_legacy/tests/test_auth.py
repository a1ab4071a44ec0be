import pytest
from flask import g, session
from linkbox.db import get_db


def test_register(client, app):
    # the form page renders
    assert client.get("/auth/register").status_code == 200

    # a valid registration sends the user on to the login form
    response = client.post("/auth/register", data={"username": "alice", "password": "secret"})
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"

    # the new account is stored with a hashed password
    with app.app_context():
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
def test_register_validate_input(client, username, password, message):
    response = client.post("/auth/register", data={"username": username, "password": password})
    assert response.status_code == 200
    assert message in response.data


def test_register_then_login(client, auth):
    client.post("/auth/register", data={"username": "bob", "password": "hunter2"})
    response = auth.login("bob", "hunter2")
    assert response.headers["Location"] == "/"


def test_login(client, auth):
    # the form page renders
    assert client.get("/auth/login").status_code == 200

    # good credentials lead to the link list
    response = auth.login()
    assert response.headers["Location"] == "/"

    # keep the request context around to inspect the session and g
    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user["username"] == "test"


@pytest.mark.parametrize(
    ("username", "password"),
    (("nobody", "test"), ("test", "wrong")),
)
def test_login_validate_input(auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert b"Unknown username or wrong password." in response.data


def test_login_redirects_to_next(client):
    response = client.post(
        "/auth/login?next=/create", data={"username": "test", "password": "test"}
    )
    assert response.headers["Location"] == "/create"


def test_login_ignores_external_next(client):
    response = client.post(
        "/auth/login?next=//evil.example/", data={"username": "test", "password": "test"}
    )
    assert response.headers["Location"] == "/"


def test_logout(client, auth):
    auth.login()

    with client:
        response = auth.logout()
        assert "user_id" not in session

    assert response.headers["Location"] == "/auth/login"
    response = client.get("/auth/login")
    assert b"You have been logged out." in response.data
