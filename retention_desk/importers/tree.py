"""What the user handed us (a folder, a zip, or one file) as a read-only tree of files.

Zip archives are hostile input. Nothing is ever extracted to disk: members are streamed from
the zip, so no entry name can write anywhere. Names that would escape a folder (`../`, absolute
paths, drive letters), symlinks and device entries are refused and reported; bombs are
stopped by limits on entry count, total declared size and compression ratio, and every read
is capped at the member's declared size (CPython's zipfile already stops at it, and we check).
"""

from __future__ import annotations

import hashlib
import os
import re
import stat
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from retention_desk.archive.blobs import CHUNK_SIZE


class TreeError(Exception):
    """The container as a whole cannot be read (not a zip, truncated, a bomb...)."""


@dataclass(frozen=True)
class Limits:
    max_entries: int = 200_000
    max_total_bytes: int = 64 * 1024**3
    max_ratio: float = 1000.0
    # below this size an entry's ratio does not matter (tiny files compress absurdly well)
    ratio_floor_bytes: int = 4 * 1024**2


DEFAULT_LIMITS = Limits()
_DRIVE = re.compile(r"^[A-Za-z]:")
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"


def safe_member_name(name: str) -> str | None:
    """The normalised relative path, or None when the name could escape its folder."""
    if not name or "\x00" in name:
        return None
    unified = name.replace("\\", "/")
    if unified.startswith("/") or _DRIVE.match(unified):
        return None
    parts = [p for p in unified.split("/") if p not in ("", ".")]
    if not parts or any(p == ".." for p in parts):
        return None
    return "/".join(parts)


def is_junk(path: str) -> bool:
    return path.startswith("__MACOSX/") or PurePosixPath(path).name in _JUNK[1:]


@dataclass(frozen=True)
class TreeFile:
    path: str  # relative, '/'-separated
    size: int


@dataclass(eq=False)  # identity semantics: trees are used as dict keys
class SourceTree:
    """Base class: `files`, `open`, `head`, `read_bytes`. Subclasses: folder, zip, single file."""

    label: str  # what the user gave us, for messages
    kind: str  # 'folder' | 'zip' | 'file'
    files: list[TreeFile] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # refused entries, with reasons
    container_sha256: str | None = None
    container_size: int | None = None

    def open(self, path: str) -> BinaryIO:
        raise NotImplementedError

    def close(self) -> None:
        """Release open handles (zip files)."""

    def exists(self, path: str) -> bool:
        return path in self._index

    def size(self, path: str) -> int:
        return self._index[path].size

    @property
    def _index(self) -> dict[str, TreeFile]:
        cached = self.__dict__.get("_index_cache")
        if cached is None or len(cached) != len(self.files):
            cached = {f.path: f for f in self.files}
            by_name: dict[str, list[str]] = {}
            for f in self.files:
                by_name.setdefault(f.path.rsplit("/", 1)[-1], []).append(f.path)
            self.__dict__["_index_cache"] = cached
            self.__dict__["_by_name"] = by_name
        return cached

    def head(self, path: str, n: int = 4096) -> bytes:
        with self.open(path) as fh:
            return fh.read(n)

    def read_bytes(self, path: str) -> bytes:
        with self.open(path) as fh:
            return fh.read()

    def sha256(self, path: str) -> str:
        digest = hashlib.sha256()
        with self.open(path) as fh:
            while block := fh.read(CHUNK_SIZE):
                digest.update(block)
        return digest.hexdigest()

    def find(self, suffix: str) -> list[str]:
        """Paths equal to `suffix` or ending in '/' + suffix (exports nest under varying roots).

        Served from a file-name index: media lookups in a large export stay linear overall.
        """
        self._index  # noqa: B018 - builds the name index
        candidates = self.__dict__["_by_name"].get(suffix.rsplit("/", 1)[-1], [])
        return [p for p in candidates if p == suffix or p.endswith("/" + suffix)]

    def __enter__(self) -> SourceTree:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


class FolderTree(SourceTree):
    def __init__(self, root: Path) -> None:
        super().__init__(label=str(root), kind="folder")
        self.root = root.resolve()
        for dirpath, dirnames, filenames in os.walk(self.root, followlinks=False):
            dirnames.sort()
            for dirname in list(dirnames):
                if Path(dirpath, dirname).is_symlink():
                    dirnames.remove(dirname)
                    rel = Path(dirpath, dirname).relative_to(self.root).as_posix()
                    self.problems.append(f"{rel}: symbolic link to a folder, not followed")
            for filename in sorted(filenames):
                full = Path(dirpath, filename)
                rel = full.relative_to(self.root).as_posix()
                if is_junk(rel):
                    continue
                st = full.lstat()
                if stat.S_ISLNK(st.st_mode):
                    self.problems.append(f"{rel}: symbolic link, not followed")
                    continue
                if not stat.S_ISREG(st.st_mode):
                    self.problems.append(f"{rel}: not a regular file, skipped")
                    continue
                self.files.append(TreeFile(rel, st.st_size))

    def open(self, path: str) -> BinaryIO:
        if path not in self._index:
            raise FileNotFoundError(path)
        full = (self.root / path).resolve()
        # A folder can change under us (a link swapped in after the walk): re-check containment.
        if not full.is_relative_to(self.root):
            raise PermissionError(f"{path} resolves outside {self.root}")
        return full.open("rb")


