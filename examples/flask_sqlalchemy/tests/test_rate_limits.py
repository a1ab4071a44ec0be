import pytest


@pytest.fixture
def app_config(app_config):
    # the other test modules switch the limits off
    return {**app_config, "RATELIMIT_ENABLED": True}


def test_login_attempts_are_limited(client):
    for _ in range(5):
        response = client.post("/auth/login", data={"username": "ada", "password": "guess"})
        assert response.status_code == 200

    # the sixth attempt within a minute is refused, even with the right password
    response = client.post("/auth/login", data={"username": "ada", "password": "ada-password"})
    assert response.status_code == 429
    assert b"Too many attempts (5 per 1 minute)" in response.data


def test_showing_the_login_form_is_not_limited(client):
    for _ in range(5):
        client.post("/auth/login", data={"username": "ada", "password": "guess"})
    assert client.get("/auth/login").status_code == 200


def test_the_api_allows_60_requests_a_minute(client):
    # more than the default limits of the pages
    statuses = [client.get("/api/tags").status_code for _ in range(60)]
    assert statuses == [200] * 60
    response = client.get("/api/tags")
    assert response.status_code == 429
    # Flask-RESTful answers the errors of its resources itself
    assert response.get_json() == {"message": "60 per 1 minute"}
    # each resource has its own counter
    assert client.get("/api/posts").status_code == 200


def test_pages_have_the_default_limits(client):
    statuses = [client.get("/author/grace").status_code for _ in range(50)]
    assert statuses == [200] * 50
    assert client.get("/author/grace").status_code == 429


def test_health_check_is_exempt(client):
    statuses = {client.get("/health").status_code for _ in range(60)}
    assert statuses == {200}
