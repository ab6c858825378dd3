"""Reading agencies' files: CSV, XLSX and PFIF 1.1–1.4 person records (`reunite.intake.pfif`).

Each reader yields (row_number, {header: value}) with the headers as the file spells them; the row
number is what a spreadsheet shows (the header is row 1), so people can find the row to fix.
"""

import csv
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path

from reunite.core.errors import DomainError
from reunite.intake.pfif import PFIF_NS, read_pfif

__all__ = ["FORMATS", "PFIF_NS", "guess_format", "read_rows"]

FORMATS = ("csv", "xlsx", "pfif")

Row = tuple[int, dict]


def guess_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix == "xml":
        return "pfif"
    return "csv"


def read_rows(data: bytes, fmt: str) -> list[Row]:
    if fmt == "csv":
        return list(_read_csv(data))
    if fmt == "xlsx":
        return list(_read_xlsx(data))
    if fmt == "pfif":
        return read_pfif(data).rows
    raise DomainError(
        "invalid_format", f"'{fmt}' is not a format: use csv, xlsx or pfif.", "format"
    )


def _read_csv(data: bytes) -> Iterator[Row]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise DomainError(
            "invalid_file", "The CSV file is not UTF-8 text: save it as 'CSV UTF-8' and re-send.",
            "file",
        ) from None
    if "\x00" in text:
        raise DomainError("invalid_file", "This is not a CSV file (it holds binary data).", "file")
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if not header or not any(h.strip() for h in header):
        raise DomainError("invalid_file", "The file has no header row.", "file")
    for line_number, values in enumerate(reader, start=2):
        if not any(v.strip() for v in values):
            continue
        padded = values + [""] * (len(header) - len(values))
        yield line_number, dict(zip(header, padded, strict=False))


def _read_xlsx(data: bytes) -> Iterator[Row]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(
            "invalid_file", "This is not an Excel workbook (.xlsx) that can be read.", "file"
        ) from None
    sheet = workbook.worksheets[0]
    rows = sheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header:
        raise DomainError("invalid_file", "The first sheet has no header row.", "file")
    header = [str(h).strip() if h is not None else "" for h in header]
    for row_number, values in enumerate(rows, start=2):
        if values is None or all(v in (None, "") for v in values):
            continue
        row = {}
        for name, value in zip(header, values, strict=False):
            if not name:
                continue
            if isinstance(value, dt.datetime):
                value = value.date()
            row[name] = value if value is not None else ""
        yield row_number, row
    workbook.close()
