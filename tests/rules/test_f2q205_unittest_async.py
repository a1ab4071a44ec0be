from tests.helpers import check_noop, check_transformed, run_rewrite

MYAPP = """\
from flask import Flask


def create_app():
    return Flask(__name__)


def init_db():
    pass
"""


def test_testcase_whose_tests_await_becomes_isolated_asyncio_testcase():
    check_transformed(
        """\
        import unittest

        from myapp import create_app


        class ViewsTest(unittest.TestCase):
            def setUp(self):
                self.app = create_app()
                self.client = self.app.test_client()

            def test_index(self):
                rv = self.client.get("/")
                self.assertEqual(rv.status_code, 200)

            def helper(self):
                return 1


        if __name__ == "__main__":
            unittest.main()
        """,
        """\
        import unittest

        from myapp import create_app


        class ViewsTest(unittest.IsolatedAsyncioTestCase):
            def setUp(self):
                self.app = create_app()
                self.client = self.app.test_client()

            async def test_index(self):
                rv = await self.client.get("/")
                self.assertEqual(rv.status_code, 200)

            def helper(self):
                return 1


        if __name__ == "__main__":
            unittest.main()
        """,
        path="tests/test_views.py",
        files={"myapp.py": MYAPP},
    )


def test_setup_and_teardown_that_await_are_renamed():
    check_transformed(
        """\
        from unittest import TestCase

        from myapp import create_app, init_db


        class DbTest(TestCase):
            def setUp(self):
                self.app = create_app()
                with self.app.app_context():
                    init_db()

            def tearDown(self):
                with self.app.app_context():
                    init_db()

            def test_nothing(self):
                self.assertTrue(True)
        """,
        """\
        from unittest import TestCase, IsolatedAsyncioTestCase

        from myapp import create_app, init_db


        class DbTest(IsolatedAsyncioTestCase):
            async def asyncSetUp(self):
                self.app = create_app()
                async with self.app.app_context():
                    init_db()

            async def asyncTearDown(self):
                async with self.app.app_context():
                    init_db()

            def test_nothing(self):
                self.assertTrue(True)
        """,
        path="tests/test_db.py",
        files={"myapp.py": MYAPP},
    )


def test_async_testcase_needs_no_pytest_asyncio_config():
    _, _, texts = run_rewrite(
        """\
        import unittest


        class ViewsTest(unittest.TestCase):
            def test_index(self):
                self.assertEqual(self.client.get("/").status_code, 200)
        """,
        path="tests/test_views.py",
    )
    assert "unittest.IsolatedAsyncioTestCase" in texts["tests/test_views.py"]
    assert "pytest.ini" not in texts


def test_testcase_without_awaits_is_untouched():
    check_noop(
        """\
        import unittest


        class MathTest(unittest.TestCase):
            def setUp(self):
                self.values = [1, 2]

            def test_add(self):
                self.assertEqual(sum(self.values), 3)
        """,
        path="tests/test_math.py",
    )


def test_set_up_class_stays_sync_and_is_reported():
    findings = check_transformed(
        """\
        import unittest

        from app import app


        class Api(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                cls.body = app.test_client().get("/").data

            def test_body(self):
                self.assertTrue(self.body)
        """,
        """\
        import unittest

        from app import app


        class Api(unittest.TestCase):
            @classmethod
            def setUpClass(cls):
                cls.body = app.test_client().get("/").data

            def test_body(self):
                self.assertTrue(self.body)
        """,
        path="test_api.py",
        files={"app.py": "from flask import Flask\n\napp = Flask(__name__)\n"},
    )
    assert sorted({(f.code, f.line) for f in findings}) == [("F2Q103", 8), ("F2Q201", 9)]
