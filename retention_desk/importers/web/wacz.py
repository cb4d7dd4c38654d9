"""Importer for WACZ packages (Webrecorder ArchiveWeb.page, Browsertrix, py-wacz).

A WACZ is imported as ONE file (the tree layer does not open it as a folder): its signature
and hashes cover the package as a whole, and the runner keeps it byte-exact. Before anything
is written the package is checked (import-formats.md §7):
- `datapackage.json` lists every resource with its SHA-256 and size (1.1.1: `hash`/`bytes`;
  1.0.0: `stats.hash`/`stats.bytes` with `hashing`); each one is hashed and measured, and any
  difference fails the import naming the member (the runner keeps the original, marked
  failed);
- only paths listed there are opened, and only after the same containment check zip members
  get (no `..`, no absolute paths);
- `datapackage-digest.json`, when present, must state the digest of datapackage.json
  correctly; its signature details (signed or not, signer domain or key, time signature,
  software) are recorded, not verified cryptographically.
Then the WARCs inside are read by the same code as plain WARC files, with `pages/pages.jsonl`
giving page titles (and text, where a page's HTML has none).
"""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, BinaryIO

from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import ParseError, loads
from retention_desk.importers.tree import (
    DEFAULT_LIMITS,
    ZIP_MAGIC,
    SourceTree,
    TreeError,
    is_wacz_zip,
    safe_member_name,
)
from retention_desk.importers.web.warc import scan
from retention_desk.importers.web.warc_capture import WarcFileImport
from retention_desk.importers.web.warc_digest import algorithm_name
from retention_desk.importers.web.warc_pages import MAX_PAGES_BYTES, PageList
from retention_desk.importers.web.warc_revisits import index_of

SPOOL_IN_MEMORY = 32 * 1024 * 1024
HASH_CHUNK = 1024 * 1024
_PACKAGE_FILES = ("datapackage.json", "datapackage-digest.json")


class WaczImporter:
    name = "wacz"
    label = "Web archive package (WACZ)"
    platform = "web"

    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        claims = []
        for item in tree.files:
            try:
                if tree.head(item.path, 4) != ZIP_MAGIC:
                    continue
                if not self._looks_like_wacz(tree, item.path):
                    continue
            except (TreeError, OSError, zipfile.BadZipFile):
                continue
            claims.append(
                Claim(
                    format=self.name,
                    files=[item.path],
                    label=f"WACZ web archive package {item.path}",
                    confidence=95,
                )
            )
        if len(claims) > 1:
            # one claim for all packages: revisits may point into another package
            return [
                Claim(
                    format=self.name,
                    files=[c.files[0] for c in claims],
                    label=f"{len(claims)} WACZ web archive packages",
                    confidence=95,
                )
            ]
        return claims

    @staticmethod
    def _looks_like_wacz(tree: SourceTree, path: str) -> bool:
        if tree.kind == "zip":
            # a member of a zip cannot be opened as a zip without copying it out: go by name
            return path.lower().endswith(".wacz")
        with tree.open(path) as fh, zipfile.ZipFile(fh) as zf:
            return is_wacz_zip(zf)

    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        notes: list[str] = []
        total = 0
        first = last = None
        for path in claim.files:
            try:
                with _seekable(tree, path) as fh, zipfile.ZipFile(fh) as zf:
                    package = _read_json(zf, "datapackage.json", path)
                    for resource in _resources(package, path):
                        member = resource["path"]
                        if not member.startswith("archive/") or member not in zf.namelist():
                            continue
                        count, a, b, complete = scan(lambda m=member: zf.open(m))
                        total += count
                        first = min(filter(None, (first, a)), default=None)
                        last = max(filter(None, (last, b)), default=None)
                        if not complete:
                            notes.append(f"{path}: {member}: counted in part")
                    if "datapackage-digest.json" in zf.namelist():
                        notes.append(f"{path}: has a datapackage-digest.json (signature details)")
            except (ParseError, zipfile.BadZipFile, TreeError, OSError) as exc:
                notes.append(f"{path}: {exc}")
        return Preview(
            format=self.name,
            label=self.label,
            source=tree.label,
            account=None,
            date_from=first,
            date_to=last,
            approx_records=total,
            files=list(claim.files),
            notes=notes,
        )

    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        with _seekable(tree, path) as fh:
            try:
                zf = zipfile.ZipFile(fh)
            except zipfile.BadZipFile as exc:
                raise ParseError(f"{path}: not a readable WACZ (zip) file: {exc}") from None
            with zf:
                details = _verify_package(zf, path)
                warnings: list[str] = []
                pages = _pages(zf, details["resources_listed"], path, warnings)
                for warning in warnings:
                    ctx.warn(warning)
                warcs: dict[str, Any] = {}
                for member in details["resources_listed"]:
                    if not member.startswith("archive/"):
                        continue
                    ctx.check_cancel()
                    warcs[member] = WarcFileImport(
                        ctx,
                        index_of(claim.state),
                        name=member,
                        opener=lambda m=member: zf.open(m),
                        pages=pages,
                        container=path,
                    ).run()
        if not warcs:
            raise ParseError(f"{path}: the package lists no WARC file under archive/")
        details["warcs"] = warcs
        details["captures"] = sum(w["captures"] for w in warcs.values())
        details["platform_records"] = sum(w["platform_records"] for w in warcs.values())
        details["digest_mismatch_count"] = sum(w["digest_mismatch_count"] for w in warcs.values())
        details["truncated_count"] = sum(w["truncated_count"] for w in warcs.values())
        if pages is not None:
            missing = pages.unmatched()
            details["pages"] = {
                "listed": len(pages.entries),
                "found": len(pages.entries) - len(missing),
                "not_found": [str(p.get("url")) for p in missing[:100]],
            }
            if missing:
                ctx.warn(
                    f"{path}: {len(missing)} page(s) listed in pages.jsonl have no capture in"
                    " the package's WARCs: " + ", ".join(str(p.get("url")) for p in missing[:5])
                )
        ctx.details.update(details)


