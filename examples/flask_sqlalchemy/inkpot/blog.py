"""The HTML pages: the front page, posts, tags and authors."""

from flask import Blueprint, abort, current_app, flash, g, redirect, render_template, request, url_for

from .auth import login_required
from .extensions import db
from .forms import CommentForm, PostForm
from .models import Comment, Post, Tag, User

bp = Blueprint("blog", __name__)


def published_posts():
    """The query of the posts everyone may read, the newest first."""
    return (
        db.select(Post)
        .where(Post.published.is_(True))
        .order_by(Post.created_at.desc(), Post.id.desc())
    )


def get_own_post(post_id):
    """The post ``post_id`` if the current user wrote it: 404 if there is no
    such post, 403 if it is someone else's."""
    post = db.get_or_404(Post, post_id)
    if post.author_id != g.user.id:
        abort(403)
    return post


@bp.route("/")
def index():
    # ?page=N; a page past the last one is a 404
    page = db.paginate(published_posts(), per_page=current_app.config["POSTS_PER_PAGE"])
    return render_template("blog/index.html", page=page)


@bp.route("/post/<slug>")
def post_detail(slug):
    post = db.first_or_404(db.select(Post).filter_by(slug=slug))
    if not post.published and (g.user is None or g.user.id != post.author_id):
        abort(404)
    return render_template("blog/post.html", post=post, form=CommentForm())


@bp.route("/post/<slug>/comment", methods=("POST",))
@login_required
def add_comment(slug):
    post = db.first_or_404(db.select(Post).filter_by(slug=slug, published=True))
    form = CommentForm()
    if form.validate_on_submit():
        post.comments.append(Comment(body=form.body.data, author=g.user))
        db.session.commit()
        flash("Thanks for your comment.", "success")
        return redirect(url_for("blog.post_detail", slug=post.slug))
    return render_template("blog/post.html", post=post, form=form), 400


@bp.route("/create", methods=("GET", "POST"))
@login_required
def create():
    form = PostForm()
    if form.validate_on_submit():
        post = Post(title=form.title.data, body=form.body.data, published=form.published.data)
        post.make_slug()
        post.author = g.user
        db.session.add(post)
        post.set_tags(form.tag_names())
        db.session.commit()
        flash("Your post is saved.", "success")
        return redirect(url_for("blog.post_detail", slug=post.slug))
    return render_template("blog/post_form.html", form=form, post=None)


@bp.route("/post/<int:post_id>/edit", methods=("GET", "POST"))
@login_required
def edit(post_id):
    post = get_own_post(post_id)
    form = PostForm(obj=post)
    if request.method == "GET":
        form.tags.data = post.tag_list
    if form.validate_on_submit():
        post.title = form.title.data
        post.body = form.body.data
        post.published = form.published.data
        post.set_tags(form.tag_names())
        db.session.commit()
        flash("Your post is updated.", "success")
        return redirect(url_for("blog.post_detail", slug=post.slug))
    return render_template("blog/post_form.html", form=form, post=post)


@bp.route("/post/<int:post_id>/delete", methods=("POST",))
@login_required
def delete(post_id):
    post = get_own_post(post_id)
    db.session.delete(post)
    db.session.commit()
    flash("The post is deleted.", "info")
    return redirect(url_for("blog.index"))


@bp.route("/tag/<name>")
def tag(name):
    tag = Tag.query.filter_by(name=name.lower()).first_or_404()
    page = (
        Post.query.filter(Post.tags.contains(tag), Post.published.is_(True))
        .order_by(Post.created_at.desc(), Post.id.desc())
        .paginate(per_page=current_app.config["POSTS_PER_PAGE"], error_out=False)
    )
    return render_template("blog/tag.html", tag=tag, page=page)


@bp.route("/author/<username>")
def author(username):
    user = User.query.filter_by(username=username).first_or_404()
    page = db.paginate(
        published_posts().where(Post.author_id == user.id),
        per_page=current_app.config["POSTS_PER_PAGE"],
    )
    return render_template("blog/author.html", author=user, page=page)


@bp.route("/drafts")
@login_required
def drafts():
    posts = db.session.scalars(
        db.select(Post)
        .filter_by(author_id=g.user.id, published=False)
        .order_by(Post.created_at.desc())
    ).all()
    return render_template("blog/drafts.html", posts=posts)
