"""A module of the project's tests package is test-suite code, whatever its file is called: the
base test case a real suite (ihatemoney) keeps in ``tests/common/`` awaits its client calls."""

from __future__ import annotations

from tests.helpers import run_rewrite

BASE = '''\
import pytest


@pytest.mark.usefixtures("client")
class BaseTestCase:
    def login(self, name):
        return self.client.post("/login", data={"name": name})
'''

TESTS = '''\
from pkg.tests.common.base import BaseTestCase


class TestLogin(BaseTestCase):
    def test_login(self):
        assert self.login("ada").status_code == 200
'''

CONFTEST = '''\
import pytest

from pkg import create_app


@pytest.fixture
def client(request):
    client = create_app().test_client()
    request.cls.client = client
    return client
'''

APP = "from flask import Flask\n\n\ndef create_app():\n    return Flask(__name__)\n"


def test_a_helper_module_of_the_tests_package_awaits_the_client():
    files = {
        "pkg/__init__.py": APP, "pkg/tests/__init__.py": "", "pkg/tests/common/__init__.py": "",
        "pkg/tests/conftest.py": CONFTEST, "pkg/tests/login_test.py": TESTS,
    }
    base, _, texts = run_rewrite(BASE, path="pkg/tests/common/base.py", files=files)
    assert "    async def login(self, name):\n        return await self.client.post(" in base
    assert "assert (await self.login(\"ada\")).status_code == 200" in texts["pkg/tests/login_test.py"]


def test_a_module_outside_a_tests_package_is_not_test_code():
    source = "def login(client):\n    return client.post('/login')\n"
    output, _, _ = run_rewrite(source, path="pkg/testing_tools.py", files={"pkg/__init__.py": APP})
    assert output == source