class _CappedReader:
    """Reads at most `cap` bytes and refuses any more: a member may not grow past its size."""

    def __init__(self, raw: BinaryIO, cap: int, name: str) -> None:
        self._raw = raw
        self._left = cap
        self._name = name

    def read(self, n: int = -1) -> bytes:
        want = self._left + 1 if n is None or n < 0 else min(n, self._left + 1)
        data = self._raw.read(want)
        if len(data) > self._left:
            raise TreeError(f"{self._name}: member is larger than its declared size (zip bomb?)")
        self._left -= len(data)
        return data

    def readable(self) -> bool:
        return True

    def close(self) -> None:
        self._raw.close()

    def __enter__(self) -> _CappedReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __iter__(self) -> Iterator[bytes]:
        while block := self.read(CHUNK_SIZE):
            yield block


class ZipTree(SourceTree):
    def __init__(self, path: Path, limits: Limits = DEFAULT_LIMITS) -> None:
        super().__init__(label=str(path), kind="zip")
        self.path = path
        try:
            self._zip = zipfile.ZipFile(path)
        except zipfile.BadZipFile as exc:
            raise TreeError(
                f"{path.name}: not a readable zip archive ({exc}); it may be truncated or damaged"
            ) from exc
        except OSError as exc:
            raise TreeError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
        self._members: dict[str, zipfile.ZipInfo] = {}
        try:
            self._scan(limits)
        except Exception:
            self._zip.close()
            raise

    def _scan(self, limits: Limits) -> None:
        infos = self._zip.infolist()
        if len(infos) > limits.max_entries:
            raise TreeError(
                f"{self.path.name}: {len(infos)} entries is over the limit of"
                f" {limits.max_entries}; refusing (possible zip bomb)"
            )
        total = 0
        for info in infos:
            if info.is_dir():
                continue
            name = safe_member_name(info.filename)
            if name is None:
                self.problems.append(
                    f"{info.filename!r}: unsafe path (would escape the folder), refused"
                )
                continue
            mode = info.external_attr >> 16
            if mode and (stat.S_ISLNK(mode) or (stat.S_IFMT(mode) and not stat.S_ISREG(mode))):
                self.problems.append(f"{name}: symbolic link or special file, refused")
                continue
            if is_junk(name):
                continue
            if name in self._members:
                self.problems.append(f"{name}: appears twice in the zip; the first copy is used")
                continue
            if (
                info.file_size > limits.ratio_floor_bytes
                and info.compress_size > 0
                and info.file_size / info.compress_size > limits.max_ratio
            ):
                raise TreeError(
                    f"{self.path.name}: {name} expands {info.file_size} bytes from"
                    f" {info.compress_size}; refusing (possible zip bomb)"
                )
            total += info.file_size
            if total > limits.max_total_bytes:
                raise TreeError(
                    f"{self.path.name}: contents exceed {limits.max_total_bytes}"
                    " bytes; refusing (possible zip bomb)"
                )
            self._members[name] = info
            self.files.append(TreeFile(name, info.file_size))

    def open(self, path: str) -> BinaryIO:
        info = self._members.get(path)
        if info is None:
            raise FileNotFoundError(path)
        try:
            raw = self._zip.open(info)
        except (zipfile.BadZipFile, NotImplementedError, RuntimeError) as exc:
            raise TreeError(f"{path}: cannot be read from the zip ({exc})") from exc
        return _CappedReader(raw, info.file_size, path)  # type: ignore[return-value]

    def close(self) -> None:
        self._zip.close()


class FileTree(SourceTree):
    def __init__(self, path: Path) -> None:
        super().__init__(label=str(path), kind="file")
        self.path = path
        self.files.append(TreeFile(path.name, path.stat().st_size))

    def open(self, path: str) -> BinaryIO:
        if path != self.path.name:
            raise FileNotFoundError(path)
        return self.path.open("rb")


def is_wacz_zip(zf: zipfile.ZipFile) -> bool:
    names = set(zf.namelist())
    return "datapackage.json" in names and any(n.startswith("archive/") for n in names)


def open_tree(path: Path, limits: Limits = DEFAULT_LIMITS) -> SourceTree:
    """Open what the user gave us. A WACZ is one file (its signature covers the package)."""
    path = Path(path)
    if path.is_symlink() and path.is_dir():
        raise TreeError(f"{path}: symbolic link to a folder; give the folder itself")
    if path.is_dir():
        return FolderTree(path)
    if not path.exists():
        raise TreeError(f"{path}: no such file or folder")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        try:
            with zipfile.ZipFile(path) as zf:
                if is_wacz_zip(zf):
                    return FileTree(path)
        except zipfile.BadZipFile as exc:
            raise TreeError(
                f"{path.name}: not a readable zip archive ({exc}); it may be truncated or damaged"
            ) from exc
        tree: SourceTree = ZipTree(path, limits)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while block := fh.read(CHUNK_SIZE):
                digest.update(block)
        tree.container_sha256 = digest.hexdigest()
        tree.container_size = path.stat().st_size
        return tree
    return FileTree(path)
