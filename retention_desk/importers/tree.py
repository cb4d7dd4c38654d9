"""What the user handed us (a folder, a zip, or one file) as a read-only tree of files.

Zip archives are hostile input. Nothing is ever extracted to disk: members are streamed from
the zip, so no entry name can write anywhere. Names that would escape a folder (`../`, absolute
paths, drive letters), symlinks and device entries are refused and reported. Bombs are stopped
before anything is read: the entry count comes from the end-of-central-directory record (read
here, zip64 included) before zipfile builds its list, then the total declared size and the
compression ratio (per member and across members) are checked. Every read must produce exactly
the member's declared size, so a forged size cannot smuggle more (or fewer) bytes through.

A member that cannot be read (bad CRC, corrupt deflate data, forged size, unsupported method)
raises MemberError naming it, and only it: the rest of the zip stays readable.
"""

from __future__ import annotations

import hashlib
import lzma
import os
import re
import stat
import struct
import zipfile
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

from retention_desk.archive.blobs import CHUNK_SIZE


class TreeError(Exception):
    """The container as a whole cannot be read (not a zip, truncated, a bomb...)."""


class MemberError(TreeError, OSError):
    """One member of a zip cannot be read (damaged, forged size, unsupported method).

    Also an OSError: importers already treat a file they cannot read as one they skip, and a
    damaged member is exactly that. The message starts with the member's path.
    """

    def __init__(self, member: str, message: str) -> None:
        super().__init__(message)
        self.member = member


@dataclass(frozen=True)
class Limits:
    max_entries: int = 200_000
    # zipfile reads the whole central directory into memory: 200,000 entries with paths of
    # a few hundred bytes fit in a tenth of this
    max_directory_bytes: int = 256 * 1024**2
    max_total_bytes: int = 64 * 1024**3
    max_ratio: float = 1000.0
    # below this size an entry's ratio does not matter (tiny files compress absurdly well)
    ratio_floor_bytes: int = 4 * 1024**2
    # Across all members: JSON exports compress about 10:1, media barely; 100:1 over more
    # than 64 MiB is a bomb split into members each small enough to pass the check above.
    max_total_ratio: float = 100.0
    total_ratio_floor_bytes: int = 64 * 1024**2


DEFAULT_LIMITS = Limits()
_DRIVE = re.compile(r"^[A-Za-z]:")
_JUNK = ("__MACOSX/", ".DS_Store", "Thumbs.db", "desktop.ini")
ZIP_MAGIC = b"PK\x03\x04"
EMPTY_ZIP_MAGIC = b"PK\x05\x06"
# end of central directory (APPNOTE 4.3.16), its zip64 locator (4.3.15) and record (4.3.14)
_EOCD = struct.Struct("<4s4H2LH")
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_EOCD = struct.Struct("<4sQ2H2L4Q")
_CENTRAL_HEADER_SIZE = 46  # fixed part of a central directory entry (4.3.12)
_CENTRAL_MAGIC = b"PK\x01\x02"


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
    # members found unreadable so far (path -> message), even by reads whose caller carried on
    damaged: dict[str, str] = field(default_factory=dict)
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


def _human(n: float) -> str:
    for unit in ("bytes", "KiB", "MiB", "GiB"):
        if n < 1024 or unit == "GiB":
            return f"{n:.0f} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


# What zipfile and its decompressors raise on damaged data: CRC mismatch and bad headers
# (BadZipFile), corrupt deflate/lzma/bzip2 streams (zlib.error, LZMAError, OSError), a
# stream that stops early (EOFError), short headers (struct.error), an unsupported method
# (NotImplementedError) or encryption (RuntimeError).
_READ_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    lzma.LZMAError,
    EOFError,
    struct.error,
    NotImplementedError,
    RuntimeError,
    OSError,
)


def _member_error(name: str, exc: BaseException) -> MemberError:
    """A MemberError whose message says, in words, why `name` cannot be read."""
    if isinstance(exc, MemberError):
        return exc
    detail = str(exc) or type(exc).__name__
    if isinstance(exc, zipfile.BadZipFile) and "CRC" in detail:
        reason = "damaged in the zip: CRC-32 checksum mismatch"
    elif isinstance(exc, zlib.error | lzma.LZMAError):
        reason = f"damaged in the zip: corrupt compressed data ({detail})"
    elif isinstance(exc, EOFError):
        reason = "damaged in the zip: its compressed data ends early"
    elif isinstance(exc, NotImplementedError):
        reason = f"cannot be decompressed: {detail}"
    elif isinstance(exc, RuntimeError):
        reason = f"cannot be opened: {detail}"
    else:
        reason = f"damaged in the zip: {detail}"
    return MemberError(name, f"{name}: {reason}")


