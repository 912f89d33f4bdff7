"""`python -m facilitator` is the same as the `facilitator` command."""

from .cli import main

main()
