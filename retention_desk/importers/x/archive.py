"""X / Twitter "Download an archive of your data" (2019 to today), zipped or unpacked.

Detection is by content: `manifest.js` starting `window.__THAR_CONFIG` and data files starting
`window.YTD.<type>.part<N> =`. The manifest drives discovery (its `dataTypes.*.files[].fileName`,
media folders and counts); data files found by their YTD global are added even when the
manifest does not list them, so a lost or trimmed manifest still imports. A file's type comes
from its own YTD global, never from a name glob (`deleted-tweets.js` is not `tweets.js`).

Imported: tweets (all parts), deleted-tweets.js (flagged deleted, merged with the same id),
community-tweet.js, note-tweet.js (long posts merged into their tweet as a version),
direct-messages.js and direct-messages-group.js (restricted messages) and profile.js (a 'page'
record). account.js gives the owning account; it and every other file of the export (media,
viewer, data we do not parse) are kept byte-exact by the runner. The e-mail in account.js
stays in that original only.
"""

from __future__ import annotations

import re
from datetime import datetime
from pathlib import PurePosixPath
from typing import Any

from retention_desk.archive.ingest import AccountIn, RecordIn
from retention_desk.importers import subscribers
from retention_desk.importers.base import Claim, FileContext, ImportOptions, Preview
from retention_desk.importers.common import (
    ParseError,
    decode_text,
    parse_time,
)
from retention_desk.importers.tree import SourceTree
from retention_desk.importers.x.common import (
    PLATFORM,
    as_text,
    exact_id,
    iter_js_array,
    load_js_object,
)
from retention_desk.importers.x.dm import conversation_records
from retention_desk.importers.x.notes import import_notes
from retention_desk.importers.x.profile import import_profile
from retention_desk.importers.x.tweets import ExportMedia, TweetFile, scan_edit_chains, tweet_record

_YTD = re.compile(rb"^(?:\xef\xbb\xbf)?\s*window\.YTD\.([A-Za-z0-9_]+)\.part(\d+)\s*=")
_THAR = re.compile(rb"^(?:\xef\xbb\xbf)?\s*window\.__THAR_CONFIG\s*=")
# YTD global name -> what we do with the file
_GLOBAL_TYPES = {
    "tweets": "tweets",
    "tweet": "tweets",  # 2019 archives: data/tweet.js
    "deleted_tweets": "deleted",
    "community_tweet": "community",
    "note_tweet": "note",
    "direct_messages": "dm",
    "direct_messages_group": "dm_group",
    "account": "account",
    "profile": "profile",
    "follower": "followers",  # subscriber lists: importers/subscribers
    "following": "following",
}
# manifest dataTypes key -> our type
_MANIFEST_TYPES = {
    "tweets": "tweets",
    "tweet": "tweets",
    "deletedTweets": "deleted",
    "communityTweet": "community",
    "noteTweet": "note",
    "directMessages": "dm",
    "directMessagesGroup": "dm_group",
    "account": "account",
    "profile": "profile",
    "follower": "followers",
    "following": "following",
}
_ORDER = (
    "manifest",
    "profile",
    "tweets",
    "community",
    "deleted",
    "note",
    "dm",
    "dm_group",
    "followers",
    "following",
)
_MEDIA_DIRS = {
    "tweets": "tweets_media",
    "deleted": "deleted_tweets_media",
    "community": "community_tweet_media",
    "dm": "direct_messages_media",
    "dm_group": "direct_messages_group_media",
    "profile": "profile_media",
}
_TWEET_KINDS = {"tweets": "tweets", "deleted": "deleted", "community": "community"}
_HEAD = 512
_CANCEL_EVERY = 500


def _join(base: str, rel: str) -> str:
    return f"{base}/{rel}" if base else rel


def _data_rel(file_name: str) -> str:
    """'data/tweets.js' -> 'tweets.js': manifest names are relative to the export root, we
    resolve them against the folder that holds manifest.js (the user may give that folder)."""
    return file_name[5:] if file_name.startswith("data/") else file_name


