"""The app factory: configuration, extensions, blueprints, socket handlers and error pages."""

import gc
import os
from pathlib import Path

import sqlalchemy as sa
from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import MIGRATIONS_DIR, PROJECT_ROOT
from .config import Config, load_secret_key
from .extensions import csrf, db, login_manager, migrate, socketio
from .services.throttle import limiter_for


def create_app(config_class: type[Config] = Config, **overrides) -> Flask:
    """Build the app: bind extensions, register blueprints and error pages."""
    app = Flask(
        __name__,
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
        instance_path=overrides.pop("INSTANCE_PATH", None) or os.environ.get("FACILITATOR_INSTANCE")
        or str(PROJECT_ROOT / "instance"),
    )
    app.config.from_object(config_class)
    app.config.update(overrides)
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = load_secret_key(app.instance_path)
    if not app.config.get("SQLALCHEMY_DATABASE_URI"):
        app.config["SQLALCHEMY_DATABASE_URI"] = "sqlite:///" + str(Path(app.instance_path) / "facilitator.db")
    from .services.suggestions import EMPTY_VOCABULARY, read_vocabulary

    # The words of the event's subject that the plenary's merge suggestions may treat as one (a file).
    vocabulary_path = app.config.get("SUGGESTIONS_VOCABULARY")
    app.extensions["suggestions_vocabulary"] = read_vocabulary(vocabulary_path) if vocabulary_path \
        else EMPTY_VOCABULARY

    db.init_app(app)
    migrate.init_app(app, db, directory=str(MIGRATIONS_DIR), render_as_batch=True)
    login_manager.init_app(app)
    csrf.init_app(app)
    from .security import register_security_headers, socket_origin_checker

    socketio.init_app(
        app,
        async_mode=app.config["SOCKETIO_ASYNC_MODE"],
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        max_http_buffer_size=app.config["SOCKETIO_MAX_BUFFER_BYTES"],
        cors_allowed_origins=socket_origin_checker(app),
    )
    app.wsgi_app = trust_proxies(app.wsgi_app, app.config["TRUSTED_PROXIES"])  # around Socket.IO's too
    with app.app_context():
        _tune_sqlite(app)
    app.extensions["limiter"] = limiter_for(app.config)

    from . import api, auth, capture, main, plenary, setup
    from .errors import register_error_handlers
    from .formatting import register_filters
    from .realtime import register_handlers
    from .reports.routes import bp as reports_bp

    app.register_blueprint(auth.bp)
    app.register_blueprint(main.bp)
    app.register_blueprint(setup.bp)
    app.register_blueprint(capture.bp)
    app.register_blueprint(api.bp)
    app.register_blueprint(plenary.bp)
    app.register_blueprint(reports_bp)
    register_handlers()
    register_filters(app.jinja_env)
    register_error_handlers(app)
    register_security_headers(app)  # after socketio.init_app: its middleware gets the headers too
    return app


def trust_proxies(wsgi_app, count: int):
    """Behind `count` reverse proxies every request comes from the nearest one: read the client's address
    from X-Forwarded-For, so per-address limits count people, not the proxy."""
    return ProxyFix(wsgi_app, x_for=count) if count else wsgi_app


def settle_for_serving() -> None:
    """Call once the server is built and about to serve (facilitator run, wsgi.py).

    What exists now lives as long as the process: freeze it out of the garbage collector's full passes,
    and make those passes ten times rarer. Under gevent a full pass stops every delivery at once; bench/run.py
    saw pauses of 0.1 s without this, the largest part of B1's tail (docs/performance.md).
    """
    gc.collect()
    gc.freeze()
    young, middle, _ = gc.get_threshold()
    gc.set_threshold(young, middle, 100)


def _tune_sqlite(app: Flask) -> None:
    """WAL lets boards read while a rapporteur writes; the busy timeout waits instead of failing."""
    engine = db.engine
    if engine.dialect.name != "sqlite":
        return
    busy_ms = app.config["SQLITE_BUSY_TIMEOUT_MS"]

    @sa.event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_ms)}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.close()
