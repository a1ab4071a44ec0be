import pytest
from flask import g, session
from inkpot.extensions import db, mail
from inkpot.models import User

SIGNUP = {
    "username": "linus",
    "email": "Linus@Example.com",
    "password": "a-long-password",
    "confirm": "a-long-password",
}


def test_signup_page(client):
    response = client.get("/auth/signup")
    assert response.status_code == 200
    assert b'name="username"' in response.data


def test_signup_creates_the_user(client, app):
    response = client.post("/auth/signup", data=SIGNUP)
    assert response.status_code == 302
    assert response.headers["Location"] == "/auth/login"
    with app.app_context():
        user = db.session.scalar(db.select(User).filter_by(username="linus"))
        assert user.email == "linus@example.com"
        assert user.check_password("a-long-password")


def test_signup_sends_a_welcome_mail(client, app):
    with mail.record_messages() as outbox:
        client.post("/auth/signup", data=SIGNUP)
    assert len(outbox) == 1
    message = outbox[0]
    assert message.subject == "Welcome to inkpot"
    assert message.recipients == ["linus@example.com"]
    assert message.sender == "inkpot <noreply@inkpot.example>"
    with app.app_context():
        token = db.session.scalar(db.select(User.api_token).filter_by(username="linus"))
    assert "Hello linus," in message.body
    assert f"Authorization: Bearer {token}" in message.body
    assert "http://localhost/auth/login" in message.body


def test_signup_flashes_on_the_login_page(client):
    response = client.post("/auth/signup", data=SIGNUP, follow_redirects=True)
    assert b"Check your mail" in response.data


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
def test_signup_validation(client, app, changes, message):
    with mail.record_messages() as outbox:
        response = client.post("/auth/signup", data={**SIGNUP, **changes})
    assert response.status_code == 200
    assert message in response.data
    assert outbox == []
    with app.app_context():
        assert User.query.count() == 2


def test_login_page(client):
    assert client.get("/auth/login").status_code == 200


def test_login(client, auth):
    response = auth.login()
    assert response.status_code == 302
    assert response.headers["Location"] == "/"
    with client:
        client.get("/")
        assert session["user_id"] == 1
        assert g.user.username == "ada"


@pytest.mark.parametrize(
    ("username", "password"), [("ada", "wrong"), ("nobody", "ada-password")]
)
def test_login_refused(auth, username, password):
    response = auth.login(username, password)
    assert response.status_code == 200
    assert b"Incorrect username or password." in response.data


def test_login_goes_back_to_next(client):
    response = client.post(
        "/auth/login?next=/create", data={"username": "ada", "password": "ada-password"}
    )
    assert response.headers["Location"] == "/create"


def test_login_never_goes_to_another_site(client):
    response = client.post(
        "/auth/login?next=//evil.example/", data={"username": "ada", "password": "ada-password"}
    )
    assert response.headers["Location"] == "/"


def test_logout(client, auth):
    auth.login()
    with client:
        response = auth.logout()
        assert response.headers["Location"] == "/"
        assert "user_id" not in session


@pytest.mark.parametrize("path", ["/create", "/drafts", "/post/1/edit"])
def test_login_required(client, path):
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/auth/login?next={path}"


@pytest.fixture
def csrf_client(app_config):
    from inkpot import create_app

    app = create_app({**app_config, "WTF_CSRF_ENABLED": True})
    with app.app_context():
        db.create_all()
    return app.test_client()


def test_forms_need_a_csrf_token(csrf_client):
    response = csrf_client.post("/auth/signup", data=SIGNUP)
    assert response.status_code == 400
    assert b"The CSRF token is missing." in response.data


def test_forms_carry_a_csrf_token(csrf_client):
    page = csrf_client.get("/auth/signup").get_data(as_text=True)
    assert 'name="csrf_token"' in page
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = csrf_client.post("/auth/signup", data={**SIGNUP, "csrf_token": token})
    assert response.status_code == 302


def test_api_needs_no_csrf_token(csrf_client):
    response = csrf_client.get("/api/tags")
    assert response.status_code == 200
    response = csrf_client.post("/api/posts", json={"title": "x", "body": "y"})
    assert response.status_code == 401
