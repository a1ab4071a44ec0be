"""The Flask extensions used by inkpot.

They are created here without an app and bound to one in ``create_app``
(``init_app``), so models and blueprints can import them without a circular
import.
"""

from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_mail import Mail
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_talisman import Talisman
from flask_wtf.csrf import CSRFProtect

# the models and the session, configured with SQLALCHEMY_DATABASE_URI
db = SQLAlchemy()

# `flask db upgrade` and friends, with the scripts in migrations/
migrate = Migrate()

# the welcome mail sent on signup
mail = Mail()

# security headers (CSP, frame options...) and the redirect to HTTPS
talisman = Talisman()

# checks the token of every form POST (the JSON API is exempted in api.py)
csrf = CSRFProtect()

# limits for every route, counted per client address; the login form and the
# API have stricter ones
limiter = Limiter(get_remote_address, default_limits=["200 per day", "50 per hour"])
