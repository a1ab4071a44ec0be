import sqlite3
import asyncio

import pytest
from teamboard.db import get_db
from teamboard.models import User


async def test_get_close_db(app):
    async with app.app_context():
        db = get_db()
        assert db is get_db()

    with pytest.raises(sqlite3.ProgrammingError) as e:
        db.execute("SELECT 1")

    assert "closed" in str(e.value)


def test_init_db_command(runner, monkeypatch):
    calls = []
    monkeypatch.setattr("teamboard.db.init_db", lambda: calls.append("init"))

    result = runner.invoke(args=["init-db"])

    assert "Initialized" in result.output
    assert calls == ["init"]


async def test_init_db_clears_data(app, runner):
    result = await asyncio.to_thread(runner.invoke, args=["init-db"])
    assert result.exit_code == 0

    async with app.app_context():
        count = get_db().execute("SELECT COUNT(*) FROM note").fetchone()[0]
    assert count == 0


async def test_create_user_command(app, runner, auth):
    result = await asyncio.to_thread(runner.invoke, args=["create-user", "carol", "--password", "carol-pass"])

    assert result.exit_code == 0
    assert "Created user carol" in result.output
    async with app.app_context():
        carol = User.get_by_username("carol")
        assert carol.check_password("carol-pass")
    # the new member can log in right away
    assert (await auth.login("carol", "carol-pass")).headers["Location"] == "/"


def test_create_user_command_refuses_existing_name(runner):
    result = runner.invoke(args=["create-user", "alice", "--password", "whatever1"])

    assert result.exit_code != 0
    assert "already exists" in result.output
