"""The event store: SQLAlchemy models, Alembic migrations, projects and bulk writing."""