class XArchiveImporter:
    name = "x-archive"
    label = "X (Twitter) archive"
    platform = PLATFORM

    # ----------------------------------------------------------------------- detect
    def detect(self, tree: SourceTree, options: ImportOptions) -> list[Claim]:
        """One claim per data folder holding X archive files (manifest and/or YTD files)."""
        folders: dict[str, dict[str, Any]] = {}
        for entry in tree.files:
            if not entry.path.lower().endswith(".js") or entry.size == 0:
                continue
            head = tree.head(entry.path, _HEAD)
            base = str(PurePosixPath(entry.path).parent)
            base = "" if base == "." else base
            folder = folders.setdefault(base, {"manifest": None, "files": {}})
            if _THAR.match(head):
                folder["manifest"] = entry.path
                continue
            match = _YTD.match(head)
            if match:
                kind = _GLOBAL_TYPES.get(match.group(1).decode("ascii"))
                if kind is not None:
                    folder["files"][entry.path] = (kind, int(match.group(2)))
        claims = []
        for base, folder in sorted(folders.items()):
            if folder["manifest"] is None and not folder["files"]:
                continue
            claim = self._claim(tree, base, folder["manifest"], folder["files"])
            if claim is not None:
                claims.append(claim)
        return claims

    def _claim(
        self,
        tree: SourceTree,
        base: str,
        manifest_path: str | None,
        found: dict[str, tuple[str, int]],
    ) -> Claim | None:
        state: dict[str, Any] = {
            "base": base,
            "types": {},
            "parts": {},
            "counts": {},
            "media_dirs": {k: _join(base, v) for k, v in _MEDIA_DIRS.items()},
            "listed_missing": [],
            "notes": [],
        }
        manifest: dict[str, Any] = {}
        if manifest_path is not None:
            try:
                manifest = load_js_object(tree.read_bytes(manifest_path), name=manifest_path)
            except ParseError as exc:
                state["notes"].append(f"manifest.js unreadable ({exc}); files found by content")
                manifest = {}
            if not isinstance(manifest, dict):
                manifest = {}
            self._read_manifest(tree, base, manifest, state, found)
        files = dict(found)
        account_path = next((p for p, (k, _) in files.items() if k == "account"), None)
        account, created = self._account(tree, account_path, manifest)
        state["account_created"] = created
        for path, (kind, part) in files.items():
            state["types"][path] = kind
            state["parts"][path] = part
        ordered = sorted(
            (p for p, (k, _) in files.items() if k in _ORDER),
            key=lambda p: (_ORDER.index(files[p][0]), files[p][1], p),
        )
        if not ordered:
            return None
        if manifest_path is not None and manifest:
            state["types"][manifest_path] = "manifest"
            ordered.insert(0, manifest_path)
        state["manifest"] = manifest_path
        info = manifest.get("archiveInfo") if isinstance(manifest.get("archiveInfo"), dict) else {}
        state["generated"] = info.get("generationDate")
        label = f"X archive (@{account.handle})" if account and account.handle else self.label
        return Claim(
            format=self.name,
            files=ordered,
            label=label,
            confidence=90,
            account=account,
            state=state,
        )

    @staticmethod
    def _read_manifest(
        tree: SourceTree,
        base: str,
        manifest: dict[str, Any],
        state: dict[str, Any],
        found: dict[str, tuple[str, int]],
    ) -> None:
        types = manifest.get("dataTypes")
        if not isinstance(types, dict):
            return
        for type_key, spec in types.items():
            kind = _MANIFEST_TYPES.get(type_key)
            if kind is None or not isinstance(spec, dict):
                continue
            media_dir = spec.get("mediaDirectory")
            if isinstance(media_dir, str) and media_dir:
                state["media_dirs"][kind] = _join(base, _data_rel(media_dir))
            for number, entry in enumerate(spec.get("files") or []):
                if not isinstance(entry, dict) or not isinstance(entry.get("fileName"), str):
                    continue
                path = _join(base, _data_rel(entry["fileName"]))
                count = entry.get("count")
                count = int(count) if isinstance(count, str) and count.isdigit() else count
                if tree.exists(path):
                    part = re.search(r"part(\d+)$", as_text(entry.get("globalName")))
                    found.setdefault(path, (kind, int(part.group(1)) if part else number))
                    if isinstance(count, int):
                        state["counts"][path] = count
                elif isinstance(count, int) and count > 0:
                    state["listed_missing"].append((entry["fileName"], count))

    @staticmethod
    def _account(
        tree: SourceTree, account_path: str | None, manifest: dict[str, Any]
    ) -> tuple[AccountIn | None, str | None]:
        """The owning account from account.js, else from the manifest's userInfo."""
        info: dict[str, Any] = {}
        if account_path is not None:
            try:
                for _, item in iter_js_array(tree.read_bytes(account_path), name=account_path):
                    if isinstance(item, dict) and isinstance(item.get("account"), dict):
                        info = item["account"]
                        break
            except ParseError:
                info = {}
        user = manifest.get("userInfo") if isinstance(manifest.get("userInfo"), dict) else {}
        account_id = exact_id(info.get("accountId")) or exact_id(user.get("accountId"))
        handle = as_text(info.get("username") or user.get("userName")) or None
        display = as_text(info.get("accountDisplayName") or user.get("displayName")) or None
        if account_id is None and handle is None:
            return None, None
        created = info.get("createdAt")
        return (
            AccountIn(
                platform=PLATFORM,
                account_key=account_id or handle or "",
                platform_account_id=account_id,
                handle=handle,
                display_name=display,
            ),
            created if isinstance(created, str) else None,
        )

    # ---------------------------------------------------------------------- preview
    def preview(self, tree: SourceTree, claim: Claim, options: ImportOptions) -> Preview:
        """Account, approximate size and date span from the manifest and heads of files."""
        state = claim.state
        approx = 0
        for path in claim.files:
            kind = state["types"].get(path)
            if kind == "manifest":
                continue
            if kind in subscribers.LIST_KINDS:
                approx += 1  # a list is one snapshot record, whatever its length
                continue
            count = state["counts"].get(path)
            # without a manifest count, X's pretty-printed tweets run about 2 KB each
            approx += count if isinstance(count, int) else max(1, tree.size(path) // 2000)
        newest: datetime | None = None
        for path in claim.files:
            if state["types"].get(path) != "tweets":
                continue
            head = tree.head(path, 64 * 1024).decode("utf-8", "replace")
            for raw in re.findall(r'"created_at"\s*:\s*"([^"]+)"', head):
                try:
                    when = parse_time(raw)
                except ParseError:
                    continue
                if when and (newest is None or when > newest):
                    newest = when
        try:
            oldest = parse_time(state.get("account_created"))
        except ParseError:
            oldest = None
        notes = [*state["notes"]]
        notes += [
            f"{name} ({count} items) is listed in manifest.js but not in this export"
            for name, count in state["listed_missing"]
        ]
        if oldest is not None:
            notes.append("dates: from the account's creation to the newest tweet")
        return Preview(
            format=self.name,
            label=claim.label,
            source=tree.label,
            account=f"@{claim.account.handle}" if claim.account and claim.account.handle else None,
            date_from=oldest,
            date_to=newest,
            approx_records=approx,
            files=list(claim.files),
            notes=notes,
        )

    # ----------------------------------------------------------------------- import
    def import_file(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        """Parse one file of the claim (its type was fixed at detection) into records."""
        kind = claim.state["types"][path]
        if kind == "manifest":
            self._import_manifest(ctx, tree, claim, path)
            return
        data = tree.read_bytes(path)
        if kind in subscribers.LIST_KINDS:
            self._import_list(ctx, tree, claim, path, data, kind)
            return
        if kind in _TWEET_KINDS:
            # bytes: iter_js_array decodes a window at a time, since the file's text as one
            # str is twice its size when a character needs two bytes ("…")
            count = self._import_tweets(ctx, claim, path, data, _TWEET_KINDS[kind])
        else:
            count = self._import_other(ctx, claim, path, decode_text(data, name=path), kind)
        expected = claim.state["counts"].get(path)
        if isinstance(expected, int) and expected != count:
            ctx.warn(
                f"{path}: manifest.js says {expected} items, the file holds {count};"
                " everything in the file was imported"
            )
        ctx.details["items"] = count

    def _import_other(
        self, ctx: FileContext, claim: Claim, path: str, source: str, kind: str
    ) -> int:
        if kind == "profile":
            count = import_profile(ctx, claim, path, source)
        elif kind == "note":
            count = import_notes(ctx, claim, path, source)
        elif kind in ("dm", "dm_group"):
            count = self._import_dms(ctx, claim, path, source, kind)
        else:  # pragma: no cover - detection only claims the types above
            raise ParseError(f"{path}: not a file this importer reads")
        return count

    def _import_manifest(self, ctx: FileContext, tree: SourceTree, claim: Claim, path: str) -> None:
        manifest = load_js_object(tree.read_bytes(path), name=path)
        if not isinstance(manifest, dict):
            raise ParseError(f"{path}: expected an object after window.__THAR_CONFIG")
        info = manifest.get("archiveInfo") if isinstance(manifest.get("archiveInfo"), dict) else {}
        user = manifest.get("userInfo") if isinstance(manifest.get("userInfo"), dict) else {}
        ctx.details.update(
            {
                "generation_date": info.get("generationDate"),
                "is_partial_archive": info.get("isPartialArchive"),
                "account_id": user.get("accountId"),
                "username": user.get("userName"),
            }
        )
        if info.get("isPartialArchive") in (True, "true"):
            ctx.warn(
                f"{path}: X split this archive into several zip files; import all parts"
                " together so that tweets and media are complete"
            )
        for name, count in claim.state["listed_missing"]:
            ctx.warn(f"{name} ({count} items) is listed in manifest.js but is not in this export")

    def _owner(self, claim: Claim) -> AccountIn | None:
        return claim.account

    @staticmethod
    def _import_list(
        ctx: FileContext, tree: SourceTree, claim: Claim, path: str, data: bytes, kind: str
    ) -> None:
        """follower.js / following.js: one dated snapshot record (importers/subscribers)."""
        try:
            generated = parse_time(claim.state.get("generated"))
        except ParseError:
            generated = None
        taken = subscribers.export_date(
            tree, path, generated, "the archive's generation date in manifest.js"
        )
        parsed = subscribers.parse_x(data, path, kind)
        subscribers.import_list(ctx, tree, path, PLATFORM, parsed, taken)
        ctx.details["items"] = len(parsed.members)

    # ----------------------------------------------------------------------- tweets
    def _import_tweets(
        self, ctx: FileContext, claim: Claim, path: str, source: bytes | str, kind: str
    ) -> int:
        chains: dict[str, str] = claim.state.setdefault("chains", {})
        chains.update(scan_edit_chains(source))
        where = TweetFile(path=path, media_dir=claim.state["media_dirs"][kind], kind=kind)
        owner = self._owner(claim)
        finder = ExportMedia(ctx)
        pending: dict[str, list[tuple[int, int, RecordIn]]] = {}
        count = 0
        skipped: list[str] = []  # tweets too deeply nested to parse safely
        for index, item in iter_js_array(source, name=path, skipped=skipped):
            count += 1
            if count % _CANCEL_EVERY == 0:
                ctx.check_cancel()
            parsed = tweet_record(item, index, where, owner, chains, finder, ctx.warnings)
            rec = parsed.record
            if parsed.chained:
                order = int(parsed.own_id) if parsed.own_id else 0
                pending.setdefault(rec.record_key, []).append((order, index, rec))
            else:
                ctx.writer.add(rec)
        # Edit chains, held back until the whole file is read (versions can be anywhere in
        # it): each written oldest first (snowflake ids grow with time).
        edited = 0
        for versions in pending.values():
            versions.sort(key=lambda v: (v[0], v[1]))
            for _order, _index, version in versions:
                ctx.writer.add(version)
            edited += 1
        if edited:
            ctx.details["edit_chains"] = edited
        ctx.warnings += skipped
        return count + len(skipped)

    # ------------------------------------------------------------------------- DMs
    def _import_dms(self, ctx: FileContext, claim: Claim, path: str, source: str, kind: str) -> int:
        owner = self._owner(claim)
        finder = ExportMedia(ctx)
        media_dir = claim.state["media_dirs"][kind]
        count = 0
        skipped: list[str] = []
        for index, item in iter_js_array(source, name=path, skipped=skipped):
            count += 1
            ctx.check_cancel()
            for rec in conversation_records(
                item, index, path, media_dir, kind == "dm_group", owner, finder, ctx.warnings
            ):
                ctx.writer.add(rec)
        ctx.warnings += skipped
        return count + len(skipped)


IMPORTER = XArchiveImporter()
