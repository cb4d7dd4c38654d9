"""Tweets inside captured Twitter/X API responses (Social Feed Manager and other harvesters).

Harvesters store raw API JSON in WARC response records (import-formats.md §2). Two shapes:
- API v2 (`/2/users/:id/tweets`, `/2/tweets/search/...`): `{"data": [tweet...], "includes":
  {"users": [...], "tweets": [...], "media": [...]}, "meta": {...}}`;
- API v1.1 (`statuses/user_timeline.json` is a list of tweets, `search/tweets.json` has
  `{"statuses": [...]}`), each tweet with an embedded `user`.

Each tweet becomes a platform 'x' record keyed by its id string, the key the X archive
importer uses, so a tweet seen in both an X export and a harvest is one record. Referenced
tweets in `includes.tweets` (quoted, replied to) are kept too: they are part of what the
capture shows. Every record points back to its capture in `extra.capture`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from retention_desk.archive.ingest import RecordIn
from retention_desk.importers.common import dumps_raw, time_or_warn
from retention_desk.importers.x.common import display_text

API_HOSTS = ("api.twitter.com", "api.x.com")


@dataclass(frozen=True)
class CaptureRef:
    """Where the tweets were seen: the capture record's identity."""

    warc_record_id: str
    url: str | None  # masked
    captured_at: str | None
    warc_file: str
    offset: int


def is_twitter_api(url: str | None) -> bool:
    if not url:
        return False
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return False
    return host in API_HOSTS


def tweets_from_payload(
    payload: Any, ref: CaptureRef, warnings: list[str]
) -> tuple[list[RecordIn], str] | None:
    """(records, api version) for an API response body the parser understands, else None."""
    if isinstance(payload, dict) and ("data" in payload or "includes" in payload):
        data = payload.get("data")
        if isinstance(data, dict):
            data = [data]  # single-tweet lookups return an object
        if not isinstance(data, list):
            return None
        includes = payload.get("includes") if isinstance(payload.get("includes"), dict) else {}
        return _v2(data, includes, ref, warnings), "twitter-api-v2"
    statuses: Any = None
    if isinstance(payload, list):
        statuses = payload
    elif isinstance(payload, dict) and isinstance(payload.get("statuses"), list):
        statuses = payload["statuses"]
    if statuses is not None and all(
        isinstance(t, dict) and ("id_str" in t or "id" in t) for t in statuses
    ):
        return _v1(statuses, ref, warnings), "twitter-api-v1.1"
    return None


def _capture_extra(ref: CaptureRef, role: str, api: str) -> dict[str, Any]:
    return {
        "capture": {
            "warc_record_id": ref.warc_record_id,
            "url": ref.url,
            "captured_at": ref.captured_at,
            "warc_file": ref.warc_file,
            "offset": ref.offset,
            "role": role,  # listed | referenced
        },
        "source_api": api,
    }


def _status_url(handle: str | None, tweet_id: str) -> str:
    return (
        f"https://x.com/{handle}/status/{tweet_id}"
        if handle
        else (f"https://x.com/i/status/{tweet_id}")
    )


