"""Persistence of living answers on SQLAlchemy Core: SQLite by default, PostgreSQL for replicas."""
