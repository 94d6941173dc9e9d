"""Entry point of the frozen app: the same program as the ``sightline`` command."""

import multiprocessing

from desktop_app.app.cli import run

if __name__ == "__main__":
    multiprocessing.freeze_support()  # the frozen app starts its database worker itself
    raise SystemExit(run())
