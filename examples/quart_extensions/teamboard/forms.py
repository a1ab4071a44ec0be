"""The HTML forms, declared with Flask-WTF.

``FlaskForm`` reads the submitted data from the request by itself and adds a
hidden ``csrf_token`` field when CSRF protection is on.
"""

from quart_wtf import QuartForm
from wtforms import BooleanField, PasswordField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp, ValidationError

from .models import MAX_BODY_LENGTH, MAX_TITLE_LENGTH, User

USERNAME_PATTERN = r"^[A-Za-z0-9_.-]+$"
MIN_PASSWORD_LENGTH = 8


def strip_whitespace(value):
    """Field filter: ignore spaces around what the user typed."""
    return value.strip() if isinstance(value, str) else value


class LoginForm(QuartForm):
    username = StringField(
        "Username",
        filters=[strip_whitespace],
        validators=[DataRequired(message="Please enter your username.")],
    )
    password = PasswordField(
        "Password", validators=[DataRequired(message="Please enter your password.")]
    )
    remember = BooleanField("Keep me logged in")
    submit = SubmitField("Log in")


class RegisterForm(QuartForm):
    username = StringField(
        "Username",
        filters=[strip_whitespace],
        validators=[
            DataRequired(message="Please choose a username."),
            Length(min=3, max=30, message="Usernames are 3 to 30 characters long."),
            Regexp(
                USERNAME_PATTERN,
                message="Use only letters, digits, dots, dashes and underscores.",
            ),
        ],
    )
    password = PasswordField(
        "Password",
        validators=[
            DataRequired(message="Please choose a password."),
            Length(
                min=MIN_PASSWORD_LENGTH,
                message=f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.",
            ),
        ],
    )
    confirm = PasswordField(
        "Repeat the password",
        validators=[
            DataRequired(message="Please repeat the password."),
            EqualTo("password", message="The two passwords do not match."),
        ],
    )
    submit = SubmitField("Create account")

    def validate_username(self, field):
        """WTForms runs ``validate_<field>`` methods after the field's validators."""
        if User.get_by_username(field.data) is not None:
            raise ValidationError(f"The username {field.data} is already taken.")


class NoteForm(QuartForm):
    title = StringField(
        "Title",
        filters=[strip_whitespace],
        validators=[
            DataRequired(message="A note needs a title."),
            Length(
                max=MAX_TITLE_LENGTH,
                message=f"Titles are at most {MAX_TITLE_LENGTH} characters long.",
            ),
        ],
    )
    body = TextAreaField(
        "Text",
        validators=[
            Length(
                max=MAX_BODY_LENGTH,
                message=f"Notes are at most {MAX_BODY_LENGTH} characters long.",
            )
        ],
    )
    shared = BooleanField("Share with the team")
    submit = SubmitField("Save")
