"""Entry point of the frozen app: the same program as the ``sightline`` command."""

from desktop_app.app.cli import main

if __name__ == "__main__":
    raise SystemExit(main())
