"""Schema migrations (Alembic, batch mode) run when an archive is opened.

The archive's schema version is Alembic's revision in `alembic_version`. An archive whose
revision this app does not know was written by a newer retention_desk and is refused; an older
one is backed up next to itself before it is upgraded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Engine

from retention_desk.archive.errors import ArchiveTooNew

MIGRATIONS_DIR = Path(__file__).with_name("migrations")


def include_name(name: str | None, type_: str, parent_names: object) -> bool:
    """Autogenerate filter: FTS5 tables are hand-written SQL in the migrations; autogenerate
    cannot describe them and must never propose dropping them."""
    return not (type_ == "table" and name is not None and name.startswith("record_fts"))


def alembic_config() -> Config:
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return cfg


def script_directory() -> ScriptDirectory:
    return ScriptDirectory.from_config(alembic_config())


def head_revision() -> str:
    head = script_directory().get_current_head()
    assert head is not None
    return head


def current_revision(conn: Connection) -> str | None:
    return MigrationContext.configure(conn).get_current_revision()


@dataclass(frozen=True)
class MigrationPlan:
    current: str | None
    head: str

    @property
    def needed(self) -> bool:
        return self.current != self.head


def plan(engine: Engine, path: Path) -> MigrationPlan:
    with engine.connect() as conn:
        current = current_revision(conn)
    head = head_revision()
    if current is not None:
        known = {rev.revision for rev in script_directory().walk_revisions()}
        if current not in known:
            raise ArchiveTooNew(
                f"{path} was written by a newer version of retention_desk (schema {current}; "
                f"this version knows up to {head}). Install the newer version to open it."
            )
    return MigrationPlan(current=current, head=head)


def upgrade(engine: Engine) -> None:
    cfg = alembic_config()
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")
