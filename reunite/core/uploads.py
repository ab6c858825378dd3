"""What an upload may be: a list of children as CSV, XLSX or PFIF XML, of bounded size.

Pages and API call `check_upload` before reading a file, so an archive, an executable or a file
too large for the server never reaches the intake readers.
"""

import codecs
import io
import re
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.utils import formats
from django.utils.translation import gettext as _

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
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = head[2:].decode("utf-16-le" if head.startswith(codecs.BOM_UTF16_LE)
                               else "utf-16-be", "ignore")
    elif b"\x00" in head:  # text formats carry no NUL bytes; binaries do
        return False
    else:
        # Text in any of the 8-bit encodings agencies use (Windows-1252, Latin-1, UTF-8) has
        # next to no control characters; the intake reader detects which encoding it is.
        controls = sum(1 for byte in head if byte < 0x20 and byte not in b"\t\r\n\f")
        if controls > len(head) // 100:
            return False
        text = head.decode("latin-1")
    if kind == "xml":
        return text.lstrip("\ufeff\xef\xbb\xbf \t\r\n").startswith("<")
    return True


class UploadTooLarge(DomainError):
    status = 413


_KIND_OF_FORMAT = {"csv": "csv", "xlsx": "xlsx", "pfif": "xml"}


def check_upload(uploaded_file, fmt: str | None = None) -> str:
    """Refuse a file that is too large or not CSV/XLSX/XML; return its kind ("csv", "xlsx", "xml").

    The type is judged by the name's suffix (or the format the user named) and by the content
    (an .xlsx must be a real Office archive, a .csv or .xml must be text), so renaming a file
    does not get it through. Pages, API and CLI all call this before reading a list; the readers
    then bound what is inside (reunite.core.uploads.Budget).
    """
    limit = settings.REUNITE_MAX_UPLOAD_BYTES
    size = getattr(uploaded_file, "size", None)
    if size is None:
        uploaded_file.seek(0, 2)
        size = uploaded_file.tell()
        uploaded_file.seek(0)
    if size > limit:
        raise UploadTooLarge(
            "upload_too_large",
            _("The file is %(size)s bytes; uploads are limited to %(limit)s bytes.")
            % {"size": _n(size), "limit": _n(limit)},
            "file",
        )
    name = getattr(uploaded_file, "name", "") or ""
    kind = _KIND_OF_FORMAT.get(fmt or "") or ALLOWED_SUFFIXES.get(Path(name).suffix.lower())
    if kind is None:
        raise DomainError(
            "upload_type", _("Only CSV, XLSX and XML (PFIF) files can be uploaded."), "file"
        )
    if size == 0 or not _looks_like(kind, uploaded_file, _head(uploaded_file)):
        raise DomainError(
            "upload_type",
            _("The file's content is not %(kind)s as its name says.") % {"kind": kind.upper()},
            "file"
        )
    return kind



def _n(number: int) -> str:
    """A count as the reader's language writes it (1,048,576 / 1.048.576)."""
    return formats.number_format(number, force_grouping=True)

# ---------------------------------------------------------------------------------------------
# Bounds on a list's content, checked before and while it is parsed. The readers call these for
# every file, whether it came from the page, the API or the CLI, so all three refuse alike.


@dataclass(frozen=True)
class Limits:
    file_bytes: int
    expanded_bytes: int
    rows: int
    columns: int
    cell_chars: int
    seconds: float

    @classmethod
    def from_settings(cls, seconds: float | None = None) -> "Limits":
        return cls(
            file_bytes=settings.REUNITE_MAX_UPLOAD_BYTES,
            expanded_bytes=settings.REUNITE_INTAKE_MAX_EXPANDED_BYTES,
            rows=settings.REUNITE_INTAKE_MAX_ROWS,
            columns=settings.REUNITE_INTAKE_MAX_COLUMNS,
            cell_chars=settings.REUNITE_INTAKE_MAX_CELL_CHARS,
            seconds=seconds or settings.REUNITE_INTAKE_READ_SECONDS,
        )


