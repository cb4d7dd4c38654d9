"""A hostile archive for the production plan and the PDF: records whose text (in every
version), author name, handle and URL carry unique secrets under redactions, reportlab markup,
formula-like values, secrets split by zero-width characters and right-to-left runs, photos
with EXIF/GPS/XMP, a withheld record and medium, a private message and a removed comment.

Every secret is a string that appears nowhere else, so a leak test can look for each one in
every byte a production writes."""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from datetime import UTC, datetime

from retention_desk.archive.ingest import RecordWriter
from retention_desk.archive.records_in import MediaIn, RecordIn
from retention_desk.archive.store import Archive
from retention_desk.ipra import requests, responsive
from retention_desk.redaction import add_redaction, withhold

SSN = "987-65-4320"
NAME = "Marisol Q. Leakington"
HANDLE = "leaky_handle_secret77"
URL_SECRET = "URLPATHSECRET42"
FONT = '<font color="red" size="40">FONTLEAKWORD</font>'
IMG = '<img src="http://127.0.0.1:9/x.png" width="9" height="9"/>IMGLEAKWORD'
FORMULA = '=1+1+HYPERLINK("http://evil.example/FORMULALEAK")'
ZW = "ZW\u200bLEAK\u200bKEY"  # "ZWLEAKKEY" once the zero-width spaces are dropped
RTL = "\u202eRTLLEAKWORD \u05e9\u05dc\u05d5\u05dd \u0645\u0631\u062d\u0628\u0627"
OLD = "FIRSTVERSIONLEAK 321-54-9876"
WITHHELD = "WITHHELDLEAKWORD"
RESTRICTED = "RESTRICTEDLEAKWORD"
REMOVED = "REMOVEDLEAKWORD"
CAMERA = "CAMERALEAKSERIAL"
XMP = "XMPLEAKAUTHOR"
JPEG_COMMENT = "JPEGCOMMENTLEAK"
PNG_TEXT = "PNGTEXTLEAK"
WITHHELD_MEDIA = "WITHHELDMEDIALEAK"

SECRETS = (
    SSN,
    NAME,
    HANDLE,
    URL_SECRET,
    "FONTLEAKWORD",
    "IMGLEAKWORD",
    "FORMULALEAK",
    ZW,
    "ZWLEAKKEY",
    "RTLLEAKWORD",
    "\u05e9\u05dc\u05d5\u05dd",
    OLD,
    "FIRSTVERSIONLEAK",
    WITHHELD,
    RESTRICTED,
    REMOVED,
    CAMERA,
    XMP,
    JPEG_COMMENT,
    PNG_TEXT,
    WITHHELD_MEDIA,
)
# what must print literally (not interpreted) where nothing is redacted
LITERAL_MARKUP = '<b>not bold</b> & <font color="red">not red</font> =1+1'
GPS = {1: "N", 2: (35.0, 5.0, 1.0), 3: "W", 4: (106.0, 39.0, 2.0)}


def plain_hashes(*texts: str) -> list[str]:
    return [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]


def photo_with_metadata(size: tuple[int, int] = (64, 48)) -> bytes:
    """A JPEG carrying EXIF (camera serial, GPS), XMP and a comment, each a secret."""
    from PIL import Image

    img = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = CAMERA  # Make
    exif[0xA431] = CAMERA  # BodySerialNumber
    exif.get_ifd(0x8825).update(GPS)
    out = io.BytesIO()
    img.save(
        out,
        "JPEG",
        exif=exif.tobytes(),
        xmp=f"<x:xmpmeta><dc:creator>{XMP}</dc:creator></x:xmpmeta>".encode(),
        comment=JPEG_COMMENT.encode(),
    )
    return out.getvalue()


def png_with_text() -> bytes:
    from PIL import Image, PngImagePlugin

    info = PngImagePlugin.PngInfo()
    info.add_text("Author", PNG_TEXT)
    info.add_itxt("Description", WITHHELD_MEDIA)
    img = Image.new("RGBA", (30, 20), (0, 0, 255, 128))
    out = io.BytesIO()
    img.save(out, "PNG", pnginfo=info)
    return out.getvalue()


@dataclass(frozen=True)
class Corpus:
    number: str
    ids: dict[str, int]
    texts: dict[str, str]
    # every covered text and every whole value holding one: their plain SHA-256 must not
    # appear in a release
    redacted_texts: tuple[str, ...]


def _rec(key: str, text: str, *, at: int, **kw: object) -> RecordIn:
    return RecordIn(
        platform="x",
        kind=str(kw.pop("kind", "post")),
        record_key=key,
        platform_id=key,
        text=text,
        created_at=datetime(2026, 3, 1, 17, at, tzinfo=UTC),
        author_name=str(kw.pop("author_name", "Town of Sandia")),
        author_handle=str(kw.pop("author_handle", "sandia")),
        url=str(kw.pop("url", f"https://x.com/sandia/status/{key}")),
        **kw,  # type: ignore[arg-type]
    )