class _CappedReader:
    """Reads a zip member and insists on its declared size: a member may neither grow past it
    (a forged small size hiding a bomb) nor stop short of it (a forged or damaged size). Every
    failure becomes a MemberError naming the member, recorded in `damaged`."""

    def __init__(self, raw: BinaryIO, cap: int, name: str, damaged: dict[str, str]) -> None:
        self._raw = raw
        self._cap = cap
        self._left = cap
        self._name = name
        self._damaged = damaged

    def read(self, n: int = -1) -> bytes:
        if n == 0:
            return b""
        want = self._left + 1 if n is None or n < 0 else min(n, self._left + 1)
        try:
            data = self._raw.read(want)
        except _READ_ERRORS as exc:
            raise self._fail(_member_error(self._name, exc)) from exc
        if len(data) > self._left:
            raise self._fail(
                MemberError(
                    self._name,
                    f"{self._name}: holds more than the {self._cap} bytes its header declares"
                    " (forged size; possible zip bomb)",
                )
            )
        self._left -= len(data)
        # zipfile reads until `want` bytes or the end of the member: fewer means the end came
        # before the declared size
        if len(data) < want and self._left > 0:
            got = self._cap - self._left
            raise self._fail(
                MemberError(
                    self._name,
                    f"{self._name}: damaged in the zip: holds {got} bytes but its header"
                    f" declares {self._cap} (damaged or forged size)",
                )
            )
        return data

    def _fail(self, error: MemberError) -> MemberError:
        self._damaged.setdefault(self._name, str(error))
        return error

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


@dataclass(frozen=True)
class CentralDirectory:
    """Where a zip's central directory is and how many entries its end record declares."""

    entries: int
    size: int
    start: int  # file offset, computed as zipfile does (tolerates data prepended to the zip)


def read_directory_end(fh: BinaryIO) -> CentralDirectory | None:
    """The end-of-central-directory record (zip64 record when present), read the way
    zipfile reads it, or None when there is none (zipfile then reports 'not a zip')."""
    fh.seek(0, os.SEEK_END)
    file_size = fh.tell()
    tail_size = min(file_size, _EOCD.size + 0xFFFF)  # the record, then a comment of <64 KiB
    fh.seek(file_size - tail_size)
    tail = fh.read(tail_size)
    if tail[-_EOCD.size : -_EOCD.size + 4] == EMPTY_ZIP_MAGIC and tail[-2:] == b"\0\0":
        at = len(tail) - _EOCD.size
    else:
        at = tail.rfind(EMPTY_ZIP_MAGIC)
        if at < 0 or at + _EOCD.size > len(tail):
            return None
    _sig, _disk, _disk_dir, _here, entries, size, _offset, _comment = _EOCD.unpack_from(tail, at)
    location = file_size - tail_size + at
    start = location - size
    zip64_at = location - _ZIP64_LOCATOR.size - _ZIP64_EOCD.size
    if zip64_at >= 0:
        fh.seek(zip64_at)
        record = fh.read(_ZIP64_EOCD.size + _ZIP64_LOCATOR.size)
        locator = record[_ZIP64_EOCD.size :]
        if (
            len(record) == _ZIP64_EOCD.size + _ZIP64_LOCATOR.size
            and locator[:4] == b"PK\x06\x07"
            and record[:4] == b"PK\x06\x06"
        ):
            fields = _ZIP64_EOCD.unpack_from(record)
            entries, size = fields[7], fields[8]
            start = zip64_at - size
    return CentralDirectory(entries=entries, size=size, start=start)


def check_entry_count(path: Path, limits: Limits) -> None:
    """Refuse a zip with too many entries, or too large a directory, before zipfile reads
    its central directory into memory and builds an object per entry.

    The declared count can be forged low; zipfile goes by the directory's size instead. So
    when the directory is large enough to hold more entries than allowed, its entries are
    counted by walking their headers (46 bytes plus three lengths each), stopping at the limit.
    """
    with path.open("rb") as fh:
        found = read_directory_end(fh)
        if found is None:
            return
        refuse = (
            f"{path.name}: {{}} entries, over the limit of {limits.max_entries};"
            " refusing (possible zip bomb)"
        )
        if found.entries > limits.max_entries:
            raise TreeError(refuse.format(found.entries))
        if found.size > limits.max_directory_bytes:
            raise TreeError(
                f"{path.name}: its central directory is {_human(found.size)}, over the limit"
                f" of {_human(limits.max_directory_bytes)}; refusing (possible zip bomb)"
            )
        if found.size <= limits.max_entries * _CENTRAL_HEADER_SIZE or found.start < 0:
            return
        fh.seek(found.start)
        count = walked = 0
        while walked < found.size:
            header = fh.read(_CENTRAL_HEADER_SIZE)
            if len(header) < _CENTRAL_HEADER_SIZE or header[:4] != _CENTRAL_MAGIC:
                return  # damaged directory: zipfile says so in its own words
            extra = sum(struct.unpack_from("<3H", header, 28))
            fh.seek(extra, os.SEEK_CUR)
            walked += _CENTRAL_HEADER_SIZE + extra
            count += 1
            if count > limits.max_entries:
                raise TreeError(refuse.format(f"more than {limits.max_entries}"))


