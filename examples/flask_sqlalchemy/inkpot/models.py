"""The blog's tables: users write posts, posts have tags and comments.

- a user has many posts and many comments (one-to-many; they are deleted
  with the user)
- a post has many comments (deleted with the post) and many tags, a tag
  many posts (many-to-many, through ``post_tags``)
"""

import re
import secrets
from datetime import datetime, timezone

from werkzeug.security import check_password_hash, generate_password_hash

from .extensions import db

MAX_TITLE_LENGTH = 120
MAX_TAG_LENGTH = 30


def utcnow():
    return datetime.now(timezone.utc).replace(tzinfo=None)


def slugify(text):
    """``"Hello, World!"`` -> ``"hello-world"``."""
    slug = re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")
    return slug or "post"


post_tags = db.Table(
    "post_tags",
    db.Column("post_id", db.Integer, db.ForeignKey("post.id"), primary_key=True),
    db.Column("tag_id", db.Integer, db.ForeignKey("tag.id"), primary_key=True),
)


class User(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    username = db.Column(db.String(40), unique=True, nullable=False)
    email = db.Column(db.String(120), unique=True, nullable=False)
    password_hash = db.Column(db.String(256), nullable=False)
    # the key of the JSON API: "Authorization: Bearer <api_token>"
    api_token = db.Column(
        db.String(64), unique=True, nullable=False, default=lambda: secrets.token_hex(16)
    )
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)

    posts = db.relationship(
        "Post",
        back_populates="author",
        cascade="all, delete-orphan",
        order_by="Post.created_at.desc()",
    )
    comments = db.relationship("Comment", back_populates="author", cascade="all, delete-orphan")

    def set_password(self, password):
        self.password_hash = generate_password_hash(password)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def __repr__(self):
        return f"<User {self.username}>"


class Tag(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    name = db.Column(db.String(MAX_TAG_LENGTH), unique=True, nullable=False)

    posts = db.relationship("Post", secondary=post_tags, back_populates="tags")

    @classmethod
    def get_or_create(cls, name):
        """The tag called ``name`` (lower case), added to the session if new."""
        name = name.strip().lower()
        tag = cls.query.filter_by(name=name).first()
        if tag is None:
            tag = cls(name=name)
            db.session.add(tag)
        return tag

    def __repr__(self):
        return f"<Tag {self.name}>"


class Post(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    title = db.Column(db.String(MAX_TITLE_LENGTH), nullable=False)
    slug = db.Column(db.String(MAX_TITLE_LENGTH + 10), unique=True, nullable=False)
    body = db.Column(db.Text, nullable=False)
    published = db.Column(db.Boolean, nullable=False, default=True)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    updated_at = db.Column(db.DateTime, nullable=True, onupdate=utcnow)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)

    author = db.relationship("User", back_populates="posts")
    tags = db.relationship(
        "Tag", secondary=post_tags, back_populates="posts", order_by="Tag.name"
    )
    comments = db.relationship(
        "Comment",
        back_populates="post",
        cascade="all, delete-orphan",
        order_by="Comment.created_at",
    )

    @property
    def comment_count(self):
        return len(self.comments)

    @property
    def tag_list(self):
        """The tags as the comma-separated text of the post form."""
        return ", ".join(tag.name for tag in self.tags)

    def set_tags(self, names):
        """Replace the tags with those named in ``names`` (an iterable of str)."""
        wanted = []
        for name in names:
            name = name.strip().lower()
            if name and name not in wanted:
                wanted.append(name)
        self.tags = [Tag.get_or_create(name) for name in wanted]

    def make_slug(self):
        """A slug from the title that no other post uses yet."""
        base = slugify(self.title)
        slug, n = base, 2
        # this post may not be complete yet: do not flush it while looking
        with db.session.no_autoflush:
            while db.session.scalar(
                db.select(Post.id).where(Post.slug == slug, Post.id != self.id)
            ):
                slug, n = f"{base}-{n}", n + 1
        self.slug = slug

    def __repr__(self):
        return f"<Post {self.slug}>"


class Comment(db.Model):
    id = db.Column(db.Integer, primary_key=True)
    body = db.Column(db.Text, nullable=False)
    created_at = db.Column(db.DateTime, nullable=False, default=utcnow)
    post_id = db.Column(db.Integer, db.ForeignKey("post.id"), nullable=False)
    author_id = db.Column(db.Integer, db.ForeignKey("user.id"), nullable=False)

    post = db.relationship("Post", back_populates="comments")
    author = db.relationship("User", back_populates="comments")

    def __repr__(self):
        return f"<Comment {self.id} on {self.post_id}>"
