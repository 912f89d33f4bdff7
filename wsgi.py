"""WSGI entry point for production: `gunicorn -k gevent -w 1 wsgi:app` (see docs/deployment.md).

The app serves Socket.IO under gevent; gunicorn's gevent worker monkey-patches before loading this file.
"""

from gevent import monkey

if not monkey.is_module_patched("socket"):
    raise SystemExit("facilitator needs a gevent worker: gunicorn -k gevent -w 1 wsgi:app (docs/deployment.md)")

from facilitator import create_app  # noqa: E402
from facilitator.app import settle_for_serving  # noqa: E402

app = create_app()
settle_for_serving()
