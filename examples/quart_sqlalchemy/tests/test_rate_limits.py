import pytest


@pytest.fixture
def app_config(app_config):
    # the other test modules switch the limits off
    return {**app_config, "RATELIMIT_ENABLED": True}


async def test_login_attempts_are_limited(client):
    for _ in range(5):
        response = await client.post("/auth/login", form={"username": "ada", "password": "guess"})
        assert response.status_code == 200

    # the sixth attempt within a minute is refused, even with the right password
    response = await client.post("/auth/login", form={"username": "ada", "password": "ada-password"})
    assert response.status_code == 429
    assert b"Too many attempts (5 per 1 minute)" in await response.get_data()


async def test_showing_the_login_form_is_not_limited(client):
    for _ in range(5):
        await client.post("/auth/login", form={"username": "ada", "password": "guess"})
    assert (await client.get("/auth/login")).status_code == 200


async def test_the_api_allows_60_requests_a_minute(client):
    # more than the default limits of the pages
    statuses = [(await client.get("/api/tags")).status_code for _ in range(60)]
    assert statuses == [200] * 60
    response = await client.get("/api/tags")
    assert response.status_code == 429
    # Flask-RESTful answers the errors of its resources itself
    assert await response.get_json() == {"message": "60 per 1 minute"}
    # each resource has its own counter
    assert (await client.get("/api/posts")).status_code == 200


async def test_pages_have_the_default_limits(client):
    statuses = [(await client.get("/author/grace")).status_code for _ in range(50)]
    assert statuses == [200] * 50
    assert (await client.get("/author/grace")).status_code == 429


async def test_health_check_is_exempt(client):
    statuses = {(await client.get("/health")).status_code for _ in range(60)}
    assert statuses == {200}
