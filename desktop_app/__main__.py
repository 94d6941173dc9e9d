"""``python -m desktop_app`` is the same as the ``sightline`` command."""

import multiprocessing

from desktop_app.app.cli import run

if __name__ == "__main__":  # the guard matters: worker processes import this module
    multiprocessing.freeze_support()
    raise SystemExit(run())
