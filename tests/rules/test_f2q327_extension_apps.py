"""F2Q327 with the real extensions: each app of ``tests/extension_apps`` is ported by the real
rewrite (no edit by hand) and its Quart port, running the real Flask extension through the
generated ``flask_bridge`` module, answers like the Flask original (in-process parity), or, for
Flask-Migrate, its ``db`` commands do the same under Quart's CLI runner."""

from __future__ import annotations

import asyncio
import itertools
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
import sqlalchemy

from examples.packages import load_package
from flask2quart.migrate import Mode, RewriteOptions, rewrite, select_codes
from flask2quart.parity import Case, ParityRequest, ParityRunner, Verdict

APPS = Path(__file__).resolve().parent.parent / "extension_apps"
_names = itertools.count()


def port(name: str, tmp_path: Path, db_calls: str = "loop") -> tuple[ModuleType, ModuleType, Path]:
    """The original package and its port (rewritten in a copy), each under a module name of its own."""
    target = tmp_path / "port" / name
    shutil.copytree(APPS / name, target, ignore=shutil.ignore_patterns("__pycache__"))
    options = RewriteOptions(mode=Mode.WRITE, enabled=select_codes(()), db_calls=db_calls)
    result = rewrite([target.parent], options)
    assert not result.failed
    assert (target / "flask_bridge.py").is_file()
    again = rewrite([target.parent], RewriteOptions(mode=Mode.CHECK, enabled=select_codes(()), db_calls=db_calls))
    assert not again.changed and not again.config_edits  # the port is stable
    unique = next(_names)
    original = load_package(f"ext_{name}_flask_{unique}", APPS / name)
    ported = load_package(f"ext_{name}_quart_{unique}", target)
    return original, ported, target


def compare(flask_app: Any, quart_app: Any, steps: list[ParityRequest]) -> None:
    async def run() -> Any:
        async with ParityRunner.in_process(flask_app, quart_app) as runner:
            return await runner.run([Case("steps", steps)])

    report = asyncio.run(run())
    case = report.cases[0]
    assert case.verdict in (Verdict.MATCH, Verdict.KNOWN), [
        (d.field, d.flask, d.quart) for d in case.differences
    ]
    assert all(step.quart is not None and step.quart.status < 500 for step in case.steps)


def in_quart_context(app: Any, function: Callable[[], Any]) -> Any:
    async def run() -> Any:
        async with app.app_context():
            return function()

    return asyncio.run(run())


def get(path: str, **kwargs: Any) -> ParityRequest:
    return ParityRequest.build("GET", path, **kwargs)


def post(path: str, **kwargs: Any) -> ParityRequest:
    return ParityRequest.build("POST", path, **kwargs)


@pytest.mark.parametrize("db_calls", ["loop", "run-sync"])
def test_flask_sqlalchemy(tmp_path: Path, db_calls: str) -> None:
    """The same answers whether the queries run on the event loop or, with ``--db-calls run-sync``,
    in a worker thread (where they do run: no event loop in the thread that executes them)."""
    original, ported, target = port("fsa_notes", tmp_path, db_calls)
    flask_app, quart_app = original.create_app(), ported.create_app()
    on_loop: list[bool] = []

    def executed(*args: Any) -> None:
        try:
            asyncio.get_running_loop()
        except RuntimeError:
            on_loop.append(False)
        else:
            on_loop.append(True)

    in_quart_context(quart_app, lambda: sqlalchemy.event.listen(ported.db.engine, "before_cursor_execute", executed))
    with flask_app.app_context():
        original.init_db()
    in_quart_context(quart_app, ported.init_db)
    steps = [post("/notes", form={"author": "ada", "text": t}) for t in ("a", "b", "c")]
    steps += [
        get("/notes"), get("/notes?page=2"), get("/notes?page=9"), get("/query-page"), get("/notes/1"),
        get("/notes/99"), get("/one/2"), get("/one/99"), get("/count"), get("/meta"),
        post("/notes/1/delete"), get("/notes/1"), post("/notes", form={"author": "nobody", "text": "x"}),
        get("/count"),
    ]
    on_loop.clear()
    compare(flask_app, quart_app, steps)
    source = (target / "__init__.py").read_text(encoding="utf-8")
    if db_calls == "run-sync":
        assert "await run_sync(db.session.commit)()" in source
        # the calls ran in a worker thread; what loads on attribute access (a relationship, the
        # attributes a commit expired) still runs where it is read, on the loop
        assert on_loop.count(False) > on_loop.count(True) > 0, on_loop
    else:
        assert "run_sync" not in source
        assert on_loop and all(on_loop)


def test_flask_mail(tmp_path: Path) -> None:
    original, ported, _ = port("mail_app", tmp_path)
    compare(
        original.create_app(), ported.create_app(),
        [post("/invite", form={"name": "Ada", "email": "ada@example.com"})],
    )


