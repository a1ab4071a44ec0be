import sqlite3
import asyncio

import pytest
from linkbox.db import get_db


async def test_get_close_db(app):
    async with app.app_context():
        db = get_db()
        assert db is get_db()

    with pytest.raises(sqlite3.ProgrammingError) as e:
        db.execute("SELECT 1")

    assert "closed" in str(e.value)


async def test_created_is_a_datetime(app):
    async with app.app_context():
        link = get_db().execute("SELECT created FROM link WHERE id = 1").fetchone()
        assert link["created"].year == 2024
        assert link["created"].hour == 10


def test_init_db_command(runner, monkeypatch):
    class Recorder:
        called = False

    def fake_init_db():
        Recorder.called = True

    monkeypatch.setattr("linkbox.db.init_db", fake_init_db)
    result = runner.invoke(args=["init-db"])
    assert "Initialized" in result.output
    assert Recorder.called


async def test_init_db_clears_data(app, runner):
    result = await asyncio.to_thread(runner.invoke, args=["init-db"])
    assert result.exit_code == 0

    async with app.app_context():
        count = get_db().execute("SELECT COUNT(*) FROM link").fetchone()[0]
    assert count == 0
