"""The board: HTML pages to read, write and delete notes."""

from quart import Blueprint, abort, flash, redirect, render_template, url_for
from quart_auth import current_user, login_required

from .forms import NoteForm
from .models import Note

bp = Blueprint("board", __name__)


def get_own_note_or_404(note_id):
    """The current user's note ``note_id``; 404 for missing and other users' notes."""
    note = Note.get_owned(note_id, current_user.id)
    if note is None:
        abort(404)
    return note


@bp.route("/")
@login_required
async def index():
    """The user's own notes, and the notes the rest of the team shared."""
    return await render_template(
        "board/index.html",
        own_notes=Note.for_owner(current_user.id),
        shared_notes=Note.shared_with(current_user.id),
    )


@bp.route("/notes/new", methods=("GET", "POST"))
@login_required
async def create():
    form = await NoteForm.create_form()
    if await form.validate_on_submit():
        note = Note(owner_id=current_user.id, title="")
        form.populate_obj(note)
        note.save()
        await flash(f"Added {note.title}.", "success")
        return redirect(url_for("board.index"))

    return await render_template("board/note_form.html", form=form, note=None)


@bp.route("/notes/<int:note_id>/edit", methods=("GET", "POST"))
@login_required
async def edit(note_id):
    note = get_own_note_or_404(note_id)
    # on GET the fields start with the note's values, on POST with the submitted ones
    form = await NoteForm.create_form(obj=note)
    if await form.validate_on_submit():
        form.populate_obj(note)
        note.save()
        await flash(f"Saved {note.title}.", "success")
        return redirect(url_for("board.index"))

    return await render_template("board/note_form.html", form=form, note=note)


@bp.route("/notes/<int:note_id>/delete", methods=("POST",))
@login_required
async def delete(note_id):
    # the template sends csrf_token(); CSRFProtect checks it before this runs
    note = get_own_note_or_404(note_id)
    note.delete()
    await flash(f"Deleted {note.title}.", "info")
    return redirect(url_for("board.index"))
