"""Serve the app, or the bare baseline server, in a chosen Socket.IO async mode (bench only).

    python bench/serve.py --mode threading --port 5077            # the app, as `facilitator run --demo`
    python bench/serve.py --mode gevent --port 5077
    python bench/serve.py --mode threading --port 5078 --bare     # B0: re-emit to a room, nothing else

The app is served exactly as `facilitator run --demo` serves it (migrate, load the demo, settle the garbage
collector, socketio.run) but with `SOCKETIO_ASYNC_MODE` taken from --mode, so both modes are measured
through the same code. The database comes from the environment as usual: DATABASE_URL, or a SQLite file in
FACILITATOR_INSTANCE.

The bare server is the same stack (Flask, Flask-SocketIO, the same web server for the mode, the same
garbage-collector settings) without
authorization, validation, database or commit: `join` {room} joins "room:<room>", `post` re-emits its
payload to "room:<payload.room>" as `change` and answers {"ok": true}.
"""

from __future__ import annotations

import sys

MODE = sys.argv[sys.argv.index("--mode") + 1] if "--mode" in sys.argv else "threading"
if MODE == "gevent":
    # Before anything imports socket, ssl, threading or the database drivers.
    from gevent import monkey

    monkey.patch_all()

import argparse  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
from pathlib import Path  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def bare_app(mode: str):
    from flask import Flask
    from flask_socketio import SocketIO, emit, join_room

    app = Flask(__name__)
    app.config["SECRET_KEY"] = "bench"
    socketio = SocketIO(app, async_mode=mode)

    @socketio.on("join")
    def on_join(data):
        """Load generator's viewers: listen to a room ("room:<data.room>", "room:1" by default)."""
        join_room(f"room:{data.get('room', 1)}")
        return {"ok": True, "seq": 0}

    @socketio.on("post")
    def on_post(data):
        """Load generator's sender: re-emit the payload to its room, then ack."""
        emit("change", data, to=f"room:{data.get('room', 1)}")
        return {"ok": True, "seq": data.get("seq")}

    return app, socketio


def real_app(mode: str):
    from flask_migrate import upgrade

    from facilitator import create_app
    from facilitator.config import Config
    from facilitator.demo import load_demo
    from facilitator.extensions import db, socketio

    class BenchConfig(Config):
        SOCKETIO_ASYNC_MODE = mode

    app = create_app(BenchConfig)
    with app.app_context():
        upgrade()
        load_demo()
        print("Database:", db.engine.url.render_as_string(hide_password=True), flush=True)
    # Alembic's fileConfig (migrations/env.py) disables the loggers that existed before upgrade() unless
    # told not to; make sure the app's own are on, so that handler failures reach this server's log.
    for logger in logging.root.manager.loggerDict.values():
        if isinstance(logger, logging.Logger):
            logger.disabled = False
    return app, socketio


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--mode", choices=("threading", "gevent"), default="threading")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--bare", action="store_true", help="serve the bare baseline instead of the app")
    args = parser.parse_args()
    app, socketio = bare_app(args.mode) if args.bare else real_app(args.mode)
    from facilitator.app import settle_for_serving

    settle_for_serving()  # as `facilitator run` does; the bare server too, so that both are served alike
    print(f"async mode {socketio.server.eio.async_mode}; running at http://{args.host}:{args.port}/", flush=True)
    os.environ.pop("FLASK_RUN_FROM_CLI", None)
    options = {"allow_unsafe_werkzeug": True} if args.mode == "threading" else {}
    socketio.run(app, host=args.host, port=args.port, use_reloader=False, log_output=False, **options)
    return 0


if __name__ == "__main__":
    sys.exit(main())
