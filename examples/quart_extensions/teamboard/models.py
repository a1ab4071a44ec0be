"""Users and notes, stored in SQLite.

``User`` is what Flask-Login keeps in ``current_user``: ``UserMixin`` adds
``is_authenticated``, ``is_active`` and ``get_id()`` based on ``id``.
"""

from dataclasses import dataclass
from datetime import datetime
from werkzeug.security import check_password_hash, generate_password_hash

from .db import get_db
from .extensions import login_manager

MAX_TITLE_LENGTH = 120
MAX_BODY_LENGTH = 5000


class User:
    """A member of the team."""

    def __init__(self, id, username, password_hash, created=None):
        self.id = id
        self.username = username
        self.password_hash = password_hash
        self.created = created

    def __repr__(self):
        return f"<User {self.id} {self.username!r}>"

    @classmethod
    def from_row(cls, row):
        return cls(row["id"], row["username"], row["password_hash"], row["created"])

    @classmethod
    def get(cls, user_id):
        """Return the user with this id, or ``None``."""
        row = get_db().execute("SELECT * FROM user WHERE id = ?", (user_id,)).fetchone()
        return cls.from_row(row) if row is not None else None

    @classmethod
    def get_by_username(cls, username):
        """Return the user with this name, or ``None``."""
        row = get_db().execute("SELECT * FROM user WHERE username = ?", (username,)).fetchone()
        return cls.from_row(row) if row is not None else None

    @classmethod
    def create(cls, username, password):
        """Store a new user with a hash of ``password`` and return it."""
        db = get_db()
        cursor = db.execute(
            "INSERT INTO user (username, password_hash) VALUES (?, ?)",
            (username, generate_password_hash(password)),
        )
        db.commit()
        return cls.get(cursor.lastrowid)

    def check_password(self, password):
        return check_password_hash(self.password_hash, password)

    def to_dict(self):
        return {"id": self.id, "username": self.username}


@login_manager.user_loader
def load_user(user_id):
    """Flask-Login calls this with the id kept in the session."""
    return User.get(int(user_id))


@dataclass
class Note:
    """A note on the board."""

    owner_id: int
    title: str
    body: str = ""
    shared: bool = False
    id: int | None = None
    created: datetime | None = None
    # the owner's name, filled in when a note is read from the database
    author: str | None = None

    _SELECT = (
        "SELECT n.id, n.owner_id, n.title, n.body, n.shared, n.created, u.username AS author"
        " FROM note n JOIN user u ON u.id = n.owner_id"
    )

    @classmethod
    def from_row(cls, row):
        return cls(
            id=row["id"],
            owner_id=row["owner_id"],
            title=row["title"],
            body=row["body"],
            shared=bool(row["shared"]),
            created=row["created"],
            author=row["author"],
        )

    @classmethod
    def for_owner(cls, owner_id):
        """All notes of one user, newest first."""
        rows = (
            get_db()
            .execute(
                cls._SELECT + " WHERE n.owner_id = ? ORDER BY n.created DESC, n.id DESC",
                (owner_id,),
            )
            .fetchall()
        )
        return [cls.from_row(row) for row in rows]

    @classmethod
    def shared_with(cls, user_id):
        """The notes other team members shared, newest first."""
        rows = (
            get_db()
            .execute(
                cls._SELECT
                + " WHERE n.shared = 1 AND n.owner_id != ? ORDER BY n.created DESC, n.id DESC",
                (user_id,),
            )
            .fetchall()
        )
        return [cls.from_row(row) for row in rows]

    @classmethod
    def get_owned(cls, note_id, owner_id):
        """The note ``note_id`` if ``owner_id`` owns it, else ``None``.

        Callers answer 404 in both cases, so other users' notes are not
        even revealed to exist.
        """
        row = (
            get_db()
            .execute(cls._SELECT + " WHERE n.id = ? AND n.owner_id = ?", (note_id, owner_id))
            .fetchone()
        )
        return cls.from_row(row) if row is not None else None

    def save(self):
        """Insert the note, or update it when it has an id."""
        db = get_db()
        if self.id is None:
            cursor = db.execute(
                "INSERT INTO note (owner_id, title, body, shared) VALUES (?, ?, ?, ?)",
                (self.owner_id, self.title, self.body, int(self.shared)),
            )
            self.id = cursor.lastrowid
        else:
            db.execute(
                "UPDATE note SET title = ?, body = ?, shared = ? WHERE id = ?",
                (self.title, self.body, int(self.shared), self.id),
            )
        db.commit()

    def delete(self):
        db = get_db()
        db.execute("DELETE FROM note WHERE id = ?", (self.id,))
        db.commit()

    def to_dict(self):
        return {
            "id": self.id,
            "title": self.title,
            "body": self.body,
            "shared": self.shared,
            "author": self.author,
            "created": self.created.isoformat() if self.created else None,
        }
