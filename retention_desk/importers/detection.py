"""Detection: open every input and find which importer claims which files. Writes nothing."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from retention_desk.importers.base import Claim, Importer, ImportOptions, Preview
from retention_desk.importers.common import ParseError
from retention_desk.importers.registry import all_importers, format_names, get_importer
from retention_desk.importers.tree import MemberError, SourceTree, TreeError, open_tree


@dataclass
class Detection:
    """What was found in the inputs, before anything is written."""

    trees: list[SourceTree]
    claims: list[tuple[SourceTree, Importer, Claim]]
    errors: list[str]
    refused: list[tuple[str, str]]  # (input, problem) entries refused inside containers
    # zips/folders with no data files of their own, imported beside a recognised export: the
    # other parts of a split download (media zips). Their files are kept with the import.
    companions: list[SourceTree] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    def close(self) -> None:
        for tree in self.trees:
            tree.close()


def detect(paths: Sequence[Path | str], options: ImportOptions | None = None) -> Detection:
    """Open every input and find which importer claims which files. Writes nothing."""
    options = options or ImportOptions()
    if options.format is not None and options.format not in format_names():
        raise ValueError(
            f"unknown format {options.format!r}; known formats: " + ", ".join(format_names())
        )
    importers = [get_importer(options.format)] if options.format else list(all_importers())
    detection = Detection(trees=[], claims=[], errors=[], refused=[])
    unclaimed: list[tuple[SourceTree, str]] = []
    for raw in paths:
        path = Path(raw).expanduser()
        try:
            tree = open_tree(path)
        except (TreeError, OSError) as exc:
            detection.errors.append(
                str(exc) if isinstance(exc, TreeError) else f"{path}: {exc.strerror or exc}"
            )
            continue
        detection.trees.append(tree)
        detection.refused += [(tree.label, p) for p in tree.problems]
        found: list[tuple[Importer, Claim]] = []
        for importer in importers:
            try:
                found += [(importer, c) for c in _detect_around_damage(importer, tree, options)]
            except Exception as exc:  # one importer's failure must not stop others
                detection.errors.append(
                    f"{tree.label}: {importer.label} detection failed: {describe_error(exc)}"
                )
        found = _refuse_damaged(tree, _resolve_conflicts(found), detection)
        if not found:
            what = (
                f"a {get_importer(options.format).label}"
                if options.format
                else ("a recognised export (" + ", ".join(format_names()) + ")")
            )
            unclaimed.append((tree, f"{tree.label}: not {what}; nothing imported from it"))
        detection.claims += [(tree, imp, claim) for imp, claim in found]
    for tree, message in unclaimed:
        if detection.claims and tree.kind != "file":
            detection.companions.append(tree)
            detection.notes.append(
                f"{tree.label}: no data files of its own; its files are kept"
                " with this import (part of a split download?)"
            )
        else:
            detection.errors.append(message)
    return detection


def _detect_around_damage(
    importer: Importer, tree: SourceTree, options: ImportOptions
) -> list[Claim]:
    """`importer.detect`, run again without each member it could not read (a damaged
    manifest.js must cost that file, not the whole export). Each retry drops one member, so
    this ends; a member that cannot be dropped fails the importer's detection as before."""
    while True:
        try:
            return importer.detect(tree, options)
        except MemberError as exc:
            kept = [f for f in tree.files if f.path != exc.member]
            if len(kept) == len(tree.files):
                raise
            tree.files = kept


def _refuse_damaged(
    tree: SourceTree, found: list[tuple[Importer, Claim]], detection: Detection
) -> list[tuple[Importer, Claim]]:
    """Members found unreadable while detecting are refused, with the reason, and left out
    of the claims and of the files kept: nothing can be read from them."""
    if not tree.damaged:
        return found
    detection.refused += [(tree.label, message) for message in tree.damaged.values()]
    tree.files = [f for f in tree.files if f.path not in tree.damaged]
    kept = []
    for importer, claim in found:
        claim.files = [p for p in claim.files if p not in tree.damaged]
        if claim.files:
            kept.append((importer, claim))
    return kept


def _resolve_conflicts(found: list[tuple[Importer, Claim]]) -> list[tuple[Importer, Claim]]:
    """A file claimed by several importers goes to the most confident claim."""
    owner: dict[str, tuple[int, int]] = {}
    for index, (_imp, claim) in enumerate(found):
        for path in claim.files:
            best = owner.get(path)
            if best is None or claim.confidence > best[0]:
                owner[path] = (claim.confidence, index)
    result = []
    for index, (imp, claim) in enumerate(found):
        claim.files = [p for p in claim.files if owner[p][1] == index]
        if claim.files:
            result.append((imp, claim))
    return result


def preview(detection: Detection, options: ImportOptions | None = None) -> list[Preview]:
    """One preview per claim; a claim whose preview fails still appears, with the reason."""
    options = options or ImportOptions()
    previews = []
    for tree, imp, claim in detection.claims:
        try:
            previews.append(imp.preview(tree, claim, options))
        except Exception as exc:  # shown to the user; the import decides later
            previews.append(
                Preview(
                    format=imp.name,
                    label=claim.label,
                    source=tree.label,
                    account=None,
                    date_from=None,
                    date_to=None,
                    approx_records=None,
                    files=claim.files,
                    notes=[f"preview failed: {describe_error(exc)}"],
                )
            )
    return previews


def describe_error(exc: BaseException) -> str:
    """A one-line reason for a user, from any exception an importer raised."""
    if isinstance(exc, ParseError | TreeError):
        return str(exc)
    if isinstance(exc, KeyError):
        return f"expected field {exc} is missing"
    if isinstance(exc, UnicodeError):
        return f"text encoding problem: {exc}"
    return f"{type(exc).__name__}: {exc}"
