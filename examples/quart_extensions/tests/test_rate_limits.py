import pytest


@pytest.fixture
def app_config(app_config):
    # the other test modules switch the limits off
    return {**app_config, "QUART_RATE_LIMITER_ENABLED": True}


async def test_api_login_is_limited(client):
    # five wrong guesses are answered normally
    for _ in range(5):
        response = await client.post("/api/login", json={"username": "alice", "password": "guess"})
        assert response.status_code == 401

    # the sixth attempt within a minute is refused, even with the right password
    response = await client.post("/api/login", json={"username": "alice", "password": "alice-pass"})
    assert response.status_code == 429
    assert (await response.get_json())["error"] == "Too Many Requests"
    assert (await client.get("/api/me")).status_code == 401

    # other endpoints have their own counters
    assert (await client.get("/api/status")).status_code == 200


async def test_default_limits_apply_to_every_route(client, auth):
    await auth.login()

    # the default allows 50 requests per hour on each route
    statuses = [(await client.get("/api/notes")).status_code for _ in range(50)]
    assert statuses == [200] * 50

    response = await client.get("/api/notes")
    assert response.status_code == 429
    assert response.is_json


async def test_health_check_is_exempt(client):
    statuses = {(await client.get("/health")).status_code for _ in range(60)}
    assert statuses == {200}
