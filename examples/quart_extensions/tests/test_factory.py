from teamboard import create_app


def test_config():
    """Test create_app without passing test config."""
    assert not create_app().testing
    assert create_app({"TESTING": True}).testing


def test_settings_from_environment(monkeypatch):
    monkeypatch.setenv("TEAMBOARD_BOARD_TITLE", "Ops board")

    app = create_app()

    assert app.config["BOARD_TITLE"] == "Ops board"


async def test_board_title_in_pages(app, client):
    app.config["BOARD_TITLE"] = "Design team"
    response = await client.get("/auth/login")
    assert "<title>Log in - Design team</title>" in await response.get_data(as_text=True)


async def test_health(client):
    response = await client.get("/health")
    assert response.status_code == 200
    assert await response.get_json() == {"status": "ok"}


async def test_404_page(client):
    response = await client.get("/no/such/page")
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert b"Page Not Found" in await response.get_data()


async def test_404_json_for_api(client):
    response = await client.get("/api/no/such/thing")
    assert response.status_code == 404
    assert (await response.get_json())["error"] == "Not Found"


async def test_url_rules(app):
    from quart import url_for

    async with app.test_request_context("/"):
        assert url_for("board.index") == "/"
        assert url_for("board.edit", note_id=3) == "/notes/3/edit"
        assert url_for("auth.logout") == "/auth/logout"
        assert url_for("api.get_note", note_id=2) == "/api/notes/2"
