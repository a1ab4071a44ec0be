import subprocess
import sys
import textwrap

import pytest

from tests.helpers import check_noop, codes, run_rewrite

FILES = {
    "shop/__init__.py": "from .core import app\n",
    "shop/core.py": "from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.route('/')\ndef index():\n    return 'shop'\n",
}


def test_a_child_python_importing_the_ported_app_is_reported_on_the_call():
    findings = check_noop(
        """\
        import subprocess
        import sys


        def test_index_in_a_fresh_interpreter():
            code = (
                "import shop\\n"
                "r = shop.app.test_client().get('/')\\n"
                "assert r.status_code == 200\\n"
            )
            result = subprocess.run(
                [sys.executable, "-c", code], capture_output=True, text=True
            )
            assert result.returncode == 0, result.stderr
        """,
        path="tests/test_shop.py",
        files=FILES,
    )
    assert codes(findings) == ["F2Q213"] and findings[0].line == 11
    assert "`shop`" in findings[0].message and "asyncio.run" in findings[0].message


def test_a_literal_importing_flask_is_reported_too():
    findings = check_noop(
        """\
        from subprocess import check_output
        import sys


        def test_version():
            check_output((sys.executable, "-c", "import flask; print(flask.Flask)"))
        """,
        path="tests/test_version.py",
        files=FILES,
    )
    assert codes(findings) == ["F2Q213"] and findings[0].line == 6


def test_children_that_do_not_import_the_app_are_left_alone():
    check_noop(
        """\
        import subprocess
        import sys


        def test_python_works():
            code = "import json; print(json.dumps(1))"
            subprocess.run([sys.executable, "-c", code], check=True)
            subprocess.run([sys.executable, "-m", "shop"], check=True)
            subprocess.run(["python", "-c", "import shop"], check=True)
        """,
        path="tests/test_misc.py",
        files=FILES,
    )


def test_the_reported_child_fails_after_the_port(tmp_path):
    """What the finding is about: the string, unported, fails against the ported app."""
    pytest.importorskip("quart")
    output, _, _ = run_rewrite(FILES["shop/core.py"], path="shop/core.py", files={"shop/__init__.py": FILES["shop/__init__.py"]})
    package = tmp_path / "shop"
    package.mkdir()
    (package / "__init__.py").write_text(FILES["shop/__init__.py"])
    (package / "core.py").write_text(output)
    code = textwrap.dedent("""\
        import shop
        r = shop.app.test_client().get('/')
        print(r.status_code)
    """)
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path)
    assert result.returncode == 1 and "'coroutine' object has no attribute 'status_code'" in result.stderr
    ported = textwrap.dedent("""\
        import asyncio
        import shop


        async def main():
            r = await shop.app.test_client().get('/')
            print(r.status_code, await r.get_data(as_text=True))


        asyncio.run(main())
    """)
    result = subprocess.run([sys.executable, "-c", ported], capture_output=True, text=True, cwd=tmp_path)
    assert result.stdout == "200 shop\n"  # the form the message asks for
