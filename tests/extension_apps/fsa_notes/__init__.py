"""Flask-SQLAlchemy 3.x: models with ``query`` and automatic table names, a bind, pagination,
the ``*_or_404`` helpers, ``db.select``, ``db.engine``."""

from __future__ import annotations

from flask import Flask, abort, jsonify, request
from flask_sqlalchemy import SQLAlchemy
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


db = SQLAlchemy(model_class=Base)


class Author(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(unique=True)
    notes: Mapped[list[NoteItem]] = relationship(back_populates="author")


class NoteItem(db.Model):
    id: Mapped[int] = mapped_column(primary_key=True)
    text: Mapped[str]
    author_id: Mapped[int] = mapped_column(db.ForeignKey("author.id"))
    author: Mapped[Author] = relationship(back_populates="notes")


class AuditLog(db.Model):
    __bind_key__ = "audit"
    id: Mapped[int] = mapped_column(primary_key=True)
    event: Mapped[str]


def init_db() -> None:
    """Run in an app context (the tests do, as a CLI command would)."""
    db.drop_all()
    db.create_all()
    db.session.add(Author(name="ada"))
    db.session.commit()


def create_app(config: dict[str, object] | None = None) -> Flask:
    app = Flask(__name__)
    app.config.update(SQLALCHEMY_DATABASE_URI="sqlite://", SQLALCHEMY_BINDS={"audit": "sqlite://"})
    app.config.update(config or {})
    db.init_app(app)

    @app.post("/notes")
    def add_note():
        author = db.first_or_404(db.select(Author).filter_by(name=request.form["author"]))
        note = NoteItem(text=request.form["text"], author=author)
        db.session.add(note)
        db.session.add(AuditLog(event=f"add {note.text}"))
        db.session.commit()
        return jsonify(id=note.id, text=note.text, author=note.author.name), 201

    @app.get("/notes")
    def list_notes():
        page = db.paginate(db.select(NoteItem).order_by(NoteItem.id), per_page=2)
        return jsonify(
            items=[n.text for n in page.items], page=page.page, pages=page.pages, total=page.total,
            has_next=page.has_next,
        )

    @app.get("/query-page")
    def query_page():
        page = NoteItem.query.order_by(NoteItem.id.desc()).paginate(per_page=2, error_out=False)
        return jsonify(items=[n.text for n in page.items], total=page.total)

    @app.get("/notes/<int:note_id>")
    def get_note(note_id: int):
        note = db.get_or_404(NoteItem, note_id, description="no such note")
        return jsonify(text=note.text, author=note.author.name)

    @app.get("/one/<int:note_id>")
    def one_note(note_id: int):
        note = db.one_or_404(db.select(NoteItem).filter_by(id=note_id))
        return jsonify(text=note.text)

    @app.get("/count")
    def count():
        return jsonify(notes=NoteItem.query.count(), by_ada=NoteItem.query.join(Author).filter(
            Author.name == "ada").count(), audit=db.session.execute(db.select(db.func.count(AuditLog.id))).scalar())

    @app.get("/meta")
    def meta():
        return jsonify(
            tables=sorted(db.metadata.tables), driver=db.engine.url.drivername,
            binds=sorted(key or "" for key in db.engines),
        )

    @app.post("/notes/<int:note_id>/delete")
    def delete(note_id: int):
        note = db.session.get(NoteItem, note_id)
        if note is None:
            abort(404)
        db.session.delete(note)
        db.session.commit()
        return "", 204

    return app