def test_flask_talisman(tmp_path: Path) -> None:
    original, ported, _ = port("talisman_app", tmp_path)
    https = {"X-Forwarded-Proto": "https"}
    compare(
        original.create_app(), ported.create_app(),
        # plain http is redirected to https; the nonce differs per request (the same template)
        [get("/"), get("/embed", headers=https), get("/missing", headers=https)],
    )
    client = ported.create_app().test_client()

    async def nonce() -> tuple[str, str]:
        response = await client.get("/", headers=https)
        return response.headers["Content-Security-Policy"], (await response.get_data(as_text=True))

    policy, body = asyncio.run(nonce())
    assert "'nonce-" in policy and policy.split("'nonce-")[1].split("'")[0] in body


def test_flask_caching(tmp_path: Path) -> None:
    original, ported, _ = port("caching_app", tmp_path)
    steps = [post("/hits/a"), post("/hits/a"), get("/hits/a"), get("/hits/b"), ParityRequest.build("DELETE", "/hits/a"),
             get("/hits/a")]
    compare(original.create_app(), ported.create_app(), steps)


def test_flask_static_digest(tmp_path: Path) -> None:
    """The extension reads the app's and the blueprint's manifest with ``open_resource`` used as
    Flask's file (the bridge's answer, where Quart's is a coroutine); the app's own views await it."""
    original, ported, _ = port("static_digest_app", tmp_path)
    compare(original.create_app(), ported.create_app(), [get("/"), get("/resource")])
    digest = ported.digest  # both manifests loaded: digested URLs, not the plain ones
    assert {name: sorted(manifest) for name, manifest in digest.manifests.items()} == {
        "static": ["app.css"], "assets.static": ["x.js"]}
    with pytest.raises(ValueError, match="only be opened for reading"):
        ported.create_app().open_resource("static/app.css", "w")


def test_flask_principal(tmp_path: Path) -> None:
    original, ported, _ = port("principal_app", tmp_path)
    steps = []
    for user in ("ada", "bob", None):
        headers = {"X-User": user} if user else None
        steps += [get(path, headers=headers) for path in ("/whoami", "/admin", "/admin-403", "/admin-decorated")]
    compare(original.create_app(), ported.create_app(), steps)


def test_flask_migrate_commands_under_quart_cli(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original, ported, _ = port("migrate_app", tmp_path)
    outputs = {}
    for side, package in (("flask", original), ("quart", ported)):
        folder = tmp_path / side
        folder.mkdir()
        monkeypatch.setenv("TASKS_DATABASE", f"sqlite:///{folder / 'tasks.db'}")
        monkeypatch.setenv("TASKS_MIGRATIONS", str(folder / "migrations"))
        runner = package.create_app().test_cli_runner()
        results = [runner.invoke(args=["db", *command]) for command in (["init"], ["migrate", "-m", "tasks"], ["upgrade"])]
        for result in results:
            assert result.exit_code == 0, (side, result.output)
        with sqlite3.connect(folder / "tasks.db") as connection:
            tables = sorted(row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'"))
        outputs[side] = (tables, [len(list((folder / "migrations" / "versions").glob("*.py")))])
    assert outputs["quart"] == outputs["flask"] == (["alembic_version", "task"], [1])


def test_concurrent_requests_never_share_a_session(tmp_path: Path) -> None:
    """50 requests in flight on one event loop, each writing through ``db.session`` and waiting
    before it commits: none sees another's pending object, each has a session of its own, and
    every session is removed at teardown."""
    _, ported, _ = port("fsa_notes", tmp_path)
    # each request holds its session's connection while it waits: the pool must hold 50 (a sync
    # checkout from an exhausted pool would block the event loop, see docs/extensions.md)
    app = ported.create_app({
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'notes.db'}",
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_size": 50},
    })
    db, note_class = ported.db, ported.NoteItem
    in_quart_context(app, ported.init_db)
    sessions: set[int] = set()
    everyone_pending = asyncio.Event()
    pending: list[str] = []

    @app.post("/race/<text>")
    async def race(text: str) -> Any:
        author = db.session.execute(db.select(ported.Author)).scalar_one()
        note = note_class(text=text, author=author)
        db.session.add(note)  # pending: not flushed, not committed
        sessions.add(id(db.session()))
        pending.append(text)
        if len(pending) == 50:
            everyone_pending.set()
        await everyone_pending.wait()  # all 50 requests are now in flight with a pending note
        seen = sorted(n.text for n in db.session.new if isinstance(n, note_class))
        db.session.commit()
        return {"seen": seen}

    async def run() -> list[Any]:
        client = app.test_client()
        responses = await asyncio.gather(*(client.post(f"/race/n{i}") for i in range(50)))
        return [await response.get_json() for response in responses]

    answers = asyncio.run(run())
    assert answers == [{"seen": [f"n{i}"]} for i in range(50)]
    assert len(sessions) == 50
    assert db.session.registry.registry == {}  # each request's session was removed at teardown

    def committed() -> int:
        return int(db.session.execute(db.select(db.func.count(note_class.id))).scalar_one())

    assert in_quart_context(app, committed) == 50
