import pytest
from inkpot import create_app
from inkpot.extensions import db
from inkpot.models import Post, User


@pytest.fixture
def empty_app(app_config):
    """An app whose database has no tables yet."""
    return create_app(app_config)


def table_names(app):
    with app.app_context():
        return set(db.inspect(db.engine).get_table_names())


def test_db_upgrade_creates_the_tables(empty_app):
    assert table_names(empty_app) == set()
    result = empty_app.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert table_names(empty_app) == {"alembic_version", "user", "post", "tag", "post_tags", "comment"}


def test_db_downgrade_removes_them(empty_app):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["db", "downgrade", "base"])
    assert result.exit_code == 0, result.output
    assert table_names(empty_app) == {"alembic_version"}


def test_the_migrations_match_the_models(empty_app):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    # `flask db check` fails when the models need a new migration
    result = runner.invoke(args=["db", "check"])
    assert result.exit_code == 0, result.output


def test_seed(empty_app):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "Added 2 users and 3 posts." in result.output
    with empty_app.app_context():
        ada = db.session.scalar(db.select(User).filter_by(username="ada"))
        assert ada.check_password("inkpot-demo")
        assert [post.slug for post in Post.query.order_by(Post.id)] == ["hello-inkpot", "why-we-write", "a-draft"]
        assert db.session.scalar(db.select(Post).filter_by(slug="a-draft")).published is False


def test_seed_twice(empty_app):
    runner = empty_app.test_cli_runner()
    runner.invoke(args=["db", "upgrade"])
    result = runner.invoke(args=["seed", "--password", "secret-one"])
    assert "Added 2 users" in result.output
    result = runner.invoke(args=["seed"])
    assert "The sample data is there already." in result.output
    with empty_app.app_context():
        assert User.query.count() == 2
        assert User.query.first().check_password("secret-one")


def test_seed_on_the_test_database(runner):
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0
    assert "The sample data is there already." in result.output
