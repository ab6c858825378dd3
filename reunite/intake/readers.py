"""Reading agencies' files: CSV, XLSX and PFIF 1.1–1.4 person records (`reunite.intake.pfif`),
within bounds.

CSV: the encoding (UTF-8 with or without BOM, else detected among the Windows and Latin-1 code
pages by charset-normalizer) and the separator (comma, semicolon, tab or pipe) are detected and
reported. XLSX: the first sheet with a header row naming a record id and a name is read (a cover
page before it is normal), or the sheet asked for.

Each reader yields (row_number, {header: value}) with the headers as the file spells them; the row
number is what a spreadsheet shows (the header is row 1), so people can find the row to fix.
"""

import codecs
import csv
import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path

import charset_normalizer
from django.utils.translation import gettext as _

from reunite.core.errors import DomainError
from reunite.core.uploads import Budget
from reunite.intake.headers import looks_like_header
from reunite.intake.pfif import PFIF_NS, read_pfif

__all__ = ["FORMATS", "PFIF_NS", "Table", "guess_format", "read_file", "read_rows"]

FORMATS = ("csv", "xlsx", "pfif")

Row = tuple[int, dict]


def guess_format(name: str) -> str:
    suffix = Path(name).suffix.lower().lstrip(".")
    if suffix in ("xlsx", "xlsm"):
        return "xlsx"
    if suffix == "xml":
        return "pfif"
    return "csv"


@dataclass
class Table:
    """A file read into rows, with what was detected on the way, for the import's report."""

    format: str
    rows: list[Row]
    headers: list[str] = field(default_factory=list)
    encoding: str = ""
    separator: str = ""
    sheet: str = ""
    header_row: int = 1
    pfif: object = None  # a PFIF file's persons, notes and refusals (reunite.intake.pfif)
    malformed: dict[int, str] = field(default_factory=dict)  # row → why it cannot be read

    def detected(self) -> dict:
        found: dict = {"format": self.format}
        if self.format == "csv":
            found["encoding"] = self.encoding
            found["separator"] = SEPARATOR_NAMES.get(self.separator, self.separator)
        if self.format == "xlsx":
            found["sheet"] = self.sheet
        if self.format != "pfif":
            found["header_row"] = self.header_row
        return found


def read_file(data: bytes, fmt: str, *, sheet: str | None = None,
              budget: Budget | None = None, pfif_domains=None) -> Table:
    """Read a list within the bounds (size, rows, columns, cell length, time) of `budget`."""
    budget = budget or Budget()
    budget.check_size(len(data))
    if fmt == "csv":
        return _read_csv(data, budget)
    if fmt == "xlsx":
        return _read_xlsx(data, budget, sheet)
    if fmt == "pfif":
        parsed = read_pfif(data, domains=pfif_domains)
        budget.check_rows(len(parsed.rows))
        headers = list(dict.fromkeys(key for _, row in parsed.rows for key in row))
        return Table("pfif", parsed.rows, headers, pfif=parsed)
    raise DomainError(
        "invalid_format", f"'{fmt}' is not a format: use csv, xlsx or pfif.", "format"
    )


def read_rows(data: bytes, fmt: str) -> list[Row]:
    return read_file(data, fmt).rows


SEPARATORS = (",", ";", "\t", "|")
SEPARATOR_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}
# The encodings agencies' spreadsheets write. Detection is limited to these because on a short
# file an unrestricted detector picks exotic code pages (Johab for Spanish Windows-1252 text).
ENCODINGS = ["utf_8", "utf_16", "utf_32", "cp1252", "latin_1"]
ENCODING_NAMES = {"utf_8": "UTF-8", "utf_8_sig": "UTF-8 with BOM", "utf_16": "UTF-16",
                  "utf_32": "UTF-32", "cp1252": "Windows-1252", "latin_1": "Latin-1 (ISO-8859-1)"}


