"""``flask seed``: sample users and posts for a development database."""

import click
from flask.cli import with_appcontext

from .extensions import db
from .models import Comment, Post, User

SAMPLE_POSTS = [
    ("Hello, inkpot", "The first post of this blog.", ["news"]),
    ("Why we write", "Writing is thinking on paper.", ["writing", "essays"]),
    ("A draft", "Not ready yet.", []),
]


@click.command("seed")
@click.option("--password", default="inkpot-demo", help="The password of the sample users.")
@with_appcontext
def seed_command(password):
    """Add the users ada and grace with a few posts, unless they exist."""
    if db.session.scalar(db.select(User).filter_by(username="ada")) is not None:
        click.echo("The sample data is there already.")
        return
    ada = User(username="ada", email="ada@example.com")
    grace = User(username="grace", email="grace@example.com")
    for user in (ada, grace):
        user.set_password(password)
        db.session.add(user)
    for title, body, tags in SAMPLE_POSTS:
        post = Post(title=title, body=body, published=title != "A draft", author=ada)
        post.make_slug()
        db.session.add(post)
        post.set_tags(tags)
    db.session.flush()
    ada.posts[-1].comments.append(Comment(body="Welcome!", author=grace))
    db.session.commit()
    click.echo(f"Added 2 users and {len(SAMPLE_POSTS)} posts.")
