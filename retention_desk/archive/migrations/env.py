"""Alembic environment: always driven programmatically by retention_desk.archive.migrate."""

from __future__ import annotations

from alembic import context

from retention_desk.archive import (  # noqa: F401  (their tables join Base)
    models_destruction,
    models_ipra,
    models_oversight,
    models_production,
    models_redaction,
    models_review,
)
from retention_desk.archive.migrate import include_name
from retention_desk.archive.models import Base

config = context.config
connection = config.attributes.get("connection")
if connection is None:  # pragma: no cover - only reachable through the alembic CLI
    raise RuntimeError("run migrations through retention_desk.archive.migrate, not the alembic CLI")


context.configure(
    connection=connection,
    include_name=include_name,
    target_metadata=Base.metadata,
    render_as_batch=True,  # SQLite has little ALTER TABLE: batch mode copies tables instead
    compare_type=True,
)
with context.begin_transaction():
    context.run_migrations()