@contextmanager
def _seekable(tree: SourceTree, path: str) -> Iterator[BinaryIO]:
    """The file as a seekable stream: zipfile needs to seek (a zip member is copied out)."""
    raw = tree.open(path)
    try:
        if getattr(raw, "seekable", lambda: False)():
            yield raw
            return
        with tempfile.SpooledTemporaryFile(max_size=SPOOL_IN_MEMORY) as spool:
            while block := raw.read(HASH_CHUNK):
                spool.write(block)
            spool.seek(0)
            yield spool  # type: ignore[misc]
    finally:
        raw.close()


def _read_json(zf: zipfile.ZipFile, member: str, path: str) -> Any:
    try:
        info = zf.getinfo(member)
    except KeyError:
        raise ParseError(f"{path}: {member} is missing; not a WACZ package") from None
    if info.file_size > 64 * 1024 * 1024:
        raise ParseError(f"{path}: {member} is {info.file_size} bytes; refusing (too large)")
    return loads(zf.read(info), name=f"{path}: {member}")


def _resources(package: Any, path: str) -> list[dict[str, Any]]:
    if not isinstance(package, dict) or not isinstance(package.get("resources"), list):
        raise ParseError(f"{path}: datapackage.json has no resources list")
    out = []
    for position, resource in enumerate(package["resources"]):
        if not isinstance(resource, dict) or not isinstance(resource.get("path"), str):
            raise ParseError(f"{path}: datapackage.json resource {position} has no path")
        member = safe_member_name(resource["path"])
        if member is None or member != resource["path"]:
            raise ParseError(
                f"{path}: datapackage.json lists {resource['path']!r}, a path outside the"
                " package; refusing the package"
            )
        out.append(resource)
    return out


def _declared_hash(resource: dict[str, Any]) -> tuple[str, str] | None:
    """(hashlib algorithm, hex) from either layout: 1.1.1 `hash: "sha256:..."`, 1.0.0
    `stats: {hash}` with `hashing: "sha256"`."""
    stats = resource.get("stats") if isinstance(resource.get("stats"), dict) else {}
    value = resource.get("hash") or stats.get("hash")
    if not isinstance(value, str) or not value:
        return None
    if ":" in value:
        label, _, hexdigest = value.partition(":")
    else:
        label, hexdigest = str(resource.get("hashing") or "sha256"), value
    known = algorithm_name(label)
    return (known[0], hexdigest.strip().lower()) if known else (label, hexdigest)


def _declared_size(resource: dict[str, Any]) -> int | None:
    stats = resource.get("stats") if isinstance(resource.get("stats"), dict) else {}
    value = resource.get("bytes", stats.get("bytes"))
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _hash_member(zf: zipfile.ZipFile, info: zipfile.ZipInfo, algorithm: str) -> tuple[str, int]:
    hasher = hashlib.new(algorithm)
    size = 0
    with zf.open(info) as fh:
        while block := fh.read(HASH_CHUNK):
            size += len(block)
            if size > info.file_size:
                raise ParseError(f"{info.filename}: larger than its declared size (zip bomb?)")
            hasher.update(block)
    return hasher.hexdigest(), size


