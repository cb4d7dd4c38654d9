"""Hostile containers (hostile-inputs C1, C2): nothing escapes, bombs are stopped."""

from __future__ import annotations

import os
import stat
import zipfile
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from retention_desk.importers.tree import (
    FolderTree,
    Limits,
    TreeError,
    ZipTree,
    open_tree,
    safe_member_name,
)


@pytest.mark.parametrize(
    "name",
    [
        "../../x",
        "/etc/x",
        "C:\\x",
        "c:/x",
        "..\\..\\x",
        "a/../../x",
        "",
        "a\x00b",
        "./..",
        "\\\\server\\share\\x",
    ],
)
def test_unsafe_names_are_refused(name: str) -> None:
    assert safe_member_name(name) is None


@pytest.mark.parametrize(
    "name, expected",
    [
        ("data/tweets.js", "data/tweets.js"),
        ("./data//x.json", "data/x.json"),
        ("data\\js\\x.js", "data/js/x.js"),
        ("this_profile's_activity/p.json", "this_profile's_activity/p.json"),
    ],
)
def test_safe_names_are_normalised(name: str, expected: str) -> None:
    assert safe_member_name(name) == expected


@given(st.text())
def test_no_name_ever_escapes(name: str) -> None:
    safe = safe_member_name(name)
    if safe is not None:
        root = Path("/tmp/root")
        resolved = (root / safe).resolve() if "\x00" not in safe else root
        assert resolved.is_relative_to(root.resolve()) or ".." not in safe.split("/")
        assert not safe.startswith("/") and ".." not in safe.split("/")


def _zip(path: Path, members: dict[str, bytes], symlinks: dict[str, str] | None = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(zipfile.ZipInfo(name), data)
        for name, target in (symlinks or {}).items():
            info = zipfile.ZipInfo(name)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            zf.writestr(info, target)
    return path


def test_zip_slip_members_are_refused_and_nothing_is_written(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    archive = _zip(
        tmp_path / "slip.zip",
        {"../../outside/pwned": b"x", "/etc/pwned": b"x", "C:\\pwned": b"x", "ok/data.json": b"[]"},
        symlinks={"ok/link": "/etc/passwd"},
    )
    before = set(os.listdir(tmp_path))
    with ZipTree(archive) as tree:
        assert [f.path for f in tree.files] == ["ok/data.json"]
        assert len(tree.problems) == 4
        assert any("symbolic link" in p for p in tree.problems)
        with pytest.raises(FileNotFoundError):
            tree.open("../../outside/pwned")
    assert set(os.listdir(tmp_path)) == before and list(outside.iterdir()) == []


def test_bomb_ratio_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "bomb.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as zf:
        zf.writestr("zeros.json", b"\x00" * (64 * 1024 * 1024))
    with pytest.raises(TreeError, match="zip bomb"):
        ZipTree(path)


def test_total_size_and_entry_count_limits(tmp_path: Path) -> None:
    path = _zip(tmp_path / "many.zip", {f"f{i}.json": b"[1]" for i in range(50)})
    with pytest.raises(TreeError, match="entries"):
        ZipTree(path, Limits(max_entries=10))
    with pytest.raises(TreeError, match="exceed"):
        ZipTree(path, Limits(max_total_bytes=100))


def test_member_larger_than_declared_is_stopped(tmp_path: Path) -> None:
    # Forge the declared size in both headers: the real content is larger than announced.
    path = _zip(tmp_path / "forged.zip", {"data.json": b"A" * 5000})
    raw = bytearray(path.read_bytes())
    for sig in (b"PK\x03\x04", b"PK\x01\x02"):
        pos = raw.find(sig)
        off = 22 if sig == b"PK\x03\x04" else 24
        raw[pos + off : pos + off + 4] = (100).to_bytes(4, "little")
    path.write_bytes(bytes(raw))
    with ZipTree(path) as tree, pytest.raises((TreeError, zipfile.BadZipFile)):
        tree.read_bytes("data.json")


def test_truncated_zip_is_a_clear_error(tmp_path: Path) -> None:
    path = _zip(tmp_path / "full.zip", {"data/tweets.js": os.urandom(20000)})
    cut = tmp_path / "cut.zip"
    cut.write_bytes(path.read_bytes()[:8000])
    with pytest.raises(TreeError, match=r"cut\.zip.*truncated or damaged"):
        open_tree(cut)


def test_folder_tree_skips_symlinks(tmp_path: Path) -> None:
    root = tmp_path / "export"
    (root / "data").mkdir(parents=True)
    (root / "data" / "a.json").write_text("[]")
    (root / "data" / "evil").symlink_to("/etc/passwd")
    (root / "linkdir").symlink_to(tmp_path)
    (root / ".DS_Store").write_text("junk")
    tree = FolderTree(root)
    assert [f.path for f in tree.files] == ["data/a.json"]
    assert len(tree.problems) == 2


def test_wacz_is_one_file(tmp_path: Path) -> None:
    path = _zip(tmp_path / "x.wacz", {"datapackage.json": b"{}", "archive/a.warc.gz": b""})
    tree = open_tree(path)
    assert tree.kind == "file" and [f.path for f in tree.files] == ["x.wacz"]
