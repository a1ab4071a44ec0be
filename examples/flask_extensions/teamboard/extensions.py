"""The Flask extensions used by teamboard.

The extension objects are created here without an app and bound to one in
``create_app`` (``init_app``), so blueprints can import them without a
circular import.
"""

from flask_cors import CORS
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_wtf.csrf import CSRFProtect

# sessions and @login_required
login_manager = LoginManager()
# where @login_required sends anonymous visitors, and what it tells them
login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to see the team board."
login_manager.login_message_category = "info"

# checks the token of every form POST (the JSON API is exempted in api.py)
csrf = CSRFProtect()

# limits for every route, counted per client address; single routes add
# stricter ones with @limiter.limit
limiter = Limiter(get_remote_address, default_limits=["200 per day", "50 per hour"])

# cross-origin access for the JavaScript frontend, configured in create_app
cors = CORS()
