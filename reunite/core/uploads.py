"""What an upload may be: a list of children as CSV, XLSX or PFIF XML, of bounded size.

Pages and API call `check_upload` before reading a file, so an archive, an executable or a file
too large for the server never reaches the intake readers.
"""

import zipfile
from pathlib import Path

from django.conf import settings

from reunite.core.errors import DomainError

ALLOWED_SUFFIXES = {".csv": "csv", ".xlsx": "xlsx", ".xml": "xml"}
_SNIFF_BYTES = 4096


def _head(uploaded_file) -> bytes:
    position = uploaded_file.tell() if hasattr(uploaded_file, "tell") else 0
    uploaded_file.seek(0)
    head = uploaded_file.read(_SNIFF_BYTES)
    uploaded_file.seek(position)
    return head if isinstance(head, bytes) else head.encode()


def _looks_like(kind: str, uploaded_file, head: bytes) -> bool:
    if kind == "xlsx":
        if not head.startswith(b"PK\x03\x04"):
            return False
        uploaded_file.seek(0)
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                return "[Content_Types].xml" in archive.namelist()
        except zipfile.BadZipFile:
            return False
        finally:
            uploaded_file.seek(0)
    if b"\x00" in head:  # text formats carry no NUL bytes; binaries do
        return False
    try:
        text = head.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        # A multi-byte character cut at the sniff boundary is still text.
        if exc.start < len(head) - 4:
            return False
        text = head[: exc.start].decode("utf-8-sig")
    if kind == "xml":
        return text.lstrip().startswith("<")
    return True


def check_upload(uploaded_file) -> str:
    """Refuse a file that is too large or not CSV/XLSX/XML; return its kind ("csv", "xlsx", "xml").

    The type is judged by the name's suffix and by the content (an .xlsx must be a real Office
    archive, a .csv or .xml must be text), so renaming a file does not get it through.
    """
    limit = settings.REUNITE_MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, 2)
        size = uploaded_file.tell()
        uploaded_file.seek(0)
    if size > limit:
        raise DomainError(
            "upload_too_large",
            f"The file is {size:,} bytes; uploads are limited to {limit:,} bytes.",
            "file",
        )
    name = getattr(uploaded_file, "name", "") or ""
    kind = ALLOWED_SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        raise DomainError(
            "upload_type", "Only CSV, XLSX and XML (PFIF) files can be uploaded.", "file"
        )
    if size == 0 or not _looks_like(kind, uploaded_file, _head(uploaded_file)):
        raise DomainError(
            "upload_type", f"The file's content is not {kind.upper()} as its name says.", "file"
        )
    return kind