class Budget:
    """The limits for one file and the clock it is read against."""

    def __init__(self, limits: Limits | None = None):
        self.limits = limits or Limits.from_settings()
        self.deadline = time.monotonic() + self.limits.seconds

    def check_size(self, size: int) -> None:
        if size > self.limits.file_bytes:
            raise UploadTooLarge(
                "upload_too_large",
                _("The file is %(size)s bytes; lists are limited to %(limit)s bytes.")
                % {"size": _n(size), "limit": _n(self.limits.file_bytes)}, "file",
            )

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise DomainError(
                "file_too_slow",
                _("Reading the file took longer than %(seconds)s seconds, the limit: split it "
                  "into smaller files.") % {"seconds": f"{self.limits.seconds:g}"}, "file",
            )

    def check_rows(self, count: int) -> None:
        if count > self.limits.rows:
            raise DomainError(
                "too_many_rows",
                _("The file has more than %(limit)s rows, the limit: split it into smaller "
                  "files.") % {"limit": _n(self.limits.rows)}, "file",
            )

    def check_columns(self, count: int) -> None:
        if count > self.limits.columns:
            raise DomainError(
                "too_many_columns",
                _("The file has %(count)s columns; the limit is %(limit)s.")
                % {"count": _n(count), "limit": _n(self.limits.columns)}, "file",
            )

    def check_cell(self, value: str, row: int, column: str) -> None:
        if len(value) > self.limits.cell_chars:
            raise DomainError(
                "cell_too_long",
                _("Row %(row)s, column '%(column)s' holds %(length)s characters; a cell may hold "
                  "at most %(limit)s.") % {"row": row, "column": column, "length": _n(len(value)),
                                           "limit": _n(self.limits.cell_chars)}, "file",
            )

    def check_workbook(self, data: bytes) -> None:
        """Refuse a workbook by what its archive declares, before any XML in it is parsed.

        A few kilobytes can declare a million-row sheet or unzip to gigabytes; both are seen
        from the archive's directory and each sheet's <dimension> without reading the cells.
        """
        try:
            archive = zipfile.ZipFile(io.BytesIO(data))
        except zipfile.BadZipFile:
            raise DomainError(
                "invalid_file", _("This is not an Excel workbook (.xlsx) that can be read."),
                "file",
            ) from None
        with archive:
            expanded = sum(info.file_size for info in archive.infolist())
            if expanded > self.limits.expanded_bytes:
                raise DomainError(
                    "workbook_too_large",
                    _("The workbook unpacks to %(size)s bytes; the limit is %(limit)s bytes.")
                    % {"size": _n(expanded), "limit": _n(self.limits.expanded_bytes)}, "file",
                )
            for info in archive.infolist():
                if not _SHEET_PART.match(info.filename):
                    continue
                with archive.open(info) as part:
                    head = part.read(_DIMENSION_BYTES).decode("utf-8", "replace")
                found = _DIMENSION.search(head)
                if not found:
                    continue
                rows = int(found.group("row"))
                columns = _column_number(found.group("col"))
                if rows - 1 > self.limits.rows:
                    raise DomainError(
                        "too_many_rows",
                        _("A sheet of the workbook declares %(rows)s rows; the limit is "
                          "%(limit)s: delete the empty rows below the list, or split it.")
                        % {"rows": _n(rows), "limit": _n(self.limits.rows)}, "file",
                    )
                self.check_columns(columns)


_SHEET_PART = re.compile(r"^xl/worksheets/[^/]+\.xml$")
_DIMENSION = re.compile(r'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?(?P<col>[A-Z]+)(?P<row>\d+)"')
_DIMENSION_BYTES = 4096


def _column_number(letters: str) -> int:
    number = 0
    for letter in letters:
        number = number * 26 + (ord(letter) - ord("A") + 1)
    return number
