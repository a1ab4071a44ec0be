"""The JSON API, with Flask-RESTful.

Reading is open to everyone; writing needs the API token of the user (in
their welcome mail): ``Authorization: Bearer <token>``.
"""

import functools

from quart import Blueprint, g, request, url_for
from .restful import Api, Resource, abort, fields, marshal_with, reqparse

from .extensions import csrf, db, limiter
from .models import MAX_TITLE_LENGTH, Post, Tag, User, post_tags

bp = Blueprint("api", __name__, url_prefix="/api")
api = Api(bp)

# API clients send a token, not a session cookie: a form token would not fit
csrf.exempt(bp)
# scripts are allowed more than browsers, but not unlimited
limiter.limit("60 per minute")(bp)

MAX_PER_PAGE = 50


def token_required(method):
    """Set ``g.api_user`` from the bearer token; 401 without a valid one."""

    @functools.wraps(method)
    def wrapper(*args, **kwargs):
        scheme, _, token = request.headers.get("Authorization", "").partition(" ")
        user = None
        if scheme.lower() == "bearer" and token:
            user = db.session.scalar(db.select(User).filter_by(api_token=token))
        if user is None:
            abort(401, message="A valid API token is required.")
        g.api_user = user
        return method(*args, **kwargs)

    return wrapper


post_fields = {
    "id": fields.Integer,
    "title": fields.String,
    "slug": fields.String,
    "body": fields.String,
    "published": fields.Boolean,
    "author": fields.String(attribute="author.username"),
    "tags": fields.List(fields.String(attribute="name")),
    "comment_count": fields.Integer,
    "created_at": fields.DateTime(dt_format="iso8601"),
}

page_fields = {
    "items": fields.List(fields.Nested(post_fields)),
    "page": fields.Integer,
    "pages": fields.Integer,
    "per_page": fields.Integer,
    "total": fields.Integer,
    "has_next": fields.Boolean,
}

user_fields = {
    "username": fields.String,
    "joined": fields.DateTime(dt_format="iso8601", attribute="created_at"),
    "post_count": fields.Integer,
}

tag_fields = {
    "name": fields.String,
    "post_count": fields.Integer,
}


def title(value):
    """A reqparse type: a non-empty title of at most MAX_TITLE_LENGTH characters."""
    value = str(value).strip()
    if not value:
        raise ValueError("The title must not be empty.")
    if len(value) > MAX_TITLE_LENGTH:
        raise ValueError(f"The title has at most {MAX_TITLE_LENGTH} characters.")
    return value


list_parser = reqparse.RequestParser()
list_parser.add_argument("page", type=int, default=1, location="args")
list_parser.add_argument("per_page", type=int, default=10, location="args")
list_parser.add_argument("tag", type=str, location="args")

new_post_parser = reqparse.RequestParser()
new_post_parser.add_argument("title", type=title, required=True, help="{error_msg}")
new_post_parser.add_argument("body", type=str, required=True, help="The text of the post.")
new_post_parser.add_argument("tags", type=str, action="append", default=[])
new_post_parser.add_argument("published", type=bool, default=True)

edit_post_parser = reqparse.RequestParser()
edit_post_parser.add_argument("title", type=title, help="{error_msg}")
edit_post_parser.add_argument("body", type=str)
edit_post_parser.add_argument("tags", type=str, action="append")
edit_post_parser.add_argument("published", type=bool)


def visible_post(post_id):
    """The post ``post_id``, unless it is a draft: 404 then."""
    post = db.get_or_404(Post, post_id)
    if not post.published:
        abort(404, message=f"Post {post_id} is not published.")
    return post


class PostList(Resource):
    method_decorators = {"post": [token_required]}

    @marshal_with(page_fields)
    async def get(self):
        args = list_parser.parse_args()
        if args["page"] < 1 or args["per_page"] < 1:
            abort(400, message="page and per_page start at 1.")
        query = (
            db.select(Post)
            .where(Post.published.is_(True))
            .order_by(Post.created_at.desc(), Post.id.desc())
        )
        if args["tag"]:
            query = query.where(Post.tags.any(Tag.name == args["tag"].lower()))
        return db.paginate(
            query,
            page=args["page"],
            per_page=args["per_page"],
            max_per_page=MAX_PER_PAGE,
            error_out=False,
        )

    @marshal_with(post_fields)
    async def post(self):
        args = new_post_parser.parse_args()
        post = Post(title=args["title"], body=args["body"], published=args["published"])
        post.make_slug()
        post.author = g.api_user
        db.session.add(post)
        post.set_tags(args["tags"])
        db.session.commit()
        return post, 201, {"Location": url_for("api.post", post_id=post.id)}


class PostItem(Resource):
    method_decorators = {"put": [token_required], "delete": [token_required]}

    @marshal_with(post_fields)
    async def get(self, post_id):
        return visible_post(post_id)

    def own_post(self, post_id):
        post = db.get_or_404(Post, post_id)
        if post.author_id != g.api_user.id:
            abort(403, message="You can only change your own posts.")
        return post

    @marshal_with(post_fields)
    async def put(self, post_id):
        post = self.own_post(post_id)
        args = edit_post_parser.parse_args()
        for name in ("title", "body", "published"):
            if args[name] is not None:
                setattr(post, name, args[name])
        if args["tags"] is not None:
            post.set_tags(args["tags"])
        db.session.commit()
        return post

    async def delete(self, post_id):
        db.session.delete(self.own_post(post_id))
        db.session.commit()
        return "", 204


class UserItem(Resource):
    @marshal_with(user_fields)
    async def get(self, username):
        user = db.one_or_404(
            db.select(User).filter_by(username=username),
            description=f"There is no user {username}.",
        )
        user.post_count = db.session.scalar(
            db.select(db.func.count(Post.id)).filter_by(author_id=user.id, published=True)
        )
        return user


class TagList(Resource):
    @marshal_with(tag_fields)
    async def get(self):
        rows = db.session.execute(
            db.select(Tag.name, db.func.count(post_tags.c.post_id).label("post_count"))
            .join(post_tags, post_tags.c.tag_id == Tag.id)
            .group_by(Tag.id)
            .order_by(db.desc("post_count"), Tag.name)
        )
        return [row._asdict() for row in rows]


api.add_resource(PostList, "/posts", endpoint="posts")
api.add_resource(PostItem, "/posts/<int:post_id>", endpoint="post")
api.add_resource(UserItem, "/users/<username>", endpoint="user")
api.add_resource(TagList, "/tags", endpoint="tags")
