"""What an uploaded photo or document is, judged by its bytes, and a photo made safe to keep.

The name a file arrives with proves nothing: the type is read from the content (`filetype`), and
a photo is decoded and re-encoded by Pillow, which drops everything but the pixels — EXIF, GPS
position, camera serial, embedded thumbnails — after turning it upright.
"""

import hashlib
import io
from dataclasses import dataclass

import filetype
from django.conf import settings
from PIL import Image, ImageOps, UnidentifiedImageError

from reunite.core.errors import DomainError

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/gif", "image/bmp", "image/tiff"}
ATTACHMENT_TYPES = PHOTO_TYPES | {
    "application/pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "application/vnd.oasis.opendocument.text",
    "application/vnd.oasis.opendocument.spreadsheet",
}
SUFFIXES = {
    "image/jpeg": ".jpg", "image/png": ".png", "image/webp": ".webp", "image/gif": ".gif",
    "image/bmp": ".bmp", "image/tiff": ".tif", "application/pdf": ".pdf",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": ".docx",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": ".xlsx",
    "application/vnd.oasis.opendocument.text": ".odt",
    "application/vnd.oasis.opendocument.spreadsheet": ".ods",
}
PHOTO_MAX_SIDE = 2000       # stored photos are at most this many pixels on their long side
THUMBNAIL_SIDE = 320
JPEG_QUALITY = 88


class TooLarge(DomainError):
    status = 413


@dataclass(frozen=True)
class Prepared:
    content: bytes
    content_type: str
    suffix: str
    sha256: str
    thumbnail: bytes | None = None
    width: int | None = None
    height: int | None = None


def read_upload(upload, limit: int) -> bytes:
    """The upload's bytes, refused before reading if larger than `limit`."""
    size = getattr(upload, "size", None)
    if size is not None and size > limit:
        raise TooLarge("file_too_large",
                          f"The file is {size:,} bytes; the limit is {limit:,}.", "file")
    data = upload.read(limit + 1)
    if len(data) > limit:
        raise TooLarge("file_too_large", f"The file is over the limit of {limit:,} bytes.",
                          "file")
    if not data:
        raise DomainError("empty_file", "The file is empty.", "file")
    return data


def sniff(data: bytes, allowed: set[str], what: str) -> str:
    """The file's real type from its first bytes, if it is one of `allowed`."""
    kind = filetype.guess(data[:8192])
    mime = kind.mime if kind else None
    if mime not in allowed:
        found = f"its content is {mime}" if mime else "its content is not a known file type"
        names = ", ".join(sorted({SUFFIXES[m].lstrip('.').upper() for m in allowed}))
        raise DomainError("file_type", f"This is not {what}: {found}. Accepted: {names}.", "file")
    return mime


def _jpeg(image: Image.Image) -> bytes:
    out = io.BytesIO()
    # No exif=, no icc_profile=: Pillow writes only the pixels it is given.
    image.save(out, "JPEG", quality=JPEG_QUALITY, optimize=True)
    return out.getvalue()


def prepare_photo(data: bytes) -> Prepared:
    """Check the photo, turn it upright, strip its metadata, bound its size, make a thumbnail."""
    sniff(data, PHOTO_TYPES, "a photo")
    try:
        with Image.open(io.BytesIO(data)) as probe:
            width, height = probe.size
            if width * height > settings.REUNITE_MAX_PHOTO_PIXELS:
                raise TooLarge(
                    "photo_too_large",
                    f"The photo is {width}×{height} pixels; the limit is "
                    f"{settings.REUNITE_MAX_PHOTO_PIXELS:,} pixels.", "file")
            probe.verify()  # a truncated or corrupt file stops here
        with Image.open(io.BytesIO(data)) as source:
            source.seek(0)  # an animated GIF keeps its first frame
            image = ImageOps.exif_transpose(source).convert("RGB")
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as error:
        raise DomainError("file_unreadable", f"The photo cannot be read: {error}.",
                          "file") from None
    # A fresh image holds pixels only: no info dict (EXIF, GPS, comments) travels with it.
    clean = Image.new("RGB", image.size)
    clean.paste(image)
    clean.thumbnail((PHOTO_MAX_SIDE, PHOTO_MAX_SIDE))
    content = _jpeg(clean)
    thumb = clean.copy()
    thumb.thumbnail((THUMBNAIL_SIDE, THUMBNAIL_SIDE))
    return Prepared(content, "image/jpeg", ".jpg", hashlib.sha256(content).hexdigest(),
                    thumbnail=_jpeg(thumb), width=clean.width, height=clean.height)


def prepare_attachment(data: bytes) -> Prepared:
    """A document is kept exactly as sent (it may be evidence), once its type is known."""
    mime = sniff(data, ATTACHMENT_TYPES, "a document Reunite accepts")
    return Prepared(data, mime, SUFFIXES[mime], hashlib.sha256(data).hexdigest())
