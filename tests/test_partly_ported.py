"""A rewrite over a tree a previous run left half ported (issue 13: some modules written, others not;
some functions already ``async def``, their callers not yet awaiting) gives exactly what a clean run
gives. Every subset of the modules is taken from the port, the rest from the original."""

from __future__ import annotations

import itertools
import textwrap
from pathlib import Path

import pytest

from flask2quart.migrate import Mode, RewriteOptions, rewrite

ORIGINAL = {
    "app.py": """\
        from flask import Flask, request

        app = Flask(__name__)


        def name_of():
            return request.form["name"]


        @app.route("/", methods=["POST"])
        def index():
            return "hello " + name_of()
        """,
    "tests/__init__.py": "",
    "tests/helpers.py": """\
        def post(client, url, name):
            response = client.post(url, data={"name": name})
            return response.data


        class Pages:
            def __init__(self, client):
                self.client = client

            def greet(self, name):
                return post(self.client, "/", name)
        """,
    "tests/test_x.py": """\
        from app import app
        from tests.helpers import Pages, post


        def test_index():
            client = app.test_client()
            assert post(client, "/", "ada") == b"hello ada"


        def test_pages():
            assert Pages(app.test_client()).greet("bob") == b"hello bob"
        """,
}


def _write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")


def _tree(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): p.read_text(encoding="utf-8")
        for p in sorted(root.rglob("*"))
        if p.is_file() and "__pycache__" not in p.parts
    }


def _port(root: Path) -> None:
    result = rewrite([root], RewriteOptions(mode=Mode.WRITE))
    assert not result.failed


@pytest.fixture(scope="module")
def clean(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    root = tmp_path_factory.mktemp("clean")
    _write(root, {name: textwrap.dedent(text) for name, text in ORIGINAL.items()})
    _port(root)
    ported = _tree(root)
    assert "async def test_pages():" in ported["tests/test_x.py"]  # the port did something
    return ported


MODULES = ("app.py", "tests/helpers.py", "tests/test_x.py")


@pytest.mark.parametrize(
    "already", [c for n in range(1, len(MODULES)) for c in itertools.combinations(MODULES, n)], ids=str
)
def test_a_half_ported_tree_ports_as_a_clean_one(tmp_path: Path, clean: dict[str, str], already: tuple[str, ...]) -> None:
    files = {name: textwrap.dedent(text) for name, text in ORIGINAL.items()}
    files.update({name: clean[name] for name in already})
    _write(tmp_path, files)
    _port(tmp_path)
    assert _tree(tmp_path) == clean


def test_a_coroutine_handed_to_asyncio_from_sync_code_is_not_awaited(tmp_path: Path) -> None:
    source = textwrap.dedent(
        """\
        import asyncio

        from flask import Flask

        app = Flask(__name__)


        async def warm_up():
            return 1


        @app.cli.command()
        def warm():
            asyncio.run(warm_up())
        """
    )
    _write(tmp_path, {"app.py": source})
    _port(tmp_path)
    assert "    asyncio.run(warm_up())\n" in (tmp_path / "app.py").read_text(encoding="utf-8")
    assert "def warm():" in (tmp_path / "app.py").read_text(encoding="utf-8")
