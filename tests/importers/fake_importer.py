"""A minimal importer used to test the runner's guarantees independently of any format.

Data files are JSON arrays of {"id", "text", "media"?, "parent"?, "deleted"?} in files ending in
.fake.json; an item {"explode": true} raises mid-file, after earlier records were written.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers import detection, registry
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import loads
from retention_desk.importers.tree import SourceTree


class FakeImporter:
    name = "fake"
    label = "Fake JSON export"
    platform = "fake"

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        files = [f.path for f in tree.files if f.path.endswith(".fake.json")]
        return [Claim(self.name, files, self.label)] if files else []

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        return Preview(self.name, self.label, tree.label, None, None, None, None, claim.files, [])

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        for index, item in enumerate(loads(tree.read_bytes(path), name=path)):
            if item.get("explode"):
                raise RuntimeError(f"item {index} is poison")
            ctx.check_cancel()
            media = [ctx.media(item["media"])] if item.get("media") else []
            ctx.writer.add(
                RecordIn(
                    platform="fake",
                    kind="reply" if item.get("parent") else "post",
                    record_key=str(item["id"]),
                    text=item.get("text", ""),
                    parent_key=item.get("parent"),
                    media=media,
                    locator=f"{path}[{index}]",
                    created_at=datetime(2024, 5, 1, tzinfo=UTC),
                    deleted_at=datetime(2024, 6, 1, tzinfo=UTC) if item.get("deleted") else None,
                )
            )


def install(monkeypatch: pytest.MonkeyPatch) -> FakeImporter:
    fake = FakeImporter()
    monkeypatch.setattr(registry, "all_importers", lambda: (fake,))
    monkeypatch.setattr(detection, "all_importers", lambda: (fake,))
    monkeypatch.setattr(detection, "format_names", lambda: [fake.name])
    monkeypatch.setattr(detection, "get_importer", lambda name: fake)
    return fake