# ------------------------------------------------------------------------------------- v2
def _v2(
    data: list[Any], includes: dict[str, Any], ref: CaptureRef, warnings: list[str]
) -> list[RecordIn]:
    users: dict[str, dict[str, Any]] = {}
    for user in includes.get("users") or []:
        if isinstance(user, dict) and user.get("id") is not None:
            users[str(user["id"])] = user
    handles: dict[str, str] = {uid: str(u.get("username")) for uid, u in users.items()}
    tweets: list[tuple[dict[str, Any], str]] = [
        (t, "listed") for t in data if isinstance(t, dict) and t.get("id") is not None
    ]
    listed = {str(t["id"]) for t, _ in tweets}
    tweets += [
        (t, "referenced")
        for t in includes.get("tweets") or []
        if isinstance(t, dict) and t.get("id") is not None and str(t["id"]) not in listed
    ]
    # Mentions name people whose user object was not expanded (the author of a quoted tweet).
    for tweet, _ in tweets:
        entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
        for mention in entities.get("mentions") or []:
            if isinstance(mention, dict) and mention.get("id") and mention.get("username"):
                handles.setdefault(str(mention["id"]), str(mention["username"]))
    media = {
        str(m.get("media_key")): m
        for m in includes.get("media") or []
        if isinstance(m, dict) and m.get("media_key")
    }
    seen: set[str] = set()
    records = []
    for position, (tweet, role) in enumerate(tweets):
        tweet_id = str(tweet["id"])
        if tweet_id in seen:
            continue
        seen.add(tweet_id)
        author_id = str(tweet["author_id"]) if tweet.get("author_id") is not None else None
        user = users.get(author_id or "", {})
        handle = handles.get(author_id or "")
        refs = [r for r in tweet.get("referenced_tweets") or [] if isinstance(r, dict)]
        parent = next((str(r.get("id")) for r in refs if r.get("type") == "replied_to"), None)
        raw_text = str(tweet.get("text") or "")
        where = f"{ref.warc_file}@{ref.offset} tweet {tweet_id}"
        extra = _capture_extra(ref, role, "twitter-api-v2")
        for key in (
            "public_metrics",
            "referenced_tweets",
            "edit_history_tweet_ids",
            "possibly_sensitive",
            "reply_settings",
            "source",
            "withheld",
        ):
            if tweet.get(key) is not None:
                extra[key] = tweet[key]
        entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
        url_entities = [u for u in entities.get("urls") or [] if isinstance(u, dict)]
        links = [u.get("expanded_url") for u in url_entities]
        shown = display_text(raw_text, url_entities)
        note = tweet.get("note_tweet") if isinstance(tweet.get("note_tweet"), dict) else {}
        if isinstance(note.get("text"), str) and note["text"]:
            # long posts: `text` is the first 280 characters, the whole post is the note
            note_entities = note.get("entities") if isinstance(note.get("entities"), dict) else {}
            shown = display_text(note["text"], note_entities.get("urls") or [])
            extra["long_post"] = True
        if any(links):
            extra["links"] = [link for link in links if link]
        keys = (tweet.get("attachments") or {}).get("media_keys") or []
        attached = [media[str(k)] for k in keys if str(k) in media]
        if attached:
            extra["media"] = [
                {k: m.get(k) for k in ("media_key", "type", "url", "preview_image_url", "alt_text")}
                for m in attached
            ]
        records.append(
            RecordIn(
                platform="x",
                kind="reply" if parent else "post",
                record_key=tweet_id,
                platform_id=tweet_id,
                text=shown,
                text_raw=raw_text,
                parent_key=parent,
                conversation_key=str(tweet["conversation_id"])
                if tweet.get("conversation_id") is not None
                else None,
                author_name=user.get("name"),
                author_handle=handle,
                author_platform_id=author_id,
                created_at=time_or_warn(tweet.get("created_at"), warnings, where),
                created_at_raw=tweet.get("created_at"),
                url=_status_url(handle, tweet_id),
                lang=tweet.get("lang"),
                is_repost=any(r.get("type") == "retweeted" for r in refs),
                extra=extra,
                raw_json=dumps_raw(tweet),
                locator=f"{ref.warc_file}@{ref.offset}"
                f" {'data' if role == 'listed' else 'includes.tweets'}[{position}]",
            )
        )
    return records


# ----------------------------------------------------------------------------------- v1.1
def _v1(statuses: list[dict[str, Any]], ref: CaptureRef, warnings: list[str]) -> list[RecordIn]:
    records = []
    seen: set[str] = set()
    for position, tweet in enumerate(statuses):
        # id_str always: `id` is a JSON number beyond 2**53 (common.loads keeps it exact anyway)
        tweet_id = str(tweet.get("id_str") or tweet.get("id"))
        if tweet_id in seen:
            continue
        seen.add(tweet_id)
        user = tweet.get("user") if isinstance(tweet.get("user"), dict) else {}
        handle = user.get("screen_name")
        raw_text = str(tweet.get("full_text") or tweet.get("text") or "")
        parent = tweet.get("in_reply_to_status_id_str")
        where = f"{ref.warc_file}@{ref.offset} tweet {tweet_id}"
        extra = _capture_extra(ref, "listed", "twitter-api-v1.1")
        entities = tweet.get("entities") if isinstance(tweet.get("entities"), dict) else {}
        extended = tweet.get("extended_entities")
        media_entities = (extended if isinstance(extended, dict) else entities).get("media") or []
        url_entities = [u for u in [*(entities.get("urls") or []), *media_entities] if u]
        for key in ("favorite_count", "retweet_count", "source", "possibly_sensitive"):
            if tweet.get(key) is not None:
                extra[key] = tweet[key]
        records.append(
            RecordIn(
                platform="x",
                kind="reply" if parent else "post",
                record_key=tweet_id,
                platform_id=tweet_id,
                text=display_text(raw_text, url_entities),
                text_raw=raw_text,
                parent_key=str(parent) if parent else None,
                author_name=user.get("name"),
                author_handle=handle,
                author_platform_id=str(user["id_str"]) if user.get("id_str") else None,
                created_at=time_or_warn(tweet.get("created_at"), warnings, where),
                created_at_raw=tweet.get("created_at"),
                url=_status_url(handle, tweet_id),
                lang=tweet.get("lang"),
                is_repost=isinstance(tweet.get("retweeted_status"), dict),
                extra=extra,
                raw_json=dumps_raw(tweet),
                locator=f"{ref.warc_file}@{ref.offset} statuses[{position}]",
            )
        )
    return records
