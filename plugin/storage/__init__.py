"""Persistence: SQLAlchemy models, the engine factory, Alembic migrations."""