def write(archive: Archive, items: list[RecordIn]) -> None:
    with archive.write() as conn:
        writer = RecordWriter(conn, batch_id=None, source_file_id=None, account_id=None)
        for item in items:
            writer.add(item)
        writer.finish()


def ids_by_key(archive: Archive) -> dict[str, int]:
    with archive.read() as conn:
        return {
            str(k): int(i) for k, i in conn.exec_driver_sql("SELECT record_key, id FROM records")
        }


def new_request(archive: Archive) -> str:
    return requests.new_request(
        archive,
        received_at=datetime(2026, 3, 4, 18, tzinfo=UTC),
        via="email",
        name="Ana Requester",
        email="ana@example.org",
        description="Everything about the report",
    ).number


def build_corpus(archive: Archive) -> Corpus:
    """The hostile archive and a request whose set holds it, with redactions over every
    secret; m6 (a private message) is not included, c7 is removed from the set."""
    t1 = f"Report: SSN {SSN} then {FONT} and {IMG} end"
    t2 = f"Reply {FORMULA} / {ZW} / {RTL} done"
    old1 = f"First words: {OLD} tail"
    old2 = f"First words: {OLD} tail, edited"
    url1 = f"https://x.com/{URL_SECRET}/status/1"
    write(
        archive,
        [
            _rec(
                "p1",
                t1,
                at=0,
                author_name=NAME,
                author_handle=HANDLE,
                url=url1,
                media=[
                    MediaIn(
                        "https://pbs.example/GPSPHOTO.jpg",
                        filename="IMG_CAMERALEAK.jpg",
                        mime_type="image/jpeg",
                        media_type="photo",
                        data=photo_with_metadata(),
                    ),
                    MediaIn(
                        "https://pbs.example/withheld.png",
                        mime_type="image/png",
                        media_type="photo",
                        data=png_with_text(),
                    ),
                    MediaIn("https://video.example/v.mp4", mime_type="video/mp4", data=b"\0" * 64),
                    MediaIn("https://pbs.example/gone.jpg", mime_type="image/jpeg"),
                ],
            ),
            _rec("c2", t2, at=5, kind="comment", parent_key="p1"),
            _rec("r3", f"plain reply {LITERAL_MARKUP}", at=6, kind="reply", parent_key="c2"),
            _rec("p4", old1, at=10),
            _rec("p5", f"This one is withheld: {WITHHELD}", at=20),
            _rec("m6", f"private {RESTRICTED}", at=30, kind="message", restricted=True),
            _rec("c7", f"removed {REMOVED}", at=7, kind="comment", parent_key="p1"),
            _rec("p8", LITERAL_MARKUP, at=40),
            _rec("c9", "comment not in the set", at=8, kind="comment", parent_key="p1"),
            _rec("r10", "reply, its parent not in the set", at=9, kind="reply", parent_key="c9"),
            _rec("r11", "reply whose parent never arrived", at=1, kind="reply", parent_key="zz"),
        ],
    )
    write(archive, [_rec("p4", old2, at=10, edited_at=datetime(2026, 3, 3, tzinfo=UTC))])
    ids = ids_by_key(archive)
    number = new_request(archive)
    responsive.add_records(archive, number, [i for k, i in ids.items() if k != "c9"])
    responsive.remove_records(archive, number, [ids["c7"]], "not responsive")

    def cover(record: str, value: str, secret: str, **kw: object) -> None:
        start = value.index(secret)
        add_redaction(
            archive,
            ids[record],
            start,
            start + len(secret),
            "14-2-1.1",
            request=number,
            **kw,  # type: ignore[arg-type]
        )

    cover("p1", t1, SSN)
    cover("p1", t1, FONT)
    cover("p1", t1, IMG)
    cover("p1", NAME, NAME, field="author_name")
    cover("p1", HANDLE, HANDLE, field="author_handle")
    cover("p1", url1, URL_SECRET, field="url")
    for secret in (FORMULA, ZW, RTL):
        cover("c2", t2, secret)
    cover("p4", old1, OLD, version="all")
    withhold(archive, ids["p5"], "14-2-1(G)", request=number)
    with archive.read() as conn:
        png_media = conn.exec_driver_sql(
            "SELECT id FROM media WHERE record_id = ? AND mime_type = 'image/png'", (ids["p1"],)
        ).scalar_one()
    withhold(archive, ids["p1"], "14-2-1.1", media_id=int(png_media), request=number)
    covered = (SSN, FONT, IMG, NAME, HANDLE, URL_SECRET, FORMULA, ZW, RTL, OLD)
    whole = (t1, t2, old1, old2, url1, f"This one is withheld: {WITHHELD}")
    texts = {"t1": t1, "t2": t2, "old1": old1, "old2": old2, "url1": url1}
    return Corpus(number, ids, texts, (*covered, *whole))
