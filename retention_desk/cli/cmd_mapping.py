"""`retention-desk mapping list|show|save|delete`: saved CSV column-mapping presets."""

from __future__ import annotations

import argparse
import json
from typing import Any

from retention_desk.cli import CliError
from retention_desk.cli.common import open_archive, print_json
from retention_desk.importers.csv.mapping import (
    FIELDS,
    MappingError,
    delete_preset,
    list_presets,
    load_preset,
    save_preset,
)


def register(sub: Any) -> None:
    p = sub.add_parser(
        "mapping",
        help="saved CSV column mappings (presets) for vendor exports and spreadsheets",
        description="Fields a mapping can assign: " + ", ".join(FIELDS),
    )
    actions = p.add_subparsers(dest="mapping_action", metavar="ACTION", required=True)
    lst = actions.add_parser("list", help="list saved presets")
    lst.add_argument("--json", action="store_true", help="machine-readable output")
    lst.set_defaults(func=run_list)
    show = actions.add_parser("show", help="print one preset as JSON")
    show.add_argument("name", metavar="NAME")
    show.set_defaults(func=run_show)
    save = actions.add_parser("save", help="save (or replace) a preset")
    save.add_argument("name", metavar="NAME")
    save.add_argument(
        "mapping", metavar="JSON", help='field -> column, e.g. \'{"text": "Message", "id": "ID"}\''
    )
    save.set_defaults(func=run_save)
    delete = actions.add_parser("delete", help="delete a preset")
    delete.add_argument("name", metavar="NAME")
    delete.set_defaults(func=run_delete)


def run_list(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        presets = list_presets(archive)
    if args.json:
        print_json([{**p.__dict__, "created_at": p.created_at} for p in presets])
        return 0
    if not presets:
        print("No saved CSV mapping presets.")
    for p in presets:
        when = f"{p.created_at:%Y-%m-%d %H:%M} UTC" if p.created_at else "?"
        print(f"{p.name}  (saved {when} by {p.created_by})")
        for field, column in p.mapping.items():
            print(f"    {field:<14} <- {column}")
    return 0


def run_show(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        mapping = load_preset(archive, args.name)
    if mapping is None:
        raise CliError(f"no saved CSV mapping preset named {args.name!r}")
    print_json(mapping)
    return 0


def run_save(args: argparse.Namespace) -> int:
    try:
        value = json.loads(args.mapping)
    except json.JSONDecodeError as exc:
        raise CliError(f"the mapping is not valid JSON: {exc}") from None
    with open_archive(args) as archive:
        try:
            clean = save_preset(archive, args.name, value)
        except MappingError as exc:
            raise CliError(str(exc)) from None
    print(f"Saved preset {args.name.strip()!r}: " + json.dumps(clean, ensure_ascii=False))
    return 0


def run_delete(args: argparse.Namespace) -> int:
    with open_archive(args) as archive:
        if not delete_preset(archive, args.name):
            raise CliError(f"no saved CSV mapping preset named {args.name!r}")
    print(f"Deleted preset {args.name.strip()!r}")
    return 0
