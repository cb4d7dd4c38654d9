"""Follower, following and subscription lists in exports, as dated snapshot records.

Each list file of an export (X `follower.js` / `following.js`, Facebook and Instagram
`followers_and_following/`, YouTube `subscriptions.csv`, Reddit `subscribed_subreddits.csv`)
becomes ONE record of kind `subscriber_list` (Las Cruces CMP 1.12 II.1.e treats subscriber
lists as public records to be produced completely): its text names every member one per line,
so search finds a member by name and a production lays out the whole list, and its
`subscriber_lists` / `subscriber_entries` rows hold the list for comparing snapshots
(oversight/subscribers.py). The family importers recognise the files and hand them here:
`parse` reads each format into members, `snapshot` dates the list and writes it.
"""

from retention_desk.importers.subscribers.parse import (
    LIST_KINDS,
    Member,
    ParsedList,
    facebook_list_kind,
    instagram_list_kind,
    is_reddit_subscriptions,
    is_youtube_subscriptions,
    parse_facebook,
    parse_instagram,
    parse_reddit,
    parse_x,
    parse_youtube,
    x_list_kind,
)
from retention_desk.importers.subscribers.snapshot import (
    RECORD_KIND,
    TakenAt,
    export_date,
    import_list,
    taken_from_file,
    taken_from_name,
)

__all__ = [
    "LIST_KINDS",
    "RECORD_KIND",
    "Member",
    "ParsedList",
    "TakenAt",
    "export_date",
    "facebook_list_kind",
    "import_list",
    "instagram_list_kind",
    "is_reddit_subscriptions",
    "is_youtube_subscriptions",
    "parse_facebook",
    "parse_instagram",
    "parse_reddit",
    "parse_x",
    "parse_youtube",
    "taken_from_file",
    "taken_from_name",
    "x_list_kind",
]
