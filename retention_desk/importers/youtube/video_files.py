"""Video files and recording places of a Takeout, matched to the videos' records.

Video files in `videos/` are named after the title, so a video is linked to the one file
whose name is its id or its title; ambiguous titles are reported, not guessed. Recording
locations (GPS) are personal data and go to the record's `sensitive` field only.
"""

from __future__ import annotations

from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.base import Claim, FileContext
from retention_desk.importers.common import ParseError
from retention_desk.importers.csv.export import read_export_csv
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.youtube.takeout import Row, compact_header, norm_title

VIDEO_SUFFIXES = frozenset(
    [".mp4", ".mov", ".m4v", ".webm", ".mkv", ".avi", ".flv", ".3gp", ".wmv", ".mpg", ".mpeg"]
)


def title_counts(tree: SourceTree, path: str) -> dict[str, int]:
    """How many videos share each title (files are named by title: shared ones are
    ambiguous). Problems surface in the main pass, which reads the same file."""
    counts: dict[str, int] = {}
    try:
        for row in read_export_csv(tree, path, required=("video id",)):
            title = norm_title(Row(row).get("video title (original)", "video title"))
            if title:
                counts[title] = counts.get(title, 0) + 1
    except ParseError:
        pass
    return counts


def places(tree: SourceTree, claim: Claim, warnings: list[str]) -> dict[str, Any]:
    """Video id -> recording location columns (GPS): personal data, kept in `sensitive`."""
    found: dict[str, Any] = {}
    for path in claim.state.get("recordings", []):
        try:
            for row in read_export_csv(tree, path, required=("video id",)):
                r = Row(row)
                values = {k: v for k, v in row.raw.items() if v and compact_header(k) != "videoid"}
                if r.get("video id") and values:
                    found[r.get("video id")] = values
        except ParseError as exc:
            warnings.append(f"recording locations not read: {exc}")
    return found


def video_index(claim: Claim, ctx: FileContext | None) -> dict[str, dict[str, list[str]]]:
    """Video files by exact name (an id is case-sensitive) and by normalised title, in
    every input of the import: big Takeouts split the videos into other zip files."""
    paths = list(claim.state.get("video_files", []))
    if ctx is not None:
        paths += [
            f.path
            for tree in ctx.other_trees
            for f in tree.files
            if PurePosixPath(f.path).suffix.lower() in VIDEO_SUFFIXES
        ]
    exact: dict[str, list[str]] = {}
    titled: dict[str, list[str]] = {}
    for path in paths:
        stem = PurePosixPath(path).stem
        exact.setdefault(stem, []).append(path)
        titled.setdefault(norm_title(stem), []).append(path)
    return {"exact": exact, "title": titled}


def video_extras(
    rec: RecordIn,
    state: dict[str, Any],
    warnings: list[str],
    ctx: FileContext | None,
) -> None:
    place = state["places"].get(rec.record_key)
    if place:
        rec.sensitive["recording_location"] = place
    files: dict[str, dict[str, list[str]]] = state["files"]
    hits = files["exact"].get(rec.record_key)
    title = norm_title(rec.title or "")
    if not hits and title:
        hits = files["title"].get(title)
        if hits and state.get("title_counts", {}).get(title, 1) > 1:
            warnings.append(
                f"video {rec.record_key}: several videos are titled {rec.title!r};"
                " its file is not linked (every video file is kept as an original)"
            )
            return
    if not hits:
        return
    if len(hits) > 1:
        warnings.append(
            f"video {rec.record_key}: {len(hits)} video files match {rec.title!r};"
            " none linked (each is kept as an original file)"
        )
        return
    if ctx is not None:
        name = PurePosixPath(hits[0]).name
        rec.media.append(ctx.media(hits[0], filename=name, media_type="video"))
