"""The rows of every test database, and an app that has them."""

from datetime import datetime, timedelta

from inkpot.extensions import db
from inkpot.models import Comment, Post, User
from werkzeug.security import generate_password_hash

START = datetime(2026, 1, 1, 9, 0)
# hashing is slow on purpose: once per test session is enough
PASSWORD_HASHES = {name: generate_password_hash(f"{name}-password") for name in ("ada", "grace")}


def populate():
    """The rows of every test database: two authors, nine posts (one of them
    a draft), three tags and two comments."""
    ada = User(username="ada", email="ada@example.com", api_token="ada-token", created_at=START)
    ada.password_hash = PASSWORD_HASHES["ada"]
    grace = User(username="grace", email="grace@example.com", api_token="grace-token", created_at=START)
    grace.password_hash = PASSWORD_HASHES["grace"]
    db.session.add_all([ada, grace])

    for n in range(1, 8):
        post = Post(
            title=f"Ada's post {n}",
            body=f"Text number {n}.",
            author=ada,
            created_at=START + timedelta(days=n),
        )
        post.make_slug()
        db.session.add(post)
        post.set_tags(["python", "flask"] if n % 2 else ["python"])
        db.session.flush()

    draft = Post(title="Unfinished", body="Soon.", author=ada, published=False, created_at=START + timedelta(days=8))
    draft.make_slug()
    db.session.add(draft)

    notes = Post(title="Grace's notes", body="Compilers!", author=grace, created_at=START + timedelta(days=9))
    notes.make_slug()
    db.session.add(notes)
    notes.set_tags(["compilers", "python"])
    db.session.flush()
    notes.comments.append(Comment(body="Great read.", author=ada, created_at=START + timedelta(days=10)))
    notes.comments.append(Comment(body="Thank you!", author=grace, created_at=START + timedelta(days=11)))
    db.session.commit()


def populated(app):
    """``app`` with the tables and the sample rows."""
    with app.app_context():
        db.create_all()
        populate()
    return app
