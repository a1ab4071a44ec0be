from inkpot import create_app


def test_config():
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_database_is_in_the_instance_folder(app):
    default = create_app()
    assert default.config["SQLALCHEMY_DATABASE_URI"].endswith("inkpot.sqlite")
    assert app.config["SQLALCHEMY_DATABASE_URI"] != default.config["SQLALCHEMY_DATABASE_URI"]


async def test_health(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok"}


async def test_security_headers(client):
    response = await client.get("/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "img-src 'self' data:" in csp
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["Referrer-Policy"] == "same-origin"


async def test_no_hsts_over_plain_http(client):
    assert "Strict-Transport-Security" not in (await client.get("/")).headers


async def test_hsts_over_https(client):
    response = await client.get("/", scheme="https")
    assert response.headers["Strict-Transport-Security"] == "max-age=31556926; includeSubDomains"


async def test_api_answers_carry_the_headers_too(client):
    response = await client.get("/api/tags")
    assert response.headers["X-Frame-Options"] == "SAMEORIGIN"


async def test_https_is_forced_in_production(app_config):
    app = create_app({**app_config, "FORCE_HTTPS": True})
    response = await app.test_client().get("/health")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://localhost/health"
    secure = await app.test_client().get("/health", scheme="https")
    assert secure.status_code == 200
    assert app.config["SESSION_COOKIE_SECURE"] is True


async def test_unknown_page_is_a_friendly_404(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert b"There is nothing here" in await response.get_data()


async def test_unknown_api_url_is_json(client):
    response = await client.get("/api/nothing")
    assert response.status_code == 404
    assert response.is_json
    assert "message" in await response.get_json()