def decode(data: bytes) -> tuple[str, str]:
    """The file's text and the name of its encoding; UTF-8 whenever the bytes are valid UTF-8."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", "strict"), ENCODING_NAMES["utf_8_sig"]
    if not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            return data.decode("utf-8"), ENCODING_NAMES["utf_8"]
        except UnicodeDecodeError:
            pass
    best = charset_normalizer.from_bytes(data, cp_isolation=ENCODINGS).best()
    if best is None:
        raise DomainError(
            "invalid_file",
            _("This is not a text file: save the list as CSV (or send the .xlsx)."), "file",
        )
    text = str(best)
    if text.startswith("\ufeff"):
        text = text[1:]
    return text, ENCODING_NAMES.get(best.encoding, best.encoding)


def _separator(text: str) -> str:
    """The separator that splits the header and the first lines into the same number of columns."""
    sample = text[:65536].splitlines()[:50]
    best, best_score = ",", (0, 0)
    for candidate in SEPARATORS:
        try:
            lines = list(csv.reader(sample, delimiter=candidate))
        except csv.Error:
            continue
        lines = [line for line in lines if any(cell.strip() for cell in line)]
        if not lines or len(lines[0]) < 2:
            continue
        width = len(lines[0])
        agreeing = sum(1 for line in lines if len(line) == width)
        score = (agreeing, width)
        if score > best_score:
            best, best_score = candidate, score
    return best


def _read_csv(data: bytes, budget: Budget) -> Table:
    text, encoding = decode(data)
    if "\x00" in text:
        raise DomainError("invalid_file", _("This is not a CSV file (it holds binary data)."),
                          "file")
    separator = _separator(text)
    # The csv module's own cell limit would raise a bare error; let ours speak first.
    csv.field_size_limit(max(budget.limits.cell_chars + 1, 1024))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    rows: list[Row] = []
    malformed: dict[int, str] = {}
    shared = _Shared()
    try:
        # The header is the first line, unless title lines stand above it (as when a sheet with
        # a title is saved as CSV): then it is the first line that names a record id and a name.
        # Row numbers are records, as a spreadsheet shows them (a cell holding a line break is
        # still one row; a blank line is a row too).
        numbered = enumerate(reader, start=1)
        first_lines = []
        for number, values in numbered:
            first_lines.append((number, values))
            if looks_like_header(values) or len(first_lines) > _HEADER_SEARCH_ROWS:
                break
        found = next((i for i, (_, v) in enumerate(first_lines) if looks_like_header(v)), 0)
        header_row, header = first_lines[found] if first_lines else (1, None)
        if not header or not any(h.strip() for h in header):
            raise DomainError("invalid_file", _("The file has no header row."), "file")
        header = _name_blank_headers([h.strip() for h in header])
        budget.check_columns(len(header))
        for line_number, values in _chain(first_lines[found + 1:], numbered):
            if not any(v.strip() for v in values):
                continue
            budget.check_rows(len(rows) + 1)
            if len(values) > len(header) and any(v.strip() for v in values[len(header):]):
                # Most often a separator inside an unquoted value: every value after it is in
                # the wrong column, so the row cannot be read as it stands.
                malformed[line_number] = (
                    _("The row has %(cells)s cells but the header names %(columns)s columns (a "
                      "separator inside a value that is not in quotes?).")
                    % {"cells": len(values), "columns": len(header)}
                )
            for name, value in zip(header, values, strict=False):
                budget.check_cell(value, line_number, name)
            padded = values + [""] * (len(header) - len(values))
            rows.append((line_number, dict(zip(header, shared(padded), strict=False))))
            if len(rows) % 1000 == 0:
                budget.check_time()
    except csv.Error as error:
        if "field larger than field limit" in str(error):
            raise DomainError(
                "cell_too_long",
                _("Line %(line)s of the file holds a cell longer than %(limit)s characters, the "
                  "limit.") % {"line": reader.line_num, "limit": f"{budget.limits.cell_chars:,}"},
                "file",
            ) from None
        raise DomainError(
            "invalid_file",
            _("Line %(line)s cannot be read as CSV: %(error)s.") % {"line": reader.line_num,
                                                                   "error": error}, "file"
        ) from None
    budget.check_time()
    return Table("csv", rows, header, encoding=encoding, separator=separator,
                 header_row=header_row, malformed=malformed)



class _Shared:
    """One string object for each value a column repeats (names, dates, places, codes), instead
    of one per row: a third less memory for a 100,000-row list. A column whose values rarely
    repeat (ids, addresses) stops being remembered once it has shown many distinct ones."""

    LIMIT = 20_000

    def __init__(self):
        self.seen: list[dict | None] = []

    def __call__(self, values: list[str]) -> list[str]:
        seen = self.seen
        if len(seen) < len(values):
            seen.extend({} for _ in range(len(values) - len(seen)))
        out = []
        for index, value in enumerate(values):
            column = seen[index]
            if column is None:
                out.append(value)
                continue
            known = column.get(value)
            if known is None:
                if len(column) >= self.LIMIT:
                    seen[index] = None
                else:
                    column[value] = value
                known = value
            out.append(known)
        return out


def _name_blank_headers(header: list) -> list[str]:
    """A column without a header keeps its values under "column N" rather than losing them."""
    return [str(h).strip() if h not in (None, "") and str(h).strip() else f"column {i}"
            for i, h in enumerate(header, start=1)]


_HEADER_SEARCH_ROWS = 20


def _read_xlsx(data: bytes, budget: Budget, sheet_name: str | None) -> Table:
    from openpyxl import load_workbook

    budget.check_workbook(data)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # openpyxl raises many kinds for a file that is not a workbook
        raise DomainError(
            "invalid_file", _("This is not an Excel workbook (.xlsx) that can be read."), "file"
        ) from None
    try:
        names = workbook.sheetnames
        if sheet_name is not None:
            if sheet_name not in names:
                raise DomainError(
                    "unknown_sheet",
                    _("The workbook has no sheet '%(sheet)s'; its sheets are %(sheets)s.")
                    % {"sheet": sheet_name, "sheets": ", ".join(repr(n) for n in names)}, "sheet",
                )
            candidates = [sheet_name]
        else:
            candidates = names
        for name in candidates:
            worksheet = workbook[name]
            worksheet.reset_dimensions()  # read the cells there, not the size the file declares
            table = _read_sheet(worksheet, name, budget, chosen=sheet_name is not None)
            if table is not None:
                return table
        raise DomainError(
            "no_header_row",
            _("No sheet of the workbook has a header row naming a record id and a name "
              "(record_id, first_name, last_name, …); its sheets are %(sheets)s.")
            % {"sheets": ", ".join(repr(n) for n in names)}, "file",
        )
    finally:
        workbook.close()


def _cell(value):
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time(0) else value
    return value if value is not None else ""


def _read_sheet(worksheet, name: str, budget: Budget, chosen: bool) -> Table | None:
    """The sheet's rows under its header row, or None when no header row is in its first rows.

    A chosen sheet with no recognisable header row is read from its first row, as told."""
    rows_iter = worksheet.iter_rows(values_only=True)
    header = None
    header_number = 0
    skipped = []
    for number, values in enumerate(rows_iter, start=1):
        budget.check_columns(len(values))
        if looks_like_header(values):
            header, header_number = values, number
            break
        skipped.append((number, values))
        if number >= _HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not chosen:
            return None
        first = next(((n, v) for n, v in skipped if any(c not in (None, "") for c in v)), None)
        if first is None:
            raise DomainError("invalid_file", _("The sheet '%(sheet)s' has no header row.")
                              % {"sheet": name}, "file")
        header_number, header = first
        following = [values for n, values in skipped if n > header_number]
        rest = worksheet.iter_rows(min_row=len(skipped) + 1, values_only=True)
        rows_iter = _chain(following, rest)
    names = _name_blank_headers(list(header))
    budget.check_columns(len(names))
    rows: list[Row] = []
    for number, values in enumerate(rows_iter, start=header_number + 1):
        if number % 1000 == 0:
            budget.check_time()
        if values is None or all(v in (None, "") for v in values):
            continue
        budget.check_rows(len(rows) + 1)
        budget.check_columns(len(values))
        if len(values) > len(names) and any(v not in (None, "") for v in values[len(names):]):
            # Values in columns without a header are kept, under the column's number.
            names += [f"column {i}" for i in range(len(names) + 1, len(values) + 1)]
        row = {}
        for column, value in zip(names, values, strict=False):
            if isinstance(value, str):
                budget.check_cell(value, number, column)
            row[column] = _cell(value)
        for column in names[len(values):]:
            row[column] = ""
        rows.append((number, row))
    budget.check_time()
    return Table("xlsx", rows, names, sheet=name, header_row=header_number)


def _chain(first, second):
    yield from first
    yield from second

