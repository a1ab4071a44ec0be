import re

from linkbox import create_app


def test_config():
    """Test create_app without passing test config."""
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_settings_from_envvar(monkeypatch, tmp_path):
    settings = tmp_path / "settings.cfg"
    settings.write_text('APP_NAME = "mybox"\nUPSTREAM_URL = "http://127.0.0.1:1/q"\n')
    monkeypatch.setenv("FLASK_LINKBOX_SETTINGS", str(settings))

    app = create_app()

    assert app.config["APP_NAME"] == "mybox"
    assert app.config["UPSTREAM_URL"] == "http://127.0.0.1:1/q"


async def test_ping(client):
    response = await client.get("/ping")
    assert response.status_code == 200
    assert await response.get_data() == b"pong"


async def test_request_id_header_is_generated(client):
    response = await client.get("/ping")
    assert re.fullmatch(r"[0-9a-f]{32}", response.headers["X-Request-Id"])


async def test_request_id_header_is_echoed(client):
    response = await client.get("/ping", headers={"X-Request-Id": "abc-123"})
    assert response.headers["X-Request-Id"] == "abc-123"


async def test_app_name_context_processor(app, client):
    app.config["APP_NAME"] = "Bookmarks"
    response = await client.get("/auth/login")
    assert "<title>Log In - Bookmarks</title>" in await response.get_data(as_text=True)


def test_domain_filter(app):
    domain = app.jinja_env.filters["domain"]
    assert domain("https://flask.palletsprojects.com/en/latest/") == "flask.palletsprojects.com"
    assert domain("not a url") == "not a url"


async def test_404_page(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert b"Page Not Found" in await response.get_data()
    assert response.mimetype == "text/html"


async def test_request_context(app):
    from quart import request, url_for
    from linkbox.links import current_filters

    async with app.test_request_context("/?q=x&tag=Python"):
        assert request.args["q"] == "x"
        assert current_filters() == {"q": "x", "tag": "python"}
        assert url_for("index") == "/"
        assert url_for("links.index", q="x") == "/?q=x"
        assert url_for("links.edit", id=3) == "/3/edit"
        assert url_for("api.link", link_id=2) == "/api/links/2"
