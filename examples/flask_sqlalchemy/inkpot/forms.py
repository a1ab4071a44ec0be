"""The HTML forms, with Flask-WTF (validation and a CSRF token)."""

from flask_wtf import FlaskForm
from wtforms import BooleanField, PasswordField, StringField, TextAreaField
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from .extensions import db
from .models import MAX_TAG_LENGTH, MAX_TITLE_LENGTH, User

# good enough to catch typos; the welcome mail proves the address works
EMAIL_PATTERN = r"^[^@\s]+@[^@\s]+\.[^@\s]+$"


class SignupForm(FlaskForm):
    username = StringField(
        "Username",
        validators=[
            DataRequired(),
            Length(min=3, max=40),
            Regexp(r"^[A-Za-z0-9_]+$", message="Letters, digits and _ only."),
        ],
    )
    email = StringField(
        "Email",
        validators=[DataRequired(), Length(max=120), Regexp(EMAIL_PATTERN, message="Invalid email address.")],
    )
    password = PasswordField("Password", validators=[DataRequired(), Length(min=8)])
    confirm = PasswordField(
        "Repeat password", validators=[EqualTo("password", message="Passwords must match.")]
    )

    def validate_username(self, field):
        if db.session.scalar(db.select(User.id).filter_by(username=field.data)):
            raise ValidationError("That username is taken.")

    def validate_email(self, field):
        if db.session.scalar(db.select(User.id).filter_by(email=field.data.lower())):
            raise ValidationError("An account with that email exists already.")


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired()])
    password = PasswordField("Password", validators=[DataRequired()])


class PostForm(FlaskForm):
    title = StringField("Title", validators=[DataRequired(), Length(max=MAX_TITLE_LENGTH)])
    body = TextAreaField("Text", validators=[DataRequired()])
    tags = StringField("Tags (separated by commas)", validators=[Optional(), Length(max=200)])
    published = BooleanField("Published", default=True)

    def tag_names(self):
        return [name.strip() for name in (self.tags.data or "").split(",") if name.strip()]

    def validate_tags(self, field):
        for name in self.tag_names():
            if len(name) > MAX_TAG_LENGTH:
                raise ValidationError(f"A tag has at most {MAX_TAG_LENGTH} characters.")


class CommentForm(FlaskForm):
    body = TextAreaField("Comment", validators=[DataRequired(), Length(max=2000)])
