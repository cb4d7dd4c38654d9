"""A preview of a production's first pages, for the production dialog: laid out exactly as
`produce` would lay it out (the same plan, redactions cut before layout, the next Bates
numbers), but stored nowhere, numbering nothing and keyed with a throwaway key.

Only the first records are laid out (enough for the first pages), and the pages are rendered
to PNG with pdfium (pypdfium2), so the GUI shows pictures and never parses the PDF itself.
"""

from __future__ import annotations

import io
import secrets
from dataclasses import dataclass, replace
from typing import Any

from retention_desk.archive.store import Archive
from retention_desk.ipra.requests import today_local
from retention_desk.production import store

PREVIEW_RECORDS = 12


@dataclass(frozen=True)
class Preview:
    pages: tuple[bytes, ...]  # PNG images of the first pages
    records: int  # records the production will hold
    restricted_left_out: int
    redactions: int
    withheld: int
    bates_first: str | None  # what the first page will be numbered (release copies)


def preview(
    archive: Archive,
    number: str,
    *,
    versions: str = "latest",
    review_copy: bool = False,
    include_restricted: tuple[int, ...] = (),
    only_new: str | None = None,
    pages: int = 3,
    scale: float = 1.0,
) -> Preview:
    """The first `pages` pages of the production these options would make, as PNG images
    (`only_new`: the file format of a rolling production, as `build_plan` takes it). Raises
    what `build_plan` raises (a stale redaction refuses it, as it refuses `produce`)."""
    from retention_desk.production.pdf import render_pdf
    from retention_desk.production.plan import build_plan

    prefix = archive.settings().bates_prefix
    with archive.read() as conn:
        state = store.state(conn, number)
        produced_on = today_local(conn)
    plan = build_plan(
        archive,
        state.number,
        versions=versions,
        review=review_copy,
        include_restricted=include_restricted,
        key=secrets.token_bytes(32),
        only_new=only_new,
    )
    first = replace(plan, records=plan.records[:PREVIEW_RECORDS])
    made: Any = render_pdf(
        first,
        bates_prefix=None if review_copy else prefix,
        bates_start=state.next_bates,
        produced_on=produced_on,
    )
    return Preview(
        pages=_png_pages(made.data, pages, scale),
        records=len(plan.records),
        restricted_left_out=plan.restricted_left_out,
        redactions=plan.redaction_count,
        withheld=plan.withheld_count,
        bates_first=None if review_copy else f"{prefix}{state.next_bates:07d}",
    )


def _png_pages(data: bytes, pages: int, scale: float) -> tuple[bytes, ...]:
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(data)
    try:
        out = []
        for index in range(min(pages, len(document))):
            image = document[index].render(scale=scale).to_pil()
            buffer = io.BytesIO()
            image.save(buffer, "PNG")
            out.append(buffer.getvalue())
        return tuple(out)
    finally:
        document.close()
