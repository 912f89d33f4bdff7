from urllib.parse import urlsplit

from flask import current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user
from flask_wtf import FlaskForm
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length

from ..extensions import db, login_manager
from ..models import User
from ..services.accounts import authenticate, end_login, start_login, user_of_login
from ..services.throttle import FailedLogins
from . import bp

failed_logins = FailedLogins()

login_manager.login_view = "auth.login"
login_manager.login_message = "Please log in to open this page."
login_manager.session_protection = "basic"


LOGIN_TOKEN = "login"  # session key: the LoginSession this browser holds


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


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; on success go where the user was heading."""
    if current_user.is_authenticated:
        return redirect(url_for("main.home"))
    form = LoginForm()
    if form.validate_on_submit():
        address = request.remote_addr or "unknown"
        wait = failed_logins.retry_after(form.username.data, address)
        if wait:
            flash(f"Too many failed attempts. Try again in {(wait + 59) // 60} minute(s).", "error")
            return render_template("auth/login.html", form=form), 429
        user = authenticate(form.username.data, form.password.data)
        if user:
            failed_logins.succeeded(form.username.data, address)
            session.permanent = True  # the cookie outlives the browser window, up to LOGIN_HOURS
            session[LOGIN_TOKEN] = start_login(user, current_app.config["LOGIN_HOURS"])
            db.session.commit()
            login_user(user)
            return redirect(_safe_next(request.args.get("next")))
        failed_logins.failed(form.username.data, address)
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
