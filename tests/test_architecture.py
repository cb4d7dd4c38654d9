"""The dependency rules of the house: only retention_desk/ui knows Qt, and arrows point one way
(ui and cli -> domain packages -> archive)."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "retention_desk"


def _imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def _modules() -> list[tuple[str, set[str]]]:
    return [(p.relative_to(PACKAGE).as_posix(), _imports(p)) for p in PACKAGE.rglob("*.py")]


def test_only_ui_imports_qt() -> None:
    offenders = [
        name
        for name, imports in _modules()
        if not name.startswith("ui/")
        and any(i.split(".")[0] in ("PySide6", "shiboken6") for i in imports)
    ]
    assert offenders == []


def test_domain_packages_do_not_import_ui_or_cli() -> None:
    offenders = []
    for name, imports in _modules():
        if name.startswith(("ui/", "cli/")) or name == "__main__.py":
            continue
        if any(i.startswith(("retention_desk.ui", "retention_desk.cli")) for i in imports):
            offenders.append(name)
    assert offenders == []


def test_archive_does_not_import_higher_layers() -> None:
    higher = ("retention_desk.importers", "retention_desk.search", "retention_desk.demo")
    offenders = [
        name
        for name, imports in _modules()
        if name.startswith("archive/") and any(i.startswith(higher) for i in imports)
    ]
    assert offenders == []
