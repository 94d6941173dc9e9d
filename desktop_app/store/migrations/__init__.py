"""Alembic migrations of the project schema (run programmatically by Project)."""
