"""``python -m desktop_app`` is the same as the ``sightline`` command."""

from desktop_app.app.cli import main

raise SystemExit(main())
