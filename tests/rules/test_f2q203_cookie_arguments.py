from tests.helpers import check_noop, check_transformed


def test_server_name_goes_first():
    check_transformed(
        """\
        def test_cookies(client):
            client.set_cookie("theme", "dark")  # Werkzeug >= 2.3 order
            client.set_cookie("k", "v", max_age=60, httponly=True)
            client.delete_cookie("theme")
        """,
        """\
        def test_cookies(client):
            client.set_cookie("localhost", "theme", "dark")  # Werkzeug >= 2.3 order
            client.set_cookie("localhost", "k", "v", max_age=60, httponly=True)
            client.delete_cookie("localhost", "theme")
        """,
        path="tests/test_cookies.py",
    )


def test_domain_keyword_becomes_the_server_name():
    check_transformed(
        """\
        def test_domain(client):
            client.set_cookie("theme", "dark", domain="example.com")
            client.delete_cookie("theme", domain="example.com")
        """,
        """\
        def test_domain(client):
            client.set_cookie("example.com", "theme", "dark")
            client.delete_cookie("example.com", "theme")
        """,
        path="tests/test_domain.py",
    )


def test_set_cookie_is_sync_while_the_request_is_awaited():
    check_transformed(
        """\
        def test_theme(client):
            client.set_cookie("theme", "dark")
            assert client.get("/").status_code == 200
        """,
        """\
        async def test_theme(client):
            client.set_cookie("localhost", "theme", "dark")
            assert (await client.get("/")).status_code == 200
        """,
        path="tests/test_theme.py",
    )


def test_response_cookies_in_a_view_are_untouched():
    check_transformed(
        """\
        from flask import Flask, make_response

        app = Flask(__name__)


        @app.route("/")
        def index():
            resp = make_response("x")
            resp.set_cookie("theme", "dark")
            resp.delete_cookie("old")
            return resp
        """,
        """\
        from quart import Quart, make_response

        app = Quart(__name__)


        @app.route("/")
        async def index():
            resp = await make_response("x")
            resp.set_cookie("theme", "dark")
            resp.delete_cookie("old")
            return resp
        """,
    )


def test_old_style_calls_are_untouched():
    check_noop(
        """\
        def test_legacy(client, response):
            client.set_cookie("localhost", "theme", "dark")
            client.delete_cookie("localhost", "theme")
            response.set_cookie("theme", "dark")
        """,
        path="tests/test_legacy.py",
    )


def test_quart_order_calls_are_left_and_keyword_key_gets_a_server_name():
    check_transformed(
        """\
        def test_cookies(client):
            client.set_cookie("localhost", "theme", value="dark")
            client.set_cookie("lang", value="fr")
            client.set_cookie(key="theme", value="dark")
            client.get("/")
        """,
        """\
        async def test_cookies(client):
            client.set_cookie("localhost", "theme", value="dark")
            client.set_cookie("localhost", "lang", value="fr")
            client.set_cookie("localhost", key="theme", value="dark")
            await client.get("/")
        """,
        path="tests/test_cookies.py",
    )
