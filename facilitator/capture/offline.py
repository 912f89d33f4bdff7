"""The capture page's service worker (static/sw.js; what it does: docs/reliability.md).

It is an ordinary static file, public like the page's other scripts. A worker may only control pages at or
below its own URL unless the script's response allows more: this adds that header (scope: the whole site,
so that it also sees logins and logouts, which drop the pages it keeps) and asks browsers to check it for a
new version on every visit.
"""

from flask import request

from . import bp

SERVICE_WORKER = "sw.js"  # under static/


@bp.after_app_request
def _service_worker_headers(response):
    if request.endpoint == "static" and (request.view_args or {}).get("filename") == SERVICE_WORKER:
        response.headers["Service-Worker-Allowed"] = "/"
        response.headers["Cache-Control"] = "no-cache"
    return response
