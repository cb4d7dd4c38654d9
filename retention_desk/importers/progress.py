"""Byte-level import progress: how far into its inputs an import has read.

A single large file is most of an import's time: hashing it, keeping its original and
parsing it each read it through. Counting the bytes those reads return lets the progress
bar move within the file instead of sitting at 0% and jumping to 100%. The count is taken
where every reader already goes, the tree's `open`, so no importer has to report anything.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Iterator
from typing import Any, BinaryIO

from retention_desk.importers.tree import SourceTree

# A file is read about three times: hashed, kept as an original, parsed.
READS_PER_FILE = 3
# How much of a file's share of the bar its reads fill; the rest comes when it is committed.
READ_SHARE_PERCENT = 95
# Report at most this often (in bytes read), so a fast read does not flood the GUI.
MIN_STEP = 256 * 1024


class _CountingReader:
    """A read-only stream that tells `seen` how many bytes each read returned."""

    def __init__(self, raw: BinaryIO, seen: Callable[[int], None]) -> None:
        self._raw = raw
        self._seen = seen

    def read(self, n: int = -1) -> bytes:
        data = self._raw.read(n)
        if data:
            self._seen(len(data))
        return data

    def read1(self, n: int = -1) -> bytes:
        # io.TextIOWrapper prefers read1: without it here, __getattr__ would skip the count
        reader = getattr(self._raw, "read1", self._raw.read)
        data = reader(n)
        if data:
            self._seen(len(data))
        return data

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer)  # type: ignore[attr-defined]
        if count:
            self._seen(count)
        return int(count or 0)

    def __iter__(self) -> Iterator[bytes]:
        while line := self.readline():
            yield line

    def readline(self, limit: int = -1) -> bytes:
        data = self._raw.readline(limit)
        if data:
            self._seen(len(data))
        return data

    def __getattr__(self, name: str) -> Any:
        return getattr(self._raw, name)

    def __enter__(self) -> _CountingReader:
        return self

    def __exit__(self, *exc: object) -> None:
        self._raw.close()


class FileProgress:
    """Turns the bytes read from one file into a share of the import's progress.

    `report(done)` receives the import's progress in bytes: `start` (bytes of the files
    finished before this one) plus the file's size times the part of its reads done so far.
    """

    def __init__(self, start: int, size: int, report: Callable[[int], None]) -> None:
        self.start = start
        self.size = max(size, 0)
        self._report = report
        self._read = 0
        self._last = 0
        self._step = max(MIN_STEP, self.size * READS_PER_FILE // 200)

    @property
    def done(self) -> int:
        expected = self.size * READS_PER_FILE
        if expected == 0:
            return self.start
        # reading all of it is not finishing it (records are still being written, and a
        # cancel now rolls the file back): the last part of its share waits for the commit
        share = self.size * min(self._read, expected) // expected
        return self.start + share * READ_SHARE_PERCENT // 100

    def seen(self, count: int) -> None:
        self._read += count
        if self._read - self._last >= self._step:
            self._last = self._read
            self._report(self.done)


@contextlib.contextmanager
def counting_reads(tree: SourceTree, progress: FileProgress) -> Iterator[None]:
    """While inside, every stream opened from `tree` counts what it reads into `progress`.

    The tree object stays the same (importers and the runner key things by its identity);
    only its `open` is wrapped for the duration, and restored afterwards.
    """
    had_own = "open" in vars(tree)  # someone (a test) already replaced it on this tree
    real_open = tree.open

    def open_counting(path: str) -> BinaryIO:
        return _CountingReader(real_open(path), progress.seen)  # type: ignore[return-value]

    tree.open = open_counting  # type: ignore[method-assign]
    try:
        yield
    finally:
        if had_own:
            tree.open = real_open  # type: ignore[method-assign]
        else:
            del tree.open  # back to the class's method
