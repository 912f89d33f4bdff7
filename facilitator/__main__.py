"""The `facilitator` command, also `python -m facilitator`.

`facilitator run` serves under gevent (docs/deployment.md says why): gevent must patch the standard library
before anything else creates a lock or a socket, so this entry point does that before importing the app.
The other commands (create-user, db, import-programme, ...) and the tests run unpatched.
"""

import sys


def main() -> None:
    if sys.argv[1:2] == ["run"]:
        from gevent import monkey

        monkey.patch_all()
    from facilitator.cli import main as cli

    cli()


if __name__ == "__main__":
    main()