def _verify_package(zf: zipfile.ZipFile, path: str) -> dict[str, Any]:
    """Check datapackage.json against the members; details of the package and signature."""
    package = _read_json(zf, "datapackage.json", path)
    resources = _resources(package, path)
    members = {info.filename: info for info in zf.infolist() if not info.is_dir()}
    limits = DEFAULT_LIMITS
    listed: list[str] = []
    for resource in resources:
        member = resource["path"]
        info = members.get(member)
        if info is None:
            raise ParseError(f"{path}: {member} is listed in datapackage.json but missing")
        if (
            info.file_size > limits.ratio_floor_bytes
            and info.compress_size > 0
            and info.file_size / info.compress_size > limits.max_ratio
        ):
            raise ParseError(f"{path}: {member} expands beyond safe limits (zip bomb?)")
        declared = _declared_hash(resource)
        if declared is None:
            raise ParseError(f"{path}: {member} has no hash in datapackage.json")
        algorithm, expected = declared
        if algorithm not in hashlib.algorithms_available:
            raise ParseError(f"{path}: {member}: unknown hash algorithm {algorithm!r}")
        size = _declared_size(resource)
        try:
            found, actual_size = _hash_member(zf, info, algorithm)
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise ParseError(f"{path}: {member} cannot be read from the package: {exc}") from None
        if size is not None and actual_size != size:
            raise ParseError(
                f"{path}: {member} is {actual_size} bytes but datapackage.json says {size};"
                " the package was altered or damaged"
            )
        if found != expected:
            raise ParseError(
                f"{path}: {member} does not match its {algorithm} hash in datapackage.json"
                f" (declared {expected}, found {found}); the package was altered or damaged"
            )
        listed.append(member)
    unlisted = sorted(set(members) - set(listed) - set(_PACKAGE_FILES))
    unsafe = sorted(n for n in members if safe_member_name(n) != n)
    metadata = package.get("metadata") if isinstance(package.get("metadata"), dict) else {}
    details: dict[str, Any] = {
        "format": "wacz",
        "wacz_version": package.get("wacz_version"),
        "software": package.get("software"),
        "created": package.get("created"),
        "title": package.get("title") or metadata.get("title"),
        "resources_verified": len(listed),
        "resources_listed": listed,
        "unlisted_members": unlisted[:100],
        "unsafe_member_names": unsafe[:100],
        "signature": _signature(zf, members, path),
    }
    return details


def _signature(zf: zipfile.ZipFile, members: dict[str, zipfile.ZipInfo], path: str) -> dict:
    """What datapackage-digest.json says; its digest of datapackage.json must be right."""
    if "datapackage-digest.json" not in members:
        return {"present": False, "signed": False}
    digest = _read_json(zf, "datapackage-digest.json", path)
    if not isinstance(digest, dict):
        raise ParseError(f"{path}: datapackage-digest.json is not a JSON object")
    signed = digest.get("signedData") if isinstance(digest.get("signedData"), dict) else {}
    stated = digest.get("hash") or signed.get("hash")
    info: dict[str, Any] = {
        "present": True,
        "signed": bool(signed.get("signature")),
        "signer_domain": signed.get("domain"),
        "signer_public_key": bool(signed.get("publicKey") or digest.get("publicKey")),
        "domain_certificate": bool(signed.get("domainCert")),
        "time_signature": bool(signed.get("timeSignature")),
        "software": signed.get("software") or digest.get("software"),
        "created": signed.get("created"),
        "stated_digest": stated,
        "cryptographic_check": "not performed (signature details recorded only)",
    }
    if digest.get("path", "datapackage.json") != "datapackage.json":
        raise ParseError(f"{path}: datapackage-digest.json describes {digest.get('path')!r}")
    if not isinstance(stated, str) or ":" not in stated:
        raise ParseError(f"{path}: datapackage-digest.json states no usable digest")
    label, _, expected = stated.partition(":")
    known = algorithm_name(label)
    if known is None:
        raise ParseError(f"{path}: datapackage-digest.json uses unknown algorithm {label!r}")
    found, _ = _hash_member(zf, members["datapackage.json"], known[0])
    if found != expected.strip().lower():
        raise ParseError(
            f"{path}: datapackage.json does not match the digest in datapackage-digest.json"
            f" (stated {expected}, found {found}); the package was altered after it was signed"
        )
    info["digest_ok"] = True
    if signed and signed.get("hash") and digest.get("hash") and signed["hash"] != digest["hash"]:
        raise ParseError(f"{path}: datapackage-digest.json states two different digests")
    return info


def _pages(
    zf: zipfile.ZipFile, listed: list[str], path: str, warnings: list[str]
) -> PageList | None:
    entries: list[dict[str, Any]] = []
    header: dict[str, Any] | None = None
    found = False
    for member in listed:
        if not (member.startswith("pages/") and member.endswith(".jsonl")):
            continue
        info = zf.getinfo(member)
        if info.file_size > MAX_PAGES_BYTES:
            warnings.append(f"{path}: {member} is too large to read ({info.file_size} bytes)")
            continue
        found = True
        pages = PageList.parse(zf.read(info), name=f"{path}: {member}", warnings=warnings)
        entries += pages.entries
        header = header or pages.header
    return PageList(entries, header) if found else None


IMPORTER = WaczImporter()
