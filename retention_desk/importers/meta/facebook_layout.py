"""Where the items are in a Facebook download's JSON files.

A file is a list of items, or an object whose keys name the list (`{"comments_v2": [...]}`),
sometimes nested (`{"wall_posts_sent_to_you": {"activity_log_data": [...]}}`) or several in
a list (`[{"group_comments_v2": [...]}, {"comments_v2": [...]}]`). The key sets here name
those containers; `items_of` walks through them to the items.
"""

from __future__ import annotations

from typing import Any

from retention_desk.importers.common import ParseError

PLATFORM = "facebook"

COMMENT_KEYS = frozenset({"comments_v2", "group_comments_v2", "comments"})
REACTION_KEYS = frozenset({"reactions_v2", "reactions"})
PROFILE_KEYS = frozenset({"profile_v2", "profile", "v2_profile"})
GROUP_POST_KEYS = frozenset({"group_posts_v2", "group_posts"})
STATUS_KEYS = frozenset({"status_updates_v2", "status_updates"})
PHOTO_KEYS = frozenset({"other_photos_v2", "videos_v2"})
# dict keys whose value is the list of items (or another container)
_CONTAINERS = (
    COMMENT_KEYS
    | REACTION_KEYS
    | GROUP_POST_KEYS
    | PHOTO_KEYS
    | STATUS_KEYS
    | {
        "activity_log_data",
        "likes_and_reactions",
    }
)


def _is_container(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and bool(node)
        and all(k in _CONTAINERS or k.startswith("wall_posts_sent_to_you") for k in node)
    )


def items_of(data: Any, path: str) -> list[tuple[str, Any]]:
    """Every item of a file with its locator, through container objects such as
    `{"comments_v2": [...]}`, `[{"group_comments_v2": [...]}, {"comments_v2": [...]}]` or
    `{"wall_posts_sent_to_you": {"activity_log_data": [...]}}`."""
    found: list[tuple[str, Any]] = []

    def visit(node: Any, where: str) -> None:
        if isinstance(node, list):
            for i, child in enumerate(node):
                if _is_container(child):
                    visit(child, f"{where}[{i}]")
                else:
                    found.append((f"{where}[{i}]", child))
        elif _is_container(node):
            for key, child in node.items():
                visit(child, f"{where}.{key}" if "#" in where else f"{where}#{key}")
        else:
            keys = ", ".join(sorted(node)[:8]) if isinstance(node, dict) else type(node).__name__
            raise ParseError(f"{path}: unexpected layout at {where or 'the top'} ({keys})")

    visit(data, path)
    return found
