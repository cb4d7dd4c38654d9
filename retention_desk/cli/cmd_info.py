"""`retention-desk info`: what the archive holds."""

from __future__ import annotations

import argparse
from typing import Any

from retention_desk.archive.info import archive_info
from retention_desk.archive.settings import zone_or_default
from retention_desk.cli.common import open_archive, print_json
from retention_desk.platforms import platform_label
from retention_desk.timefmt import show_time


def register(sub: Any) -> None:
    p = sub.add_parser("info", help="summary of the archive")
    p.add_argument("--json", action="store_true", help="machine-readable output")
    p.add_argument(
        "--utc", action="store_true", help="times in UTC instead of the agency's time zone"
    )
    p.set_defaults(func=run)


def _size(n: int) -> str:
    size = float(n)
    for unit in ("B", "KB", "MB", "GB", "TB"):
        if size < 1024 or unit == "TB":
            return f"{size:.1f} {unit}" if unit != "B" else f"{n} B"
        size /= 1024
    return f"{n} B"


def run(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        info = archive_info(archive)
    if args.json:
        print_json(info.to_dict())
        return 0
    tz = zone_or_default(info.settings.get("time_zone"))[0]

    def when(value: object) -> str:
        return show_time(value if isinstance(value, str) else None, tz, utc=args.utc)

    print(f"Archive:        {info.path}")
    print(f"Size:           {_size(info.size_bytes)}")
    print(f"Schema:         {info.schema_version} (this app: {info.app_schema})")
    print(f"Created:        {when(info.created_at)}")
    print(f"Time zone:      {'UTC (--utc)' if args.utc else tz.key}")
    agency = info.settings.get("agency_name") or "(not set)"
    print(f"Agency:         {agency}")
    print(f"Records:        {info.records} ({info.versions} versions)")
    print(
        f"Source files:   {info.source_files}; stored files: {info.blobs}"
        f" ({_size(info.blob_bytes)})"
    )
    print(f"Audit rows:     {info.audit_rows}")
    for platform, count in info.by_platform.items():
        print(f"  {platform_label(platform):<12} {count}")
    if info.last_import:
        li = info.last_import
        finished = li["finished_at"] or li["started_at"]
        print(f"Last import:    batch {li['id']} {li['status']} at {when(finished)}")
    else:
        print("Last import:    none")
    if info.last_verify:
        lv = info.last_verify
        print(
            f"Last verify:    {'passed' if lv.get('ok') else 'FAILED'}"
            f" at {when(lv.get('finished_at'))}"
        )
    else:
        print("Last verify:    never")
    return 0