def _open_zip(path: Path) -> zipfile.ZipFile:
    """zipfile.ZipFile, with every way it refuses a damaged zip turned into a TreeError."""
    try:
        return zipfile.ZipFile(path)
    except OSError as exc:
        raise TreeError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
    except (zipfile.BadZipFile, *_READ_ERRORS, ValueError, UnicodeDecodeError) as exc:
        raise TreeError(
            f"{path.name}: not a readable zip archive ({exc}); it may be truncated or damaged"
        ) from exc


class ZipTree(SourceTree):
    def __init__(self, path: Path, limits: Limits | None = None) -> None:
        super().__init__(label=str(path), kind="zip")
        self.path = path
        limits = limits or DEFAULT_LIMITS
        try:
            check_entry_count(path, limits)
        except OSError as exc:
            raise TreeError(f"{path.name}: cannot be read ({exc.strerror or exc})") from exc
        self._zip = _open_zip(path)
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
        total = packed = 0
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
            # a compressed size of 0 expanding to anything is an infinite ratio, not a pass
            if (
                info.file_size > limits.ratio_floor_bytes
                and info.file_size / max(info.compress_size, 1) > limits.max_ratio
            ):
                raise TreeError(
                    f"{self.path.name}: {name} expands {info.file_size} bytes from"
                    f" {info.compress_size}; refusing (possible zip bomb)"
                )
            total += info.file_size
            packed += info.compress_size
            if total > limits.max_total_bytes:
                raise TreeError(
                    f"{self.path.name}: contents exceed {limits.max_total_bytes}"
                    f" bytes ({_human(limits.max_total_bytes)}); refusing (possible zip bomb)"
                )
            self._members[name] = info
            self.files.append(TreeFile(name, info.file_size))
        ratio = total / max(packed, 1)
        if total > limits.total_ratio_floor_bytes and ratio > limits.max_total_ratio:
            raise TreeError(
                f"{self.path.name}: its members expand to {_human(total)} from"
                f" {_human(packed)} ({ratio:.0f}:1, over the limit of"
                f" {limits.max_total_ratio:.0f}:1); refusing (possible zip bomb)"
            )

    def open(self, path: str) -> BinaryIO:
        info = self._members.get(path)
        if info is None:
            raise FileNotFoundError(path)
        try:
            raw = self._zip.open(info)
        except _READ_ERRORS as exc:
            error = _member_error(path, exc)
            self.damaged.setdefault(path, str(error))
            raise error from exc
        return _CappedReader(raw, info.file_size, path, self.damaged)  # type: ignore[return-value]

    def head(self, path: str, n: int = 4096) -> bytes:
        """The first `n` bytes, or none when they cannot be read: detection then passes the
        member over, and it is reported from `damaged` instead of failing a whole detector."""
        try:
            return super().head(path, n)
        except MemberError:
            return b""

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


def open_tree(path: Path, limits: Limits | None = None) -> SourceTree:
    """Open what the user gave us. A WACZ is one file (its signature covers the package)."""
    path = Path(path)
    limits = limits or DEFAULT_LIMITS
    if path.is_symlink() and path.is_dir():
        raise TreeError(f"{path}: symbolic link to a folder; give the folder itself")
    if path.is_dir():
        return FolderTree(path)
    if not path.exists():
        raise TreeError(f"{path}: no such file or folder")
    with path.open("rb") as fh:
        magic = fh.read(4)
    if magic in (ZIP_MAGIC, EMPTY_ZIP_MAGIC):
        # the entry count first: even the WACZ check below builds zipfile's whole entry list
        check_entry_count(path, limits)
        with _open_zip(path) as zf:
            if is_wacz_zip(zf):
                return FileTree(path)
        tree: SourceTree = ZipTree(path, limits)
        digest = hashlib.sha256()
        with path.open("rb") as fh:
            while block := fh.read(CHUNK_SIZE):
                digest.update(block)
        tree.container_sha256 = digest.hexdigest()
        tree.container_size = path.stat().st_size
        return tree
    return FileTree(path)
