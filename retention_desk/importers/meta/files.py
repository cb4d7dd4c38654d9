"""Reading and recognising the files of a Meta (Facebook, Instagram) download.

`sniff` looks at a file's first bytes without parsing it, `load_json` parses a whole file with
reasons a user can act on (a record nested too deeply costs that record only), `FamilyIndex`
tells Facebook and Instagram files apart where their layouts overlap, and `html_variant` spots
the HTML download users pick by mistake.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from retention_desk.importers.common import ParseError, decode_text
from retention_desk.importers.json_items import loads_records
from retention_desk.importers.tree import SourceTree

HEAD_BYTES = 8192


@dataclass(frozen=True)
class Head:
    """What the first bytes of a file look like, without parsing the whole file."""

    shape: str  # object | array | empty_array | html | other
    keys: tuple[str, ...]  # quoted JSON keys seen in the head, in order
    encoding_problem: str | None = None  # 'utf-16' | 'not utf-8' | None

    @property
    def first_key(self) -> str | None:
        return self.keys[0] if self.keys else None


_KEY_RE = re.compile(r'"((?:[^"\\]|\\.){1,200})"\s*:')


def sniff(tree: SourceTree, path: str, n: int = HEAD_BYTES) -> Head:
    """The shape, first JSON keys and any encoding problem of the file's first `n` bytes."""
    data = tree.head(path, n)
    problem = None
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:64]:
        problem = "utf-16"
        codec = "utf-16" if data.startswith((b"\xff\xfe", b"\xfe\xff")) else _utf16_guess(data)
        text = data[: len(data) // 2 * 2].decode(codec, "replace")
    else:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            # a multi-byte character cut at the end of the head is not an encoding problem
            if exc.start < len(data) - 4:
                problem = "not utf-8"
            text = data.decode("utf-8", "replace")
    stripped = text.lstrip("\ufeff \t\r\n")
    lowered = stripped[:200].lower()
    if stripped.startswith("["):
        shape = "empty_array" if stripped[1:].lstrip().startswith("]") else "array"
    elif stripped.startswith("{"):
        shape = "object"
    elif lowered.startswith(("<!doctype html", "<html")) or "<html" in lowered:
        shape = "html"
    else:
        shape = "other"
    return Head(shape, tuple(m.group(1) for m in _KEY_RE.finditer(stripped)), problem)


def _utf16_guess(data: bytes) -> str:
    # ASCII text in UTF-16 without a BOM: the zero byte comes second (LE) or first (BE)
    return "utf-16-le" if data[1:2] == b"\x00" else "utf-16-be"


def load_json(tree: SourceTree, path: str, warnings: list[str] | None = None) -> Any:
    """The parsed file, or ParseError naming the file with a reason a user can act on.

    A record nested too deeply to parse safely comes back as null (the other records keep
    their positions) and is reported in `warnings`."""
    data = tree.read_bytes(path)
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or b"\x00" in data[:64]:
        raise ParseError(
            f"{path}: the file is UTF-16 text, but Meta exports are UTF-8; it was probably"
            " re-saved by another program. Use the file from the original download"
        )
    return loads_records(decode_text(data, name=path), name=path, warnings=warnings)


def name_of(path: str) -> str:
    """The file name of a tree path."""
    return PurePosixPath(path).name


def json_paths(tree: SourceTree) -> list[str]:
    """Every `.json` file of the tree."""
    return [f.path for f in tree.files if f.path.lower().endswith(".json")]


# ------------------------------------------------------------------------- families
_IG_MARKERS = (
    "your_instagram_activity/",
    "personal_information/personal_information.",
    "followers_and_following/",
    "media/posts/",
    "content/posts_",
)
_FB_MARKERS = (
    "your_facebook_activity/",
    "your_activity_across_facebook/",
    "this_profile's_activity_across_facebook/",
    "profile_information/profile_information.",
    "posts/your_posts",
    "posts/media/",
    "comments_and_reactions/",
    "messages/stickers_used/",
)


def _marks(path: str) -> tuple[bool, bool]:
    lower = "/" + path.lower().replace("\u2019", "'")
    top = lower.split("/")[1] if lower.count("/") > 1 else ""
    ig = any("/" + m in lower or lower.startswith("/" + m) for m in _IG_MARKERS) or (
        "instagram" in top
    )
    fb = any("/" + m in lower for m in _FB_MARKERS) or "facebook" in top
    return ig, fb


class FamilyIndex:
    """Tells Facebook and Instagram files apart where their layouts overlap (Messenger-style
    threads). Decided by the folders around a file: an Instagram export has
    `your_instagram_activity/`, `media/posts/`, `personal_information/personal_information.json`;
    a Facebook one `your_facebook_activity/`, `posts/your_posts_*`, `profile_information/`..."""

    def __init__(self, tree: SourceTree) -> None:
        self._paths = [f.path for f in tree.files]
        self._cache: dict[str, str] = {}

    def family(self, path: str) -> str:
        """'instagram' or 'facebook' (the default: Messenger threads are the common case)."""
        ig, fb = _marks(path)
        if ig != fb:
            return "instagram" if ig else "facebook"
        lower = path.lower()
        cut = lower.rfind("messages/")
        prefix = path[:cut] if cut >= 0 else str(PurePosixPath(path).parent) + "/"
        if prefix in self._cache:
            return self._cache[prefix]
        any_ig = any_fb = False
        for other in self._paths:
            if other.startswith(prefix):
                oig, ofb = _marks(other)
                any_ig |= oig
                any_fb |= ofb
        result = "instagram" if any_ig and not any_fb else "facebook"
        self._cache[prefix] = result
        return result


# ------------------------------------------------------------------------------- HTML
def html_variant(tree: SourceTree, names: re.Pattern[str], platform: str) -> str | None:
    """The file to report when the export is the HTML variant (data pages, no JSON).

    `names` matches file names of data pages. Only a tree with the platform's own folders
    (`posts/your_posts_*`, `your_facebook_activity/`, `your_instagram_activity/`...) counts, so
    a stray `index.html` is not taken for an export. The user has to download again in JSON
    format; one claimed file carries the message, every other file is still kept as an
    original by the runner.
    """
    which = 0 if platform == "instagram" else 1
    if not any(_marks(f.path)[which] for f in tree.files):
        return None
    families = FamilyIndex(tree)
    pages = [
        f.path
        for f in tree.files
        if f.path.lower().endswith((".html", ".htm")) and names.match(name_of(f.path).lower())
    ]
    pages = [p for p in pages if families.family(p) == platform]
    if not pages:
        return None
    pages.sort(key=lambda p: (not re.match(r"^(your_|profile_)?posts", name_of(p)), len(p), p))
    for page in pages[:20]:
        try:
            if sniff(tree, page, 2048).shape == "html":
                return page
        except OSError:
            continue
    return None


def html_error(path: str, platform_label: str) -> ParseError:
    """The error for an HTML download: what it is and how to get the JSON one."""
    return ParseError(
        f"{path}: this is the HTML version of a {platform_label} 'Download Your Information'"
        " export, which cannot be imported as records. Request the download again with"
        " Format: JSON (Accounts Center > Your information and permissions > Download your"
        " information), then import that download."
    )
