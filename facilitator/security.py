"""Security headers on every response (no inline script, no framing, no MIME sniffing), and state-changing
requests only from facilitator's own pages (the same origin rule for HTTP and for sockets)."""

from urllib.parse import urlsplit

from flask import Flask, abort, current_app, jsonify, request

from .errors import wants_json

CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "connect-src 'self'",
        "frame-ancestors 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "object-src 'none'",
    ]
)
STATE_CHANGING = frozenset({"POST", "PUT", "PATCH", "DELETE"})
FOREIGN_ORIGIN = ("This request was sent from another site's page, so facilitator refused it. Open the page on "
                  "facilitator itself and try again.")


def own_origins(environ: dict, public_base_url: str | None) -> set[str]:
    """The origins of this server: the request's own scheme and host (also as forwarded by a proxy, which is
    Engine.IO's rule for sockets) and PUBLIC_BASE_URL when configured."""
    scheme, host = environ.get("wsgi.url_scheme", "http"), environ.get("HTTP_HOST", "")
    origins = {f"{scheme}://{host}"}
    if "HTTP_X_FORWARDED_PROTO" in environ or "HTTP_X_FORWARDED_HOST" in environ:
        forwarded_scheme = environ.get("HTTP_X_FORWARDED_PROTO", scheme).split(",")[0].strip()
        forwarded_host = environ.get("HTTP_X_FORWARDED_HOST", host).split(",")[0].strip()
        origins.add(f"{forwarded_scheme}://{forwarded_host}")
    if public_base_url:
        base = urlsplit(public_base_url)
        origins.add(f"{base.scheme}://{base.netloc}")
    return {origin.lower() for origin in origins}


def socket_origin_checker(app: Flask):
    """For Socket.IO's cors_allowed_origins: a socket may be opened only from facilitator's own pages."""

    def allowed(origin: str | None, environ: dict) -> bool:
        return bool(origin) and origin.lower() in own_origins(environ, app.config.get("PUBLIC_BASE_URL"))

    return allowed


def _from_another_site() -> bool:
    """The Origin, or without one the Referer, names another site; a request naming neither (a script) is
    not refused."""
    origin = request.headers.get("Origin")
    if origin is None:
        referer = urlsplit(request.headers.get("Referer", ""))
        if not referer.scheme:
            return False
        origin = f"{referer.scheme}://{referer.netloc}"
    return origin.lower() not in own_origins(request.environ, current_app.config.get("PUBLIC_BASE_URL"))


class NoSniff:
    """WSGI middleware adding `X-Content-Type-Options: nosniff` to every response, including Engine.IO's
    (the Socket.IO middleware answers /socket.io/ before Flask's after_request ever runs)."""

    def __init__(self, wsgi_app):
        self.wsgi_app = wsgi_app

    def __call__(self, environ, start_response):
        def start(status, headers, exc_info=None):
            if not any(name.lower() == "x-content-type-options" for name, _ in headers):
                headers = [*headers, ("X-Content-Type-Options", "nosniff")]
            return start_response(status, headers, exc_info)

        return self.wsgi_app(environ, start)


def register_security_headers(app: Flask) -> None:
    """Call after socketio.init_app, so NoSniff wraps the Socket.IO middleware too."""
    app.wsgi_app = NoSniff(app.wsgi_app)

    @app.before_request
    def _same_origin_only():
        """The CSRF token already protects these; checking Origin too is cheap and catches a leaked token."""
        if request.method in STATE_CHANGING and _from_another_site():
            if wants_json():
                return jsonify(ok=False, error="origin", message=FOREIGN_ORIGIN), 403
            abort(403, FOREIGN_ORIGIN)
        return None

    @app.after_request
    def _headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
