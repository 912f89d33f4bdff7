import secrets
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from itsdangerous import BadData, URLSafeTimedSerializer
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db, login_manager
from ..models import User
from ..services.accounts import authenticate, end_login, start_login, user_of_login
from ..services.throttle import LOGINS_PER_ACCOUNT, LOGINS_PER_ADDRESS, limiter, wait_message
from . import bp

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to open this page."
login_manager.session_protection = "basic"


LOGIN_TOKEN = "login"  # session key: the LoginSession this browser holds
KNOWN_DEVICE = "known_device"  # cookie: this browser logged in as this user before
KNOWN_DEVICE_DAYS = 90


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    """Only a login that was not revoked or expired counts, on pages and on sockets alike."""
    return user_of_login(session.get(LOGIN_TOKEN), user_id)


class LoginForm(FlaskForm):
    username = StringField("Username", validators=[DataRequired(), Length(max=64)])
    password = PasswordField("Password", validators=[DataRequired(), Length(max=256)])


def _safe_next(target: str | None) -> str:
    """Only follow `next` to a path on this site, never to another host."""
    if target:
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and not target.startswith("//"):
            return target
    return url_for("main.home")


def _devices() -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(current_app.config["SECRET_KEY"], salt="known-device")


def _login_scopes(username: str, address: str) -> list:
    """Where failures count and waits apply.

    Failures slow down the account from every address and the address across accounts. A browser that
    logged in as this user before counts on its own instead: whoever guesses the owner's password from
    elsewhere cannot keep the owner out (the wait is capped, and the owner's own browser is not held up).
    """
    try:
        known = _devices().loads(request.cookies.get(KNOWN_DEVICE, ""), max_age=KNOWN_DEVICE_DAYS * 86400)
    except BadData:
        known = None
    if isinstance(known, list) and len(known) == 2 and known[0] == username:
        return [(LOGINS_PER_ACCOUNT, f"{username}:device:{known[1]}")]
    return [(LOGINS_PER_ACCOUNT, username), (LOGINS_PER_ADDRESS, address)]


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success go where the user was heading."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        username = form.username.data.strip().lower()
        scopes = _login_scopes(username, request.remote_addr or "unknown")
        wait = limiter().wait(*scopes)
        if wait:
            # Refused before the password is checked, even a right one: otherwise guessing would go on.
            flash(f"Too many failed attempts. {wait_message(wait)}", "error")
            return render_template("auth/login.html", form=form), 429, {"Retry-After": str(wait)}
        user = authenticate(form.username.data, form.password.data)
        if user:
            session.permanent = True  # the cookie outlives the browser window, up to LOGIN_HOURS
            session[LOGIN_TOKEN] = start_login(user, current_app.config["LOGIN_HOURS"])
            db.session.commit()
            login_user(user)
            response = redirect(_safe_next(request.args.get("next")))
            response.set_cookie(KNOWN_DEVICE, _devices().dumps([username, secrets.token_urlsafe(8)]),
                                max_age=KNOWN_DEVICE_DAYS * 86400, httponly=True, samesite="Lax",
                                secure=current_app.config["SESSION_COOKIE_SECURE"])
            return response
        limiter().failed(*scopes)
        flash("Wrong username or password.", "error")
        return render_template("auth/login.html", form=form), 401
    return render_template("auth/login.html", form=form)


@bp.route("/logout", methods=["POST"])
@login_required
def logout():
    """Log out (POST with a CSRF token, so another site cannot log you out); ends this login everywhere."""
    end_login(session.pop(LOGIN_TOKEN, None))
    db.session.commit()
    logout_user()
    flash("You are logged out.", "info")
    return redirect(url_for("auth.login"))
