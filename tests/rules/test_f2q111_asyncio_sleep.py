from tests.helpers import check_noop, check_transformed


def test_sleep_in_a_view_becomes_asyncio_sleep_and_sync_helpers_keep_it():
    check_transformed(
        '''\
        """Slow endpoints."""
        import time
        from time import sleep

        from flask import Flask

        app = Flask(__name__)


        @app.route("/slow")
        def slow():
            time.sleep(1)  # simulate work
            sleep(0.5)
            return "done"


        def backoff(attempt):
            time.sleep(2**attempt)
        ''',
        '''\
        """Slow endpoints."""
        import time
        from time import sleep
        import asyncio

        from quart import Quart

        app = Quart(__name__)


        @app.route("/slow")
        async def slow():
            await asyncio.sleep(1)  # simulate work
            await asyncio.sleep(0.5)
            return "done"


        def backoff(attempt):
            time.sleep(2**attempt)
        ''',
    )


def test_existing_asyncio_import_is_reused_with_time_alias():
    check_transformed(
        """\
        import asyncio
        import time as t

        from flask import Flask

        app = Flask(__name__)


        @app.route("/slow")
        def slow():
            t.sleep(1)
            return "done"
        """,
        """\
        import asyncio
        import time as t

        from quart import Quart

        app = Quart(__name__)


        @app.route("/slow")
        async def slow():
            await asyncio.sleep(1)
            return "done"
        """,
    )


def test_sleep_in_a_test_that_became_async():
    check_transformed(
        """\
        import time


        def test_cache_expires(client):
            client.get("/warm")
            time.sleep(0.1)
            assert client.get("/cached").status_code == 200
        """,
        """\
        import time
        import asyncio


        async def test_cache_expires(client):
            await client.get("/warm")
            await asyncio.sleep(0.1)
            assert (await client.get("/cached")).status_code == 200
        """,
        path="tests/test_cache.py",
    )


def test_local_named_time_is_not_the_time_module():
    check_transformed(
        """\
        import time

        from flask import Flask

        app = Flask(__name__)


        @app.route("/")
        def index():
            time = app.extensions["clock"]
            time.sleep(1)
            return "ok"
        """,
        """\
        import time

        from quart import Quart

        app = Quart(__name__)


        @app.route("/")
        async def index():
            time = app.extensions["clock"]
            time.sleep(1)
            return "ok"
        """,
    )


def test_sync_code_keeps_time_sleep():
    check_noop(
        """\
        import time


        def test_retry_helper():
            time.sleep(0)
            assert True
        """,
        path="tests/test_retry.py",
    )
