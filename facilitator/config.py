"""Configuration read from the environment, with safe defaults for a laptop."""

import os
import secrets
from pathlib import Path


def _bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def load_secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or one generated once and kept in the instance folder.

    Keeping it on disk means logins survive a restart without anyone having to invent a secret.
    """
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    path = Path(instance_path) / "secret_key"
    if path.exists():
        return path.read_text().strip()
    key = secrets.token_hex(32)
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL: two processes starting at once must not overwrite each other's key.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_text().strip()
    with os.fdopen(fd, "w") as handle:
        handle.write(key)
    return key


class Config:
    """Settings for a normal run; every value can be set from the environment."""

    # None means "a SQLite file in the instance folder", filled in by create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL") or None
    SECRET_KEY = None  # filled in by create_app via load_secret_key
    SOCKETIO_MESSAGE_QUEUE = os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None
    # gevent, chosen by measurement (docs/performance.md): about half the server CPU per item of threading.
    # `facilitator run` and gunicorn's gevent worker monkey-patch before the app is imported.
    SOCKETIO_ASYNC_MODE = "gevent"
    # Check pooled connections before use: a restarted PostgreSQL must not break the next request.
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("SQLITE_BUSY_TIMEOUT_MS", "5000"))
    MAX_ITEM_LENGTH = int(os.environ.get("MAX_ITEM_LENGTH", "4000"))
    # A room's summary: the session's whole narrative, a few pages at most.
    MAX_SUMMARY_LENGTH = int(os.environ.get("MAX_SUMMARY_LENGTH", "50000"))
    # The socket closes, unanswered, on a message over SOCKETIO_MAX_BUFFER_BYTES (Engine.IO's limit), and an
    # outbox would resend it forever; the capture page refuses to send a mutation over MAX_MESSAGE_BYTES, well
    # under it. An item of MAX_ITEM_LENGTH characters takes at most 6 bytes a character as JSON; a summary of
    # MAX_SUMMARY_LENGTH at most 4 (the page drops the control characters JSON would spell as \u0001).
    SOCKETIO_MAX_BUFFER_BYTES = 1_000_000
    MAX_MESSAGE_BYTES = int(os.environ.get("MAX_MESSAGE_BYTES", str(240 * 1024)))
    # A YAML file of synonyms and generic terms for the plenary's merge suggestions (see
    # facilitator/demo/vocabulary.yaml); none means plain word matching.
    SUGGESTIONS_VOCABULARY = os.environ.get("SUGGESTIONS_VOCABULARY") or None
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL") or None  # e.g. https://facilitator.example.org
    # Snapshot calls (join, sync, plenary:join) per client address and minute: a hall of boards and phones
    # behind one venue NAT address joins at once (and the benchmarks' hundreds of sockets all come from 127.0.0.1).
    SNAPSHOTS_PER_ADDRESS_PER_MINUTE = int(os.environ.get("SNAPSHOTS_PER_ADDRESS_PER_MINUTE", "1200"))
    # Reverse proxies in front (nginx, a load balancer; docs/deployment.md): their X-Forwarded-For is trusted,
    # so per-address limits count clients, not the proxy. 0: clients connect directly.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0"))
    MAX_CONTENT_LENGTH = int(os.environ.get("MAX_UPLOAD_BYTES", str(5 * 1024 * 1024)))
    # LibreOffice, for the report's PDF: a command on the PATH or a full path; missing means "no PDF offered".
    SOFFICE_PATH = os.environ.get("SOFFICE_PATH", "soffice")
    PDF_TIMEOUT_SECONDS = float(os.environ.get("PDF_TIMEOUT_SECONDS", "180"))

    PASSWORD_HASH_METHOD = "scrypt"  # werkzeug's memory-hard default

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_SECURE = _bool("SESSION_COOKIE_SECURE")
    # A login lasts a conference day; logging out ends it on every tab and socket of the browser.
    LOGIN_HOURS = float(os.environ.get("LOGIN_HOURS", "16"))
    PERMANENT_SESSION_LIFETIME = int(LOGIN_HOURS * 3600)
    WTF_CSRF_TIME_LIMIT = None  # a moderator's page may stay open all day

    TESTING = False


class TestConfig(Config):
    """Settings for the test suite: a throwaway database chosen by the tests."""

    TESTING = True
    SECRET_KEY = "test-secret-key"
    # Still a salted hash, but cheap: the suite creates and checks hundreds of passwords.
    PASSWORD_HASH_METHOD = "pbkdf2:sha256:1000"
    SQLALCHEMY_DATABASE_URI = os.environ.get("TEST_DATABASE_URL") or None
    SOCKETIO_MESSAGE_QUEUE = None
    # The in-process test client needs no server; tests that start one run `facilitator run` (gevent).
    SOCKETIO_ASYNC_MODE = "threading"
